import CKernels
import Testing

/// ggml_fp16.h against Swift's `Float16` conversions (round to nearest even), the wider
/// reference: every half, and float32 bit patterns across the whole range plus the boundaries.
@Suite struct HalfConversionTests {
    @Test func everyHalfWidensExactly() {
        for bits in 0 ... UInt16.max {
            let half = Float16(bitPattern: bits)
            let widened = ck_fp32_from_fp16(bits)
            if half.isNaN {
                #expect(widened.isNaN && widened.sign == half.sign)
            } else {
                #expect(widened.bitPattern == Float(half).bitPattern, "half 0x\(String(bits, radix: 16))")
            }
        }
    }

    /// Boundaries: each half's value, the midpoints to its neighbours and the floats either side
    /// of them (ties go to the even half), from the subnormals to infinity.
    static func boundaryFloats() -> [Float] {
        (0 ..< 0x7C00).flatMap { (bits: UInt16) -> [Float] in
            let low = Float(Float16(bitPattern: bits)), high = Float(Float16(bitPattern: bits + 1))
            let middle = low + (high - low) / 2
            return [low, middle, middle.nextDown, middle.nextUp]
        } + [65520, Float(65520).nextDown, .infinity, .greatestFiniteMagnitude, .leastNonzeroMagnitude]
    }

    @Test func floatsRoundToTheNearestEvenHalf() {
        let strided = stride(from: UInt64(0), to: 1 << 32, by: 65_537).map { Float(bitPattern: UInt32($0)) }
        for value in (Self.boundaryFloats() + strided).flatMap({ [$0, -$0] }) where !value.isNaN {
            #expect(ck_fp16_from_fp32(value) == Float16(value).bitPattern, "\(value)")
        }
    }

    @Test func nanBecomesTheQuietNaNWithItsSign() {
        #expect(ck_fp16_from_fp32(.nan) == 0x7E00)
        #expect(ck_fp16_from_fp32(-Float.nan) == 0xFE00)
        #expect(ck_fp16_from_fp32(Float(bitPattern: 0x7F80_0001)) == 0x7E00)
    }
}
