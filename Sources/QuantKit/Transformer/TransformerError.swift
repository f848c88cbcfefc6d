/// Why a transformer checkpoint, its configuration or a batch of tokens cannot run.
///
/// Thrown with the tensor or field it concerns; whoever knows the file wraps it in a
/// `FileError`, so the message reads `model/: 'encoder.layer.0.attention.self.query.weight': is
/// [384, 383], expected [384, 384]`.
public enum TransformerError: Error, Equatable, Sendable, CustomStringConvertible {
    /// `config.json` names an architecture the forward pass does not implement.
    case unsupportedArchitecture(found: String, supported: [String])
    /// A configuration field holds a value the forward pass does not implement.
    case unsupportedSetting(field: String, value: String, supported: [String])
    /// A configuration field is missing or not of the type it must have.
    case invalidField(field: String, expected: String)
    case missingTensor(String)
    case tensorShape(tensor: String, expected: [Int], found: [Int])
    /// A Linear weight that is not `[out, in]`.
    case notAMatrix(tensor: String, shape: [Int])
    case notFloatingPoint(tensor: String, dtype: DType)
    case emptyBatch
    case emptySequence(sequence: Int)
    case tokenOutOfRange(sequence: Int, position: Int, id: Int, vocabularySize: Int)
    case tokenTypeOutOfRange(sequence: Int, position: Int, type: Int, typeCount: Int)
    case tokenTypesMismatch(sequence: Int, tokens: Int, types: Int)
    case tokenTypeSequences(sequences: Int, types: Int)
    case sequenceTooLong(sequence: Int, length: Int, maxPositions: Int)
    /// A block's Linear was replaced by one of another shape, or named a module it lacks.
    case replacementMismatch(prefix: String, expected: [Int], found: [Int])
    case unknownModule(String)

    public var description: String {
        switch self {
        case .unsupportedArchitecture(let found, let supported):
            "architecture \(found) is not supported (supported: \(supported.joined(separator: ", ")))"
        case .unsupportedSetting(let field, let value, let supported):
            "\(field) \(value) is not supported (supported: \(supported.joined(separator: ", ")))"
        case .invalidField(let field, let expected):
            "\(field) must be \(expected)"
        case .missingTensor(let name):
            "the checkpoint has no tensor '\(name)'"
        case .tensorShape(let tensor, let expected, let found):
            "'\(tensor)' is \(formatShape(found)), expected \(formatShape(expected))"
        case .notAMatrix(let tensor, let shape):
            "'\(tensor)' is \(formatShape(shape)), not a Linear weight [out, in]"
        case .notFloatingPoint(let tensor, let dtype):
            "'\(tensor)' is \(dtype.rawValue), not a floating-point tensor"
        case .emptyBatch:
            "the batch holds no sequence"
        case .emptySequence(let sequence):
            "sequence \(sequence) holds no token"
        case .tokenOutOfRange(let sequence, let position, let id, let vocabularySize):
            "token id \(id) at position \(position) of sequence \(sequence) is outside the vocabulary (0..<\(vocabularySize))"
        case .tokenTypeOutOfRange(let sequence, let position, let type, let typeCount):
            "token type \(type) at position \(position) of sequence \(sequence) is outside 0..<\(typeCount)"
        case .tokenTypesMismatch(let sequence, let tokens, let types):
            "sequence \(sequence) has \(tokens) tokens but \(types) token types"
        case .tokenTypeSequences(let sequences, let types):
            "the batch has \(sequences) sequences but \(types) sequences of token types"
        case .sequenceTooLong(let sequence, let length, let maxPositions):
            "sequence \(sequence) has \(length) tokens, more than max_position_embeddings (\(maxPositions))"
        case .replacementMismatch(let prefix, let expected, let found):
            "the replacement for '\(prefix)' is \(formatShape(found)), the block's is \(formatShape(expected))"
        case .unknownModule(let prefix):
            "the block has no Linear module '\(prefix)'"
        }
    }
}
