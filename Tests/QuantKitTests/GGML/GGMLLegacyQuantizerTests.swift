import Foundation
import Testing

@testable import QuantKit

@Suite struct GGMLLegacyQuantizerTests {
    static let fixture = try! GGMLLegacyFixture.load()

    /// The fixture's rows are copied this many times under two threads, so that the work is
    /// split (a task takes 2^16 values) and every row is checked in both halves.
    static func copies(threads: Int) -> Int { threads == 1 ? 1 : 16 }

    /// The names of the rows whose bytes differ (a row is `rowBytes` bytes in both), copies
    /// folded onto their fixture row.
    static func differingRows(_ ours: [UInt8], _ ggml: [UInt8], type: GGMLType) -> Set<String> {
        let rowBytes = fixture.rowLength / type.blockSize * type.blockBytes
        guard ours.count == ggml.count else { return ["(sizes differ)"] }
        let rows = (0 ..< ours.count / rowBytes).filter { row in
            ours[row * rowBytes ..< (row + 1) * rowBytes] != ggml[row * rowBytes ..< (row + 1) * rowBytes]
        }
        return Set(rows.map { fixture.rowNames[$0 % fixture.rowNames.count] })
    }

    @Test(arguments: GGMLLegacyQuantizer.types, [1, 2])
    func bytesMatchGGMLWithoutImportance(_ type: GGMLType, threads: Int) throws {
        let fixture = Self.fixture, copies = Self.copies(threads: threads)
        let rows = Array([[Float]](repeating: fixture.rows, count: copies).joined())
        let ours = try GGMLLegacyQuantizer(type).quantized(rows, rowLength: fixture.rowLength, threads: threads)
        let ggml = Array([[UInt8]](repeating: try fixture.ggmlBlocks(type, importance: false), count: copies).joined())
        #expect(Self.differingRows(ours, ggml, type: type).isEmpty, "\(Self.differingRows(ours, ggml, type: type))")
    }

    @Test(arguments: GGMLLegacyQuantizer.types, [1, 2])
    func bytesMatchGGMLWithImportance(_ type: GGMLType, threads: Int) throws {
        let fixture = Self.fixture, copies = Self.copies(threads: threads)
        let rows = Array([[Float]](repeating: fixture.rows, count: copies).joined())
        let ours = try GGMLLegacyQuantizer(type).quantized(rows, rowLength: fixture.rowLength,
                                                          importance: fixture.importance, threads: threads)
        let ggml = Array([[UInt8]](repeating: try fixture.ggmlBlocks(type, importance: true), count: copies).joined())
        #expect(Self.differingRows(ours, ggml, type: type).isEmpty, "\(Self.differingRows(ours, ggml, type: type))")
    }

    @Test(arguments: GGMLLegacyQuantizer.types, [1, 2])
    func dequantizationMatchesGGUFPy(_ type: GGMLType, threads: Int) throws {
        let fixture = Self.fixture, copies = Self.copies(threads: threads)
        let blocks = Array([[UInt8]](repeating: try fixture.ggmlBlocks(type, importance: false), count: copies).joined())
        let ours = try GGMLLegacyQuantizer(type).dequantized(blocks, threads: threads)
        let gguf = Array([[Float]](repeating: try fixture.ggufDequantized(type), count: copies).joined())
        #expect(ours.count == gguf.count)
        let differing = gguf.indices.filter { $0 >= ours.count || !sameFloat(ours[$0], gguf[$0]) }
        #expect(differing.isEmpty, "rows \(Set(differing.map { fixture.rowNames[$0 / fixture.rowLength % fixture.rowNames.count] }))")
    }

    /// The importance matrix changes the 4- and 5-bit types' bytes (so the weighted searches
    /// ran), and Q8_0's not at all (ggml ignores it).
    @Test(arguments: GGMLLegacyQuantizer.types)
    func importanceMattersExceptForQ8_0(_ type: GGMLType) throws {
        let fixture = Self.fixture
        let plain = try fixture.ggmlBlocks(type, importance: false)
        let weighted = try fixture.ggmlBlocks(type, importance: true)
        #expect((plain == weighted) == (type == .q8_0))
    }

    /// Q8_0 rounds to nearest: every value is within half a step of its dequantization, plus
    /// what rounding the step to binary16 costs the largest code (127 · 2^-11 steps).
    @Test func q8_0ErrorIsAtMostHalfAStep() throws {
        var generator = SplitMix64(seed: 7)
        let rows = (0 ..< 32 * 64).map { _ in Float.random(in: -100 ... 100, using: &generator) }
        let q8 = try GGMLLegacyQuantizer(.q8_0)
        let blocks = try q8.quantized(rows, rowLength: 256, threads: 1)
        let values = try q8.dequantized(blocks, threads: 1)
        for block in 0 ..< rows.count / 32 {
            let d = Float(Float16(bitPattern: UInt16(blocks[34 * block]) | UInt16(blocks[34 * block + 1]) << 8))
            for j in 32 * block ..< 32 * block + 32 {
                #expect(abs(rows[j] - values[j]) <= d * (0.5 + 127 / 2048 + 1e-4))
            }
        }
    }
}
