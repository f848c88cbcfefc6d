import CKernels

/// How a layout stores code bytes when each row's stored bytes depend on that row's codes
/// alone (`CodeEncoding.rowPacking`): each row of `rowLength` codes is a bit stream, least
/// significant bit first, code `j` at bits `j * bits ..< (j + 1) * bits`, the row padded with
/// zero bits to whole little-endian words of `wordBytes` bytes; a code byte `c` is stored as
/// `(c + offset) mod 2^bits`. This is `CodePacker`'s layout; with 8 bits and 1-byte words,
/// each byte plus `offset`.
///
/// Spans of codes that start and end on word boundaries (or at a row's end) pack
/// independently, so the quantizer's threads pack their own pieces where they quantize them.
public struct RowPacking: Sendable, Equatable {
    public let bits: Int
    public let rowLength: Int
    public let wordBytes: Int
    public let offset: UInt8

    /// `bits` in 1...8, `rowLength` > 0, `wordBytes` 1 or 4.
    public init(bits: Int, rowLength: Int, wordBytes: Int, offset: UInt8) {
        precondition((1 ... 8).contains(bits) && rowLength > 0 && (wordBytes == 1 || wordBytes == 4))
        (self.bits, self.rowLength, self.wordBytes, self.offset) = (bits, rowLength, wordBytes, offset)
    }

    /// Code bytes stored as they are, plus `offset`.
    public static func bytes(offset: UInt8 = 0) -> RowPacking {
        RowPacking(bits: 8, rowLength: 1, wordBytes: 1, offset: offset)
    }

    private var kernelForm: ck_packing {
        ck_packing(bits: Int32(bits), row_length: rowLength, word_bytes: Int32(wordBytes), offset: offset)
    }

    /// Bytes a row packs to: `ceil(rowLength * bits / (8 * wordBytes)) * wordBytes`.
    public var rowBytes: Int {
        (rowLength * bits + 8 * wordBytes - 1) / (8 * wordBytes) * wordBytes
    }

    /// Whether the stored bytes are the code bytes themselves.
    var isIdentity: Bool { bits == 8 && offset == 0 && rowLength % wordBytes == 0 }

    /// Whether a span may start at flat code index `index`: on a word boundary of its row.
    func startsWord(at index: Int) -> Bool {
        (index % rowLength) * bits % (8 * wordBytes) == 0
    }

    /// Where the code of flat index `index` starts in the stored bytes, for an index on a word
    /// boundary (`startsWord`).
    func byteOffset(of index: Int) -> Int {
        index / rowLength * rowBytes + index % rowLength * bits / 8
    }

    /// Packs the `count` codes at `codes`, the first of flat index `index` (on a word
    /// boundary; the span ends on one or at a row's end), to `out`; returns the bytes written,
    /// `byteOffset(of: index + count) - byteOffset(of: index)`.
    @discardableResult
    func pack(_ codes: UnsafePointer<UInt8>, count: Int, from index: Int, into out: UnsafeMutablePointer<UInt8>) -> Int {
        var form = kernelForm
        return ck_pack_codes(codes, count, index % rowLength, &form, out)
    }
}
