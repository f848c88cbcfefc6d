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

    /// The data's size at its stored dtype (0 for a shape whose size overflows, which no
    /// reader lets through).
    public var storedByteCount: Int {
        (try? byteCount(of: shape, elementSize: dtype.byteSize)) ?? 0
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
    /// Reads the data of the tensor called `name`, as `load` would give it (C order,
    /// little-endian), into `scratch`; the bytes are valid until `scratch` is used again.
    func read(_ name: String, into scratch: ScratchBuffer) throws -> (info: TensorInfo, bytes: UnsafeRawBufferPointer)
    /// `read`, except that a check the source would make of the bytes as it reads them (a
    /// stored zip member's CRC-32) may be handed back instead, for the caller to make while it
    /// reads the bytes (`DeferredCheck`); nil when `read`'s checks are done.
    func readLeavingCheck(_ name: String, into scratch: ScratchBuffer) throws
        -> (info: TensorInfo, bytes: UnsafeRawBufferPointer, check: (any DeferredCheck)?)
    /// Hands the data of `name` to `body` in pieces of at most `pieceSize` bytes, then an empty
    /// piece (see the extension's `copy` for the contract and the default).
    func copy(_ name: String, pieceSize: Int, _ body: (UnsafeRawBufferPointer) throws -> Void) throws
    /// Whether reading `name` decompresses it (and so runs on one core).
    func isCompressed(_ name: String) -> Bool
    /// String metadata the file's header carries beside its tensors (safetensors'
    /// `__metadata__`); empty for formats without it.
    var headerMetadata: [String: String] { get }
}

extension TensorSource {
    /// None.
    public var headerMetadata: [String: String] { [:] }

    /// False: the data is stored as it is.
    public func isCompressed(_ name: String) -> Bool { false }

    /// `readByLoading(_:into:)`: for sources without a faster way.
    public func read(_ name: String, into scratch: ScratchBuffer) throws -> (info: TensorInfo, bytes: UnsafeRawBufferPointer) {
        try readByLoading(name, into: scratch)
    }

    /// `read`, every check made.
    public func readLeavingCheck(_ name: String, into scratch: ScratchBuffer) throws
        -> (info: TensorInfo, bytes: UnsafeRawBufferPointer, check: (any DeferredCheck)?) {
        let (info, bytes) = try read(name, into: scratch)
        return (info, bytes, nil)
    }

    /// `load`, then a copy into `scratch`.
    public func readByLoading(_ name: String, into scratch: ScratchBuffer) throws -> (info: TensorInfo, bytes: UnsafeRawBufferPointer) {
        let tensor = try load(name)
        let bytes = try scratch.prepare(count: tensor.bytes.count)
        tensor.bytes.withUnsafeBytes { bytes.copyMemory(from: $0) }
        return (TensorInfo(name: name, dtype: tensor.dtype, shape: tensor.shape), UnsafeRawBufferPointer(bytes))
    }
}

/// A source some of whose tensors are stored as blocks of a quantized type of their own and
/// read as float32 (a GGUF file's q4_0 ... q6_K tensors): `tensors` and every read give the
/// float32 values, and this says what is stored, for reports and for commands that count what
/// they dequantized.
public protocol BlockQuantizedSource: TensorSource {
    /// The stored type's name and byte size of `name` when it is stored as blocks and read
    /// dequantized; nil for a tensor stored as it is read (or not in the file).
    func storedBlocks(of name: String) -> (typeName: String, byteCount: Int)?
}
