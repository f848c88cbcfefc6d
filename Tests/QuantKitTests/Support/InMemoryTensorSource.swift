import Foundation
import QuantKit

/// Tensors held in memory as a `TensorSource`, for reading the way the pipeline reads without
/// a file. A tensor can be marked compressed (as a deflated `.npz` member is, which is what
/// `TensorPrefetcher` reads in pairs) or made to fail as a corrupt member would; every `read`
/// is logged, so a test sees which reads happened (reads may run on several threads).
final class InMemoryTensorSource: TensorSource, @unchecked Sendable {
    let path: String
    let tensors: [TensorInfo]
    private let contents: [String: Tensor]
    private let compressed: Set<String>
    private let failing: Set<String>
    // Guards `log` (the only state that changes).
    private let lock = NSLock()
    private var log: [String] = []

    /// `failing` tensors throw `FileError(path:member:ZipError.corruptDeflate)` naming them.
    init(path: String = "memory.npz", _ tensors: [(name: String, tensor: Tensor)], compressed: Set<String> = [],
         failing: Set<String> = []) {
        self.path = path
        self.tensors = tensors.map { TensorInfo(name: $0.name, dtype: $0.tensor.dtype, shape: $0.tensor.shape) }
        self.contents = Dictionary(tensors.map { ($0.name, $0.tensor) }, uniquingKeysWith: { first, _ in first })
        self.compressed = compressed
        self.failing = failing
    }

    /// The names `read` was called with, in the order the calls began.
    var reads: [String] { lock.withLock { log } }

    func load(_ name: String) throws -> Tensor {
        if failing.contains(name) {
            throw FileError(path: path, member: name, ZipError.corruptDeflate(member: name, message: "invalid block type"))
        }
        guard let tensor = contents[name] else { throw NPZError.noSuchTensor(name) }
        return tensor
    }

    func read(_ name: String, into scratch: ScratchBuffer) throws -> (info: TensorInfo, bytes: UnsafeRawBufferPointer) {
        lock.withLock { log.append(name) }
        return try readByLoading(name, into: scratch)
    }

    func isCompressed(_ name: String) -> Bool { compressed.contains(name) }
}
