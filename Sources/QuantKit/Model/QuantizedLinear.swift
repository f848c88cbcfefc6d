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
    /// Derived from `weight` once, at init, so that no call repeats it: the float32 weights
    /// `forward` multiplies by, and the signed codes `forwardInt8` multiplies by (5 bytes per
    /// weight in memory, not counted in `memoryBytes`, which counts what is stored).
    private let dequantizedWeight: [Float]
    /// nil for group-wise scales, which the int8 path does not take (see `runsInInt8`).
    let integerWeight: IntegerWeight?

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
        self.dequantizedWeight = weight.dequantized()
        self.integerWeight = weight.scheme.groupSize == nil && weight.outliers == nil && weight.scheme.floatFormat == nil
            ? IntegerWeight(weight) : nil
    }

    /// Equal layers have equal weights and biases (the derived forms follow from the weight).
    public static func == (lhs: QuantizedLinear, rhs: QuantizedLinear) -> Bool {
        lhs.weight == rhs.weight && lhs.bias == rhs.bias
    }

    /// The bytes stored (`QuantizedTensor.storedByteCount`: codes, packed at 4 bits or fewer;
    /// 4 per scale, 2 when float16 or bfloat16; 4 per zero point) and 4 per bias value.
    public var memoryBytes: Int { weight.storedByteCount + 4 * (bias?.count ?? 0) }

    /// Multiplies by the dequantized weights in float32.
    /// - Complexity: O(batch · outFeatures · inFeatures).
    public func forward(_ x: [Float], batch: Int) -> [Float] {
        linearForward(x, batch: batch, weight: dequantizedWeight, bias: bias, outFeatures: outFeatures, inFeatures: inFeatures)
    }

    /// Whether `forwardInt8` can run this layer: scales per tensor, per row or per column, and no
    /// float16 outlier columns. A group's scale changes along the dot product, so group-wise
    /// weights (and weights with outliers) run through `forward`.
    public var runsInInt8: Bool { integerWeight != nil }

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
    ///
    /// All rows are quantized first, then multiplied by the weight codes in one int8 GEMM
    /// (`int8MatrixMultiply`, on `threads` threads; the result does not depend on their number).
    /// - Complexity: O(batch · outFeatures · inFeatures).
    /// - Precondition: `runsInInt8`.
    public func forwardInt8(_ x: [Float], batch: Int, threads: Int = defaultThreadCount) -> [Float] {
        precondition(batch >= 0 && x.count == batch * inFeatures, "input has \(x.count) values, not \(batch) x \(inFeatures)")
        let (integer, inFeatures) = (integerWeight!, inFeatures)
        var codes = [Int8](repeating: 0, count: batch * inFeatures)
        var activationScales = [Float](repeating: 0, count: batch)
        // Per row: `Σ_k q_x,k` (zero points per output) or `Σ_k q'_k · z_k` (along the input).
        var zeroPointTerms = [Int64](repeating: 0, count: batch)
        codes.withUnsafeMutableBufferPointer { codes in
            activationScales.withUnsafeMutableBufferPointer { activationScales in
                zeroPointTerms.withUnsafeMutableBufferPointer { zeroPointTerms in
                    // Each row is written by one thread only.
                    nonisolated(unsafe) let (codes, activationScales, zeroPointTerms) = (codes, activationScales, zeroPointTerms)
                    forEachTile(m: batch, n: 1, tileRows: 16, tileColumns: 1, threads: threads) { rows, _ in
                        for row in rows {
                            var activations = Array(x[row * inFeatures ..< (row + 1) * inFeatures])
                            if integer.scalesAlongInput {
                                for k in activations.indices { activations[k] *= integer.scales[k] }
                            }
                            let (rowCodes, activationScale) = symmetricQuantize(activations, bits: 8)
                            _ = UnsafeMutableBufferPointer(rebasing: codes[row * inFeatures ..< (row + 1) * inFeatures])
                                .update(fromContentsOf: rowCodes)
                            activationScales[row] = activationScale
                            zeroPointTerms[row] = integer.scalesAlongInput
                                ? integer.zeroPointDot(rowCodes)
                                : rowCodes.reduce(Int64(0)) { $0 + Int64($1) }
                        }
                    }
                }
            }
        }
        if inFeatures <= int8MatrixMultiplyMaxK {
            let dots = int8MatrixMultiply(codes, integer.codes, m: batch, n: outFeatures, k: inFeatures, threads: threads)
            return rescale(dots, activationScales: activationScales, zeroPointTerms: zeroPointTerms, threads: threads)
        }
        // Longer rows: exact int32 sums over pieces of at most `int8MatrixMultiplyMaxK`, added in int64.
        var dots = [Int64](repeating: 0, count: batch * outFeatures)
        codes.withUnsafeBufferPointer { codes in
            integer.codes.withUnsafeBufferPointer { weightCodes in
                for start in stride(from: 0, to: inFeatures, by: int8MatrixMultiplyMaxK) {
                    let length = min(int8MatrixMultiplyMaxK, inFeatures - start)
                    let piece = int8MatrixMultiply(UnsafeBufferPointer(rebasing: codes[start...]), lda: inFeatures,
                                                   UnsafeBufferPointer(rebasing: weightCodes[start...]), ldb: inFeatures,
                                                   m: batch, n: outFeatures, k: length, threads: threads)
                    for i in dots.indices { dots[i] += Int64(piece[i]) }
                }
            }
        }
        return rescale(dots, activationScales: activationScales, zeroPointTerms: zeroPointTerms, threads: threads)
    }

    /// Turns the integer dot products of `forwardInt8` (`[batch, outFeatures]`) into outputs,
    /// with the formulas documented there.
    private func rescale<Dot: FixedWidthInteger & SendableMetatype>(_ dots: [Dot], activationScales: [Float], zeroPointTerms: [Int64],
                                                 threads: Int) -> [Float] {
        let (integer, outFeatures, bias) = (integerWeight!, outFeatures, bias)
        return [Float](unsafeUninitializedCapacity: dots.count) { output, initialized in
            dots.withUnsafeBufferPointer { dots in
                // Each row is written by one thread only.
                nonisolated(unsafe) let (output, dots) = (output, dots)
                forEachTile(m: activationScales.count, n: 1, tileRows: 16, tileColumns: 1, threads: threads) { rows, _ in
                    for row in rows {
                        let activationScale = activationScales[row]
                        for j in 0 ..< outFeatures {
                            let dot = Int64(dots[row * outFeatures + j])
                            if integer.scalesAlongInput {
                                output[row * outFeatures + j] = activationScale * Float(dot - zeroPointTerms[row]) + (bias?[j] ?? 0)
                            } else {
                                let channel = integer.scales.count == 1 ? 0 : j
                                let centered = dot - Int64(integer.zeroPoints[channel]) * zeroPointTerms[row]
                                output[row * outFeatures + j] = activationScale * integer.scales[channel] * Float(centered) + (bias?[j] ?? 0)
                            }
                        }
                    }
                }
            }
            initialized = dots.count
        }
    }

    /// For each output of `forwardInt8(x, batch:)`, a bound on its distance from `forward(x, batch:)`.
    ///
    /// Rounding an activation row to `s · q` moves each element by at most `s/2`, so output `j`
    /// moves by at most `s/2 · Σ_k |w_jk|` (for scales along the input, with `x' = x · s_k`,
    /// `s'/2 · Σ_k |q_jk - z_k|`). Float32 rounding of both sums and of adding the bias adds at
    /// most `(K + 4) · 2^-23 · (Σ_k |x_k w_jk| + |b_j|)` for `K = inFeatures`.
    public func int8DeviationBound(_ x: [Float], batch: Int) -> [Float] {
        let integer = integerWeight!
        let dequantized = dequantizedWeight
        let slack = Float(inFeatures + 4) * 0x1p-23
        var bounds = [Float](repeating: 0, count: batch * outFeatures)
        for row in 0 ..< batch {
            var activations = Array(x[row * inFeatures ..< (row + 1) * inFeatures])
            if integer.scalesAlongInput {
                for k in activations.indices { activations[k] *= integer.scales[k] }
            }
            // The activation scale forwardInt8 uses, without quantizing the row.
            let step = symmetricScale(min: min(activations.min() ?? 0, 0), max: max(activations.max() ?? 0, 0), bits: 8) / 2
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
struct IntegerWeight: Sendable {
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

    /// `Σ_k activations_k · z_k`, for zero points along the input axis.
    func zeroPointDot(_ activations: [Int8]) -> Int64 {
        zip(activations, zeroPoints).reduce(Int64(0)) { $0 + Int64($1.0) * Int64($1.1) }
    }

    /// `q_jk - z_k` for scales and zero points along the input axis.
    func centeredCode(row: Int, column: Int) -> Int32 {
        Int32(codes[row * inFeatures + column]) - zeroPoints[column]
    }
}
