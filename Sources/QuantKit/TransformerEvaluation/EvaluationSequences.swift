import Foundation

/// The token-id sequences a transformer evaluation runs, one per text line or per row of an
/// id array, each at most `maxLength` tokens: longer ones are cut to `maxLength` (counted in
/// `truncated`, and said in `notes`) or refused, as the caller asks.
public struct EvaluationSequences: Sendable, Equatable {
    public let sequences: [[Int]]
    /// What they were read from, for the report (`eval.txt: 300 texts, 4 210 tokens`).
    public let origin: String
    public let maxLength: Int
    /// How many sequences were cut to `maxLength`.
    public let truncated: Int

    /// One sentence for the report when any sequence was truncated.
    public var notes: [String] {
        truncated == 0 ? [] : ["\(truncated) of \(sequences.count) sequences were truncated to \(maxLength) tokens."]
    }

    /// Every line of the UTF-8 text at `textPath` (`textLines`) encoded by `tokenizer` with its
    /// special tokens, without its padding or its own truncation. A line of more than
    /// `maxLength` ids is encoded again truncated to `maxLength` (the tokenizer's truncation,
    /// which keeps the special tokens), or refused unless `truncate`.
    /// - Throws: `FileError`s naming the text file (unreadable, not UTF-8, no line, a line too
    ///   long: `EvaluationInputError`) or the tokenizer file.
    public init(textPath: String, tokenizer: Tokenizer, tokenizerPath: String, maxLength: Int, truncate: Bool) throws {
        let lines: [String]
        do {
            let file = try ReadOnlyFile(path: textPath)
            lines = try textLines(try file.readBytes(at: 0, count: Int(clamping: file.size)))
        } catch {
            throw FileError(path: textPath, error)
        }
        var whole = tokenizer
        whole.removePadding()
        whole.truncation = nil
        var cut = whole
        cut.truncation = Truncation(maxLength: maxLength)
        var sequences: [[Int]] = []
        var truncated = 0
        for (index, line) in lines.enumerated() {
            do {
                var ids = try whole.encode(line).ids
                if ids.count > maxLength {
                    guard truncate else { throw FileError(path: textPath, EvaluationInputError.tooLong(line: index + 1, tokens: ids.count, maxLength: maxLength)) }
                    ids = try cut.encode(line).ids
                    truncated += 1
                }
                guard !ids.isEmpty else { throw FileError(path: textPath, EvaluationInputError.noTokens(line: index + 1)) }
                sequences.append(ids)
            } catch let error as TokenizationError {
                throw FileError(path: tokenizerPath, error)
            }
        }
        try self.init(sequences: sequences, origin: textPath, unit: "texts", maxLength: maxLength, truncated: truncated)
    }

    /// The rows of the integer array at `tokensPath`: `[N, L]` (a row's ids end at its first
    /// negative value, the padding `quantize tokenize` writes) or `[L]` (one sequence), int32 or
    /// int64. A row longer than `maxLength` is cut to its first `maxLength` ids, or refused
    /// unless `truncate`.
    /// - Throws: `FileError`s naming the file: unreadable, not NPY, not integers of rank 1 or 2,
    ///   no rows, a row without ids, a row too long (`EvaluationInputError`).
    public init(tokensPath: String, maxLength: Int, truncate: Bool) throws {
        let tensor: Tensor
        do {
            let file = try ReadOnlyFile(path: tokensPath)
            tensor = try readNPY(bytes: try file.readBytes(at: 0, count: Int(clamping: file.size)))
        } catch {
            throw FileError(path: tokensPath, error)
        }
        let ids: [Int] = switch tensor.dtype {
        case .int32: tensor.int32Values().map(Int.init)
        case .int64: tensor.int64Values().map(Int.init)
        default: throw FileError(path: tokensPath, EvaluationInputError.notTokenIDs(dtype: tensor.dtype, shape: tensor.shape))
        }
        guard (1 ... 2).contains(tensor.shape.count) else {
            throw FileError(path: tokensPath, EvaluationInputError.notTokenIDs(dtype: tensor.dtype, shape: tensor.shape))
        }
        let width = tensor.shape.last!
        let rows = tensor.shape.count == 1 ? 1 : tensor.shape[0]
        var sequences: [[Int]] = []
        var truncated = 0
        for row in 0 ..< rows {
            var sequence = Array(ids[row * width ..< (row + 1) * width].prefix { $0 >= 0 })
            guard !sequence.isEmpty else { throw FileError(path: tokensPath, EvaluationInputError.noTokens(line: row + 1)) }
            if sequence.count > maxLength {
                guard truncate else { throw FileError(path: tokensPath, EvaluationInputError.tooLong(line: row + 1, tokens: sequence.count, maxLength: maxLength)) }
                sequence.removeLast(sequence.count - maxLength)
                truncated += 1
            }
            sequences.append(sequence)
        }
        try self.init(sequences: sequences, origin: tokensPath, unit: "sequences", maxLength: maxLength, truncated: truncated)
    }

    private init(sequences: [[Int]], origin: String, unit: String, maxLength: Int, truncated: Int) throws {
        guard !sequences.isEmpty else { throw FileError(path: origin, EvaluationInputError.empty) }
        self.sequences = sequences
        self.origin = "\(origin): \(sequences.count) \(unit), \(sequences.reduce(0) { $0 + $1.count }) tokens"
        self.maxLength = maxLength
        self.truncated = truncated
    }
}

/// Why an evaluation's texts or token ids cannot be run.
public enum EvaluationInputError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Line (or row) `line`, 1-based, has more tokens than the model takes, and truncation was refused.
    case tooLong(line: Int, tokens: Int, maxLength: Int)
    case noTokens(line: Int)
    case notTokenIDs(dtype: DType, shape: [Int])
    case empty

    public var description: String {
        switch self {
        case .tooLong(let line, let tokens, let maxLength):
            "line \(line) has \(tokens) tokens, more than the maximum length \(maxLength), and truncation was refused"
        case .noTokens(let line): "line \(line) has no tokens"
        case .notTokenIDs(let dtype, let shape):
            "token ids must be an int32 or int64 array [N, L] or [L], not \(dtype.rawValue) \(formatShape(shape))"
        case .empty: "no texts to evaluate"
        }
    }
}
