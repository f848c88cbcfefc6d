/// A method run on a network: the network's tensors planned under the selection rules, the
/// method run on its layers (after capturing the calibration rows, when given), and what that
/// makes of each tensor, by name. `quantize` writes these results (`methodOverrides`) and
/// `eval` builds its in-memory quantized network from them (`QuantizedNetwork`), so both run
/// the same plan and the same method.
public struct NetworkQuantization: Sendable {
    /// The plan's scheme for each tensor of the network, by name (nil: kept in float).
    public let schemes: [String: QuantScheme?]
    /// Each tensor the method quantized or changed, by name: every weight with a scheme
    /// (`.quantized`), a weight kept in float whose values the method changed (`.float`), and a
    /// changed bias (`.quantized` with round-to-nearest when the plan selects it, else `.float`).
    public let tensors: [String: TensorOverride]
    /// What the method did (`MethodResult.notes`).
    public let notes: [String]

    /// Plans `float`'s tensors under `rules` (errors name `path`) and runs `method` on them
    /// (see `init(float:schemes:method:calibration:activation:)`).
    public init(float: FloatNetwork, rules: SelectionRules, path: String, method: any QuantizationMethod,
                calibration: EvaluationData?, activation: Activation) throws {
        let plan: QuantizationPlan
        do {
            plan = try QuantizationPlan(tensors: float.tensorInfos, rules: rules)
        } catch {
            throw FileError(path: path, error)
        }
        try self.init(float: float, schemes: plan.schemes, method: method, calibration: calibration, activation: activation)
    }

    /// Captures `calibration` through the float network with `activation` between layers, and
    /// runs `method` on the layers of `float` under `schemes` (a plan's scheme per tensor name),
    /// telling `progress` the layers done.
    public init(float: FloatNetwork, schemes: [String: QuantScheme?], method: any QuantizationMethod,
                calibration: EvaluationData?, activation: Activation, progress: StepProgress? = nil) throws {
        var layers = LayersToQuantize(
            names: float.layout.layers.map(\.prefix), layers: float.layers,
            schemes: float.layout.layers.map { schemes[$0.weightName] ?? nil }, activation: activation,
            calibration: calibration.map { CalibrationCapture(layers: float.layers, rows: $0, activation: activation) })
        layers.progress = progress
        let result = try method.quantize(layers)
        self.schemes = schemes
        self.tensors = try Self.tensors(of: result, float: float, schemes: schemes, method: method.name)
        self.notes = result.notes
    }

    /// `result` by tensor name (see `tensors`).
    static func tensors(of result: MethodResult, float: FloatNetwork, schemes: [String: QuantScheme?],
                        method: String) throws -> [String: TensorOverride] {
        var tensors: [String: TensorOverride] = [:]
        for (index, (description, layer)) in zip(float.layout.layers, float.layers).enumerated() {
            if let weight = result.weights[index] {
                tensors[description.weightName] = .quantized(weight, method: method)
            } else if result.floatWeights[index] != layer.weight {
                tensors[description.weightName] = .float(result.floatWeights[index])
            }
            if let name = description.biasName, let bias = result.biases[index], bias != layer.bias {
                if let scheme = schemes[name] ?? nil {
                    tensors[name] = .quantized(try quantize(bias, shape: [bias.count], scheme: scheme), method: method)
                } else {
                    tensors[name] = .float(bias)
                }
            }
        }
        return tensors
    }
}
