import Testing

@testable import QuantKit

@Suite struct GGMLKQuantizerTests {
    static let fixture = KQuantFixture.shared

    /// The first row whose bytes differ, for a readable failure.
    static func firstDifferingRow(_ ours: [UInt8], _ ggml: [UInt8], rowBytes: Int) -> Int? {
        stride(from: 0, to: ggml.count, by: rowBytes).first { ours[$0 ..< $0 + rowBytes] != ggml[$0 ..< $0 + rowBytes] }
            .map { $0 / rowBytes }
    }

    @Test(arguments: GGMLKQuantizer.supportedTypes, [1, 2])
    func bytesEqualGGMLsForEveryFixtureRow(_ type: GGMLType, threads: Int) throws {
        let quantizer = try GGMLKQuantizer(type)
        let ggml = try #require(Self.fixture.ggmlBlocks[type])
        let ours = try quantizer.quantize(Self.fixture.rows, rowLength: Self.fixture.rowLength, threads: threads)
        let rowBytes = try quantizer.rowBytes(rowLength: Self.fixture.rowLength)
        #expect(ours.count == ggml.count)
        #expect(Self.firstDifferingRow(ours, ggml, rowBytes: rowBytes) == nil, "\(type) at \(threads) threads")
    }

    @Test(arguments: GGMLKQuantizer.supportedTypes)
    func dequantizedValuesEqualGGUFPysBitForBit(_ type: GGMLType) throws {
        let quantizer = try GGMLKQuantizer(type)
        let ours = try quantizer.dequantize(#require(Self.fixture.ggmlBlocks[type]), threads: 2)
        let ggufPy = try #require(Self.fixture.ggufPyValues[type])
        #expect(ours.map(\.bitPattern) == ggufPy.map(\.bitPattern))
    }

    /// Each block is quantized on its own, so one long row gives the bytes of the same values cut
    /// into rows of 256, and a row quantized alone the bytes it has among the others.
    @Test(arguments: GGMLKQuantizer.supportedTypes)
    func rowSplitDoesNotChangeBytes(_ type: GGMLType) throws {
        let quantizer = try GGMLKQuantizer(type)
        let rows = Self.fixture.rows
        let whole = try quantizer.quantize(rows, rowLength: Self.fixture.rowLength)
        #expect(try quantizer.quantize(rows, rowLength: 256, threads: 2) == whole)
        #expect(try quantizer.quantize(rows, rowLength: rows.count, threads: 2) == whole)
        let rowBytes = try quantizer.rowBytes(rowLength: Self.fixture.rowLength)
        let third = Array(rows[2 * Self.fixture.rowLength ..< 3 * Self.fixture.rowLength])
        #expect(try quantizer.quantize(third, rowLength: Self.fixture.rowLength) == Array(whole[2 * rowBytes ..< 3 * rowBytes]))
    }

    @Test func rowBytesFollowTheBlockSizes() throws {
        #expect(try GGMLKQuantizer(.q6_K).rowBytes(rowLength: 4096) == 16 * 210)
        #expect(try GGMLKQuantizer(.q2_K).rowBytes(rowLength: 256) == 84)
        #expect(try GGMLKQuantizer(.q4_K).rowBytes(rowLength: 11008) == 43 * 144)
    }

    @Test func refusesTypesThatAreNotKQuants() {
        for type in GGMLType.allCases where !GGMLKQuantizer.supportedTypes.contains(type) {
            #expect(throws: GGMLKQuantError.notAKQuant(type)) { try GGMLKQuantizer(type) }
        }
    }

    @Test func refusesRowsThatAreNotWholeSuperBlocks() throws {
        let quantizer = try GGMLKQuantizer(.q4_K)
        for rowLength in [0, -256, 100, 300, 4095] {
            #expect(throws: GGMLKQuantError.rowLengthNotWholeBlocks(rowLength: rowLength)) {
                try quantizer.quantize([Float](repeating: 1, count: 1200), rowLength: rowLength)
            }
        }
        #expect(throws: GGMLKQuantError.valueCountMismatch(count: 600, rowLength: 512)) {
            try quantizer.quantize([Float](repeating: 1, count: 600), rowLength: 512)
        }
    }

    @Test func refusesBuffersOfTheWrongSize() throws {
        let quantizer = try GGMLKQuantizer(.q5_K)
        let values = [Float](repeating: 0.5, count: 512)
        var blocks = [UInt8](repeating: 0, count: 351)
        #expect(throws: GGMLKQuantError.outputSizeMismatch(expected: 352, actual: 351)) {
            try values.withUnsafeBufferPointer { values in
                try blocks.withUnsafeMutableBytes { try quantizer.quantize(values, rowLength: 256, into: $0) }
            }
        }
        #expect(throws: GGMLKQuantError.partialBlock(byteCount: 351, blockBytes: 176)) {
            try quantizer.dequantize(blocks)
        }
    }

    @Test func errorsReadAsOneSentence() {
        #expect(GGMLKQuantError.notAKQuant(.q8_0).description == "q8_0 is not a K-quant (q2_K, q3_K, q4_K, q5_K or q6_K)")
        #expect(GGMLKQuantError.rowLengthNotWholeBlocks(rowLength: 300).description
            == "a row of 300 values is not a whole number of K-quant super-blocks (256 values each)")
    }

    @Test func noValuesGiveNoBytes() throws {
        #expect(try GGMLKQuantizer(.q3_K).quantize([], rowLength: 256).isEmpty)
        #expect(try GGMLKQuantizer(.q3_K).dequantize([]).isEmpty)
    }
}
