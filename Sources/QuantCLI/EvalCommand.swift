import ArgKit
import QuantKit

/// `quantize eval MODEL [QUANTIZED] [options]`.
enum EvalCommand: Command {
    static let spec = CommandSpec(
        name: "eval",
        abstract: "Compare a model's float and quantized outputs on real or random inputs.",
        discussion: """
            The network is read from the tensor names: each layer is a 2-D PREFIX.weight
            ([out, in]) with an optional PREFIX.bias, in natural order of the prefixes (fc2
            before fc10), with the activation between layers and none after the last. Without
            QUANTIZED, MODEL is quantized in memory with the scheme options, as 'quantize' would.
            On an MLP, --compare evaluates every scheme at 8, 4, 3 and 2 bits (best first in each width),
            round to nearest with min-max and with MSE clipping, and with --calibration also
            GPTQ and AWQ.
            --compute int8 quantizes each input row to int8 and multiplies integers with int32
            accumulation; the report also checks it against the dequantize path.
            When MODEL is a transformer checkpoint (a folder with config.json, or a .safetensors
            file with one beside it: BERT encoders, llama, mistral and qwen2 decoders), the float
            and quantized models run natively on --text (tokenized with the folder's
            tokenizer.json) or --tokens: encoders compare their pooled embeddings (cosine,
            nearest-neighbour agreement, Spearman), decoders their next-token distributions (KL
            divergence, same top token, perplexity, as llama-perplexity --kl-divergence), and
            every Linear's output SQNR alone and cumulative, worst first. Without QUANTIZED, the
            Linear weights are rounded to nearest in memory as 'quantize FOLDER' selects them, or
            with --method gptq and --calibration-text (or --calibration-tokens) quantized by GPTQ
            block by block through the transformer, as 'quantize FOLDER --method gptq' does.
            --scheme nvfp4, mxfp4 or mxfp8 quantizes the Linear weights to that microscaling
            format as 'quantize FOLDER --scheme F' writes it and runs them dequantized.
            On a transformer, --compare evaluates round to nearest (and GPTQ, given
            --calibration-text or --calibration-tokens) at 8, 4, 3 and 2 bits with the schemes
            per-channel, per-channel-asymmetric, group-128 (--scheme group --group-size 128),
            group-asymmetric-128 and group-32; each row is what 'quantize' with those options
            and 'quantize eval FOLDER OUT' give, best first in each width (encoders: higher mean
            cosine; decoders: lower mean KL divergence), with the size of the quantized weights
            and their bits per weight, scales counted.
            """,
        arguments: [
            ArgumentSpec("model", help: "The float model (.npz or .npy), or a transformer checkpoint (a folder with config.json).",
                         valueHint: .file(extensions: ["npz", "npy", "safetensors"])),
            ArgumentSpec("quantized", help: "An archive, file or folder written by 'quantize' from MODEL.", required: false,
                         valueHint: .file(extensions: ["npz", "safetensors"])),
        ],
        options: [
            OptionSpec("input", valueName: "X.npy", help: "Input rows [N, in], any float dtype.", valueHint: .file(extensions: ["npy"])),
            OptionSpec("labels", valueName: "Y.npy", help: "Integer class labels [N] for the input rows: adds accuracy.",
                       valueHint: .file(extensions: ["npy"])),
            OptionSpec("samples", valueName: "N", help: "Without --input: this many standard-normal rows.", defaultValue: "256",
                       valueHint: .text),
            OptionSpec("seed", valueName: "S", help: "Seed of the standard-normal rows.", defaultValue: "0", valueHint: .text),
            OptionSpec("activation", valueName: "A", help: "Between layers.",
                       allowedValues: Activation.allCases.map(\.rawValue), defaultValue: "relu"),
            OptionSpec("compute", valueName: "C", help: "How quantized layers run.",
                       allowedValues: ComputePath.allCases.map(\.rawValue), defaultValue: "dequant"),
            .flag("compare", help: "Evaluate every scheme at 8, 4, 3 and 2 bits (and every method, with --calibration)."),
            OptionSpec("report", valueName: "FORMAT", help: "How to print the report on stdout.",
                       allowedValues: ["table", "json"], defaultValue: "table"),
            QuantizeCommand.maxMemoryOption,
            PlotOption.spec,
            TerminalProgress.quietOption,
        ] + QuantizeCommand.selectionOptions + QuantizeCommand.methodOptions + TransformerEval.options)

    /// Every option of an eval run, typed.
    struct Options {
        var model: String
        var quantized: String?
        var input: String?
        var labels: String?
        var samples: Int
        var seed: Int
        var rules: SelectionRules
        /// `--scheme nvfp4 | mxfp4 | mxfp8` (a transformer's Linear weights, in memory); `rules` then selects nothing.
        var microscaling: MicroscalingFormat?
        var axis: Int
        var method: MethodChoice
        var activation: Activation
        var compute: ComputePath
        var compare: Bool
        var report: ReportFormat
        var maxMemory: MemoryBudget?
        var transformer: TransformerEval.Options
        /// `--plot`: the per-layer SQNR picture (with --compare, the size/quality scatter).
        var plot: String?
        /// No progress bar.
        var quiet = false
    }

