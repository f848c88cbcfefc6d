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

/// `x · Wᵀ + b` in float32. Both `x` and `W` are row-major, so each output is the dot product of
/// two contiguous rows, summed in index order, plus the bias.
func linearForward(_ x: [Float], batch: Int, weight: [Float], bias: [Float]?, outFeatures: Int, inFeatures: Int) -> [Float] {
    precondition(batch >= 0 && x.count == batch * inFeatures, "input has \(x.count) values, not \(batch) x \(inFeatures)")
    return [Float](unsafeUninitializedCapacity: batch * outFeatures) { output, initialized in
        x.withUnsafeBufferPointer { x in
            weight.withUnsafeBufferPointer { weight in
                for b in 0 ..< batch {
                    let row = b * inFeatures
                    for o in 0 ..< outFeatures {
                        let column = o * inFeatures
                        var sum: Float = 0
                        for i in 0 ..< inFeatures {
                            sum += x[row + i] * weight[column + i]
                        }
                        output[b * outFeatures + o] = sum + (bias?[o] ?? 0)
                    }
                }
            }
        }
        initialized = batch * outFeatures
    }
}
