import Foundation

/// The token sequences a method is calibrated on through a transformer, with how many were cut
/// to the model's `max_position_embeddings`.
public struct CalibrationSequences: Sendable, Equatable {
    public let batch: TokenBatch
    /// Sequences longer than the model takes, truncated to `maxPositions` tokens (special tokens
    /// included), for the report to say so.
    public let truncated: Int

    public var sequenceCount: Int { batch.sequences.count }
    public var tokenCount: Int { batch.lengths.reduce(0, +) }

    /// Every non-empty line of the UTF-8 text file `path`, encoded by `tokenizer` (the special
    /// tokens added, no padding) and truncated to `maxPositions` tokens as the tokenizer
    /// truncates.
    /// - Throws: `FileError` around `TextFileError` or `TokenizationError`, naming `path`.
    public init(textFile path: String, tokenizer: Tokenizer, maxPositions: Int) throws(FileError) {
        var whole = tokenizer, cut = tokenizer
        whole.truncation = nil
        whole.removePadding()
        cut.truncation = Truncation(maxLength: maxPositions)
        cut.removePadding()
        var sequences: [[Int]] = []
        var truncated = 0
        do {
            let file = try ReadOnlyFile(path: path)
            for line in try textLines(try file.readBytes(at: 0, count: Int(clamping: file.size))) where !line.isEmpty {
                var ids = try whole.encode(line).ids
                if ids.count > maxPositions {
                    ids = try cut.encode(line).ids
                    truncated += 1
                }
                sequences.append(ids)
            }
        } catch {
            throw FileError(path: path, error)
        }
        self.init(batch: TokenBatch(sequences), truncated: truncated)
    }

    public init(batch: TokenBatch, truncated: Int = 0) {
        self.batch = batch
        self.truncated = truncated
    }
}
