/// One appearance of an option or positional argument on the command line.
public struct Occurrence: Equatable, Sendable {
    /// The index in argv of the word that named the option, or of the positional word.
    public let position: Int
    /// The value given; `nil` for a flag.
    public let value: String?
}

/// The result of parsing one command's arguments: values by name, with where they came from.
///
/// Getters take the declared name without dashes (`"scheme"`) and fall back to the option's
/// `defaultValue` when it is absent. Asking for a name the command does not declare, or asking a
/// flag for a value, is a programming error and stops the program.
public struct ParsedArguments: Equatable, Sendable {
    /// The command these arguments were parsed against.
    public let command: CommandSpec
    private let options: [String: [Occurrence]]
    private let positionals: [String: [Occurrence]]

    init(command: CommandSpec, options: [String: [Occurrence]], positionals: [String: [Occurrence]]) {
        self.command = command
        self.options = options
        self.positionals = positionals
    }

    /// Every appearance of the option, in command-line order; empty when absent.
    public func occurrences(ofOption name: String) -> [Occurrence] {
        options[declaration(of: name).name] ?? []
    }

    /// Every value of the positional argument with its position; empty when absent.
    public func occurrences(ofArgument name: String) -> [Occurrence] {
        precondition(command.arguments.contains { $0.name == name }, "'\(name)' is not an argument of '\(command.name)'")
        return positionals[name] ?? []
    }

    /// Whether the option was given (a default does not count).
    public func contains(_ option: String) -> Bool {
        !occurrences(ofOption: option).isEmpty
    }

    /// Whether the flag was given.
    public func flag(_ name: String) -> Bool {
        precondition(declaration(of: name).isFlag, "'--\(name)' takes a value; use string(_:)")
        return contains(name)
    }

    /// The option's value (the last one, if repeatable), or its default, or `nil`.
    public func string(_ name: String) -> String? {
        let option = declaration(of: name)
        precondition(!option.isFlag, "'--\(name)' is a flag; use flag(_:)")
        return options[name]?.last?.value ?? option.defaultValue
    }

    /// All values of a repeatable option in command-line order, or its default alone, or none.
    public func strings(_ name: String) -> [String] {
        let option = declaration(of: name)
        precondition(!option.isFlag, "'--\(name)' is a flag; use flag(_:)")
        guard let given = options[name] else { return option.defaultValue.map { [$0] } ?? [] }
        return given.compactMap(\.value)
    }

    /// The option's value as an integer within `range`, or `nil` when absent without a default.
    ///
    /// - Throws: ``UsageError/invalidInteger(option:value:range:)`` when the value is not an
    ///   integer or lies outside `range`.
    public func int(_ name: String, in range: ClosedRange<Int>) throws(UsageError) -> Int? {
        guard let text = string(name) else { return nil }
        guard let value = Int(text), range.contains(value) else {
            throw .invalidInteger(option: declaration(of: name).spelling, value: text, range: range)
        }
        return value
    }

    /// The option's value as a case of `Choice`, or `nil` when absent without a default.
    ///
    /// The parser has already checked the value against the option's `allowedValues`.
    ///
    /// - Precondition: the option declares `allowedValues`, and each is a raw value of `Choice`.
    public func choice<Choice: RawRepresentable>(_ name: String, as type: Choice.Type) -> Choice?
    where Choice.RawValue == String {
        precondition(declaration(of: name).allowedValues != nil, "'--\(name)' declares no allowed values")
        guard let text = string(name) else { return nil }
        guard let choice = Choice(rawValue: text) else {
            preconditionFailure("'\(text)' is allowed for '--\(name)' but is not a \(Choice.self)")
        }
        return choice
    }

    /// The positional argument's value, or `nil` when an optional argument is absent.
    public func argument(_ name: String) -> String? {
        arguments(name).first
    }

    /// All values of a positional argument (several only for a variadic one), in order.
    public func arguments(_ name: String) -> [String] {
        occurrences(ofArgument: name).compactMap(\.value)
    }

    private func declaration(of name: String) -> OptionSpec {
        guard let option = command.option(named: name) else {
            preconditionFailure("'--\(name)' is not an option of '\(command.name)'")
        }
        return option
    }
}
