/// A small floating-point element format: one sign bit, `exponentBits` of exponent with bias
/// `2^(exponentBits-1) - 1`, `mantissaBits` of mantissa, subnormals when the exponent field is 0.
///
/// - `e4m3fn` (torch's `float8_e4m3fn`, OCP FP8 E4M3): bias 7, largest finite value 448
///   (`S.1111.110`), no infinities; `S.1111.111` is NaN. Smallest subnormal `2^-9`.
/// - `e5m2` (torch's `float8_e5m2`, IEEE-like): bias 15, largest finite value 57344
///   (`S.11110.11`), `S.11111.00` infinity, `S.11111.xx` (xx ≠ 0) NaN. Smallest subnormal `2^-16`.
///
/// Encoding (`encode(_:)`) is round-to-nearest-even of the float32 value on the format's grid,
/// as torch's `.to(dtype)` casts: every float32 whose magnitude is below the largest finite
/// value plus half a step rounds to the nearest representable value (ties to the even
/// mantissa); beyond that, E4M3FN saturates to ±448 (infinities included), and E5M2 becomes
/// ±infinity (a tie at 61440 rounds to infinity, the even side). NaN keeps its sign:
/// `S.1111.111` / `S.11111.11`. Decoding (`decode(_:)`) is exact: every value of both formats
/// is a float32.
public enum FloatFormat: String, Sendable, CaseIterable, Codable {
    case e4m3fn
    case e5m2

    public var exponentBits: Int { self == .e4m3fn ? 4 : 5 }
    public var mantissaBits: Int { self == .e4m3fn ? 3 : 2 }
    public var bias: Int { (1 << (exponentBits - 1)) - 1 }

    /// The largest finite magnitude's bit pattern (`0x7E`: 448; `0x7B`: 57344).
    public var largestFiniteBits: UInt8 { self == .e4m3fn ? 0x7E : 0x7B }
    /// The largest finite value: 448 (E4M3FN), 57344 (E5M2).
    public var largestFinite: Float { decode(largestFiniteBits) }
    /// The bit pattern (positive) a NaN encodes to.
    public var nanBits: UInt8 { 0x7F }
    /// What a magnitude beyond the largest finite value encodes to (positive): the largest
    /// finite value (E4M3FN saturates) or infinity (E5M2, `0x7C`).
    var overflowBits: UInt8 { self == .e4m3fn ? largestFiniteBits : 0x7C }

    /// The safetensors dtype name: `F8_E4M3`, `F8_E5M2`.
    public var safetensorsCode: String { self == .e4m3fn ? "F8_E4M3" : "F8_E5M2" }

    /// `x` rounded to nearest even on the format's grid, as a bit pattern (see the type).
    ///
    /// With `e = max(floor(log2|x|), 1 - bias)` (the subnormals share the smallest normal
    /// binade's step), the step is `2^(e - mantissaBits)` and the magnitude's bits are
    /// `(e + bias - 1) << mantissaBits` plus `|x| / step` rounded to nearest even: a rounding
    /// up to the next binade carries into the exponent field, and a subnormal rounding up to
    /// `2^(1 - bias)` becomes the smallest normal, both by the same addition.
    @inline(__always)
    public func encode(_ x: Float) -> UInt8 {
        let sign = UInt8(truncatingIfNeeded: x.bitPattern >> 24) & 0x80
        let magnitude = x.magnitude
        guard !magnitude.isNaN else { return sign | nanBits }
        guard magnitude < overflowThreshold else { return sign | overflowBits }
        let exponent = Swift.max(Int(magnitude.exponent), 1 - bias)
        // |x| · 2^(mantissaBits - exponent) is exact: a power-of-two scaling within float32's range.
        let steps = (magnitude * Float(sign: .plus, exponent: mantissaBits - exponent, significand: 1)).rounded(.toNearestOrEven)
        let bits = ((exponent + bias - 1) << mantissaBits) + Int(steps)
        return sign | (bits > Int(largestFiniteBits) ? overflowBits : UInt8(bits))
    }

    /// A magnitude at or above which every value overflows: twice the largest finite value
    /// (smaller ones are rounded and then compared, which keeps the exponent in range).
    private var overflowThreshold: Float { self == .e4m3fn ? 896 : 114_688 }

    /// The value of bit pattern `bits`, exactly (NaN, with the pattern's sign, for the NaN
    /// patterns; ±infinity for E5M2's).
    @inline(__always)
    public func decode(_ bits: UInt8) -> Float {
        let negative = bits & 0x80 != 0
        let field = Int(bits & 0x7F) >> mantissaBits
        let mantissa = Int(bits) & ((1 << mantissaBits) - 1)
        let maxField = (1 << exponentBits) - 1
        let magnitude: Float = if field == maxField, self == .e5m2 {
            mantissa == 0 ? .infinity : .nan
        } else if field == maxField, mantissa == (1 << mantissaBits) - 1 {
            .nan
        } else if field == 0 {
            Float(sign: .plus, exponent: 1 - bias - mantissaBits, significand: Float(mantissa))
        } else {
            Float(sign: .plus, exponent: field - bias - mantissaBits, significand: Float(mantissa + (1 << mantissaBits)))
        }
        return negative ? -magnitude : magnitude
    }

    /// The 256 values of the format in bit-pattern order (`decode` of each byte).
    public var decodeTable: [Float] { (0 ... 255).map { decode(UInt8($0)) } }
}
