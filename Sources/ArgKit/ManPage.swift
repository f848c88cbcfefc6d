/// A section of a manual page written by the caller: a title and paragraphs of plain text.
public struct ManPageSection: Sendable {
    /// The heading, `EXIT STATUS`; printed as given (man-pages(7) wants capitals).
    public let title: String
    /// Paragraphs of plain text; a `label: text` entry list is written with ``entries``.
    public let paragraphs: [String]
    /// Tagged entries, `0` with `Success.`, listed after the paragraphs.
    public let entries: [(label: String, text: String)]

    public init(_ title: String, paragraphs: [String] = [], entries: [(label: String, text: String)] = []) {
        self.title = title
        self.paragraphs = paragraphs
        self.entries = entries
    }

}

/// The section-1 manual page of a program in roff (`man` macros), generated from the declarations
/// that drive its parser and `--help`, laid out as man-pages(7) asks: NAME, SYNOPSIS,
/// DESCRIPTION, OPTIONS, COMMANDS (each with its usage, arguments, options and discussion),
/// then the caller's sections (EXIT STATUS, ENVIRONMENT, FILES, SEE ALSO, ...).
///
/// All declared text is escaped (``roffEscaped``), so a backslash, a leading `.` or `'`, or a
/// dash in an option name reads as itself.
public enum ManPage {
    /// The page of `program`: `description` follows the abstract in DESCRIPTION, and `sections`
    /// follow COMMANDS, in order.
    public static func page(for program: Program, description: [String], sections: [ManPageSection]) -> String {
        var lines = [
            ".TH \(program.name.uppercased().roffQuoted) 1 \"\" \(program.version.roffQuoted) \"User Commands\"",
            // Option names must not be hyphenated, nor spread out by justification.
            ".nh",
            ".ad l",
            ".SH NAME",
            "\(program.name.roffEscaped) \\- \(program.abstract.roffEscaped)",
            ".SH SYNOPSIS",
            "\\fB\(program.name.roffEscaped)\\fR [\\fIcommand\\fR] \\fIarguments\\fR",
        ]
        for command in program.commands {
            lines += [".br", usage(of: command, in: program)]
        }
        lines += [".SH DESCRIPTION", program.abstract.roffEscaped]
        lines += description.flatMap { [".PP", $0.roffEscaped] }
        lines += [
            ".PP",
            "When the first argument names no command, the \\fB\(program.defaultCommand.name.roffEscaped)\\fR command runs.",
            ".SH OPTIONS",
        ]
        lines += entry("\\fB\\-h\\fR, \\fB\\-\\-help\\fR", "Show help information.")
        lines += entry("\\fB\\-\\-version\\fR", "Show the version.")
        lines.append(".SH COMMANDS")
        for command in program.commands {
            lines += commandSection(command, program: program)
        }
        for section in sections {
            lines.append(".SH \(section.title.roffQuoted)")
            lines += section.paragraphs.enumerated().flatMap { index, text in (index == 0 ? [] : [".PP"]) + [text.roffEscaped] }
            lines += section.entries.flatMap { entry($0.label.roffEscaped, $0.text) }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// One command: a subsection with its abstract, usage, arguments, options and discussion.
    private static func commandSection(_ command: CommandSpec, program: Program) -> [String] {
        let invocation = program.invocation(of: command)
        let title = command.name == program.defaultCommand.name ? "\(invocation) (default)" : invocation
        var lines = [".SS \(title.roffQuoted)", command.abstract.roffEscaped, ".PP", usage(of: command, in: program)]
        lines += command.arguments.flatMap { entry("\\fI\($0.placeholder.roffEscaped)\\fR", HelpFormatter.explanation(of: $0)) }
        for option in command.options {
            let names = ((option.short.map { ["-\($0)"] } ?? []) + [option.spelling]).map { "\\fB" + $0.roffEscaped.replacingDashes + "\\fR" }
            let value = option.valueName.map { " \\fI<" + $0.roffEscaped + ">\\fR" } ?? ""
            lines += entry(names.joined(separator: ", ") + value, HelpFormatter.explanation(of: option))
        }
        lines += entry("\\fB\\-h\\fR, \\fB\\-\\-help\\fR", "Show help information.")
        if !command.discussion.isEmpty {
            lines += discussion(command.discussion)
        }
        return lines
    }

    /// The usage line with the invocation in bold, `quantize inspect <file> [--json]`, breaking only
    /// between elements: the spaces inside `[--scheme <S>]` are unbreakable (`\\ `).
    private static func usage(of command: CommandSpec, in program: Program) -> String {
        let elements = HelpFormatter.usageElements(for: command, invocation: program.invocation(of: command))
        let unbreakable = elements.map { $0.roffEscaped.replacingDashes.split(separator: " ").joined(separator: "\\ ") }
        return (["\\fB" + unbreakable[0] + "\\fR"] + unbreakable.dropFirst()).joined(separator: " ")
    }

    /// A tagged paragraph: `label` (already roff) on its own line, `text` (plain) indented below.
    private static func entry(_ label: String, _ text: String) -> [String] {
        [".TP", label, text.roffEscaped]
    }

    /// Discussion text: paragraphs split at blank lines and filled by roff, except indented lines
    /// (examples, as help prints them), which are kept as written, unfilled (`.nf` ... `.fi`).
    private static func discussion(_ text: String) -> [String] {
        var lines = [".PP"]
        var inExample = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let isExample = line.first?.isWhitespace == true && !line.allSatisfy(\.isWhitespace)
            if isExample != inExample {
                lines.append(isExample ? ".nf" : ".fi")
                inExample = isExample
            }
            lines.append(line.allSatisfy(\.isWhitespace) ? ".PP" : String(line).roffEscaped)
        }
        return lines + (inExample ? [".fi"] : [])
    }
}

extension String {
    /// The text as one line of roff input that prints as itself: each backslash written `\e`,
    /// and a leading `.` or `'` (which would start a request) preceded by the zero-width `\&`.
    var roffEscaped: String {
        let escaped = split(separator: "\\", omittingEmptySubsequences: false).joined(separator: "\\e")
        return escaped.hasPrefix(".") || escaped.hasPrefix("'") ? "\\&" + escaped : escaped
    }

    /// The text as one double-quoted macro argument: escaped as ``roffEscaped``, a double quote
    /// written `\(dq`.
    var roffQuoted: String {
        "\"" + split(separator: "\\", omittingEmptySubsequences: false).joined(separator: "\\e")
            .split(separator: "\"", omittingEmptySubsequences: false).joined(separator: "\\(dq") + "\""
    }

    /// Escaped roff text with each `-` written `\-`, the minus sign man pages use for options
    /// (a plain `-` may print as a hyphen that cannot be copied into a shell).
    fileprivate var replacingDashes: String {
        split(separator: "-", omittingEmptySubsequences: false).joined(separator: "\\-")
    }
}
