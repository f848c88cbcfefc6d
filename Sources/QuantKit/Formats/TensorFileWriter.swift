/// A file of named tensors written one tensor at a time (`NPZWriter`, `SafetensorsWriter`), so
/// that a pipeline can stream into either format.
public protocol TensorFileWriter: AnyObject {
    /// How many bytes a streamed tensor is best handed to `write` in.
    var preferredWriteSize: Int { get }

    /// Appends the tensor `name`, a `dtype` array of `shape` whose C-order little-endian data
    /// `body` hands, piece by piece, to the `write` function it is given. A piece must stay
    /// valid until the next call to `write` (a call with no bytes waits for the last one).
    func add(name: String, dtype: DType, shape: [Int],
             _ body: (_ write: (UnsafeRawBufferPointer) throws(FileError) -> Void) throws -> Void) throws

    /// Appends the tensor `name`, a `dtype` array of `shape`, whose data `body` writes through
    /// the `PlacedPieces` it is given: each piece at its byte offset in the data, in any order
    /// and from any thread, every byte exactly once. Returns false, without calling `body` or
    /// changing the file, when this file takes a tensor's data only in order (then `add`).
    func addPlaced(name: String, dtype: DType, shape: [Int], _ body: (PlacedPieces) throws -> Void) throws -> Bool

    /// Completes the file; nothing may be added after this.
    func finish() throws
}

extension TensorFileWriter {
    /// Data in order only.
    public func addPlaced(name: String, dtype: DType, shape: [Int], _ body: (PlacedPieces) throws -> Void) throws -> Bool {
        false
    }

    /// Appends `tensor` as `name`.
    public func add(name: String, tensor: Tensor) throws {
        try tensor.bytes.withUnsafeBytes { bytes in
            try add(name: name, dtype: tensor.dtype, shape: tensor.shape, bytes: bytes)
        }
    }

    /// Appends `name` holding `bytes`, the C-order little-endian data of a `dtype` array of `shape`.
    public func add(name: String, dtype: DType, shape: [Int], bytes: UnsafeRawBufferPointer) throws {
        try add(name: name, dtype: dtype, shape: shape) { write in try write(bytes) }
    }
}
