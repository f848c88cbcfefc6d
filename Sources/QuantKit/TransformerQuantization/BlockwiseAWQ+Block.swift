import Foundation

/// One block of `BlockwiseAWQ`: its scale search, folds and quantization.
struct AWQBlockRun {
    let schemes: [String: QuantScheme]
    let weightMethod: any WeightQuantizationMethod
    let sequencesPerBatch: Int
    let grid: Int

    /// What one block became.
    struct Outcome<Block: TransformerBlock> {
        var block: Block
        /// The block's output on its calibration input: the next block's input.
        var output: HiddenStates
        var quantized: [String: QuantizedTensor]
        var quantizedFrom: [String: [Float]]
        var folded: [String: [Float]] = [:]
        var scaled: Set<String> = []
        var note: String
    }

    /// The Linears `selected` of `block` quantized, with the scales of `folds` searched and
    /// folded when that brings the block's output on `input` closer to the float block's.
    func quantize<Block: TransformerBlock>(_ block: Block, input: HiddenStates, selected: Set<String>, folds: [ScaleFold],
                                           stored: (String, [Float]) -> [Float]) throws -> Outcome<Block> {
        let statistics = LinearInputStatistics()
        let reference = runInBatches(block, input, sequencesPerBatch: sequencesPerBatch, observer: statistics.observe)
        let name = blockPrefix(block)
        let plain = try quantizing(block, selected, statistics, columnScales: [:])
        let plainOutput = runInBatches(plain.block, input, sequencesPerBatch: sequencesPerBatch, observer: nil)
        let plainMSE = meanSquaredError(plainOutput.values, reference.values)
        var outcome = Outcome(block: plain.block, output: plainOutput, quantized: plain.quantized, quantizedFrom: plain.from,
                              note: "\(name): \(weightMethod.name), block output MSE \(formatted(plainMSE))")
        guard !folds.isEmpty else { return outcome }
        // `folded` keeps every Linear float; `working` has the consumers of the folds searched
        // so far quantized, so that each search sees the errors of those before it.
        var folded = block, working = block
        var columnScales: [String: [Float]] = [:]
        var choices: [String] = []
        for fold in folds {
            let means = fold.sourceMeans(statistics.meanMagnitude(of: fold.consumers[0])!)
            let (scales, ratio) = try search(fold, means: means, in: working, input: input, reference: reference,
                                             selected: selected, statistics: statistics, stored: stored)
            folded = try folded.folding(scales, at: fold, stored: stored)
            for consumer in fold.consumers { columnScales[consumer] = fold.consumerScales(scales) }
            working = try quantizing(try working.folding(scales, at: fold, stored: stored), selected.intersection(fold.consumers),
                                     statistics, columnScales: columnScales).block
            choices.append("\(label(fold, in: name)) α \(ratio)")
        }
        let scaled = try quantizing(folded, selected, statistics, columnScales: columnScales)
        let scaledOutput = runInBatches(scaled.block, input, sequencesPerBatch: sequencesPerBatch, observer: nil)
        let scaledMSE = meanSquaredError(scaledOutput.values, reference.values)
        let comparison = "block output MSE \(formatted(scaledMSE)), without scales \(formatted(plainMSE))"
        guard scaledMSE <= plainMSE else {
            outcome.note = "\(name): round to nearest, AWQ's scales (\(choices.joined(separator: ", "))) kept the block "
                + "farther from float: " + comparison
            return outcome
        }
        return Outcome(block: scaled.block, output: scaledOutput, quantized: scaled.quantized, quantizedFrom: scaled.from,
                       folded: foldedTensors(folds, of: folded, selected: selected),
                       scaled: Set(columnScales.keys.filter(selected.contains).map { $0 + ".weight" }),
                       note: "\(name): awq folded " + choices.joined(separator: ", ") + "; " + comparison)
    }

    /// The scales of least block output error among the grid's, and their exponent: `block`
    /// (the consumers of the folds searched before quantized) with the scales folded at `fold`
    /// and its selected consumers quantized. A fold's source must still be float: the blocks
    /// list a Linear's row fold before the fold it is a consumer of.
    func search<Block: TransformerBlock>(_ fold: ScaleFold, means: [Float], in block: Block, input: HiddenStates,
                                         reference: HiddenStates, selected: Set<String>, statistics: LinearInputStatistics,
                                         stored: (String, [Float]) -> [Float]) throws -> (scales: [Float], ratio: Float) {
        let consumers = selected.intersection(fold.consumers)
        var best: (scales: [Float], ratio: Float, mse: Double)?
        for step in 0 ..< grid {
            let ratio = Float(step) / Float(grid)
            let scales = AWQSearch.scales(means: means, ratio: ratio)
            let spread = fold.consumerScales(scales)
            let candidate = try quantizing(try block.folding(scales, at: fold, stored: stored), consumers, statistics,
                                           columnScales: Dictionary(uniqueKeysWithValues: consumers.map { ($0, spread) })).block
            let output = runInBatches(candidate, input, sequencesPerBatch: sequencesPerBatch, observer: nil)
            let mse = meanSquaredError(output.values, reference.values)
            // The first of equal errors: the smallest ratio.
            if best.map({ mse < $0.mse }) ?? true { best = (scales, ratio, mse) }
        }
        return (best!.scales, best!.ratio)
    }

