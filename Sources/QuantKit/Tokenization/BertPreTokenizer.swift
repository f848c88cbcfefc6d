/// `pre_tokenizers::BertPreTokenizer`: split on whitespace (removed), then isolate every
/// punctuation character (`isBertPunctuation`) as a word of its own.
struct BertPreTokenizer: PreTokenizer {
    func split(_ piece: [Unicode.Scalar]) -> [[Unicode.Scalar]] {
        var words: [[Unicode.Scalar]] = []
        var word: [Unicode.Scalar] = []
        for scalar in piece {
            if scalar.properties.isWhitespace {
                if !word.isEmpty { words.append(word); word = [] }
            } else if scalar.isBertPunctuation {
                if !word.isEmpty { words.append(word); word = [] }
                words.append([scalar])
            } else {
                word.append(scalar)
            }
        }
        if !word.isEmpty { words.append(word) }
        return words
    }
}
