/// Scales as a file stores them. compressed-tensors keeps a weight's scales in the weight's own
/// float type, so a bfloat16 checkpoint stores bfloat16 scales; `--scale-dtype` (a scheme's
/// `scaleDType`) stores an `.npz`'s scales in float16 or bfloat16. Quantizing with the float32
/// scale and storing a rounded one would break the error bound (`|x - q * scale| <= scale / 2`
/// holds for the scale the codes were computed with, and a bfloat16 rounding of the scale moves
/// `q * scale` by up to `127 * 2^-8`, half a step, at 8 bits); so the scale is rounded first and the
/// codes are computed with the stored value, keeping the bound for what a loader multiplies.
///
/// ## Error bound with a rounded scale
/// Let `s` be the float32 scale and `ŝ = rounded(s)` the stored one, with
/// `|s - ŝ| <= u·|s|` where `u = 2^-11` (float16) or `2^-8` (bfloat16) while `ŝ` is normal
/// (below that, `|s - ŝ|` is at most half the type's smallest subnormal: `2^-25` for float16,
/// `2^-134` for bfloat16; a scale that would round to 0 is stored as the smallest subnormal).
/// Codes are `round(x / ŝ)` clamped to the scheme's codes. In exact arithmetic:
/// - every element with `x / ŝ` inside `[qmin - 1/2, qmax + 1/2]` has `|x - q·ŝ| <= |ŝ| / 2`;
/// - restricted symmetric (`s = max|x| / qmax`): rounding the scale *down* pushes `max|x| / ŝ`
///   above `qmax`, and the elements beyond `qmax + 1/2` clamp (to `qmax`, or on the negative
///   side `-qmax` or `-qmax - 1`), so
///   `|x - q·ŝ| <= max(|ŝ| / 2, qmax·(s - ŝ))` for any `ŝ`. For normal scales
///   `qmax·(s - ŝ) <= qmax·u·s`, which is below `ŝ / 2` for every width up to 8 bits
///   (`127·2^-8 < (1 - 2^-8) / 2`), so the half-step bound holds; the second term dominates only
///   for a subnormal scale or one clamped to the type's largest value;
/// - full symmetric (`s = m / -2^(b-1)`, `SymmetricRange.full`): with a normal `ŝ`, the extreme
///   `m` gets the code `-2^(b-1)` whichever way `s` rounds (rounded up in magnitude,
///   `|m / ŝ| >= 2^(b-1) / (1 + u) > 2^(b-1) - 1/2` for every width up to 8 bits; rounded down,
///   it clamps), so its error is exactly `2^(b-1)·|s - ŝ|` (0 for a float32 scale), and the other
///   elements on `m`'s side are within `max(|ŝ| / 2, 2^(b-1)·|s - ŝ|)`; those opposite in sign to
///   `m` above `(2^(b-1) - 1/2)·|ŝ|` clamp to `2^(b-1) - 1`. For any `ŝ` (normal, subnormal,
///   or clamped at the type's largest value), `|x - q·ŝ| <= |ŝ| / 2` for `x / ŝ` inside
///   `[-2^(b-1) - 1/2, 2^(b-1) - 1/2]` and `|x - q·ŝ| <= |ŝ| + 2^(b-1)·|s - ŝ|` for every element
///   (`|ŝ|` alone for a float32 scale, as `SymmetricRange` states).
/// Float32 arithmetic adds `2^-24·(|x| + |q·ŝ|) + 2^-149`, as without rounding.
enum ScaleStorage {
    /// `scale` (finite, nonzero: negative only for a full symmetric range) rounded to nearest
    /// even in `type`, keeping its sign and staying nonzero and finite: a magnitude that would
    /// round to 0 becomes the type's smallest positive value and one that would overflow its
    /// largest finite value (codes then clamp). Float32 and float64 return `scale` unchanged.
    static func rounded(_ scale: Float, to type: DType) -> Float {
        switch type {
        case .float16:
            let half = Float16(scale.magnitude)
            let magnitude = half == 0 ? Float(Float16.leastNonzeroMagnitude)
                : half.isFinite ? Float(half) : Float(Float16.greatestFiniteMagnitude)
            return Float(sign: scale.sign, exponent: 0, significand: magnitude)
        case .bfloat16:
            let bits = bfloat16Bits(rounding: scale.magnitude)
            let magnitude = bits == 0 ? Float(bitPattern: 1 << 16)
                : bits == 0x7F80 ? Float(bitPattern: 0x7F7F_0000) : Float(bitPattern: UInt32(bits) << 16)
            return Float(sign: scale.sign, exponent: 0, significand: magnitude)
        default:
            return scale
        }
    }
}
