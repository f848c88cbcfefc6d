import ArgKit
import QuantKit

/// `--scheme nvfp4 | mxfp4 | mxfp8`: one safetensors file quantized in a microscaling format
/// (`MicroscalingQuantization`), written as compressed-tensors writes it. Its group size, scale
/// type and element type are the format's own, so the options that would set them, and those
/// of the other outputs, are refused by name.
struct MicroscalingOptions {
    var format: MicroscalingFormat
    var input: String
    var output: String

    /// The options that mean nothing to a microscaling format.
    static let unrelatedOptions = [
        "bits", "axis", "group-size", "block", "clip", "scale-rule", "symmetric-range", "scale-dtype", "include", "exclude", "layer",
        "calibration", "damp", "act-order", "keep-outliers", "compress", "ct-format", "dry-run", "type",
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
        guard inputs.count == 1, inputs[0].hasSuffix(".safetensors") else {
            throw .invalidValue(option: "--scheme", value: name, expected: "one .safetensors input file")
        }
        guard output.hasSuffix(".safetensors"), arguments.string("format") ?? "safetensors" == "safetensors" else {
            throw .invalidValue(option: "--output", value: output, expected: "a .safetensors file with --scheme \(name)")
        }
        self.format = format
        input = inputs[0]
        self.output = output
    }
}
