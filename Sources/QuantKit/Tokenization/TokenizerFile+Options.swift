import Foundation

/// Reading `added_tokens`, `truncation` and `padding` of a `tokenizer.json`.
enum TokenizerOptionsReader {
    /// `added_tokens`: objects with `id`, `content` and the flags `single_word`, `lstrip`,
    /// `rstrip`, `normalized`, `special`, all required (as `tokenizers`' deserializer requires
    /// them); `id` is checked but not used (see `AddedVocabulary.assigningIDs`).
    static func addedTokens(_ field: JSONField?) throws(TokenizerFileError) -> [AddedToken] {
        guard let field else { return [] }
        return try field.array().map { entry throws(TokenizerFileError) in
            _ = try entry["id"].nonNegativeInteger()
            return AddedToken(content: try entry["content"].string(), id: 0,
                              singleWord: try entry["single_word"].bool(), lstrip: try entry["lstrip"].bool(),
                              rstrip: try entry["rstrip"].bool(), normalized: try entry["normalized"].bool(),
                              special: try entry["special"].bool())
        }
    }

    /// `truncation`: `max_length`, `direction` (`Right` when absent), `strategy` `LongestFirst`
    /// or `OnlyFirst` (the same for one sequence; `OnlySecond` is refused), `stride` (any).
    static func truncation(_ field: JSONField?) throws(TokenizerFileError) -> Truncation? {
        guard let field else { return nil }
        if let strategy = try field.optional("strategy"), !["LongestFirst", "OnlyFirst"].contains(try strategy.string()) {
            throw .unsupportedOption(key: strategy.key, value: "'\(try strategy.string())'")
        }
        _ = try field.optional("stride")?.nonNegativeInteger()
        let direction = try field.optional("direction").map { field throws(TokenizerFileError) in
            try enumValue(Truncation.Direction.self, field)
        }
        return Truncation(maxLength: try field["max_length"].nonNegativeInteger(), direction: direction ?? .right)
    }

    /// `padding`: `strategy` `"BatchLongest"` or `{"Fixed": n}`, `direction`, `pad_to_multiple_of`,
    /// `pad_id`, `pad_type_id` (`pad_token` is only the text of `pad_id`).
    static func padding(_ field: JSONField?) throws(TokenizerFileError) -> Padding? {
        guard let field else { return nil }
        let strategy = try field["strategy"]
        var length: Int?
        if let word = strategy.value as? String {
            guard word == "BatchLongest" else { throw .unsupportedOption(key: strategy.key, value: "'\(word)'") }
        } else {
            length = try strategy["Fixed"].nonNegativeInteger()
        }
        let direction = try field.optional("direction").map { field throws(TokenizerFileError) in
            try enumValue(Padding.Direction.self, field)
        }
        return Padding(length: length, multiple: try field.optional("pad_to_multiple_of")?.nonNegativeInteger(),
                       direction: direction ?? .right, padID: try field.optional("pad_id")?.nonNegativeInteger() ?? 0,
                       padTypeID: try field.optional("pad_type_id")?.nonNegativeInteger() ?? 0)
    }

    private static func enumValue<Value: RawRepresentable<String>>(_ type: Value.Type, _ field: JSONField)
        throws(TokenizerFileError) -> Value {
        let word = try field.string()
        guard let value = Value(rawValue: word) else { throw .unsupportedOption(key: field.key, value: "'\(word)'") }
        return value
    }
}
