/// GPTQ through a transformer, block by block, as the paper's reference runs it on OPT and
/// BLOOM (Frantar et al., arXiv:2210.17323, §4 "the outputs of the already-quantized layers"):
///
/// 1. the float embeddings of every calibration sequence (`calibration`) are block 0's input;
/// 2. for block `i`: the block runs on its input, `sequencesPerBatch` sequences at a time, and
///    every selected Linear's inputs are summed into `H = 2 XᵀX / n` (`SharedInputHessians`: the
///    Linears fed the same input share one; padding never enters, `LinearCall` carries only
///    real tokens); each selected Linear's weight is quantized by `gptqQuantize` against its
///    Hessian with `options` and its scheme in `schemes`; the block's Linears are replaced by
///    the quantized ones, and the block runs again on the same input: block `i + 1`'s input, so
///    that each block is calibrated on the outputs of the quantized blocks before it.
///
/// `schemes` maps weight tensor names (`encoder.layer.0.attention.self.query.weight`) to their
/// schemes; the Linears of the blocks whose weights it names are quantized, the others stay as
/// they are. The result holds one `QuantizedTensor` (`[out, in]`) per quantized weight, by
/// name; a name of `schemes` outside the blocks (an embedding, an output head) is not in it.
///
/// Memory: the block input and output hidden states of every calibration token
/// (`2 · 4 · tokens · hidden` bytes), the Hessian sums of one block (`8 in²` bytes per distinct
/// input: BERT's `8 (3 hidden² + intermediate²)`, Llama's `8 (3 hidden² + intermediate²)`),
/// one batch's activations inside the block, and `gptqQuantize`'s working memory for one
/// Linear; never the inputs of the whole model.
///
/// `progress` is told the blocks done (before each block and after the last).
///
/// - Throws: `TransformerError` for calibration the model cannot take (`embed`),
///   `TransformerQuantizationError` for a selected Linear already quantized or refused by GPTQ.
/// - Complexity: two forward passes of each block over the calibration tokens, plus
///   `O(tokens · in²)` per Hessian and `gptqQuantize`'s cost per Linear.
public func gptqThroughBlocks<Model: TransformerModel>(
    _ model: Model, calibration: TokenBatch, schemes: [String: QuantScheme], options: GPTQOptions = GPTQOptions(),
    sequencesPerBatch: Int = 32, threads: Int = defaultThreadCount, progress: StepProgress? = nil
) throws -> [String: QuantizedTensor] {
    var model = model
    var hidden = try model.embed(calibration)
    var quantized: [String: QuantizedTensor] = [:]
    defer { progress?(model.blocks.count, model.blocks.count) }
    for index in model.blocks.indices {
        progress?(index, model.blocks.count)
        let block = model.blocks[index]
        let selected = block.linears.filter { schemes[$0.prefix + ".weight"] != nil }
        guard !selected.isEmpty else {
            hidden = runInBatches(block, hidden, sequencesPerBatch: sequencesPerBatch, observer: nil)
            continue
        }
        let hessians = SharedInputHessians(selected: Set(selected.map(\.prefix)), threads: threads)
        _ = runInBatches(block, hidden, sequencesPerBatch: sequencesPerBatch, observer: hessians.observe)
        var replacements: [String: NetworkLayer] = [:]
        for linear in selected {
            let name = linear.prefix + ".weight"
            if let error = hessians.firstError { throw TransformerQuantizationError.gptq(tensor: name, error) }
            guard case .float(let float) = linear.layer else { throw TransformerQuantizationError.notFloat(tensor: name) }
            // Every Linear of a block runs on every token; a selected one has a sum.
            let sum = hessians.sum(of: linear.prefix)!
            let weight: QuantizedTensor
            do {
                weight = try gptqQuantize(weight: float.weight, outFeatures: float.outFeatures, inFeatures: float.inFeatures,
                                          hessian: sum, scheme: schemes[name]!, options: options, threads: threads)
            } catch let error as GPTQError {
                throw TransformerQuantizationError.gptq(tensor: name, error)
            }
            quantized[name] = weight
            replacements[linear.prefix] = .quantized(QuantizedLinear(weight: weight, bias: float.bias))
        }
        model.blocks[index] = try block.replacing(replacements)
        hidden = runInBatches(model.blocks[index], hidden, sequencesPerBatch: sequencesPerBatch, observer: nil)
    }
    return quantized
}

/// `block`'s output for `hidden`, run on `sequencesPerBatch` sequences at a time (a sequence's
/// states do not depend on the others in its batch, `HiddenStates`), so that the activations
/// inside the block stay those of one batch.
func runInBatches(_ block: some TransformerBlock, _ hidden: HiddenStates, sequencesPerBatch: Int,
                  observer: LinearObserver?) -> HiddenStates {
    let step = max(1, sequencesPerBatch)
    var output: [Float] = []
    output.reserveCapacity(hidden.values.count)
    var start = 0
    for first in stride(from: 0, to: hidden.lengths.count, by: step) {
        let lengths = Array(hidden.lengths[first ..< min(first + step, hidden.lengths.count)])
        let count = lengths.reduce(0, +) * hidden.width
        let batch = HiddenStates(values: Array(hidden.values[start ..< start + count]), width: hidden.width, lengths: lengths)
        output += block.forward(batch, compute: .dequant, observer: observer).values
        start += count
    }
    return HiddenStates(values: output, width: hidden.width, lengths: hidden.lengths)
}
