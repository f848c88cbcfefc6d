/// Everything that decides a GGUF file's types beyond its header: llama-quantize's settings
/// (`llama_model_quantize_params`), typed, and this tool's own (`keptInInputType`, `strict`).
/// The file type alone gives `llama-quantize IN OUT TYPE`; a struct meant to grow.
///
/// `@unchecked Sendable` for its compiled regular expressions, immutable once built (as `SelectionRules`).
public struct GGUFQuantizationOptions: @unchecked Sendable {
    public var fileType: LlamaFileType
    /// `--pure`: no mix, every quantized tensor in the file type's type (rules and the output and
    /// token embedding types still apply).
    public var pure = false
    /// The type of `output.weight`, taken as given (no fallback: it must fit the rows).
    public var outputTensorType: GGMLType?
    /// The type of the token embeddings, taken as given (no fallback).
    public var tokenEmbeddingType: GGMLType?
    /// False keeps `output.weight` in its input type (`--leave-output-tensor`).
    public var quantizeOutputTensor = true
    /// Tensor type rules, first match wins (`--tensor-type`).
    public var tensorTypeRules: [GGUFTensorTypeRule] = []
    /// Metadata to set, in order (`--override-kv`).
    public var metadataOverrides: [GGUFMetadataOverride] = []
    /// A tensor whose name one of these matches (anywhere) keeps its input type; every other
    /// tensor gets the type llama-quantize would give it.
    public var keptInInputType: [Regex<AnyRegexOutput>] = []
    /// Refuse a plan in which a type is replaced because its blocks do not fit a tensor's rows.
    public var strict = false
    /// The importance matrix (`--imatrix`): weighs the searches of the tensors it has entries
    /// for, adds llama-quantize's `quantize.imatrix.*` keys, and changes one mix rule.
    public var importance: GGUFImportance?
    /// Quantize tensors already of a block type (`--allow-requantize`): each is dequantized to
    /// float32 exactly as ggml's `dequantize_row_<type>` does, then quantized, so the errors of
    /// both quantizations add up; `GGUFPlan.Entry.isRequantized` marks them.
    public var allowRequantize = false
    /// Write a split model in its input's shards, tensors in their shard's file order
    /// (`--keep-split`); otherwise one file in llama-quantize's order.
    public var keepSplit = false

    public init(fileType: LlamaFileType) {
        self.fileType = fileType
    }

    /// The options `options` spell.
    /// - Throws: naming the field, for a file type, ggml type, rule, override or pattern this
    ///   tool does not have or cannot read.
    public init(_ options: SelfQuantizingOptions) throws(SelfQuantizingOptionError) {
        guard let fileType = LlamaFileType(named: options.typeName) else {
            throw SelfQuantizingOptionError(.typeName, value: options.typeName,
                                            expected: "one of " + LlamaFileType.names.joined(separator: ", "))
        }
        self.init(fileType: fileType)
        pure = options.pure
        strict = options.strict
        allowRequantize = options.allowRequantize
        keepSplit = options.keepSplit
        quantizeOutputTensor = !options.keepOutputTensor
        outputTensorType = try Self.type(options.outputTensorType, .outputTensorType)
        tokenEmbeddingType = try Self.type(options.tokenEmbeddingType, .tokenEmbeddingType)
        for text in options.tensorTypes {
            tensorTypeRules.append(try Self.rule(text))
        }
        for text in options.metadataOverrides {
            guard let override = GGUFMetadataOverride(parsing: text), override.key != "general.alignment" else {
                throw SelfQuantizingOptionError(.metadataOverrides, value: text, expected: Self.overrideSyntax)
            }
            metadataOverrides.append(override)
        }
        for pattern in options.keepInInputType {
            do {
                keptInInputType.append(try Regex(pattern))
            } catch {
                throw SelfQuantizingOptionError(.keepInInputType, value: pattern, expected: "a valid regular expression (\(error))")
            }
        }
    }

    static let overrideSyntax = "KEY=TYPE:VALUE with TYPE int, float, bool (true or false) or str (at most 127 bytes), "
        + "KEY 1 to 127 bytes and not general.alignment"

    static var writableTypes: String { GGMLQuantizers.types.map(\.description).joined(separator: ", ") }

    private static func type(_ name: String?, _ field: SelfQuantizingOptionError.Field) throws(SelfQuantizingOptionError)
        -> GGMLType? {
        guard let name else { return nil }
        guard let type = GGMLType(writableNamed: name) else {
            throw SelfQuantizingOptionError(field, value: name, expected: "a ggml type this tool writes: " + writableTypes)
        }
        return type
    }

    private static func rule(_ text: String) throws(SelfQuantizingOptionError) -> GGUFTensorTypeRule {
        let syntax = "REGEX=TYPE with TYPE a ggml type this tool writes: " + writableTypes
        let parsed: GGUFTensorTypeRule?
        do {
            parsed = try GGUFTensorTypeRule(parsing: text)
        } catch {
            switch error {
            case .type: throw SelfQuantizingOptionError(.tensorTypes, value: text, expected: syntax)
            case .pattern(_, let why):
                throw SelfQuantizingOptionError(.tensorTypes, value: text, expected: "a valid regular expression before '=' (\(why))")
            }
        }
        guard let parsed else { throw SelfQuantizingOptionError(.tensorTypes, value: text, expected: syntax) }
        return parsed
    }
}
