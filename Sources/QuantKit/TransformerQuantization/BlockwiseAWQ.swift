/// AWQ through a transformer (Lin et al., arXiv:2306.00978; AutoAWQ's `AwqQuantizer`), block by
/// block as `gptqThroughBlocks` goes: block 0 gets the float embeddings of the calibration
/// sequences, each later block the output of the blocks before it as quantized.
///
/// In each block, one float forward pass gives the reference output `Y` and each Linear's
/// per-channel input statistics (`LinearInputStatistics`); then, for each of the block's exact
/// folds (`TransformerBlock.scaleFolds`, in its order) with a selected consumer, the search tries
/// `s = AWQSearch.scales(means: m, ratio: α)` for `α = 0, 1/grid, ..., (grid-1)/grid`, `m` the
/// consumers' mean `|x|` (averaged over the query heads that read one value channel), folds `s`
/// into the block as found so far (`TransformerBlock.folding`), quantizes the fold's selected
/// consumers, and keeps the `α` of least mean squared error of the **block's output** against
/// `Y`; the consumers of the folds searched before are quantized as chosen, the other Linears
/// float (greedy, fold by fold; AutoAWQ searches each group against the float module). The block output, rather than AutoAWQ's output of the module
/// around the group (`self_attn`, `mlp`, `o_proj`, `down_proj`), is what the issue asks for and
/// what one `replacing` gives for every architecture; it also weighs each group's error by what
/// the rest of the block makes of it (residual, norm, attention). `α = 0` is plain rounding.
///
/// Then every selected Linear is quantized by `weightMethod` (round to nearest, or with outlier
/// columns: it gets one row, each channel's largest `|x|` divided by its folded scale, which
/// picks the same columns as every row would), folded ones as folded; a Linear in no fold's
/// consumers is quantized as it is (round to nearest, named in `notes`). The folded block is
/// kept if its output is no farther from `Y` than the block quantized without scales, else the
/// block is quantized without them (and `notes` says so); the block kept gives the next input.
///
/// Memory: the block's input, its reference output and one candidate output for every
/// calibration token (`3 · 4 · tokens · hidden` bytes), one batch's activations inside the
/// block, `3 · in` statistics per Linear and a copy of one block's weights; never a captured
/// input matrix, never the whole model's activations.
/// - Complexity: `grid + 3` forward passes of each block with a fold, plus one quantization of
///   each selected consumer per candidate.
public struct BlockwiseAWQ<Model: TransformerModel> {
    /// The model as quantized: folded norms and Linears, quantized selected Linears.
    public private(set) var model: Model
    /// Each quantized block weight, by tensor name (`prefix.weight`).
    public private(set) var quantized: [String: QuantizedTensor] = [:]
    /// The float values each quantized weight was quantized from (after its fold).
    public private(set) var quantizedFrom: [String: [Float]] = [:]
    /// The float tensors the kept folds changed, as `stored` returned them: norm weights and
    /// biases, the biases of quantized Linears, the weights and biases of float ones.
    public private(set) var folded: [String: [Float]] = [:]
    /// The quantized weights whose input scales AWQ folded.
    public private(set) var scaled: Set<String> = []
    /// What was done, block by block, and the Linears with no exact fold.
    public private(set) var notes: [String] = []

    /// Quantizes the block Linears named (`prefix.weight`) in `schemes`; with
    /// `searchesScales: false`, none is scaled (round to nearest with `weightMethod` on the
    /// captured statistics, `--keep-outliers` alone). `stored` rounds each folded float tensor
    /// as it will be written (by tensor name). `progress` is told the blocks done (before each
    /// block and after the last).
    /// - Throws: `TransformerError` for calibration the model cannot take,
    ///   `TransformerQuantizationError` for a selected Linear not float or refused by `weightMethod`.
    public init(_ model: Model, calibration: TokenBatch, schemes: [String: QuantScheme],
                weightMethod: any WeightQuantizationMethod = RoundToNearest(), searchesScales: Bool = true,
                stored: (String, [Float]) -> [Float] = { $1 }, sequencesPerBatch: Int = 32, grid: Int = 20,
                progress: StepProgress? = nil) throws {
        var model = model
        var hidden = try model.embed(calibration)
        let run = AWQBlockRun(schemes: schemes, weightMethod: weightMethod, sequencesPerBatch: sequencesPerBatch, grid: grid)
        var unfolded: [String] = []
        for index in model.blocks.indices {
            progress?(index, model.blocks.count)
            let block = model.blocks[index]
            let selected = Set(block.linears.map(\.prefix).filter { schemes[$0 + ".weight"] != nil })
            let folds = searchesScales ? block.scaleFolds.filter { $0.consumers.contains(where: selected.contains) } : []
            unfolded += block.linears.map(\.prefix).filter { name in selected.contains(name) && !folds.contains { $0.consumers.contains(name) } }
            guard !selected.isEmpty else {
                hidden = runInBatches(block, hidden, sequencesPerBatch: sequencesPerBatch, observer: nil)
                continue
            }
            let outcome = try run.quantize(block, input: hidden, selected: selected, folds: folds, stored: stored)
            notes.append(outcome.note)
            model.blocks[index] = outcome.block
            hidden = outcome.output
            quantized.merge(outcome.quantized) { $1 }
            quantizedFrom.merge(outcome.quantizedFrom) { $1 }
            folded.merge(outcome.folded) { $1 }
            scaled.formUnion(outcome.scaled)
        }
        progress?(model.blocks.count, model.blocks.count)
        self.model = model
        if searchesScales, !unfolded.isEmpty {
            notes.append((scaled.isEmpty ? "awq folded no scale: " : "")
                         + "round to nearest, no exact fold for AWQ's scales (\(unfolded.count) Linears): "
                         + unfolded.joined(separator: ", "))
        }
    }
}
