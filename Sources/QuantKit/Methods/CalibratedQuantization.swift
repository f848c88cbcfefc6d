/// The layers of a float network quantized by a method that looks at whole layers and at
/// calibration rows (`QuantizationMethod.gptq`, `.awq`).
///
/// The calibration rows run through the float network (the layer chain `eval` uses) to give
/// each layer's inputs. GPTQ then quantizes each selected weight against its inputs. AWQ
/// searches each selected weight's input-channel scales `s` (`AWQSearch`) and folds them in:
/// the weight becomes `W · diag(s)` and the previous layer's rows and bias are divided by `s`,
/// which leaves the float network's function unchanged when the activation between them
/// commutes with positive scaling (ReLU, none); the first layer (no previous one) and layers
/// after other activations keep `s = 1` and are rounded to nearest.
public struct CalibratedQuantization: Sendable {
    /// Each layer's quantized weight, or nil when the weight stays float.
    public let weights: [QuantizedTensor?]
    /// Each layer's float weight and bias after folding (unchanged without AWQ).
    public let floatWeights: [[Float]]
    public let biases: [[Float]?]
    /// What the method did, one line per layer.
    public let notes: [String]

    /// Quantizes the layers of `float` whose weight has a scheme in `schemes` (one per layer)
    /// by `method`, from the calibration `rows`. With `keepOutliers`, the input columns whose
    /// calibration inputs reach a magnitude above it stay in float16 (`OutlierColumns`) and the
    /// rest of the weight is quantized without them.
    public init(float: FloatNetwork, schemes: [QuantScheme?], method: QuantizationMethod, calibration rows: EvaluationData,
                activation: Activation, gptq: GPTQOptions = GPTQOptions(), keepOutliers: Float? = nil) throws {
        precondition(schemes.count == float.layers.count)
        var inputs = [rows.inputs]
        for (index, layer) in float.layers.enumerated().dropLast() {
            var x = layer.forward(inputs[index], batch: rows.rows)
            activation.apply(&x)
            inputs.append(x)
        }
        var floatWeights = float.layers.map(\.weight)
        var biases = float.layers.map(\.bias)
        var weights: [QuantizedTensor?] = Array(repeating: nil, count: schemes.count)
        var notes: [String] = []
        let prefix = float.layout.layers.map(\.prefix)
        // With `keepOutliers`: each quantized layer's input columns whose calibration inputs
        // exceed it; every method quantizes the weight with those columns zeroed.
        let outlierColumns: [[Int]] = float.layers.enumerated().map { index, layer in
            guard let threshold = keepOutliers, schemes[index] != nil else { return [] }
            return (0 ..< layer.inFeatures).filter { column in
                (0 ..< rows.rows).contains { abs(inputs[index][$0 * layer.inFeatures + column]) > threshold }
            }
        }
        func withoutOutliers(_ weight: [Float], _ index: Int) -> [Float] {
            outlierColumns[index].isEmpty ? weight
                : OutlierColumns.zeroing(outlierColumns[index], in: weight, inFeatures: float.layers[index].inFeatures)
        }
        switch method {
        case .rtn:
            for (index, scheme) in schemes.enumerated() {
                let layer = float.layers[index]
                weights[index] = try scheme.map {
                    try quantize(withoutOutliers(layer.weight, index), shape: [layer.outFeatures, layer.inFeatures], scheme: $0)
                }
                notes.append("\(prefix[index]): round to nearest")
            }
        case .gptq:
            for (index, scheme) in schemes.enumerated() {
                let layer = float.layers[index]
                guard let scheme else {
                    notes.append("\(prefix[index]): kept in float")
                    continue
                }
                weights[index] = try gptqQuantize(weight: withoutOutliers(layer.weight, index), outFeatures: layer.outFeatures,
                                                  inFeatures: layer.inFeatures, inputs: inputs[index], samples: rows.rows,
                                                  scheme: scheme, options: gptq)
                notes.append("\(prefix[index]): GPTQ on \(rows.rows) calibration rows")
            }
        case .awq:
            let foldable = activation == .relu || activation == .none
            for (index, scheme) in schemes.enumerated() {
                let layer = float.layers[index]
                guard let scheme else {
                    notes.append("\(prefix[index]): kept in float")
                    continue
                }
                // Dividing the previous layer's rows by `s` must not change its rounding: true for
                // scales per output row or per group along the row, and for a float layer.
                let rowWise = index > 0 && (schemes[index - 1].map { previous in
                    previous.groupSize != nil || previous.granularity == .perChannel(axis: 0)
                } ?? true)
                guard index > 0, foldable, rowWise else {
                    let reason = index == 0 ? "no previous layer to fold scales into"
                        : !foldable ? "\(activation.rawValue) does not commute with scaling"
                        : "the previous layer's scales are not per row, so folding would change its rounding"
                    notes.append("\(prefix[index]): round to nearest (\(reason))")
                    continue
                }
                // The search sees the inputs this layer will get: the calibration rows through the
                // previous layers as already scaled, folded and rounded to nearest.
                let x = try Self.roundedOutputs(float: float, weights: floatWeights, biases: biases, schemes: schemes,
                                                layers: index, rows: rows, activation: activation)
                let search = try AWQSearch(weight: layer.weight, outFeatures: layer.outFeatures, inFeatures: layer.inFeatures,
                                           inputs: x, samples: rows.rows, scheme: scheme)
                floatWeights[index] = AWQSearch.scaledWeight(layer.weight, scales: search.scales, inFeatures: layer.inFeatures)
                let previous = float.layers[index - 1]
                floatWeights[index - 1] = floatWeights[index - 1].indices.map {
                    floatWeights[index - 1][$0] / search.scales[$0 / previous.inFeatures]
                }
                biases[index - 1] = biases[index - 1].map { bias in bias.indices.map { bias[$0] / search.scales[$0] } }
                notes.append("\(prefix[index]): AWQ ratio \(search.ratio), calibration output MSE "
                             + "\(search.roundToNearestMSE) -> \(search.chosenMSE)")
            }
            // The searches are layer by layer; keep their result only if the whole network's
            // calibration output is closer to the float one than plain rounding's.
            let count = float.layers.count
            let reference = try Self.roundedOutputs(float: float, weights: float.layers.map(\.weight), biases: float.layers.map(\.bias),
                                                    schemes: schemes.map { _ in nil }, layers: count, rows: rows, activation: activation)
            func error(_ weights: [[Float]], _ biases: [[Float]?]) throws -> Double {
                let output = try Self.roundedOutputs(float: float, weights: weights, biases: biases, schemes: schemes, layers: count,
                                                     rows: rows, activation: activation)
                return zip(output, reference).reduce(0.0) { $0 + Double($1.0 - $1.1) * Double($1.0 - $1.1) }
            }
            if try error(floatWeights, biases) >= error(float.layers.map(\.weight), float.layers.map(\.bias)) {
                floatWeights = float.layers.map(\.weight)
                biases = float.layers.map(\.bias)
                notes.append("AWQ's scales did not bring the network's calibration output closer than rounding to nearest; "
                             + "rounded to nearest instead")
            }
            for (index, scheme) in schemes.enumerated() {
                let layer = float.layers[index]
                weights[index] = try scheme.map {
                    try quantize(withoutOutliers(floatWeights[index], index), shape: [layer.outFeatures, layer.inFeatures], scheme: $0)
                }
            }
        }
        if let threshold = keepOutliers {
            for (index, columns) in outlierColumns.enumerated() where weights[index] != nil {
                guard !columns.isEmpty else {
                    notes.append("\(prefix[index]): no input above \(threshold); no outlier columns")
                    continue
                }
                weights[index]?.outliers = OutlierColumns(columns: columns, of: floatWeights[index],
                                                          inFeatures: float.layers[index].inFeatures)
                notes.append("\(prefix[index]): \(columns.count) outlier columns kept in float16")
            }
        }
        self.weights = weights
        self.floatWeights = floatWeights
        self.biases = biases
        self.notes = notes
    }

