/// The declaration of one named option: a flag (`--force`) or an option taking a value (`--scheme <S>`).
///
/// The parser, the typed getters of ``ParsedArguments`` and the help text all read this one declaration.
public struct OptionSpec: Equatable, Sendable {
    /// The long name without dashes: `scheme` for `--scheme`.
    public let name: String
    /// The single-character short form, `o` for `-o`, if any.
    public let short: Character?
    /// The placeholder shown for the value (`S` in `--scheme <S>`); `nil` makes the option a flag.
    public let valueName: String?
    /// One sentence for the help text.
    public let help: String
    /// The only values accepted, checked at parse time; `nil` accepts any value.
    public let allowedValues: [String]?
    /// Whether the option may be given more than once; the values are kept in order.
    public let isRepeatable: Bool
    /// Whether parsing fails when the option is absent.
    public let isRequired: Bool
    /// The value used when the option is absent; shown in help and returned by the getters.
    public let defaultValue: String?
    /// What the value is, for shell completion; ignored for flags and when `allowedValues` is given.
    public let valueHint: ValueHint

    /// Declares an option that takes a value.
    ///
    /// - Precondition: `defaultValue`, if given, is one of `allowedValues`, if given.
    public init(
        _ name: String,
        short: Character? = nil,
        valueName: String,
        help: String,
        allowedValues: [String]? = nil,
        repeatable: Bool = false,
        required: Bool = false,
        defaultValue: String? = nil,
        valueHint: ValueHint = .anyFile
    ) {
        if let defaultValue, let allowedValues {
            precondition(allowedValues.contains(defaultValue), "default '\(defaultValue)' of '--\(name)' is not allowed")
        }
        self.name = name
        self.short = short
        self.valueName = valueName
        self.help = help
        self.allowedValues = allowedValues
        self.isRepeatable = repeatable
        self.isRequired = required
        self.defaultValue = defaultValue
        self.valueHint = valueHint
    }

    /// Declares a flag: an option that takes no value and is either present or absent.
    public static func flag(_ name: String, short: Character? = nil, help: String) -> OptionSpec {
        OptionSpec(name: name, short: short, help: help)
    }

    private init(name: String, short: Character?, help: String) {
        self.name = name
        self.short = short
        self.valueName = nil
        self.help = help
        self.allowedValues = nil
        self.isRepeatable = false
        self.isRequired = false
        self.defaultValue = nil
        self.valueHint = .text
    }

    /// Whether the option takes no value.
    public var isFlag: Bool { valueName == nil }

    /// The long spelling, `--scheme`; error messages name options this way.
    public var spelling: String { "--" + name }
}
