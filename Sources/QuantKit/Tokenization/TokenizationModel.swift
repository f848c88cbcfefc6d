/// A `tokenizers` model: turns one pre-tokenized word into token ids.
protocol TokenizationModel: Sendable {
    /// The ids of `word` (non-empty).
    func tokenize(_ word: [Unicode.Scalar]) -> [Int]
    /// The id of a token of the vocabulary.
    func id(of token: String) -> Int?
    /// How many entries the vocabulary has (added tokens not in it get ids from here on).
    var vocabularySize: Int { get }
}
