/// FP4 E2M1, the element format of MXFP4 and NVFP4: one sign bit, two exponent bits (bias 1),
/// one mantissa bit; the eight magnitudes `0, 0.5, 1, 1.5, 2, 3, 4, 6` (`0.5` the only
/// subnormal), no infinities or NaN. A code is a nibble `S.EE.M`: the magnitude's index in
/// `magnitudes` (0 ... 7) with the sign in bit 3.
///
/// Encoding (`encode(_:)`) is compressed-tensors 0.20.1's `cast_to_fp4` followed by its
/// `pack_fp4_to_uint8`, comparison by comparison: `|t| <= 0.25 -> 0`, `< 0.75 -> 0.5`,
/// `<= 1.25 -> 1`, `< 1.75 -> 1.5`, `<= 2.5 -> 2`, `< 3.5 -> 3`, `<= 5 -> 4`, beyond `-> 6`. That is
/// round to nearest with ties to the even mantissa (0.25 -> 0, 0.75 -> 1, 1.25 -> 1, 1.75 -> 2,
/// 2.5 -> 2, 3.5 -> 4, 5 -> 4), saturating at 6. The sign bit is set when `t < 0` (the library
/// multiplies the rounded magnitude by `torch.sign(t)`, and `sign(-0.0)` is `+0`): a negative
/// value rounding to zero becomes the code `0x8` (FP4 `-0`), while `-0.0` itself becomes `0x0`
/// (and the quantizers add the library's zero zero point first, which makes every `-0.0` `+0`).
/// `t` is finite (callers clamp to `[-6, 6]` and refuse NaN before).
public enum FP4E2M1 {
    /// The magnitudes of codes `0 ... 7`.
    public static let magnitudes: [Float] = [0, 0.5, 1, 1.5, 2, 3, 4, 6]
    /// The largest magnitude, 6.
    public static let largest: Float = 6

    /// The nibble of `t` (see the type).
    @inline(__always)
    public static func encode(_ t: Float) -> UInt8 {
        let m = t.magnitude
        let index: UInt8 = m <= 0.25 ? 0 : m < 0.75 ? 1 : m <= 1.25 ? 2 : m < 1.75 ? 3 : m <= 2.5 ? 4 : m < 3.5 ? 5 : m <= 5 ? 6 : 7
        return (t < 0 ? 8 : 0) | index
    }

    /// The value of the low four bits of `nibble`, exactly (`-0` for `0x8`).
    @inline(__always)
    public static func decode(_ nibble: UInt8) -> Float {
        let magnitude = magnitudes[Int(nibble & 7)]
        return nibble & 8 != 0 ? -magnitude : magnitude
    }
}
