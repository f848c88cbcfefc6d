/// One command-line word, classified, together with the index it had in argv.
struct ArgumentToken: Equatable, Sendable {
    enum Kind: Equatable, Sendable {
        /// `--name`, or `--name=value` with the text after the first `=` as `value`.
        case longOption(name: String, value: String?)
        /// `-o`: the text after a single dash.
        ///
        /// A well-formed short option is one character. Longer text (`-abc`, `-ofile`, `-o=x`)
        /// is kept whole so that it matches no declaration and is reported as an unknown option;
        /// attached short values and clusters are deliberately not supported.
        case shortOption(String)
        /// A plain word: a positional argument or the value of the preceding option.
        case value(String)
        /// `--`: every later word is a value, even if it starts with a dash.
        case terminator
    }

    var kind: Kind
    /// The word's index in the argv it was split from.
    var position: Int

    /// Whether this token asks for help (`--help`, `--help=...` or `-h`).
    var isHelpRequest: Bool {
        switch kind {
        case .longOption(let name, _): name == "help"
        case .shortOption(let text): text == "h"
        case .value, .terminator: false
        }
    }
}

/// argv split into tokens, one per word, in order.
///
/// Classification rules:
/// - `--` is the terminator; it and everything after it is never an option.
/// - `--name` and `--name=value` are long options.
/// - `-` alone is a value (the stdin convention), and so is a dash followed by a digit or `.`,
///   so that `--axis -1` passes a negative number.
/// - Any other word starting with `-` is a short option.
/// - Everything else is a value.
struct SplitArguments: Equatable, Sendable {
    let tokens: [ArgumentToken]

    /// Splits `argv`; each token's position is the word's index in `argv`, so a slice keeps the
    /// positions of the array it came from.
    init(_ argv: ArraySlice<String>) {
        var tokens: [ArgumentToken] = []
        var terminated = false
        for (position, word) in zip(argv.indices, argv) {
            let kind = terminated ? .value(word) : Self.classify(word)
            tokens.append(ArgumentToken(kind: kind, position: position))
            if kind == .terminator { terminated = true }
        }
        self.tokens = tokens
    }

    /// The tokens before the terminator, where options may appear.
    var optionRegion: ArraySlice<ArgumentToken> {
        tokens.prefix { $0.kind != .terminator }
    }

    private static func classify(_ word: String) -> ArgumentToken.Kind {
        if word == "--" { return .terminator }
        if word.hasPrefix("--") {
            let body = word.dropFirst(2)
            guard let equals = body.firstIndex(of: "=") else {
                return .longOption(name: String(body), value: nil)
            }
            return .longOption(name: String(body[..<equals]), value: String(body[body.index(after: equals)...]))
        }
        if word.hasPrefix("-"), let second = word.dropFirst().first, !"0123456789.".contains(second) {
            return .shortOption(String(word.dropFirst()))
        }
        return .value(word)
    }
}
