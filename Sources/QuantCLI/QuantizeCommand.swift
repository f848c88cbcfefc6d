import ArgKit
import Foundation
import QuantKit

/// `quantize INPUT -o OUTPUT [options]`: the default command.
enum QuantizeCommand: Command {
    /// The values of `--scheme`: every scheme, and `none` (keep float).
    static let schemeChoices = QuantScheme.names + QuantScheme.floatNames + MicroscalingFormat.allCases.map(\.rawValue) + ["none"]

    static let spec = CommandSpec(
        name: "quantize",
        abstract: "Quantize the float tensors of a weight file or checkpoint folder into int8 (.npz or safetensors), or a GGUF file to a ggml type.",
        discussion: """
            Inputs: .npy, .npz or .safetensors files, several shards, or a folder (a Hugging Face
            model folder: its model.safetensors.index.json names the shards; config.json,
            tokenizer files and other companions are copied to the output folder).
            By default every floating tensor of rank >= 2 is quantized and rank 0/1 tensors
            (biases, norms) stay as they are. --include selects by name instead (any match;
            '.*' selects every floating tensor), --exclude wins over both, and the first
            --layer rule whose REGEX matches a selected tensor sets its scheme and bits
            ('none' keeps it in float). Patterns match anywhere in the name.
            In .npz output, per tensor: NAME (int8 codes, uint8 when asymmetric), NAME_scale
            (float32, or --scale-dtype) and, when asymmetric, NAME_zero_point (int32), plus a
            __quantization__ JSON record. Safetensors output uses the compressed-tensors layout
            that vLLM and transformers load (--ct-format), and config.json gains its
            quantization_config.
            GGUF: 'quantize IN.gguf -o OUT.gguf --type Q4_K_M' writes what
            'llama-quantize IN.gguf OUT.gguf Q4_K_M' writes, byte for byte: every 2-D '*weight'
            tensor (but norms, position embeddings and llama-quantize's other exceptions) in the
            type its mix picks (with --pure: the type's one ggml type), or llama-quantize's
            fallback type when the rows do not fit the blocks (listed in the report); the rest
            copied as they are. --output-tensor-type, --token-embedding-type,
            --leave-output-tensor, --tensor-type, --tensor-type-file and --override-kv are
            llama-quantize's; --exclude REGEX keeps matching tensors in their input type and
            --layer REGEX=TYPE is one more --tensor-type. A model split in shards is read from
            its first shard (IN-00001-of-0000N.gguf; the others are found by name) and written
            as one file, or with --keep-split in the same shards. --allow-requantize quantizes
            tensors that already are (llama-quantize's option of that name).
            """,
        arguments: [ArgumentSpec("input", help: "The weights: a .npy, .npz or .safetensors file, or several shards or a folder of them.",
                                  variadic: true, valueHint: .file(extensions: ["npy", "npz", "safetensors", "gguf"]))],
        options: [
            OptionSpec("output", short: "o", valueName: "OUTPUT",
                       help: "The file to write (.npz or .safetensors); for shards, the folder to write them to.", required: true,
                       valueHint: .file(extensions: ["npz", "safetensors", "gguf"])),
            OptionSpec("format", valueName: "F", help: "Output format (default: from OUTPUT's extension, or the shards' format).",
                       allowedValues: OutputFormat.allCases.map(\.rawValue)),
            OptionSpec("ct-format", valueName: "K",
                       help: "Safetensors layout: 'pack' (pack-quantized, weight-only W8A16/W4A16), 'int' (int-quantized, served as W8A8) or 'float' (float-quantized FP8, served as W8A8-FP8); default 'float' for an fp8 --scheme, else 'pack'.",
                       allowedValues: QuantizedLayouts.builtIn.variants(of: .safetensors)),
        ] + selectionOptions + methodOptions + TransformerCalibrationChoice.options + [
            OptionSpec("activation", valueName: "A", help: "Between layers, to run the calibration rows (gptq, awq).",
                       allowedValues: Activation.allCases.map(\.rawValue), defaultValue: "relu"),
            .flag("compress", help: "Deflate the .npz archive's members (smaller file, slower)."),
            OptionSpec("type", valueName: "TYPE",
                       help: "GGUF only: llama-quantize's file type (any case): " + LlamaFileType.names.joined(separator: ", ") + ".",
                       valueHint: .words(LlamaFileType.names)),
            .flag("pure", help: "With --type: every quantized tensor in the type's one ggml type (llama-quantize --pure)."),
            OptionSpec("output-tensor-type", valueName: "T", help: "With --type: output.weight's ggml type (e.g. q8_0).",
                       valueHint: .text),
            OptionSpec("token-embedding-type", valueName: "T", help: "With --type: the token embeddings' ggml type.",
                       valueHint: .text),
            .flag("leave-output-tensor", help: "With --type: keep output.weight in its input type."),
            OptionSpec("tensor-type", valueName: "REGEX=T",
                       help: "With --type: the ggml type of the tensors whose names match (llama-quantize's rule: REGEX lower-cased, first match wins).",
                       repeatable: true, valueHint: .text),
            OptionSpec("tensor-type-file", valueName: "FILE", help: "With --type: --tensor-type rules, separated by blanks or newlines.",
                       repeatable: true),
            OptionSpec("override-kv", valueName: "KEY=TYPE:VALUE",
                       help: "With --type: set a metadata entry of the output (TYPE int, float, bool or str).", repeatable: true,
                       valueHint: .text),
            OptionSpec("imatrix", valueName: "FILE",
                       help: "With --type: llama.cpp importance matrix (GGUF or legacy .dat) weighing the scale searches.",
                       valueHint: .file(extensions: ["gguf", "dat"])),
            .flag("strict", help: "With --type: refuse a type llama-quantize would replace because the rows do not fit its blocks."),
            .flag("allow-requantize", help: "With --type: quantize tensors already of a block type again, dequantized first (their error compounds; listed in the report)."),
            .flag("keep-split", help: "With --type: write a split input (IN-00001-of-0000N.gguf) in the same shards, OUT-0000k-of-0000N.gguf; without it, one file."),
            OptionSpec("report", valueName: "FORMAT", help: "How to print the report on stdout.",
                       allowedValues: ["table", "json", "none"], defaultValue: "table"),
            .flag("force", help: "Replace OUTPUT if it exists and is a regular file (never the input)."),
            .flag("dry-run", help: "Print what would be written (each tensor's scheme or type, size and bits per weight; with --type the fallbacks too); write nothing."),
            PlotOption.spec,
            TerminalProgress.quietOption,
            maxMemoryOption,
            OptionSpec("threads", valueName: "N", help: "Worker threads; the output is identical for any count.",
                       defaultValue: "\(defaultThreadCount)", valueHint: .text),
        ])

