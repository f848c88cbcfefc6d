/// A linear layer whose weights are stored as per-channel symmetric codes over the output axis
/// (one float32 scale per output row) with a float32 bias: the textbook's `QuantizedLinear`.
///
/// `forward` dequantizes the weights and multiplies in float32, so its output differs from the
/// float layer's only through the weights: output `j` is off by at most
/// `Σ_i |x_i| · scale_j / 2` plus float32 rounding.
public struct QuantizedLinear: LinearLayer, Equatable {
    public let inFeatures: Int
    public let outFeatures: Int
    /// Shape `[outFeatures, inFeatures]`, scheme per-channel symmetric over axis 0.
    public let weight: QuantizedTensor
    public let bias: [Float]?

    /// Quantizes `linear`'s weights to `bits`-bit codes, one scale per output row; the bias stays float32.
    /// - Precondition: every weight is finite; `bits` is in 2...8.
    public init(from linear: Linear, bits: Int = 8) {
        let scheme = QuantScheme(symmetric: true, granularity: .perChannel(axis: 0), bits: bits)
        // The shape and value count come from a valid `Linear` and axis 0 exists in rank 2.
        guard let weight = try? quantize(linear.weight, shape: [linear.outFeatures, linear.inFeatures], scheme: scheme) else {
            preconditionFailure("a linear layer's weight always quantizes")
        }
        self.inFeatures = linear.inFeatures
        self.outFeatures = linear.outFeatures
        self.weight = weight
        self.bias = linear.bias
    }

    /// 1 byte per weight code, 4 per scale, 4 per bias value.
    public var memoryBytes: Int { weight.codes.count + 4 * weight.scales.count + 4 * (bias?.count ?? 0) }

    /// - Complexity: O(batch · outFeatures · inFeatures), plus dequantizing the weights once.
    public func forward(_ x: [Float], batch: Int) -> [Float] {
        linearForward(x, batch: batch, weight: weight.dequantized(), bias: bias, outFeatures: outFeatures, inFeatures: inFeatures)
    }
}
