/// One entry of `added_tokens`: a string matched in the text before the model sees it.
///
/// - `singleWord`: only a match with no word character (`\w`) touching either end counts.
/// - `lstrip` / `rstrip`: the whitespace before / after a match joins the token (and vanishes).
/// - `normalized`: matched in the normalized text (against the normalized content), else in
///   the raw text.
/// - `special`: matters for decoding only; matching treats special tokens like the others.
struct AddedToken: Sendable, Equatable {
    let content: String
    let id: Int
    var singleWord = false
    var lstrip = false
    var rstrip = false
    var normalized = false
    var special = false
}

extension Unicode.Scalar {
    /// The Rust `regex` crate's Unicode `\w`: alphabetic, marks, decimal digits, connector
    /// punctuation and the join controls.
    var isRegexWordCharacter: Bool {
        let properties = properties
        if properties.isAlphabetic || properties.isJoinControl { return true }
        switch properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark, .decimalNumber, .connectorPunctuation: return true
        default: return false
        }
    }
}
