/// Reading the `pre_tokenizer` of a `tokenizer.json`.
///
/// Kinds implemented: `BertPreTokenizer`, `ByteLevel`, `Split`, `Sequence`. Any other kind
/// (`Whitespace`, `Metaspace`, `Digits`, `Punctuation`, ...) is refused.
enum PreTokenizerReader {
    typealias Make = @Sendable (JSONField) throws(TokenizerFileError) -> any PreTokenizer

    /// The kinds, by the word `tokenizers` writes in `type`.
    static let kinds: [String: Make] = [
        "BertPreTokenizer": readBert, "ByteLevel": readByteLevel, "Split": readSplit, "Sequence": readSequence,
    ]

    static func read(_ field: JSONField) throws(TokenizerFileError) -> any PreTokenizer {
        let kind = try field.kind()
        guard let make = kinds[kind] else { throw .unsupportedKind(key: field.key + ".type", kind: kind) }
        return try make(field)
    }

    private static func readBert(_ field: JSONField) throws(TokenizerFileError) -> any PreTokenizer {
        BertPreTokenizer()
    }

    /// `ByteLevel`: `add_prefix_space` and `use_regex` (both true when absent); `trim_offsets`
    /// only moves offsets.
    private static func readByteLevel(_ field: JSONField) throws(TokenizerFileError) -> any PreTokenizer {
        _ = try field.optional("trim_offsets")?.bool()
        return ByteLevelPreTokenizer(addPrefixSpace: try field.optional("add_prefix_space")?.bool() ?? true,
                                     useRegex: try field.optional("use_regex")?.bool() ?? true)
    }

    private static func readSequence(_ field: JSONField) throws(TokenizerFileError) -> any PreTokenizer {
        var preTokenizers: [any PreTokenizer] = []
        for member in try field["pretokenizers"].array() { preTokenizers.append(try read(member)) }
        return PreTokenizerSequence(preTokenizers: preTokenizers)
    }

    /// `Split`: `pattern` is `{"Regex": ...}` or `{"String": ...}`; `behavior` and `invert` are required.
    private static func readSplit(_ field: JSONField) throws(TokenizerFileError) -> any PreTokenizer {
        let patternField = try field["pattern"]
        let pattern: SplitPattern
        do {
            if let regex = try patternField.optional("Regex") {
                pattern = try SplitPattern(regex: try regex.string())
            } else if let literal = try patternField.optional("String") {
                pattern = try SplitPattern(literal: try literal.string())
            } else {
                throw TokenizerFileError.wrongType(key: patternField.key, expected: "{\"Regex\": ...} or {\"String\": ...}")
            }
        } catch let error as TokenizerFileError {
            throw error
        } catch {
            throw .invalidValue(key: patternField.key, reason: "the regular expression does not compile")
        }
        let behaviorField = try field["behavior"]
        let word = try behaviorField.string()
        guard let behavior = SplitDelimiterBehavior(rawValue: word) else {
            throw .unsupportedKind(key: behaviorField.key, kind: word)
        }
        return SplitPreTokenizer(pattern: pattern, behavior: behavior, invert: try field["invert"].bool())
    }
}
