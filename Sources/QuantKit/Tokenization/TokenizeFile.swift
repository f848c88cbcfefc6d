import Foundation

/// What `tokenizeFile` wrote.
public struct TokenizedFile: Sendable, Equatable {
    public let lines: Int
    /// Ids over all lines (special tokens included).
    public let tokens: Int
    /// The ids of the longest line: the second dimension of the array.
    public let longest: Int
}

/// Encodes every line of the UTF-8 text at `textPath` (see `textLines`) with `tokenizer` and
/// writes the ids to `outputPath` as one NumPy int32 array of shape `[lines, longest]`, row `i`
/// holding line `i`'s ids and then -1 up to the longest row's length (-1 is never an id, so a
/// row's length is its count of ids >= 0, and its attention mask is `ids >= 0`).
///
/// The tokenizer's own padding is not applied (set it aside with `removePadding()`; the rows are
/// filled with -1 instead); its truncation is. Through an `AtomicOutput`: nothing is written
/// when anything fails.
public func tokenizeFile(tokenizer: Tokenizer, tokenizerPath: String, textPath: String, outputPath: String,
                         addSpecialTokens: Bool, overwrite: Bool) throws -> TokenizedFile {
    let lines: [String]
    do {
        let file = try ReadOnlyFile(path: textPath)
        lines = try textLines(try file.readBytes(at: 0, count: Int(clamping: file.size)))
    } catch {
        throw FileError(path: textPath, error)
    }
    var rows: [[Int]] = []
    rows.reserveCapacity(lines.count)
    do {
        for line in lines { rows.append(try tokenizer.encode(line, addSpecialTokens: addSpecialTokens).ids) }
    } catch {
        throw FileError(path: tokenizerPath, error)
    }
    let longest = rows.map(\.count).max() ?? 0
    var bytes = encodeNPYHeader(dtype: .int32, shape: [rows.count, longest])
    bytes.reserveCapacity(bytes.count + 4 * rows.count * longest)
    for row in rows {
        for id in row + Array(repeating: -1, count: longest - row.count) {
            withUnsafeBytes(of: Int32(truncatingIfNeeded: id).littleEndian) { bytes += $0 }
        }
    }
    let output = try AtomicOutput(destination: outputPath, overwrite: overwrite, inputs: [textPath, tokenizerPath])
    defer { output.discard() }
    try writeAndCommit(bytes, to: output, path: outputPath)
    return TokenizedFile(lines: rows.count, tokens: rows.reduce(0) { $0 + $1.count }, longest: longest)
}
