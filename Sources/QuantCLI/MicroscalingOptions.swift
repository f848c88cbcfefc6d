import ArgKit
import QuantKit

/// `--scheme nvfp4 | mxfp4 | mxfp8`: a safetensors (or `.npz`) file, or a checkpoint folder (or
/// several shards) into an output folder with its `config.json` and companions, quantized in a
/// microscaling format (`quantizeMicroscaledCheckpoint`), written as compressed-tensors writes
/// it. Its group size, scale type and element type are the format's own, so the options that
/// would set them, and those of the other outputs, are refused by name.
struct MicroscalingOptions {
    var format: MicroscalingFormat
    var inputs: [String]
    var output: String
    /// `--format`: the output files' format; nil for the output's extension (shards: the inputs').
    var file: OutputFormat?
    /// `--dry-run`: plan and print (`planMicroscaledCheckpoint`), write nothing.
    var dryRun: Bool

    /// The options that mean nothing to a microscaling format.
    static let unrelatedOptions = [
        "bits", "axis", "group-size", "block", "clip", "scale-rule", "symmetric-range", "scale-dtype", "include", "exclude", "layer",
        "calibration", "damp", "act-order", "keep-outliers", "ct-format", "type",
    ]

    /// The microscaling run `--scheme` asks for; nil for any other scheme.
    init?(_ arguments: ParsedArguments, inputs: [String], output: String) throws(UsageError) {
        guard let name = arguments.string("scheme"), let format = MicroscalingFormat(rawValue: name) else { return nil }
        if let other = Self.unrelatedOptions.first(where: arguments.contains) {
            throw .conflicting("--scheme \(name)", "--\(other) (the format fixes its groups, scales and elements)")
        }
        if arguments.string("method") != "rtn" {
            throw .conflicting("--scheme \(name)", "--method \(arguments.string("method") ?? "") (microscaled codes are rounded to nearest)")
        }
        let oneFile = inputs.count == 1 && !ShardPlan.isFolder(inputs[0])
        let file = arguments.string("format").flatMap(OutputFormat.init(rawValue:))
        guard !oneFile || [".safetensors", ".npz"].contains(where: output.hasSuffix) else {
            throw .invalidValue(option: "--output", value: output,
                                expected: "a .safetensors or .npz file (or, for a folder or shards, a folder) with --scheme \(name)")
        }
        self.format = format
        self.inputs = inputs
        self.output = output
        self.file = file
        dryRun = arguments.flag("dry-run")
    }
}
