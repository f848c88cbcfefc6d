/// A BERT encoder (transformers' `BertModel`, or the encoder of a `BertFor*` checkpoint whose
/// names start with `bert.`): embeddings, then `config.layerCount` `BertBlock`s; the last
/// block's output is `BertModel`'s `last_hidden_state` (the pooler is not run).
public struct BertEncoder: TransformerModel {
    public let config: TransformerConfig
    public var blocks: [BertBlock]
    /// `""` for a `BertModel` checkpoint, `"bert."` for a `BertFor*` one.
    public let modulePrefix: String
    let wordEmbeddings: [Float]
    let positionEmbeddings: [Float]
    let tokenTypeEmbeddings: [Float]
    let embeddingNorm: NormWeights

    /// Reads every weight of the encoder `config` describes from `weights`, checking shapes.
    /// - Throws: `TransformerError` (shapes, missing tensors) or the weights' own errors.
    public init(config: TransformerConfig, weights: any TransformerWeights) throws {
        precondition(config.family == .bert, "BertEncoder needs a BERT configuration")
        let probe = "embeddings.word_embeddings.weight"
        guard let prefix = weights.modulePrefix(of: probe, among: ["", "bert."]) else { throw TransformerError.missingTensor(probe) }
        let hidden = config.hiddenSize
        self.config = config
        modulePrefix = prefix
        wordEmbeddings = try weights.floatTensor(prefix + probe, shape: [config.vocabularySize, hidden])
        positionEmbeddings = try weights.floatTensor(prefix + "embeddings.position_embeddings.weight", shape: [config.maxPositions, hidden])
        tokenTypeEmbeddings = try weights.floatTensor(prefix + "embeddings.token_type_embeddings.weight",
                                                      shape: [config.typeVocabularySize, hidden])
        embeddingNorm = try NormWeights(weights, prefix: prefix + "embeddings.LayerNorm", width: hidden, hasBias: true)
        blocks = try (0 ..< config.layerCount).map { try BertBlock(weights, prefix: prefix + "encoder.layer.\($0)", config: config) }
    }

    /// `LayerNorm(word[id] + tokenType[type] + position[p])` for every token, `p` its position
    /// in its sequence and `type` 0 unless the batch gives token types.
    public func embed(_ batch: TokenBatch) throws(TransformerError) -> HiddenStates {
        try batch.validate(vocabularySize: config.vocabularySize, maxPositions: config.maxPositions,
                           typeCount: config.typeVocabularySize)
        let width = config.hiddenSize
        var values = [Float](repeating: 0, count: batch.lengths.reduce(0, +) * width)
        values.withUnsafeMutableBufferPointer { out in
            var row = 0
            for (s, sequence) in batch.sequences.enumerated() {
                for (position, id) in sequence.enumerated() {
                    let type = batch.tokenTypes?[s][position] ?? 0
                    for c in 0 ..< width {
                        out[row * width + c] = wordEmbeddings[id * width + c] + tokenTypeEmbeddings[type * width + c]
                            + positionEmbeddings[position * width + c]
                    }
                    row += 1
                }
            }
        }
        layerNorm(&values, width: width, weight: embeddingNorm.weight, bias: embeddingNorm.bias!, epsilon: config.normEpsilon)
        return HiddenStates(values: values, width: width, lengths: batch.lengths)
    }
}
