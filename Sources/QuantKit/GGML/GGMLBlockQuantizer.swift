/// A quantizer of float32 rows to the blocks of one ggml type and back, byte for byte as ggml
/// (llama.cpp's `ggml_quantize_chunk` and `dequantize_row_<type>`) does.
///
/// A conforming type supplies the two unchecked kernels; this protocol's extension checks the
/// sizes, then splits the work into whole rows (quantization) or whole blocks (dequantization)
/// across threads. Rows are independent, so the bytes never depend on the thread count.
public protocol GGMLBlockQuantizer: Sendable {
    /// The type whose blocks this writes and reads.
    var type: GGMLType { get }

    /// Quantizes `rowCount` rows of `rowLength` float32 values at `rows` (any alignment) into
    /// `rowCount · rowBytes` bytes at `blocks`, with `importance` (`rowLength` values) or
    /// without. The sizes have been checked.
    func _quantizeRows(_ rows: UnsafeRawPointer, rowCount: Int, rowLength: Int, importance: UnsafePointer<Float>?,
                       into blocks: UnsafeMutableRawPointer)

    /// Dequantizes `blockCount` blocks at `blocks` into `blockCount · blockSize` float32 values at
    /// `values` (any alignment). The sizes have been checked.
    func _dequantizeBlocks(_ blocks: UnsafeRawPointer, blockCount: Int, into values: UnsafeMutableRawPointer)
}

/// Elements per task when work is split across threads: enough to dwarf the hand-off.
private let elementsPerTask = 1 << 16

extension GGMLBlockQuantizer {
    /// Quantizes rows of `rowLength` float32 values (`rows`, any alignment, a whole number of
    /// rows) into `blocks`, which must hold exactly `type.byteCount(elements:)` of them; with
    /// `importance` (one value per column, ggml's importance matrix) or without. Rows are shared
    /// out among `threads` threads in runs of whole rows.
    ///
    /// - Throws: `GGMLQuantizationError` when `rowLength` is not a positive multiple of the
    ///   block size, or a buffer or the importance matrix has the wrong size.
    /// - Complexity: O(elements); with an importance matrix, about 40 passes over each block
    ///   for the 4- and 5-bit types (ggml's scale search).
    public func quantize(rows: UnsafeRawBufferPointer, rowLength: Int, importance: UnsafeBufferPointer<Float>? = nil,
                         into blocks: UnsafeMutableRawBufferPointer, threads: Int = defaultThreadCount) throws {
        let rowCount = try checkedRowCount(rows.count, rowLength: rowLength)
        let rowBytes = rowLength / type.blockSize * type.blockBytes
        guard blocks.count == rowCount * rowBytes else {
            throw GGMLQuantizationError.outputSize(expected: rowCount * rowBytes, actual: blocks.count)
        }
        if let importance, importance.count != rowLength {
            throw GGMLQuantizationError.importanceLength(expected: rowLength, actual: importance.count)
        }
        guard rowCount > 0, let input = rows.baseAddress, let output = blocks.baseAddress else { return }
        let rowsPerTask = max(1, elementsPerTask / rowLength)
        let tasks = (rowCount + rowsPerTask - 1) / rowsPerTask
        parallelFor(tasks, threads: threads) { task in
            let first = task * rowsPerTask
            _quantizeRows(input + first * rowLength * 4, rowCount: min(rowsPerTask, rowCount - first),
                          rowLength: rowLength, importance: importance?.baseAddress,
                          into: output + first * rowBytes)
        }
    }

    /// Dequantizes whole blocks (`blocks`) into float32 values (`values`, any alignment, exactly
    /// `blockSize · 4` bytes a block), shared out among `threads` threads in runs of blocks.
    ///
    /// - Throws: `GGMLQuantizationError` when either buffer is not a whole number of blocks.
    /// - Complexity: O(elements).
    public func dequantize(blocks: UnsafeRawBufferPointer, into values: UnsafeMutableRawBufferPointer,
                           threads: Int = defaultThreadCount) throws {
        guard blocks.count % type.blockBytes == 0 else {
            throw GGMLQuantizationError.inputNotWholeBlocks(bytes: blocks.count, blockBytes: type.blockBytes)
        }
        let blockCount = blocks.count / type.blockBytes
        let valueBytes = type.blockSize * 4
        guard values.count == blockCount * valueBytes else {
            throw GGMLQuantizationError.outputSize(expected: blockCount * valueBytes, actual: values.count)
        }
        guard blockCount > 0, let input = blocks.baseAddress, let output = values.baseAddress else { return }
        let blocksPerTask = max(1, elementsPerTask / type.blockSize)
        let tasks = (blockCount + blocksPerTask - 1) / blocksPerTask
        parallelFor(tasks, threads: threads) { task in
            let first = task * blocksPerTask
            _dequantizeBlocks(input + first * type.blockBytes, blockCount: min(blocksPerTask, blockCount - first),
                              into: output + first * valueBytes)
        }
    }

    /// The rows in `bytes` of float32 input, after checking `rowLength` against the block size.
    private func checkedRowCount(_ bytes: Int, rowLength: Int) throws -> Int {
        guard rowLength > 0, rowLength % type.blockSize == 0 else {
            throw GGMLQuantizationError.rowLengthNotWholeBlocks(rowLength: rowLength, blockSize: type.blockSize)
        }
        let (rowBytes, overflow) = rowLength.multipliedReportingOverflow(by: 4)
        guard !overflow, bytes % rowBytes == 0 else {
            throw GGMLQuantizationError.inputNotWholeRows(bytes: bytes, rowBytes: rowBytes)
        }
        return bytes / rowBytes
    }
}
