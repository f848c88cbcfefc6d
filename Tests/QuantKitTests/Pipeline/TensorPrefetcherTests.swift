@testable import QuantKit
import Testing

/// `TensorPrefetcher`: tensors come back in order with their bytes whether or not pairs of
/// compressed tensors are read together, a failed read surfaces on that tensor's own `read`,
/// and a pair is read together only when it fits the memory budget.
@Suite struct TensorPrefetcherTests {
    /// Tensors `t0`, `t1`, ... of different dtypes and shapes, each with distinct bytes.
    static func tensors(_ count: Int) -> [(name: String, tensor: Tensor)] {
        (0 ..< count).map { index in
            let shape = [index % 3 + 1, 5]
            let values = (0 ..< shape[0] * 5).map { Float(index * 100 + $0) + 0.25 }
            let tensor = index % 2 == 0 ? Tensor(shape: shape, values: values) : Tensor(shape: shape, values: values, storedAs: .float16)
            return ("t\(index)", tensor)
        }
    }

    /// Reads every tensor in order, copying each one's bytes before the next read.
    static func readAll(_ prefetcher: TensorPrefetcher, count: Int) throws -> [(info: TensorInfo, bytes: [UInt8])] {
        try (0 ..< count).map { index in
            let (info, bytes, _) = try prefetcher.read(index)
            return (info, [UInt8](bytes))
        }
    }

    @Test(arguments: [1, 2], [[], ["t1", "t2"], ["t0", "t1", "t2", "t3", "t4", "t5"], ["t0", "t2", "t4"]] as [Set<String>])
    func readsComeBackInOrderWithTheirBytes(threads: Int, compressed: Set<String>) throws {
        let tensors = Self.tensors(6)
        let source = InMemoryTensorSource(tensors, compressed: compressed)
        let prefetcher = TensorPrefetcher(source: source, tensors: source.tensors, threads: threads)
        let read = try Self.readAll(prefetcher, count: tensors.count)
        #expect(read.map(\.info) == source.tensors)
        #expect(read.map(\.bytes) == tensors.map(\.tensor.bytes))
        // Each tensor is read from the source exactly once.
        #expect(source.reads.sorted() == tensors.map(\.name).sorted())
    }

    @Test func twoCompressedTensorsAreReadTogetherOnTwoThreads() throws {
        let source = InMemoryTensorSource(Self.tensors(3), compressed: ["t0", "t1", "t2"])
        let prefetcher = TensorPrefetcher(source: source, tensors: source.tensors, threads: 2)
        _ = try prefetcher.read(0)
        #expect(Set(source.reads) == ["t0", "t1"])
        _ = try prefetcher.read(1)
        #expect(source.reads.count == 2)
        _ = try prefetcher.read(2)
        #expect(source.reads.last == "t2")
    }

    @Test(arguments: [1, 2])
    func oneThreadOrAStoredTensorMeansOneReadAtATime(threads: Int) throws {
        let compressed: Set<String> = threads == 1 ? ["t0", "t1"] : ["t0"]
        let source = InMemoryTensorSource(Self.tensors(2), compressed: compressed)
        let prefetcher = TensorPrefetcher(source: source, tensors: source.tensors, threads: threads)
        _ = try prefetcher.read(0)
        #expect(source.reads == ["t0"])
        _ = try prefetcher.read(1)
        #expect(source.reads == ["t0", "t1"])
    }

    @Test(arguments: [1, 2])
    func aFailedReadSurfacesOnThatTensorNamingIt(threads: Int) throws {
        let tensors = Self.tensors(4)
        let source = InMemoryTensorSource(tensors, compressed: ["t0", "t1", "t2", "t3"], failing: ["t1", "t2"])
        let prefetcher = TensorPrefetcher(source: source, tensors: source.tensors, threads: threads)
        #expect(try [UInt8](prefetcher.read(0).bytes) == tensors[0].tensor.bytes)
        for index in [1, 2] {
            let error = #expect(throws: FileError.self) { try prefetcher.read(index) }
            #expect(error?.member == "t\(index)")
            #expect(error?.description == "memory.npz: 't\(index)': member 't\(index)': corrupt deflate data (invalid block type)")
        }
        #expect(try [UInt8](prefetcher.read(3).bytes) == tensors[3].tensor.bytes)
    }

    @Test func aPairIsReadTogetherOnlyWhenItFitsTheMemoryBudget() throws {
        let source = InMemoryTensorSource(Self.tensors(2), compressed: ["t0", "t1"])
        let pair = MemoryCost.quantizing(source.tensors[0]) + MemoryCost.quantizing(source.tensors[1])
        #expect(pair == 20 + 40 + 20)  // t0: 5 float32 values; t1: 10 float16 values plus their float32 copy

        let fits = TensorPrefetcher(source: source, tensors: source.tensors, threads: 2, memoryBudget: MemoryBudget(bytes: pair))
        _ = try fits.read(0)
        #expect(Set(source.reads) == ["t0", "t1"])

        let tight = InMemoryTensorSource(Self.tensors(2), compressed: ["t0", "t1"])
        let prefetcher = TensorPrefetcher(source: tight, tensors: tight.tensors, threads: 2, memoryBudget: MemoryBudget(bytes: pair - 1))
        #expect(try [UInt8](prefetcher.read(0).bytes) == Self.tensors(2)[0].tensor.bytes)
        #expect(tight.reads == ["t0"])
        #expect(try [UInt8](prefetcher.read(1).bytes) == Self.tensors(2)[1].tensor.bytes)
        #expect(tight.reads == ["t0", "t1"])
    }
}
