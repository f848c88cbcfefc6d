/// A Linear module of a transformer: its prefix in the checkpoint (`model.layers.0.mlp.up_proj`)
/// and its layer, float or quantized.
public struct TransformerLinear: Sendable {
    public let prefix: String
    public var layer: NetworkLayer

    public init(prefix: String, layer: NetworkLayer) {
        self.prefix = prefix
        self.layer = layer
    }

    public var inFeatures: Int {
        switch layer {
        case .float(let linear): linear.inFeatures
        case .quantized(let linear): linear.inFeatures
        }
    }

    public var outFeatures: Int {
        switch layer {
        case .float(let linear): linear.outFeatures
        case .quantized(let linear): linear.outFeatures
        }
    }

    var hasBias: Bool {
        switch layer {
        case .float(let linear): linear.bias != nil
        case .quantized(let linear): linear.bias != nil
        }
    }

    /// `x · Wᵀ + b` for the `rows` rows of `x` (`NetworkLayer.forward`), reported to `observer`.
    func callAsFunction(_ x: [Float], rows: Int, compute: ComputePath, observer: LinearObserver?) -> [Float] {
        let y = layer.forward(x, batch: rows, compute: compute)
        observer?(LinearCall(prefix: prefix, input: x, output: y, rows: rows))
        return y
    }

    /// This module with `replacement`, refused unless it has the same shape.
    func replaced(by replacement: NetworkLayer) throws(TransformerError) -> TransformerLinear {
        let candidate = TransformerLinear(prefix: prefix, layer: replacement)
        guard candidate.inFeatures == inFeatures, candidate.outFeatures == outFeatures else {
            throw .replacementMismatch(prefix: prefix, expected: [outFeatures, inFeatures],
                                       found: [candidate.outFeatures, candidate.inFeatures])
        }
        return candidate
    }
}
