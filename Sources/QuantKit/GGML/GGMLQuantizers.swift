/// One entry point to ggml's quantizers, with or without an importance matrix, whichever family the type
/// belongs to: the legacy types (`GGMLLegacyQuantizer`: q4_0, q4_1, q5_0, q5_1, q8_0), the
/// K-quants (`GGMLKQuantizer`: q2_K to q6_K), the FP4 types (`GGMLFP4Quantizer`: mxfp4, nvfp4) and the float types f32, f16 and bf16 (stored
/// element by element, `storeFloats`). The bytes are those of ggml's `ggml_quantize_chunk`,
/// what `llama-quantize --pure` writes (with `--imatrix` when given an importance matrix).
public enum GGMLQuantizers {
    /// The types `quantize` writes.
    public static let types: [GGMLType] = [.f32, .f16, .bf16] + GGMLLegacyQuantizer.types + GGMLKQuantizer.supportedTypes
        + GGMLFP4Quantizer.types

    /// Quantizes `rows` (float32, a whole number of rows of `rowLength`) to `type` into
    /// `blocks`, which must hold exactly `rows.count / rowLength · rowLength / blockSize ·
    /// blockBytes` bytes, on up to `threads` threads (the bytes never depend on the count). With
    /// `importance` (`rowLength` values, ggml's importance matrix), the legacy types and the
    /// K-quants search their scales as ggml's `quantize_<type>` with `quant_weights` does; the
    /// float types, q8_0 and the FP4 types ignore it, as ggml does.
    ///
    /// - Throws: `GGMLQuantizationError.unsupportedType` for a type not in `types`; the
    ///   family's size errors (`GGMLQuantizationError`, `GGMLKQuantError`) otherwise.
    /// - Complexity: O(elements).
    public static func quantize(_ type: GGMLType, rows: UnsafeBufferPointer<Float>, rowLength: Int,
                                importance: UnsafeBufferPointer<Float>? = nil, into blocks: UnsafeMutableRawBufferPointer,
                                threads: Int = defaultThreadCount) throws {
        if type.isQuantizable {
            try storeFloats(type, rows, into: blocks)
        } else if GGMLKQuantizer.supportedTypes.contains(type) {
            let quantizer = try GGMLKQuantizer(type)
            if let importance {
                try quantizer.quantize(rows, rowLength: rowLength, importance: importance, into: blocks, threads: threads)
            } else {
                try quantizer.quantize(rows, rowLength: rowLength, into: blocks, threads: threads)
            }
        } else if GGMLFP4Quantizer.types.contains(type) {
            try GGMLFP4Quantizer(type).quantize(rows: UnsafeRawBufferPointer(rows), rowLength: rowLength,
                                                into: blocks, threads: threads)
        } else {
            try GGMLLegacyQuantizer(type).quantize(rows: UnsafeRawBufferPointer(rows), rowLength: rowLength,
                                                   importance: importance, into: blocks, threads: threads)
        }
    }

    /// Whether `quantize(type, ...)` without importance weights may be given NaN and infinities:
    /// its output is then meaningless (the caller discards it) but it runs in bounded time with
    /// no undefined behaviour, so a caller may check the values' finiteness after quantizing,
    /// on values still in cache, rather than before, on their first read from memory. q3_K's
    /// kernel qualifies: it turns floats into integers by bit manipulation only (round by adding
    /// 1.5 · 2^23), clamps every code and scale before shifting it, and sweeps at most five
    /// times.
    ///
    /// Not every kernel qualifies, so the check is not always after (one code path would need
    /// them all): the legacy types' SIMD kernels (ggml_legacy_template.h) convert `x · (1/d)` to
    /// int32 with `__builtin_convertvector`, undefined (LLVM poison) for the NaN that an
    /// infinity times `1/d = 0` gives, in their hot loop, where a guard would cost every block.
    /// The K-quant kernels (plain, lanes and weighted) ran clean under UBSan on NaN, infinities
    /// and subnormals (once q2_K's min levels were shifted unsigned), so they could join this
    /// set; whether the check after pays for them has not been measured.
    static func toleratesNonFinite(_ type: GGMLType) -> Bool {
        type == .q3_K
    }

    /// `values` stored as the float `type` (f32, f16 or bf16) into `bytes`, which must hold
    /// exactly their size: float16 and bfloat16 are the nearest, ties to even (ggml's
    /// `ggml_fp32_to_fp16_row`, F16C's rounding, and `ggml_fp32_to_bf16_row_ref`: the top 16
    /// bits after adding `0x7FFF` plus the lowest kept bit). A NaN becomes a quiet NaN (bfloat16:
    /// ggml's `bits >> 16 | 64`); llama-quantize refuses NaN inputs before it gets here.
    static func storeFloats(_ type: GGMLType, _ values: UnsafeBufferPointer<Float>,
                            into bytes: UnsafeMutableRawBufferPointer) throws {
        guard bytes.count == values.count * type.blockBytes else {
            throw GGMLQuantizationError.outputSize(expected: values.count * type.blockBytes, actual: bytes.count)
        }
        for (index, value) in values.enumerated() {
            switch type {
            case .f16:
                bytes.storeBytes(of: Float16(value).bitPattern.littleEndian, toByteOffset: 2 * index, as: UInt16.self)
            case .bf16:
                let bits = value.isNaN ? UInt16(truncatingIfNeeded: value.bitPattern >> 16) | 64 : bfloat16Bits(rounding: value)
                bytes.storeBytes(of: bits.littleEndian, toByteOffset: 2 * index, as: UInt16.self)
            default:
                bytes.storeBytes(of: value.bitPattern.littleEndian, toByteOffset: 4 * index, as: UInt32.self)
            }
        }
    }
}
