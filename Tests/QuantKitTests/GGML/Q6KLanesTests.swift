import Foundation
import CKernels
import Testing

@testable import QuantKit

/// `ck_q6_K_quantize` (sixteen groups in SIMD lanes, the instruction set chosen at run time)
/// against its oracle `ck_q6_K_quantize_plain` (one group at a time, as ggml), byte for byte.
@Suite struct Q6KLanesTests {
    static func blocks(_ values: [Float], _ kernel: (UnsafePointer<Float>?, Int, UnsafeMutableRawPointer?) -> Void) -> [UInt8] {
        let count = values.count / 256
        var blocks = [UInt8](repeating: 0xAA, count: count * 210)
        values.withUnsafeBufferPointer { values in
            blocks.withUnsafeMutableBytes { kernel(values.baseAddress, count, $0.baseAddress) }
        }
        return blocks
    }

    /// Normal rows at scales from 1e-20 to 1e4 (one per block), with some groups zeroed, some
    /// negated and some given an outlier, so that blocks mix every kind of group.
    static func mixedBlocks(_ count: Int, seed: UInt64) -> [Float] {
        var random = QuantTestRandom(seed: seed)
        var values: [Float] = []
        for block in 0 ..< count {
            let scale = Float(powf(10, Float(block % 25) - 20))
            var blockValues = random.normals(256, scale: scale)
            for group in 0 ..< 16 where random.next() % 5 == 0 {
                let kind = random.next() % 3
                for i in 16 * group ..< 16 * group + 16 {
                    blockValues[i] = kind == 0 ? 0 : kind == 1 ? -abs(blockValues[i]) : blockValues[i]
                }
                if kind == 2 { blockValues[16 * group + Int(random.next() % 16)] = 40 * scale }
            }
            values += blockValues
        }
        return values
    }

    @Test func lanesEqualThePlainVersionOnMixedBlocks() {
        let values = Self.mixedBlocks(600, seed: 6)
        #expect(Self.blocks(values, ck_q6_K_quantize) == Self.blocks(values, ck_q6_K_quantize_plain))
    }

    @Test func bothEqualGGMLOnTheFixture() throws {
        let fixture = KQuantFixture.shared
        let ggml = try #require(fixture.ggmlBlocks[.q6_K])
        #expect(Self.blocks(fixture.rows, ck_q6_K_quantize_plain) == ggml)
        #expect(Self.blocks(fixture.rows, ck_q6_K_quantize) == ggml)
    }
}
