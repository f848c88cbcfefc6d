/// What a file says about one tensor before its data is read.
public struct TensorInfo: Sendable, Equatable {
    public let name: String
    public let dtype: DType
    public let shape: [Int]

    public init(name: String, dtype: DType, shape: [Int]) {
        self.name = name
        self.dtype = dtype
        self.shape = shape
    }
}

/// A file of named tensors, read one tensor at a time so that memory follows the largest
/// tensor rather than the file. One reader per format (`.npy`, `.npz`, later safetensors).
public protocol TensorSource {
    /// The file this source reads, as given by the user (used in every error message).
    var path: String { get }
    /// Every tensor in file order, known from headers alone.
    var tensors: [TensorInfo] { get }
    /// Reads the tensor called `name` in full, verifying it (checksums, sizes) as it goes.
    func load(_ name: String) throws -> Tensor
}
