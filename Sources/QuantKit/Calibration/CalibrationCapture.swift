/// The calibration rows run through a float network, kept at every layer's input: what a
/// method that looks at activations (GPTQ's Hessian, AWQ's magnitudes, outlier columns) reads.
///
/// With `X₀` the rows (`[samples, in₀]`), layer `i` computing `Xᵢ Wᵢᵀ + bᵢ` and `act` between
/// layers: `X₍ᵢ₊₁₎ = act(Xᵢ Wᵢᵀ + bᵢ)` for every layer but the last (whose output is not an input).
public struct CalibrationCapture: Sendable {
    /// The calibration rows themselves (`layerInputs[0].values`, with their origin).
    public let rows: EvaluationData
    /// The activation between layers the inputs were computed with.
    public let activation: Activation
    /// Layer `i`'s inputs `Xᵢ`, one entry per layer.
    public let layerInputs: [LayerInputs]

    /// Runs `rows` through `layers` (float32, `activation` between them).
    /// - Complexity: one forward pass of all but the last layer; memory `samples · Σ inᵢ` floats.
    public init(layers: [Linear], rows: EvaluationData, activation: Activation) {
        var inputs = [rows.inputs]
        for (index, layer) in layers.enumerated().dropLast() {
            var x = layer.forward(inputs[index], batch: rows.rows)
            activation.apply(&x)
            inputs.append(x)
        }
        self.rows = rows
        self.activation = activation
        self.layerInputs = inputs.map { LayerInputs(values: $0, samples: rows.rows) }
    }
}

/// One layer's calibration inputs: `[samples, inFeatures]` row-major.
public struct LayerInputs: Sendable {
    public let values: [Float]
    public let samples: Int

    public init(values: [Float], samples: Int) {
        self.values = values
        self.samples = samples
    }
}
