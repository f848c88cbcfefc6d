import ArgKit
import QuantKit

/// `quantize INPUT -o OUTPUT [options]`: the default command.
enum QuantizeCommand {
    /// The values of `--scheme`: every scheme, and `none` (keep float).
    static let schemeChoices = QuantScheme.names + ["none"]

    static let spec = CommandSpec(
        name: "quantize",
        abstract: "Quantize the float tensors of a .npy/.npz file into an int8 .npz archive.",
        discussion: """
            By default every floating tensor of rank >= 2 is quantized and rank 0/1 tensors
            (biases, norms) stay as they are. --include selects by name instead (any match;
            '.*' selects every floating tensor), --exclude wins over both, and the first
            --layer rule whose REGEX matches a selected tensor sets its scheme and bits
            ('none' keeps it in float). Patterns match anywhere in the name.
            Per tensor, the archive holds NAME (int8 codes, uint8 when asymmetric),
            NAME_scale (float32) and, when asymmetric, NAME_zero_point (int32), plus a
            __quantization__ JSON record.
            """,
        arguments: [ArgumentSpec("input", help: "The weights to quantize: a .npy or .npz file.")],
        options: [
            OptionSpec("output", short: "o", valueName: "OUTPUT", help: "Where to write the archive (.npz).", required: true),
        ] + selectionOptions + [
            .flag("compress", help: "Deflate the archive's members (smaller file, slower)."),
            OptionSpec("report", valueName: "FORMAT", help: "How to print the report on stdout.",
                       allowedValues: ["table", "json", "none"], defaultValue: "table"),
            .flag("force", help: "Replace OUTPUT if it exists (never the input)."),
            OptionSpec("threads", valueName: "N", help: "Worker threads; the output is identical for any count.",
                       defaultValue: "\(defaultQuantizationThreads)"),
        ])

    /// The options that choose what is quantized and how (shared with `eval`).
    static let selectionOptions = [
        OptionSpec("scheme", valueName: "S", help: "The default scheme.",
                   allowedValues: schemeChoices, defaultValue: "per-channel"),
        OptionSpec("bits", valueName: "N", help: "Bits per code, 2 to 8.", defaultValue: "8"),
        OptionSpec("axis", valueName: "A", help: "The channel axis of per-channel schemes (negative counts from the end).",
                   defaultValue: "0"),
        OptionSpec("include", valueName: "REGEX", help: "Quantize the floating tensors whose names match.", repeatable: true),
        OptionSpec("exclude", valueName: "REGEX", help: "Never quantize tensors whose names match.", repeatable: true),
        OptionSpec("layer", valueName: "REGEX=SCHEME[:BITS]", help: "Scheme and bits for the selected tensors that match; first match wins.",
                   repeatable: true),
    ]

    /// The selection rules `selectionOptions` describe.
    static func selectionRules(_ arguments: ParsedArguments) throws(UsageError) -> SelectionRules {
        let bits = try arguments.int("bits", in: QuantScheme.bitRange)!
        let axis = try arguments.int("axis", in: -64 ... 63)!
        let schemeName = arguments.string("scheme")!
        return SelectionRules(
            defaultScheme: try parseScheme(schemeName, bits: bits, axis: axis,
                                           orThrow: .invalidChoice(option: "--scheme", value: schemeName, allowed: schemeChoices)),
            include: try compilePatterns(arguments.strings("include"), option: "--include"),
            exclude: try compilePatterns(arguments.strings("exclude"), option: "--exclude"),
            layers: try arguments.strings("layer").map { text throws(UsageError) in
                try parseLayerRule(text, defaultBits: bits, axis: axis)
            })
    }

    static func run(_ arguments: ParsedArguments, console: Console) throws {
        let rules = try selectionRules(arguments)
        let threads = try arguments.int("threads", in: 1 ... 1024)!
        let source = try openTensorSource(path: arguments.argument("input")!, threads: threads)
        let report = try quantizeFile(
            source: source, outputPath: arguments.string("output")!, rules: rules,
            compress: arguments.flag("compress"), overwrite: arguments.flag("force"), threads: threads,
            progress: console.errIsTerminal ? { console.err("\r\u{1B}[K" + $0) } : nil)
        if console.errIsTerminal { console.err("\r\u{1B}[K") }
        switch arguments.string("report") {
        case "json": console.out(report.renderedJSON())
        case "table": console.out(report.renderedTable())
        default: break
        }
    }
}
