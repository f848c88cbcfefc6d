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

    /// Any file or directory.
    public static let anyFile = ValueHint.file(extensions: [])
}
