/// One BERT encoder layer (transformers' `BertLayer`), post-norm:
/// `a = LayerNorm(x + O(attention(Q x, K x, V x)))`, `y = LayerNorm(a + W₂ act(W₁ a))`, with
/// bidirectional attention over each sequence's tokens scaled by `1/√headDim`.
public struct BertBlock: TransformerBlock {
    /// query, key, value, attention output, intermediate, output (see `forward`).
    public var linears: [TransformerLinear]
    var attentionNorm: NormWeights
    var outputNorm: NormWeights
    let config: TransformerConfig

    /// Reads layer `prefix` (`encoder.layer.3`, or `bert.encoder.layer.3`) of `weights`.
    init(_ weights: any TransformerWeights, prefix: String, config: TransformerConfig) throws {
        let hidden = config.hiddenSize, inner = config.intermediateSize
        linears = [
            try weights.linearModule(prefix + ".attention.self.query", inFeatures: hidden, outFeatures: hidden, bias: true),
            try weights.linearModule(prefix + ".attention.self.key", inFeatures: hidden, outFeatures: hidden, bias: true),
            try weights.linearModule(prefix + ".attention.self.value", inFeatures: hidden, outFeatures: hidden, bias: true),
            try weights.linearModule(prefix + ".attention.output.dense", inFeatures: hidden, outFeatures: hidden, bias: true),
            try weights.linearModule(prefix + ".intermediate.dense", inFeatures: hidden, outFeatures: inner, bias: true),
            try weights.linearModule(prefix + ".output.dense", inFeatures: inner, outFeatures: hidden, bias: true),
        ]
        attentionNorm = try NormWeights(weights, prefix: prefix + ".attention.output.LayerNorm", width: hidden, hasBias: true)
        outputNorm = try NormWeights(weights, prefix: prefix + ".output.LayerNorm", width: hidden, hasBias: true)
        self.config = config
    }

    public func forward(_ hidden: HiddenStates, compute: ComputePath, observer: LinearObserver?) -> HiddenStates {
        let rows = hidden.tokenCount, x = hidden.values
        func run(_ index: Int, _ input: [Float]) -> [Float] { linears[index](input, rows: rows, compute: compute, observer: observer) }
        let context = scaledDotProductAttention(query: run(0, x), key: run(1, x), value: run(2, x), lengths: hidden.lengths,
                                                heads: config.headCount, keyValueHeads: config.headCount, headDim: config.headDim,
                                                scale: attentionScale(headDim: config.headDim), mask: .bidirectional)
        var attended = run(3, context)
        addInPlace(&attended, x)
        layerNorm(&attended, width: config.hiddenSize, weight: attentionNorm.weight, bias: attentionNorm.bias!, epsilon: config.normEpsilon)
        var inner = run(4, attended)
        config.activation.apply(&inner)
        var output = run(5, inner)
        addInPlace(&output, attended)
        layerNorm(&output, width: config.hiddenSize, weight: outputNorm.weight, bias: outputNorm.bias!, epsilon: config.normEpsilon)
        return HiddenStates(values: output, width: config.hiddenSize, lengths: hidden.lengths)
    }
}

extension BertBlock {
    /// attention.output.LayerNorm, output.LayerNorm.
    public var norms: [NormWeights] {
        get { [attentionNorm, outputNorm] }
        set { (attentionNorm, outputNorm) = (newValue[0], newValue[1]) }
    }

    /// One: value's rows → attention.output.dense. BERT is post-norm: each LayerNorm's output
    /// also feeds the residual, so scales folded into it would change the block (query, key,
    /// value, intermediate have no exact fold); GELU between intermediate and output does not
    /// commute with scaling.
    public var scaleFolds: [ScaleFold] {
        [ScaleFold(source: .linearRows(linears[2].prefix), consumers: [linears[3].prefix], sourceWidth: config.hiddenSize)]
    }
}

/// `x += y`, element by element (a residual connection).
/// - Precondition: `x.count == y.count`.
func addInPlace(_ x: inout [Float], _ y: [Float]) {
    precondition(x.count == y.count, "residual: sizes differ")
    x.withUnsafeMutableBufferPointer { x in
        y.withUnsafeBufferPointer { y in
            for i in x.indices { x[i] += y[i] }
        }
    }
}
