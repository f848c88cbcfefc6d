/// A transformer's float weights with some Linear weights replaced by quantized tensors held in
/// memory: what `quantize eval FOLDER` runs without a QUANTIZED output, and what a method that
/// quantizes through the transformer (GPTQ, AWQ) hands back before anything is written.
///
/// - `linear(prefix)` is `.quantized(QuantizedLinear)` when `replaced` holds `prefix.weight`
///   (its bias dequantized from `replaced` when that holds it too, else the float one), else
///   the float layer;
/// - `floatTensor(name)` is the float tensor, or `replaced[name]` dequantized to float32.
/// The model built on these weights checks every tensor's shape against its configuration.
public struct InMemoryQuantizedWeights: TransformerWeights {
    public let float: any TransformerWeights
    /// The quantized tensors, by tensor name (`encoder.layer.0.attention.self.query.weight`).
    public let replaced: [String: QuantizedTensor]

    public init(float: any TransformerWeights, replaced: [String: QuantizedTensor]) {
        self.float = float
        self.replaced = replaced
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
            guard let bias = replaced[biasName], case .float(let linear) = try float.linear(prefix) else {
                return try float.linear(prefix)
            }
            return .float(Linear(weight: linear.weight, bias: try dequantizedBias(bias, name: biasName, outFeatures: linear.outFeatures),
                                 outFeatures: linear.outFeatures, inFeatures: linear.inFeatures))
        }
        var bias: [Float]?
        if let quantizedBias = replaced[biasName] {
            bias = try dequantizedBias(quantizedBias, name: biasName, outFeatures: weight.shape.first ?? 0)
        } else if float.contains(biasName) {
            bias = try float.floatTensor(biasName).values
        }
        return .quantized(QuantizedLinear(weight: weight, bias: bias))
    }

    public func floatTensor(_ name: String) throws -> (values: [Float], shape: [Int]) {
        guard let tensor = replaced[name] else { return try float.floatTensor(name) }
        return (tensor.dequantized(), tensor.shape)
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
