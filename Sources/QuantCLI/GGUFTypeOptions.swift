import ArgKit
import QuantKit

/// `--type NAME --pure`: a file quantized by a self-quantizing layout (`QuantizedLayouts.selfQuantizing`,
/// found by the output's extension): for GGUF, as `llama-quantize --pure IN OUT NAME` would,
/// byte for byte. Checked against everything else on the command line: one input of the
/// layout's extension, and none of the options of the int8 layouts (each refused by name).
struct GGUFTypeOptions {
    var layout: any SelfQuantizingLayout
    var typeName: String
    var input: String
    var output: String
    /// `--imatrix FILE`: the importance matrix, for a layout that reads one.
    var importancePath: String?

    /// The options of the other outputs, which mean nothing to a GGUF type.
    static let unrelatedOptions = [
        "scheme", "bits", "axis", "group-size", "clip", "scale-rule", "symmetric-range", "scale-dtype", "include", "exclude",
        "layer", "method", "calibration", "damp", "act-order", "keep-outliers", "activation", "compress", "format",
        "ct-format", "max-memory",
    ]

    /// The options `--type` and `--pure` describe; nil when neither is given (and the output is
    /// not a file only a self-quantizing layout writes: an int8 archive is never named `.gguf`).
    init?(_ arguments: ParsedArguments, inputs: [String], output: String) throws(UsageError) {
        guard let name = arguments.string("type") else {
            if arguments.contains("imatrix") { throw .requires("--imatrix", "--type") }
            if arguments.flag("pure") { throw .requires("--pure", "--type") }
            if QuantizedLayouts.selfQuantizing(writing: output) != nil { throw .requires("-o \(output)", "--type TYPE --pure") }
            return nil
        }
        guard arguments.flag("pure") else {
            throw .requires("--type \(name)", "--pure (llama-quantize's per-tensor mixes are not implemented yet)")
        }
        guard let layout = QuantizedLayouts.selfQuantizing(writing: output) else {
            let extensions = QuantizedLayouts.selfQuantizing.map { "." + $0.fileExtension }.joined(separator: " or ")
            throw .invalidValue(option: "--output", value: output, expected: "a \(extensions) file with --type")
        }
        guard layout.acceptsType(name) else { throw .invalidChoice(option: "--type", value: name, allowed: layout.typeNames) }
        if let other = Self.unrelatedOptions.first(where: arguments.contains) {
            throw .conflicting("--type", "--\(other)")
        }
        guard inputs.count == 1, inputs[0].hasSuffix("." + layout.fileExtension) else {
            throw .invalidValue(option: "--type", value: name, expected: "one .\(layout.fileExtension) input file")
        }
        self.layout = layout
        self.typeName = name
        self.input = inputs[0]
        self.output = output
        importancePath = arguments.string("imatrix")
        if importancePath != nil, !(layout is any ImportanceWeightedLayout) {
            throw .conflicting("--imatrix", "--type for .\(layout.fileExtension) output")
        }
    }

    /// Runs the layout, with the importance matrix when one was given.
    func quantizeFile(overwrite: Bool, threads: Int) throws -> any LayoutReport {
        if let importancePath, let weighted = layout as? any ImportanceWeightedLayout {
            return try weighted.quantizeFile(input: input, output: output, typeName: typeName, importancePath: importancePath,
                                             overwrite: overwrite, threads: threads)
        }
        return try layout.quantizeFile(input: input, output: output, typeName: typeName, overwrite: overwrite,
                                       threads: threads)
    }
}
