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
    /// What `method` makes of the transformer in `folder` for the tensors `plans` select: GPTQ
    /// through the blocks (`gptqThroughBlocks`) on the calibration sequences, scales chosen in
    /// `layout`'s storage type, with the float weights it read as `originals`, and notes for the
    /// report: the calibration's size, the texts truncated, and the selected tensors outside the
    /// blocks, which stay round to nearest (streamed by `quantizeFile`).
    ///
    /// Throws `MethodOverridesError.notThroughTransformer` for a method other than GPTQ, and what
    /// loading the model and the sequences and `gptqThroughBlocks` throw, naming the folder or file.
    /// `progress` is told the blocks done.
    public func overrides(plans: [QuantizationPlan], method: any QuantizationMethod,
                          layout: (any QuantizedLayout)?, progress: StepProgress?) throws -> MethodOutput {
        guard let gptq = method as? GPTQ else { throw MethodOverridesError.notThroughTransformer(method: method.name) }
        let model = try loadTransformer(folder: folder)
        let sequences = try load(maxPositions: model.config.maxPositions)
        let schemes: [String: QuantScheme] = plans.flatMap(\.steps).reduce(into: [:]) { schemes, step in
            guard var scheme = step.scheme else { return }
            // GPTQ chooses its scales as the layout stores them (compressed-tensors: the weight's
            // type), so that the codes it chose for them are the ones written.
            scheme.scaleDType = layout?.scaleStorage(for: step.tensor.dtype, scheme: scheme) ?? scheme.scaleDType
            schemes[step.tensor.name] = scheme
        }
        let quantized: [String: QuantizedTensor]
        do {
            quantized = try gptqThroughBlocks(model, calibration: sequences.batch, schemes: schemes, options: gptq.options,
                                          progress: progress)
        } catch let error as TransformerError {
            throw FileError(path: folder, error)
        }
        var notes = ["\(gptq.name) on \(sequences.sequenceCount) calibration sequences (\(sequences.tokenCount) tokens), "
                     + "block by block through the transformer"]
        if sequences.truncated > 0 {
            notes.append("\(sequences.truncated) calibration texts were truncated to max_position_embeddings (\(model.config.maxPositions) tokens)")
        }
        let outside = schemes.keys.filter { quantized[$0] == nil }.sorted()
        if !outside.isEmpty {
            notes.append("round to nearest, not \(gptq.name), for the tensors outside the transformer's blocks: " + outside.joined(separator: ", "))
        }
        return MethodOutput(overrides: quantized.mapValues { .quantized($0, method: gptq.name) },
                            originals: floatWeights(of: model, named: Set(quantized.keys)), notes: notes)
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
