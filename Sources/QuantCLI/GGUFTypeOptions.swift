import ArgKit
import Foundation
import QuantKit

/// `--type NAME` and the options of llama-quantize that go with it: a file quantized by a
/// self-quantizing layout (`QuantizedLayouts.selfQuantizing`, found by the output's extension):
/// for GGUF, as `llama-quantize [options] IN OUT NAME` would, byte for byte. Checked against
/// everything else on the command line: one input of the layout's extension, the layout's own
/// check of every type and rule, and none of the options of the int8 layouts (each refused by
/// name); `--exclude REGEX` keeps matching tensors in their input type and `--layer REGEX=TYPE`
/// is one more `--tensor-type`.
struct GGUFTypeOptions {
    var layout: any SelfQuantizingLayout
    var options: SelfQuantizingOptions
    var input: String
    var output: String
    /// Print the plan, write nothing.
    var dryRun: Bool

    /// The options of the other outputs, which mean nothing to a GGUF type.
    static let unrelatedOptions = [
        "scheme", "bits", "axis", "group-size", "block", "clip", "scale-rule", "symmetric-range", "scale-dtype", "include",
        "method", "calibration", "damp", "act-order", "keep-outliers", "activation", "compress", "format", "ct-format",
        "max-memory",
    ]
    /// The options that mean something only with `--type`.
    static let typeOptions = [
        "pure", "output-tensor-type", "token-embedding-type", "leave-output-tensor", "tensor-type", "tensor-type-file",
        "override-kv", "strict", "imatrix", "allow-requantize", "keep-split",
    ]
    /// The options whose values become tensor type rules, in command-line order.
    static let ruleOptions = ["tensor-type", "tensor-type-file", "layer"]

    /// The options `--type` and its companions describe; nil when `--type` is not given (and
    /// the output is not a file only a self-quantizing layout writes: an int8 archive is never
    /// named `.gguf`).
    init?(_ arguments: ParsedArguments, inputs: [String], output: String) throws(UsageError) {
        guard let name = arguments.string("type") else {
            if let given = Self.typeOptions.first(where: arguments.contains) { throw .requires("--\(given)", "--type") }
            if QuantizedLayouts.selfQuantizing(writing: output) != nil { throw .requires("-o \(output)", "--type TYPE") }
            return nil
        }
        guard let layout = QuantizedLayouts.selfQuantizing(writing: output) else {
            let extensions = QuantizedLayouts.selfQuantizing.map { "." + $0.fileExtension }.joined(separator: " or ")
            throw .invalidValue(option: "--output", value: output, expected: "a \(extensions) file with --type")
        }
        if let other = Self.unrelatedOptions.first(where: arguments.contains) {
            throw .conflicting("--type", "--\(other)")
        }
        if arguments.contains("leave-output-tensor"), arguments.contains("output-tensor-type") {
            throw .conflicting("--leave-output-tensor", "--output-tensor-type")
        }
        guard inputs.count == 1, inputs[0].hasSuffix("." + layout.fileExtension) else {
            throw .invalidValue(option: "--type", value: name, expected: "one .\(layout.fileExtension) input file")
        }
        let rules = try Self.rules(arguments)
        var options = SelfQuantizingOptions(typeName: name)
        options.pure = arguments.flag("pure")
        options.strict = arguments.flag("strict")
        options.allowRequantize = arguments.flag("allow-requantize")
        options.keepSplit = arguments.flag("keep-split")
        options.keepOutputTensor = arguments.flag("leave-output-tensor")
        options.outputTensorType = arguments.string("output-tensor-type")
        options.tokenEmbeddingType = arguments.string("token-embedding-type")
        options.tensorTypes = rules.map(\.text)
        options.metadataOverrides = arguments.strings("override-kv")
        options.keepInInputType = arguments.strings("exclude")
        options.importancePath = arguments.string("imatrix")
        do {
            try layout.check(options)
        } catch {
            throw Self.usageError(error, rules: rules)
        }
        self.layout = layout
        self.options = options
        self.input = inputs[0]
        self.output = output
        self.dryRun = arguments.flag("dry-run")
    }

    /// The `REGEX=TYPE` rules of `--tensor-type`, `--layer` and the words of each
    /// `--tensor-type-file` (separated by blanks or newlines), in command-line order, each with
    /// the option it came from.
    static func rules(_ arguments: ParsedArguments) throws(UsageError) -> [(option: String, text: String)] {
        let occurrences = ruleOptions.flatMap { option in
            arguments.occurrences(ofOption: option).map { (option: option, occurrence: $0) }
        }.sorted { $0.occurrence.position < $1.occurrence.position }
        var rules: [(option: String, text: String)] = []
        for (option, occurrence) in occurrences {
            let value = occurrence.value ?? ""
            guard option == "tensor-type-file" else {
                rules.append((option: "--" + option, text: value))
                continue
            }
            guard let contents = try? String(contentsOfFile: value, encoding: .utf8) else {
                throw .invalidValue(option: "--tensor-type-file", value: value,
                                    expected: "a readable UTF-8 file of REGEX=TYPE words separated by blanks or newlines")
            }
            rules += contents.split(whereSeparator: \.isWhitespace).map { (option: "--tensor-type-file", text: String($0)) }
        }
        return rules
    }

    /// The usage error for the layout's refusal, naming the option the value came from.
    static func usageError(_ error: SelfQuantizingOptionError, rules: [(option: String, text: String)]) -> UsageError {
        let option = switch error.field {
        case .typeName: "--type"
        case .outputTensorType: "--output-tensor-type"
        case .tokenEmbeddingType: "--token-embedding-type"
        case .tensorTypes: rules.first { $0.text == error.value }?.option ?? "--tensor-type"
        case .metadataOverrides: "--override-kv"
        case .keepInInputType: "--exclude"
        }
        return .invalidValue(option: option, value: error.value, expected: error.expected)
    }
}
