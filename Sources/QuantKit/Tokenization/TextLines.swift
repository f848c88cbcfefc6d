/// Why a text file cannot be tokenized line by line.
public enum TextFileError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The bytes at `offset` are not UTF-8.
    case invalidUTF8(offset: Int)
    /// The file holds no line at all.
    case noLines

    public var description: String {
        switch self {
        case .invalidUTF8(let offset): "not UTF-8 text: invalid byte sequence at byte offset \(offset)"
        case .noLines: "the text file is empty: there is no line to tokenize"
        }
    }
}

/// The lines of UTF-8 text `bytes`, split on "\n" only (a line keeps any "\r", U+0085 or U+2028
/// it holds, as `tokenizers` would see them); a final "\n" ends the last line rather than
/// starting an empty one. A byte order mark is text like any other (BERT's normalizer drops it).
public func textLines(_ bytes: [UInt8]) throws(TextFileError) -> [String] {
    var iterator = bytes.makeIterator()
    var decoder = UTF8()
    var lines: [String] = []
    var line = String.UnicodeScalarView()
    var offset = 0
    decoding: while true {
        switch decoder.decode(&iterator) {
        case .scalarValue(let scalar):
            offset += UTF8.width(scalar)
            if scalar == "\n" {
                lines.append(String(line))
                line = String.UnicodeScalarView()
            } else {
                line.append(scalar)
            }
        case .emptyInput:
            break decoding
        case .error:
            throw .invalidUTF8(offset: offset)
        }
    }
    if !line.isEmpty { lines.append(String(line)) }
    guard !lines.isEmpty else { throw .noLines }
    return lines
}
