import Foundation

/// What a Hugging Face `config.json` says about a model's architecture that decides which of
/// its tensors are Linear weights: the `model_type`, the `architectures` classes and whether
/// the output head shares the input embedding's storage (`tie_word_embeddings`).
public struct ModelConfig: Sendable, Equatable {
    public var modelType: String?
    public var architectures: [String]
    /// As written in the file; nil when absent (transformers' `PretrainedConfig` default is
    /// true, but several model classes override it, so an absent value is left undecided).
    public var tieWordEmbeddings: Bool?

    public init(modelType: String? = nil, architectures: [String] = [], tieWordEmbeddings: Bool? = nil) {
        self.modelType = modelType
        self.architectures = architectures
        self.tieWordEmbeddings = tieWordEmbeddings
    }

    /// Whether the model class has a language-model head tied to its input embedding: an
    /// architecture with a head (`*ForCausalLM`, `*LMHeadModel`, `*ForConditionalGeneration`,
    /// `*ForMaskedLM`) and `tie_word_embeddings` true or absent (transformers' default).
    public var hasTiedLanguageModelHead: Bool {
        let heads = ["ForCausalLM", "LMHeadModel", "ForConditionalGeneration", "ForMaskedLM"]
        return tieWordEmbeddings != false && architectures.contains { name in heads.contains { name.hasSuffix($0) } }
    }

    /// The largest `config.json` read (real ones are a few KiB).
    static let maxBytes = 16 << 20

    /// Parses the bytes of a `config.json`; the fields it does not know are ignored, and a
    /// field of the wrong type counts as absent (the file is the model's, not ours to judge).
    public init(json bytes: [UInt8]) throws(ModelConfigError) {
        guard bytes.count <= Self.maxBytes else { throw .tooLarge(bytes.count) }
        guard let object = Self.jsonObject(bytes) else { throw .notAnObject }
        self.init(modelType: object["model_type"] as? String,
                  architectures: (object["architectures"] as? [Any])?.compactMap { $0 as? String } ?? [],
                  tieWordEmbeddings: object["tie_word_embeddings"] as? Bool)
    }

    /// The top-level object of a `config.json`'s bytes, or nil when they are not a JSON object
    /// (or nest deeper than `maxJSONNestingDepth`, checked before parsing).
    static func jsonObject(_ bytes: [UInt8]) -> [String: Any]? {
        guard jsonNesting(of: bytes).depth <= maxJSONNestingDepth else { return nil }
        return (try? JSONSerialization.jsonObject(with: Data(bytes))) as? [String: Any]
    }

    /// Reads the `config.json` at `path`.
    public static func load(path: String) throws -> ModelConfig {
        do {
            return try ModelConfig(json: try ReadOnlyFile.contents(of: path, limit: maxBytes))
        } catch {
            throw FileError(path: path, error)
        }
    }
}

/// Why a `config.json` could not be read.
public enum ModelConfigError: Error, Equatable, Sendable, CustomStringConvertible {
    case notAnObject
    case tooLarge(Int)

    public var description: String {
        switch self {
        case .notAnObject: "not a JSON object (a model configuration)"
        case .tooLarge(let size): "\(size) bytes is too large for a model configuration (at most \(ModelConfig.maxBytes))"
        }
    }
}
