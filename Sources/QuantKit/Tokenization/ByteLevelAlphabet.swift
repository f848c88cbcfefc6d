/// GPT-2's byte-to-unicode map (`bytes_char` in `tokenizers`): every byte becomes a printable
/// scalar, so byte-level BPE can work on text. The 188 bytes `!`...`~`, `¡`...`¬` and `®`...`ÿ`
/// map to themselves; the other 68 (controls, space, DEL, NBSP, soft hyphen), in byte order,
/// to U+0100, U+0101, ... U+0143. So space (0x20) is `Ġ` (U+0120) and newline `Ċ` (U+010A).
enum ByteLevelAlphabet {
    static let scalarOfByte: [Unicode.Scalar] = {
        var next: UInt32 = 0x100
        return (0 ... 255).map { (byte: UInt32) -> Unicode.Scalar in
            if (0x21 ... 0x7E).contains(byte) || (0xA1 ... 0xAC).contains(byte) || (0xAE ... 0xFF).contains(byte) {
                return Unicode.Scalar(byte)!
            }
            defer { next += 1 }
            return Unicode.Scalar(next)!
        }
    }()

    /// Each UTF-8 byte of `text` as its scalar.
    static func encode(_ text: [Unicode.Scalar]) -> [Unicode.Scalar] {
        var result: [Unicode.Scalar] = []
        result.reserveCapacity(text.count)
        for scalar in text {
            if scalar.isASCII {
                result.append(scalarOfByte[Int(scalar.value)])
            } else {
                for byte in String(Character(scalar)).utf8 { result.append(scalarOfByte[Int(byte)]) }
            }
        }
        return result
    }
}

/// `pre_tokenizers::ByteLevel`: optionally prefix a space (when the piece does not start with
/// one), optionally split with GPT-2's pattern (`'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+|
/// ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+`, matches isolated), then map every word's UTF-8 bytes
/// through `ByteLevelAlphabet`. `trim_offsets` only moves offsets, which these ids do not carry.
struct ByteLevelPreTokenizer: PreTokenizer {
    static let gpt2Pattern = #"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"#
    // The pattern is a constant known to compile.
    private static let gpt2Split = SplitPreTokenizer(
        pattern: try! SplitPattern(regex: gpt2Pattern), behavior: .isolated, invert: false)

    let addPrefixSpace: Bool
    let useRegex: Bool

    func split(_ piece: [Unicode.Scalar]) -> [[Unicode.Scalar]] {
        var text = piece
        if addPrefixSpace, text.first != " " { text.insert(" ", at: 0) }
        let words = useRegex ? Self.gpt2Split.split(text) : [text]
        return words.map(ByteLevelAlphabet.encode)
    }
}
