import CKernels

/// ggml's legacy block types, 32 values a block with binary16 scales: Q4_0, Q4_1, Q5_0, Q5_1
/// and Q8_0, quantized byte for byte as llama.cpp's `llama-quantize` writes them (the C kernels
/// in ggml_legacy*.c; the fixtures under Fixtures/ggml/legacy pin them to ggml's own bytes).
///
/// Per block of 32 values, without an importance matrix (`quantize_row_<type>_ref`):
/// - Q8_0: `d = max|x| / 127`, `q = round(x / d)` (half away from zero), `x̂ = d · q`.
/// - Q4_0, Q5_0: `d = m / -8` (`/ -16`) with `m` the first value of largest magnitude,
///   `q = min(15, ⌊x / d + 8.5⌋)` (`min(31, ⌊x / d + 16.5⌋)`), `x̂ = d · (q - 8)` (`q - 16`);
///   so `m` itself gets code 0, and (before `d` is rounded to binary16) `|x - x̂| <= |d| / 2`
///   except at the capped end: `-m` gets code 15 (31), an error of `|d|`.
/// - Q4_1, Q5_1: `d = (max - min) / 15` (`/ 31`), `q = ⌊(x - min) / d + 0.5⌋`,
///   `x̂ = d · q + min`, with `d` and `min` stored as binary16 (the codes use the float32 ones).
/// `x / d` is computed as `x · (1/d)`. With an importance matrix (Q8_0 ignores it), each block's
/// scale (and min) come from ggml's weighted least-squares searches, weights
/// `importance · sqrt(σ² + x²)` with `σ²` the row's mean square.
public struct GGMLLegacyQuantizer: GGMLBlockQuantizer {
    public let type: GGMLType

    /// The legacy types, in ggml's numbering order.
    public static let types: [GGMLType] = [.q4_0, .q4_1, .q5_0, .q5_1, .q8_0]

    /// The quantizer of `type`.
    ///
    /// - Throws: `GGMLQuantizationError.unsupportedType` for a type other than the five legacy ones.
    public init(_ type: GGMLType) throws {
        guard Self.types.contains(type) else { throw GGMLQuantizationError.unsupportedType(type) }
        self.type = type
    }

    public func _quantizeRows(_ rows: UnsafeRawPointer, rowCount: Int, rowLength: Int,
                              importance: UnsafePointer<Float>?, into blocks: UnsafeMutableRawPointer) {
        let kind = Int32(type.rawValue)
        guard let importance else {
            ck_ggml_legacy_quantize(kind, rows, rowCount * rowLength / 32, blocks)
            return
        }
        let rowBytes = rowLength / 32 * type.blockBytes
        for row in 0 ..< rowCount {
            ck_ggml_legacy_quantize_weighted(kind, rows + row * rowLength * 4, rowLength, importance,
                                             blocks + row * rowBytes)
        }
    }

    public func _dequantizeBlocks(_ blocks: UnsafeRawPointer, blockCount: Int, into values: UnsafeMutableRawPointer) {
        ck_ggml_legacy_dequantize(Int32(type.rawValue), blocks, blockCount, values)
    }
}
