import Foundation
import Testing

@testable import QuantKit

/// Fixtures/ggml/legacy (made by Fixtures/ggml/make_legacy_fixtures.py): float32 rows, an
/// importance matrix, and per legacy type ggml's own bytes (without and with the importance
/// matrix) and gguf-py's dequantization of the plain bytes.
struct GGMLLegacyFixture {
    let rowNames: [String]
    let rowLength: Int
    let rows: [Float]
    let importance: [Float]

    static let folder = fixturesFolder.appendingPathComponent("ggml/legacy")

    static func load() throws -> GGMLLegacyFixture {
        struct Manifest: Decodable { let rowCount: Int; let rowLength: Int; let rows: [String] }
        let manifest = try JSONDecoder().decode(Manifest.self, from: Data(contentsOf: folder.appendingPathComponent("manifest.json")))
        let rows = try floats("rows.f32")
        precondition(rows.count == manifest.rowCount * manifest.rowLength && manifest.rows.count == manifest.rowCount)
        return GGMLLegacyFixture(rowNames: manifest.rows, rowLength: manifest.rowLength, rows: rows,
                                 importance: try floats("importance.f32"))
    }

    /// ggml's bytes of all rows as `type`, with or without the importance matrix.
    func ggmlBlocks(_ type: GGMLType, importance: Bool) throws -> [UInt8] {
        try [UInt8](Data(contentsOf: Self.folder.appendingPathComponent("\(type)\(importance ? "-importance" : "").bin")))
    }

    /// gguf-py's dequantization of ggml's plain bytes of `type`.
    func ggufDequantized(_ type: GGMLType) throws -> [Float] {
        try Self.floats("\(type)-dequantized.f32")
    }

    private static func floats(_ name: String) throws -> [Float] {
        let data = try Data(contentsOf: folder.appendingPathComponent(name))
        return data.withUnsafeBytes { raw in
            (0 ..< data.count / 4).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self))) }
        }
    }
}

extension GGMLBlockQuantizer {
    /// The blocks of `rows` (row length `rowLength`) as a byte array.
    func quantized(_ rows: [Float], rowLength: Int, importance: [Float]? = nil, threads: Int) throws -> [UInt8] {
        var blocks = [UInt8](repeating: 0xA5, count: try #require(type.byteCount(elements: rows.count)))
        try rows.withUnsafeBytes { input in
            try blocks.withUnsafeMutableBytes { output in
                if let importance {
                    try importance.withUnsafeBufferPointer { weights in
                        try quantize(rows: input, rowLength: rowLength, importance: weights, into: output, threads: threads)
                    }
                } else {
                    try quantize(rows: input, rowLength: rowLength, into: output, threads: threads)
                }
            }
        }
        return blocks
    }

    /// The float32 values of `blocks`.
    func dequantized(_ blocks: [UInt8], threads: Int) throws -> [Float] {
        var values = [Float](repeating: .nan, count: blocks.count / type.blockBytes * type.blockSize)
        try blocks.withUnsafeBytes { input in
            try values.withUnsafeMutableBytes { try dequantize(blocks: input, into: $0, threads: threads) }
        }
        return values
    }
}

/// Equal bit for bit, or both NaN (x86 and arm64 make different NaNs of `∞ · 0`).
func sameFloat(_ a: Float, _ b: Float) -> Bool {
    a.bitPattern == b.bitPattern || (a.isNaN && b.isNaN)
}
