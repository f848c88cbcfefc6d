extension TransformerConfig {
    /// BERT (`BertConfig`'s defaults): an encoder with absolute position embeddings only.
    init(bert fields: ConfigFields) throws(TransformerError) {
        let positionType = try fields.string("position_embedding_type") ?? "absolute"
        guard positionType == "absolute" else {
            throw .unsupportedSetting(field: "position_embedding_type", value: positionType, supported: ["absolute"])
        }
        if try fields.bool("is_decoder", default: false) {
            throw .unsupportedSetting(field: "is_decoder", value: "true", supported: ["false (an encoder)"])
        }
        family = .bert
        modelType = "bert"
        hiddenSize = try fields.int("hidden_size", default: 768)
        layerCount = try fields.int("num_hidden_layers", default: 12)
        headCount = try fields.int("num_attention_heads", default: 12)
        keyValueHeadCount = headCount
        headDim = hiddenSize / headCount
        intermediateSize = try fields.int("intermediate_size", default: 3072)
        vocabularySize = try fields.int("vocab_size", default: 30522)
        maxPositions = try fields.int("max_position_embeddings", default: 512)
        activation = try HiddenActivation(name: fields.string("hidden_act") ?? "gelu")
        normEpsilon = Float(try fields.double("layer_norm_eps", default: 1e-12))
        typeVocabularySize = try fields.int("type_vocab_size", default: 2)
        (queryKeyValueBias, outputProjectionBias, mlpBias, tieWordEmbeddings) = (true, true, true, false)
        rotary = nil
        slidingWindows = Array(repeating: nil, count: layerCount)
    }

    /// The defaults of `LlamaConfig`, `MistralConfig` and `Qwen2Config` that differ.
    private static let decoderDefaults: [String: (vocabulary: Int, intermediate: Int, keyValueHeads: Int?, maxPositions: Int)] = [
        "llama": (32000, 11008, nil, 2048),
        "mistral": (32000, 14336, 8, 4096 * 32),
        "qwen2": (151_936, 22016, 32, 32768),
    ]

    /// A Llama-family decoder. Biases: llama's `attention_bias` on all four attention
    /// projections and `mlp_bias` on the MLP; qwen2's on query, key and value only; none in
    /// mistral. Sliding windows: mistral's `sliding_window` (`null`: none) on
    /// every layer; qwen2's, when `use_sliding_window`, on its `layer_types`' sliding layers or else
    /// on the layers from `max_window_layers` on.
    init(decoder fields: ConfigFields, modelType: String) throws(TransformerError) {
        let defaults = Self.decoderDefaults[modelType]!
        family = .llama
        self.modelType = modelType
        hiddenSize = try fields.int("hidden_size", default: 4096)
        layerCount = try fields.int("num_hidden_layers", default: 32)
        headCount = try fields.int("num_attention_heads", default: 32)
        keyValueHeadCount = try fields.int("num_key_value_heads", default: defaults.keyValueHeads ?? headCount)
        headDim = try fields.int("head_dim", default: hiddenSize / headCount)
        intermediateSize = try fields.int("intermediate_size", default: defaults.intermediate)
        vocabularySize = try fields.int("vocab_size", default: defaults.vocabulary)
        maxPositions = try fields.int("max_position_embeddings", default: defaults.maxPositions)
        activation = try HiddenActivation(name: fields.string("hidden_act") ?? "silu")
        normEpsilon = Float(try fields.double("rms_norm_eps", default: 1e-6))
        typeVocabularySize = 0
        let attentionBias = modelType == "llama" ? try fields.bool("attention_bias", default: false) : false
        queryKeyValueBias = attentionBias || modelType == "qwen2"
        outputProjectionBias = attentionBias
        mlpBias = modelType == "llama" ? try fields.bool("mlp_bias", default: false) : false
        tieWordEmbeddings = try fields.bool("tie_word_embeddings", default: false)
        rotary = try RotaryParameters(config: fields, headDim: headDim, maxPositions: maxPositions)
        slidingWindows = try Self.slidingWindows(fields, modelType: modelType, layerCount: layerCount)
    }

    private static func slidingWindows(_ fields: ConfigFields, modelType: String, layerCount: Int) throws(TransformerError) -> [Int?] {
        switch modelType {
        case "mistral":
            let window = try fields.optionalInt("sliding_window", default: 4096)
            return Array(repeating: window, count: layerCount)
        case "qwen2":
            let window = try fields.bool("use_sliding_window", default: false) ? try fields.optionalInt("sliding_window", default: 4096) : nil
            if let types = try fields.strings("layer_types") {
                guard types.count == layerCount, types.allSatisfy({ ["full_attention", "sliding_attention"].contains($0) }) else {
                    throw .invalidField(field: "layer_types", expected: "\(layerCount) entries, each full_attention or sliding_attention")
                }
                return types.map { $0 == "sliding_attention" ? window : nil }
            }
            let first = try fields.int("max_window_layers", default: 28, minimum: 0)
            return (0 ..< layerCount).map { $0 >= first ? window : nil }
        default:
            return Array(repeating: nil, count: layerCount)
        }
    }
}