    /// `--max-memory` (shared with `dequantize`).
    static let maxMemoryOption = OptionSpec(
        "max-memory", valueName: "SIZE",
        help: "Memory for tensor data (e.g. 512M, 1.5GiB; default 3/4 of the smallest of RAM, cgroup limit and ulimit -v); "
            + "a tensor needing more is refused before anything is read.", valueHint: .text)

    /// The budget `--max-memory` sets; nil for this machine's default (`MemoryBudget.systemDefault()`,
    /// which reads /proc and /sys, so a run asks for it and the usage check does not).
    static func maxMemory(_ arguments: ParsedArguments) throws(UsageError) -> MemoryBudget? {
        guard let text = arguments.string("max-memory") else { return nil }
        guard let budget = MemoryBudget(parsing: text) else {
            throw .invalidValue(option: "--max-memory", value: text, expected: "a size such as 512M, 2G, 1.5GiB or a number of bytes")
        }
        return budget
    }

    /// `--output`, refused when empty.
    static func outputPath(_ arguments: ParsedArguments) throws(UsageError) -> String {
        let output = arguments.string("output")!
        guard !output.isEmpty else { throw .invalidValue(option: "--output", value: "", expected: "a file or folder path") }
        return output
    }

    /// The options that choose what is quantized and how (shared with `eval`).
    static let selectionOptions = [
        OptionSpec("scheme", valueName: "S", help: "The default scheme.",
                   allowedValues: schemeChoices, defaultValue: "per-channel"),
        OptionSpec("bits", valueName: "N", help: "Bits per code, 2 to 8.", defaultValue: "8", valueHint: .text),
        OptionSpec("axis", valueName: "A", help: "The channel axis of per-channel schemes (negative counts from the end).",
                   defaultValue: "0", valueHint: .text),
        OptionSpec("group-size", valueName: "G",
                   help: "One scale (and zero point) per G consecutive elements of each row (last axis); every scheme becomes group-wise.",
                   valueHint: .text),
        OptionSpec("block", valueName: "RxC",
                   help: "The block of the fp8-block schemes: one scale per R rows x C columns of a weight (the last row and column of blocks may be partial; default 128x128).",
                   valueHint: .text),
        OptionSpec("clip", valueName: "C",
                   help: "Each scale's range: minmax, mse (least squared error over shrink factors 1 to 0.5), or percentile:P.",
                   defaultValue: "minmax", valueHint: .text),
        OptionSpec("scale-rule", valueName: "R",
                   help: "How scales and codes follow from each range: reference (max|x| / (2^(b-1) - 1), round then add the zero point) or compressed-tensors (the library's own rounding, for codes identical to its compressor's).",
                   allowedValues: ScaleRule.allCases.map(\.rawValue), defaultValue: ScaleRule.reference.rawValue),
        OptionSpec("symmetric-range", valueName: "R",
                   help: "Symmetric schemes: restricted (scale max|x| / (2^(b-1) - 1), codes ±(2^(b-1) - 1)) or full (scale m / -2^(b-1) with m the signed value of largest magnitude, all 2^b codes, as llama.cpp's Q4_0/Q8_0; reference rule and --clip minmax only).",
                   allowedValues: SymmetricRange.allCases.map(\.rawValue), defaultValue: SymmetricRange.restricted.rawValue),
        OptionSpec("scale-dtype", valueName: "T",
                   help: "The type scales are stored in, and rounded to before codes are computed (default: float32 in .npz, the weight's type in compressed-tensors, which accepts only that).",
                   allowedValues: QuantScheme.scaleDTypes.map(\.rawValue)),
        OptionSpec("include", valueName: "REGEX", help: "Quantize the floating tensors whose names match.", repeatable: true,
                   valueHint: .text),
        OptionSpec("exclude", valueName: "REGEX", help: "Never quantize tensors whose names match.", repeatable: true,
                   valueHint: .text),
        OptionSpec("layer", valueName: "REGEX=SCHEME[:BITS]", help: "Scheme and bits for the selected tensors that match; first match wins.",
                   repeatable: true, valueHint: .text),
    ]

