/// Asymmetric quantization of `x` as one tensor to `bits`-bit unsigned codes with a zero point.
///
/// With `levels = 2^bits - 1`, all in float32:
/// - the range `[min, max]` of `x` is first widened to contain 0 (`min = min(min, 0)`,
///   `max = max(max, 0)`), as PyTorch's observers do, so that 0 is exactly representable;
/// - `scale = (max - min) / levels`; when `max - min` overflows to infinity (as for ±3e38) it is
///   `max / levels - min / levels` instead; a zero scale becomes 1;
/// - `zeroPoint = clamp(round(-min / scale), 0, levels)`;
/// - `code = clamp(round(x / scale) + zeroPoint, 0, levels)`, a true division rounded half to even.
///
/// The textbook formula skips the widening. On `[10, 10.25, 10.5, 11]` it gives
/// `scale = 1/255` and `zeroPoint = round(-2550) = -2550`, which clamps to 0, so every code
/// clamps to 255 and dequantizes to `255/255 = 1.0`: errors up to 10. Widened, the range is
/// `[0, 11]`, the zero point is 0 and every error is at most `scale / 2`.
///
/// ## Error bound
/// For every element whose code is not clamped,
/// `|x - dequantized(x)| <= scale / 2 + 2^-24 * (|x| + |(q - zeroPoint) * scale|) + 2^-149`:
/// `scale / 2` from rounding to the grid, the rest from the two float32 roundings (division and
/// multiply; the last term only for subnormal results). Codes at 0 or `levels` can clamp when
/// `x` sits half a step beyond the grid's end; the rounding of `scale` and `zeroPoint` then adds
/// at most `2^-22 * (levels + zeroPoint) * scale` to the bound.
///
/// - Precondition: every element of `x` is finite (check with `firstNonFiniteIndex(_:)`);
///   `bits` is in 2...8.
/// - Complexity: O(n), two passes.
/// ### See Also
/// - `asymmetricDequantize(_:scale:zeroPoint:)`, `quantize(_:shape:scheme:)`
public func asymmetricQuantize(_ x: [Float], bits: Int = 8) -> (codes: [UInt8], scale: Float, zeroPoint: Int32) {
    precondition(QuantScheme.bitRange.contains(bits), "bits must be in 2...8, got \(bits)")
    assert(firstNonFiniteIndex(x) == nil, "quantization input must be finite")
    // A per-tensor scheme on a 1-D shape always quantizes.
    let q = try! quantize(x, shape: [x.count], scheme: QuantScheme(symmetric: false, granularity: .perTensor, bits: bits))
    return (q.codes, q.scales[0], q.zeroPoints[0])
}

/// The float32 values `(code - zeroPoint) * scale` of asymmetric codes (the integer subtraction
/// and its conversion to float are exact, so each value is one correctly rounded multiply).
/// - Complexity: O(n).
public func asymmetricDequantize(_ codes: [UInt8], scale: Float, zeroPoint: Int32) -> [Float] {
    let blocks = ChannelBlocks(outer: 1, channels: 1, inner: codes.count)
    return codes.withUnsafeBufferPointer { codes in
        [Float](unsafeUninitializedCapacity: codes.count) { values, initialized in
            dequantizeBlocks(codes, blocks, scales: [scale], zeroPoints: [zeroPoint], into: values)
            initialized = codes.count
        }
    }
}
