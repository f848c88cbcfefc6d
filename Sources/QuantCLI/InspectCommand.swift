import Foundation
import ArgKit
import QuantKit

/// `quantize inspect FILE [--json]`.
enum InspectCommand: Command {
    static let spec = CommandSpec(
        name: "inspect",
        abstract: "Describe the tensors of a .npy/.npz/.safetensors/.gguf file, archive or model folder and check its consistency.",
        discussion: """
            For an archive written by quantize, each quantized tensor is checked in full:
            its codes, scales and zero points exist, have the dtypes and shapes the metadata
            implies, codes and zero points lie in the scheme's range and scales are finite
            and positive (safetensors written in the compressed-tensors layout are unpacked
            first). Problems are listed and the exit status is 1. A folder is inspected
            shard by shard. A GGUF file is listed with its version, alignment, metadata
            (arrays summarized) and every tensor's ggml type, dimensions, shape, size, offset
            and bits per weight; tensors not where llama.cpp expects them and blocks with NaN
            or infinite scales are problems.
            """,
        arguments: [ArgumentSpec("file", help: "The file or model folder to describe.",
                                 valueHint: .file(extensions: ["npy", "npz", "safetensors", "gguf"]))],
        options: [.flag("json", help: "Print one JSON object instead of a table.")])

    /// Every option of an inspect run, typed.
    struct Options {
        var path: String
        var json: Bool
    }

    static func options(_ arguments: ParsedArguments) throws(UsageError) -> Options {
        Options(path: arguments.argument("file")!, json: arguments.flag("json"))
    }

    /// Returns false when the file has problems.
    static func run(_ options: Options, console: Console) throws -> Bool {
        let path = options.path
        if let temporary = TemporaryOutputName(fileName: (path as NSString).lastPathComponent), !ShardPlan.isFolder(path) {
            throw FileError(path: path, LeftoverTemporaryFile(name: temporary))
        }
        let files = ShardPlan.isFolder(path) ? try ShardPlan.shards(inFolder: path).shards : [path]
        let inspections = try files.map { try inspectFile(path: $0) }
        if options.json {
            console.out(inspections.count == 1 ? inspections[0].renderedJSON()
                        : "[" + inspections.map { $0.renderedJSON().trimmingCharacters(in: .newlines) }.joined(separator: ",\n") + "]\n")
        } else {
            console.out(inspections.map { $0.renderedTable() }.joined(separator: "\n"))
        }
        return inspections.allSatisfy { $0.problems.isEmpty }
    }
}