    /// The options of the whole-network methods (shared with `eval`).
    static let methodOptions = [
        OptionSpec("method", valueName: "M",
                   help: "How codes are chosen: rtn (round to nearest), gptq or awq (both need --calibration, or --calibration-text/--calibration-tokens on a model folder).",
                   allowedValues: QuantizationMethods.names, defaultValue: "rtn"),
        OptionSpec("calibration", valueName: "X.npy", help: "Calibration input rows [N, in] for gptq and awq.",
                   valueHint: .file(extensions: ["npy"])),
        OptionSpec("damp", valueName: "F", help: "GPTQ dampening, a fraction of the Hessian's mean diagonal.", defaultValue: "0.01",
                   valueHint: .text),
        .flag("act-order", help: "GPTQ: quantize columns in order of decreasing Hessian diagonal."),
        OptionSpec("keep-outliers", valueName: "T",
                   help: "Keep in float16 the weight columns whose calibration inputs exceed |T| (needs --calibration, or --calibration-text/--calibration-tokens on a model folder; .npz only).",
                   valueHint: .text),
    ]

    /// The selection rules `selectionOptions` describe.
    static func selectionRules(_ arguments: ParsedArguments) throws(UsageError) -> SelectionRules {
        let options = try SchemeOptions(arguments)
        let schemeName = arguments.string("scheme")!
        return SelectionRules(
            defaultScheme: try options.scheme(schemeName, bits: options.bits, given: "--scheme \(schemeName)",
                                              orThrow: .invalidChoice(option: "--scheme", value: schemeName, allowed: schemeChoices)),
            include: try compilePatterns(arguments.strings("include"), option: "--include"),
            exclude: try compilePatterns(arguments.strings("exclude"), option: "--exclude"),
            layers: try arguments.strings("layer").map { text throws(UsageError) in try parseLayerRule(text, options: options) })
    }

