/// ggml's K-quants (q2_K, q3_K, q4_K, q5_K, q6_K) without an importance matrix, bit for bit: the
/// bytes of `quantizer.quantize(rows, rowLength:)` are those llama.cpp's `ggml_quantize_chunk`
/// writes for the same float32 rows when given no importance matrix (its `quantize_row_<type>_ref`,
/// what `llama-quantize --pure` writes), and `dequantize` gives the floats of ggml's
/// `dequantize_row_<type>` (and gguf-py's `gguf.quants.dequantize`).
///
/// Each row is cut into super-blocks of 256 values, each written as one block of
/// `type.blockBytes` bytes on its own; within a block, groups of 16 (q2_K, q3_K, q6_K) or 32
/// (q4_K, q5_K) values share a scale (and, for q2_K, q4_K, q5_K, a min) found by ggml's search
/// and stored in 4 to 8 bits under half-precision super-block factors:
///
///     q2_K, q4_K, q5_K:  x ≈ d · s · q - dmin · m     (q in [0, 2^b - 1])
///     q3_K:              x ≈ d · (s - 32) · (q - 4)
///     q6_K:              x ≈ d · s · (q - 32)
///
/// Every float operation is ggml's, in ggml's order (no fused multiply-adds, no reordered sums:
/// one rounding done differently changes bytes); the scale searches of a block's groups run
/// together in SIMD lanes, lane by lane the same operations (CKernels' ggml_kquants.h). Rows are
/// independent and are quantized on up to `threads` threads; the bytes never depend on the
/// thread count.
///
/// With an importance matrix (llama-quantize's `--imatrix`) the searches are ggml's weighted
/// ones instead (`quantize(_:rowLength:importance:into:threads:)`, GGMLKQuantizer+Importance).
public struct GGMLKQuantizer: Sendable {
    /// The values of one super-block.
    public static let superBlockSize = 256

    /// The types this quantizer writes.
    public static let supportedTypes: [GGMLType] = [.q2_K, .q3_K, .q4_K, .q5_K, .q6_K]

    public let type: GGMLType
    private let kernels: GGMLKQuantKernels

    /// A quantizer to `type`; throws `notAKQuant` unless it is one of `supportedTypes`.
    public init(_ type: GGMLType) throws(GGMLKQuantError) {
        guard let kernels = GGMLKQuantKernels(type) else { throw .notAKQuant(type) }
        self.type = type
        self.kernels = kernels
    }

    /// The bytes of one row of `rowLength` values: `rowLength / 256 · type.blockBytes`.
    public func rowBytes(rowLength: Int) throws(GGMLKQuantError) -> Int {
        guard rowLength > 0, rowLength % Self.superBlockSize == 0 else {
            throw .rowLengthNotWholeBlocks(rowLength: rowLength)
        }
        return rowLength / Self.superBlockSize * type.blockBytes
    }

    /// Writes the blocks of the rows of `rowLength` values in `values` (row after row) into
    /// `blocks`, which must hold exactly `rows · rowBytes(rowLength:)` bytes (any alignment).
    ///
    /// - Complexity: O(n) for n values, on up to `threads` threads.
    public func quantize(_ values: UnsafeBufferPointer<Float>, rowLength: Int, into blocks: UnsafeMutableRawBufferPointer,
                         threads: Int = defaultThreadCount) throws(GGMLKQuantError) {
        let expected = try blockBytes(valueCount: values.count, rowLength: rowLength)
        guard blocks.count == expected else { throw .outputSizeMismatch(expected: expected, actual: blocks.count) }
        quantizeRows(values, rowLength: rowLength, into: blocks, threads: threads)
    }

    /// The blocks of the rows of `rowLength` values in `values` (row after row), as one array.
    public func quantize(_ values: [Float], rowLength: Int, threads: Int = defaultThreadCount) throws(GGMLKQuantError)
        -> [UInt8] {
        var blocks = [UInt8](repeating: 0, count: try blockBytes(valueCount: values.count, rowLength: rowLength))
        values.withUnsafeBufferPointer { values in
            blocks.withUnsafeMutableBytes { blocks in
                quantizeRows(values, rowLength: rowLength, into: blocks, threads: threads)
            }
        }
        return blocks
    }

