/// What a program's command line asks for.
public enum Invocation: Equatable, Sendable {
    /// Run `arguments.command` with these arguments.
    case run(ParsedArguments)
    /// Print this help text to stdout and succeed.
    case help(String)
    /// Print this version text to stdout and succeed.
    case version(String)
}

/// A program with several commands, one of which runs when the first word names none.
///
/// `quantize model.npz -o out.npz` runs the default command `quantize`; `quantize inspect FILE`
/// runs `inspect`. ``resolve(_:)`` decides, in this order:
/// - no arguments, `--help` or `-h` first: the program's help;
/// - `--version` first: the version;
/// - `help`: the program's help; `help COMMAND`: that command's help;
/// - a command name first: that command, parsed from the words after it;
/// - anything else: the default command, parsed from all the words. If that fails and the first
///   word is close to a command name, the error is an unknown command with that suggestion.
public struct Program: Sendable {
    /// The executable's name, used in usage lines.
    public let name: String
    /// The text `--version` answers with.
    public let version: String
    /// One line describing the program.
    public let abstract: String
    /// The commands, in the order help lists them.
    public let commands: [CommandSpec]
    /// The command that runs when the first word names no command.
    public let defaultCommand: CommandSpec

    /// Declares a program.
    ///
    /// - Precondition: command names are unique and not `help`; `defaultCommand` names one of them.
    public init(name: String, version: String, abstract: String, commands: [CommandSpec], defaultCommand: String) {
        let names = commands.map(\.name)
        precondition(Set(names).count == names.count && !names.contains("help"), "duplicate command name in '\(name)'")
        guard let command = commands.first(where: { $0.name == defaultCommand }) else {
            preconditionFailure("default command '\(defaultCommand)' is not a command of '\(name)'")
        }
        self.name = name
        self.version = version
        self.abstract = abstract
        self.commands = commands
        self.defaultCommand = command
    }

    /// Decides what `argv` (without the program name) asks for.
    ///
    /// - Throws: ``UsageError/unknownCommand(_:suggestion:)`` for `help` with an unknown command
    ///   or a misspelled command name, ``UsageError/unexpectedArgument(_:)`` for `help` with more
    ///   than one word, or whatever parsing the selected command throws.
    public func resolve(_ argv: [String]) throws(UsageError) -> Invocation {
        guard let first = argv.first, first != "--help", first != "-h" else { return .help(help()) }
        if first == "--version" { return .version(version) }
        if first == "help" { return try helpCommand(argv.dropFirst()) }
        if let command = commands.first(where: { $0.name == first }) {
            return try invocation(of: command, parsing: argv.dropFirst())
        }
        do {
            return try invocation(of: defaultCommand, parsing: argv[...])
        } catch {
            // `quantize inspct FILE` fails as the default command; the typo is the likelier story.
            if let suggestion = closestMatch(to: first, among: commands.map(\.name)) {
                throw .unknownCommand(first, suggestion: suggestion)
            }
            throw error
        }
    }

    private func invocation(of command: CommandSpec, parsing words: ArraySlice<String>) throws(UsageError) -> Invocation {
        switch try parse(words, as: command) {
        case .arguments(let arguments): .run(arguments)
        case .helpRequested: .help(help(for: command))
        }
    }

    /// The program's help: its commands with their abstracts.
    public func help() -> String {
        HelpFormatter.help(for: self)
    }

    /// One command's help, with the usage line as the user would type it.
    public func help(for command: CommandSpec) -> String {
        HelpFormatter.help(for: command, invocation: invocation(of: command))
    }

    /// What precedes a command's arguments: the program name, plus the command name unless it is the default.
    public func invocation(of command: CommandSpec) -> String {
        command.name == defaultCommand.name ? name : "\(name) \(command.name)"
    }

    /// `help`, `help COMMAND` or `help help`.
    private func helpCommand(_ words: ArraySlice<String>) throws(UsageError) -> Invocation {
        guard let topic = words.first, topic != "help" else { return .help(help()) }
        if let extra = words.dropFirst().first { throw .unexpectedArgument(extra) }
        guard let command = commands.first(where: { $0.name == topic }) else {
            throw .unknownCommand(topic, suggestion: closestMatch(to: topic, among: commands.map(\.name)))
        }
        return .help(help(for: command))
    }
}
