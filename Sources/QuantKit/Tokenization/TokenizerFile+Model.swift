import Foundation

/// Reading the `model` of a `tokenizer.json`.
///
/// Kinds implemented: `WordPiece` and `BPE` (without dropout, continuing-subword prefix or
/// end-of-word suffix, which are refused). `Unigram` and `WordLevel` are refused.
enum ModelReader {
    typealias Make = @Sendable (JSONField) throws(TokenizerFileError) -> any TokenizationModel

    /// The kinds, by the word `tokenizers` writes in `type`.
    static let kinds: [String: Make] = ["WordPiece": readWordPiece, "BPE": readBPE]

    static func read(_ field: JSONField) throws(TokenizerFileError) -> any TokenizationModel {
        // `tokenizers` accepts a model without `type` when its fields tell the kind; this loader
        // asks for the `type` every file `tokenizers` writes has.
        let kind = try field.kind()
        guard let make = kinds[kind] else { throw .unsupportedKind(key: field.key + ".type", kind: kind) }
        return try make(field)
    }

    /// `vocab`: an object from token to id.
    static func vocabulary(_ field: JSONField) throws(TokenizerFileError) -> [String: Int] {
        let vocab = try field["vocab"]
        var vocabulary: [String: Int] = [:]
        for (token, id) in try vocab.object() {
            vocabulary[token] = try JSONField(key: "\(vocab.key).\(token)", value: id).nonNegativeInteger()
        }
        return vocabulary
    }

    private static func readWordPiece(_ field: JSONField) throws(TokenizerFileError) -> any TokenizationModel {
        let vocabulary = try vocabulary(field)
        let unknown = try field.optional("unk_token")?.string() ?? "[UNK]"
        guard let unknownTokenID = vocabulary[unknown] else {
            throw .invalidValue(key: field.key + ".unk_token", reason: "'\(unknown)' is not in the vocabulary")
        }
        return WordPieceModel(
            vocabulary: vocabulary, unknownTokenID: unknownTokenID,
            continuingSubwordPrefix: try field.optional("continuing_subword_prefix")?.string() ?? "##",
            maxInputCharsPerWord: try field.optional("max_input_chars_per_word")?.nonNegativeInteger() ?? 100)
    }

    private static func readBPE(_ field: JSONField) throws(TokenizerFileError) -> any TokenizationModel {
        if let dropout = try field.optional("dropout"), (dropout.value as? NSNumber)?.doubleValue != 0 {
            throw .unsupportedOption(key: dropout.key, value: "\(dropout.value)")
        }
        for name in ["continuing_subword_prefix", "end_of_word_suffix"] {
            if let option = try field.optional(name), try option.string() != "" {
                throw .unsupportedOption(key: option.key, value: "'\(try option.string())'")
            }
        }
        let vocabulary = try vocabulary(field)
        var unknownTokenID: Int?
        if let unknown = try field.optional("unk_token") {
            // `tokenizers` only fails when an unknown character meets a missing unk token; a
            // file naming one it lacks is refused here at once.
            guard let id = vocabulary[try unknown.string()] else {
                throw .invalidValue(key: unknown.key, reason: "'\(try unknown.string())' is not in the vocabulary")
            }
            unknownTokenID = id
        }
        return BPEModel(vocabulary: vocabulary, merges: try merges(field, vocabulary: vocabulary),
                        unknownTokenID: unknownTokenID, fuseUnknown: try field.optional("fuse_unk")?.bool() ?? false,
                        byteFallback: try field.optional("byte_fallback")?.bool() ?? false,
                        ignoreMerges: try field.optional("ignore_merges")?.bool() ?? false)
    }

    /// `merges`: `"a b"` strings (exactly one space; `#version` lines skipped) or `["a", "b"]`
    /// pairs; each token and their concatenation must be in the vocabulary. Rank = position.
    private static func merges(_ field: JSONField, vocabulary: [String: Int]) throws(TokenizerFileError) -> BPEMerges {
        var merges = BPEMerges()
        var rank = 0
        for entry in try field["merges"].array() {
            let pair: [String]
            if let line = entry.value as? String {
                if line.hasPrefix("#version") { continue }
                pair = line.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
            } else {
                pair = try entry.array().map { element throws(TokenizerFileError) in try element.string() }
            }
            guard pair.count == 2 else {
                throw .invalidValue(key: entry.key, reason: "a merge must be two tokens ('a b' or [\"a\", \"b\"])")
            }
            guard let left = vocabulary[pair[0]], let right = vocabulary[pair[1]],
                  let merged = vocabulary[pair[0] + pair[1]] else {
                throw .invalidValue(key: entry.key, reason: "the merge '\(pair[0]) \(pair[1])' names a token not in the vocabulary")
            }
            merges.add(left: left, right: right, rank: rank, mergedID: merged)
            rank += 1
        }
        return merges
    }
}
