/// Why a GGUF file cannot be quantized the way `llama-quantize --pure` would; each case is one
/// sentence (`description`), put after the file and tensor by `FileError`.
public enum GGUFPureError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A tensor to quantize is already of a block type (llama-quantize refuses to requantize).
    case requantize(tensor: String, from: GGMLType, to: GGMLType)
    /// A tensor to quantize is of a type that is not float32, float16 or bfloat16.
    case notFloat(tensor: String, type: GGMLType)
    /// `general.alignment` other than 32: llama-quantize pads tensors to 32 bytes whatever the
    /// key says, so its output would contradict its own header.
    case alignment(UInt64)
    /// A tensor to quantize holds a NaN or an infinity (first at flat index `index`, C order):
    /// ggml would quantize it into blocks whose scales are not finite (llama-quantize then
    /// stops at its own validation of the blocks).
    case nonFinite(tensor: String, index: Int, value: Float)

    /// The tensor the problem is in, if any.
    public var tensor: String? {
        switch self {
        case .requantize(let tensor, _, _), .notFloat(let tensor, _), .nonFinite(let tensor, _, _): tensor
        case .alignment: nil
        }
    }

    public var description: String {
        switch self {
        case .requantize(_, let from, let to):
            "is already \(from); requantizing it to \(to) is not supported (llama-quantize refuses it too)"
        case .notFloat(_, let type):
            "is \(type), not f32, f16 or bf16, so it cannot be quantized"
        case .nonFinite(_, let index, let value):
            "holds \(value) at flat index \(index); only finite values can be quantized"
        case .alignment(let value):
            "general.alignment is \(value); only the default 32 is supported (llama-quantize always pads to 32)"
        }
    }
}
