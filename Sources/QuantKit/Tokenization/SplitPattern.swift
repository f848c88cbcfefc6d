import Foundation

/// The pattern of a `Split` pre-tokenizer: a regular expression (`{"Regex": ...}`) or a literal
/// string (`{"String": ...}`), compiled for ICU (`NSRegularExpression`).
///
/// `tokenizers` compiles these with Oniguruma. The patterns tokenizers ship (GPT-2's, Llama 3's,
/// Qwen2's: `\p{L}`, `\p{N}`, `(?i:...)`, `(?!\S)`) mean the same in both; the parity tests
/// run them over `Fixtures/tokenizers/corpus.txt`.
struct SplitPattern: @unchecked Sendable {
    // NSRegularExpression is immutable once made and documented thread-safe; it is not marked
    // Sendable on every platform.
    let expression: NSRegularExpression

    init(regex: String) throws {
        expression = try NSRegularExpression(pattern: regex)
    }

    init(literal: String) throws {
        expression = try NSRegularExpression(pattern: NSRegularExpression.escapedPattern(for: literal))
    }

    /// `text` cut into segments (scalar index ranges, in order, covering all of it), each a
    /// match or the text between two matches, as `tokenizers`' `find_matches`.
    func segments(in text: [Unicode.Scalar]) -> [(range: Range<Int>, isMatch: Bool)] {
        guard !text.isEmpty else { return [] }
        let string = String(String.UnicodeScalarView(text))
        // utf16Start[k] is the UTF-16 offset of scalar k; the last entry is the total length.
        var utf16Start = [0]
        utf16Start.reserveCapacity(text.count + 1)
        for scalar in text { utf16Start.append(utf16Start[utf16Start.count - 1] + scalar.utf16.count) }
        func scalarIndex(_ offset: Int) -> Int {
            var low = 0, high = utf16Start.count - 1
            while low < high {
                let middle = (low + high) / 2
                if utf16Start[middle] < offset { low = middle + 1 } else { high = middle }
            }
            return low
        }
        var segments: [(range: Range<Int>, isMatch: Bool)] = []
        var previous = 0
        let whole = NSRange(location: 0, length: utf16Start[text.count])
        for match in expression.matches(in: string, range: whole) {
            let start = scalarIndex(match.range.location), end = scalarIndex(NSMaxRange(match.range))
            if previous != start { segments.append((previous ..< start, false)) }
            segments.append((start ..< end, true))
            previous = end
        }
        if previous != text.count { segments.append((previous ..< text.count, false)) }
        return segments
    }
}

/// `pre_tokenizers::Split`: cut each piece at the pattern's matches and keep them as
/// `behavior` says; with `invert`, the non-matches play the part of the matches.
struct SplitPreTokenizer: PreTokenizer {
    let pattern: SplitPattern
    let behavior: SplitDelimiterBehavior
    let invert: Bool

    func split(_ piece: [Unicode.Scalar]) -> [[Unicode.Scalar]] {
        var segments = pattern.segments(in: piece)
        if invert { segments = segments.map { ($0.range, !$0.isMatch) } }
        return behavior.pieces(of: segments).map { Array(piece[$0]) }
    }
}
