/// A multilayer perceptron: linear layers with an activation (ReLU by default) between them
/// and none after the last.
public struct MLP<Layer: LinearLayer>: Sendable {
    public let layers: [Layer]
    public let activation: Activation

    /// - Precondition: each layer's `inFeatures` is the previous layer's `outFeatures`.
    public init(layers: [Layer], activation: Activation = .relu) {
        for (previous, next) in zip(layers, layers.dropFirst()) {
            precondition(previous.outFeatures == next.inFeatures,
                         "layer of \(previous.outFeatures) outputs feeds one of \(next.inFeatures) inputs")
        }
        self.layers = layers
        self.activation = activation
    }

    /// The sum of the layers' parameter bytes.
    public var memoryBytes: Int { layers.reduce(0) { $0 + $1.memoryBytes } }

    /// The outputs of the last layer for `batch` rows of input.
    /// - Complexity: the sum of the layers' costs.
    public func forward(_ x: [Float], batch: Int) -> [Float] {
        var activations = x
        for (index, layer) in layers.enumerated() {
            activations = layer.forward(activations, batch: batch)
            if index < layers.count - 1 {
                activation.apply(&activations)
            }
        }
        return activations
    }
}

extension MLP where Layer == Linear {
    /// The same network with every layer replaced by its `QuantizedLinear`.
    public func quantized(bits: Int = 8) -> MLP<QuantizedLinear> {
        MLP<QuantizedLinear>(layers: layers.map { QuantizedLinear(from: $0, bits: bits) }, activation: activation)
    }
}
