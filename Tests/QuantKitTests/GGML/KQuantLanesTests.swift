import Foundation
import CKernels
import Testing

@testable import QuantKit

/// The quantizers, whose groups are searched in SIMD lanes (`ck_q2_K_quantize` ...
/// `ck_q6_K_quantize`; the instruction set chosen at run time), against their oracles, the plain
/// versions that search one group at a time as ggml does, byte for byte.
@Suite struct KQuantLanesTests {
    typealias Kernel = (UnsafePointer<Float>?, Int, UnsafeMutableRawPointer?) -> Void

    /// Each type's lanes and plain kernels.
    static var kernels: [(GGMLType, lanes: Kernel, plain: Kernel)] { [
        (.q2_K, ck_q2_K_quantize, ck_q2_K_quantize_plain),
        (.q3_K, ck_q3_K_quantize, ck_q3_K_quantize_plain),
        (.q4_K, ck_q4_K_quantize, ck_q4_K_quantize_plain),
        (.q5_K, ck_q5_K_quantize, ck_q5_K_quantize_plain),
        (.q6_K, ck_q6_K_quantize, ck_q6_K_quantize_plain),
    ] }

    static func blocks(_ values: [Float], _ type: GGMLType, _ kernel: Kernel) -> [UInt8] {
        let count = values.count / 256
        var blocks = [UInt8](repeating: 0xAA, count: count * type.blockBytes)
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

    @Test func lanesEqualThePlainVersionsOnMixedBlocks() {
        let values = Self.mixedBlocks(600, seed: 6)
        for (type, lanes, plain) in Self.kernels {
            #expect(Self.blocks(values, type, lanes) == Self.blocks(values, type, plain), "\(type)")
        }
    }

    /// q3_K searches its blocks in batches of sixteen, four sets of lanes at a time, and packs
    /// the groups still moving into sets of sixteen: runs of 1 to 33 blocks end in every kind
    /// of short last batch, chain and packed set.
    @Test func lanesEqualThePlainVersionsOnEveryShortRun() {
        let values = Self.mixedBlocks(33, seed: 7)
        for (type, lanes, plain) in Self.kernels {
            for count in 1 ... 33 {
                let run = Array(values[(33 - count) * 256 ..< 33 * 256])
                #expect(Self.blocks(run, type, lanes) == Self.blocks(run, type, plain), "\(type), \(count) blocks")
            }
        }
    }

    @Test func bothEqualGGMLOnTheFixture() throws {
        let fixture = KQuantFixture.shared
        for (type, lanes, plain) in Self.kernels {
            let ggml = try #require(fixture.ggmlBlocks[type])
            #expect(Self.blocks(fixture.rows, type, plain) == ggml, "\(type) plain")
            #expect(Self.blocks(fixture.rows, type, lanes) == ggml, "\(type) lanes")
        }
    }
}