    static func options(_ arguments: ParsedArguments) throws(UsageError) -> Options {
        let quantized = arguments.argument("quantized")
        if quantized != nil {
            if arguments.flag("compare") { throw .conflicting("--compare", "<quantized>") }
            for option in (QuantizeCommand.selectionOptions + QuantizeCommand.methodOptions + TransformerCalibrationChoice.options).map(\.name)
                where arguments.contains(option) {
                throw .conflicting("--" + option, "<quantized>")
            }
        }
        // The comparison runs every scheme with the restricted range and float32 scales.
        if arguments.flag("compare"), arguments.string("symmetric-range") == SymmetricRange.full.rawValue {
            throw .conflicting("--compare", "--symmetric-range full (the comparison's schemes use the restricted range)")
        }
        if arguments.flag("compare"), let type = arguments.string("scale-dtype") {
            throw .conflicting("--compare", "--scale-dtype \(type) (the comparison's schemes keep float32 scales)")
        }
        if arguments.contains("labels"), !arguments.contains("input") { throw .requires("--labels", "--input") }
        if arguments.contains("input"), arguments.contains("samples") { throw .conflicting("--input", "--samples") }
        let microscaling = try MicroscalingEvalChoice.format(arguments)
        return Options(model: arguments.argument("model")!, quantized: quantized, input: arguments.string("input"),
                       labels: arguments.string("labels"), samples: try arguments.int("samples", in: 1 ... 10_000_000)!,
                       seed: try arguments.int("seed", in: 0 ... Int.max)!,
                       rules: microscaling == nil ? try QuantizeCommand.selectionRules(arguments) : SelectionRules(defaultScheme: nil),
                       microscaling: microscaling,
                       axis: try arguments.int("axis", in: -64 ... 63)!,
                       method: try MethodChoice(arguments, comparing: arguments.flag("compare"), calibratedThroughTransformer:
                           arguments.contains("calibration-text") || arguments.contains("calibration-tokens")),
                       activation: arguments.choice("activation", as: Activation.self)!,
                       compute: arguments.choice("compute", as: ComputePath.self)!, compare: arguments.flag("compare"),
                       report: arguments.choice("report", as: ReportFormat.self)!,
                       maxMemory: try QuantizeCommand.maxMemory(arguments), transformer: try TransformerEval.options(arguments),
                       plot: try PlotOption.path(arguments),
                       quiet: arguments.flag("quiet"))
    }

    static func run(_ options: Options, console: Console) throws -> Bool {
        if TransformerEval.isCheckpoint(options.model) { return try TransformerEval.run(options, console: console) }
        if let format = options.microscaling {
            throw UsageError.conflicting("--scheme \(format.rawValue)", "a model that is not a transformer checkpoint (the microscaling "
                                         + "formats quantize a checkpoint's Linear weights; an MLP's evaluation takes the other schemes)")
        }
        if let option = options.transformer.givenOwn.first {
            throw UsageError.conflicting("--" + option, "a model that is not a transformer checkpoint (a folder with config.json)")
        }
        let (rules, activation, compute, choice) = (options.rules, options.activation, options.compute, options.method)
        let json = options.report == .json
        let modelPath = options.model
        let plotFile = try options.plot.map { try PlotFile(path: $0, inputs: [modelPath] + (options.quantized.map { [$0] } ?? [])) }
        let source = try openTensorSource(path: modelPath)
        try (options.maxMemory ?? .systemDefault()).checkEvaluation(of: source.tensors, path: modelPath)
        let float = try FloatNetwork(source: source)
        let data = try options.input.map { input in
            try EvaluationData(inputPath: input, labelsPath: options.labels, width: float.layout.inFeatures,
                               classes: float.layout.outFeatures)
        } ?? EvaluationData(samples: options.samples, width: float.layout.inFeatures, seed: UInt64(options.seed))
        let calibration = try choice.calibration.map { path in
            try EvaluationData(inputPath: path, labelsPath: nil, width: float.layout.inFeatures, classes: float.layout.outFeatures)
        }

        if options.compare {
            let comparison = try SchemeComparison(float: float, activation: activation, data: data, compute: compute,
                                                  axis: options.axis, include: rules.include, exclude: rules.exclude,
                                                  path: modelPath, calibration: calibration, gptq: choice.gptq)
            try plotFile?.write(comparison.picture(model: modelPath))
            console.out(json ? comparison.renderedJSON() : comparison.renderedTable())
            return true
        }
        let quantized: QuantizedNetwork
        let origin: String
        if let quantizedPath = options.quantized {
            quantized = try QuantizedNetwork(float: float, archive: QuantizedArchive(source: openTensorSource(path: quantizedPath)))
            origin = quantizedPath
        } else {
            quantized = try QuantizedNetwork(float: float, rules: rules, path: modelPath, method: choice.quantizationMethod,
                                             calibration: calibration, activation: activation)
            origin = "in memory (" + (rules.defaultScheme.map { "\($0.label), \($0.bits) bits" } ?? "none")
                + (!choice.method.needsCalibration ? "" : ", \(choice.method.name) on \(calibration!.rows) calibration rows")
                + (choice.keepOutliers.map { ", float16 columns for inputs above \($0)" } ?? "")
                + (rules.layers.isEmpty ? "" : ", with --layer rules") + ")"
        }
        if compute == .int8, !quantized.runsInInt8 {
            throw FileError(path: options.quantized ?? modelPath, ComputePathError.groupWiseWeightsInInt8)
        }
        let evaluation = Evaluation(float: float, quantized: quantized, activation: activation, data: data, compute: compute)
        let report = EvaluationReport(model: modelPath, quantized: origin, data: data.origin, activation: activation,
                                      layout: float.layout, evaluation: evaluation)
        try plotFile?.write(report.picture())
        console.out(json ? report.renderedJSON() : report.renderedTable())
        return true
    }
}
