/// An MLP read from a tensor file (see `NetworkLayout`), in float32.
public struct FloatNetwork: Sendable {
    public let layout: NetworkLayout
    public let layers: [Linear]
    /// The weight and bias tensors as the file describes them, layer by layer.
    public let tensorInfos: [TensorInfo]
    /// Parameter bytes at their stored dtypes.
    public var byteCount: Int { tensorInfos.reduce(0) { $0 + $1.storedByteCount } }

    /// The float32 values of the weights and biases called `names`, by name.
    public func values(of names: Set<String>) -> [String: [Float]] {
        var values: [String: [Float]] = [:]
        for (description, layer) in zip(layout.layers, layers) {
            if names.contains(description.weightName) { values[description.weightName] = layer.weight }
            if let name = description.biasName, names.contains(name), let bias = layer.bias { values[name] = bias }
        }
        return values
    }

    /// Reads the layers of `source` (float16 and float64 become float32), refusing NaN and infinity.
    public init(source: any TensorSource) throws {
        do {
            layout = try NetworkLayout(tensors: source.tensors)
        } catch {
            throw FileError(path: source.path, error)
        }
        let infos = Dictionary(source.tensors.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        var layers: [Linear] = []
        var tensorInfos: [TensorInfo] = []
        for layer in layout.layers {
            let weight = try loadFiniteValues(of: layer.weightName, in: source)
            let bias = try layer.biasName.map { try loadFiniteValues(of: $0, in: source) }
            layers.append(Linear(weight: weight, bias: bias, outFeatures: layer.outFeatures, inFeatures: layer.inFeatures))
            tensorInfos += [layer.weightName, layer.biasName].compactMap { $0.flatMap { infos[$0] } }
        }
        self.layers = layers
        self.tensorInfos = tensorInfos
    }
}

/// The float32 values of the floating tensor `name` of `source`, refusing NaN and infinity.
func loadFiniteValues(of name: String, in source: any TensorSource) throws -> [Float] {
    let tensor = try source.load(name)
    let values = tensor.floatValues()!
    do {
        try NonFiniteValue.check(values, shape: tensor.shape, storedDType: tensor.dtype)
    } catch {
        throw FileError(path: source.path, member: name, error)
    }
    return values
}
