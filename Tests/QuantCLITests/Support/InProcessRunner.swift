import Foundation
import QuantCLI
import QuantKit

/// The outcome of one in-process run of the command line.
struct CLIResult {
    let status: CLI.ExitStatus
    let out: String
    let err: String
}

/// Text written to a `Console`, collected under a lock (the console's closures are `@Sendable`).
private final class CapturedText: @unchecked Sendable {
    private let lock = NSLock()
    private var text = ""

    func append(_ more: String) {
        lock.withLock { text += more }
    }

    var value: String { lock.withLock { text } }
}

/// Runs `arguments` through `CLI.run`, capturing what it prints.
func cli(_ arguments: [String]) -> CLIResult {
    let out = CapturedText()
    let err = CapturedText()
    let status = CLI.run(arguments, console: Console(out: out.append, err: err.append, errIsTerminal: false))
    return CLIResult(status: status, out: out.value, err: err.value)
}

/// Writes `tensors` (name, tensor) as an `.npz` at `path` with our own writer.
func writeNPZ(_ tensors: [(String, Tensor)], to path: String, compressed: Bool = false) throws {
    let writer = try NPZWriter(path: path, displayPath: path, compressed: compressed)
    for (name, tensor) in tensors {
        try writer.add(name: name, tensor: tensor)
    }
    try writer.finish()
}

/// Every tensor of the file at `path`, by name.
func loadAll(_ path: String) throws -> [String: Tensor] {
    let source = try openTensorSource(path: path)
    var tensors: [String: Tensor] = [:]
    for info in source.tensors {
        tensors[info.name] = try source.load(info.name)
    }
    return tensors
}

/// The `__quantization__` metadata of the archive at `path`.
func metadata(of path: String) throws -> ArchiveMetadata? {
    try QuantizedArchive(source: openTensorSource(path: path)).metadata
}
