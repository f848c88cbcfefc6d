/// Finds a set of added tokens in a text: leftmost-longest, non-overlapping, then the
/// `single_word`, `lstrip` and `rstrip` rules of `AddedVocabulary::find_matches`.
struct AddedTokenMatcher: Sendable {
    /// For each first scalar, the patterns starting with it, longest first.
    private let patternsByFirstScalar: [Unicode.Scalar: [(pattern: [Unicode.Scalar], token: AddedToken)]]

    init(_ patterns: [([Unicode.Scalar], AddedToken)]) {
        var byFirst: [Unicode.Scalar: [(pattern: [Unicode.Scalar], token: AddedToken)]] = [:]
        for (pattern, token) in patterns where !pattern.isEmpty {
            byFirst[pattern[0], default: []].append((pattern, token))
        }
        patternsByFirstScalar = byFirst.mapValues { $0.sorted { $0.pattern.count > $1.pattern.count } }
    }

    /// The raw matches, in order: at each position the longest pattern there, the search
    /// resuming at its end.
    func matches(in text: [Unicode.Scalar]) -> [(range: Range<Int>, token: AddedToken)] {
        guard !patternsByFirstScalar.isEmpty else { return [] }
        var found: [(range: Range<Int>, token: AddedToken)] = []
        var position = 0
        scan: while position < text.count {
            for candidate in patternsByFirstScalar[text[position]] ?? []
            where text.count - position >= candidate.pattern.count
                && text[position ..< position + candidate.pattern.count].elementsEqual(candidate.pattern) {
                found.append((position ..< position + candidate.pattern.count, candidate.token))
                position += candidate.pattern.count
                continue scan
            }
            position += 1
        }
        return found
    }

    /// `text` as pieces: the tokens found and the (non-empty) text between them.
    func split(_ text: [Unicode.Scalar]) -> [AddedVocabulary.Piece] {
        var pieces: [AddedVocabulary.Piece] = []
        var consumed = 0
        for (range, token) in matches(in: text) {
            var (start, stop) = (range.lowerBound, range.upperBound)
            if token.singleWord {
                let wordBefore = start > 0 && text[start - 1].isRegexWordCharacter
                let wordAfter = stop < text.count && text[stop].isRegexWordCharacter
                if wordBefore || wordAfter { continue }
            }
            if token.lstrip {
                var newStart = start
                while newStart > 0, text[newStart - 1].properties.isWhitespace { newStart -= 1 }
                start = max(newStart, consumed)
            }
            if token.rstrip {
                while stop < text.count, text[stop].properties.isWhitespace { stop += 1 }
            }
            if consumed < start { pieces.append(.text(Array(text[consumed ..< start]))) }
            pieces.append(.token(token.id))
            consumed = stop
        }
        if consumed < text.count { pieces.append(.text(Array(text[consumed...]))) }
        return pieces
    }
}
