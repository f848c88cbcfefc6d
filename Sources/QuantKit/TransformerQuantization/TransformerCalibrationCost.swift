/// The memory a calibrated run through a transformer's blocks needs at once, in bytes, before
/// it reads any weight, so that `MemoryBudget.checkCalibration` can refuse it up front:
/// - the model's weights, every tensor held as float32 (`4 · elements`; the forward pass keeps
///   the whole float model), plus one block's quantized copies (counted again as float32);
/// - the hidden states of every calibration token: the block's input, its reference output and
///   one candidate output (`3 · 4 · tokens · hidden`);
/// - one batch's activations inside a block: for its tokens, the residual stream, norm output,
///   q/k/v, attention context and output (`6 · hidden + qWidth + 2 · kvWidth`), the MLP's
///   `3 · intermediate`, and the attention scores of its sequences (`heads · length²` each),
///   all float32;
/// - GPTQ's Hessian sums of one block, one per distinct input (`8 in²`: q/k/v's and gate/up's
///   `hidden`, o_proj's `qWidth`, down_proj's `intermediate`) and its working copy of the largest.
///
/// An estimate within the allocator's slack: it is the bound the methods' doc comments state,
/// not a measurement.
public struct TransformerCalibrationCost: Sendable, Equatable {
    public let bytes: Int

    /// - Parameters:
    ///   - weightElements: the elements of every tensor of the checkpoint.
    ///   - lengths: the calibration sequences' lengths.
    ///   - hessians: whether the method sums Hessians (GPTQ).
    public init(config: TransformerConfig, weightElements: Int, lengths: [Int], sequencesPerBatch: Int, hessians: Bool) {
        let hidden = config.hiddenSize, inner = config.intermediateSize
        let queryWidth = config.headCount * config.headDim, keyWidth = config.keyValueHeadCount * config.headDim
        let blockElements = 2 * hidden * (queryWidth + keyWidth) + 3 * hidden * inner
        let tokens = lengths.reduce(0, +)
        let perToken: Int = 6 * hidden + queryWidth + 2 * keyWidth + 3 * inner
        var batchActivations = 0
        for first in stride(from: 0, to: lengths.count, by: max(1, sequencesPerBatch)) {
            let batch = lengths[first ..< min(first + max(1, sequencesPerBatch), lengths.count)]
            let scores: Int = batch.reduce(0) { $0 + config.headCount * $1 * $1 }
            batchActivations = max(batchActivations, batch.reduce(0, +) * perToken + scores)
        }
        let largestInput = max(hidden, queryWidth, inner)
        let hessianBytes = hessians ? 8 * (2 * hidden * hidden + queryWidth * queryWidth + inner * inner + largestInput * largestInput) : 0
        let elements = weightElements + blockElements + 3 * tokens * hidden + batchActivations
        bytes = 4 * elements + hessianBytes
    }
}

extension MemoryBudget {
    /// Refuses a calibrated run through the transformer of `path` whose `cost` is over budget.
    public func checkCalibration(_ cost: TransformerCalibrationCost, path: String) throws(FileError) {
        guard cost.bytes <= bytes else {
            throw FileError(path: path, MemoryBudgetError.calibrationOverBudget(needed: cost.bytes, budget: self))
        }
    }
}
