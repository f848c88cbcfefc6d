/// Packs `bits`-bit codes into words of `Word` (UInt32 for compressed-tensors' int32 words,
/// UInt8 for the bytes of a packed `.npz` member) the way compressed-tensors' `pack_to_int32`
/// does: each row of `rowLength` codes is a bit stream, least significant bit first, code `j`
/// occupying bits `j * bits ..< (j + 1) * bits` (a code may straddle two words), the last word
/// of a row padded with zeros; a row takes `ceil(rowLength * bits / Word.bitWidth)` words. The packed values are unsigned, `u` in `0 ..< 2^bits`: the code bytes plus `offset`
/// (`2^(bits - 1)` for signed codes), modulo `2^bits`. With 4 bits, codes `[1, 2, 3]` pack to the word `0x321`; with 8 bits every
/// word holds 4 codes, with 2 bits 16.
///
/// Streams: codes may come in pieces of any length, rows crossing pieces.
struct CodePacker<Word: FixedWidthInteger & UnsignedInteger> {
    let bits: Int
    let rowLength: Int
    /// Added (wrapping) to each code byte before packing: `2^(bits-1)` turns signed codes into
    /// the unsigned values packed.
    let offset: UInt8
    /// Codes per word when `bits` divides the word width.
    private let codesPerWord: Int
    /// Whether rows are whole words of whole codes (`bits` in 2, 4, 8 and `rowLength * bits` a
    /// multiple of the word width), so that words can be filled straight from the codes.
    private let wholeWords: Bool
    /// Bits waiting to fill a word, lowest first.
    private var pending: UInt64 = 0
    private var pendingBits = 0
    /// Codes of the current row seen so far.
    private var column = 0

    init(bits: Int, rowLength: Int, offset: UInt8 = 0) {
        precondition((1 ... 8).contains(bits) && rowLength > 0)
        self.bits = bits
        self.rowLength = rowLength
        self.offset = offset
        codesPerWord = Word.bitWidth / bits
        wholeWords = 8 % bits == 0 && (rowLength * bits) % Word.bitWidth == 0
    }

    /// Words a row of `rowLength` codes packs to.
    static func wordsPerRow(bits: Int, rowLength: Int) -> Int {
        (rowLength * bits + Word.bitWidth - 1) / Word.bitWidth
    }

    /// Packs `codes` (each `< 2^bits` once offset), appending finished words to `words`.
    mutating func pack(_ codes: UnsafeRawBufferPointer, into words: inout [Word]) {
        let count = codes.count
        var index = 0
        while index < count {
            if wholeWords, pendingBits == 0, count - index >= codesPerWord {
                let run = (count - index) / codesPerWord
                appendWholeWords(codes.baseAddress! + index, words: run, into: &words)
                index += run * codesPerWord
                column = (column + run * codesPerWord) % rowLength
                continue
            }
            push(codes[index], into: &words)
            index += 1
        }
    }

    /// Appends `count` words of `codesPerWord` codes each from `codes` (the hot loop for 8, 4
    /// and 2 bits): code `k` of a word goes to bits `k * bits ..< (k + 1) * bits`.
    private func appendWholeWords(_ codes: UnsafeRawPointer, words count: Int, into words: inout [Word]) {
        let start = words.count
        words.append(contentsOf: repeatElement(0, count: count))
        let mask = UInt8((1 << bits) - 1)
        let offset = self.offset
        words.withUnsafeMutableBufferPointer { words in
            let out = words.baseAddress! + start
            let input = codes.assumingMemoryBound(to: UInt8.self)
            if Word.self == UInt32.self, bits == 8 {
                let spread = UInt32(offset) * 0x0101_0101
                for word in 0 ..< count {
                    let bytes = UInt32(littleEndian: UnsafeRawPointer(input + 4 * word).loadUnaligned(as: UInt32.self))
                    // Adding the offset to every byte without carries: XOR for 0x80, else bytewise add.
                    out[word] = Word(truncatingIfNeeded: offset == 0x80 ? bytes ^ spread : Self.bytewiseAdd(bytes, spread))
                }
                return
            }
            let perWord = codesPerWord
            for word in 0 ..< count {
                var value: Word = 0
                for k in 0 ..< perWord {
                    value |= Word((input[word * perWord + k] &+ offset) & mask) << (k * bits)
                }
                out[word] = value
            }
        }
    }

    /// Adds the bytes of `a` and `b` lane by lane, modulo 256 each.
    private static func bytewiseAdd(_ a: UInt32, _ b: UInt32) -> UInt32 {
        let low = (a & 0x7F7F_7F7F) &+ (b & 0x7F7F_7F7F)
        return low ^ ((a ^ b) & 0x8080_8080)
    }

    /// Adds one code to the bit stream, finishing a word when it fills and the row when it ends.
    private mutating func push(_ code: UInt8, into words: inout [Word]) {
        pending |= UInt64((code &+ offset) & UInt8((1 << bits) - 1)) << UInt64(pendingBits)
        pendingBits += bits
        if pendingBits >= Word.bitWidth {
            words.append(Word(truncatingIfNeeded: pending))
            pending >>= UInt64(Word.bitWidth)
            pendingBits -= Word.bitWidth
        }
        column += 1
        if column == rowLength {
            if pendingBits > 0 { words.append(Word(truncatingIfNeeded: pending)) }
            pending = 0
            pendingBits = 0
            column = 0
        }
    }

    /// Whether every row given so far is complete.
    var atRowBoundary: Bool { column == 0 }
}

/// The inverse of `CodePacker`: the `rowLength` unsigned codes of each row packed in `words`.
func unpackCodes<Word: FixedWidthInteger & UnsignedInteger>(_ words: [Word], bits: Int, rowLength: Int, rows: Int) -> [UInt8] {
    let perRow = CodePacker<Word>.wordsPerRow(bits: bits, rowLength: rowLength)
    precondition(words.count == perRow * rows)
    var codes: [UInt8] = []
    codes.reserveCapacity(rows * rowLength)
    let mask = UInt64((1 << bits) - 1)
    let width = Word.bitWidth
    for row in 0 ..< rows {
        for j in 0 ..< rowLength {
            let bit = j * bits
            let word = row * perRow + bit / width
            var window = UInt64(words[word])
            if word + 1 < (row + 1) * perRow { window |= UInt64(words[word + 1]) << UInt64(width) }
            codes.append(UInt8(truncatingIfNeeded: (window >> UInt64(bit % width)) & mask))
        }
    }
    return codes
}
