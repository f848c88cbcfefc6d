/// A `tokenizers` pre-tokenizer: splits one piece of normalized text into the words the model
/// tokenizes separately (and may rewrite them, as ByteLevel does). Empty words are dropped by
/// the caller, as `PreTokenizedString::split` drops them.
protocol PreTokenizer: Sendable {
    func split(_ piece: [Unicode.Scalar]) -> [[Unicode.Scalar]]
}

/// `pre_tokenizers::Sequence`: each pre-tokenizer applied to every word the previous one made.
struct PreTokenizerSequence: PreTokenizer {
    let preTokenizers: [any PreTokenizer]

    func split(_ piece: [Unicode.Scalar]) -> [[Unicode.Scalar]] {
        preTokenizers.reduce([piece]) { words, preTokenizer in
            words.flatMap { preTokenizer.split($0).filter { !$0.isEmpty } }
        }
    }
}
