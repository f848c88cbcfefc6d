import ArgKit

/// Declarations shaped like the real `quantize` program's, shared by the tests.
enum Sample {
    static let quantize = CommandSpec(
        name: "quantize",
        abstract: "Quantize a model's float weights to int8.",
        discussion: "A --layer rule overrides --scheme and --bits for the tensors it matches.",
        arguments: [ArgumentSpec("input", help: "The model to quantize (.npz).")],
        options: [
            OptionSpec("output", short: "o", valueName: "PATH", help: "Where to write the quantized archive.", required: true),
            OptionSpec(
                "scheme", valueName: "S", help: "How to map floats to codes.",
                allowedValues: ["symmetric", "asymmetric", "per-channel"], defaultValue: "symmetric"),
            OptionSpec("bits", valueName: "N", help: "Bits per code.", defaultValue: "8"),
            OptionSpec("axis", valueName: "A", help: "Channel axis for per-channel scales."),
            OptionSpec("include", valueName: "REGEX", help: "Quantize only tensors matching REGEX.", repeatable: true),
            OptionSpec("exclude", valueName: "REGEX", help: "Leave tensors matching REGEX in float.", repeatable: true),
            OptionSpec("layer", valueName: "REGEX=SCHEME[:BITS]", help: "Per-layer scheme override.", repeatable: true),
            .flag("compress", help: "Deflate the archive members."),
            OptionSpec(
                "report", valueName: "FORMAT", help: "How to print the error report.",
                allowedValues: ["table", "json", "none"], defaultValue: "table"),
            .flag("force", help: "Overwrite OUTPUT if it exists."),
        ])

    static let inspect = CommandSpec(
        name: "inspect",
        abstract: "Describe the tensors in a model or archive.",
        arguments: [ArgumentSpec("file", help: "The .npz model or quantized archive.")],
        options: [.flag("json", help: "Print JSON instead of a table.")])

    static let dequantize = CommandSpec(
        name: "dequantize",
        abstract: "Restore float weights from a quantized archive.",
        arguments: [ArgumentSpec("archive", help: "The quantized archive.")],
        options: [
            OptionSpec("output", short: "o", valueName: "PATH", help: "Where to write the float model.", required: true),
            .flag("force", help: "Overwrite OUTPUT if it exists."),
        ])

    static let program = Program(
        name: "quantize",
        version: "quantize 0.1.0",
        abstract: "Quantize model weights to int8 and inspect the result.",
        commands: [quantize, inspect, dequantize],
        defaultCommand: "quantize")

    /// Parses `argv` as the `quantize` command, expecting arguments rather than a help request.
    static func parseQuantize(_ argv: [String]) throws -> ParsedArguments {
        guard case .arguments(let parsed) = try parse(argv, as: quantize) else {
            throw SampleError.unexpectedHelp
        }
        return parsed
    }

    enum SampleError: Error { case unexpectedHelp }
}

enum ReportFormat: String {
    case table, json, none
}
