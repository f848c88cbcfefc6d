/// What `quantize` did to each tensor, and what it cost.
public struct QuantizationReport: Sendable, Encodable {
    public struct TensorLine: Sendable, Encodable {
        public let name: String
        public let shape: [Int]
        /// The input's stored dtype.
        public let dtype: String
        /// The scheme name, or `none` for a tensor kept as it was.
        public let scheme: String
        public let bits: Int?
        public let axis: Int?
        /// Bytes of the tensor's data in the input.
        public let bytesBefore: Int
        /// Bytes of its codes, scales and zero points (or its data, when kept) in the output.
        public let bytesAfter: Int
        /// Reconstruction error of `dequantize(quantize(x))` against `x` as float32; nil when kept.
        public let mse: Double?
        public let maxAbsError: Double?
        /// Signal-to-quantization-noise ratio in dB; nil in JSON when the error is zero (infinite SQNR).
        public let sqnrDB: Double?
        /// With a clipping search: the clipping's SQNR minus min-max scales' SQNR, in dB.
        public let sqnrGainDB: Double?
        /// Why a tensor that is not a Linear weight stayed in float (`ModuleRole`), in words.
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

        /// `8 · bytesAfter / elements`: codes, scales and zero points all counted.
        public var bitsPerWeight: Double { bitsPerElement(bytes: bytesAfter, elements: shape.reduce(1, *)) }

        enum CodingKeys: String, CodingKey {
            case name, shape, dtype, scheme, bits, axis, mse
            case bytesBefore = "bytes_before", bytesAfter = "bytes_after", bitsPerWeight = "bits_per_weight"
            case maxAbsError = "max_abs_error", sqnrDB = "sqnr_db", sqnrGainDB = "sqnr_gain_db"
            case keptBecause = "kept_because"
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(name, forKey: .name)
            try container.encode(shape, forKey: .shape)
            try container.encode(dtype, forKey: .dtype)
            try container.encode(scheme, forKey: .scheme)
            try container.encode(bits, forKey: .bits)
            try container.encode(axis, forKey: .axis)
            try container.encode(bytesBefore, forKey: .bytesBefore)
            try container.encode(bytesAfter, forKey: .bytesAfter)
            try container.encode(bitsPerWeight, forKey: .bitsPerWeight)
            try container.encode(mse, forKey: .mse)
            try container.encode(maxAbsError, forKey: .maxAbsError)
            try container.encode(sqnrDB.flatMap(finiteOrNil), forKey: .sqnrDB)
            try container.encodeIfPresent(sqnrGainDB.flatMap(finiteOrNil), forKey: .sqnrGainDB)
            try container.encodeIfPresent(keptBecause, forKey: .keptBecause)
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

    public var bytesBefore: Int { tensors.reduce(0) { $0 + $1.bytesBefore } }
    public var bytesAfter: Int { tensors.reduce(0) { $0 + $1.bytesAfter } }
    public var quantizedCount: Int { tensors.filter { $0.scheme != "none" }.count }
    /// Over every tensor: `8 · bytesAfter / elements`.
    public var bitsPerWeight: Double {
        bitsPerElement(bytes: bytesAfter, elements: tensors.reduce(0) { $0 + $1.shape.reduce(1, *) })
    }
    /// `bytesBefore / bytesAfter`; 1 for an empty input.
    public var compressionRatio: Double { bytesAfter == 0 ? 1 : Double(bytesBefore) / Double(bytesAfter) }

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

/// `8 · bytes / elements`, 0 for no elements.
func bitsPerElement(bytes: Int, elements: Int) -> Double {
    elements == 0 ? 0 : 8 * Double(bytes) / Double(elements)
}
