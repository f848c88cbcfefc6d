import ArgKit
import QuantKit

/// `--type NAME --pure`: a GGUF file quantized as `llama-quantize --pure IN OUT NAME` would,
/// byte for byte. Checked against everything else on the command line: one `.gguf` input, a
/// `.gguf` output, and none of the options of the int8 layouts (each refused by name).
struct GGUFTypeOptions {
    var fileType: LlamaFileType
    var input: String
    var output: String

    /// The options of the other outputs, which mean nothing to a GGUF type.
    static let unrelatedOptions = [
        "scheme", "bits", "axis", "group-size", "clip", "scale-rule", "symmetric-range", "scale-dtype", "include", "exclude",
        "layer", "method", "calibration", "damp", "act-order", "keep-outliers", "activation", "compress", "format",
        "ct-format", "max-memory",
    ]

    /// The options `--type` and `--pure` describe; nil when neither is given.
    init?(_ arguments: ParsedArguments, inputs: [String], output: String) throws(UsageError) {
        guard let name = arguments.string("type") else {
            if arguments.flag("pure") { throw .requires("--pure", "--type") }
            return nil
        }
        guard arguments.flag("pure") else {
            throw .requires("--type \(name)", "--pure (llama-quantize's per-tensor mixes are not implemented yet)")
        }
        guard let fileType = LlamaFileType(named: name) else {
            throw .invalidChoice(option: "--type", value: name, allowed: LlamaFileType.names)
        }
        if let other = Self.unrelatedOptions.first(where: arguments.contains) {
            throw .conflicting("--type", "--\(other)")
        }
        guard inputs.count == 1, inputs[0].hasSuffix(".gguf") else {
            throw .invalidValue(option: "--type", value: name, expected: "one .gguf input file")
        }
        guard output.hasSuffix(".gguf") else {
            throw .invalidValue(option: "--output", value: output, expected: "a .gguf file with --type")
        }
        self.fileType = fileType
        self.input = inputs[0]
        self.output = output
    }
}