    /// `block` with the float Linears `prefixes` quantized by `weightMethod` under their
    /// schemes, each fed one row of its inputs' largest magnitudes divided by its folded
    /// `columnScales` (the scaled input's largest magnitudes); the weights and what they were
    /// quantized from, by tensor name.
    func quantizing<Block: TransformerBlock>(_ block: Block, _ prefixes: Set<String>, _ statistics: LinearInputStatistics,
                                             columnScales: [String: [Float]])
        throws -> (block: Block, quantized: [String: QuantizedTensor], from: [String: [Float]]) {
        var replacements: [String: NetworkLayer] = [:]
        var quantized: [String: QuantizedTensor] = [:], from: [String: [Float]] = [:]
        for prefix in prefixes {
            let name = prefix + ".weight"
            let linear: Linear
            do { linear = try block.floatLinear(prefix) } catch { throw TransformerQuantizationError.notFloat(tensor: name) }
            var largest = statistics.maxMagnitude(of: prefix) ?? [Float](repeating: 0, count: linear.inFeatures)
            if let scales = columnScales[prefix] { largest = zip(largest, scales).map { $0 / $1 } }
            do {
                quantized[name] = try weightMethod.quantize(weight: linear.weight, shape: [linear.outFeatures, linear.inFeatures],
                                                            scheme: schemes[name]!, inputs: LayerInputs(values: largest, samples: 1))
            } catch {
                throw TransformerQuantizationError.method(tensor: name, String(describing: error))
            }
            from[name] = linear.weight
            replacements[prefix] = .quantized(QuantizedLinear(weight: quantized[name]!, bias: linear.bias))
        }
        return (try block.replacing(replacements), quantized, from)
    }

    /// The float tensors `folds` changed in `block`, by tensor name: norms, and the weights and
    /// biases of Linears not in `selected` (quantized ones are written as codes, their biases here).
    func foldedTensors(_ folds: [ScaleFold], of block: some TransformerBlock, selected: Set<String>) -> [String: [Float]] {
        var tensors: [String: [Float]] = [:]
        for fold in folds {
            switch fold.source {
            case .norm(let prefix):
                let norm = block.norms.first { $0.prefix == prefix }!
                tensors[prefix + ".weight"] = norm.weight
                tensors[prefix + ".bias"] = norm.bias
            case .linearRows(let prefix):
                let linear = try! block.floatLinear(prefix)
                if !selected.contains(prefix) { tensors[prefix + ".weight"] = linear.weight }
                tensors[prefix + ".bias"] = linear.bias
            }
            for prefix in fold.consumers where !selected.contains(prefix) {
                tensors[prefix + ".weight"] = try! block.floatLinear(prefix).weight
            }
        }
        return tensors
    }

    /// `v_proj → o_proj`: the fold's source and consumers, without the block's prefix.
    func label(_ fold: ScaleFold, in prefix: String) -> String {
        func short(_ name: String) -> String { name.hasPrefix(prefix + ".") ? String(name.dropFirst(prefix.count + 1)) : name }
        return short(fold.source.name) + " → " + fold.consumers.map(short).joined(separator: "/")
    }
}

/// The longest dotted prefix the names of `block`'s Linears share (`model.layers.0`).
func blockPrefix(_ block: some TransformerBlock) -> String {
    let parts = block.linears.map { $0.prefix.split(separator: ".", omittingEmptySubsequences: false) }
    var common = parts.first ?? []
    for name in parts.dropFirst() { common = Array(zip(common, name).prefix { $0 == $1 }.map(\.0)) }
    if parts.count == 1 { common = common.dropLast() }
    return common.joined(separator: ".")
}

/// Mean squared difference, in Double, of two equally long arrays.
func meanSquaredError(_ a: [Float], _ b: [Float]) -> Double {
    precondition(a.count == b.count)
    return zip(a, b).reduce(0.0) { $0 + Double($1.0 - $1.1) * Double($1.0 - $1.1) } / Double(max(a.count, 1))
}

private func formatted(_ value: Double) -> String { String(format: "%.3g", value) }
