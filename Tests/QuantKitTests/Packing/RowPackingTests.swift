import Testing

@testable import QuantKit

/// The packing threads apply to their own pieces (`RowPacking`, the C kernel `ck_pack_codes`)
/// against compressed-tensors' own packing (the fixture) and the streaming `CodePacker`.
@Suite struct RowPackingTests {
    /// `codes` packed by `packing`, cut into spans at `cuts` (flat indices on word boundaries).
    func packInSpans(_ codes: [UInt8], _ packing: RowPacking, cuts: [Int]) -> [UInt8] {
        let bounds = [0] + cuts + [codes.count]
        var out = [UInt8](repeating: 0xAA, count: packing.byteOffset(of: codes.count))
        codes.withUnsafeBufferPointer { codes in
            out.withUnsafeMutableBufferPointer { out in
                for (start, end) in zip(bounds, bounds.dropFirst()) {
                    let written = packing.pack(codes.baseAddress! + start, count: end - start, from: start,
                                               into: out.baseAddress! + packing.byteOffset(of: start))
                    #expect(written == packing.byteOffset(of: end) - packing.byteOffset(of: start))
                }
            }
        }
        return out
    }

    /// The streaming packer's bytes for the same codes (the oracle).
    func streamed(_ codes: [UInt8], bits: Int, rowLength: Int, wordBytes: Int, offset: UInt8) -> [UInt8] {
        codes.withUnsafeBytes { raw in
            guard wordBytes == 4 else {
                var packer = CodePacker<UInt8>(bits: bits, rowLength: rowLength, offset: offset)
                var words: [UInt8] = []
                packer.pack(raw, into: &words)
                return words
            }
            var packer = CodePacker<UInt32>(bits: bits, rowLength: rowLength, offset: offset)
            var words: [UInt32] = []
            packer.pack(raw, into: &words)
            return words.flatMap { word in (0 ..< 4).map { UInt8(truncatingIfNeeded: word >> (8 * $0)) } }
        }
    }

    @Test(arguments: PackingCase.all)
    func packsExactlyAsCompressedTensors(_ fixture: PackingCase) {
        let expected = fixture.words.flatMap { word in (0 ..< 4).map { UInt8(truncatingIfNeeded: UInt32(bitPattern: word) >> (8 * $0)) } }
        let signed = fixture.signedCodes.map { UInt8(bitPattern: $0) }
        let packing = RowPacking(bits: fixture.bits, rowLength: fixture.cols, wordBytes: 4, offset: UInt8(1 << (fixture.bits - 1)))
        #expect(packInSpans(signed, packing, cuts: []) == expected)
        // Cut at every row.
        #expect(packInSpans(signed, packing, cuts: Array(stride(from: fixture.cols, to: signed.count, by: fixture.cols))) == expected)
    }

    @Test(arguments: 1 ... 8)
    func agreesWithTheStreamingPackerForEveryWidthRowAndCut(_ bits: Int) {
        var random = QuantTestRandom(seed: UInt64(bits))
        for wordBytes in [1, 4] {
            for rowLength in [1, 3, 7, 8, 31, 32, 33, 64, 100, 257] {
                let rows = 5
                let codes = (0 ..< rows * rowLength).map { _ in UInt8.random(in: 0 ... 255, using: &random) }
                for offset: UInt8 in [0, UInt8(1 << (bits - 1)), 0xF3] {
                    let packing = RowPacking(bits: bits, rowLength: rowLength, wordBytes: wordBytes, offset: offset)
                    let expected = streamed(codes, bits: bits, rowLength: rowLength, wordBytes: wordBytes, offset: offset)
                    // Cuts at every word boundary there is, and at row starts only.
                    let words = (1 ..< codes.count).filter { packing.startsWord(at: $0) }
                    let rowStarts = Array(stride(from: rowLength, to: codes.count, by: rowLength))
                    for cuts in [[], rowStarts, words] {
                        #expect(packInSpans(codes, packing, cuts: cuts) == expected,
                                "\(bits) bits, rows of \(rowLength), \(wordBytes)-byte words, offset \(offset), \(cuts.count) cuts")
                    }
                }
            }
        }
    }

    @Test func eightBitBytesAreTheCodesPlusTheOffset() {
        #expect(RowPacking.bytes().isIdentity)
        #expect(!RowPacking.bytes(offset: 0x80).isIdentity)
        #expect(!RowPacking(bits: 8, rowLength: 3, wordBytes: 4, offset: 0).isIdentity)  // rows padded to words
        #expect(packInSpans([1, 2, 0xFF], .bytes(offset: 0x80), cuts: [1]) == [0x81, 0x82, 0x7F])
    }
}
