import ArgKit
import QuantKit

/// `quantize inspect FILE [--json]`.
enum InspectCommand {
    static let spec = CommandSpec(
        name: "inspect",
        abstract: "Describe the tensors of any .npy/.npz file or archive and check its consistency.",
        discussion: """
            For an archive written by quantize, each quantized tensor is checked in full:
            its codes, scales and zero points exist, have the dtypes and shapes the metadata
            implies, codes and zero points lie in the scheme's range and scales are finite
            and positive. Problems are listed and the exit status is 1.
            """,
        arguments: [ArgumentSpec("file", help: "The file to describe.")],
        options: [.flag("json", help: "Print one JSON object instead of a table.")])

    /// Returns false when the file has problems.
    static func run(_ arguments: ParsedArguments, console: Console) throws -> Bool {
        let inspection = try Inspection(archive: QuantizedArchive(source: openTensorSource(path: arguments.argument("file")!)))
        console.out(arguments.flag("json") ? inspection.renderedJSON() : inspection.renderedTable())
        return inspection.problems.isEmpty
    }
}
