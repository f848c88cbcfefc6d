/// What `quantize` did to each tensor, and what it cost.
public struct QuantizationReport: Sendable, Encodable {
    /// One tensor after the run: the shared fields (`TensorReportLine`) and how far
    /// `dequantize(quantize(x))` is from `x`.
    public struct TensorLine: TensorReportLine {
        public let name: String
        public let shape: [Int]
        public let dtype: String
        public let scheme: String
        public let bits: Int?
        public let axis: Int?
        public let bytesBefore: Int
        public let bytesAfter: Int
        /// Reconstruction error of `dequantize(quantize(x))` against `x` as float32; nil when kept.
        public let mse: Double?
        public let maxAbsError: Double?
        /// Signal-to-quantization-noise ratio in dB; nil in JSON when the error is zero (infinite SQNR).
        public let sqnrDB: Double?
        /// With a clipping search: the clipping's SQNR minus min-max scales' SQNR, in dB.
        public let sqnrGainDB: Double?
        public let keptBecause: String?

        public init(name: String, shape: [Int], dtype: String, scheme: String, bits: Int?, axis: Int?,
                    bytesBefore: Int, bytesAfter: Int, mse: Double?, maxAbsError: Double?, sqnrDB: Double?,
                    sqnrGainDB: Double? = nil, keptBecause: String? = nil) {
            self.name = name
            self.shape = shape
            self.dtype = dtype
            self.scheme = scheme
            self.bits = bits
            self.axis = axis
            self.bytesBefore = bytesBefore
            self.bytesAfter = bytesAfter
            self.mse = mse
            self.maxAbsError = maxAbsError
            self.sqnrDB = sqnrDB
            self.sqnrGainDB = sqnrGainDB
            self.keptBecause = keptBecause
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: TensorReportKey.self)
            try encodeSharedFields(into: &container)
            try container.encode(axis, forKey: .axis)
            try container.encode(mse, forKey: .mse)
            try container.encode(maxAbsError, forKey: .maxAbsError)
            try container.encode(sqnrDB.flatMap(finiteOrNil), forKey: .sqnrDB)
            try container.encodeIfPresent(sqnrGainDB.flatMap(finiteOrNil), forKey: .sqnrGainDB)
        }
    }

    public let input: String
    public let output: String
    public let tensors: [TensorLine]
    public let elapsedSeconds: Double
    /// What the user should know about the output beyond the table: choices made for them and
    /// what loads it (`PlanNote`), one sentence each.
    public let notes: [String]

    public init(input: String, output: String, tensors: [TensorLine], elapsedSeconds: Double, notes: [String] = []) {
        self.input = input
        self.output = output
        self.tensors = tensors
        self.elapsedSeconds = elapsedSeconds
        self.notes = notes
    }

    public var bytesBefore: Int { tensors.bytesBefore }
    public var bytesAfter: Int { tensors.bytesAfter }
    public var quantizedCount: Int { tensors.filter { $0.scheme != "none" }.count }
    /// Over every tensor: `8 · bytesAfter / elements`.
    public var bitsPerWeight: Double { tensors.bitsPerWeight }
    /// `bytesBefore / bytesAfter`; 1 for an empty input.
    public var compressionRatio: Double { QuantKit.compressionRatio(before: bytesBefore, after: bytesAfter) }

    enum CodingKeys: String, CodingKey {
        case input, output, tensors, notes
        case bytesBefore = "bytes_before", bytesAfter = "bytes_after"
        case compressionRatio = "compression_ratio", elapsedSeconds = "elapsed_seconds"
        case quantizedCount = "quantized_tensors", bitsPerWeight = "bits_per_weight"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(input, forKey: .input)
        try container.encode(output, forKey: .output)
        try container.encode(tensors, forKey: .tensors)
        try container.encode(quantizedCount, forKey: .quantizedCount)
        try container.encode(bytesBefore, forKey: .bytesBefore)
        try container.encode(bytesAfter, forKey: .bytesAfter)
        try container.encode(compressionRatio, forKey: .compressionRatio)
        try container.encode(bitsPerWeight, forKey: .bitsPerWeight)
        try container.encode(elapsedSeconds, forKey: .elapsedSeconds)
        if !notes.isEmpty { try container.encode(notes, forKey: .notes) }
    }
}
