/// What kind of module a tensor of a Hugging Face checkpoint is the weight of, as far as its
/// name and the model's `config.json` tell. Checkpoints do not record module classes, so the
/// rule is by name (the conventions of transformers' model classes) and by architecture:
///
/// - `embedding`: a lookup table (`nn.Embedding`): a module path with a segment `embeddings`
///   (BERT's `embeddings.word_embeddings`), or a last segment `wte`, `wpe`, `shared` (T5,
///   BART), `embed_tokens`, `embed_positions`, `embed_in`, any other `embed_*` but `embed_out`,
///   any `*_embedding(s)`, or `relative_attention_bias` (T5's position buckets).
/// - `outputHead`: the language-model head: a segment `lm_head`, a last segment `embed_out`
///   (GPT-NeoX) or `generator_lm_head`, BERT's `cls.predictions.decoder`, or a top-level
///   `output`. It is a Linear module, `tied` when it shares the input embedding's storage:
///   when `tie_word_embeddings` is true or absent (transformers' default).
/// - `conv1D`: GPT-2's `Conv1D` (`c_attn`, `c_proj`, `c_fc`, `q_attn` in models whose
///   `model_type` is `gpt2`, `openai-gpt`, `imagegpt` or `decision_transformer`): a Linear
///   stored transposed, `[in, out]`, which no compressed-tensors loader quantizes.
/// - `linear`: every other 2-D floating `*.weight`.
/// - `other`: anything else (biases, norms, 1-D or 4-D tensors, integer buffers).
public enum ModuleRole: Sendable, Equatable {
    case linear
    case embedding
    case outputHead(tied: Bool)
    case conv1D
    case other

    /// Whether compressed-tensors' `targets: ["Linear"]` matches the module (its class is
    /// `nn.Linear`).
    public var isLinearClass: Bool {
        switch self {
        case .linear, .outputHead: true
        case .embedding, .conv1D, .other: false
        }
    }
}

/// The roles of a checkpoint's tensors (see `ModuleRole`).
public struct ModuleRoles: Sendable, Equatable {
    public let config: ModelConfig

    static let conv1DModelTypes: Set<String> = ["gpt2", "openai-gpt", "imagegpt", "decision_transformer"]
    static let conv1DModules: Set<String> = ["c_attn", "c_proj", "c_fc", "q_attn"]
    static let embeddingModules: Set<String> = ["wte", "wpe", "shared", "relative_attention_bias", "embeddings", "embedding"]

    /// The roles in a checkpoint described by `config` (an empty one when it has none).
    public init(config: ModelConfig = ModelConfig()) {
        self.config = config
    }

    public func role(of info: TensorInfo) -> ModuleRole {
        guard info.dtype.isFloatingPoint, info.shape.count == 2, info.name.hasSuffix(".weight") else { return .other }
        let module = Self.segments(of: info.name)
        guard let last = module.last, !last.isEmpty else { return .other }
        if Self.isOutputHead(module: module) {
            return .outputHead(tied: config.tieWordEmbeddings ?? true)
        }
        if module.contains("embeddings") || Self.embeddingModules.contains(String(last)) || last.hasSuffix("_embeddings")
            || last.hasSuffix("_embedding") || (last.hasPrefix("embed_") && last != "embed_out") {
            return .embedding
        }
        if let type = config.modelType, Self.conv1DModelTypes.contains(type), Self.conv1DModules.contains(String(last)) {
            return .conv1D
        }
        return .linear
    }

    /// The module path of a weight `a.b.c.weight`: `["a", "b", "c"]`.
    static func segments(of weight: String) -> [Substring] {
        guard weight.hasSuffix(".weight") else { return [] }
        return weight.dropLast(".weight".count).split(separator: ".", omittingEmptySubsequences: false)
    }

    static func isOutputHead(module: [Substring]) -> Bool {
        module.contains("lm_head") || module.last == "embed_out" || module.last == "generator_lm_head"
            || module.suffix(3) == ["cls", "predictions", "decoder"] || module == ["output"]
    }
}

extension ModuleRole: CustomStringConvertible {
    /// What the module is, in words: "an embedding table", "the output head (tied to the
    /// input embedding)", ...
    public var description: String {
        switch self {
        case .linear: "a Linear weight"
        case .embedding: "an embedding table"
        case .outputHead(let tied): tied ? "the output head, tied to the input embedding" : "the output head"
        case .conv1D: "a GPT-2 Conv1D weight (a Linear stored transposed)"
        case .other: "not the weight of a Linear module"
        }
    }
}
