/// What `quantize inspect` finds in a GGUF file: the header (version, alignment, where the data
/// starts), every metadata entry in file order with its value summarized, every tensor with its
/// ggml type, dimensions, size, offset and bits per weight, the totals as llama.cpp prints them,
/// and the problems llama.cpp would stop at.
///
/// Opening the file (`GGUFSource`) already refuses what no reader can use: offsets off the
/// alignment, data past the end of the file, tensors sharing bytes, byte sizes that disagree
/// with type and dimensions (a row that is not a whole number of blocks); those are errors, not
/// problems. Problems are what such a file may still hold:
/// - a tensor not where ggml's loader (`gguf.cpp`) expects it, which is the end of the tensor
///   before it in file order padded to the alignment (the first at 0): llama.cpp refuses the
///   file;
/// - blocks of a quantized type whose binary16 scale (`d`, `m`, `dmin`) is NaN or infinite
///   (`countNonFiniteScales`): llama.cpp's validation refuses them, and they read as NaN.
/// The scales are read in pieces of stored bytes, so memory stays one piece whatever the file.
public struct GGUFInspection: Sendable, Encodable {
    /// One metadata entry: its key, its type (`uint32`, `string`, `array<string>`), its value
    /// summarized (`summarizedValue`).
    public struct Entry: Sendable, Encodable, Equatable {
        public let key: String
        public let type: String
        public let value: String
    }

    /// One tensor as the header describes it.
    public struct Tensor: Sendable, Encodable, Equatable {
        public let name: String
        /// ggml's name of the type (`q4_K`).
        public let type: String
        /// Dimensions innermost first, as GGUF stores them (`ne`).
        public let dims: [Int]
        /// The same outermost first, as NumPy and `quantize dequantize` give the array.
        public let shape: [Int]
        public let bytes: Int
        /// Relative to the data section.
        public let offset: UInt64
        /// `8 · bytes / elements` (0 for an empty tensor).
        public let bitsPerWeight: Double

        enum CodingKeys: String, CodingKey {
            case name, type, dims, shape, bytes, offset
            case bitsPerWeight = "bits_per_weight"
        }
    }

    public let file: String
    public let version: UInt32
    public let alignment: Int
    /// Where the data section starts in the file.
    public let dataStart: UInt64
    public let fileSize: UInt64
    public let metadata: [Entry]
    public let tensors: [Tensor]
    public let problems: [String]
    public let notes: [String]

    public var totalElements: Int { tensors.reduce(0) { $0 + $1.shape.reduce(1, *) } }
    public var totalBytes: Int { tensors.reduce(0) { $0 + $1.bytes } }
    /// llama.cpp's `n_bytes · 8 / n_elements` over every tensor (0 without elements).
    public var bitsPerWeight: Double { totalElements == 0 ? 0 : Double(totalBytes) * 8 / Double(totalElements) }

    enum CodingKeys: String, CodingKey {
        case file, version, alignment, metadata, tensors, problems, notes
        case dataStart = "data_start", fileSize = "file_size", totalElements = "total_elements"
        case totalBytes = "total_bytes", bitsPerWeight = "bits_per_weight"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(file, forKey: .file)
        try container.encode(version, forKey: .version)
        try container.encode(alignment, forKey: .alignment)
        try container.encode(dataStart, forKey: .dataStart)
        try container.encode(fileSize, forKey: .fileSize)
        try container.encode(metadata, forKey: .metadata)
        try container.encode(tensors, forKey: .tensors)
        try container.encode(totalElements, forKey: .totalElements)
        try container.encode(totalBytes, forKey: .totalBytes)
        try container.encode(bitsPerWeight, forKey: .bitsPerWeight)
        try container.encode(problems, forKey: .problems)
        try container.encode(notes, forKey: .notes)
    }

    /// Inspects `source`, a file of `fileSize` bytes, reading the scales of every block tensor.
    public init(source: GGUFSource, fileSize: UInt64) throws {
        let header = source.header
        file = source.path
        version = header.version
        alignment = header.alignment
        dataStart = header.dataStart
        self.fileSize = fileSize
        metadata = header.metadata.map { Entry(key: $0.key.description, type: typeName(of: $0.value), value: summarizedValue($0.value)) }
        tensors = header.tensors.map { tensor in
            Tensor(name: tensor.name, type: tensor.type.description, dims: tensor.dims, shape: tensor.shape, bytes: tensor.byteCount,
                   offset: tensor.offset,
                   bitsPerWeight: tensor.elementCount == 0 ? 0 : Double(tensor.byteCount) * 8 / Double(tensor.elementCount))
        }
        problems = Self.offsetProblems(header) + (try Self.scaleProblems(source))
        notes = Self.notes(source)
    }

    /// Each tensor whose offset is not the end of the one before it, padded (`gguf.cpp`'s rule).
    static func offsetProblems(_ header: GGUFHeader) -> [String] {
        var problems: [String] = []
        var expected: UInt64 = 0
        for tensor in header.tensors {
            if tensor.offset != expected {
                problems.append("'\(tensor.name)': offset \(tensor.offset), where llama.cpp expects \(expected) (the end of the "
                                + "tensor before it, padded to \(header.alignment)); llama.cpp refuses the file")
            }
            let padded = (UInt64(tensor.byteCount) + UInt64(header.alignment) - 1) / UInt64(header.alignment) * UInt64(header.alignment)
            expected = tensor.offset + padded
        }
        return problems
    }

    /// Each block tensor with NaN or infinite scales: how many blocks, and the first.
    static func scaleProblems(_ source: GGUFSource) throws -> [String] {
        var problems: [String] = []
        for tensor in source.ggmlTensors where tensor.type.scaleOffsets != nil {
            var (count, first, seen) = (0, Int?.none, 0)
            try source.copyStoredBytes(tensor.name, pieceSize: 4096 * tensor.type.blockBytes) { piece in
                let found = countNonFiniteScales(tensor.type, blocks: piece, firstIndex: seen)
                count += found.count
                first = first ?? found.firstBlock
                seen += piece.count / tensor.type.blockBytes
            }
            if let first {
                problems.append("'\(tensor.name)': \(count) of \(seen) \(tensor.type) blocks have a NaN or infinite scale "
                                + "(the first: block \(first)); llama.cpp's validation refuses them and they read as NaN")
            }
        }
        return problems
    }

    /// The file type `general.file_type` names, and the tensors of types this tool does not read.
    static func notes(_ source: GGUFSource) -> [String] {
        var notes: [String] = []
        if let entry = source.metadata.first(where: { $0.key == GGUFString("general.file_type") }), case .uint32(let number) = entry.value {
            notes.append("general.file_type \(number) is llama.cpp's "
                         + (LlamaFileType.all.first { $0.number == number }.map { "\($0.name)" } ?? "file type \(number)"))
        }
        let unreadable = source.unreadableTensors
        if !unreadable.isEmpty {
            let types = Set(unreadable.map(\.type)).sorted { $0.rawValue < $1.rawValue }.map(\.description)
            notes.append("\(unreadable.count) tensor\(unreadable.count == 1 ? " is" : "s are") of \(types.joined(separator: ", ")), "
                         + "which quantize lists but does not read (dequantize and eval refuse the file)")
        }
        return notes
    }
}
