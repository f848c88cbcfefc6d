import Dispatch

/// Reads the tensors a run needs, in order, through two scratch buffers. A deflate stream
/// inflates on one core only, so when a tensor and the next are both compressed they are read
/// together: the next on a second thread while this one inflates here. Memory is then two
/// tensors rather than one, so a pair is read together only when it fits the memory budget
/// (`MemoryCost`); stored tensors are read one at a time (their reads already use every core),
/// their checksum left to whoever reads their bytes next (`TensorSource.readLeavingCheck`).
final class TensorPrefetcher {
    private let source: any TensorSource
    private let names: [String]
    private let costs: [Int]
    private let budget: Int
    /// Reads in pairs only with a second thread to spare.
    private let pairs: Bool
    private let scratches = [ScratchBuffer(), ScratchBuffer()]
    /// The read of `index` done on the second thread, into `scratches[1]`.
    private var prefetched: (index: Int, result: Result<(info: TensorInfo, bytes: UnsafeRawBufferPointer), any Error>)?

    /// A tensor's data, and the check of it left to the caller, if any (`DeferredCheck`).
    typealias Read = (info: TensorInfo, bytes: UnsafeRawBufferPointer, check: (any DeferredCheck)?)

    init(source: any TensorSource, tensors: [TensorInfo], threads: Int, memoryBudget: MemoryBudget = .unlimited) {
        self.source = source
        self.names = tensors.map(\.name)
        self.costs = tensors.map(MemoryCost.quantizing)
        self.budget = memoryBudget.bytes
        self.pairs = threads > 1
    }

    /// The data of tensor `index`; the bytes are valid until the next call. Call in order.
    func read(_ index: Int) throws -> Read {
        if let prefetched, prefetched.index == index {
            self.prefetched = nil
            let (info, bytes) = try prefetched.result.get()
            return (info, bytes, nil)
        }
        let next = index + 1
        guard pairs, next < names.count, source.isCompressed(names[index]), source.isCompressed(names[next]),
              costs[index].addingReportingOverflow(costs[next]).partialValue <= budget else {
            return try source.readLeavingCheck(names[index], into: scratches[0])
        }
        let job = UncheckedSendable((source, names[next], scratches[1]))
        let box = UncheckedSendable(ResultSlot())
        let done = DispatchGroup()
        DispatchQueue.global().async(group: done) {
            let (source, name, scratch) = job.value
            box.value.result = Result { try source.read(name, into: scratch) }
        }
        let this = Result { try source.read(names[index], into: scratches[0]) }
        done.wait()
        prefetched = (next, box.value.result!)
        let (info, bytes) = try this.get()
        return (info, bytes, nil)
    }

    private final class ResultSlot {
        var result: Result<(info: TensorInfo, bytes: UnsafeRawBufferPointer), any Error>?
    }
}
