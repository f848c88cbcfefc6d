/// One call of a Linear module during a forward pass, as an observer sees it: the module's
/// prefix as the checkpoint names it (`encoder.layer.3.attention.self.query`,
/// `model.layers.0.mlp.down_proj`, `lm_head`), its input `[rows, in]` and output `[rows, out]`,
/// one row per real token of the batch (never padding).
public struct LinearCall: Sendable {
    public let prefix: String
    public let input: [Float]
    public let output: [Float]
    public let rows: Int

    public var inFeatures: Int { rows == 0 ? 0 : input.count / rows }
    public var outFeatures: Int { rows == 0 ? 0 : output.count / rows }
}

/// Receives every Linear call of a forward pass, in the order the model makes them.
public typealias LinearObserver = (LinearCall) -> Void
