/// What a run asks of a self-quantizing layout, in the words of the layout's own tools (type
/// names as strings), so that the command line stays free of any one format: the layout checks
/// and converts them (`SelfQuantizingLayout.check`), naming the offending field by
/// `SelfQuantizingOptionError.Field`.
///
/// A struct meant to grow: a new setting is a new field with a default that leaves earlier runs
/// as they were.
public struct SelfQuantizingOptions: Sendable, Equatable {
    /// The file type (`Q4_K_M`).
    public var typeName: String
    /// Every quantized tensor in the file type's one type (no per-tensor mix).
    public var pure = false
    /// The type of the output projection (`output.weight`), nil for the layout's choice.
    public var outputTensorType: String?
    /// The type of the token embeddings, nil for the layout's choice.
    public var tokenEmbeddingType: String?
    /// Keep the output projection in its input type.
    public var keepOutputTensor = false
    /// `REGEX=TYPE` rules, in the order given: the first whose regular expression matches a
    /// tensor's name (anywhere in it) sets its type.
    public var tensorTypes: [String] = []
    /// `KEY=TYPE:VALUE` metadata entries to set, in order.
    public var metadataOverrides: [String] = []
    /// Regular expressions: a tensor whose name matches one is kept in its input type.
    public var keepInInputType: [String] = []
    /// Refuse to substitute a type for one whose blocks do not fit a tensor's rows.
    public var strict = false
    /// The path of an importance matrix to weigh the quantizers' searches with.
    public var importancePath: String?
    /// Quantize tensors already of a block type again: dequantized first, so their error
    /// compounds (llama-quantize's `--allow-requantize`).
    public var allowRequantize = false
    /// A model split in shards is written in the same shards (llama-quantize's `--keep-split`);
    /// otherwise as one file.
    public var keepSplit = false

    public init(typeName: String) {
        self.typeName = typeName
    }
}

/// A setting of `SelfQuantizingOptions` the layout cannot honour, with the field it is in (so
/// that the command line can name its own option) and one sentence of why.
public struct SelfQuantizingOptionError: Error, Equatable, Sendable {
    public enum Field: Sendable, Equatable {
        case typeName, outputTensorType, tokenEmbeddingType, tensorTypes, metadataOverrides, keepInInputType
    }

    public let field: Field
    /// The value as given.
    public let value: String
    /// What a valid value is, completing "expected ...".
    public let expected: String

    public init(_ field: Field, value: String, expected: String) {
        self.field = field
        self.value = value
        self.expected = expected
    }
}
