/// The added tokens of a tokenizer and how `tokenizers`' `AddedVocabulary` finds them.
///
/// Matching is leftmost-longest and non-overlapping (the Aho-Corasick `LeftmostLongest` of the
/// Rust code): the earliest position where some token matches wins, the longest token there,
/// and the search resumes after it. The raw text is searched for the tokens with
/// `normalized: false`; the normalizer then runs on each piece between them, and the
/// normalized pieces are searched for the others (against their normalized content).
struct AddedVocabulary: Sendable {
    /// A piece of the text: an added token's id, or text still to tokenize.
    enum Piece: Equatable {
        case token(Int)
        case text([Unicode.Scalar])
    }

    let tokens: [AddedToken]
    private let rawMatcher: AddedTokenMatcher
    private let normalizedMatcher: AddedTokenMatcher

    /// The tokens, each with the id `tokenizers` gives it (see `assigningIDs`).
    init(tokens: [AddedToken], normalizer: (any TextNormalizer)?) {
        self.tokens = tokens
        rawMatcher = AddedTokenMatcher(tokens.filter { !$0.normalized }.map { (Array($0.content.unicodeScalars), $0) })
        normalizedMatcher = AddedTokenMatcher(tokens.filter(\.normalized).map { token in
            let content = Array(token.content.unicodeScalars)
            return (normalizer?.normalize(content) ?? content, token)
        })
    }

    /// `text` cut at the added tokens, the text pieces normalized; empty pieces dropped.
    func pieces(of text: [Unicode.Scalar], normalizer: (any TextNormalizer)?) -> [Piece] {
        rawMatcher.split(text).flatMap { piece -> [Piece] in
            guard case .text(let raw) = piece else { return [piece] }
            return normalizedMatcher.split(normalizer?.normalize(raw) ?? raw)
        }
    }

    /// The ids `tokenizers` gives added tokens read from a file (`AddedVocabulary::add_tokens`),
    /// in file order: the id of a token already added with that content, else its id in the
    /// model's vocabulary, else the next free id from the vocabulary size up. The `id` written in
    /// the file is not used (`tokenizers` only warns when it differs). Empty contents and exact
    /// repeats are skipped; a later entry with the same content replaces the earlier one.
    static func assigningIDs(_ entries: [AddedToken], model: any TokenizationModel) -> [AddedToken] {
        var idOfContent: [String: Int] = [:]
        var tokenOfID: [Int: AddedToken] = [:]
        var nextID = model.vocabularySize
        for entry in entries where !entry.content.isEmpty {
            if let id = idOfContent[entry.content], tokenOfID[id] == entry.with(id: id) { continue }
            let id: Int
            if let known = idOfContent[entry.content] ?? model.id(of: entry.content) {
                id = known
            } else {
                id = nextID
                nextID += 1
            }
            idOfContent[entry.content] = id
            tokenOfID[id] = entry.with(id: id)
        }
        return tokenOfID.values.sorted { $0.id < $1.id }
    }
}

extension AddedToken {
    func with(id: Int) -> AddedToken {
        var token = AddedToken(content: content, id: id)
        (token.singleWord, token.lstrip, token.rstrip) = (singleWord, lstrip, rstrip)
        (token.normalized, token.special) = (normalized, special)
        return token
    }
}
