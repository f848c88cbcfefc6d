import CKernels

/// ggml's FP4 block types, MXFP4 (32 E2M1 elements and one E8M0 exponent, 17 bytes) and NVFP4
/// (64 E2M1 elements in groups of 16, each with an unsigned E4M3 scale, 36 bytes), quantized
/// byte for byte as ggml's `quantize_row_mxfp4_ref` / `quantize_row_nvfp4_ref` (what
/// `llama-quantize` writes) and read back as `dequantize_row_<type>` (C kernels in ggml_fp4.c).
///
/// Per MXFP4 block: `e = ⌊log2 amax⌋ - 2 + 127`, elements on the grid `2^(e-127) · {0, ±0.5, ±1,
/// ±1.5, ±2, ±3, ±4, ±6}`, each the nearest point (ties to the smaller magnitude), saturating at
/// 6 · 2^(e-127). Since `amax < 8 · 2^(e-127)`, `|x - x̂|` is below 2^(e-126) for the values past
/// 6 · 2^(e-127) that saturate, and at most half the local grid step (2^(e-129) to 2^(e-127))
/// elsewhere. Per NVFP4 group of 16: `d = e4m3(amax / 6)` rounded half up,
/// elements on `d · {0, ±0.5, ..., ±6}` the same way. An importance matrix is ignored, as ggml
/// ignores it for these types.
///
/// This differs from the compressed-tensors formats of the same names
/// (`Microscaling/`): compressed-tensors' E8M0 exponent rounds amax's mantissa (0.75 and above
/// goes up), its elements round ties to the even mantissa, and its NVFP4 has a per-tensor global
/// scale; each file format is written as its own reference writes it.
public struct GGMLFP4Quantizer: GGMLBlockQuantizer {
    public let type: GGMLType

    /// The two FP4 types.
    public static let types: [GGMLType] = [.mxfp4, .nvfp4]

    /// The quantizer of `type`.
    ///
    /// - Throws: `GGMLQuantizationError.unsupportedType` for a type other than mxfp4 and nvfp4.
    public init(_ type: GGMLType) throws {
        guard Self.types.contains(type) else { throw GGMLQuantizationError.unsupportedType(type) }
        self.type = type
    }

    public func _quantizeRows(_ rows: UnsafeRawPointer, rowCount: Int, rowLength: Int,
                              importance: UnsafePointer<Float>?, into blocks: UnsafeMutableRawPointer) {
        let blockCount = rowCount * rowLength / type.blockSize
        if type == .mxfp4 {
            ck_ggml_mxfp4_quantize(rows, blockCount, blocks)
        } else {
            ck_ggml_nvfp4_quantize(rows, blockCount, blocks)
        }
    }

    public func _dequantizeBlocks(_ blocks: UnsafeRawPointer, blockCount: Int, into values: UnsafeMutableRawPointer) {
        if type == .mxfp4 {
            ck_ggml_mxfp4_dequantize(blocks, blockCount, values)
        } else {
            ck_ggml_nvfp4_dequantize(blocks, blockCount, values)
        }
    }
}