    /// Every option of a quantize run, typed.
    struct Options {
        var rules: SelectionRules
        var threads: Int
        var maxMemory: MemoryBudget?
        var inputs: [String]
        var output: String
        var format: OutputFormat?
        var compress: Bool
        /// The layout of safetensors output, by its variant name (`--ct-format`); nil for the
        /// default scheme's (`float` for float codes, else `pack`).
        var safetensorsLayout: String?
        var method: MethodChoice
        /// `--calibration-text` or `--calibration-tokens`: the method runs through the input folder's transformer.
        var transformerCalibration: TransformerCalibration?
        var activation: Activation
        var force: Bool
        var report: ReportFormat
        /// Plan and print, write nothing.
        var dryRun: Bool = false
        /// `--plot`: the per-tensor SQNR picture's file.
        var plot: String?
        /// `--type` and its options: a GGUF run, which ignores the fields above but these three.
        var gguf: GGUFTypeOptions?
        /// `--scheme nvfp4 | mxfp4 | mxfp8`: a microscaling run, which ignores the fields above but these.
        var microscaling: MicroscalingOptions?
        /// No progress bar.
        var quiet = false
    }

    static func options(_ arguments: ParsedArguments) throws(UsageError) -> Options {
        let gguf = try GGUFTypeOptions(arguments, inputs: arguments.arguments("input"), output: try outputPath(arguments))
        // A GGUF run reads --layer as REGEX=TYPE (GGUFTypeOptions), and uses no selection rule.
        let microscaling = try MicroscalingOptions(arguments, inputs: arguments.arguments("input"), output: try outputPath(arguments))
        let rules = gguf == nil && microscaling == nil ? try selectionRules(arguments) : SelectionRules(defaultScheme: nil)
        let plot = try PlotOption.path(arguments)
        if plot != nil, gguf != nil { throw .conflicting("--plot", "--type (a GGUF run reports no per-tensor error)") }
        if plot != nil, microscaling != nil { throw .conflicting("--plot", "--scheme nvfp4|mxfp4|mxfp8 (its report is not drawn)") }
        if plot != nil, arguments.flag("dry-run") { throw .conflicting("--plot", "--dry-run (a plan has no error to draw)") }
        let transformer = try TransformerCalibrationChoice.sequences(arguments).map { sequences throws(UsageError) in
            try TransformerCalibrationChoice.calibration(sequences, arguments: arguments, inputs: arguments.arguments("input"))
        }
        return Options(rules: rules, threads: try arguments.int("threads", in: 1 ... 1024)!,
                maxMemory: try maxMemory(arguments), inputs: arguments.arguments("input"), output: try outputPath(arguments),
                format: arguments.string("format").flatMap(OutputFormat.init(rawValue:)), compress: arguments.flag("compress"),
                safetensorsLayout: arguments.string("ct-format"),
                method: try MethodChoice(arguments, calibratedThroughTransformer: transformer != nil),
                transformerCalibration: transformer, activation: arguments.choice("activation", as: Activation.self)!,
                force: arguments.flag("force"), report: arguments.choice("report", as: ReportFormat.self)!,
                dryRun: arguments.flag("dry-run"), plot: plot, gguf: gguf, microscaling: microscaling,
                quiet: arguments.flag("quiet"))
    }

