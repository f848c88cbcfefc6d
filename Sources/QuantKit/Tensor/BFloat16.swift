/// bfloat16 to float32, bit for bit.
///
/// A bfloat16 is the high half of a float32's bits (sign, the same 8-bit exponent, the top 7
/// mantissa bits), so widening is exact for every value, subnormals, infinities and NaN
/// payloads included: `Float(bitPattern: UInt32(bits) << 16)`. `0x3F80` is 1.0, `0xC000` is -2.0.
@inline(__always)
func floatFromBFloat16(bits: UInt16) -> Float {
    Float(bitPattern: UInt32(bits) << 16)
}

/// Widens the little-endian bfloat16 elements of `source` into little-endian float32 in
/// `destination`, which must hold exactly twice as many bytes; `source.count` must be even.
func widenBFloat16(_ source: UnsafeRawBufferPointer, into destination: UnsafeMutableRawBufferPointer) {
    precondition(source.count % 2 == 0 && destination.count == 2 * source.count, "bfloat16 widening: mismatched buffers")
    for index in 0 ..< source.count / 2 {
        let bits = UInt16(littleEndian: source.loadUnaligned(fromByteOffset: 2 * index, as: UInt16.self))
        destination.storeBytes(of: floatFromBFloat16(bits: bits).bitPattern.littleEndian, toByteOffset: 4 * index, as: UInt32.self)
    }
}

/// The bfloat16 nearest to the finite `value`, ties to even (what PyTorch's `.to(bfloat16)` and
/// `ml_dtypes` do): the top 16 bits of `value` after adding half an ulp of bfloat16, less one
/// when the kept part is even.
func bfloat16Bits(rounding value: Float) -> UInt16 {
    let bits = value.bitPattern
    return UInt16(truncatingIfNeeded: (bits &+ 0x7FFF &+ ((bits >> 16) & 1)) >> 16)
}
