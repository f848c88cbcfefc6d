import ArgKit
import QuantKit

/// `quantize dequantize ARCHIVE -o OUTPUT`.
enum DequantizeCommand: Command {
    static let spec = CommandSpec(
        name: "dequantize",
        abstract: "Write the float32 tensors an archive stands for: (codes - zero_point) * scale.",
        discussion: """
            Tensors kept in float are copied unchanged; scales, zero points and metadata are dropped.
            A GGUF file's q4_0 ... q6_K tensors are written as float32, as ggml's dequantize_row_<type> reads them.
            """,
        arguments: [ArgumentSpec("archive", help: "An archive written by quantize (.npz or .safetensors), or a GGUF file.",
                                 valueHint: .file(extensions: ["npz", "safetensors", "gguf"]))],
        options: [
            OptionSpec("output", short: "o", valueName: "OUTPUT", help: "Where to write the float tensors (.npz or .safetensors).",
                       required: true, valueHint: .file(extensions: ["npz", "safetensors"])),
            OptionSpec("format", valueName: "F", help: "Output format (default: from OUTPUT's extension, .npz otherwise).",
                       allowedValues: OutputFormat.allCases.map(\.rawValue)),
            .flag("compress", help: "Deflate the .npz output's members."),
            .flag("force", help: "Replace OUTPUT if it exists and is a regular file (never the input)."),
            QuantizeCommand.maxMemoryOption,
        ])

    /// Every option of a dequantize run, typed.
    struct Options {
        var output: String
        var maxMemory: MemoryBudget?
        var archive: String
        var format: OutputFormat?
        var compress: Bool
        var force: Bool
    }

    static func options(_ arguments: ParsedArguments) throws(UsageError) -> Options {
        Options(output: try QuantizeCommand.outputPath(arguments), maxMemory: try QuantizeCommand.maxMemory(arguments),
                archive: arguments.argument("archive")!, format: arguments.string("format").flatMap(OutputFormat.init(rawValue:)),
                compress: arguments.flag("compress"), force: arguments.flag("force"))
    }

    static func run(_ options: Options, console: Console) throws -> Bool {
        let archive = try QuantizedArchive(source: openTensorSource(path: options.archive))
        let format = options.format ?? (options.output.hasSuffix(".safetensors") ? .safetensors : .npz)
        if format == .safetensors, options.compress {
            throw UsageError.conflicting("--compress", "safetensors output (--compress deflates .npz members)")
        }
        let counts = try dequantizeFile(archive: archive, outputPath: options.output, format: format, compress: options.compress,
                                        overwrite: options.force, memoryBudget: options.maxMemory ?? .systemDefault())
        console.out("\(options.output): \(counts.dequantized) tensors dequantized to float32, \(counts.copied) copied\n")
        return true
    }
}
