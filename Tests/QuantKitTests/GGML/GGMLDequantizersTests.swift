import Testing

@testable import QuantKit

/// `GGMLDequantizers` against ggml's own `dequantize_row_<type>` (Fixtures/ggml/dequantize.npz,
/// written by make_dequantize_fixtures.py through ggml_reference.c): hostile blocks (NaN, infinite,
/// subnormal and zero binary16 scales, extreme codes) give ggml's float32 values bit for bit, NaN
/// payloads included. (The quantizer fixtures' blocks are held to the same values by
/// GGMLLegacyQuantizerTests and GGMLKQuantizerTests: the script checks that their stored values
/// are ggml's.)
@Suite struct GGMLDequantizersTests {
    static func fixture() throws -> NPZSource {
        try NPZSource(path: fixturesFolder.appendingPathComponent("ggml/dequantize.npz").path)
    }

    static let blockTypes = GGMLDequantizers.types.filter { !$0.isQuantizable }

    /// `type`'s fixture blocks dequantized on `threads` threads, and ggml's values for them.
    static func oursAndGGMLs(_ type: GGMLType, member: String, threads: Int) throws -> (ours: [Float], ggml: [Float]) {
        let fixture = try fixture()
        let blocks = try fixture.load(member).bytes
        let ggml = try #require(try fixture.load(member + "_ggml").floatValues())
        var ours = [Float](repeating: .nan, count: ggml.count)
        try blocks.withUnsafeBytes { blocks in
            try ours.withUnsafeMutableBufferPointer {
                try GGMLDequantizers.dequantize(type, blocks: blocks, into: $0, threads: threads)
            }
        }
        return (ours, ggml)
    }

    @Test(arguments: blockTypes, [1, 2])
    func hostileBlocksGiveGGMLsValuesBitForBit(_ type: GGMLType, threads: Int) throws {
        let (ours, ggml) = try Self.oursAndGGMLs(type, member: "\(type)", threads: threads)
        let differing = zip(ours, ggml).enumerated().first { $0.element.0.bitPattern != $0.element.1.bitPattern }
        #expect(differing == nil, "\(type): element \(differing?.offset ?? -1) is \(differing?.element.0 ?? 0), ggml's \(differing?.element.1 ?? 0)")
        // A binary16 scale can be NaN or infinite; the FP4 types' blocks carry every scale byte
        // instead (only MXFP4's top exponents overflow, to infinity).
        if !GGMLFP4Quantizer.types.contains(type) {
            #expect(ggml.contains { $0.isNaN } && ggml.contains { $0.isInfinite }, "the fixture exercises NaN and infinite scales")
        }
    }

    @Test(arguments: [GGMLType.f16, .bf16])
    func floatTypesWidenAsGGMLDoes(_ type: GGMLType) throws {
        let (ours, ggml) = try Self.oursAndGGMLs(type, member: "\(type)", threads: 1)
        #expect(ours.map(\.bitPattern) == ggml.map(\.bitPattern))
        #expect(ggml.filter(\.isNaN).count > (type == .f16 ? 2000 : 2))
    }

    @Test func f32IsCopied() throws {
        let values: [Float] = [1, -0.0, .infinity, Float(bitPattern: 0x7FA0_0001), .leastNonzeroMagnitude]
        var out = [Float](repeating: 0, count: values.count)
        try values.withUnsafeBytes { bytes in
            try out.withUnsafeMutableBufferPointer { try GGMLDequantizers.dequantize(.f32, blocks: bytes, into: $0) }
        }
        #expect(out.map(\.bitPattern) == values.map(\.bitPattern))
    }

    @Test func typesWithoutADequantizerAreRefusedByName() {
        var out = [Float](repeating: 0, count: 256)
        let blocks = [UInt8](repeating: 0, count: GGMLType.iq2_xs.blockBytes)
        #expect(throws: GGMLQuantizationError.notReadable(.iq2_xs)) {
            try blocks.withUnsafeBytes { bytes in
                try out.withUnsafeMutableBufferPointer { try GGMLDequantizers.dequantize(.iq2_xs, blocks: bytes, into: $0) }
            }
        }
        #expect(GGMLQuantizationError.notReadable(.iq2_xs).description
                == "ggml type iq2_xs cannot be read here (readable: f32, f16, bf16, q4_0, q4_1, q5_0, q5_1, q8_0, q2_K, q3_K, q4_K, q5_K, q6_K, mxfp4, nvfp4)")
    }

    @Test(arguments: [GGMLType.q4_0, .q6_K, .f16])
    func partialBlocksAndWrongOutputSizesAreRefused(_ type: GGMLType) {
        let blocks = [UInt8](repeating: 0, count: 2 * type.blockBytes)
        for (byteCount, valueCount) in [(2 * type.blockBytes - 1, 2 * type.blockSize), (2 * type.blockBytes, 2 * type.blockSize + 1)] {
            var out = [Float](repeating: 0, count: valueCount)
            #expect(throws: (any Error).self) {
                try blocks.withUnsafeBytes { bytes in
                    try out.withUnsafeMutableBufferPointer {
                        try GGMLDequantizers.dequantize(type, blocks: UnsafeRawBufferPointer(rebasing: bytes[..<byteCount]), into: $0)
                    }
                }
            }
        }
    }
}
