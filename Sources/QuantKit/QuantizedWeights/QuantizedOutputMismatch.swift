/// Why a quantized output cannot stand in for the float model's weights, said of one tensor (the
/// `FileError` around it names the output and the tensor).
public enum QuantizedOutputMismatch: Error, Equatable, Sendable, CustomStringConvertible {
    /// The model has the tensor; the output does not.
    case missing
    /// The output has a tensor the model does not.
    case notInModel
    /// Asked for a name neither has.
    case unknown
    case shape(model: [Int], output: [Int])
    /// Asked for as float, but stored as integers and not quantized.
    case notFloating(DType)
    /// Asked for as a Linear layer's weight, which is 2-D.
    case notLinearWeight(shape: [Int])
    /// The tensor is in two shards of the output.
    case duplicate(firstShard: String, secondShard: String)
    /// A GGUF file: its tensors carry llama.cpp's names and layout, not the checkpoint's.
    case ggufNames

    public var description: String {
        switch self {
        case .missing:
            "the model has this tensor but the quantized output does not (was it quantized from another model?)"
        case .notInModel:
            "the quantized output has this tensor but the model does not (was it quantized from another model?)"
        case .unknown:
            "is in neither the model nor its quantized output"
        case .shape(let model, let output):
            "is \(formatShape(output)) in the quantized output but \(formatShape(model)) in the model (was it quantized from another model?)"
        case .notFloating(let dtype):
            "is \(dtype.rawValue), not a floating-point or quantized tensor"
        case .notLinearWeight(let shape):
            "is \(formatShape(shape)), not the 2-D weight of a Linear layer"
        case .duplicate(let first, let second):
            "is in two shards of the quantized output, '\(first)' and '\(second)'"
        case .ggufNames:
            "a GGUF file names its tensors as llama.cpp does (blk.N.attn_q.weight, llama's q and k rows permuted), "
                + "not as the checkpoint: evaluate a safetensors or .npz output of the checkpoint instead"
        }
    }
}
