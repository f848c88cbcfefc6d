import Testing

@testable import QuantKit

/// The size checks of `GGMLBlockQuantizer`'s extension, their messages, and the protocol as a
/// seam: a quantizer defined here gets the checks and the threading for free.
@Suite struct GGMLBlockQuantizerTests {
    /// A stand-in "type": F32 blocks of one value, copied through.
    struct CopyQuantizer: GGMLBlockQuantizer {
        var type: GGMLType { .f32 }
        func _quantizeRows(_ rows: UnsafeRawPointer, rowCount: Int, rowLength: Int, importance: UnsafePointer<Float>?,
                           into blocks: UnsafeMutableRawPointer) {
            blocks.copyMemory(from: rows, byteCount: rowCount * rowLength * 4)
        }
        func _dequantizeBlocks(_ blocks: UnsafeRawPointer, blockCount: Int, into values: UnsafeMutableRawPointer) {
            values.copyMemory(from: blocks, byteCount: blockCount * 4)
        }
    }

    @Test func aQuantizerDefinedOutsideTheLibraryIsSplitAcrossThreads() throws {
        let rows = (0 ..< 3000 * 70).map(Float.init)
        let blocks = try CopyQuantizer().quantized(rows, rowLength: 70, threads: 2)
        #expect(try CopyQuantizer().dequantized(blocks, threads: 2) == rows)
    }

    @Test func onlyTheLegacyTypesHaveALegacyQuantizer() {
        for type in GGMLType.allCases {
            #expect((try? GGMLLegacyQuantizer(type)) != nil || !GGMLLegacyQuantizer.types.contains(type))
        }
        #expect(throws: GGMLQuantizationError.unsupportedType(.q4_K)) { try GGMLLegacyQuantizer(.q4_K) }
    }

    @Test func rowLengthMustBeWholeBlocks() throws {
        let q4 = try GGMLLegacyQuantizer(.q4_0)
        #expect(throws: GGMLQuantizationError.rowLengthNotWholeBlocks(rowLength: 48, blockSize: 32)) {
            try q4.quantized([Float](repeating: 1, count: 96), rowLength: 48, threads: 1)
        }
        #expect(throws: GGMLQuantizationError.rowLengthNotWholeBlocks(rowLength: 0, blockSize: 32)) {
            try q4.quantized([], rowLength: 0, threads: 1)
        }
    }

    @Test func buffersMustHoldWholeRowsAndBlocks() throws {
        let q8 = try GGMLLegacyQuantizer(.q8_0)
        let values = [Float](repeating: 1, count: 96)
        try values.withUnsafeBytes { input in
            var small = [UInt8](repeating: 0, count: 33)
            try small.withUnsafeMutableBytes { output in
                #expect(throws: GGMLQuantizationError.inputNotWholeRows(bytes: 384, rowBytes: 256)) {
                    try q8.quantize(rows: input, rowLength: 64, into: output)
                }
                #expect(throws: GGMLQuantizationError.outputSize(expected: 102, actual: 33)) {
                    try q8.quantize(rows: input, rowLength: 32, into: output)
                }
                #expect(throws: GGMLQuantizationError.inputNotWholeBlocks(bytes: 33, blockBytes: 34)) {
                    try q8.dequantize(blocks: UnsafeRawBufferPointer(output), into: UnsafeMutableRawBufferPointer(mutating: input))
                }
            }
        }
    }

    @Test func importanceNeedsOneValuePerColumn() throws {
        #expect(throws: GGMLQuantizationError.importanceLength(expected: 64, actual: 32)) {
            try GGMLLegacyQuantizer(.q4_1).quantized([Float](repeating: 1, count: 64), rowLength: 64,
                                                     importance: [Float](repeating: 1, count: 32), threads: 1)
        }
    }

    @Test func messagesNameTheProblem() {
        #expect(GGMLQuantizationError.unsupportedType(.q6_K).description
            == "ggml type q6_K cannot be quantized here (supported: q4_0, q4_1, q5_0, q5_1, q8_0)")
        #expect(GGMLQuantizationError.rowLengthNotWholeBlocks(rowLength: 48, blockSize: 32).description
            == "a row of 48 values is not a whole number of 32-value blocks")
        #expect(GGMLQuantizationError.importanceLength(expected: 64, actual: 32).description
            == "the importance matrix has 32 values, expected one per column (64)")
    }
}
