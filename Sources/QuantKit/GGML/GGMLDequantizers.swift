/// One entry point to ggml's dequantizers, whichever family the type belongs to: the float types
/// f32, f16 and bf16 (`widenFloats`), the legacy types (`GGMLLegacyQuantizer`: q4_0, q4_1, q5_0,
/// q5_1, q8_0), the K-quants (`GGMLKQuantizer`: q2_K to q6_K) and the FP4 types
/// (`GGMLFP4Quantizer`: mxfp4, nvfp4). The values are those of ggml's
/// `dequantize_row_<type>` (the type's `to_float`, what llama.cpp runs to read a block tensor as
/// floats) bit for bit: the same float operations in the same order, each rounded on its own (no
/// fused multiply-adds), and binary16 scales widened exactly (a NaN keeps its payload and becomes
/// quiet, as ggml's bit manipulation makes it). So NaN and infinite scales give what ggml gives:
/// `0 · inf` is NaN, `inf + -inf` is NaN, and of two NaNs the one ggml's compiled code keeps
/// (Fixtures/ggml/dequantize.npz holds ggml's own values for such blocks).
///
/// Per block (`x̂` the value of code `q`, `d` and `m` binary16 scales widened to float32):
///
///     q4_0, q5_0, q8_0:         x̂ = (q - 8) · d, (q - 16) · d, q · d (q8_0's q signed)
///     q4_1, q5_1:               x̂ = q · d + m
///     q2_K, q4_K, q5_K:         x̂ = (d · s) · q - (dmin · m)   (s, m the group's scale and min)
///     q3_K:                     x̂ = (d · (s - 32)) · (q - 4)
///     q6_K:                     x̂ = (d · s) · (q - 32)
///     mxfp4, nvfp4:             x̂ = k[q] · d   (k the doubled E2M1 values, d 2^(e-128) or e4m3/2)
///
/// - SeeAlso: `GGMLQuantizers`, the way in.
public enum GGMLDequantizers {
    /// The types read as float32: every type `quantize` writes (`GGMLQuantizers.types`).
    public static let types: [GGMLType] = GGMLQuantizers.types

    /// Dequantizes the whole blocks of `type` in `blocks` into `values`, which must hold exactly
    /// `blocks.count / blockBytes · blockSize` floats, on up to `threads` threads (the values
    /// never depend on the count). Any alignment.
    ///
    /// - Throws: `GGMLQuantizationError.notReadable` for a type not in `types`; the family's
    ///   size errors (`GGMLQuantizationError`, `GGMLKQuantError`) for a buffer that is not a whole
    ///   number of blocks or an output of the wrong size.
    /// - Complexity: O(elements).
    public static func dequantize(_ type: GGMLType, blocks: UnsafeRawBufferPointer, into values: UnsafeMutableBufferPointer<Float>,
                                  threads: Int = defaultThreadCount) throws {
        if type.isQuantizable {
            try widenFloats(type, blocks, into: values)
        } else if GGMLKQuantizer.supportedTypes.contains(type) {
            try GGMLKQuantizer(type).dequantize(blocks, into: values, threads: threads)
        } else if GGMLFP4Quantizer.types.contains(type) {
            try GGMLFP4Quantizer(type).dequantize(blocks: blocks, into: UnsafeMutableRawBufferPointer(values), threads: threads)
        } else if GGMLLegacyQuantizer.types.contains(type) {
            try GGMLLegacyQuantizer(type).dequantize(blocks: blocks, into: UnsafeMutableRawBufferPointer(values), threads: threads)
        } else {
            throw GGMLQuantizationError.notReadable(type)
        }
    }

    /// The elements of the float `type` (f32, f16 or bf16) in `bytes` as float32 into `values`,
    /// which must hold one float per element: exact (bf16 is the top half of a float32; a binary16
    /// NaN keeps its payload, made quiet, as ggml's `ggml_compute_fp16_to_fp32` makes it).
    static func widenFloats(_ type: GGMLType, _ bytes: UnsafeRawBufferPointer, into values: UnsafeMutableBufferPointer<Float>) throws {
        guard bytes.count % type.blockBytes == 0 else {
            throw GGMLQuantizationError.inputNotWholeBlocks(bytes: bytes.count, blockBytes: type.blockBytes)
        }
        let count = bytes.count / type.blockBytes
        guard values.count == count else { throw GGMLQuantizationError.outputSize(expected: 4 * count, actual: 4 * values.count) }
        for index in 0 ..< count {
            switch type {
            case .f16:
                let bits = UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: 2 * index, as: UInt16.self))
                values[index] = Float(Float16(bitPattern: bits))
            case .bf16:
                let bits = UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: 2 * index, as: UInt16.self))
                values[index] = Float(bitPattern: UInt32(bits) << 16)
            default:
                values[index] = Float(bitPattern: UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 4 * index, as: UInt32.self)))
            }
        }
    }
}
