import ArgKit
import QuantKit

extension CLI {
    /// What `run` decides about `arguments` before it opens a file: the command, and its typed
    /// options built exactly as a run builds them (`Command.options(_:)`), every usage error
    /// included.
    ///
    /// A usage error is thrown as `run` would report it; anything else (a trap) is a bug. The
    /// command-line fuzzer calls this, since `run` itself would go on to read and write files.
    package static func checkUsage(_ arguments: [String]) throws(UsageError) -> Invocation {
        let invocation = try program.resolve(arguments)
        guard case .run(let parsed) = invocation else { return invocation }
        try checkOptions(command(of: parsed), parsed)
        return invocation
    }

    private static func checkOptions<C: Command>(_ command: C.Type, _ parsed: ParsedArguments) throws(UsageError) {
        _ = try C.options(parsed)
    }
}
