/// The float weights of a LayerNorm (`weight`, `bias`) or an RMSNorm (`weight`, no bias).
struct NormWeights: Sendable {
    let weight: [Float]
    let bias: [Float]?

    /// Reads `prefix.weight` and, when `hasBias`, `prefix.bias`, each of `width` values.
    init(_ weights: any TransformerWeights, prefix: String, width: Int, hasBias: Bool) throws {
        weight = try weights.floatTensor(prefix + ".weight", shape: [width])
        bias = hasBias ? try weights.floatTensor(prefix + ".bias", shape: [width]) : nil
    }
}
