import Testing
@testable import QuantKit

@Suite struct GGMLQuantizersTests {
    /// Rows with every kind of block: zeros, ramps, one outlier.
    private let rows: [Float] = (0 ..< 2048).map { i in i % 300 == 7 ? 40 : i < 256 ? 0 : Float(i % 97) / 13 - 3.5 }

    @Test(arguments: GGMLLegacyQuantizer.types + GGMLKQuantizer.supportedTypes)
    func eachBlockTypeGoesToItsFamilysQuantizer(type: GGMLType) throws {
        var viaRegistry = [UInt8](repeating: 0, count: try #require(type.byteCount(elements: rows.count)))
        try rows.withUnsafeBufferPointer { rows in
            try viaRegistry.withUnsafeMutableBytes { try GGMLQuantizers.quantize(type, rows: rows, rowLength: 512, into: $0) }
        }
        let direct: [UInt8]
        if GGMLKQuantizer.supportedTypes.contains(type) {
            direct = try GGMLKQuantizer(type).quantize(rows, rowLength: 512)
        } else {
            var blocks = [UInt8](repeating: 0, count: viaRegistry.count)
            try rows.withUnsafeBytes { rows in
                try blocks.withUnsafeMutableBytes { try GGMLLegacyQuantizer(type).quantize(rows: rows, rowLength: 512, into: $0) }
            }
            direct = blocks
        }
        #expect(viaRegistry == direct)
    }

    @Test func floatTypesRoundToNearestEven() throws {
        // 1 + 2^-11 lies halfway between two float16 values (ties to 1); 1 + 3·2^-11 ties up to 1 + 2^-9.
        // 1 + 2^-8 lies halfway between two bfloat16 values (ties to 1); 1 + 3·2^-8 ties up to 1 + 2^-6;
        // 1 + 3·2^-11 is below bfloat16's halfway point, so 1.
        let values: [Float] = [1 + 0x1p-11, 1 + 3 * 0x1p-11, 1 + 0x1p-8, 1 + 3 * 0x1p-8, -2, .nan]
        let f16 = try stored(values, as: .f16), bf16 = try stored(values, as: .bf16)
        #expect(Array(f16[0 ..< 5]) == [0x3C00, 0x3C02, 0x3C04, 0x3C0C, 0xC000])
        #expect(Array(bf16[0 ..< 5]) == [0x3F80, 0x3F80, 0x3F80, 0x3F82, 0xC000])
        #expect(bf16[5] & 0x7FC0 == 0x7FC0)
        #expect(try stored([1.5], as: .f32, width: 4) == [0x3FC0_0000])
    }

    @Test func aWrongOutputSizeIsRefused() {
        var bytes = [UInt8](repeating: 0, count: 3)
        #expect(throws: GGMLQuantizationError.outputSize(expected: 4, actual: 3)) {
            try [Float(1), 2].withUnsafeBufferPointer { values in
                try bytes.withUnsafeMutableBytes { try GGMLQuantizers.quantize(.f16, rows: values, rowLength: 2, into: $0) }
            }
        }
    }

    @Test func typesWithoutAQuantizerAreRefused() {
        var bytes = [UInt8](repeating: 0, count: 66)
        #expect(throws: GGMLQuantizationError.unsupportedType(.iq2_xxs)) {
            try [Float](repeating: 0, count: 256).withUnsafeBufferPointer { values in
                try bytes.withUnsafeMutableBytes { try GGMLQuantizers.quantize(.iq2_xxs, rows: values, rowLength: 256, into: $0) }
            }
        }
    }

    /// `values` stored as `type`, read back as little-endian integers of `width` bytes.
    private func stored(_ values: [Float], as type: GGMLType, width: Int = 2) throws -> [UInt32] {
        var bytes = [UInt8](repeating: 0, count: values.count * width)
        try values.withUnsafeBufferPointer { values in
            try bytes.withUnsafeMutableBytes { try GGMLQuantizers.quantize(type, rows: values, rowLength: values.count, into: $0) }
        }
        return stride(from: 0, to: bytes.count, by: width).map { start in
            (0 ..< width).reduce(UInt32(0)) { $0 | UInt32(bytes[start + $1]) << (8 * $1) }
        }
    }
}
