/// Why a GGUF file cannot be quantized the way llama-quantize would, with the options given;
/// each case is one sentence (`description`), put after the file and tensor by `FileError`.
public enum GGUFQuantizationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A tensor to quantize is already of a block type and requantizing was not allowed
    /// (llama-quantize refuses it too without `--allow-requantize`).
    case requantize(tensor: String, from: GGMLType, to: GGMLType)
    /// Requantizing is allowed, but the tensor's block type is one this tool cannot dequantize
    /// (IQ*, TQ*, ...).
    case cannotDequantize(tensor: String, from: GGMLType, to: GGMLType)
    /// A tensor to quantize is of a type that is not float32, float16 or bfloat16.
    case notFloat(tensor: String, type: GGMLType)
    /// `general.alignment` other than 32: llama-quantize pads tensors to 32 bytes whatever the
    /// key says, so its output would contradict its own header.
    case alignment(UInt64)
    /// A tensor to quantize holds a NaN or an infinity (first at flat index `index`, C order):
    /// ggml would quantize it into blocks whose scales are not finite (llama-quantize then
    /// stops at its own validation of the blocks).
    case nonFinite(tensor: String, index: Int, value: Float)
    /// A metadata entry the mixes need is missing, of the wrong type or out of range (as
    /// llama.cpp's loader refuses it).
    case metadata(key: String, problem: String)
    /// A type asked for by name (the output or token embedding type) whose blocks do not fit
    /// the tensor's rows: llama-quantize takes such a type as given and aborts in ggml.
    case typeDoesNotFit(tensor: String, type: GGMLType, rowLength: Int)
    /// In a model with experts, a tensor of the ffn whose layer is not in its name, or out of
    /// range (llama-quantize's `layer_info`).
    case layer(tensor: String, layerCount: Int)
    /// A type chosen for the tensor (by a rule or the file type) whose blocks of more than 32
    /// do not fit its rows and for which llama-quantize defines no smaller type (nvfp4): it
    /// refuses the model.
    case noFallback(tensor: String, type: GGMLType, rowLength: Int)
    /// Strict mode: the plan would replace `type` by `fallback` because of the row length.
    case strictFallback(tensor: String, type: GGMLType, fallback: GGMLType, rowLength: Int)

    /// The tensor the problem is in, if any.
    public var tensor: String? {
        switch self {
        case .requantize(let tensor, _, _), .cannotDequantize(let tensor, _, _), .notFloat(let tensor, _), .nonFinite(let tensor, _, _),
             .typeDoesNotFit(let tensor, _, _), .noFallback(let tensor, _, _), .layer(let tensor, _),
             .strictFallback(let tensor, _, _, _): tensor
        case .alignment, .metadata: nil
        }
    }

    public var description: String {
        switch self {
        case .requantize(_, let from, let to):
            "is already \(from); requantizing it to \(to) compounds the error and was not allowed (llama-quantize refuses it too)"
        case .cannotDequantize(_, let from, let to):
            "is \(from), which this tool cannot dequantize, so it cannot be requantized to \(to)"
        case .notFloat(_, let type):
            "is \(type), not f32, f16 or bf16, so it cannot be quantized"
        case .nonFinite(_, let index, let value):
            "holds \(value) at flat index \(index); only finite values can be quantized"
        case .alignment(let value):
            "general.alignment is \(value); only the default 32 is supported (llama-quantize always pads to 32)"
        case .metadata(let key, let problem):
            "metadata \(key) \(problem)"
        case .typeDoesNotFit(_, let type, let rowLength):
            "rows of \(rowLength) are not a multiple of \(type)'s \(type.blockSize), so it cannot be \(type) "
                + "(llama-quantize would abort)"
        case .noFallback(_, let type, let rowLength):
            "rows of \(rowLength) are not a multiple of \(type)'s \(type.blockSize), and llama-quantize has no type to fall "
                + "back to from \(type) (it refuses the model)"
        case .layer(_, let layerCount):
            "has no layer number from 0 to \(layerCount - 1) in its name ('blk.N.'), which a model with experts needs"
        case .strictFallback(_, let type, let fallback, let rowLength):
            "rows of \(rowLength) are not a multiple of \(type)'s \(type.blockSize); strict mode refuses the fallback to \(fallback)"
        }
    }
}
