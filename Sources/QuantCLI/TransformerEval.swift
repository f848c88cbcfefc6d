import ArgKit
import Foundation
import QuantKit

/// `quantize eval FOLDER [QUANTIZED]` on a Hugging Face transformer checkpoint (a folder with
/// `config.json`, or a `.safetensors` file with one beside it): the float model and the
/// quantized one (QUANTIZED, or FOLDER rounded to nearest in memory under the scheme options)
/// run natively on the user's text or token ids, compared by `TransformerEvaluation`.
enum TransformerEval {
    /// The options only this path reads.
    static let options = [
        OptionSpec("text", valueName: "FILE", help: "Transformers: UTF-8 text, one input per line, tokenized with the folder's tokenizer.json.",
                   valueHint: .anyFile),
        OptionSpec("tokens", valueName: "X.npy", help: "Transformers: token ids [N, L] (negative ids are padding) or [L], int32 or int64.",
                   valueHint: .file(extensions: ["npy"])),
        OptionSpec("max-length", valueName: "N", help: "Transformers: at most N tokens per input (default: the model's max_position_embeddings).",
                   valueHint: .text),
        .flag("no-truncate", help: "Transformers: refuse an input longer than the maximum length instead of truncating it."),
        OptionSpec("batch", valueName: "N", help: "Transformers: inputs per forward pass.", defaultValue: "32", valueHint: .text),
        OptionSpec("kl-positions", valueName: "P", help: "Decoders: the positions scored (second-half: llama-perplexity's rule per sequence).",
                   allowedValues: ScoredPositions.allCases.map(\.rawValue), defaultValue: ScoredPositions.all.rawValue),
    ] + TransformerCalibrationChoice.options

    /// The options that choose one scheme and method, which `--compare` (every scheme at every
    /// width, every method the calibration allows) does not take.
    static let schemeChoosingOptions = ["scheme", "bits", "group-size", "block", "clip", "scale-rule", "layer", "method"]

    /// Options of the MLP path that a transformer evaluation does not read.
    static let networkOnlyOptions = ["input", "labels", "samples", "seed", "activation", "max-memory", "calibration", "keep-outliers"]

    /// The typed options of this path, and which options of each path were given.
    struct Options {
        var text: String?
        var tokens: String?
        var maxLength: Int?
        var truncate: Bool
        var batch: Int
        var scoring: ScoredPositions
        /// `--calibration-text` or `--calibration-tokens`: GPTQ through the folder's transformer.
        var calibration: TransformerCalibration?
        /// Of `schemeChoosingOptions`, those given.
        var givenSchemeChoosing: [String]
        /// Options given that only this path reads (refused on the MLP path), and the reverse.
        var givenOwn: [String]
        var givenNetworkOnly: [String]
    }

    static func options(_ arguments: ParsedArguments) throws(UsageError) -> Options {
        if arguments.contains("text"), arguments.contains("tokens") { throw .conflicting("--text", "--tokens") }
        let calibration = try TransformerCalibrationChoice.sequences(arguments).map { sequences throws(UsageError) in
            try TransformerCalibrationChoice.calibration(sequences, arguments: arguments, inputs: [arguments.argument("model")!],
                                                         comparing: arguments.flag("compare"))
        }
        return Options(text: arguments.string("text"), tokens: arguments.string("tokens"),
                       maxLength: try arguments.int("max-length", in: 1 ... 1 << 30), truncate: !arguments.flag("no-truncate"),
                       batch: try arguments.int("batch", in: 1 ... 1 << 20)!,
                       scoring: arguments.choice("kl-positions", as: ScoredPositions.self)!, calibration: calibration,
                       givenSchemeChoosing: schemeChoosingOptions.filter(arguments.contains),
                       givenOwn: options.map(\.name).filter(arguments.contains),
                       givenNetworkOnly: networkOnlyOptions.filter(arguments.contains))
    }

    /// Whether `model` is a transformer checkpoint: a folder holding `config.json`, or a
    /// `.safetensors` file with `config.json` beside it.
    static func isCheckpoint(_ model: String) -> Bool {
        FileManager.default.fileExists(atPath: configPath(of: model))
            && (ShardPlan.isFolder(model) || model.hasSuffix(".safetensors"))
    }

