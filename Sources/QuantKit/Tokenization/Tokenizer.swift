/// A tokenizer read from a Hugging Face `tokenizer.json`, encoding text to the ids the Python
/// `tokenizers` package (0.23) gives, id for id.
///
/// The pipeline is `tokenizers`' `encode`: find the added tokens in the raw text
/// (`AddedVocabulary`), normalize the text between them (`TextNormalizer`), cut it into words
/// (`PreTokenizer`), turn each word into ids (`TokenizationModel`: WordPiece or BPE), truncate
/// (`truncation`), add the special tokens (`PostProcessor`), pad (`padding`).
///
/// Only single sequences are encoded (no pairs), and only ids, type ids and attention masks are
/// produced (no offsets, no decoding: the file's `decoder` is not read).
public struct Tokenizer: Sendable {
    let addedVocabulary: AddedVocabulary
    let normalizer: (any TextNormalizer)?
    let preTokenizer: (any PreTokenizer)?
    let model: any TokenizationModel
    let postProcessor: (any PostProcessor)?
    /// The file's truncation; replace it to truncate to another length, or set nil to keep every token.
    public var truncation: Truncation?
    /// The file's padding; nil pads nothing.
    var padding: Padding?

    /// Whether the file asks for padding (`removePadding()` turns it off).
    public var pads: Bool { padding != nil }

    public mutating func removePadding() {
        padding = nil
    }

    /// The ids of `text` (with the post-processor's special tokens unless `addSpecialTokens` is false),
    /// truncated and padded as the tokenizer says.
    public func encode(_ text: String, addSpecialTokens: Bool = true) throws(TokenizationError) -> Encoding {
        var ids: [Int] = []
        for piece in addedVocabulary.pieces(of: Array(text.unicodeScalars), normalizer: normalizer) {
            switch piece {
            case .token(let id):
                ids.append(id)
            case .text(let text):
                for word in preTokenizer?.split(text) ?? [text] where !word.isEmpty {
                    ids += model.tokenize(word)
                }
            }
        }
        let processor = addSpecialTokens ? postProcessor : nil
        if let truncation {
            ids = try truncation.truncated(ids, specialTokens: processor?.addedTokenCount ?? 0)
        }
        var encoding = Encoding(ids: ids)
        if let processor { encoding = processor.process(encoding) }
        if let padding { encoding = padding.padded(encoding) }
        return encoding
    }
}
