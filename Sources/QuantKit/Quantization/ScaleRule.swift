/// How scales are derived from a range and codes from values.
///
/// - `reference`: this tool's rule (`QuantScheme`): symmetric `scale = max|x| / (2^(b-1) - 1)`,
///   codes `clamp(round(x / scale) + zero_point)`, in float32, a zero scale becoming 1.
/// - `compressedTensors`: the rule of compressed-tensors 0.20 (`calculate_qparams`, then
///   `quantize`), reproduced operation by operation so that the codes, scales and zero points
///   are those the library writes for the same min-max ranges:
///   symmetric `scale = max|x| / ((2^b - 1) / 2)` (127.5 at 8 bits, so the largest magnitude
///   maps to ±127.5 and its code clamps to 127 or rounds to -128);
///   asymmetric `scale = (max - min) / (2^b - 1)`, `zero_point = round(clamp(-2^(b-1) - min / scale))`;
///   codes `round(clamp(x / scale + zero_point, -2^(b-1), 2^(b-1) - 1))`, the zero point added
///   *before* rounding (so an exact .5 tie can land one code away from the reference rule's);
///   every operation rounded to the weight's dtype (torch computes float16 and bfloat16
///   tensors in float32 and rounds each result; float32 has more than twice their precision
///   plus two bits, so that equals correctly rounded arithmetic in the dtype); a zero scale
///   becomes the dtype's machine epsilon. Codes and zero points live in the signed domain there;
///   here asymmetric ones are shifted up by `2^(b-1)` as all asymmetric codes are.
///   Error bound: `|x - (q - z) · scale| <= scale / 2` plus the dtype rounding of `x / scale`.
public enum ScaleRule: String, Sendable, CaseIterable, Hashable {
    case reference
    case compressedTensors = "compressed-tensors"
}

/// `value` rounded to nearest even in `type` (float16, bfloat16; anything else: float32, as is).
@inline(__always)
func roundedTo(_ type: DType, _ value: Float) -> Float {
    switch type {
    case .float16: Float(Float16(value))
    case .bfloat16: Float(bitPattern: UInt32(bfloat16Bits(rounding: value)) << 16)
    default: value
    }
}

/// torch's `finfo(dtype).eps`: what compressed-tensors puts in place of a zero scale.
func machineEpsilon(_ type: DType) -> Float {
    switch type {
    case .float16: Float(Float16.ulpOfOne)
    case .bfloat16: 0x1p-7
    default: Float.ulpOfOne
    }
}

/// compressed-tensors' scale and (unsigned-domain) zero point for the range `[lo, hi]`
/// (containing 0) under `scheme`, computed in `arithmetic` (see `ScaleRule.compressedTensors`).
func compressedTensorsParameters(min lo: Float, max hi: Float, scheme: QuantScheme, arithmetic type: DType)
    -> (scale: Float, zeroPoint: Float) {
    let levels = Float((1 << scheme.bits) - 1)
    let shift = Float(1 << (scheme.bits - 1))
    var scale: Float
    var zeroPoint: Float = 0
    if scheme.symmetric {
        scale = roundedTo(type, Swift.max(-lo, hi) / (levels / 2))
    } else {
        scale = roundedTo(type, roundedTo(type, hi - lo) / levels)
        let signed = roundedTo(type, -shift - roundedTo(type, lo / scale))
        // A NaN zero point (an all-zero range: 0 / 0) converts to 0 in torch's int8 cast on x86.
        let clamped = signed.isNaN ? 0 : Swift.min(Swift.max(signed, -shift), shift - 1)
        zeroPoint = clamped.rounded(.toNearestOrEven) + shift
    }
    if scale == 0 { scale = machineEpsilon(type) }
    return (scale, zeroPoint)
}

/// Writes compressed-tensors' codes for `count` values of one channel starting at `values`
/// (`round(clamp(x / scale + z, qmin, qmax))` in the signed domain, each operation rounded to
/// `arithmetic`), as bytes at `codes` in this tool's domain, and returns the error sums when
/// `measure` is set. `zeroPoint` is unsigned (shifted up by `2^(b-1)`); 0 when symmetric.
func quantizeRunCompressedTensors(
    _ values: UnsafeRawPointer, count: Int, into codes: UnsafeMutablePointer<UInt8>, scale: Float, zeroPoint: Float,
    scheme: QuantScheme, arithmetic type: DType, measure: Bool
) -> ErrorSums {
    let shift = Float(1 << (scheme.bits - 1))
    let signedZeroPoint = scheme.symmetric ? 0 : zeroPoint - shift
    let (qmin, qmax) = (-shift, shift - 1)
    let codeOffset: Float = scheme.symmetric ? 0 : shift
    var sums = ErrorSums()
    for i in 0 ..< count {
        let x = values.loadUnaligned(fromByteOffset: 4 * i, as: Float.self)
        var t = roundedTo(type, x / scale)
        if !scheme.symmetric { t = roundedTo(type, t + signedZeroPoint) }
        let q = Swift.min(Swift.max(t, qmin), qmax).rounded(.toNearestOrEven)
        codes[i] = UInt8(truncatingIfNeeded: Int(q + codeOffset))
        if measure {
            let error = Double(x) - Double((q - signedZeroPoint) * scale)
            sums.signal += Double(x) * Double(x)
            sums.noise += error * error
            sums.absolute += abs(error)
            sums.maxError = Swift.max(sums.maxError, Float(abs(error)))
        }
    }
    return sums
}
