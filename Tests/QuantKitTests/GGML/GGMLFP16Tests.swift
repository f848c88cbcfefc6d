import CKernels
import Testing

/// `ck_fp16_from_fp32` against Swift's `Float16(_:)` (IEEE round to nearest even) at every
/// binary16 value, every midpoint between neighbours, and one float32 step either side of each.
@Suite struct GGMLFP16Tests {
    /// Every finite binary16 value and the midpoints above it, as float32 (exact), with one
    /// float32 step either side.
    static let probes: [Float] = (0 ..< UInt16(0x7C00)).flatMap { bits -> [Float] in
        let low = Float(Float16(bitPattern: bits))
        let midpoint = (low + Float(Float16(bitPattern: bits + 1))) / 2  // exact: 11 bits + 1
        return [low, low.nextDown, low.nextUp, midpoint, midpoint.nextDown, midpoint.nextUp]
    }

    @Test func conversionRoundsToNearestEvenLikeFloat16() {
        var mismatches: [Float] = []
        for magnitude in Self.probes + [65504, 65519.99, 65520, 1e6, .greatestFiniteMagnitude, .infinity] {
            for x in [magnitude, -magnitude] where ck_fp16_from_fp32(x) != Float16(x).bitPattern {
                mismatches.append(x)
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(5))")
    }

    /// As in ggml's software conversion, NaN becomes the quiet NaN 0x7E00 with its sign.
    @Test func nanBecomesTheQuietNaNWithItsSign() {
        #expect(ck_fp16_from_fp32(.nan) == 0x7E00)
        #expect(ck_fp16_from_fp32(-Float.nan) == 0xFE00)
        #expect(ck_fp16_from_fp32(Float(bitPattern: 0x7F80_0001)) == 0x7E00)
    }

    @Test func backToFloat32IsExactForEveryBitPattern() {
        let wrong = (0 ... UInt16.max).filter { bits in
            let expected = Float(Float16(bitPattern: bits))
            let actual = ck_fp32_from_fp16(bits)
            return expected.isNaN ? !actual.isNaN : actual.bitPattern != expected.bitPattern
        }
        #expect(wrong.isEmpty, "\(wrong.prefix(5))")
    }
}
