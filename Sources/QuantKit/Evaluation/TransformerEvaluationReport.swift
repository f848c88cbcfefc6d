/// What quantization cost a transformer on the user's text, as `quantize eval FOLDER [QUANTIZED]`
/// prints it: the encoder's or the decoder's comparison, and each Linear layer's output SQNR,
/// worst first.
///
/// JSON (`renderedJSON`, keys sorted; infinities and undefined values are null):
/// - `model`, `quantized`, `data`: what was compared, as given (paths, text file and counts);
/// - `compute`: `dequant` or `int8` (`ComputePath`);
/// - `float_bytes`, `quantized_bytes`: tensor data as stored, null when not given;
///   `compression`: their ratio;
/// - `encoder` (null for a decoder): `texts`, `cosine_mean`, `cosine_min`,
///   `neighbour_agreement` (0..1), `similarity_spearman` (see `EmbeddingAgreement`);
/// - `decoder` (null for an encoder): `scoring` (`all`, `second-half`), `positions`, `kl_mean`,
///   `kl_mean_uncertainty`, `kl_median`, `kl_99`, `kl_99_9`, `kl_max`, `same_top` (0..1),
///   `same_top_uncertainty`, `ppl_float`, `ppl_float_uncertainty`, `ppl_quantized`,
///   `ppl_quantized_uncertainty`, `ppl_ratio`, `ppl_ratio_uncertainty`, `ln_ppl_ratio`,
///   `ln_ppl_ratio_uncertainty` (see `NextTokenStatistics`);
/// - `linears`, worst first (`LinearSQNRAccumulator.worstFirst`): `name` (the prefix), `shape`
///   `[out, in]`, `scheme` (label, `none` when kept in float), `bits` (null when kept),
///   `sqnr_alone_db`, `sqnr_cumulative_db` (null when infinite: no noise);
/// - `notes`: what the reader should know (tensors the output quantized that the forward reads
///   dequantized, truncated texts, ...), one sentence each.
public struct TransformerEvaluationReport: Sendable, Encodable {
    /// The model-level comparison.
    public enum Comparison: Sendable {
        case encoder(EmbeddingAgreement)
        case decoder(NextTokenStatistics, scoring: ScoredPositions)
    }

    /// One Linear layer: its shape and weight scheme in the quantized model, and its SQNRs.
    public struct LinearLine: Sendable {
        public let prefix: String
        public let outFeatures: Int
        public let inFeatures: Int
        /// nil: the weight is kept in float, or runs dequantized from `dequantizedFormat`.
        public let scheme: QuantScheme?
        /// The stored format of a weight that runs dequantized in float: a microscaling format
        /// (`nvfp4 (E2M1, E4M3 scale per 16, global scale)`), or the stored type a reader
        /// dequantizes (`F8_E4M3 x 128x128 weight_scale_inv`).
        public var dequantizedFormat: String?
        public let sqnrAloneDB: Double
        public let sqnrCumulativeDB: Double

        /// The scheme's label, the format's name, or `none` for a float weight.
        public var schemeLabel: String { scheme?.label ?? dequantizedFormat ?? "none" }
        /// Bits per code: the scheme's, or a microscaling format's elements' (4 or 8, from the
        /// format's name that leads its description); nil otherwise.
        public var schemeBits: Int? {
            scheme?.bits ?? dequantizedFormat?.split(separator: " ").first.flatMap { MicroscalingFormat(rawValue: String($0)) }?.elementBits
        }
    }

    public let model: String
    public let quantized: String
    public let data: String
    public let compute: ComputePath
    public let comparison: Comparison
    public let linears: [LinearLine]
    /// The Linears' prefixes in the order the forward pass first reached them (model order).
    public let forwardOrder: [String]
    public let floatBytes: Int?
    public let quantizedBytes: Int?
    public let notes: [String]

    /// The report of `comparison`, with the lines of `sqnr` worst first, each described by the
    /// quantized model's layer of that prefix in `layers` (shape and scheme). A prefix `layers`
    /// does not have is described as a float layer of shape 0 x 0. `dequantizedFormats` names, by
    /// prefix, the microscaling format of the float layers that run a dequantized weight.
    public init(model: String, quantized: String, data: String, compute: ComputePath, comparison: Comparison,
                sqnr: LinearSQNRAccumulator, layers: [ExactName: NetworkLayer], dequantizedFormats: [String: String] = [:],
                floatBytes: Int? = nil, quantizedBytes: Int? = nil, notes: [String] = []) {
        self.model = model
        self.quantized = quantized
        self.data = data
        self.compute = compute
        self.comparison = comparison
        self.floatBytes = floatBytes
        self.quantizedBytes = quantizedBytes
        self.notes = notes
        forwardOrder = sqnr.lines.map(\.prefix)
        linears = sqnr.worstFirst.map { line in
            let (outFeatures, inFeatures, scheme): (Int, Int, QuantScheme?) = switch layers[ExactName(line.prefix)] {
            case .float(let linear)?: (linear.outFeatures, linear.inFeatures, nil)
            case .quantized(let linear)?: (linear.outFeatures, linear.inFeatures, linear.weight.scheme)
            case nil: (0, 0, nil)
            }
            return LinearLine(prefix: line.prefix, outFeatures: outFeatures, inFeatures: inFeatures, scheme: scheme,
                              dequantizedFormat: dequantizedFormats[line.prefix], sqnrAloneDB: line.aloneDB,
                              sqnrCumulativeDB: line.cumulativeDB)
        }
    }

    /// `floatBytes / quantizedBytes`, nil unless both are given and the latter is positive.
    public var compression: Double? {
        guard let floatBytes, let quantizedBytes, quantizedBytes > 0 else { return nil }
        return Double(floatBytes) / Double(quantizedBytes)
    }