    static func run(_ options: Options, console: Console) throws -> Bool {
        if let gguf = options.gguf { return try runGGUF(gguf, options: options, console: console) }
        if let microscaling = options.microscaling { return try runMicroscaling(microscaling, options: options, console: console) }
        var rules = options.rules
        let plan = try ShardPlan(inputs: options.inputs, output: options.output, format: options.format)
        rules.moduleRoles = try plan.moduleRoles()
        if options.compress, plan.format != .npz {
            throw UsageError.conflicting("--compress", "safetensors output (--compress deflates .npz members)")
        }
        // Both lookups succeed: every file format has a layout, and --ct-format allows only the variants.
        let variant = options.safetensorsLayout ?? (rules.defaultScheme?.floatFormat != nil ? "float" : "pack")
        let layout = QuantizedLayouts.builtIn.output(plan.format, variant: plan.format == .safetensors ? variant : nil)!
        let choice = options.method
        if choice.keepOutliers != nil, !layout.holdsOutlierColumns {
            throw UsageError.conflicting("--keep-outliers", "safetensors output (compressed-tensors has no float16 outlier columns)")
        }
        if choice.calibration != nil, plan.sharded {
            throw UsageError.conflicting("--method \(choice.method.name)", "several shards or a folder")
        }
        if options.dryRun {
            let report = try planCheckpoint(plan: plan, rules: rules, layout: layout,
                                            memoryBudget: options.maxMemory ?? .systemDefault())
            switch options.report {
            case .none: break
            case .table: console.out(report.renderedTable())
            case .json: console.out(report.renderedJSON())
            }
            return true
        }
        let plotFile = try options.plot.map { try PlotFile(path: $0, inputs: options.inputs) }
        let start = Date()
        let bar = TerminalProgress.make(console, quiet: options.quiet)
        defer { bar?.finish() }
        let progress = bar.map { bar in { (step: CheckpointProgress) in bar.update(checkpoint: step, plan: plan) } }
        var method = MethodRun(method: choice.quantizationMethod, calibrationPath: choice.calibration,
                               activation: options.activation, model: options.transformerCalibration)
        method.progress = bar?.steps(choice.method.name, unit: options.transformerCalibration == nil ? "layers" : "blocks")
        let reports = try quantizeCheckpoint(plan: plan, rules: rules, layout: layout, compress: options.compress,
                                             overwrite: options.force, threads: options.threads, method: method,
                                             memoryBudget: options.maxMemory ?? .systemDefault(), progress: progress)
        bar?.finish()
        let json = options.report == .json
        let combined = ShardedReport(shards: reports, elapsedSeconds: Date().timeIntervalSince(start))
        try plotFile?.write(plan.sharded ? combined.picture() : reports[0].picture())
        switch (options.report, plan.sharded) {
        case (.none, _): break
        case (_, false): console.out(json ? reports[0].renderedJSON() : reports[0].renderedTable())
        case (_, true): console.out(json ? combined.renderedJSON() : combined.renderedTable())
        }
        return true
    }

    /// A `--type` run: the file its self-quantizing layout writes (nothing with `--dry-run`),
    /// and its report.
    static func runGGUF(_ gguf: GGUFTypeOptions, options: Options, console: Console) throws -> Bool {
        let report = gguf.dryRun
            ? try gguf.layout.plan(input: gguf.input, output: gguf.output, options: gguf.options)
            : try gguf.layout.quantizeFile(input: gguf.input, output: gguf.output, options: gguf.options,
                                           overwrite: options.force, threads: options.threads)
        switch options.report {
        case .none: break
        case .table: console.out(report.renderedTable())
        case .json: console.out(report.renderedJSON())
        }
        return true
    }

    /// A microscaling run: the file or folder `quantizeMicroscaledCheckpoint` writes (nothing with
    /// `--dry-run`: its plan), and its report.
    static func runMicroscaling(_ run: MicroscalingOptions, options: Options, console: Console) throws -> Bool {
        let plan = try ShardPlan(inputs: run.inputs, output: run.output, format: run.file)
        if options.compress, plan.format != .npz {
            throw UsageError.conflicting("--compress", "safetensors output (--compress deflates .npz members)")
        }
        let roles = try plan.moduleRoles() ?? ModuleRoles()
        let report: any LayoutReport = run.dryRun
            ? try planMicroscaledCheckpoint(plan: plan, format: run.format, roles: roles)
            : try quantizeMicroscaledCheckpoint(plan: plan, format: run.format, roles: roles, overwrite: options.force,
                                                compressed: options.compress)
        switch options.report {
        case .none: break
        case .table: console.out(report.renderedTable())
        case .json: console.out(report.renderedJSON())
        }
        return true
    }
}
