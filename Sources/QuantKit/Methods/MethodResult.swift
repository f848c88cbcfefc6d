/// What a `QuantizationMethod` made of a network's layers.
public struct MethodResult: Sendable {
    /// Each layer's quantized weight; nil where the weight stays float.
    public var weights: [QuantizedTensor?]
    /// Each layer's float weight and bias after the method (a method that moves values between
    /// layers, like AWQ's folding, changes them; the others return them as given).
    public var floatWeights: [[Float]]
    public var biases: [[Float]?]
    /// What the method did, a line per layer (and per decision over the whole network).
    public var notes: [String]

    /// Nothing quantized yet, the float weights and biases of `layers` as given.
    public init(unchanged layers: LayersToQuantize) {
        weights = Array(repeating: nil, count: layers.layers.count)
        floatWeights = layers.layers.map(\.weight)
        biases = layers.layers.map(\.bias)
        notes = []
    }
}
