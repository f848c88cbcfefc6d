import Foundation
import Testing

@testable import QuantKit

/// Fixtures/ggml/fp4.npz (make_fp4_fixtures.py): edge-case rows, ggml's own MXFP4 and NVFP4 blocks
/// for them and ggml's values read back, and gguf-py's MXFP4 blocks.
@Suite struct GGMLFP4QuantizerTests {
    struct Fixture: Sendable {
        let rows: [Float]
        let rowLength: Int
        let blocks: [String: [UInt8]]
        let values: [String: [Float]]

        init() throws {
            let source = try NPZSource(path: fixturesFolder.appendingPathComponent("ggml/fp4.npz").path)
            let rows = try source.load("rows")
            (self.rows, rowLength) = (try #require(rows.floatValues()), rows.shape[1])
            blocks = try Dictionary(uniqueKeysWithValues: ["mxfp4", "nvfp4", "mxfp4_gguf_py"].map { ($0, try source.load($0).bytes) })
            values = try Dictionary(uniqueKeysWithValues: ["mxfp4", "nvfp4"].map {
                ($0, try #require(source.load("\($0)_dequantized").floatValues()))
            })
        }

        func bytes(_ name: String) throws -> [UInt8] { try #require(blocks[name]) }
        /// ggml's values of its blocks of `type`.
        func dequantized(_ type: GGMLType) throws -> [Float] { try #require(values["\(type)"]) }
    }

    static let fixture = try! Fixture()

    /// The rows (of `rowBytes`) whose bytes differ.
    static func differingRows(_ ours: [UInt8], _ reference: [UInt8], rowBytes: Int) -> [Int] {
        guard ours.count == reference.count else { return [-1] }
        return (0 ..< ours.count / rowBytes).filter {
            ours[$0 * rowBytes ..< ($0 + 1) * rowBytes] != reference[$0 * rowBytes ..< ($0 + 1) * rowBytes]
        }
    }

    @Test(arguments: GGMLFP4Quantizer.types, [1, 2])
    func bytesEqualGGMLsOnEveryRow(_ type: GGMLType, threads: Int) throws {
        let fixture = Self.fixture
        let ours = try GGMLFP4Quantizer(type).quantized(fixture.rows, rowLength: fixture.rowLength, threads: threads)
        let rowBytes = fixture.rowLength / type.blockSize * type.blockBytes
        #expect(Self.differingRows(ours, try fixture.bytes("\(type)"), rowBytes: rowBytes) == [])
    }

    /// gguf-py's NumPy MXFP4 quantizer writes ggml's bytes on these rows too, including the ones
    /// where float32 log2 rounds up to an integer (amax just below 0.25 and 1024).
    @Test func mxfp4BytesEqualGGUFPys() throws {
        let fixture = Self.fixture
        let ours = try GGMLFP4Quantizer(.mxfp4).quantized(fixture.rows, rowLength: fixture.rowLength, threads: 1)
        #expect(Self.differingRows(ours, try fixture.bytes("mxfp4_gguf_py"), rowBytes: fixture.rowLength / 32 * 17) == [])
    }

    @Test(arguments: GGMLFP4Quantizer.types)
    func dequantizedValuesEqualGGMLsBitForBit(_ type: GGMLType) throws {
        let fixture = Self.fixture
        let ours = try GGMLFP4Quantizer(type).dequantized(try fixture.bytes("\(type)"), threads: 2)
        let ggml = try fixture.dequantized(type)
        #expect(ours.map(\.bitPattern) == ggml.map(\.bitPattern))
    }

    /// Through the one entry point, as the GGUF writer and readers call it.
    @Test(arguments: GGMLFP4Quantizer.types)
    func entryPointsReachTheFP4Kernels(_ type: GGMLType) throws {
        let fixture = Self.fixture
        #expect(GGMLQuantizers.types.contains(type) && GGMLDequantizers.types.contains(type))
        var blocks = [UInt8](repeating: 0, count: try #require(type.byteCount(elements: fixture.rows.count)))
        try fixture.rows.withUnsafeBufferPointer { rows in
            try blocks.withUnsafeMutableBytes { try GGMLQuantizers.quantize(type, rows: rows, rowLength: fixture.rowLength, into: $0) }
        }
        #expect(blocks == (try fixture.bytes("\(type)")))
        var values = [Float](repeating: .nan, count: fixture.rows.count)
        try blocks.withUnsafeBytes { input in
            try values.withUnsafeMutableBufferPointer { try GGMLDequantizers.dequantize(type, blocks: input, into: $0) }
        }
        #expect(values.map(\.bitPattern) == (try fixture.dequantized(type)).map(\.bitPattern))
    }

    /// The error bound of the doc comment, on the random rows: below 2^(e-126) per MXFP4 block.
    @Test func mxfp4ErrorStaysWithinTheBound() throws {
        let fixture = Self.fixture
        let blocks = try fixture.bytes("mxfp4")
        let values = try GGMLFP4Quantizer(.mxfp4).dequantized(blocks, threads: 1)
        for block in 0 ..< fixture.rows.count / 32 {
            let exponent = Int(blocks[17 * block])
            guard (2 ... 250).contains(exponent) else { continue }
            let bound = Float(sign: .plus, exponent: exponent - 126, significand: 1)
            let worst = (32 * block ..< 32 * block + 32).map { abs(fixture.rows[$0] - values[$0]) }.max()!
            #expect(worst < bound, "block \(block)")
        }
    }

    @Test func refusesRowsThatAreNotWholeBlocks() throws {
        for (type, rowLength) in [(GGMLType.mxfp4, 48), (.nvfp4, 32)] {
            #expect(throws: GGMLQuantizationError.rowLengthNotWholeBlocks(rowLength: rowLength, blockSize: type.blockSize)) {
                try GGMLFP4Quantizer(type).quantized([Float](repeating: 1, count: 4 * rowLength), rowLength: rowLength, threads: 1)
            }
        }
        #expect(throws: GGMLQuantizationError.unsupportedType(.q4_0)) { try GGMLFP4Quantizer(.q4_0) }
    }
}
