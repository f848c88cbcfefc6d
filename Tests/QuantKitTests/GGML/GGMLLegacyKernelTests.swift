import CKernels
import Testing

@testable import QuantKit

/// The vector kernels (`ck_ggml_legacy_quantize`, one per instruction set) against the scalar
/// reference that the fixtures pin to ggml, on blocks drawn from an alphabet of awkward values:
/// signed zeros, ties of magnitude, subnormals, values whose `1/d` overflows, binary16 extremes.
@Suite struct GGMLLegacyKernelTests {
    static let alphabet: [Float] = [
        0, -0.0, 1, -1, 0.5, -0.5, 8, -8, 7.5, 16.5, 127, -126.5, 3e-39, -1e-40, 1e-45, 2e-38,
        65504 * 8, -65504 * 16, 65520, 1e6, -1e9, 0.1, -0.3, 1.5e-5,
    ]

    /// `blocks` blocks of 32 values: each from a few letters of the alphabet (so ties and equal
    /// zeros are common), scaled by one of a few factors, some with a random normal value mixed in.
    static func awkwardBlocks(_ blocks: Int, seed: UInt64) -> [Float] {
        var generator = SplitMix64(seed: seed)
        var values: [Float] = []
        for _ in 0 ..< blocks {
            let letters = (0 ..< Int.random(in: 1 ... 4, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! }
            let scale = [Float(1), 1e-3, 3, 1e-38].randomElement(using: &generator)!
            for _ in 0 ..< 32 {
                let noisy = Int.random(in: 0 ..< 4, using: &generator) == 0
                values.append(noisy ? Float.random(in: -2 ... 2, using: &generator) : letters.randomElement(using: &generator)! * scale)
            }
        }
        return values
    }

    /// Every kernel this CPU can run (on x86-64 with AVX-512: all three).
    static let kernels = [CK_GGML_KERNEL_BASELINE, CK_GGML_KERNEL_AVX2, CK_GGML_KERNEL_AVX512].filter { kernel in
        var out = [UInt8](repeating: 0, count: 34)
        return ck_ggml_legacy_quantize_with_kernel(Int32(kernel), Int32(CK_GGML_Q8_0), [Float](repeating: 1, count: 32), 1, &out) == 0
    }

    @Test(arguments: GGMLLegacyQuantizer.types, [CK_GGML_KERNEL_BASELINE, CK_GGML_KERNEL_AVX2, CK_GGML_KERNEL_AVX512])
    func vectorKernelsGiveTheReferenceBytes(_ type: GGMLType, kernel: Int) throws {
        guard Self.kernels.contains(kernel) else { return }
        let blocks = 20000
        let values = Self.awkwardBlocks(blocks, seed: UInt64(type.rawValue))
        var vector = [UInt8](repeating: 0, count: blocks * type.blockBytes)
        var reference = [UInt8](repeating: 0xFF, count: blocks * type.blockBytes)
        #expect(ck_ggml_legacy_quantize_with_kernel(Int32(kernel), Int32(type.rawValue), values, blocks, &vector) == 0)
        #expect(ck_ggml_legacy_quantize_reference(Int32(type.rawValue), values, blocks, &reference) == 0)
        let differing = (0 ..< blocks).filter {
            vector[$0 * type.blockBytes ..< ($0 + 1) * type.blockBytes] != reference[$0 * type.blockBytes ..< ($0 + 1) * type.blockBytes]
        }
        #expect(differing.isEmpty, "blocks \(differing.prefix(5)): \(differing.first.map { Array(values[32 * $0 ..< 32 * $0 + 32]) } ?? [])")
    }

    /// The value ggml's `dequantize_row_<type>` gives code `j` of a block: `(q - offset) · d`
    /// (`+ m` for the _1 types), each operation rounded to float32.
    static func referenceValue(_ block: ArraySlice<UInt8>, _ j: Int, type: GGMLType) -> Float {
        let bytes = Array(block)
        func half(_ at: Int) -> Float { Float(Float16(bitPattern: UInt16(bytes[at]) | UInt16(bytes[at + 1]) << 8)) }
        if type == .q8_0 { return Float(Int8(bitPattern: bytes[2 + j])) * half(0) }
        let hasMin = type == .q4_1 || type == .q5_1, hasHigh = type == .q5_0 || type == .q5_1
        let qsAt = (hasMin ? 4 : 2) + (hasHigh ? 4 : 0)
        let highBits = hasHigh ? (0 ..< 4).reduce(UInt32(0)) { $0 | UInt32(bytes[(hasMin ? 4 : 2) + $1]) << (8 * $1) } : 0
        let nibble = j < 16 ? Int(bytes[qsAt + j] & 0x0F) : Int(bytes[qsAt + j - 16] >> 4)
        let code = nibble | Int((highBits >> j) & 1) << 4
        let offset = type == .q4_0 ? 8 : type == .q5_0 ? 16 : 0
        let product = Float(code - offset) * half(0)
        return hasMin ? product + half(2) : product
    }

    @Test(arguments: GGMLLegacyQuantizer.types)
    func dequantizationOfRandomBlocksFollowsTheFormula(_ type: GGMLType) throws {
        var generator = SplitMix64(seed: 11)
        let blocks = 2000
        var bytes = (0 ..< blocks * type.blockBytes).map { _ in UInt8.random(in: 0 ... 255, using: &generator) }
        for block in 0 ..< blocks {  // finite binary16 d and m: exponent bits below 31
            bytes[block * type.blockBytes + 1] &= 0xBB
            bytes[block * type.blockBytes + 3] &= type == .q4_1 || type == .q5_1 ? 0xBB : 0xFF
        }
        var values = [Float](repeating: .nan, count: blocks * 32)
        #expect(ck_ggml_legacy_dequantize(Int32(type.rawValue), bytes, blocks, &values) == 0)
        let wrong = (0 ..< blocks * 32).filter { index in
            let block = bytes[index / 32 * type.blockBytes ..< (index / 32 + 1) * type.blockBytes]
            return values[index].bitPattern != Self.referenceValue(block, index % 32, type: type).bitPattern
        }
        #expect(wrong.isEmpty, "values \(wrong.prefix(5))")
    }

    @Test func theBaselineKernelIsAlwaysThere() {
        #expect(Self.kernels.contains(CK_GGML_KERNEL_BASELINE))
    }

    @Test func unknownTypesAreRefused() {
        var out = [UInt8](repeating: 0, count: 64)
        let values = [Float](repeating: 1, count: 32)
        #expect(ck_ggml_legacy_quantize(Int32(GGMLType.q4_K.rawValue), values, 1, &out) == -1)
        #expect(ck_ggml_legacy_quantize_reference(9, values, 1, &out) == -1)
        #expect(ck_ggml_legacy_quantize_weighted(12, values, 32, values, &out) == -1)
        #expect(ck_ggml_legacy_dequantize(1, out, 1, &out) == -1)
    }
}