    /// The bytes of `valueCount` values in rows of `rowLength`, checked.
    func blockBytes(valueCount: Int, rowLength: Int) throws(GGMLKQuantError) -> Int {
        let rowBytes = try rowBytes(rowLength: rowLength)
        guard valueCount % rowLength == 0 else { throw .valueCountMismatch(count: valueCount, rowLength: rowLength) }
        return valueCount / rowLength * rowBytes
    }

    /// `quantize` once the sizes are checked: tasks of whole rows, each one kernel call.
    private func quantizeRows(_ values: UnsafeBufferPointer<Float>, rowLength: Int,
                              into blocks: UnsafeMutableRawBufferPointer, threads: Int) {
        guard let source = values.baseAddress, let target = blocks.baseAddress else { return }
        let rows = values.count / rowLength, blocksPerRow = rowLength / Self.superBlockSize
        let rowBytes = blocksPerRow * type.blockBytes
        let rowsPerTask = Self.rowsPerTask(blocksPerRow: blocksPerRow)
        let quantize = kernels.quantize
        parallelFor((rows + rowsPerTask - 1) / rowsPerTask, threads: threads) { task in
            let first = task * rowsPerTask, count = min(rowsPerTask, rows - first)
            quantize(source + first * rowLength, count * blocksPerRow, target + first * rowBytes)
        }
    }

    /// Writes the 256 values of each block in `blocks` into `values`, which must hold exactly
    /// `256 · blocks.count / type.blockBytes` floats.
    ///
    /// - Complexity: O(n) for n values, on up to `threads` threads.
    public func dequantize(_ blocks: UnsafeRawBufferPointer, into values: UnsafeMutableBufferPointer<Float>,
                           threads: Int = defaultThreadCount) throws(GGMLKQuantError) {
        let expected = try Self.blockCount(blocks.count, blockBytes: type.blockBytes) * Self.superBlockSize
        guard values.count == expected else { throw .outputSizeMismatch(expected: expected, actual: values.count) }
        dequantizeBlocks(blocks, into: values, threads: threads)
    }

    /// The values of the blocks in `blocks`, 256 per block.
    public func dequantize(_ blocks: [UInt8], threads: Int = defaultThreadCount) throws(GGMLKQuantError) -> [Float] {
        let count = try Self.blockCount(blocks.count, blockBytes: type.blockBytes) * Self.superBlockSize
        var values = [Float](repeating: 0, count: count)
        blocks.withUnsafeBytes { blocks in
            values.withUnsafeMutableBufferPointer { values in
                dequantizeBlocks(blocks, into: values, threads: threads)
            }
        }
        return values
    }

    /// `dequantize` once the sizes are checked: tasks of 256 blocks.
    private func dequantizeBlocks(_ blocks: UnsafeRawBufferPointer, into values: UnsafeMutableBufferPointer<Float>,
                                  threads: Int) {
        guard let source = blocks.baseAddress, let target = values.baseAddress else { return }
        let blockBytes = type.blockBytes, blockCount = blocks.count / blockBytes, blocksPerTask = 256
        let dequantize = kernels.dequantize
        parallelFor((blockCount + blocksPerTask - 1) / blocksPerTask, threads: threads) { task in
            let first = task * blocksPerTask
            dequantize(source + first * blockBytes, min(blocksPerTask, blockCount - first),
                       target + first * Self.superBlockSize)
        }
    }

    private static func blockCount(_ byteCount: Int, blockBytes: Int) throws(GGMLKQuantError) -> Int {
        guard byteCount % blockBytes == 0 else { throw .partialBlock(byteCount: byteCount, blockBytes: blockBytes) }
        return byteCount / blockBytes
    }

    /// Rows handed to a thread at once: about 32 blocks (a few hundred microseconds of search),
    /// so that the counter that hands them out costs nothing and the last task ends soon after
    /// the others.
    private static func rowsPerTask(blocksPerRow: Int) -> Int { max(1, 32 / blocksPerRow) }
}
