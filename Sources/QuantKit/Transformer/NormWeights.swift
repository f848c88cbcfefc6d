/// The float weights of a LayerNorm (`weight`, `bias`) or an RMSNorm (`weight`, no bias), with
/// the checkpoint prefix they are stored under (`prefix.weight`, `prefix.bias`).
public struct NormWeights: Sendable, Equatable {
    public let prefix: String
    /// Settable so that per-channel scales can be folded into the norm (`ScaleFold`).
    public var weight: [Float]
    public var bias: [Float]?

    /// Reads `prefix.weight` and, when `hasBias`, `prefix.bias`, each of `width` values.
    init(_ weights: any TransformerWeights, prefix: String, width: Int, hasBias: Bool) throws {
        self.prefix = prefix
        weight = try weights.floatTensor(prefix + ".weight", shape: [width])
        bias = hasBias ? try weights.floatTensor(prefix + ".bias", shape: [width]) : nil
    }
}
