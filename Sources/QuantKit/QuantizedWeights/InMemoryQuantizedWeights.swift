/// A transformer's float weights with some Linear weights replaced by quantized tensors held in
/// memory: what `quantize eval FOLDER` runs without a QUANTIZED output, and what a method that
/// quantizes through the transformer (GPTQ, AWQ) hands back before anything is written.
///
/// - `linear(prefix)` is `.quantized(QuantizedLinear)` when `replaced` holds `prefix.weight`
///   (its bias dequantized from `replaced` when that holds it too, else the float one: from
///   `floats` when the method gave it new values), else the float layer (its weight and bias
///   from `floats` when there);
/// - `floatTensor(name)` is the float tensor, `floats[name]` in its shape (AWQ's folded norms),
///   or `replaced[name]` dequantized to float32.
/// The model built on these weights checks every tensor's shape against its configuration.
public struct InMemoryQuantizedWeights: TransformerWeights {
    public let float: any TransformerWeights
    /// The quantized tensors, by tensor name (`encoder.layer.0.attention.self.query.weight`).
    public let replaced: [String: QuantizedTensor]
    /// Tensors kept in float with new values (`QuantizedCheckpoint.floats`), by name.
    public let floats: [String: [Float]]

    public init(float: any TransformerWeights, replaced: [String: QuantizedTensor], floats: [String: [Float]] = [:]) {
        self.float = float
        self.replaced = replaced
        self.floats = floats
    }

    public func contains(_ name: String) -> Bool {
        float.contains(name)
    }

    /// - Throws: the float weights' errors, or `TransformerError.tensorShape` for a replaced
    ///   bias that is not `[out]` (a replaced weight's shape is checked by the model against
    ///   its configuration, as every Linear's is).
    public func linear(_ prefix: String) throws -> NetworkLayer {
        let biasName = prefix + ".bias"
        guard let weight = replaced[prefix + ".weight"] else {
            let changed = replaced[biasName] != nil || floats[biasName] != nil || floats[prefix + ".weight"] != nil
            guard changed, case .float(let linear) = try float.linear(prefix) else { return try float.linear(prefix) }
            return .float(Linear(weight: floats[prefix + ".weight"] ?? linear.weight,
                                 bias: try bias(biasName, outFeatures: linear.outFeatures) ?? linear.bias,
                                 outFeatures: linear.outFeatures, inFeatures: linear.inFeatures))
        }
        let bias = try bias(biasName, outFeatures: weight.shape.first ?? 0)
            ?? (float.contains(biasName) ? try float.floatTensor(biasName).values : nil)
        return .quantized(QuantizedLinear(weight: weight, bias: bias))
    }

    public func floatTensor(_ name: String) throws -> (values: [Float], shape: [Int]) {
        if let tensor = replaced[name] { return (tensor.dequantized(), tensor.shape) }
        let stored = try float.floatTensor(name)
        return (floats[name] ?? stored.values, stored.shape)
    }

    /// The bias `name` the method changed (dequantized, or new float values), checked to be
    /// `[outFeatures]`; nil when it left it as it was.
    private func bias(_ name: String, outFeatures: Int) throws -> [Float]? {
        if let quantized = replaced[name] { return try dequantizedBias(quantized, name: name, outFeatures: outFeatures) }
        guard let values = floats[name] else { return nil }
        guard values.count == outFeatures else {
            throw TransformerError.tensorShape(tensor: name, expected: [outFeatures], found: [values.count])
        }
        return values
    }

    /// Bytes of tensor data as they would be stored: each of `model`'s tensors (the float
    /// checkpoint's, `CheckpointWeights.tensors`) as it is, or as its replacement's codes,
    /// scales and zero points (`QuantizedTensor.storedByteCount`).
    public func storedByteCount(model: [TensorInfo]) -> Int {
        model.reduce(0) { $0 + (replaced[$1.name]?.storedByteCount ?? $1.storedByteCount) }
    }

    private func dequantizedBias(_ bias: QuantizedTensor, name: String, outFeatures: Int) throws -> [Float] {
        guard bias.shape == [outFeatures] else {
            throw TransformerError.tensorShape(tensor: name, expected: [outFeatures], found: bias.shape)
        }
        return bias.dequantized()
    }
}
