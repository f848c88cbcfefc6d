#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CKernels

/// Quantizes one float tensor of a GGUF file into the next tensor of a `GGUFWriter`, streamed in
/// slabs of whole rows, so that memory stays a few slabs whatever the tensor's size.
///
/// A slab holds `max(1, slabBytes / (4 · rowLength))` rows. It is cut into tasks of whole rows
/// (about 2^16 values each) that the threads take in turn; a task reads its rows' stored bytes
/// (`pread` into the slab's own buffer: no input page is mapped, so none stays resident),
/// widens them to float32 (f16 and bf16 exactly, as ggml does), checks that they are all finite
/// and hands them to `quantizeRows`. One more task, taken first, writes the previous slab's
/// blocks meanwhile, so the output goes out in order, one slab behind, while the other thread
/// already computes. Rows are independent, so the bytes never depend on the thread count or
/// the slab size.
///
/// The first NaN or infinity is named by its flat index in the tensor: every earlier value is
/// checked first (earlier slabs whole, earlier tasks of its slab), and the writer never gets
/// the blocks of a slab that holds it (the caller's `AtomicOutput` drops what was written).
///
/// Memory: one slab of float32 values, one of stored values when they are f16 or bf16, and two
/// slabs of blocks: at most 2.5 · `slabBytes` (plus one row's, when a row is larger).
struct GGUFRowSlabQuantizer {
    /// Float32 bytes of one slab unless told otherwise: 8 MiB, 512 rows of 4096 values.
    static let defaultSlabBytes = 8 << 20
    /// The values of one task, rounded to whole rows.
    static let taskValues = 1 << 16

    /// The tensor read: f32, f16 or bf16 (the plan admits nothing else for quantization).
    let tensor: GGUFTensorInfo
    /// Stored bytes of one output row.
    let outputRowBytes: Int
    let slabBytes: Int
    /// Quantizes float32 rows of `tensor.dims[0]` values (a whole number of them) into exactly
    /// their blocks, on the calling thread; called from several threads at once. The one place
    /// that knows the output type (and where an importance vector would be passed).
    let quantizeRows: (UnsafeBufferPointer<Float>, UnsafeMutableRawBufferPointer) throws -> Void

    private var rowLength: Int { tensor.dims[0] }

    /// Reads `tensor` from `source` slab by slab and adds its blocks to `writer` (whose next
    /// declared tensor it must be), on up to `threads` threads.
    ///
    /// - Throws: `FileError` naming the input and the tensor (a read error, a
    ///   `GGUFPureError.nonFinite`, or `quantizeRows`' error) or the output (a write error).
    func write(from source: GGUFSource, to writer: GGUFWriter, threads: Int) throws {
        let rowCount = tensor.elementCount / rowLength
        let rowsPerSlab = max(1, min(rowCount, slabBytes / (4 * rowLength)))
        let buffers = try SlabBuffers(values: rowsPerSlab * rowLength,
                                      storedBytes: tensor.type == .f32 ? 0 : rowsPerSlab * rowLength * tensor.type.blockBytes,
                                      blockBytes: rowsPerSlab * outputRowBytes)
        try writer.add(name: tensor.name) { write in
            var pending: UnsafeRawBufferPointer?
            for (slab, firstRow) in stride(from: 0, to: rowCount, by: rowsPerSlab).enumerated() {
                let rows = firstRow ..< min(rowCount, firstRow + rowsPerSlab)
                let blocks = buffers.blocks[slab % 2]
                try quantizeSlab(rows, from: source, buffers: buffers, into: blocks, threads: threads) {
                    if let pending { try write(pending) }
                }
                pending = UnsafeRawBufferPointer(rebasing: blocks[0 ..< rows.count * outputRowBytes])
            }
            if let pending { try write(pending) }
        }
    }

    /// The rows `rows` (one slab) into `blocks`, task by task on up to `threads` threads, with
    /// `writePrevious` as one more task, taken first; then the first failure in task order.
    private func quantizeSlab(_ rows: Range<Int>, from source: GGUFSource, buffers: SlabBuffers,
                              into blocks: UnsafeMutableRawBufferPointer, threads: Int,
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
                                     from: source, buffers: buffers, into: blocks)
                } catch {
                    failures[task] = error
                }
            }
        }
        if let failure = failures.lazy.compactMap({ $0 }).first { throw failure }
    }

    /// Reads, widens, checks and quantizes `rows`, a part of the slab that starts at `slabStart`.
    private func quantizeTask(_ rows: Range<Int>, slabStart: Int, from source: GGUFSource, buffers: SlabBuffers,
                              into blocks: UnsafeMutableRawBufferPointer) throws {
        let offset = (rows.lowerBound - slabStart) * rowLength, count = rows.count * rowLength
        let values = UnsafeMutableBufferPointer(rebasing: buffers.values[offset ..< offset + count])
        let firstValue = rows.lowerBound * rowLength
        if let stored = buffers.stored {
            let width = tensor.type.blockBytes
            let piece = UnsafeMutableRawBufferPointer(rebasing: stored[offset * width ..< (offset + count) * width])
            try source.readStoredBytes(of: tensor, at: firstValue * width, into: piece)
            // The plan quantizes only f32, f16 and bf16, which have a dtype and widen.
            try widenToFloat32(UnsafeRawBufferPointer(piece), dtype: tensor.type.dtype!,
                               into: UnsafeMutableRawBufferPointer(values))
        } else {
            try source.readStoredBytes(of: tensor, at: firstValue * 4, into: UnsafeMutableRawBufferPointer(values))
        }
        if let index = firstNonFinite(UnsafeBufferPointer(values)) {
            throw FileError(path: source.path, member: tensor.name,
                            GGUFPureError.nonFinite(tensor: tensor.name, index: firstValue + index, value: values[index]))
        }
        let output = (rows.lowerBound - slabStart) * outputRowBytes
        do {
            try quantizeRows(UnsafeBufferPointer(values),
                             UnsafeMutableRawBufferPointer(rebasing: blocks[output ..< output + rows.count * outputRowBytes]))
        } catch {
            throw FileError(path: source.path, member: tensor.name, error)
        }
    }
}

/// The buffers of `GGUFRowSlabQuantizer`: one slab's float32 values, its stored bytes (nil
/// when they are float32, read straight into the values) and two slabs of blocks (one being
/// written while the other is filled). Freed with the instance.
private final class SlabBuffers {
    let values: UnsafeMutableBufferPointer<Float>
    let stored: UnsafeMutableRawBufferPointer?
    let blocks: [UnsafeMutableRawBufferPointer]

    init(values count: Int, storedBytes: Int, blockBytes: Int) throws(OutOfMemory) {
        var allocated: [UnsafeMutableRawBufferPointer] = []
        do {
            for size in [4 * count, storedBytes, blockBytes, blockBytes] { allocated.append(try allocateLarge(byteCount: size)) }
        } catch {
            for buffer in allocated { free(buffer.baseAddress) }
            throw error
        }
        values = allocated[0].bindMemory(to: Float.self)
        stored = storedBytes > 0 ? allocated[1] : nil
        blocks = [allocated[2], allocated[3]]
    }

    deinit {
        free(values.baseAddress)
        free(stored?.baseAddress)
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