    static func configPath(of model: String) -> String {
        let folder = ShardPlan.isFolder(model) ? model : (model as NSString).deletingLastPathComponent
        return (folder as NSString).appendingPathComponent(ShardPlan.configName)
    }

    static func run(_ options: EvalCommand.Options, console: Console) throws -> Bool {
        let own = options.transformer
        if let option = own.givenNetworkOnly.first { throw UsageError.conflicting("--" + option, "a transformer checkpoint") }
        guard own.text != nil || own.tokens != nil else { throw UsageError.missingOption("--text FILE or --tokens X.npy") }
        if options.compare, let option = own.givenSchemeChoosing.first {
            throw UsageError.conflicting("--compare", "--\(option) (the comparison runs every scheme at every width, and every method)")
        }
        let float = try FloatSide(options)
        let plotFile = try options.plot.map { try PlotFile(path: $0, inputs: [options.model] + (options.quantized.map { [$0] } ?? [])) }
        if options.compare { return try TransformerCompare.run(options, float: float, plotFile: plotFile, console: console) }
        let (quantizedWeights, origin, quantizedBytes, notes) = try quantizedWeights(options, float: float.weights)
        let quantized = try model(config: float.config, weights: quantizedWeights, path: options.quantized ?? options.model)
        if options.compute == .int8, !runsInInt8(quantized) {
            throw FileError(path: options.quantized ?? options.model, ComputePathError.groupWiseWeightsInInt8)
        }
        let bar = TerminalProgress.make(console, quiet: options.quiet)
        defer { bar?.finish() }
        let evaluation = try TransformerEvaluation(float: float.model, quantized: quantized, sequences: float.sequences.sequences,
                                                   batch: own.batch, compute: options.compute, pooling: float.pooling,
                                                   scoring: own.scoring, progress: bar?.steps("eval", unit: "batches"))
        bar?.finish()
        let report = TransformerEvaluationReport(
            model: options.model, quantized: origin, data: float.sequences.origin, compute: options.compute,
            comparison: evaluation.comparison, sqnr: evaluation.sqnr, layers: evaluation.layers,
            dequantizedFormats: (quantizedWeights as? MicroscaledWeights)?.dequantizedFormats
                ?? (quantizedWeights as? QuantizedTransformerWeights)?.dequantizedFormats ?? [:], floatBytes: float.weights.tensors.reduce(0) { $0 + $1.storedByteCount }, quantizedBytes: quantizedBytes,
            notes: float.sequences.notes + notes + float.notes)
        try plotFile?.write(report.picture())
        console.out(options.report == .json ? report.renderedJSON() : report.renderedTable())
        return true
    }

    /// What every evaluation of FOLDER shares: its configuration, float weights and model, the
    /// sequences of `--text` or `--tokens`, the encoder's pooling, and what the report should say
    /// of them.
    struct FloatSide {
        let config: TransformerConfig
        let weights: CheckpointWeights
        let model: any TransformerModel
        let sequences: EvaluationSequences
        let pooling: SentencePooling
        let notes: [String]

        init(_ options: EvalCommand.Options) throws {
            let own = options.transformer
            config = try TransformerConfig.load(path: configPath(of: options.model))
            weights = try CheckpointWeights(path: options.model)
            model = try TransformerEval.model(config: config, weights: weights, path: options.model)
            if let given = own.maxLength, given > config.maxPositions {
                throw UsageError.invalidInteger(option: "--max-length", value: String(given), range: 1 ... config.maxPositions)
            }
            sequences = try inputSequences(own, model: options.model, maxLength: min(own.maxLength ?? config.maxPositions, config.maxPositions))
            let folder = ShardPlan.isFolder(options.model) ? options.model : (options.model as NSString).deletingLastPathComponent
            let loadedPooling = try SentencePooling.load(folder: folder)
            pooling = loadedPooling ?? SentencePooling(mode: .mean, normalize: false)
            notes = config.family == .bert && loadedPooling == nil
                ? ["No modules.json: each embedding is the mean of the last hidden states, not normalized."] : []
        }
    }

