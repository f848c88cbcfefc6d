/// Reading the `normalizer` of a `tokenizer.json`.
///
/// Kinds implemented: `BertNormalizer`, `NFC`, `NFD`, `NFKC`, `NFKD`, `Lowercase`, `Sequence`.
/// Any other kind (`Precompiled`, `Replace`, `Strip`, `Prepend`, `StripAccents`, ...) is refused.
enum NormalizerReader {
    typealias Make = @Sendable (JSONField) throws(TokenizerFileError) -> any TextNormalizer

    /// The kinds, by the word `tokenizers` writes in `type`.
    static let kinds: [String: Make] = [
        "BertNormalizer": readBert, "Lowercase": readLowercase, "Sequence": readSequence,
        "NFC": readUnicodeForm, "NFD": readUnicodeForm, "NFKC": readUnicodeForm, "NFKD": readUnicodeForm,
    ]

    static func read(_ field: JSONField) throws(TokenizerFileError) -> any TextNormalizer {
        let kind = try field.kind()
        guard let make = kinds[kind] else { throw .unsupportedKind(key: field.key + ".type", kind: kind) }
        return try make(field)
    }

    /// `BertNormalizer`: the four options default as in `tokenizers` (`strip_accents` to null).
    private static func readBert(_ field: JSONField) throws(TokenizerFileError) -> any TextNormalizer {
        BertNormalizer(cleanText: try field.optional("clean_text")?.bool() ?? true,
                       handleChineseChars: try field.optional("handle_chinese_chars")?.bool() ?? true,
                       stripAccents: try field.optional("strip_accents")?.bool(),
                       lowercase: try field.optional("lowercase")?.bool() ?? true)
    }

    private static func readLowercase(_ field: JSONField) throws(TokenizerFileError) -> any TextNormalizer {
        LowercaseNormalizer()
    }

    private static func readUnicodeForm(_ field: JSONField) throws(TokenizerFileError) -> any TextNormalizer {
        // Only called for the four kinds whose names are forms.
        UnicodeNormalizer(form: UnicodeNormalizer.Form(rawValue: try field.kind())!)
    }

    private static func readSequence(_ field: JSONField) throws(TokenizerFileError) -> any TextNormalizer {
        var normalizers: [any TextNormalizer] = []
        for member in try field["normalizers"].array() { normalizers.append(try read(member)) }
        return NormalizerSequence(normalizers: normalizers)
    }
}
