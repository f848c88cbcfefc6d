/// Scales as a file stores them. compressed-tensors keeps a weight's scales in the weight's own
/// float type, so a bfloat16 checkpoint stores bfloat16 scales. Quantizing with the float32
/// scale and storing a rounded one would break the error bound (`|x - q * scale| <= scale / 2`
/// holds for the scale the codes were computed with, and a bfloat16 rounding of the scale moves
/// `q * scale` by up to `127 * 2^-8`, half a step, at 8 bits); so the scale is rounded first and the
/// codes are computed with the stored value, keeping the bound for what a loader multiplies.
enum ScaleStorage {
    /// `scale` (positive, finite) rounded to nearest even in `type`, kept positive and finite:
    /// a value that would round to 0 becomes the type's smallest positive value and one that
    /// would overflow its largest finite value (codes then clamp). Float32 and float64 return
    /// `scale` unchanged.
    static func rounded(_ scale: Float, to type: DType) -> Float {
        switch type {
        case .float16:
            let half = Float16(scale)
            if half == 0 { return Float(Float16.leastNonzeroMagnitude) }
            return half.isFinite ? Float(half) : Float(Float16.greatestFiniteMagnitude)
        case .bfloat16:
            let bits = bfloat16Bits(rounding: scale)
            if bits == 0 { return Float(bitPattern: 1 << 16) }
            return bits == 0x7F80 ? Float(bitPattern: 0x7F7F_0000) : Float(bitPattern: UInt32(bits) << 16)
        default:
            return scale
        }
    }
}
