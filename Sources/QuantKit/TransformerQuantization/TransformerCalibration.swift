import Foundation

/// A calibrated method run through a transformer's blocks (`gptqThroughBlocks`): the model
/// folder (`config.json`, weights, `tokenizer.json`) and where its calibration sequences come from.
public struct TransformerCalibration: Sendable, Equatable {
    public enum Sequences: Sendable, Equatable {
        /// One text per line, tokenized with the folder's `tokenizer.json`.
        case textFile(String)
        /// Token ids `[sequences, length]` (`.npy`), negative ids padding.
        case tokenFile(String)
    }

    public var folder: String
    public var sequences: Sequences

    public init(folder: String, sequences: Sequences) {
        self.folder = folder
        self.sequences = sequences
    }

    /// The sequences, text truncated to `maxPositions` tokens.
    func load(maxPositions: Int) throws -> CalibrationSequences {
        switch sequences {
        case .textFile(let path):
            let tokenizer = try Tokenizer.load(folderOrFile: folder).tokenizer
            return try CalibrationSequences(textFile: path, tokenizer: tokenizer, maxPositions: maxPositions)
        case .tokenFile(let path):
            return try CalibrationSequences(tokenFile: path, maxPositions: maxPositions)
        }
    }
}

extension TransformerCalibration: ModelCalibratedRun {
    /// What `method` makes of the transformer in `folder` for the tensors `plans` select, on the
    /// calibration sequences, scales chosen in `layout`'s storage type:
    /// - GPTQ: through the blocks (`gptqThroughBlocks`);
    /// - AWQ (round to nearest after its scales, with or without outlier columns): its scales
    ///   searched and folded block by block (`BlockwiseAWQ`); the folded norms and Linears are
    ///   written as float overrides, rounded to the dtype they are stored in;
    /// - round to nearest with outlier columns: block by block, the columns chosen from the
    ///   captured inputs (`BlockwiseAWQ` with no scale search).
    /// The float values each tensor was quantized from (or folded to) are the `originals`;
    /// notes say the calibration's size, the texts truncated, and the selected tensors outside
    /// the blocks, which stay round to nearest (streamed by `quantizeFile`).
    ///
    /// Throws `MethodOverridesError.notThroughTransformer` for any other method, a `FileError`
    /// around `MemoryBudgetError.calibrationOverBudget` when `TransformerCalibrationCost` is over
    /// `memoryBudget` (before any weight is read), and what loading
    /// the model and the sequences and the method throw, naming the folder or file.
    /// `progress` is told the blocks done.
    public func overrides(plans: [QuantizationPlan], method: any QuantizationMethod, layout: (any QuantizedLayout)?,
                          memoryBudget: MemoryBudget, progress: StepProgress?) throws -> MethodOutput {
        let runsThrough = method is GPTQ || method is AWQ || (method as? OutlierColumnsKept)?.base is RoundToNearest
        guard runsThrough else { throw MethodOverridesError.notThroughTransformer(method: method.name) }
        let config = try TransformerConfig.load(path: (folder as NSString).appendingPathComponent("config.json"))
        let sequences = try load(maxPositions: config.maxPositions)
        let steps = plans.flatMap(\.steps)
        let elements = steps.reduce(0) { $0 + $1.tensor.shape.reduce(1, *) }
        try memoryBudget.checkCalibration(TransformerCalibrationCost(config: config, weightElements: elements, lengths: sequences.batch.lengths,
                                                                     sequencesPerBatch: 32, hessians: method is GPTQ), path: folder)
        let model = try loadTransformer(folder: folder)
        let schemes: [String: QuantScheme] = steps.reduce(into: [:]) { schemes, step in
            guard var scheme = step.scheme else { return }
            // The methods choose their scales as the layout stores them (compressed-tensors: the
            // weight's type), so that the codes they chose for them are the ones written.
            scheme.scaleDType = layout?.scaleStorage(for: step.tensor.dtype, scheme: scheme) ?? scheme.scaleDType
            schemes[step.tensor.name] = scheme
        }
        let storedTypes = Dictionary(steps.map { ($0.tensor.name, layout?.fileFormat.storedDType($0.tensor.dtype) ?? .float32) }) { a, _ in a }
        var output: MethodOutput
        do {
            output = try run(model, method: method, calibration: sequences.batch, schemes: schemes, progress: progress) { name, values in
                Tensor(shape: [values.count], values: values, storedAs: storedTypes[name] ?? .float32).floatValues()!
            }
        } catch let error as TransformerError {
            throw FileError(path: folder, error)
        }
        var notes = ["\(method.name) on \(sequences.sequenceCount) calibration sequences (\(sequences.tokenCount) tokens), "
                     + "block by block through the transformer"]
        if sequences.truncated > 0 {
            notes.append("\(sequences.truncated) calibration texts were truncated to max_position_embeddings (\(model.config.maxPositions) tokens)")
        }
        let outside = schemes.keys.filter { output.overrides[$0] == nil }.sorted()
        if !outside.isEmpty {
            notes.append("round to nearest, not \(method.name), for the tensors outside the transformer's blocks: " + outside.joined(separator: ", "))
        }
        output.notes = notes + output.notes
        return output
    }

    /// `method` (GPTQ, AWQ, or round to nearest with outlier columns) through `model`'s blocks;
    /// `stored` rounds a folded float tensor as it will be written.
    private func run<Model: TransformerModel>(_ model: Model, method: any QuantizationMethod, calibration: TokenBatch,
                                              schemes: [String: QuantScheme], progress: StepProgress?,
                                              stored: (String, [Float]) -> [Float]) throws -> MethodOutput {
        if let gptq = method as? GPTQ {
            let quantized = try gptqThroughBlocks(model, calibration: calibration, schemes: schemes, options: gptq.options,
                                                  progress: progress)
            return MethodOutput(overrides: quantized.mapValues { .quantized($0, method: gptq.name) },
                                originals: floatWeights(of: model, named: Set(quantized.keys)))
        }
        let awq = method as? AWQ
        let weightMethod = awq?.weightMethod ?? (method as! OutlierColumnsKept)
        let result = try BlockwiseAWQ(model, calibration: calibration, schemes: schemes, weightMethod: weightMethod,
                                      searchesScales: awq != nil, stored: stored, progress: progress)
        var overrides: [String: TensorOverride] = result.folded.mapValues { .float($0) }
        for (name, weight) in result.quantized {
            overrides[name] = .quantized(weight, method: result.scaled.contains(name) ? method.name : weightMethod.name)
        }
        var notes = result.notes
        if awq != nil, model.config.keyValueHeadCount < model.config.headCount, model.config.family == .llama {
            notes.append("grouped-query attention: each v_proj → o_proj scale is shared by the "
                         + "\(model.config.headCount / model.config.keyValueHeadCount) query heads that read its value channel "
                         + "(AutoAWQ skips this fold when the shapes differ)")
        }
        return MethodOutput(overrides: overrides, originals: result.quantizedFrom.merging(result.folded) { a, _ in a }, notes: notes)
    }
}

/// The float values of the block Linear weights of `model` named in `names`.
private func floatWeights(of model: some TransformerModel, named names: Set<String>) -> [String: [Float]] {
    var weights: [String: [Float]] = [:]
    for linear in model.blocks.flatMap(\.linears) where names.contains(linear.prefix + ".weight") {
        if case .float(let float) = linear.layer { weights[linear.prefix + ".weight"] = float.weight }
    }
    return weights
}
