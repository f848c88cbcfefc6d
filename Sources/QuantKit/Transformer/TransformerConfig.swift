import Foundation

/// The transformer families the forward pass implements.
public enum TransformerFamily: String, Sendable, Equatable {
    /// BERT encoders: post-norm LayerNorm blocks, absolute position and token type embeddings.
    case bert
    /// Llama-family decoders (llama, mistral, qwen2): pre-norm RMSNorm blocks, rotary position
    /// embeddings, grouped-query causal attention, SwiGLU.
    case llama
}

/// Everything a forward pass needs from a Hugging Face `config.json`, with transformers'
/// defaults where a field is absent (those of the model type's configuration class).
public struct TransformerConfig: Sendable, Equatable {
    public var family: TransformerFamily
    /// `model_type` as written (`bert`, `llama`, `mistral`, `qwen2`).
    public var modelType: String
    public var hiddenSize: Int
    public var layerCount: Int
    public var headCount: Int
    /// Key/value heads; divides `headCount` (grouped-query attention), equal to it for BERT.
    public var keyValueHeadCount: Int
    /// Width of one attention head (`head_dim`, else `hiddenSize / headCount`).
    public var headDim: Int
    public var intermediateSize: Int
    public var vocabularySize: Int
    public var maxPositions: Int
    public var activation: HiddenActivation
    /// `layer_norm_eps` (BERT) or `rms_norm_eps` (decoders), rounded to float32 as torch adds it.
    public var normEpsilon: Float
    /// Token type embeddings of BERT (`type_vocab_size`); 0 for decoders.
    public var typeVocabularySize: Int
    /// Whether the query, key and value projections have biases (BERT, qwen2, llama's `attention_bias`).
    public var queryKeyValueBias: Bool
    /// Whether the attention output projection has a bias (BERT, llama's `attention_bias`).
    public var outputProjectionBias: Bool
    /// Whether the MLP's Linears have biases (BERT, llama's `mlp_bias`).
    public var mlpBias: Bool
    /// Whether a decoder's output head is its input embedding (`tie_word_embeddings`).
    public var tieWordEmbeddings: Bool
    /// A decoder's rotary embedding; nil for BERT.
    public var rotary: RotaryParameters?
    /// Each layer's sliding attention window (a query sees the `window` latest keys, itself
    /// included); nil for full attention.
    public var slidingWindows: [Int?]

    /// The model types read, for messages.
    public static let supportedModelTypes = ["bert", "llama", "mistral", "qwen2"]

    /// Reads `config.json` at `path`; errors name the file.
    public static func load(path: String) throws -> TransformerConfig {
        do {
            let bytes = try ReadOnlyFile.contents(of: path, limit: ModelConfig.maxBytes)
            guard let object = ModelConfig.jsonObject(bytes) else { throw ModelConfigError.notAnObject }
            return try TransformerConfig(json: object)
        } catch {
            throw FileError(path: path, error)
        }
    }

    /// Reads a parsed `config.json`: the family from `model_type` (or, when absent, from the
    /// first of `architectures`), then every field (see the family initializers).
    public init(json object: [String: Any]) throws(TransformerError) {
        let fields = ConfigFields(object: object)
        let architectures = try fields.strings("architectures") ?? []
        let prefixes = ["Bert": "bert", "Llama": "llama", "Mistral": "mistral", "Qwen2": "qwen2"]
        let inferred = architectures.first.flatMap { name in prefixes.first { name.hasPrefix($0.key) }?.value }
        guard let modelType = try fields.string("model_type") ?? inferred, Self.supportedModelTypes.contains(modelType) else {
            let found = try fields.string("model_type").map { "model_type '\($0)'" } ?? "no model_type"
            throw .unsupportedArchitecture(found: found + (architectures.isEmpty ? "" : " (\(architectures.joined(separator: ", ")))"),
                                           supported: Self.supportedModelTypes.map { "model_type '\($0)'" })
        }
        self = modelType == "bert" ? try Self(bert: fields) : try Self(decoder: fields, modelType: modelType)
        try checkHeads()
    }

    private func checkHeads() throws(TransformerError) {
        guard headCount % keyValueHeadCount == 0 else {
            throw .invalidField(field: "num_key_value_heads", expected: "a divisor of num_attention_heads (\(headCount)), not \(keyValueHeadCount)")
        }
        if family == .bert, hiddenSize % headCount != 0 {
            throw .invalidField(field: "hidden_size", expected: "a multiple of num_attention_heads (\(headCount)), not \(hiddenSize)")
        }
        if let rotary, rotary.dimension % 2 != 0 { throw .invalidField(field: "head_dim", expected: "even, for rotary embeddings") }
    }
}
