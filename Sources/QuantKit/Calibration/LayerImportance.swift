/// llama-imatrix's statistics for each layer of `network`: its calibration inputs (`rows` run
/// through the float layers before it, `activation` between them, as `CalibrationCapture`
/// computes them) summed as `ImportanceStatistics` does, each named after its weight tensor
/// (`fc1.weight`) or what `rename` maps that name to.
///
/// - Complexity: one forward pass of all but the last layer, and O(rows · Σ inᵢ).
public func layerImportance(_ network: FloatNetwork, rows: EvaluationData, activation: Activation,
                            rename: [String: String] = [:]) -> [ImportanceStatistics] {
    let capture = CalibrationCapture(layers: network.layers, rows: rows, activation: activation)
    return zip(network.layout.layers, capture.layerInputs).map { layer, inputs in
        ImportanceStatistics(name: rename[layer.weightName] ?? layer.weightName, rows: inputs.values,
                             columns: layer.inFeatures)
    }
}
