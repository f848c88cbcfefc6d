import ArgKit
import QuantKit

/// `quantize dequantize ARCHIVE -o OUTPUT`.
enum DequantizeCommand {
    static let spec = CommandSpec(
        name: "dequantize",
        abstract: "Write the float32 tensors an archive stands for: (codes - zero_point) * scale.",
        discussion: "Tensors kept in float are copied unchanged; scales, zero points and metadata are dropped.",
        arguments: [ArgumentSpec("archive", help: "An archive written by quantize (.npz or .safetensors).")],
        options: [
            OptionSpec("output", short: "o", valueName: "OUTPUT", help: "Where to write the float tensors (.npz or .safetensors).",
                       required: true),
            OptionSpec("format", valueName: "F", help: "Output format (default: from OUTPUT's extension, .npz otherwise).",
                       allowedValues: OutputFormat.allCases.map(\.rawValue)),
            .flag("compress", help: "Deflate the .npz output's members."),
            .flag("force", help: "Replace OUTPUT if it exists and is a regular file (never the input)."),
            QuantizeCommand.maxMemoryOption,
        ])

    static func run(_ arguments: ParsedArguments, console: Console) throws {
        let output = try QuantizeCommand.outputPath(arguments)
        let budget = try QuantizeCommand.memoryBudget(arguments)
        let archive = try QuantizedArchive(source: openTensorSource(path: arguments.argument("archive")!))
        let format = arguments.string("format").flatMap(OutputFormat.init(rawValue:))
            ?? (output.hasSuffix(".safetensors") ? .safetensors : .npz)
        if format == .safetensors, arguments.flag("compress") {
            throw UsageError.conflicting("--compress", "safetensors output (--compress deflates .npz members)")
        }
        let counts = try dequantizeFile(archive: archive, outputPath: output, format: format, compress: arguments.flag("compress"),
                                        overwrite: arguments.flag("force"), memoryBudget: budget)
        console.out("\(output): \(counts.dequantized) tensors dequantized to float32, \(counts.copied) copied\n")
    }
}
