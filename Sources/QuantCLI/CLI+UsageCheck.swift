import ArgKit
import QuantKit

extension CLI {
    /// What `run` decides about `arguments` before it opens a file: the command and its parsed
    /// options, every option's value read through its typed getter, and the scheme, bits, axis,
    /// group size, clipping, method and its calibration, regular expressions, thread count,
    /// output path, memory budget and eval choices checked as the command checks them.
    ///
    /// A usage error is thrown as `run` would report it; anything else (a trap) is a bug. The
    /// command-line fuzzer calls this, since `run` itself would go on to read and write files.
    package static func checkUsage(_ arguments: [String]) throws(UsageError) -> Invocation {
        let invocation = try program.resolve(arguments)
        guard case .run(let parsed) = invocation else { return invocation }
        for option in parsed.command.options {
            if option.isFlag { _ = parsed.flag(option.name) } else { _ = parsed.strings(option.name) }
        }
        for argument in parsed.command.arguments { _ = parsed.arguments(argument.name) }
        if parsed.command.options.contains(where: { $0.name == "output" }) { _ = try QuantizeCommand.outputPath(parsed) }
        // Only a given size: the default reads /proc and /sys, which a fuzzer need not repeat.
        if parsed.command.options.contains(where: { $0.name == "max-memory" }), parsed.contains("max-memory") {
            _ = try QuantizeCommand.memoryBudget(parsed)
        }
        switch parsed.command.name {
        case QuantizeCommand.spec.name:
            _ = try QuantizeCommand.selectionRules(parsed)
            _ = try QuantizeCommand.methodChoice(parsed)
            _ = parsed.choice("activation", as: Activation.self)
            _ = try parsed.int("threads", in: 1 ... 1024)
        case EvalCommand.spec.name:
            _ = try parsed.int("samples", in: 1 ... 10_000_000)
            _ = try parsed.int("seed", in: 0 ... Int.max)
            _ = try QuantizeCommand.selectionRules(parsed)
            _ = try QuantizeCommand.methodChoice(parsed, comparing: parsed.flag("compare"))
            _ = parsed.choice("activation", as: Activation.self)
            _ = parsed.choice("compute", as: ComputePath.self)
        default:
            break
        }
        return invocation
    }
}
