#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CKernels

/// Quantizes one float tensor of a GGUF file into the next tensor of a `GGUFWriter`, streamed in
/// slabs of whole rows, so that memory stays a few slabs whatever the tensor's size.
///
/// The tensor's stored bytes are mapped (`FileMapping`: read where the page cache holds them,
/// no copy). A slab holds `max(1, slabBytes / (4 · rowLength))` rows. It is cut into tasks of
/// whole rows (about 2^16 values each) that the threads take in turn; a task checks that its
/// values are all finite and hands them to `quantizeRows`, straight from the mapping for f32,
/// widened to float32 first for f16 and bf16 (exactly, as ggml does), dequantized first for a
/// block type (`GGMLDequantizers`, as ggml does when llama-quantize requantizes). When
/// `quantizeRows` tolerates non-finite values, the check comes after it, on the task's values
/// still in cache (the check before would be their first read from memory, about a tenth of a
/// q3_K run). One more task, taken
/// first, writes the previous slab's blocks meanwhile, so the output goes out in order, one slab
/// behind, while the other thread already computes. Once a slab is done, its input pages are
/// released (`releasePages`), so the mapped pages resident are at most about one slab's. Rows
/// are independent, so the bytes never depend on the thread count or the slab size.
///
/// The first NaN or infinity is named by its flat index in the tensor: every earlier value is
/// checked first (earlier slabs whole, earlier tasks of its slab), and the writer never gets
/// the blocks of a slab that holds it (the caller's `AtomicOutput` drops what was written).
///
/// Memory: one slab of input pages, one of float32 values when they are f16 or bf16, and two
/// slabs of blocks: at most about 2.5 · `slabBytes` (plus one row's, when a row is larger).
struct GGUFRowSlabQuantizer {
    /// Float32 bytes of one slab unless told otherwise: 8 MiB, 512 rows of 4096 values.
    static let defaultSlabBytes = 8 << 20
    /// The values of one task, rounded to whole rows.
    static let taskValues = 1 << 16

    /// The tensor read: f32, f16 or bf16, or a block type the plan requantizes.
    let tensor: GGUFTensorInfo
    /// Stored bytes of one output row.
    let outputRowBytes: Int
    let slabBytes: Int
    /// Whether `quantizeRows` may be given NaN and infinities (`GGMLQuantizers.toleratesNonFinite`;
    /// its blocks are then dropped): the finiteness check then runs after it.
    var quantizeRowsToleratesNonFinite = false
    /// Quantizes float32 rows of `tensor.dims[0]` values (a whole number of them, the first of
    /// them row `firstRow` of the tensor) into exactly their blocks, on the calling thread;
    /// called from several threads at once. The one place that knows the output type and the
    /// importance weights (which may differ by expert, so by row).
    let quantizeRows: (_ firstRow: Int, UnsafeBufferPointer<Float>, UnsafeMutableRawBufferPointer) throws -> Void

    private var rowLength: Int { tensor.dims[0] }

    /// Reads `tensor` from `source` slab by slab and adds its blocks to `writer` (whose next
    /// declared tensor it must be), on up to `threads` threads.
    ///
    /// - Throws: `FileError` naming the input and the tensor (a read error, a
    ///   `GGUFQuantizationError.nonFinite`, or `quantizeRows`' error) or the output (a write error).
    func write(from source: GGUFSource, to writer: GGUFWriter, threads: Int) throws {
        let rowCount = tensor.elementCount / rowLength
        let rowsPerSlab = max(1, min(rowCount, slabBytes / (4 * rowLength)))
        let stored = try source.mapStoredBytes(of: tensor)
        let buffers = try SlabBuffers(values: tensor.type == .f32 ? 0 : rowsPerSlab * rowLength,
                                      blockBytes: rowsPerSlab * outputRowBytes)
        try writer.add(name: tensor.name) { write in
            var pending: UnsafeRawBufferPointer?
            for (slab, firstRow) in stride(from: 0, to: rowCount, by: rowsPerSlab).enumerated() {
                let rows = firstRow ..< min(rowCount, firstRow + rowsPerSlab)
                let blocks = buffers.blocks[slab % 2]
                try quantizeSlab(rows, from: source, stored: stored.bytes, buffers: buffers, into: blocks,
                                 threads: threads) {
                    if let pending { try write(pending) }
                }
                stored.releasePages(before: rows.upperBound * rowLength / tensor.type.blockSize * tensor.type.blockBytes)
                pending = UnsafeRawBufferPointer(rebasing: blocks[0 ..< rows.count * outputRowBytes])
            }
            if let pending { try write(pending) }
        }
    }

