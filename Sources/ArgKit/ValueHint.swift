/// What kind of word an option's value or a positional argument is, for shell completion.
///
/// Parsing ignores it: a hint only tells the completion scripts what to offer. Allowed values,
/// when declared, take precedence over the hint.
public enum ValueHint: Equatable, Sendable {
    /// A path: directories, and files whose names end in one of `extensions` (without the dot);
    /// no extensions means any file.
    case file(extensions: [String])
    /// Free text (a number, a regular expression, a name): nothing is offered.
    case text
    /// These words are offered, but the parser accepts others too (a choice read in any case,
    /// unlike `allowedValues`, which the parser checks word for word).
    case words([String])

    /// Any file or directory.
    public static let anyFile = ValueHint.file(extensions: [])

    /// The words the completion offers: those of `.words`, nil for the other hints.
    var offeredWords: [String]? {
        if case .words(let words) = self { words } else { nil }
    }
}
