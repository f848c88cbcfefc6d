/// `models::WordPiece`: greedy longest-match-first subwords.
///
/// From the start of the word, take the longest prefix in the vocabulary; then, from where it
/// ended, the longest continuation spelled with the `##` prefix; and so on. If some position
/// has no match, or the word has more than `maxInputCharsPerWord` scalars, the whole word is
/// the unknown token. Lengths are in scalars, as Rust's `chars().nonNegativeInteger()`.
struct WordPieceModel: TokenizationModel {
    let vocabulary: [String: Int]
    let unknownTokenID: Int
    let continuingSubwordPrefix: String
    let maxInputCharsPerWord: Int

    var vocabularySize: Int { vocabulary.count }

    func id(of token: String) -> Int? {
        vocabulary[token]
    }

    func tokenize(_ word: [Unicode.Scalar]) -> [Int] {
        guard word.count <= maxInputCharsPerWord else { return [unknownTokenID] }
        var ids: [Int] = []
        var start = 0
        while start < word.count {
            var end = word.count
            var found: Int?
            while start < end {
                var piece = start > 0 ? continuingSubwordPrefix : ""
                piece.unicodeScalars.append(contentsOf: word[start ..< end])
                if let id = vocabulary[piece] {
                    found = id
                    break
                }
                end -= 1
            }
            guard let id = found else { return [unknownTokenID] }
            ids.append(id)
            start = end
        }
        return ids
    }
}
