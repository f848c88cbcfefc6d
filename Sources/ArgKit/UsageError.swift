/// A command line that does not match its declaration.
///
/// Options are named by their long spelling (`--output`) even when given by their short form,
/// except in ``unknownOption(_:suggestion:)``, which repeats what was typed. ``description`` is
/// the one place that turns each case into words: a single line without a trailing period.
public enum UsageError: Error, Equatable, Sendable, CustomStringConvertible {
    /// An option no declaration matches, with the closest declared spelling if one is close.
    case unknownOption(String, suggestion: String?)
    /// A command name that names no command, with the closest command name if one is close.
    case unknownCommand(String, suggestion: String?)
    /// An option that takes a value was last on the line or followed by another option.
    case missingValue(option: String)
    /// A flag was given a value with `--flag=value`.
    case unexpectedValueForFlag(option: String, value: String)
    /// An option that is not repeatable was given more than once.
    case duplicateOption(String)
    /// A required option was not given.
    case missingOption(String)
    /// A value outside the option's allowed values.
    case invalidChoice(option: String, value: String, allowed: [String])
    /// A value that is not an integer in `range`.
    case invalidInteger(option: String, value: String, range: ClosedRange<Int>)
    /// A value the caller rejected; `expected` completes "expected ...", e.g. `REGEX=SCHEME[:BITS]`.
    case invalidValue(option: String, value: String, expected: String)
    /// A positional word beyond the declared arguments.
    case unexpectedArgument(String)
    /// A required positional argument, named without brackets (`input`), was not given.
    case missingArgument(String)
    /// Two things given together that exclude each other (options as `--name`, arguments as `<name>`).
    case conflicting(String, String)
    /// Something given without another that it needs.
    case requires(String, String)

    /// The one-line message: `unknown option '--shceme'; did you mean '--scheme'?`.
    public var description: String {
        switch self {
        case .unknownOption(let option, let suggestion):
            "unknown option '\(option)'" + Self.didYouMean(suggestion)
        case .unknownCommand(let command, let suggestion):
            "unknown command '\(command)'" + Self.didYouMean(suggestion)
        case .missingValue(let option):
            "missing value for '\(option)'"
        case .unexpectedValueForFlag(let option, let value):
            "unexpected value '\(value)' for flag '\(option)'"
        case .duplicateOption(let option):
            "option '\(option)' can be given only once"
        case .missingOption(let option):
            "missing required option '\(option)'"
        case .invalidChoice(let option, let value, let allowed):
            Self.invalid(value, option, "one of " + allowed.joined(separator: ", "))
        case .invalidInteger(let option, let value, let range):
            Self.invalid(value, option, Self.integer(in: range))
        case .invalidValue(let option, let value, let expected):
            Self.invalid(value, option, expected)
        case .unexpectedArgument(let value):
            "unexpected argument '\(value)'"
        case .missingArgument(let name):
            "missing required argument '<\(name)>'"
        case .conflicting(let first, let second):
            "'\(first)' cannot be used with '\(second)'"
        case .requires(let given, let needed):
            "'\(given)' requires '\(needed)'"
        }
    }

    private static func didYouMean(_ suggestion: String?) -> String {
        suggestion.map { "; did you mean '\($0)'?" } ?? ""
    }

    private static func invalid(_ value: String, _ option: String, _ expected: String) -> String {
        "invalid value '\(value)' for '\(option)': expected \(expected)"
    }

    private static func integer(in range: ClosedRange<Int>) -> String {
        switch (range.lowerBound, range.upperBound) {
        case (.min, .max): "an integer"
        case (let lower, .max): "an integer of at least \(lower)"
        case (let lower, let upper): "an integer from \(lower) to \(upper)"
        }
    }
}
