/// Symmetric quantization of `x` as one tensor to `bits`-bit signed codes.
///
/// `qmax = 2^(bits-1) - 1`, `scale = max|x| / qmax` in float32 (a zero scale, from an all-zero
/// or empty `x`, becomes 1), and each code is `round(x / scale)` (a true division, ties to even)
/// clamped to `[-qmax - 1, qmax]`. With `bits = 8`: `[-1, 0.5, 2.54]` gives scale 0.02 and codes
/// `[-50, 25, 127]`.
///
/// ## Error bound
/// For every in-range element (`|x / scale| <= qmax + 1/2`, which holds for all elements whenever
/// the scale is a normal float), `|x - dequantized(x)| <= scale / 2` in exact arithmetic. The two
/// float32 roundings add at most `2^-24 * (|x| + |q * scale|)`, and subnormal results at most
/// `2^-149` more:
/// `|x - q * scale| <= scale / 2 + 2^-24 * (|x| + |q * scale|) + 2^-149`.
/// Tiny inputs (`max|x| < qmax * 2^-126`) get a subnormal scale, which is itself rounded coarsely,
/// so their largest elements can clamp.
///
/// - Precondition: every element of `x` is finite (check with `firstNonFiniteIndex(_:)`);
///   `bits` is in 2...8.
/// - Complexity: O(n), two passes.
/// ### See Also
/// - `symmetricDequantize(_:scale:)`, `quantize(_:shape:scheme:)`
public func symmetricQuantize(_ x: [Float], bits: Int = 8) -> (codes: [Int8], scale: Float) {
    precondition(QuantScheme.bitRange.contains(bits), "bits must be in 2...8, got \(bits)")
    assert(firstNonFiniteIndex(x) == nil, "quantization input must be finite")
    // A per-tensor scheme on a 1-D shape always quantizes.
    let q = try! quantize(x, shape: [x.count], scheme: QuantScheme(symmetric: true, granularity: .perTensor, bits: bits))
    return (q.codes.map { Int8(bitPattern: $0) }, q.scales[0])
}

/// The float32 values `code * scale` of symmetric codes (the int-to-float conversion is exact,
/// so each value is one correctly rounded multiply).
/// - Complexity: O(n).
public func symmetricDequantize(_ codes: [Int8], scale: Float) -> [Float] {
    let blocks = ChannelBlocks(outer: 1, channels: 1, inner: codes.count)
    return codes.withUnsafeBufferPointer { codes in
        [Float](unsafeUninitializedCapacity: codes.count) { values, initialized in
            dequantizeBlocks(codes, blocks, scales: [scale], zeroPoints: [], into: values)
            initialized = codes.count
        }
    }
}