    /// The rows `rows` (one slab) into `blocks`, task by task on up to `threads` threads, with
    /// `writePrevious` as one more task, taken first; then the first failure in task order.
    private func quantizeSlab(_ rows: Range<Int>, from source: GGUFSource, stored: UnsafeRawBufferPointer,
                              buffers: SlabBuffers, into blocks: UnsafeMutableRawBufferPointer, threads: Int,
                              writePrevious: () throws -> Void) throws {
        let rowsPerTask = max(1, Self.taskValues / rowLength)
        let taskCount = (rows.count + rowsPerTask - 1) / rowsPerTask
        var failures = [(any Error)?](repeating: nil, count: taskCount + 1)
        failures.withUnsafeMutableBufferPointer { failures in
            parallelFor(taskCount + 1, threads: threads) { task in
                do {
                    guard task > 0 else { return try writePrevious() }
                    let first = rows.lowerBound + (task - 1) * rowsPerTask
                    try quantizeTask(first ..< min(rows.upperBound, first + rowsPerTask), slabStart: rows.lowerBound,
                                     from: source, stored: stored, buffers: buffers, into: blocks)
                } catch {
                    failures[task] = error
                }
            }
        }
        if let failure = failures.lazy.compactMap({ $0 }).first { throw failure }
    }

    /// Checks and quantizes `rows`, a part of the slab that starts at `slabStart`, from the
    /// tensor's mapped bytes `stored` (widened first unless they are f32).
    private func quantizeTask(_ rows: Range<Int>, slabStart: Int, from source: GGUFSource, stored: UnsafeRawBufferPointer,
                              buffers: SlabBuffers, into blocks: UnsafeMutableRawBufferPointer) throws {
        let firstValue = rows.lowerBound * rowLength, count = rows.count * rowLength
        let values: UnsafeBufferPointer<Float>
        if let widened = buffers.values {
            let offset = (rows.lowerBound - slabStart) * rowLength
            let target = UnsafeMutableBufferPointer(rebasing: widened[offset ..< offset + count])
            // Rows are whole blocks (the header checks it), so the slab's bytes are whole blocks.
            let (size, width) = (tensor.type.blockSize, tensor.type.blockBytes)
            let bytes = UnsafeRawBufferPointer(rebasing: stored[firstValue / size * width ..< (firstValue + count) / size * width])
            if let dtype = tensor.type.dtype {
                try widenToFloat32(bytes, dtype: dtype, into: UnsafeMutableRawBufferPointer(target))
            } else {
                // A tensor requantized: its blocks read as ggml's dequantize_row_<type> reads them.
                try GGMLDequantizers.dequantize(tensor.type, blocks: bytes, into: target, threads: 1)
            }
            values = UnsafeBufferPointer(target)
        } else {
            // GGUF aligns tensor data to 32 bytes in a page-aligned mapping: whole float32s.
            values = UnsafeBufferPointer(start: stored.baseAddress!.assumingMemoryBound(to: Float.self) + firstValue,
                                         count: count)
        }
        if !quantizeRowsToleratesNonFinite { try checkFinite(values, firstValue: firstValue, source: source) }
        let output = (rows.lowerBound - slabStart) * outputRowBytes
        do {
            try quantizeRows(rows.lowerBound, values,
                             UnsafeMutableRawBufferPointer(rebasing: blocks[output ..< output + rows.count * outputRowBytes]))
        } catch {
            throw FileError(path: source.path, member: tensor.name, error)
        }
        if quantizeRowsToleratesNonFinite { try checkFinite(values, firstValue: firstValue, source: source) }
    }

    /// Throws the `GGUFQuantizationError.nonFinite` of the first NaN or infinity in `values`,
    /// which start at flat index `firstValue` of the tensor, if any.
    private func checkFinite(_ values: UnsafeBufferPointer<Float>, firstValue: Int, source: GGUFSource) throws {
        if let index = firstNonFinite(values) {
            throw FileError(path: source.path, member: tensor.name,
                            GGUFQuantizationError.nonFinite(tensor: tensor.name, index: firstValue + index, value: values[index]))
        }
    }
}

/// The buffers of `GGUFRowSlabQuantizer`: one slab's float32 values (nil when the input is
/// float32, read straight from the mapping) and two slabs of blocks (one being written while the
/// other is filled). Freed with the instance.
private final class SlabBuffers {
    let values: UnsafeMutableBufferPointer<Float>?
    let blocks: [UnsafeMutableRawBufferPointer]

    init(values count: Int, blockBytes: Int) throws(OutOfMemory) {
        var allocated: [UnsafeMutableRawBufferPointer] = []
        do {
            for size in [4 * count, blockBytes, blockBytes] { allocated.append(try allocateLarge(byteCount: size)) }
        } catch {
            for buffer in allocated { free(buffer.baseAddress) }
            throw error
        }
        values = count > 0 ? allocated[0].bindMemory(to: Float.self) : nil
        blocks = [allocated[1], allocated[2]]
    }

    deinit {
        free(values?.baseAddress)
        for buffer in blocks { free(buffer.baseAddress) }
    }
}
/// The index of the first NaN or infinity in `values`, if any (the range kernel's finite flag
/// first, so finite values cost one fast pass).
private func firstNonFinite(_ values: UnsafeBufferPointer<Float>) -> Int? {
    var (low, high, finite): (Float, Float, Int32) = (0, 0, 1)
    ck_range_fold(values.baseAddress, values.count, &low, &high, &finite)
    return finite != 0 ? nil : values.firstIndex { !$0.isFinite }
}
