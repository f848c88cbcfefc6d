/// Why a `tokenizer.json` cannot be used; `description` is one human sentence. The file's path
/// is added by whoever wraps the error in a `FileError` (`Tokenizer.load(path:)`).
///
/// Keys are JSON paths as `tokenizers` spells them: `model.vocab`, `pre_tokenizer.pretokenizers[1].type`.
public enum TokenizerFileError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The bytes are not JSON (Foundation's reason).
    case notJSON(String)
    /// Arrays and objects nest deeper than `limit` (checked before parsing).
    case nestedTooDeep(limit: Int)
    /// A key the loader needs is absent.
    case missingKey(String)
    /// A value of the wrong JSON type: `expected` names the type wanted.
    case wrongType(key: String, expected: String)
    /// A component kind (`type`) that is not implemented here: refused, never skipped.
    case unsupportedKind(key: String, kind: String)
    /// An option of a supported component set to a value that is not implemented here.
    case unsupportedOption(key: String, value: String)
    /// A value that is well-typed but wrong: a merge naming a token the vocabulary lacks,
    /// a regex that does not compile, a template naming an undeclared special token.
    case invalidValue(key: String, reason: String)

    public var description: String {
        switch self {
        case .notJSON(let reason):
            "not a tokenizer.json: the file is not JSON (\(reason))"
        case .nestedTooDeep(let limit):
            "not a tokenizer.json: arrays and objects nest deeper than \(limit) levels"
        case .missingKey(let key):
            "missing key '\(key.escapedForMessage)'"
        case .wrongType(let key, let expected):
            "'\(key.escapedForMessage)' must be \(expected)"
        case .unsupportedKind(let key, let kind):
            "'\(key.escapedForMessage)' is '\(kind.escapedForMessage)', which quantize does not implement"
        case .unsupportedOption(let key, let value):
            "'\(key.escapedForMessage)' = \(value.escapedForMessage) is not implemented"
        case .invalidValue(let key, let reason):
            "'\(key.escapedForMessage)': \(reason.escapedForMessage)"
        }
    }
}

/// Why a text cannot be encoded with the options asked for.
public enum TokenizationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The maximum length leaves no room for the post-processor's special tokens.
    case maxLengthBelowSpecialTokens(maxLength: Int, specialTokens: Int)

    public var description: String {
        switch self {
        case .maxLengthBelowSpecialTokens(let maxLength, let specialTokens):
            "a maximum length of \(maxLength) tokens leaves no room for the \(specialTokens) special tokens "
                + "the template adds"
        }
    }
}
