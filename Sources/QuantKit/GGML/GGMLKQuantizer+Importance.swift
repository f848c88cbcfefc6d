import CKernels

/// K-quants with an importance matrix, bit for bit as ggml's `quantize_<type>` with
/// `quant_weights` (its `quantize_row_<type>_impl`, what `llama-quantize --imatrix` writes): the
/// importance (one non-negative value per column, the same for every row) weighs each value's
/// squared error in the scale searches (CKernels' ggml_kquants_weighted.h gives the weights and
/// searches per type). The bytes never depend on `threads`.
extension GGMLKQuantizer {
    typealias WeightedKernel = @convention(c) (UnsafePointer<Float>?, Int, UnsafePointer<Float>?,
                                               UnsafeMutableRawPointer?) -> Void

    /// The one-row kernel of `type` with an importance matrix.
    var weightedKernel: WeightedKernel {
        switch type {
        case .q2_K: ck_q2_K_quantize_weighted
        case .q3_K: ck_q3_K_quantize_weighted
        case .q4_K: ck_q4_K_quantize_weighted
        case .q5_K: ck_q5_K_quantize_weighted
        default: ck_q6_K_quantize_weighted
        }
    }

    /// Writes the blocks of the rows of `rowLength` values in `values` (row after row) into
    /// `blocks` (exactly `rows · rowBytes(rowLength:)` bytes, any alignment), each row's searches
    /// weighted by `importance` (`rowLength` values).
    ///
    /// - Throws: `GGMLKQuantError` for a row length that is not whole super-blocks, values that
    ///   are not whole rows, an output of the wrong size or an importance of the wrong length.
    /// - Complexity: O(n) for n values (about 40 passes over each group for q2_K, q4_K, q5_K;
    ///   20 for q3_K, q6_K), on up to `threads` threads.
    public func quantize(_ values: UnsafeBufferPointer<Float>, rowLength: Int, importance: UnsafeBufferPointer<Float>,
                         into blocks: UnsafeMutableRawBufferPointer, threads: Int = defaultThreadCount)
        throws(GGMLKQuantError) {
        let expected = try blockBytes(valueCount: values.count, rowLength: rowLength)
        guard blocks.count == expected else { throw .outputSizeMismatch(expected: expected, actual: blocks.count) }
        guard importance.count == rowLength else { throw .importanceLength(expected: rowLength, actual: importance.count) }
        quantizeWeightedRows(values, rowLength: rowLength, importance: importance, into: blocks, threads: threads)
    }

    /// The blocks of the rows of `rowLength` values in `values`, weighted by `importance`, as one
    /// array.
    public func quantize(_ values: [Float], rowLength: Int, importance: [Float], threads: Int = defaultThreadCount)
        throws(GGMLKQuantError) -> [UInt8] {
        var blocks = [UInt8](repeating: 0, count: try blockBytes(valueCount: values.count, rowLength: rowLength))
        guard importance.count == rowLength else { throw .importanceLength(expected: rowLength, actual: importance.count) }
        values.withUnsafeBufferPointer { values in
            importance.withUnsafeBufferPointer { importance in
                blocks.withUnsafeMutableBytes { blocks in
                    quantizeWeightedRows(values, rowLength: rowLength, importance: importance, into: blocks,
                                         threads: threads)
                }
            }
        }
        return blocks
    }

    /// The weighted `quantize` once the sizes are checked: one task per row.
    private func quantizeWeightedRows(_ values: UnsafeBufferPointer<Float>, rowLength: Int,
                                      importance: UnsafeBufferPointer<Float>, into blocks: UnsafeMutableRawBufferPointer,
                                      threads: Int) {
        guard let source = values.baseAddress, let target = blocks.baseAddress, let weights = importance.baseAddress
        else { return }
        let rowBytes = rowLength / Self.superBlockSize * type.blockBytes
        let kernel = weightedKernel
        parallelFor(values.count / rowLength, threads: threads) { row in
            kernel(source + row * rowLength, rowLength, weights, target + row * rowBytes)
        }
    }
}