    /// What `quantizeFile` writes for the MLP in `source` (its layers read from the tensor
    /// names, as for `eval`) quantized under `rules` by `method` from the calibration rows in
    /// `calibrationPath` (see `overrides(for:method:schemes:)`).
    public static func overrides(source: any TensorSource, rules: SelectionRules, layout: any QuantizedLayout,
                                 method: QuantizationMethod, calibrationPath: String, activation: Activation,
                                 gptq: GPTQOptions, keepOutliers: Float?) throws -> [String: TensorOverride] {
        let float = try FloatNetwork(source: source)
        let rows = try EvaluationData(inputPath: calibrationPath, labelsPath: nil, width: float.layout.inFeatures,
                                      classes: float.layout.outFeatures)
        let steps: [QuantizationPlan.Step]
        do {
            steps = try QuantizationPlan(tensors: float.tensorInfos, rules: rules, layout: layout).steps
        } catch {
            throw FileError(path: source.path, error)
        }
        let schemes = Dictionary(steps.map { ($0.tensor.name, $0.scheme) }, uniquingKeysWith: { first, _ in first })
        let calibrated = try CalibratedQuantization(
            float: float, schemes: float.layout.layers.map { schemes[$0.weightName] ?? nil }, method: method,
            calibration: rows, activation: activation, gptq: gptq, keepOutliers: keepOutliers)
        return try calibrated.overrides(for: float, method: method, schemes: schemes)
    }

    /// What `quantizeFile` writes for the network's tensors: each quantized weight as computed
    /// here, and the float weights and biases AWQ changed (quantized under `schemes`, the plan's
    /// scheme per tensor name, when a rule selects them).
    public func overrides(for float: FloatNetwork, method: QuantizationMethod,
                          schemes: [String: QuantScheme?]) throws -> [String: TensorOverride] {
        var result: [String: TensorOverride] = [:]
        for (index, (description, layer)) in zip(float.layout.layers, float.layers).enumerated() {
            if let weight = weights[index] {
                result[description.weightName] = .quantized(weight, method: method)
            } else if floatWeights[index] != layer.weight {
                result[description.weightName] = .float(floatWeights[index])
            }
            if let name = description.biasName, let bias = biases[index], bias != layer.bias {
                if let scheme = schemes[name] ?? nil {
                    result[name] = .quantized(try quantize(bias, shape: [bias.count], scheme: scheme), method: method)
                } else {
                    result[name] = .float(bias)
                }
            }
        }
        return result
    }

    /// The calibration rows through the first `layers` layers of weights `weights` and biases
    /// `biases`, each weight rounded to nearest under its scheme (float when nil), with the
    /// activation after each (the network's output when `layers` is all of them: no activation
    /// after the last).
    static func roundedOutputs(float: FloatNetwork, weights: [[Float]], biases: [[Float]?], schemes: [QuantScheme?],
                               layers: Int, rows: EvaluationData, activation: Activation) throws -> [Float] {
        var x = rows.inputs
        for index in 0 ..< layers {
            let shape = [float.layers[index].outFeatures, float.layers[index].inFeatures]
            let weight = try schemes[index].map { try quantize(weights[index], shape: shape, scheme: $0).dequantized() }
            x = Linear(weight: weight ?? weights[index], bias: biases[index], outFeatures: shape[0], inFeatures: shape[1])
                .forward(x, batch: rows.rows)
            if index < float.layers.count - 1 { activation.apply(&x) }
        }
        return x
    }
}
