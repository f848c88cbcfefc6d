/// What `quantize inspect` finds in a file: each tensor (a quantized tensor counts once, with
/// its scales and zero points), and every inconsistency between the members and the metadata.
public struct Inspection: Sendable, Encodable {
    public struct Line: Sendable, Encodable {
        public let name: String
        public let shape: [Int]
        /// The stored dtype (of the codes, for a quantized tensor); for a weight read dequantized
        /// from blocks (`BlockQuantizedSource`: microscaled, FP8 without scales beside it), what it
        /// stores (`nvfp4 (E2M1, E4M3 scale per 16, global scale)`, `F8_E4M3`).
        public let dtype: String
        public let scheme: String?
        public let bits: Int?
        public let axis: Int?
        public let scaleMin: Float?
        public let scaleMax: Float?
        /// The original dtype recorded in the metadata.
        public let originalDType: String?
        /// Bytes stored: data, or codes + scales + zero points.
        public let bytes: Int
        /// A weight stored as blocks a reader dequantizes (`dtype` names them): quantized, though
        /// without a scheme of ours.
        public var storedAsBlocks = false

        enum CodingKeys: String, CodingKey {
            case name, shape, dtype, scheme, bits, axis, bytes
            case scaleMin = "scale_min", scaleMax = "scale_max", originalDType = "original_dtype"
        }
    }

    public let file: String
    /// The tool that wrote the archive, when it is one.
    public let writtenBy: String?
    public let tensors: [Line]
    public let problems: [String]
    /// What a reader should know: where the schemes came from, how the codes were rounded,
    /// what loads the file (one sentence each).
    public let notes: [String]

    public var totalBytes: Int { tensors.reduce(0) { $0 + $1.bytes } }
    /// Tensors with a quantization scheme, and weights stored as blocks (microscaled, FP8).
    public var quantizedCount: Int { tensors.filter { $0.scheme != nil || $0.storedAsBlocks }.count }

    enum CodingKeys: String, CodingKey {
        case file, tensors, problems, notes
        case writtenBy = "written_by", totalBytes = "total_bytes", quantizedCount = "quantized_tensors"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(file, forKey: .file)
        try container.encode(writtenBy, forKey: .writtenBy)
        try container.encode(tensors, forKey: .tensors)
        try container.encode(quantizedCount, forKey: .quantizedCount)
        try container.encode(totalBytes, forKey: .totalBytes)
        try container.encode(problems, forKey: .problems)
        try container.encode(notes, forKey: .notes)
    }

    /// Inspects `archive`, checking every quantized tensor in full (codes in range, scales
    /// positive); a problem is recorded and the inspection goes on.
    public init(archive: QuantizedArchive) throws {
        let source = archive.source
        let entries = archive.metadata?.tensors ?? []
        var problems: [String] = []
        var lines: [Line] = []
        let logical = archive.logicalTensors
        let present = Set(logical.compactMap { $0.entry?.name })
        for entry in entries where !present.contains(entry.name) {
            problems.append("metadata lists '\(entry.name)' but the file has no such member")
        }
        let blocks = source as? any BlockQuantizedSource
        for (info, entry) in logical {
            guard let entry else {
                // A weight read dequantized (microscaled, FP8 without a record) is named by what it stores.
                let stored = blocks?.storedBlocks(of: info.name)
                lines.append(Line(name: info.name, shape: info.shape, dtype: stored?.typeName ?? info.dtype.rawValue, scheme: nil,
                                  bits: nil, axis: nil, scaleMin: nil, scaleMax: nil, originalDType: nil,
                                  bytes: stored?.byteCount ?? info.storedByteCount, storedAsBlocks: stored != nil))
                continue
            }
            do {
                let quantized = try archive.loadQuantized(entry)
                lines.append(Line(name: info.name, shape: info.shape, dtype: info.dtype.rawValue, scheme: quantized.scheme.label,
                                  bits: entry.bits, axis: entry.axis, scaleMin: quantized.scales.min(),
                                  scaleMax: quantized.scales.max(), originalDType: entry.dtype,
                                  bytes: archive.storedByteCount(of: entry)))
            } catch let error as FileError where error.underlying is ArchiveError {
                problems.append("'\(entry.name)': \(error.underlying)")
            }
        }
        self.file = source.path
        self.writtenBy = archive.metadata?.tool
        self.tensors = lines
        self.problems = problems
        self.notes = Self.notes(archive)
    }

    /// The notes for `archive`: a foreign checkpoint's scheme source and rounding, and the
    /// `PlanNote`s its entries imply.
    static func notes(_ archive: QuantizedArchive) -> [String] {
        guard let metadata = archive.metadata else { return [] }
        var notes: [String] = []
        let schemes = metadata.tensors.compactMap(\.quantScheme)
        if archive.foreignConfig != nil {
            notes.append("schemes read from config.json's quantization_config (the file has no record of quantize's); "
                         + "compressed-tensors rounds differently from quantize's reference rule: its symmetric scale is "
                         + "max|x| / ((2^b - 1) / 2) (127.5 at 8 bits) and it adds the zero point before rounding, so exact .5 "
                         + "ties can land one code apart; quantize's compressed-tensors scale rule reproduces its codes exactly")
        } else if schemes.contains(where: { $0.scaleRule == .compressedTensors }) {
            notes.append(PlanNote.compressedTensorsRounding.description)
        }
        return notes + (archive.layout?.notes(for: schemes, roles: nil).map(\.description) ?? [])
    }
}
