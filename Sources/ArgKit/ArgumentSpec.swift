/// The declaration of one positional argument, shown in help as `<name>`.
public struct ArgumentSpec: Equatable, Sendable {
    /// The name used by the getters and shown in help and errors: `input` appears as `<input>`.
    public let name: String
    /// One sentence for the help text.
    public let help: String
    /// Whether parsing fails when the argument is absent.
    public let isRequired: Bool
    /// Whether the argument takes every remaining positional word; only the last argument may.
    public let isVariadic: Bool
    /// The only words accepted, checked at parse time; `nil` accepts any word.
    public let allowedValues: [String]?
    /// What the word is, for shell completion; ignored when `allowedValues` is given.
    public let valueHint: ValueHint

    /// Declares a positional argument.
    public init(
        _ name: String,
        help: String,
        required: Bool = true,
        variadic: Bool = false,
        allowedValues: [String]? = nil,
        valueHint: ValueHint = .anyFile
    ) {
        self.name = name
        self.help = help
        self.isRequired = required
        self.isVariadic = variadic
        self.allowedValues = allowedValues
        self.valueHint = valueHint
    }

    /// The argument as written in usage and errors: `<input>`.
    public var placeholder: String { "<\(name)>" }
}
