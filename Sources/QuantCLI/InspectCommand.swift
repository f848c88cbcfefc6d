import Foundation
import ArgKit
import QuantKit

/// `quantize inspect FILE [--json] [--tensor NAME --plot FILE.svg [--scheme S] [--bits N]]`, or
/// `quantize inspect QUANTIZED --original FLOAT --plot FILE.svg`.
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
            --tensor NAME --plot FILE.svg draws the float tensor NAME's values on a per-tensor
            quantization grid (--scheme, --bits: symmetric 8-bit by default), with the grid's
            levels and clipping range, and the histogram of its rounding error.
            --original FLOAT --plot FILE.svg measures each quantized tensor of the file (or
            folder) against the float tensor of its name in FLOAT (the file or folder it was
            quantized from) and draws their SQNR, worst first, with the bytes each saves.
            """,
        arguments: [ArgumentSpec("file", help: "The file or model folder to describe.",
                                 valueHint: .file(extensions: ["npy", "npz", "safetensors", "gguf"]))],
        options: [.flag("json", help: "Print one JSON object instead of a table."),
                  OptionSpec("tensor", valueName: "NAME", help: "With --plot: the float tensor whose distribution to draw."),
                  OptionSpec("scheme", valueName: "S", help: "With --tensor: the per-tensor grid to draw.",
                             allowedValues: ["symmetric", "asymmetric"], defaultValue: "symmetric"),
                  OptionSpec("bits", valueName: "N", help: "With --tensor: the grid's code width.", defaultValue: "8",
                             valueHint: .text),
                  OptionSpec("original", valueName: "FLOAT",
                             help: "With --plot: the float file or folder the inspected one was quantized from, to draw each tensor's SQNR.",
                             valueHint: .file(extensions: ["npy", "npz", "safetensors", "gguf"])),
                  PlotOption.spec])

    /// Every option of an inspect run, typed.
    struct Options {
        var path: String
        var json: Bool
        /// `--tensor`, `--scheme`, `--bits` and `--plot`: the tensor's distribution picture.
        var distribution: (tensor: String, scheme: QuantScheme, plot: String)?
        /// `--original` and `--plot`: the per-tensor SQNR picture against the float original.
        var errors: (original: String, plot: String)?
    }

    static func options(_ arguments: ParsedArguments) throws(UsageError) -> Options {
        let plot = try PlotOption.path(arguments)
        let tensor = arguments.string("tensor")
        if tensor != nil, plot == nil { throw .requires("--tensor", "--plot") }
        let original = arguments.string("original")
        if original != nil, plot == nil { throw .requires("--original", "--plot") }
        if original != nil, tensor != nil { throw .conflicting("--original", "--tensor") }
        if tensor == nil, original == nil, plot != nil { throw .requires("--plot", "--tensor NAME or --original FLOAT") }
        for option in ["scheme", "bits"] where tensor == nil && arguments.contains(option) { throw .requires("--" + option, "--tensor") }
        let scheme = QuantScheme(symmetric: arguments.string("scheme") == "symmetric", granularity: .perTensor,
                                 bits: try arguments.int("bits", in: QuantScheme.bitRange)!)
        return Options(path: arguments.argument("file")!, json: arguments.flag("json"),
                       distribution: tensor.map { ($0, scheme, plot!) }, errors: original.map { ($0, plot!) })
    }

    /// Returns false when the file has problems.
    static func run(_ options: Options, console: Console) throws -> Bool {
        let path = options.path
        if let temporary = TemporaryOutputName(fileName: (path as NSString).lastPathComponent), !ShardPlan.isFolder(path) {
            throw FileError(path: path, LeftoverTemporaryFile(name: temporary))
        }
        let files = ShardPlan.isFolder(path) ? try ShardPlan.shards(inFolder: path).shards : [path]
        let inspections = try files.map { try inspectFile(path: $0) }
        if let distribution = options.distribution {
            let plotFile = try PlotFile(path: distribution.plot, inputs: files)
            try plotFile.write(TensorDistributionPicture(named: distribution.tensor, in: files, scheme: distribution.scheme).picture())
        }
        if let errors = options.errors {
            let originals = ShardPlan.isFolder(errors.original) ? try ShardPlan.shards(inFolder: errors.original).shards : [errors.original]
            let report = try QuantizationReport(archives: files.map { try QuantizedArchive(source: openTensorSource(path: $0)) },
                                                originals: originals.map { try openFloatTensorSource(path: $0) })
            try PlotFile(path: errors.plot, inputs: files + originals).write(report.picture())
        }
        if options.json {
            console.out(inspections.count == 1 ? inspections[0].renderedJSON()
                        : "[" + inspections.map { $0.renderedJSON().trimmingCharacters(in: .newlines) }.joined(separator: ",\n") + "]\n")
        } else {
            console.out(inspections.map { $0.renderedTable() }.joined(separator: "\n"))
        }
        return inspections.allSatisfy { $0.problems.isEmpty }
    }
}
