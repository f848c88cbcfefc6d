/// A linear layer whose weight `[outFeatures, inFeatures]` is stored as integer codes with
/// scales (and zero points) under any `QuantScheme`, and whose bias stays float32: the
/// textbook's `QuantizedLinear`, generalized to every scheme.
///
/// Two ways to run it:
/// - `forward` (the textbook's): dequantize the weights, `w = (q - z) · s`, and multiply in
///   float32. Its output differs from the float layer's only through the weights: output `j` is
///   off by at most `Σ_k |x_k| · s_j / 2` plus float32 rounding.
/// - `forwardInt8`: integer arithmetic, as int8 inference engines run it; see there.
public struct QuantizedLinear: LinearLayer, Equatable {
    public let inFeatures: Int
    public let outFeatures: Int
    /// Shape `[outFeatures, inFeatures]`.
    public let weight: QuantizedTensor
    public let bias: [Float]?

    /// Quantizes `linear`'s weights to `bits`-bit symmetric codes with one scale per output row
    /// (the textbook layer); the bias stays float32.
    /// - Precondition: every weight is finite; `bits` is in 2...8.
    public init(from linear: Linear, bits: Int = 8) {
        let scheme = QuantScheme(symmetric: true, granularity: .perChannel(axis: 0), bits: bits)
        // The shape and value count come from a valid `Linear` and axis 0 exists in rank 2.
        guard let weight = try? quantize(linear.weight, shape: [linear.outFeatures, linear.inFeatures], scheme: scheme) else {
            preconditionFailure("a linear layer's weight always quantizes")
        }
        self.init(weight: weight, bias: linear.bias)
    }

    /// A layer over an already quantized weight.
    /// - Precondition: `weight` is 2-D; `bias`, when given, has one value per row.
    public init(weight: QuantizedTensor, bias: [Float]?) {
        precondition(weight.shape.count == 2, "a linear layer's weight is 2-D, not \(formatShape(weight.shape))")
        precondition(bias.map { $0.count == weight.shape[0] } ?? true, "bias must have \(weight.shape[0]) values")
        self.outFeatures = weight.shape[0]
        self.inFeatures = weight.shape[1]
        self.weight = weight
        self.bias = bias
    }

    /// 1 byte per weight code, 4 per scale, per zero point and per bias value.
    public var memoryBytes: Int { weight.storedByteCount + 4 * (bias?.count ?? 0) }

    /// Dequantizes the weights and multiplies in float32.
    /// - Complexity: O(batch · outFeatures · inFeatures), plus dequantizing the weights once.
    public func forward(_ x: [Float], batch: Int) -> [Float] {
        linearForward(x, batch: batch, weight: weight.dequantized(), bias: bias, outFeatures: outFeatures, inFeatures: inFeatures)
    }

    /// Runs the layer in integers: each input row is quantized to int8 on the fly, multiplied
    /// by the weight codes with int32 accumulation, and rescaled by the two scales.
    ///
    /// Codes are taken in the signed domain (`q - 128` for asymmetric uint8 codes, with the
    /// zero point shifted alike), so every product is int8 x int8. With the weight
    /// `w_jk = s (q_jk - z)`:
    /// - scales per tensor or per output row (axis 0): the row `x` becomes
    ///   `x̂ = s_x · q_x` (symmetric int8, `s_x = max|x| / 127`), and
    ///   `y_j = s_x · s_j · (Σ_k q_x,k · q_jk - z_j · Σ_k q_x,k) + b_j`;
    /// - scales per input column (axis 1) cannot leave the sum, so they are folded into the
    ///   row first: `x'_k = x_k · s_k` is quantized to `s' · q'`, and
    ///   `y_j = s' · (Σ_k q'_k · q_jk - Σ_k q'_k · z_k) + b_j`.
    ///
    /// The only new error against `forward` is the rounding of the activations, so
    /// `|forwardInt8 - forward|` stays within `int8DeviationBound` (see there).
    /// - Complexity: O(batch · outFeatures · inFeatures).
    public func forwardInt8(_ x: [Float], batch: Int) -> [Float] {
        precondition(batch >= 0 && x.count == batch * inFeatures, "input has \(x.count) values, not \(batch) x \(inFeatures)")
        let integer = IntegerWeight(weight)
        var output = [Float](repeating: 0, count: batch * outFeatures)
        for row in 0 ..< batch {
            var activations = Array(x[row * inFeatures ..< (row + 1) * inFeatures])
            if integer.scalesAlongInput {
                for k in activations.indices { activations[k] *= integer.scales[k] }
            }
            let (codes, activationScale) = symmetricQuantize(activations, bits: 8)
            let codeSum = codes.reduce(Int64(0)) { $0 + Int64($1) }
            for j in 0 ..< outFeatures {
                let dot = integer.dot(codes, row: j)
                if integer.scalesAlongInput {
                    let shift = integer.zeroPointDot(codes)
                    output[row * outFeatures + j] = activationScale * Float(dot - shift) + (bias?[j] ?? 0)
                } else {
                    let channel = integer.scales.count == 1 ? 0 : j
                    let centered = dot - Int64(integer.zeroPoints[channel]) * codeSum
                    output[row * outFeatures + j] = activationScale * integer.scales[channel] * Float(centered) + (bias?[j] ?? 0)
                }
            }
        }
        return output
    }

