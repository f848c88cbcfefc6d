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

extension CalibrationSequences {
    /// The rows of the integer `.npy` file `path` (`[sequences, length]`, int32 or int64, as
    /// `quantize tokenize` writes them), each row's ids up to its first negative one (padding).
    /// - Throws: `FileError` naming `path` around `CalibrationTokensError` for a file that is not
    ///   a 2-D integer array, a row with no id, or a row longer than `maxPositions`.
    public init(tokenFile path: String, maxPositions: Int) throws {
        let source = try NPYFileSource(path: path)
        let tensor = try source.load(source.tensors[0].name)
        let ids: [Int]
        switch tensor.dtype {
        case .int32: ids = tensor.int32Values().map(Int.init)
        case .int64: ids = tensor.int64Values().map(Int.init)
        default: throw FileError(path: path, CalibrationTokensError.notIntegerRows(shape: tensor.shape, dtype: tensor.dtype))
        }
        guard tensor.shape.count == 2, tensor.shape[1] > 0 else {
            throw FileError(path: path, CalibrationTokensError.notIntegerRows(shape: tensor.shape, dtype: tensor.dtype))
        }
        let width = tensor.shape[1]
        let sequences = (0 ..< tensor.shape[0]).map { row in Array(ids[row * width ..< (row + 1) * width].prefix { $0 >= 0 }) }
        if let row = sequences.firstIndex(where: \.isEmpty) { throw FileError(path: path, CalibrationTokensError.emptyRow(row)) }
        if let row = sequences.firstIndex(where: { $0.count > maxPositions }) {
            throw FileError(path: path, CalibrationTokensError.rowTooLong(row: row, length: sequences[row].count, maxPositions: maxPositions))
        }
        self.init(batch: TokenBatch(sequences))
    }
}

/// Why a `.npy` file of token ids cannot calibrate a transformer.
public enum CalibrationTokensError: Error, Equatable, Sendable, CustomStringConvertible {
    case notIntegerRows(shape: [Int], dtype: DType)
    case emptyRow(Int)
    case rowTooLong(row: Int, length: Int, maxPositions: Int)

    public var description: String {
        switch self {
        case .notIntegerRows(let shape, let dtype):
            "token ids must be a 2-D int32 or int64 array [sequences, length], not \(dtype.rawValue) \(formatShape(shape))"
        case .emptyRow(let row):
            "row \(row) holds no token id (negative ids are padding)"
        case .rowTooLong(let row, let length, let maxPositions):
            "row \(row) holds \(length) token ids, more than the model's \(maxPositions) positions (max_position_embeddings)"
        }
    }
}
