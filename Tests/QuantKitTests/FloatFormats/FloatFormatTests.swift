import Foundation
import Testing

@testable import QuantKit

/// `FloatFormat` against torch's own casts (`Fixtures/fp8/make_fp8_casts.py`): every input's
/// bit pattern, and the value of every bit pattern.
@Suite struct FloatFormatTests {
    static let folder = fixturesFolder.appendingPathComponent("fp8")

    static func littleEndianFloats(_ name: String) throws -> [Float] {
        let data = try Data(contentsOf: folder.appendingPathComponent(name))
        return stride(from: 0, to: data.count, by: 4).map { offset in
            Float(bitPattern: data[offset ..< offset + 4].reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) })
        }
    }

    @Test(arguments: FloatFormat.allCases)
    func encodingMatchesTorchOnEveryFixtureInput(_ format: FloatFormat) throws {
        let inputs = try Self.littleEndianFloats("casts_input.f32")
        let expected = [UInt8](try Data(contentsOf: Self.folder.appendingPathComponent("casts_\(format.rawValue).u8")))
        #expect(inputs.count == expected.count && inputs.count > 7000)
        let mismatches = inputs.indices.filter { format.encode(inputs[$0]) != expected[$0] }
        #expect(mismatches.isEmpty, "\(mismatches.count) differ, first: \(mismatches.prefix(5).map { (inputs[$0], format.encode(inputs[$0]), expected[$0]) })")
    }

    @Test(arguments: FloatFormat.allCases)
    func decodingMatchesTorchForEveryBitPattern(_ format: FloatFormat) throws {
        let expected = try Self.littleEndianFloats("decode_\(format.rawValue).f32")
        #expect(expected.count == 256)
        for bits in 0 ... 255 {
            let value = format.decode(UInt8(bits))
            #expect(value.isNaN ? expected[bits].isNaN : value.bitPattern == expected[bits].bitPattern, "bits \(bits)")
        }
    }

    /// Every value of the format encodes back to its own bit pattern (NaN to the canonical one).
    @Test(arguments: FloatFormat.allCases)
    func everyValueRoundTrips(_ format: FloatFormat) {
        for bits in 0 ... 255 {
            let value = format.decode(UInt8(bits))
            let expected = value.isNaN ? (UInt8(bits) & 0x80) | format.nanBits : UInt8(bits)
            #expect(format.encode(value) == expected, "bits \(bits)")
        }
    }

    @Test func largestValuesAndSmallestSubnormals() {
        #expect(FloatFormat.e4m3fn.largestFinite == 448)
        #expect(FloatFormat.e5m2.largestFinite == 57344)
        #expect(FloatFormat.e4m3fn.decode(1) == 0x1p-9)
        #expect(FloatFormat.e5m2.decode(1) == 0x1p-16)
        #expect(FloatFormat.e4m3fn.encode(.infinity) == 0x7E)
        #expect(FloatFormat.e5m2.encode(-.infinity) == 0xFC)
    }
}
