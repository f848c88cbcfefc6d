import Foundation

@testable import QuantKit

/// Fixtures/ggml/kquants.npz, written by Fixtures/ggml/make_kquant_fixtures.py: seeded float32
/// rows, and for each K-quant the bytes ggml's `ggml_quantize_chunk` wrote for them (no
/// importance matrix) and gguf-py's dequantization of those bytes.
struct KQuantFixture: Sendable {
    let rows: [Float]
    let rowCount: Int
    let rowLength: Int
    /// ggml's blocks for `rows`, row after row, by type.
    let ggmlBlocks: [GGMLType: [UInt8]]
    /// gguf-py's values for `ggmlBlocks[type]`, by type.
    let ggufPyValues: [GGMLType: [Float]]

    static let shared: KQuantFixture = try! KQuantFixture()

    private init() throws {
        let source = try NPZSource(path: fixturesFolder.appendingPathComponent("ggml/kquants.npz").path)
        let tensor = try source.load("rows")
        rows = tensor.floatValues()!
        (rowCount, rowLength) = (tensor.shape[0], tensor.shape[1])
        var blocks: [GGMLType: [UInt8]] = [:], values: [GGMLType: [Float]] = [:]
        for type in GGMLKQuantizer.supportedTypes {
            blocks[type] = try source.load("\(type)").bytes
            values[type] = try source.load("\(type)_dequantized").floatValues()!
        }
        (ggmlBlocks, ggufPyValues) = (blocks, values)
    }
}
