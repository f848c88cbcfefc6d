import Foundation
import Testing

@testable import QuantKit

/// `Fixtures/compressed_tensors/packing.json`, written by `generate.py` with a NumPy port of
/// compressed-tensors' `pack_to_int32`.
struct PackingCase: Decodable, Sendable, CustomTestStringConvertible {
    let bits: Int
    let rows: Int
    let cols: Int
    let signedCodes: [Int8]
    let words: [Int32]
    let columnWords: [Int32]

    enum CodingKeys: String, CodingKey {
        case bits, rows, cols, words
        case signedCodes = "signed_codes", columnWords = "column_words"
    }

    var testDescription: String { "\(bits) bits, \(rows)x\(cols)" }

    /// The unsigned values the packer takes: signed codes offset by 2^(bits-1).
    var unsignedCodes: [UInt8] { signedCodes.map { UInt8(Int($0) + (1 << (bits - 1))) } }

    static let all: [PackingCase] = {
        let url = fixturesFolder.appendingPathComponent("compressed_tensors/packing.json")
        struct File: Decodable { let cases: [PackingCase] }
        return try! JSONDecoder().decode(File.self, from: Data(contentsOf: url)).cases
    }()
}

@Suite struct CodePackerTests {
    /// Packs `codes` handing them over `piece` at a time.
    func pack(_ codes: [UInt8], bits: Int, rowLength: Int, piece: Int, offset: UInt8 = 0) -> [UInt32] {
        var packer = CodePacker<UInt32>(bits: bits, rowLength: rowLength, offset: offset)
        var words: [UInt32] = []
        for start in stride(from: 0, to: codes.count, by: piece) {
            codes[start ..< min(start + piece, codes.count)].withUnsafeBytes { packer.pack($0, into: &words) }
        }
        #expect(packer.atRowBoundary)
        return words
    }

    @Test(arguments: PackingCase.all)
    func packsExactlyAsCompressedTensorsWhateverThePieces(_ fixture: PackingCase) {
        let expected = fixture.words.map { UInt32(bitPattern: $0) }
        #expect(expected.count == fixture.rows * CodePacker<UInt32>.wordsPerRow(bits: fixture.bits, rowLength: fixture.cols))
        for piece in [1, 7, fixture.unsignedCodes.count] {
            #expect(pack(fixture.unsignedCodes, bits: fixture.bits, rowLength: fixture.cols, piece: piece) == expected,
                    "pieces of \(piece)")
            // Signed codes (our symmetric int8 bytes), offset by the packer itself.
            let signed = fixture.signedCodes.map { UInt8(bitPattern: $0) }
            #expect(pack(signed, bits: fixture.bits, rowLength: fixture.cols, piece: piece,
                         offset: UInt8(1 << (fixture.bits - 1))) == expected, "signed, pieces of \(piece)")
        }
        #expect(unpackCodes(expected, bits: fixture.bits, rowLength: fixture.cols, rows: fixture.rows) == fixture.unsignedCodes)
    }

    @Test(arguments: PackingCase.all)
    func zeroPointsPackDownTheOutputAxis(_ fixture: PackingCase) {
        // The fixture's first column, packed along dim 0 as compressed-tensors packs zero points.
        let column = stride(from: 0, to: fixture.unsignedCodes.count, by: fixture.cols).map { fixture.unsignedCodes[$0] }
        #expect(pack(column, bits: fixture.bits, rowLength: fixture.rows, piece: 3)
                == fixture.columnWords.map { UInt32(bitPattern: $0) })
    }

    @Test func fourBitCodesFillAWordLowNibbleFirst() {
        #expect(pack([1, 2, 3], bits: 4, rowLength: 3, piece: 3) == [0x321])
        #expect(pack([0xF, 0, 0, 0, 0, 0, 0, 0, 0x8], bits: 4, rowLength: 9, piece: 9) == [0x0000_000F, 0x8])
    }
}
