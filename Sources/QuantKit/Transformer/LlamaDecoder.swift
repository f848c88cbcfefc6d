/// A Llama-family decoder (llama, mistral, qwen2; `*ForCausalLM` checkpoints, names under
/// `model.`, or bare `*Model` ones): token embedding, `config.layerCount` `LlamaBlock`s, the
/// final RMSNorm and the output head `lm_head`, or the token embedding itself when
/// `tie_word_embeddings` is set.
public struct LlamaDecoder: TransformerModel {
    public let config: TransformerConfig
    public var blocks: [LlamaBlock]
    /// `"model."` for a `*ForCausalLM` checkpoint, `""` for a bare `*Model` one.
    public let modulePrefix: String
    let tokenEmbeddings: [Float]
    let finalNorm: [Float]
    /// The output head `[vocab, hidden]`, named `lm_head` (also when tied to the embedding,
    /// which has no tensor of that name).
    public var head: TransformerLinear

    /// Reads every weight of the decoder `config` describes from `weights`, checking shapes.
    /// - Throws: `TransformerError` (shapes, missing tensors) or the weights' own errors.
    public init(config: TransformerConfig, weights: any TransformerWeights) throws {
        precondition(config.family == .llama, "LlamaDecoder needs a Llama-family configuration")
        let probe = "embed_tokens.weight"
        guard let prefix = weights.modulePrefix(of: probe, among: ["model.", ""]) else { throw TransformerError.missingTensor("model." + probe) }
        let hidden = config.hiddenSize
        self.config = config
        modulePrefix = prefix
        tokenEmbeddings = try weights.floatTensor(prefix + probe, shape: [config.vocabularySize, hidden])
        finalNorm = try weights.floatTensor(prefix + "norm.weight", shape: [hidden])
        blocks = try (0 ..< config.layerCount).map { try LlamaBlock(weights, prefix: prefix + "layers.\($0)", index: $0, config: config) }
        if config.tieWordEmbeddings {
            let tied = Linear(weight: tokenEmbeddings, bias: nil, outFeatures: config.vocabularySize, inFeatures: hidden)
            head = TransformerLinear(prefix: "lm_head", layer: .float(tied))
        } else {
            head = try weights.linearModule("lm_head", inFeatures: hidden, outFeatures: config.vocabularySize, bias: false)
        }
    }

    /// The token embedding rows of the batch's ids.
    public func embed(_ batch: TokenBatch) throws(TransformerError) -> HiddenStates {
        try batch.validate(vocabularySize: config.vocabularySize, maxPositions: config.maxPositions, typeCount: 0)
        let width = config.hiddenSize
        var values: [Float] = []
        values.reserveCapacity(batch.lengths.reduce(0, +) * width)
        for sequence in batch.sequences {
            for id in sequence { values += tokenEmbeddings[id * width ..< (id + 1) * width] }
        }
        return HiddenStates(values: values, width: width, lengths: batch.lengths)
    }

    /// The final RMSNorm of the last block's output: transformers' `last_hidden_state`.
    public func normalized(_ hidden: HiddenStates) -> HiddenStates {
        var values = hidden.values
        rmsNorm(&values, width: config.hiddenSize, weight: finalNorm, epsilon: config.normEpsilon)
        return HiddenStates(values: values, width: hidden.width, lengths: hidden.lengths)
    }

    /// Next-token logits `[tokens, vocab]` of normalized hidden states (`normalized`).
    public func logits(_ normalized: HiddenStates, compute: ComputePath = .dequant, observer: LinearObserver? = nil) -> [Float] {
        head(normalized.values, rows: normalized.tokenCount, compute: compute, observer: observer)
    }
}
