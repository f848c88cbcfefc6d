/// E8M0, the shared scale of the OCP microscaling formats (MXFP4, MXFP8): a biased exponent
/// byte `e` standing for `2^(e - 127)` (`e = 0`: `2^-127`; `e = 255`: `2^128`, infinity in float32).
///
/// The exponent of a group is chosen as compressed-tensors 0.20.1's `generate_mx_scales` does
/// for float32 weights, which is not the OCP spec's `floor(log2(amax)) - emax`:
/// 1. `amax` is rounded to a power of two `p` by adding `2^21` to its float32 bit pattern and
///    keeping the sign and exponent bits (`round_to_power_2` with E2M1's one mantissa bit, used
///    for MXFP8 too): `p = 2^floor(log2 amax)` unless the mantissa is at least `0.75`, then
///    the next power (`7 -> 8`, `6 -> 4`, `6.8 -> 4`); a float32 subnormal `amax` gives `p = 0`
///    unless it carries into the smallest normal;
/// 2. `e = 127 + log2(p) - offset`, `offset = floor(log2(element max))` (2 for E2M1, 8 for E4M3),
///    clamped to `[0, 255]`; `p = 0` (a zero or subnormal group) gives `e = 0`, `p` infinite
///    (`amax` within `2^104` of float32's largest) gives 255.
/// Elements are then `x / 2^(e - 127)`, clamped to the element format's largest value: with
/// `amax < 0.75 · 2^(k+1)` rounded down to `2^k`, `amax / scale < 1.5 · 2^offset` (up to 6 for
/// E2M1 ... and up to 384 for E4M3), so only groups whose amax mantissa is in `[0.5, 0.75)`
/// above a power of two reach saturation (E2M1: `amax / scale` in `[6, 7)` clamps to 6).
public enum E8M0Scale {
    /// The exponent byte of a group of largest magnitude `amax` (finite, >= 0) for elements
    /// whose largest value has `floor(log2) = offset` (see the type).
    public static func exponent(amax: Float, offset: Int) -> UInt8 {
        let rounded = (amax.bitPattern &+ (1 << 21)) & 0xFF80_0000
        let field = Int(rounded >> 23)
        guard field != 0 else { return 0 }
        guard field != 255 else { return 255 }
        return UInt8(Swift.min(Swift.max(field - offset, 0), 255))
    }

    /// `2^(e - 127)` in float32 (`2^-127` is a float32 subnormal, exact; 255 is infinity).
    public static func value(_ e: UInt8) -> Float {
        e == 255 ? .infinity : Float(sign: .plus, exponent: Int(e) - 127, significand: 1)
    }
}
