extension TransformerBlock {
    /// This block with `scales` (`fold.sourceWidth` positive values) folded at `fold`: the
    /// source's output divided by them (a norm's weight and bias, or a Linear's rows and bias),
    /// every consumer's input column `c` multiplied by `scales[fold.sourceChannel(c)]`. Each
    /// float tensor changed then goes through `stored` with its tensor name (`prefix.weight`,
    /// `prefix.bias`), which rounds it as it will be written, so that the block is the one a
    /// loader reads back.
    ///
    /// For the folds the blocks report, the block's output is unchanged but for float32
    /// rounding (and `stored`'s).
    /// - Throws: `TransformerError.unknownModule` for a source or consumer the block does not
    ///   have, or a Linear among them that is not float.
    public func folding(_ scales: [Float], at fold: ScaleFold,
                        stored: (String, [Float]) -> [Float] = { $1 }) throws(TransformerError) -> Self {
        precondition(scales.count == fold.sourceWidth && scales.allSatisfy { $0 > 0 })
        var block = self
        switch fold.source {
        case .norm(let prefix):
            guard let index = norms.firstIndex(where: { $0.prefix == prefix }) else { throw .unknownModule(prefix) }
            block.norms[index].weight = stored(prefix + ".weight", zip(norms[index].weight, scales).map { $0 / $1 })
            block.norms[index].bias = norms[index].bias.map { bias in stored(prefix + ".bias", zip(bias, scales).map { $0 / $1 }) }
        case .linearRows(let prefix):
            let linear = try floatLinear(prefix)
            let rows = linear.weight.indices.map { linear.weight[$0] / scales[$0 / linear.inFeatures] }
            let bias = linear.bias.map { bias in stored(prefix + ".bias", zip(bias, scales).map { $0 / $1 }) }
            block = try block.replacing([prefix: .float(Linear(weight: stored(prefix + ".weight", rows), bias: bias,
                                                                outFeatures: linear.outFeatures, inFeatures: linear.inFeatures))])
        }
        let columnScales = fold.consumerScales(scales)
        for prefix in fold.consumers {
            let linear = try block.floatLinear(prefix)
            let columns = linear.weight.indices.map { linear.weight[$0] * columnScales[$0 % linear.inFeatures] }
            block = try block.replacing([prefix: .float(Linear(weight: stored(prefix + ".weight", columns), bias: linear.bias,
                                                                outFeatures: linear.outFeatures, inFeatures: linear.inFeatures))])
        }
        return block
    }

    /// The float Linear `prefix` of this block.
    /// - Throws: `TransformerError.unknownModule` when the block has no such Linear or it is quantized.
    func floatLinear(_ prefix: String) throws(TransformerError) -> Linear {
        guard let module = linears.first(where: { $0.prefix == prefix }), case .float(let linear) = module.layer else {
            throw .unknownModule(prefix)
        }
        return linear
    }
}
