import CKernels

/// The C kernels of one K-quant type (CKernels' ggml_kquants.h): each takes a number of
/// consecutive 256-value super-blocks and their blocks.
struct GGMLKQuantKernels: Sendable {
    typealias Quantize = @convention(c) (UnsafePointer<Float>?, Int, UnsafeMutableRawPointer?) -> Void
    typealias Dequantize = @convention(c) (UnsafeRawPointer?, Int, UnsafeMutablePointer<Float>?) -> Void

    let quantize: Quantize
    let dequantize: Dequantize

    /// The kernels of `type`, nil when it is not a K-quant this tool writes.
    init?(_ type: GGMLType) {
        switch type {
        case .q2_K: (quantize, dequantize) = (ck_q2_K_quantize, ck_q2_K_dequantize)
        case .q3_K: (quantize, dequantize) = (ck_q3_K_quantize, ck_q3_K_dequantize)
        case .q4_K: (quantize, dequantize) = (ck_q4_K_quantize, ck_q4_K_dequantize)
        case .q5_K: (quantize, dequantize) = (ck_q5_K_quantize, ck_q5_K_dequantize)
        case .q6_K: (quantize, dequantize) = (ck_q6_K_quantize, ck_q6_K_dequantize)
        default: return nil
        }
    }
}
