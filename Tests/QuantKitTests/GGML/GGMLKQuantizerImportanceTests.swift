import Foundation
import Testing

@testable import QuantKit

/// Fixtures/ggml/kquants_imatrix.npz (make_kquant_imatrix_fixtures.py): sets of kquants.npz's
/// rows, each with an importance matrix and the bytes ggml's `ggml_quantize_chunk` wrote for
/// each K-quant with it.
struct KQuantImportanceSet: Sendable, CustomStringConvertible {
    let name: String
    let values: [Float]
    let rowLength: Int
    let importance: [Float]
    let ggmlBlocks: [GGMLType: [UInt8]]

    var description: String { name }

    static let names = ["random", "sparse", "zero", "extreme", "long"]

    static let all: [KQuantImportanceSet] = {
        let source = try! NPZSource(path: fixturesFolder.appendingPathComponent("ggml/kquants_imatrix.npz").path)
        let rows = KQuantFixture.shared.rows
        return names.map { name in
            let span = try! source.load("\(name)_span").bytes.withUnsafeBytes { Array($0.bindMemory(to: Int64.self)) }
            let (first, count) = (Int(span[0]), Int(span[1]))
            var blocks: [GGMLType: [UInt8]] = [:]
            for type in GGMLKQuantizer.supportedTypes { blocks[type] = try! source.load("\(name)_\(type)").bytes }
            return KQuantImportanceSet(name: name, values: Array(rows[first ..< first + count]), rowLength: Int(span[2]),
                                       importance: try! source.load("\(name)_importance").floatValues()!,
                                       ggmlBlocks: blocks)
        }
    }()
}

@Suite struct GGMLKQuantizerImportanceTests {
    @Test(arguments: GGMLKQuantizer.supportedTypes, KQuantImportanceSet.all)
    func bytesEqualGGMLsWithTheImportanceMatrix(_ type: GGMLType, set: KQuantImportanceSet) throws {
        let quantizer = try GGMLKQuantizer(type)
        let ggml = try #require(set.ggmlBlocks[type])
        let ours = try quantizer.quantize(set.values, rowLength: set.rowLength, importance: set.importance, threads: 2)
        let rowBytes = try quantizer.rowBytes(rowLength: set.rowLength)
        #expect(ours.count == ggml.count)
        #expect(GGMLKQuantizerTests.firstDifferingRow(ours, ggml, rowBytes: rowBytes) == nil, "\(type), \(set.name)")
    }

    /// The importance matrix changes the searches: every type's bytes differ from the plain ones.
    @Test(arguments: GGMLKQuantizer.supportedTypes)
    func importanceChangesTheBytes(_ type: GGMLType) throws {
        let random = KQuantImportanceSet.all[0]
        let plain = try GGMLKQuantizer(type).quantize(random.values, rowLength: random.rowLength)
        #expect(plain != random.ggmlBlocks[type])
    }

    /// `GGMLQuantizers.quantize` with an importance matrix gives ggml's weighted bytes.
    @Test(arguments: GGMLKQuantizer.supportedTypes)
    func theRegistryPassesTheImportanceOn(_ type: GGMLType) throws {
        let set = KQuantImportanceSet.all[1]
        var blocks = [UInt8](repeating: 0, count: try #require(set.ggmlBlocks[type]).count)
        try set.values.withUnsafeBufferPointer { values in
            try set.importance.withUnsafeBufferPointer { importance in
                try blocks.withUnsafeMutableBytes {
                    try GGMLQuantizers.quantize(type, rows: values, rowLength: set.rowLength, importance: importance, into: $0)
                }
            }
        }
        #expect(blocks == set.ggmlBlocks[type])
    }

    @Test func threadCountDoesNotChangeBytes() throws {
        let set = KQuantImportanceSet.all[0]
        for type in GGMLKQuantizer.supportedTypes {
            let quantizer = try GGMLKQuantizer(type)
            let one = try quantizer.quantize(set.values, rowLength: set.rowLength, importance: set.importance, threads: 1)
            #expect(try quantizer.quantize(set.values, rowLength: set.rowLength, importance: set.importance,
                                           threads: 3) == one)
        }
    }

    @Test func refusesAnImportanceMatrixOfTheWrongLength() throws {
        let quantizer = try GGMLKQuantizer(.q4_K)
        let values = [Float](repeating: 0.5, count: 512)
        #expect(throws: GGMLKQuantError.importanceLength(expected: 256, actual: 512)) {
            try quantizer.quantize(values, rowLength: 256, importance: values)
        }
        var blocks = [UInt8](repeating: 0, count: 288)
        #expect(throws: GGMLKQuantError.importanceLength(expected: 512, actual: 256)) {
            try values.withUnsafeBufferPointer { values in
                try blocks.withUnsafeMutableBytes { blocks in
                    try quantizer.quantize(values, rowLength: 512, importance: UnsafeBufferPointer(rebasing: values[..<256]),
                                           into: blocks)
                }
            }
        }
    }
}
