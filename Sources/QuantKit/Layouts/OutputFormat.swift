/// The kind of file a run writes: the container the layouts' members go into.
public enum OutputFormat: String, Sendable, CaseIterable {
    case npz, safetensors

    /// The file extension, without the dot.
    public var fileExtension: String { rawValue }

    /// The format whose extension `path` ends in; nil for any other.
    public init?(path: String) {
        guard let format = Self.allCases.first(where: { path.hasSuffix("." + $0.fileExtension) }) else { return nil }
        self = format
    }

    /// The member holding the metadata record, for a container that stores it as a tensor
    /// (`.npz`: `__quantization__`); nil when it goes in the header (safetensors' `__metadata__`).
    public var recordMember: String? {
        self == .npz ? NPZLayout.metadataName : nil
    }

    /// The dtype a kept tensor of `dtype` is stored as: NumPy has no bfloat16, so an `.npz`
    /// holds it as float32 (`NPZWriter` widens it).
    public func storedDType(_ dtype: DType) -> DType {
        self == .npz && dtype == .bfloat16 ? .float32 : dtype
    }

    /// A writer of this kind of file at `path` (errors name `displayPath`) holding `tensors`
    /// (safetensors needs every tensor's size up front) and, when given, `record`: appended as
    /// the last member of an `.npz` when the writer finishes, or put in a safetensors header's
    /// `__metadata__` beside `format: pt`. `compressed` deflates `.npz` members.
    public func makeWriter(path: String, displayPath: String, tensors: [TensorInfo], record: ArchiveMetadata?,
                           compressed: Bool = false, threads: Int = 1) throws -> any TensorFileWriter {
        switch self {
        case .npz:
            let writer = try NPZWriter(path: path, displayPath: displayPath, compressed: compressed, threads: threads)
            return record.map { RecordAppendingWriter(writer, record: $0.encoded()) } ?? writer
        case .safetensors:
            return try SafetensorsWriter(path: path, displayPath: displayPath, tensors: tensors,
                                         metadata: record?.safetensorsMetadata ?? ["format": "pt"], threads: threads)
        }
    }
}

/// An `.npz` writer that adds the metadata record (`__quantization__`, a 1-D uint8 array of
/// its JSON) as the last member when it finishes.
final class RecordAppendingWriter: TensorFileWriter {
    private let writer: any TensorFileWriter
    private let record: [UInt8]

    init(_ writer: any TensorFileWriter, record: [UInt8]) {
        self.writer = writer
        self.record = record
    }

    var preferredWriteSize: Int { writer.preferredWriteSize }

    func add(name: String, dtype: DType, shape: [Int],
             _ body: (_ write: (UnsafeRawBufferPointer) throws(FileError) -> Void) throws -> Void) throws {
        try writer.add(name: name, dtype: dtype, shape: shape, body)
    }

    func addPlaced(name: String, dtype: DType, shape: [Int], _ body: (PlacedPieces) throws -> Void) throws -> Bool {
        try writer.addPlaced(name: name, dtype: dtype, shape: shape, body)
    }

    func finish() throws {
        try record.withUnsafeBytes { try writer.add(name: NPZLayout.metadataName, dtype: .uint8, shape: [record.count], bytes: $0) }
        try writer.finish()
    }
}
