/// A fully connected layer as a quantizer sees it: `y = x · Wᵀ + b`.
public protocol LinearLayer: Sendable {
    var inFeatures: Int { get }
    var outFeatures: Int { get }
    /// Bytes of parameters as stored: weights, scales and bias.
    var memoryBytes: Int { get }
    /// `x · Wᵀ + b` for `batch` rows of `inFeatures` values (row-major), giving `batch` rows of
    /// `outFeatures` values.
    func forward(_ x: [Float], batch: Int) -> [Float]
}

/// A float32 linear layer: weight `[outFeatures, inFeatures]` row-major, optional bias `[outFeatures]`.
public struct Linear: LinearLayer, Equatable {
    public let inFeatures: Int
    public let outFeatures: Int
    public let weight: [Float]
    public let bias: [Float]?

    /// - Precondition: `weight` holds `outFeatures * inFeatures` values and `bias`, when given,
    ///   `outFeatures`.
    public init(weight: [Float], bias: [Float]?, outFeatures: Int, inFeatures: Int) {
        precondition(outFeatures >= 0 && inFeatures >= 0 && weight.count == outFeatures * inFeatures,
                     "weight has \(weight.count) values, not \(outFeatures) x \(inFeatures)")
        precondition(bias.map { $0.count == outFeatures } ?? true, "bias must have \(outFeatures) values")
        self.inFeatures = inFeatures
        self.outFeatures = outFeatures
        self.weight = weight
        self.bias = bias
    }

    /// 4 bytes per weight and per bias value.
    public var memoryBytes: Int { 4 * (weight.count + (bias?.count ?? 0)) }

    /// - Complexity: O(batch · outFeatures · inFeatures).
    public func forward(_ x: [Float], batch: Int) -> [Float] {
        linearForward(x, batch: batch, weight: weight, bias: bias, outFeatures: outFeatures, inFeatures: inFeatures)
    }
}

/// `x · Wᵀ + b` in float32, by `floatMatrixMultiply` (blocked, vectorized, on every core): each
/// output is the dot product of two contiguous rows plus the bias, up to the order of summation.
func linearForward(_ x: [Float], batch: Int, weight: [Float], bias: [Float]?, outFeatures: Int, inFeatures: Int) -> [Float] {
    precondition(batch >= 0 && x.count == batch * inFeatures, "input has \(x.count) values, not \(batch) x \(inFeatures)")
    return floatMatrixMultiply(x, weight, bias: bias, m: batch, n: outFeatures, k: inFeatures)
}
