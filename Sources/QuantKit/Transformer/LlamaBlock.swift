/// One Llama-family decoder layer (transformers' `LlamaDecoderLayer`, and mistral's and
/// qwen2's, which differ only in biases and windows), pre-norm:
/// `a = x + O(attention(rope(Q n), rope(K n), V n))` with `n = RMSNorm(x)`, then
/// `y = a + Down(act(Gate m) · Up m)` with `m = RMSNorm(a)`; causal grouped-query attention
/// scaled by `headDim^-0.5`, within the layer's sliding window when it has one.
public struct LlamaBlock: TransformerBlock {
    /// q_proj, k_proj, v_proj, o_proj, gate_proj, up_proj, down_proj (see `forward`).
    public var linears: [TransformerLinear]
    var inputNorm: NormWeights
    var postAttentionNorm: NormWeights
    let inverseFrequencies: [Float]
    /// The attention window of this layer (`TransformerConfig.slidingWindows`).
    let window: Int?
    let config: TransformerConfig

    /// Reads layer `prefix` (`model.layers.0`, or `layers.0` for a bare `LlamaModel`) of `weights`.
    init(_ weights: any TransformerWeights, prefix: String, index: Int, config: TransformerConfig) throws {
        let hidden = config.hiddenSize, inner = config.intermediateSize
        let queryWidth = config.headCount * config.headDim, keyWidth = config.keyValueHeadCount * config.headDim
        func linear(_ name: String, _ inFeatures: Int, _ outFeatures: Int, bias: Bool) throws -> TransformerLinear {
            try weights.linearModule(prefix + "." + name, inFeatures: inFeatures, outFeatures: outFeatures, bias: bias)
        }
        linears = [
            try linear("self_attn.q_proj", hidden, queryWidth, bias: config.queryKeyValueBias),
            try linear("self_attn.k_proj", hidden, keyWidth, bias: config.queryKeyValueBias),
            try linear("self_attn.v_proj", hidden, keyWidth, bias: config.queryKeyValueBias),
            try linear("self_attn.o_proj", queryWidth, hidden, bias: config.outputProjectionBias),
            try linear("mlp.gate_proj", hidden, inner, bias: config.mlpBias),
            try linear("mlp.up_proj", hidden, inner, bias: config.mlpBias),
            try linear("mlp.down_proj", inner, hidden, bias: config.mlpBias),
        ]
        inputNorm = try NormWeights(weights, prefix: prefix + ".input_layernorm", width: hidden, hasBias: false)
        postAttentionNorm = try NormWeights(weights, prefix: prefix + ".post_attention_layernorm", width: hidden, hasBias: false)
        inverseFrequencies = config.rotary!.inverseFrequencies
        window = config.slidingWindows[index]
        self.config = config
    }

    public func forward(_ hidden: HiddenStates, compute: ComputePath, observer: LinearObserver?) -> HiddenStates {
        let rows = hidden.tokenCount, width = config.hiddenSize
        func run(_ index: Int, _ input: [Float]) -> [Float] { linears[index](input, rows: rows, compute: compute, observer: observer) }
        var normed = hidden.values
        rmsNorm(&normed, width: width, weight: inputNorm.weight, epsilon: config.normEpsilon)
        var query = run(0, normed), key = run(1, normed)
        let value = run(2, normed)
        let tables = RotaryTables(inverseFrequencies: inverseFrequencies, positions: hidden.lengths.max() ?? 0)
        tables.rotate(&query, heads: config.headCount, lengths: hidden.lengths)
        tables.rotate(&key, heads: config.keyValueHeadCount, lengths: hidden.lengths)
        let context = scaledDotProductAttention(query: query, key: key, value: value, lengths: hidden.lengths,
                                                heads: config.headCount, keyValueHeads: config.keyValueHeadCount,
                                                headDim: config.headDim, scale: attentionScale(headDim: config.headDim),
                                                mask: .causal(window: window))
        var attended = run(3, context)
        addInPlace(&attended, hidden.values)
        normed = attended
        rmsNorm(&normed, width: width, weight: postAttentionNorm.weight, epsilon: config.normEpsilon)
        var gate = run(4, normed)
        config.activation.applyGated(&gate, up: run(5, normed))
        var output = run(6, gate)
        addInPlace(&output, attended)
        return HiddenStates(values: output, width: width, lengths: hidden.lengths)
    }
}

extension LlamaBlock {
    /// input_layernorm, post_attention_layernorm.
    public var norms: [NormWeights] {
        get { [inputNorm, postAttentionNorm] }
        set { (inputNorm, postAttentionNorm) = (newValue[0], newValue[1]) }
    }

    /// Every Linear has one, as AutoAWQ's Llama scaling: v_proj's rows → o_proj (each of the
    /// `keyValueHeadCount` value heads read by `headCount / keyValueHeadCount` query heads'
    /// columns of o_proj; AutoAWQ skips this fold when the shapes differ), up_proj's rows →
    /// down_proj, input_layernorm → q/k/v, post_attention_layernorm → gate/up. The row folds
    /// come first, so that v_proj and up_proj are searched as they will be quantized.
    public var scaleFolds: [ScaleFold] {
        let names = linears.map(\.prefix), hidden = config.hiddenSize
        return [
            ScaleFold(source: .linearRows(names[2]), consumers: [names[3]], sourceWidth: config.keyValueHeadCount * config.headDim,
                      headRepeat: config.headCount / config.keyValueHeadCount, headDim: config.headDim),
            ScaleFold(source: .linearRows(names[5]), consumers: [names[6]], sourceWidth: config.intermediateSize),
            ScaleFold(source: .norm(inputNorm.prefix), consumers: Array(names[0 ... 2]), sourceWidth: hidden),
            ScaleFold(source: .norm(postAttentionNorm.prefix), consumers: [names[4], names[5]], sourceWidth: hidden),
        ]
    }
}
