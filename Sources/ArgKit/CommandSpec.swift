/// The declaration of one command: its name, help texts, positional arguments and options.
///
/// `--help` and `-h` are built in; they need no declaration and may not be redeclared.
public struct CommandSpec: Equatable, Sendable {
    /// The word that selects the command, `inspect` in `quantize inspect FILE`.
    public let name: String
    /// One line for the command list and the top of the command's help.
    public let abstract: String
    /// Longer text printed at the end of the command's help; empty for none.
    public let discussion: String
    /// The positional arguments, in the order they are given.
    public let arguments: [ArgumentSpec]
    /// The options, in the order help lists them.
    public let options: [OptionSpec]

    /// Declares a command.
    ///
    /// - Precondition: option names and short forms are unique and do not claim `help` or `h`;
    ///   argument names are unique; no optional argument precedes a required one; only the last
    ///   argument is variadic.
    public init(
        name: String,
        abstract: String,
        discussion: String = "",
        arguments: [ArgumentSpec] = [],
        options: [OptionSpec] = []
    ) {
        let names = options.map(\.name)
        let shorts = options.compactMap(\.short)
        precondition(Set(names).count == names.count && !names.contains("help"), "duplicate option name in '\(name)'")
        precondition(Set(shorts).count == shorts.count && !shorts.contains("h"), "duplicate short option in '\(name)'")
        precondition(Set(arguments.map(\.name)).count == arguments.count, "duplicate argument name in '\(name)'")
        precondition(
            arguments.drop(while: \.isRequired).allSatisfy { !$0.isRequired },
            "optional argument before a required one in '\(name)'")
        precondition(!arguments.dropLast().contains(where: \.isVariadic), "only the last argument of '\(name)' may be variadic")
        self.name = name
        self.abstract = abstract
        self.discussion = discussion
        self.arguments = arguments
        self.options = options
    }

    /// The option with long name `name` (without dashes), if declared.
    public func option(named name: String) -> OptionSpec? {
        options.first { $0.name == name }
    }

    /// The option with short form `short`, if declared.
    public func option(short: Character) -> OptionSpec? {
        options.first { $0.short == short }
    }
}