    enum Key: String, CodingKey {
        case model, quantized, data, compute, encoder, decoder, linears, notes, compression
        case floatBytes = "float_bytes", quantizedBytes = "quantized_bytes"
        // Encoder fields.
        case texts, cosineMean = "cosine_mean", cosineMin = "cosine_min", neighbourAgreement = "neighbour_agreement"
        case largestSimilarityChange = "largest_similarity_change", neighboursWithinReach = "neighbours_within_reach"
        case similaritySpearman = "similarity_spearman"
        // Decoder fields.
        case scoring, positions, klMean = "kl_mean", klMeanUncertainty = "kl_mean_uncertainty", klMedian = "kl_median"
        case kl99 = "kl_99", kl999 = "kl_99_9", klMax = "kl_max", sameTop = "same_top", sameTopUncertainty = "same_top_uncertainty"
        case pplFloat = "ppl_float", pplFloatUncertainty = "ppl_float_uncertainty", pplQuantized = "ppl_quantized"
        case pplQuantizedUncertainty = "ppl_quantized_uncertainty", pplRatio = "ppl_ratio"
        case pplRatioUncertainty = "ppl_ratio_uncertainty", lnPPLRatio = "ln_ppl_ratio"
        case lnPPLRatioUncertainty = "ln_ppl_ratio_uncertainty"
        // Linear fields.
        case name, shape, scheme, bits, sqnrAlone = "sqnr_alone_db", sqnrCumulative = "sqnr_cumulative_db"
    }

    public func encode(to encoder: any Encoder) throws {
        var root = encoder.container(keyedBy: Key.self)
        try root.encode(model, forKey: .model)
        try root.encode(quantized, forKey: .quantized)
        try root.encode(data, forKey: .data)
        try root.encode(compute, forKey: .compute)
        try root.encode(floatBytes, forKey: .floatBytes)
        try root.encode(quantizedBytes, forKey: .quantizedBytes)
        try root.encode(compression, forKey: .compression)
        try root.encode(notes, forKey: .notes)
        switch comparison {
        case .encoder(let agreement):
            try Self.encodeEncoder(agreement, into: root.nestedContainer(keyedBy: Key.self, forKey: .encoder))
            try root.encodeNil(forKey: .decoder)
        case .decoder(let statistics, let scoring):
            try Self.encodeDecoder(statistics, scoring: scoring, into: root.nestedContainer(keyedBy: Key.self, forKey: .decoder))
            try root.encodeNil(forKey: .encoder)
        }
        var lines = root.nestedUnkeyedContainer(forKey: .linears)
        for line in linears {
            var entry = lines.nestedContainer(keyedBy: Key.self)
            try entry.encode(line.prefix, forKey: .name)
            try entry.encode([line.outFeatures, line.inFeatures], forKey: .shape)
            try entry.encode(line.schemeLabel, forKey: .scheme)
            try entry.encode(line.schemeBits, forKey: .bits)
            try entry.encode(finiteOrNil(line.sqnrAloneDB), forKey: .sqnrAlone)
            try entry.encode(finiteOrNil(line.sqnrCumulativeDB), forKey: .sqnrCumulative)
        }
    }

    /// The `encoder` object's fields (also a comparison row's).
    static func encodeEncoder(_ a: EmbeddingAgreement, into container: KeyedEncodingContainer<Key>) throws {
        var container = container
        try container.encode(a.texts, forKey: .texts)
        // Non-finite embeddings (a broken forward) make NaN cosines, which JSON cannot hold.
        try container.encode(finiteOrNil(a.cosineMean), forKey: .cosineMean)
        try container.encode(finiteOrNil(a.cosineMin), forKey: .cosineMin)
        try container.encode(a.neighbourAgreement, forKey: .neighbourAgreement)
        try container.encode(finiteOrNil(a.largestSimilarityChange), forKey: .largestSimilarityChange)
        try container.encode(a.neighboursWithinReach, forKey: .neighboursWithinReach)
        try container.encode(a.similaritySpearman.flatMap(finiteOrNil), forKey: .similaritySpearman)
    }

    /// The `decoder` object's fields (also a comparison row's).
    static func encodeDecoder(_ s: NextTokenStatistics, scoring: ScoredPositions, into container: KeyedEncodingContainer<Key>) throws {
        var container = container
        try container.encode(scoring, forKey: .scoring)
        try container.encode(s.positions, forKey: .positions)
        let values: [(Double, Key)] = [
            (s.klMean, .klMean), (s.klMeanUncertainty, .klMeanUncertainty), (s.klMedian, .klMedian), (s.kl99, .kl99),
            (s.kl999, .kl999), (s.klMax, .klMax), (s.sameTopFraction, .sameTop), (s.sameTopUncertainty, .sameTopUncertainty),
            (s.perplexityFloat, .pplFloat), (s.perplexityFloatUncertainty, .pplFloatUncertainty),
            (s.perplexityQuantized, .pplQuantized), (s.perplexityQuantizedUncertainty, .pplQuantizedUncertainty),
            (s.perplexityRatio, .pplRatio), (s.perplexityRatioUncertainty, .pplRatioUncertainty),
            (s.logPerplexityRatio, .lnPPLRatio), (s.logPerplexityRatioUncertainty, .lnPPLRatioUncertainty),
        ]
        for (value, key) in values { try container.encode(finiteOrNil(value), forKey: key) }
    }

    /// One JSON object, keys sorted, ending in a newline.
    public func renderedJSON() -> String {
        encodeJSON(self)
    }
}
