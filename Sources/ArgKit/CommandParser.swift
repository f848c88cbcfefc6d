/// What a command line asks of one command.
public enum ParseResult: Equatable, Sendable {
    /// Arguments to run the command with.
    case arguments(ParsedArguments)
    /// `--help` or `-h` appeared before any `--`; the rest of the line was not checked.
    case helpRequested
}

/// Parses `argv` (without the program or command name) against `spec`.
///
/// Options may appear anywhere before `--`, as `--name value`, `--name=value` or `-n value`.
/// A help request anywhere before `--` wins over every other problem on the line. A value that
/// starts with a dash must be attached (`--exclude=-tmp`), except `-`, which stands for stdin,
/// and negative numbers (`--axis -1`).
///
/// - Throws: the first ``UsageError`` found, scanning left to right; then missing positional
///   arguments; then missing required options.
public func parse(_ argv: [String], as spec: CommandSpec) throws(UsageError) -> ParseResult {
    try parse(argv[...], as: spec)
}

/// Parses a slice of a longer argv, so that positions refer to the whole of it.
func parse(_ argv: ArraySlice<String>, as spec: CommandSpec) throws(UsageError) -> ParseResult {
    let split = SplitArguments(argv)
    if split.optionRegion.contains(where: \.isHelpRequest) { return .helpRequested }
    var parser = CommandParser(spec: spec, tokens: split.tokens)
    return .arguments(try parser.run())
}

/// The walk over one command's tokens; its state lives only for one parse.
private struct CommandParser {
    let spec: CommandSpec
    let tokens: [ArgumentToken]
    /// The index in `tokens` of the next token to read.
    private var next = 0
    private var options: [String: [Occurrence]] = [:]
    private var words: [Occurrence] = []

    init(spec: CommandSpec, tokens: [ArgumentToken]) {
        self.spec = spec
        self.tokens = tokens
    }

    mutating func run() throws(UsageError) -> ParsedArguments {
        while next < tokens.count {
            let token = tokens[next]
            next += 1
            switch token.kind {
            case .terminator:
                continue
            case .value(let word):
                words.append(Occurrence(position: token.position, value: word))
            case .longOption(let name, let inlineValue):
                guard let option = spec.option(named: name) else {
                    let suggestion = closestMatch(to: name, among: spec.options.map(\.name) + ["help"])
                    throw .unknownOption("--" + name, suggestion: suggestion.map { "--" + $0 })
                }
                try record(option, at: token.position, inlineValue: inlineValue)
            case .shortOption(let text):
                guard text.count == 1, let option = spec.option(short: text.first!) else {
                    throw .unknownOption("-" + text, suggestion: nil)
                }
                try record(option, at: token.position, inlineValue: nil)
            }
        }
        let positionals = try assignPositionals()
        if let missing = spec.options.first(where: { $0.isRequired && options[$0.name] == nil }) {
            throw .missingOption(missing.spelling)
        }
        return ParsedArguments(command: spec, options: options, positionals: positionals)
    }

    /// Records one appearance of `option`, taking its value from `inlineValue` or the next token.
    private mutating func record(_ option: OptionSpec, at position: Int, inlineValue: String?) throws(UsageError) {
        if !option.isRepeatable, options[option.name] != nil {
            throw .duplicateOption(option.spelling)
        }
        var value: String?
        if option.isFlag {
            if let inlineValue { throw .unexpectedValueForFlag(option: option.spelling, value: inlineValue) }
        } else if let inlineValue {
            value = inlineValue
        } else if next < tokens.count, case .value(let word) = tokens[next].kind {
            value = word
            next += 1
        } else {
            throw .missingValue(option: option.spelling)
        }
        if let value, let allowed = option.allowedValues, !allowed.contains(value) {
            throw .invalidChoice(option: option.spelling, value: value, allowed: allowed)
        }
        options[option.name, default: []].append(Occurrence(position: position, value: value))
    }

    /// Hands the positional words to the declared arguments in order; a variadic last argument
    /// takes all that remain.
    private func assignPositionals() throws(UsageError) -> [String: [Occurrence]] {
        var remaining = words[...]
        var assigned: [String: [Occurrence]] = [:]
        for argument in spec.arguments {
            let taken = argument.isVariadic ? remaining : remaining.prefix(1)
            if taken.isEmpty {
                if argument.isRequired { throw .missingArgument(argument.name) }
                continue
            }
            if let allowed = argument.allowedValues, let word = taken.first(where: { !allowed.contains($0.value ?? "") })?.value {
                throw .invalidChoice(option: argument.placeholder, value: word, allowed: allowed)
            }
            assigned[argument.name] = Array(taken)
            remaining = remaining.dropFirst(taken.count)
        }
        if let extra = remaining.first?.value { throw .unexpectedArgument(extra) }
        return assigned
    }
}