    /// For each output of `forwardInt8(x, batch:)`, a bound on its distance from `forward(x, batch:)`.
    ///
    /// Rounding an activation row to `s · q` moves each element by at most `s/2`, so output `j`
    /// moves by at most `s/2 · Σ_k |w_jk|` (for scales along the input, with `x' = x · s_k`,
    /// `s'/2 · Σ_k |q_jk - z_k|`). Float32 rounding of both sums and of adding the bias adds at
    /// most `(K + 4) · 2^-23 · (Σ_k |x_k w_jk| + |b_j|)` for `K = inFeatures`.
    public func int8DeviationBound(_ x: [Float], batch: Int) -> [Float] {
        let integer = IntegerWeight(weight)
        let dequantized = weight.dequantized()
        let slack = Float(inFeatures + 4) * 0x1p-23
        var bounds = [Float](repeating: 0, count: batch * outFeatures)
        for row in 0 ..< batch {
            var activations = Array(x[row * inFeatures ..< (row + 1) * inFeatures])
            if integer.scalesAlongInput {
                for k in activations.indices { activations[k] *= integer.scales[k] }
            }
            let step = symmetricQuantize(activations, bits: 8).scale / 2
            for j in 0 ..< outFeatures {
                var rounding: Float = 0
                var magnitude: Float = 0
                for k in 0 ..< inFeatures {
                    let w = dequantized[j * inFeatures + k]
                    rounding += integer.scalesAlongInput ? Float(abs(integer.centeredCode(row: j, column: k))) : abs(w)
                    magnitude += abs(x[row * inFeatures + k] * w)
                }
                bounds[row * outFeatures + j] = step * rounding + slack * (magnitude + abs(bias?[j] ?? 0))
            }
        }
        return bounds
    }
}

/// A quantized weight `[out, in]` prepared for integer arithmetic: signed int8 codes, zero
/// points shifted into the same domain, and whether the scales run along the input axis.
private struct IntegerWeight {
    let codes: [Int8]
    let scales: [Float]
    /// One per scale, in the signed domain (0 when symmetric).
    let zeroPoints: [Int32]
    let scalesAlongInput: Bool
    let inFeatures: Int

    init(_ weight: QuantizedTensor) {
        let shift = weight.scheme.symmetric ? 0 : 128
        codes = (0 ..< weight.codes.count).map { Int8(weight.code(at: $0) - shift) }
        scales = weight.scales
        zeroPoints = weight.scheme.symmetric
            ? [Int32](repeating: 0, count: weight.scales.count)
            : weight.zeroPoints.map { $0 - Int32(shift) }
        scalesAlongInput = weight.axis == 1
        inFeatures = weight.shape[1]
    }

    /// `Σ_k activations_k · q_row,k`, accumulated in int32 over blocks short enough that no
    /// int32 sum can overflow (each product is at most 2^14 in magnitude), then in int64.
    func dot(_ activations: [Int8], row: Int) -> Int64 {
        let base = row * inFeatures
        let block = 1 << 16
        var total: Int64 = 0
        var start = 0
        while start < inFeatures {
            let end = min(start + block, inFeatures)
            var sum: Int32 = 0
            for k in start ..< end {
                sum &+= Int32(activations[k]) * Int32(codes[base + k])
            }
            total += Int64(sum)
            start = end
        }
        return total
    }

    /// `Σ_k activations_k · z_k`, for zero points along the input axis.
    func zeroPointDot(_ activations: [Int8]) -> Int64 {
        zip(activations, zeroPoints).reduce(Int64(0)) { $0 + Int64($1.0) * Int64($1.1) }
    }

    /// `q_jk - z_k` for scales and zero points along the input axis.
    func centeredCode(row: Int, column: Int) -> Int32 {
        Int32(codes[row * inFeatures + column]) - zeroPoints[column]
    }
}
