/// The Levenshtein distance between `a` and `b`: the fewest single-character insertions,
/// deletions and substitutions that turn one into the other (a transposition counts 2).
///
/// Classic dynamic programming over one row: O(a.count * b.count) time, O(b.count) space.
func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    var previous = Array(0...b.count)
    for i in a.indices {
        var current = [i + 1] + Array(repeating: 0, count: b.count)
        for j in b.indices {
            let substitution = previous[j] + (a[i] == b[j] ? 0 : 1)
            current[j + 1] = min(substitution, previous[j + 1] + 1, current[j] + 1)
        }
        previous = current
    }
    return previous[b.count]
}

/// The candidate closest to `word`, if it is within `max(2, word.count / 3)` edits;
/// ties go to the earliest candidate.
///
/// The bound lets short names absorb a typo or a swapped pair (`shceme` -> `scheme`) and longer
/// names a proportional number, while unrelated words (`zzzzzz`) get no suggestion.
func closestMatch(to word: String, among candidates: [String]) -> String? {
    let limit = max(2, word.count / 3)
    var best: (candidate: String, distance: Int)?
    for candidate in candidates {
        let distance = editDistance(word, candidate)
        if distance <= limit, distance < best?.distance ?? .max {
            best = (candidate, distance)
        }
    }
    return best?.candidate
}