    /// Whether every quantized Linear of `model` (a decoder's head included) runs on the int8 path.
    private static func runsInInt8(_ model: any TransformerModel) -> Bool {
        var linears = model.blocks.flatMap(\.linears)
        if let decoder = model as? LlamaDecoder { linears.append(decoder.head) }
        return linears.allSatisfy { linear in
            if case .quantized(let layer) = linear.layer { layer.runsInInt8 } else { true }
        }
    }

    /// The model `config` describes on `weights`; a `TransformerError` names `path`.
    static func model(config: TransformerConfig, weights: any TransformerWeights, path: String) throws -> any TransformerModel {
        do {
            return try loadTransformer(config: config, weights: weights)
        } catch let error as TransformerError {
            throw FileError(path: path, error)
        }
    }

    /// The sequences of `--text` (tokenized with the model's tokenizer.json) or `--tokens`.
    private static func inputSequences(_ own: Options, model: String, maxLength: Int) throws -> EvaluationSequences {
        if let tokens = own.tokens {
            return try EvaluationSequences(tokensPath: tokens, maxLength: maxLength, truncate: own.truncate)
        }
        let folder = ShardPlan.isFolder(model) ? model : (model as NSString).deletingLastPathComponent
        let (tokenizer, tokenizerPath) = try Tokenizer.load(folderOrFile: folder)
        return try EvaluationSequences(textPath: own.text!, tokenizer: tokenizer, tokenizerPath: tokenizerPath,
                                       maxLength: maxLength, truncate: own.truncate)
    }

    /// QUANTIZED's weights, or the float ones quantized in memory under the scheme options
    /// (rounded to nearest, or by GPTQ through the blocks with `--calibration-text`); with what the report says of them: their origin, stored bytes and notes.
    private static func quantizedWeights(_ options: EvalCommand.Options, float: CheckpointWeights) throws
        -> (weights: any TransformerWeights, origin: String, bytes: Int, notes: [String]) {
        if let path = options.quantized {
            let weights = try QuantizedTransformerWeights(path: path, model: float.tensors)
            let linearWeights = Set(weights.quantizedPrefixes.map { $0 + ".weight" })
            let dequantized = weights.quantizedTensors.map(\.string).filter { !linearWeights.contains($0) }.sorted()
            let notes = dequantized.isEmpty ? [] : ["\(dequantized.count) quantized tensors are not Linear weights and run dequantized: "
                + dequantized.joined(separator: ", ") + "."]
            return (weights, path, weights.storedByteCount, notes)
        }
        if let format = options.microscaling {
            let roles = ModuleRoles(config: try ModelConfig.load(path: configPath(of: options.model)))
            let weights = try MicroscaledWeights(float: float, format: format, roles: roles)
            let sharing = weights.fusedWith.values.count { !$0.isEmpty }
            let fused = format.hasGlobalScale ? ["NVFP4: \(sharing) of \(weights.quantized.count) weights share a global scale with "
                + "their fused q/k/v or gate/up partners (llm-compressor's fusing); the others have their own."] : []
            return (weights, "in memory (\(format.rawValue), \(weights.quantized.count) Linear weights, round to nearest, dequantized)",
                    weights.storedByteCount(model: float.tensors), fused)
        }
        let rules = options.rules
        let quantizer: any CheckpointQuantizer = options.transformer.calibration.map { calibration in
            ModelCalibratedQuantizer(method: options.method.method, run: calibration)
        } ?? RoundToNearestQuantizer()
        let quantized = try quantizer.quantize(path: options.model, rules: rules)
        let weights = InMemoryQuantizedWeights(float: float, replaced: quantized.tensors, floats: quantized.floats)
        let method = quantizer is RoundToNearestQuantizer ? "round to nearest" : quantizer.name + " through the blocks"
        let origin = "in memory (" + (rules.defaultScheme.map { "\($0.label), \($0.bits) bits" } ?? "none")
            + (rules.layers.isEmpty ? "" : ", with --layer rules") + ", \(method))"
        return (weights, origin, weights.storedByteCount(model: float.tensors), quantized.notes)
    }
}
