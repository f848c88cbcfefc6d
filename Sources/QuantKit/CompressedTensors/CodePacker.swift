/// Packs `bits`-bit codes into little-endian int32 words the way compressed-tensors'
/// `pack_to_int32` does: each row of `rowLength` codes is a bit stream, least significant bit
/// first, code `j` occupying bits `j * bits ..< (j + 1) * bits` (a code may straddle two
/// words), the last word of a row padded with zeros; a row takes `ceil(rowLength * bits / 32)`
/// words. The codes arrive as unsigned values `u` in `0 ..< 2^bits` (signed codes offset by
/// `2^(bits - 1)`). With 4 bits, codes `[1, 2, 3]` pack to the word `0x321`; with 8 bits every
/// word holds 4 codes, with 2 bits 16.
///
/// Streams: codes may come in pieces of any length, rows crossing pieces.
struct CodePacker {
    let bits: Int
    let rowLength: Int
    /// Bits waiting to fill a word, lowest first.
    private var pending: UInt64 = 0
    private var pendingBits = 0
    /// Codes of the current row seen so far.
    private var column = 0

    init(bits: Int, rowLength: Int) {
        precondition((1 ... 8).contains(bits) && rowLength > 0)
        self.bits = bits
        self.rowLength = rowLength
    }

    /// Words a row of `rowLength` codes packs to.
    static func wordsPerRow(bits: Int, rowLength: Int) -> Int {
        (rowLength * bits + 31) / 32
    }

    /// Packs `codes` (each `< 2^bits`), appending finished words to `words`.
    mutating func pack(_ codes: UnsafeRawBufferPointer, into words: inout [UInt32]) {
        for code in codes {
            pending |= UInt64(code) << UInt64(pendingBits)
            pendingBits += bits
            if pendingBits >= 32 {
                words.append(UInt32(truncatingIfNeeded: pending))
                pending >>= 32
                pendingBits -= 32
            }
            column += 1
            if column == rowLength {
                if pendingBits > 0 { words.append(UInt32(truncatingIfNeeded: pending)) }
                pending = 0
                pendingBits = 0
                column = 0
            }
        }
    }

    /// Whether every row given so far is complete.
    var atRowBoundary: Bool { column == 0 }
}

/// The inverse of `CodePacker`: the `rowLength` unsigned codes of each row packed in `words`.
func unpackCodes(_ words: [UInt32], bits: Int, rowLength: Int, rows: Int) -> [UInt8] {
    let perRow = CodePacker.wordsPerRow(bits: bits, rowLength: rowLength)
    precondition(words.count == perRow * rows)
    var codes: [UInt8] = []
    codes.reserveCapacity(rows * rowLength)
    let mask = UInt64((1 << bits) - 1)
    for row in 0 ..< rows {
        for j in 0 ..< rowLength {
            let bit = j * bits
            let word = row * perRow + bit / 32
            var window = UInt64(words[word])
            if word + 1 < (row + 1) * perRow { window |= UInt64(words[word + 1]) << 32 }
            codes.append(UInt8(truncatingIfNeeded: (window >> UInt64(bit % 32)) & mask))
        }
    }
    return codes
}
