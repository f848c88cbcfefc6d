/// Help and usage text generated from the declarations, so help cannot drift from the parser.
///
/// The text is returned, never printed; help belongs on stdout and the caller decides.
public enum HelpFormatter {
    /// Lines are wrapped to this many columns where words allow.
    static let width = 80
    /// Entry labels longer than this put their help text on the next line.
    static let maximumLabelWidth = 26

    /// The one-line synopsis: `quantize inspect <file> [--json]`.
    ///
    /// `invocation` is what the user types before the arguments: the program name, followed by
    /// the command name unless the command is the default one.
    public static func usage(for command: CommandSpec, invocation: String) -> String {
        usageElements(for: command, invocation: invocation).joined(separator: " ")
    }

    /// The synopsis in pieces that must not be broken across lines: `[--include <REGEX> ...]`.
    static func usageElements(for command: CommandSpec, invocation: String) -> [String] {
        let arguments = command.arguments.map { argument in
            let word = argument.placeholder + (argument.isVariadic ? " ..." : "")
            return argument.isRequired ? word : "[\(word)]"
        }
        let options = command.options.map { option in
            let name = option.short.map { "-\($0)" } ?? option.spelling
            let word = name + (option.valueName.map { " <\($0)>" } ?? "") + (option.isRepeatable ? " ..." : "")
            return option.isRequired ? word : "[\(word)]"
        }
        return [invocation] + arguments + options
    }

    /// The full help of one command: overview, usage, arguments, options, discussion.
    ///
    /// Everything but the discussion is wrapped to 80 columns; the discussion is printed as
    /// written, so that examples in it keep their layout.
    public static func help(for command: CommandSpec, invocation: String) -> String {
        let title = "USAGE: "
        let usageLines = wrap(usageElements(for: command, invocation: invocation), width: width - title.count)
        var sections = [
            "OVERVIEW: " + command.abstract,
            title + usageLines.joined(separator: "\n" + String(repeating: " ", count: title.count)),
        ]
        if !command.arguments.isEmpty {
            sections.append(section("ARGUMENTS", command.arguments.map { ($0.placeholder, explanation(of: $0)) }))
        }
        let helpEntry = ("-h, --help", "Show help information.")
        sections.append(section("OPTIONS", command.options.map { (label(for: $0), explanation(of: $0)) } + [helpEntry]))
        if !command.discussion.isEmpty {
            sections.append(command.discussion)
        }
        return sections.joined(separator: "\n\n") + "\n"
    }

    /// The top-level help of a program: overview, usage, the commands with their abstracts.
    public static func help(for program: Program) -> String {
        let commands = program.commands.map { command in
            let isDefault = command.name == program.defaultCommand.name
            return (command.name + (isDefault ? " (default)" : ""), command.abstract)
        }
        let options = [("-h, --help", "Show help information."), ("--version", "Show the version.")]
        let sections = [
            "OVERVIEW: " + program.abstract,
            "USAGE: \(program.name) [<command>] <arguments>",
            section("COMMANDS", commands),
            section("OPTIONS", options),
            "When the first argument names no command, the '\(program.defaultCommand.name)' command runs.\n"
                + "See '\(program.name) help <command>' for a command's arguments and options.",
        ]
        return sections.joined(separator: "\n\n") + "\n"
    }

    /// `-o, --output <PATH>` or `--scheme <S>`.
    private static func label(for option: OptionSpec) -> String {
        let short = option.short.map { "-\($0), " } ?? ""
        return short + option.spelling + (option.valueName.map { " <\($0)>" } ?? "")
    }

    /// The help sentence of an argument, followed by its allowed values if it declares them.
    static func explanation(of argument: ArgumentSpec) -> String {
        argument.help + (argument.allowedValues.map { " (values: \($0.joined(separator: ", ")))" } ?? "")
    }

    /// The help sentence followed by what the declaration adds: values, default, repeatability.
    static func explanation(of option: OptionSpec) -> String {
        var notes: [String] = []
        if let allowed = option.allowedValues { notes.append("(values: \(allowed.joined(separator: ", ")))") }
        if let value = option.defaultValue { notes.append("(default: \(value))") }
        if option.isRepeatable { notes.append("(repeatable)") }
        return ([option.help] + notes).joined(separator: " ")
    }

    /// A titled list of entries, labels in one column and wrapped explanations aligned in the next.
    private static func section(_ title: String, _ entries: [(label: String, text: String)]) -> String {
        let labelWidth = min(entries.map(\.label.count).max() ?? 0, maximumLabelWidth)
        let column = 2 + labelWidth + 2
        let indent = String(repeating: " ", count: column)
        var lines = [title + ":"]
        for entry in entries {
            let wrapped = wrap(entry.text.split(separator: " ").map(String.init), width: width - column)
            if entry.label.count > labelWidth {
                lines.append("  " + entry.label)
                lines += wrapped.map { indent + $0 }
            } else {
                let padded = "  " + entry.label + String(repeating: " ", count: labelWidth - entry.label.count + 2)
                lines.append(padded + (wrapped.first ?? ""))
                lines += wrapped.dropFirst().map { indent + $0 }
            }
        }
        return lines.joined(separator: "\n")
    }

    /// Joins `words` with spaces into lines of at most `width` characters; a longer word gets a line of its own.
    static func wrap(_ words: [String], width: Int) -> [String] {
        var lines: [String] = []
        var line = ""
        for word in words {
            if line.isEmpty {
                line = word
            } else if line.count + 1 + word.count <= width {
                line += " " + word
            } else {
                lines.append(line)
                line = word
            }
        }
        if !line.isEmpty { lines.append(line) }
        return lines
    }
}
