/// One entry point to ggml's quantizers without an importance matrix, whichever family the type
/// belongs to: the legacy types (`GGMLLegacyQuantizer`: q4_0, q4_1, q5_0, q5_1, q8_0) and the
/// K-quants (`GGMLKQuantizer`: q2_K to q6_K). The bytes are those of ggml's
/// `quantize_row_<type>_ref`, what `llama-quantize --pure` writes.
public enum GGMLQuantizers {
    /// The types `quantize` writes.
    public static let types: [GGMLType] = GGMLLegacyQuantizer.types + GGMLKQuantizer.supportedTypes

    /// Quantizes `rows` (float32, a whole number of rows of `rowLength`) to `type` into
    /// `blocks`, which must hold exactly `rows.count / rowLength · rowLength / blockSize ·
    /// blockBytes` bytes, on up to `threads` threads (the bytes never depend on the count).
    ///
    /// - Throws: `GGMLQuantizationError.unsupportedType` for a type not in `types`; the
    ///   family's size errors (`GGMLQuantizationError`, `GGMLKQuantError`) otherwise.
    /// - Complexity: O(elements).
    public static func quantize(_ type: GGMLType, rows: UnsafeBufferPointer<Float>, rowLength: Int,
                                into blocks: UnsafeMutableRawBufferPointer, threads: Int = defaultThreadCount) throws {
        if GGMLKQuantizer.supportedTypes.contains(type) {
            try GGMLKQuantizer(type).quantize(rows, rowLength: rowLength, into: blocks, threads: threads)
        } else {
            try GGMLLegacyQuantizer(type).quantize(rows: UnsafeRawBufferPointer(rows), rowLength: rowLength, into: blocks,
                                                   threads: threads)
        }
    }
}
