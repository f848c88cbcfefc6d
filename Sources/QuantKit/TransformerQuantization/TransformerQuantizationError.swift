/// Why a method could not run through a transformer's blocks.
public enum TransformerQuantizationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A selected Linear is already quantized: the methods start from float weights.
    case notFloat(tensor: String)
    /// GPTQ refused a Linear's weight.
    case gptq(tensor: String, GPTQError)
    /// The weight method (round to nearest, outlier columns) refused a Linear's weight.
    case method(tensor: String, String)

    public var description: String {
        switch self {
        case .notFloat(let tensor):
            "'\(tensor)': is already quantized; calibrated methods start from float weights"
        case .gptq(let tensor, let error):
            "'\(tensor)': \(error)"
        case .method(let tensor, let message):
            "'\(tensor)': \(message)"
        }
    }
}
