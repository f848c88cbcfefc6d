/// AWQ as a `QuantizationMethod`: each selected weight's input-channel scales `s` searched on
/// the calibration rows (`AWQSearch`) and folded in, then every weight quantized by
/// `weightMethod` (round to nearest unless outlier columns wrap it).
///
/// Folding layer `i`'s scales makes its weight `Wᵢ · diag(s)` and divides the previous layer's
/// rows and bias by `s` (`W₍ᵢ₋₁₎[k][·] / s_k`, `b₍ᵢ₋₁₎[k] / s_k`), which leaves the float network's
/// function unchanged when the activation between them commutes with positive scaling (ReLU,
/// none): `act(z / s) = act(z) / s`. The first layer (no previous one), layers after other
/// activations, and layers whose previous weight's scales are not per row or per group along
/// the row (dividing its rows by `s` would change its rounding) keep `s = 1`.
///
/// The searches go layer by layer, each on the calibration rows through the previous layers as
/// already folded and rounded to nearest; the folding is kept only if the whole network's
/// calibration output is then closer (squared error, in Double) to the float network's than
/// with plain rounding to nearest, else every weight is rounded as given.
public struct AWQ: QuantizationMethod {
    public let name = "awq"
    public let needsCalibration = true
    /// How each weight is quantized once the scales are folded in; it is fed the calibration
    /// inputs captured in the float network before folding.
    public let weightMethod: any WeightQuantizationMethod

    public init(weightMethod: any WeightQuantizationMethod = RoundToNearest()) {
        self.weightMethod = weightMethod
    }

    /// Throws `QuantizationMethodError.needsCalibration` without a calibration capture.
    public func quantize(_ layers: LayersToQuantize) throws -> MethodResult {
        guard let calibration = layers.calibration else { throw QuantizationMethodError.needsCalibration(method: name) }
        var folded = MethodResult(unchanged: layers)
        for index in layers.layers.indices {
            layers.progress?(index, layers.layers.count)
            try fold(layer: index, of: layers, rows: calibration.rows, into: &folded)
        }
        layers.progress?(layers.layers.count, layers.layers.count)
        let unchanged = MethodResult(unchanged: layers)
        if try outputError(folded, layers, calibration.rows) >= outputError(unchanged, layers, calibration.rows) {
            folded.floatWeights = unchanged.floatWeights
            folded.biases = unchanged.biases
            folded.notes.append("AWQ's scales did not bring the network's calibration output closer than rounding to nearest; "
                                + "rounded to nearest instead")
        }
        var result = try weightMethod.quantize(layers.replacing(weights: folded.floatWeights, biases: folded.biases))
        result.notes = folded.notes
        return result
    }

    public func keepingOutlierColumns(above threshold: Float) -> any QuantizationMethod {
        AWQ(weightMethod: OutlierColumnsKept(base: weightMethod, threshold: threshold))
    }

    /// Searches layer `index`'s scales and folds them into `folded` (its weight and the
    /// previous layer's weight and bias), or notes why the layer keeps `s = 1`.
    func fold(layer index: Int, of layers: LayersToQuantize, rows: EvaluationData, into folded: inout MethodResult) throws {
        let prefix = layers.names[index]
        guard let scheme = layers.schemes[index] else {
            folded.notes.append("\(prefix): kept in float")
            return
        }
        if let reason = Self.reasonNotToFold(layer: index, of: layers) {
            folded.notes.append("\(prefix): round to nearest (\(reason))")
            return
        }
        let layer = layers.layers[index]
        let x = try Self.roundedOutputs(layers, weights: folded.floatWeights, biases: folded.biases, schemes: layers.schemes,
                                        count: index, rows: rows)
        let search = try AWQSearch(weight: layer.weight, outFeatures: layer.outFeatures, inFeatures: layer.inFeatures,
                                   inputs: x, samples: rows.rows, scheme: scheme)
        folded.floatWeights[index] = AWQSearch.scaledWeight(layer.weight, scales: search.scales, inFeatures: layer.inFeatures)
        let previousInFeatures = layers.layers[index - 1].inFeatures
        folded.floatWeights[index - 1] = folded.floatWeights[index - 1].enumerated().map { position, value in
            value / search.scales[position / previousInFeatures]
        }
        folded.biases[index - 1] = folded.biases[index - 1].map { bias in bias.indices.map { bias[$0] / search.scales[$0] } }
        folded.notes.append("\(prefix): AWQ ratio \(search.ratio), calibration output MSE "
                            + "\(search.roundToNearestMSE) -> \(search.chosenMSE)")
    }

    /// Why layer `index` cannot have its scales folded into the previous layer; nil when it can.
    static func reasonNotToFold(layer index: Int, of layers: LayersToQuantize) -> String? {
        guard index > 0 else { return "no previous layer to fold scales into" }
        guard layers.activation == .relu || layers.activation == .none else {
            return "\(layers.activation.rawValue) does not commute with scaling"
        }
        // Dividing the previous layer's rows by `s` must not change its rounding: true for
        // scales per output row or per group along the row, and for a float layer.
        let rowWise = layers.schemes[index - 1].map { previous in
            previous.groupSize != nil || previous.granularity == .perChannel(axis: 0)
        } ?? true
        return rowWise ? nil : "the previous layer's scales are not per row, so folding would change its rounding"
    }

    /// `Σ (y - y_float)²` in Double over the calibration rows: `y` the network's output with the
    /// weights and biases of `candidate`, each weight rounded to nearest under its scheme;
    /// `y_float` the float network's.
    func outputError(_ candidate: MethodResult, _ layers: LayersToQuantize, _ rows: EvaluationData) throws -> Double {
        let count = layers.layers.count
        let reference = try Self.roundedOutputs(layers, weights: layers.layers.map(\.weight), biases: layers.layers.map(\.bias),
                                                schemes: layers.schemes.map { _ in nil }, count: count, rows: rows)
        let output = try Self.roundedOutputs(layers, weights: candidate.floatWeights, biases: candidate.biases,
                                             schemes: layers.schemes, count: count, rows: rows)
        return zip(output, reference).reduce(0.0) { $0 + Double($1.0 - $1.1) * Double($1.0 - $1.1) }
    }

    /// The calibration rows through the first `count` layers with weights `weights` and biases
    /// `biases`, each weight rounded to nearest under its scheme (float when nil), the activation
    /// after each but the network's last layer.
    static func roundedOutputs(_ layers: LayersToQuantize, weights: [[Float]], biases: [[Float]?], schemes: [QuantScheme?],
                               count: Int, rows: EvaluationData) throws -> [Float] {
        var x = rows.inputs
        for index in 0 ..< count {
            let shape = [layers.layers[index].outFeatures, layers.layers[index].inFeatures]
            let weight = try schemes[index].map { try QuantKit.quantize(weights[index], shape: shape, scheme: $0).dequantized() }
            x = Linear(weight: weight ?? weights[index], bias: biases[index], outFeatures: shape[0], inFeatures: shape[1])
                .forward(x, batch: rows.rows)
            if index < layers.layers.count - 1 { layers.activation.apply(&x) }
        }
        return x
    }
}
