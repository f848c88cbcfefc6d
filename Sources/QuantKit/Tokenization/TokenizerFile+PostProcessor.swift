/// Reading the `post_processor` of a `tokenizer.json`.
///
/// Kinds implemented: `TemplateProcessing` (its `single` template), `BertProcessing`,
/// `RobertaProcessing`, `ByteLevel`, `Sequence`. Any other kind is refused.
enum PostProcessorReader {
    typealias Make = @Sendable (JSONField) throws(TokenizerFileError) -> any PostProcessor

    /// The kinds, by the word `tokenizers` writes in `type`.
    static let kinds: [String: Make] = [
        "TemplateProcessing": readTemplate, "BertProcessing": readClassicPair, "RobertaProcessing": readClassicPair,
        "ByteLevel": readByteLevel, "Sequence": readSequence,
    ]

    static func read(_ field: JSONField) throws(TokenizerFileError) -> any PostProcessor {
        let kind = try field.kind()
        guard let make = kinds[kind] else { throw .unsupportedKind(key: field.key + ".type", kind: kind) }
        return try make(field)
    }

    private static func readByteLevel(_ field: JSONField) throws(TokenizerFileError) -> any PostProcessor {
        ByteLevelPostProcessor()
    }

    private static func readSequence(_ field: JSONField) throws(TokenizerFileError) -> any PostProcessor {
        var processors: [any PostProcessor] = []
        for member in try field["processors"].array() { processors.append(try read(member)) }
        return PostProcessorSequence(processors: processors)
    }

    /// `single`: pieces `{"SpecialToken": {"id": name, "type_id": n}}` (ids from
    /// `special_tokens[name].ids`) or `{"Sequence": {"id": "A", "type_id": n}}`.
    private static func readTemplate(_ field: JSONField) throws(TokenizerFileError) -> any PostProcessor {
        let specialTokens = try field["special_tokens"]
        var single: [TemplateProcessing.Piece] = []
        for piece in try field["single"].array() {
            if let special = try piece.optional("SpecialToken") {
                let name = try special["id"].string()
                guard let declared = try specialTokens.optional(name) else {
                    throw .invalidValue(key: special.key + ".id", reason: "'\(name)' is not in special_tokens")
                }
                let ids = try declared["ids"].array().map { id throws(TokenizerFileError) in try id.nonNegativeInteger() }
                single.append(.specialTokens(ids: ids, typeID: try special["type_id"].nonNegativeInteger()))
            } else if let sequence = try piece.optional("Sequence") {
                let name = try sequence["id"].string()
                guard name == "A" else {
                    throw .invalidValue(key: sequence.key + ".id", reason: "a single-sequence template can only hold A, not '\(name)'")
                }
                single.append(.sequence(typeID: try sequence["type_id"].nonNegativeInteger()))
            } else {
                throw .wrongType(key: piece.key, expected: "{\"SpecialToken\": ...} or {\"Sequence\": ...}")
            }
        }
        return TemplateProcessing(single: single)
    }

    /// `BertProcessing` / `RobertaProcessing`: `cls` and `sep` are `[token, id]`; the single
    /// template is `cls $A sep`, all of type 0.
    private static func readClassicPair(_ field: JSONField) throws(TokenizerFileError) -> any PostProcessor {
        func id(_ name: String) throws(TokenizerFileError) -> Int {
            let pair = try field[name].array()
            guard pair.count == 2 else { throw .wrongType(key: field.key + "." + name, expected: "[token, id]") }
            _ = try pair[0].string()
            return try pair[1].nonNegativeInteger()
        }
        return TemplateProcessing(single: [.specialTokens(ids: [try id("cls")], typeID: 0), .sequence(typeID: 0),
                                           .specialTokens(ids: [try id("sep")], typeID: 0)])
    }
}
