import ArgKit
import QuantKit

/// The `quantize` program: its commands, and the mapping from outcomes to exit statuses.
public enum CLI {
    /// The commands, in the order `--help` lists them; the first is the default.
    static let commands: [any Command.Type] = [QuantizeCommand.self, InspectCommand.self, DequantizeCommand.self, EvalCommand.self,
                                                ImatrixCommand.self, TokenizeCommand.self, CompletionCommand.self, ManCommand.self]

    public static let program = Program(
        name: "quantize",
        version: QuantKitVersion.toolName,
        abstract: "Quantize float weight files (.npy/.npz) to int8 archives; inspect, dequantize and evaluate them; tokenize text.",
        commands: commands.map { $0.spec },
        defaultCommand: commands[0].spec.name)

    /// The command type the parser resolved `parsed` to.
    static func command(of parsed: ParsedArguments) -> any Command.Type {
        // The parser resolves only the specs `program` was built from, so one always matches.
        commands.first { $0.spec.name == parsed.command.name }!
    }

    /// Exit statuses: 0 success, 1 a file or data problem, 2 a usage error.
    public enum ExitStatus: Int32 {
        case success = 0
        case failure = 1
        case usage = 2
    }

    /// Runs the command line `arguments` (without the program name); every error becomes one
    /// line on `console.err` and a non-zero status.
    public static func run(_ arguments: [String], console: Console = .standard) -> ExitStatus {
        do {
            switch try program.resolve(arguments) {
            case .help(let text):
                console.out(text.hasSuffix("\n") ? text : text + "\n")
            case .version(let text):
                console.out(text + "\n")
            case .run(let parsed):
                return try command(of: parsed).parseAndRun(parsed, console: console) ? .success : .failure
            }
            return .success
        } catch let error as UsageError {
            let command = arguments.first.flatMap { name in program.commands.first { $0.name == name } }
            let help = command.map { "quantize \($0.name) --help" } ?? "quantize --help"
            console.err("quantize: \("\(error)".escapedForMessage) (see '\(help)')\n")
            return .usage
        } catch {
            console.err("quantize: \("\(error)".escapedForMessage)\(hint(for: error))\n")
            return .failure
        }
    }

    /// What the user can do about `error` in this program's options, where the library's words
    /// (which know no options) leave it out.
    static func hint(for error: any Error) -> String {
        let underlying = (error as? FileError)?.underlying ?? error
        switch underlying {
        case OutputError.exists: return "; pass --force to replace it"
        case PlanError.groupSizeMismatch: return " (choose a divisor, or keep them in float with --exclude)"
        case PlanError.notInLayout: return "; keep it in float (--exclude) or write .npz"
        case is ComputePathError: return "; use --compute dequant"
        case EvaluationInputError.tooLong: return " (leave out --no-truncate to truncate it)"
        case GPTQError.notPositiveDefinite: return "; try a larger --damp, such as 0.1"
        default: break
        }
        guard let budget = underlying as? MemoryBudgetError else { return "" }
        switch budget {
        case .overBudget(.quantizing, _, _, _):
            return " (raise it with --max-memory SIZE, or keep the tensor in float with --exclude)"
        case .overBudget, .modelOverBudget:
            return " (raise it with --max-memory SIZE)"
        case .calibrationOverBudget:
            return " (raise it with --max-memory SIZE, or calibrate on fewer or shorter texts)"
        }
    }
}
