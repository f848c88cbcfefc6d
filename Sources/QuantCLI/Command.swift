import ArgKit

/// One command of the program: its declaration, the typed options it reads from a parsed
/// command line, and what it does with them.
///
/// `options(_:)` reads and validates every option without touching a file, so the command-line
/// fuzzer (`CLI.checkUsage`) builds exactly the values a run would; `run(_:console:)` does the
/// work. A new command is a new conforming type and one entry in `CLI.commands`.
protocol Command: Sendable {
    associatedtype Options
    static var spec: CommandSpec { get }
    /// The typed options of `arguments`, or the usage error a run would report.
    static func options(_ arguments: ParsedArguments) throws(UsageError) -> Options
    /// Runs the command; false when it found problems it reported without throwing (exit 1).
    static func run(_ options: Options, console: Console) throws -> Bool
}

extension Command {
    /// Parses `arguments` and runs: the registry's way to call a command it knows only as a type.
    static func parseAndRun(_ arguments: ParsedArguments, console: Console) throws -> Bool {
        try run(options(arguments), console: console)
    }
}

/// How a report is printed on stdout.
enum ReportFormat: String, CaseIterable {
    case table, json, none
}
