/// One row of a transformer comparison (`TransformerComparison`): a scheme at a width under one
/// method, what its quantized tensors take, and what quantization cost the model.
///
/// `bytes` counts the quantized tensors as an `.npz` output stores them (codes packed at 4 bits
/// or fewer, scales and zero points: `QuantizedTensor.storedByteCount`); `bitsPerWeight` is
/// `8 · bytes / weights`, so that scales and zero points are counted (per-channel int8 of a
/// 384-input Linear: `8 + 32 / 384` ≈ 8.08).
public struct ComparisonPoint: Sendable {
    /// `ComparedScheme.label`: `per-channel`, `group-128`.
    public let scheme: String
    public let bits: Int
    /// `CheckpointQuantizer.name`: `rtn`, `gptq`.
    public let method: String
    public let bytes: Int
    /// The elements of the quantized tensors.
    public let weights: Int
    /// The encoder's embedding agreement or the decoder's next-token statistics.
    public let metrics: TransformerEvaluationReport.Comparison

    public init(scheme: String, bits: Int, method: String, bytes: Int, weights: Int,
                metrics: TransformerEvaluationReport.Comparison) {
        self.scheme = scheme
        self.bits = bits
        self.method = method
        self.bytes = bytes
        self.weights = weights
        self.metrics = metrics
    }

    /// `8 · bytes / weights`; 0 when nothing was quantized.
    public var bitsPerWeight: Double { weights == 0 ? 0 : 8 * Double(bytes) / Double(weights) }

    /// Whether this row is better than `other` at the same width: for an encoder the higher mean
    /// embedding cosine, then the higher neighbour agreement; for a decoder the lower mean KL
    /// divergence, then the higher same-top fraction; then the smaller size.
    public func isBetter(than other: ComparisonPoint) -> Bool {
        switch (metrics, other.metrics) {
        case (.encoder(let a), .encoder(let b)):
            if a.cosineMean != b.cosineMean { return a.cosineMean > b.cosineMean }
            if a.neighbourAgreement != b.neighbourAgreement { return (a.neighbourAgreement ?? 0) > (b.neighbourAgreement ?? 0) }
        case (.decoder(let a, _), .decoder(let b, _)):
            if a.klMean != b.klMean { return a.klMean < b.klMean }
            if a.sameTopFraction != b.sameTopFraction { return a.sameTopFraction > b.sameTopFraction }
        default: break
        }
        return bytes < other.bytes
    }
}
