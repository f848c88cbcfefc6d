import Synchronization

/// One tensor's quantization as `quantizeFloat32` runs it: its pieces, how their codes are
/// stored, the scales and zero points (per channel, float), and the error sums so far.
struct QuantizationRun {
    let values: UnsafeRawBufferPointer
    let quantizer: TensorQuantizer
    let pieces: [TensorQuantizer.Piece]
    let encoder: any CodeEncoding
    let measure: Bool
    /// Takes every input byte once, in the first pass over each piece.
    let check: (any DeferredCheck)?
    /// The packing each thread applies to its own pieces: the encoder's, when every piece
    /// starts on one of its words; nil: the encoder takes the code bytes in order.
    let packing: RowPacking?
    /// Ranges, parameters and codes in one pass (`quantizesInOnePass`), for an encoder that
    /// needs no scales before the codes (one with a row packing).
    let onePass: Bool
    private(set) var scales: [Float]
    private(set) var zeroPoints: [Float]
    /// A clipping search's squared error with min-max scales.
    private(set) var minmaxNoise: Double?
    private(set) var sums = ErrorSums()

    init(values: UnsafeRawBufferPointer, quantizer: TensorQuantizer, encoder: any CodeEncoding, measure: Bool,
         check: (any DeferredCheck)?) {
        let pieces = quantizer.pieces
        (self.values, self.quantizer, self.pieces, self.encoder, self.measure, self.check) =
            (values, quantizer, pieces, encoder, measure, check)
        packing = encoder.rowPacking.flatMap { packing in
            !quantizer.interleaved && pieces.allSatisfy { packing.startsWord(at: $0.start) } ? packing : nil
        }
        onePass = encoder.rowPacking != nil && quantizer.quantizesInOnePass
        scales = Self.unwritten(count: quantizer.blocks.channels)
        zeroPoints = Self.unwritten(count: quantizer.blocks.channels)
    }

    /// An array whose every element the run writes before any is read (by the one-pass kernel
    /// or `computeParameters`): neither zeroed here nor sharing storage with another (which
    /// would copy it at the first write), so that its pages are first touched by the threads
    /// that fill it.
    private static func unwritten(count: Int) -> [Float] {
        [Float](unsafeUninitializedCapacity: count) { _, initialized in initialized = count }
    }

    /// The data; an empty tensor has no base address, so the kernels get a valid one (they
    /// read nothing).
    private var base: UnsafeRawPointer { values.baseAddress ?? UnsafeRawPointer(bitPattern: 16)! }

    /// The two-pass way: every channel's range (and clipped range), then its parameters, which
    /// the encoder gets. Throws `NonFiniteElement`.
    mutating func computeParameters() throws {
        let scheme = quantizer.scheme
        if quantizer.interleaved, let check { absorbWhole(into: check) }
        guard var (mins, maxs) = quantizer.ranges(base, pieces, check: quantizer.interleaved ? nil : check) else {
            throw firstNonFinite()
        }
        if scheme.clipping != .minmax {
            let clipped = clippedRanges(base, blocks: quantizer.blocks, mins: mins, maxs: maxs, scheme: scheme,
                                        scaleStorage: quantizer.arithmetic, threads: quantizer.threads)
            (mins, maxs, minmaxNoise) = (clipped.mins, clipped.maxs, clipped.minmaxNoise)
        }
        let channelParameters = try scaleParameters(base, blocks: quantizer.blocks, mins: mins, maxs: maxs, scheme: scheme,
                                                    storage: quantizer.arithmetic)
        scales = channelParameters.map(\.scale)
        zeroPoints = channelParameters.map(\.zeroPoint)
        encoder.start(scales: scales, zeroPoints: scheme.symmetric ? [] : zeroPoints.map { Int32($0) })
    }

    /// Hands all of `values` to `check` in pieces of 4 MiB, on the quantizer's threads (for
    /// interleaved pieces, which are not contiguous).
    private func absorbWhole(into check: any DeferredCheck) {
        let piece = 4 << 20
        parallelFor((values.count + piece - 1) / piece, threads: quantizer.threads) { index in
            let start = index * piece
            check.absorb(UnsafeRawBufferPointer(rebasing: values[start ..< Swift.min(start + piece, values.count)]), at: start)
        }
    }

    /// The NaN or infinity first in flat order.
    private func firstNonFinite() -> NonFiniteElement {
        let floats = (0 ..< values.count / 4).lazy.map { values.loadUnaligned(fromByteOffset: 4 * $0, as: Float.self) }
        return NonFiniteElement(index: floats.firstIndex { !$0.isFinite }!)
    }

    /// The pieces of each batch: consecutive row pieces of about `batchBytes` codes (they lie
    /// in flat order), or every interleaved piece in one batch (each spans the whole tensor).
    private func batches(batchBytes: Int) -> [Range<Int>] {
        let count = values.count / 4
        guard !quantizer.interleaved else { return pieces.isEmpty ? [] : [0 ..< pieces.count] }
        let batch = Swift.min(count, Swift.max(batchBytes, TensorQuantizer.pieceLength))
        var batches: [Range<Int>] = []
        var first = 0
        while first < pieces.count {
            var last = first
            var codes = 0
            while last < pieces.count, codes < batch || last == first {
                codes += pieces[last].count
                last += 1
            }
            batches.append(first ..< last)
            first = last
        }
        return batches
    }

    /// Flat indices of the first code of batch `batch` and of the code after its last.
    private func span(of batch: Range<Int>) -> (start: Int, end: Int) {
        guard !quantizer.interleaved else { return (0, values.count / 4) }
        let last = pieces[batch.upperBound - 1]
        return (pieces[batch.lowerBound].start, last.start + last.count)
    }

    /// The bytes batch `batch` stores.
    private func byteCount(of batch: Range<Int>) -> Int {
        let (start, end) = span(of: batch)
        guard let packing else { return end - start }
        return packing.byteOffset(of: end) - packing.byteOffset(of: start)
    }

    /// Quantizes every piece, batch by batch, each batch handed to `write` as stored (packed
    /// here, or through the encoder), then the closing empty batch. Throws `NonFiniteElement`.
    mutating func writeBatches(batchBytes: Int, _ write: (UnsafeRawBufferPointer) throws(FileError) -> Void) throws {
        let batches = batches(batchBytes: batchBytes)
        let sizes = batches.map(byteCount(of:))
        let capacity = Swift.max(sizes.max() ?? 0, 1)
        let buffers = [UnsafeMutablePointer<UInt8>.allocate(capacity: capacity),
                       UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)]
        defer { buffers.forEach { $0.deallocate() } }
        for (round, batch) in batches.enumerated() {
            let output = BatchOutput(base: buffers[round % 2], first: span(of: batch).start, packing: packing)
            try quantize(pieces[batch], into: output)
            let bytes = UnsafeRawBufferPointer(start: buffers[round % 2], count: sizes[round])
            if packing != nil { try write(bytes) } else { try encoder.encode(bytes, write) }
        }
        try encoder.encode(UnsafeRawBufferPointer(start: nil, count: 0), write)
    }

    /// Quantizes every piece on the quantizer's threads, which take tasks of consecutive pieces;
    /// a task's codes are packed (`packing`) into a buffer of its own and placed at their offset
    /// in the stored bytes by the thread that made them, while they are still in its cache. The
    /// error sums are added as `writeBatches(batchBytes:)` adds them (each batch's pieces in
    /// order, then the batches), so the report is the same to the bit either way. Throws
    /// `NonFiniteElement`, or the first failed write (no task is started after it).
    mutating func writePlaced(into place: PlacedPieces, batchBytes: Int) throws {
        guard let packing else { preconditionFailure("writePlaced: pieces that do not start on the packing's words") }
        precondition(place.byteCount == packing.byteOffset(of: values.count / 4), "writePlaced: a place of the wrong size")
        var single = quantizer
        single.threads = 1
        let (pieces, base, measure, check, threads) = (self.pieces, self.base, self.measure, self.check, quantizer.threads)
        // Tasks as large as batches, but at least eight per thread, so that a small tensor is
        // shared too and the last task of a large one leaves the other threads little to wait.
        let tasks = batches(batchBytes: Swift.min(batchBytes, values.count / 4 / (8 * threads)))
        let placed: (sums: [ErrorSums?], failure: FileError?)
        if onePass {
            placed = scales.withUnsafeMutableBufferPointer { scales in
                zeroPoints.withUnsafeMutableBufferPointer { zeroPoints in
                    placeEach(pieces, tasks: tasks, packing: packing, threads: threads, into: place) { index, output in
                        single.quantizeInOnePass(base, pieces[index ... index], scales: scales.baseAddress!,
                                                 zeroPoints: zeroPoints.baseAddress!, into: output, measure: measure,
                                                 check: check)
                    }
                }
            }
        } else {
            let (scales, zeroPoints) = (self.scales, self.zeroPoints)
            placed = placeEach(pieces, tasks: tasks, packing: packing, threads: threads, into: place) { index, output in
                single.quantize(base, pieces[index ... index], scales: scales, zeroPoints: zeroPoints, into: output,
                                measure: measure)
            }
        }
        if let failure = placed.failure { throw failure }
        guard placed.sums.allSatisfy({ $0 != nil }) else { throw firstNonFinite() }
        for batch in batches(batchBytes: batchBytes) {
            sums.add(batch.reduce(into: ErrorSums()) { $0.add(placed.sums[$1]!) })
        }
    }

    /// Quantizes one batch's pieces to `output`, adding their error sums.
    private mutating func quantize(_ batch: ArraySlice<TensorQuantizer.Piece>, into output: BatchOutput) throws {
        guard onePass else {
            sums.add(quantizer.quantize(base, batch, scales: scales, zeroPoints: zeroPoints, into: output, measure: measure))
            return
        }
        let (quantizer, base, measure, check) = (self.quantizer, self.base, self.measure, self.check)
        let batchSums = scales.withUnsafeMutableBufferPointer { scales in
            zeroPoints.withUnsafeMutableBufferPointer { zeroPoints in
                quantizer.quantizeInOnePass(base, batch, scales: scales.baseAddress!, zeroPoints: zeroPoints.baseAddress!,
                                            into: output, measure: measure, check: check)
            }
        }
        guard let batchSums else { throw firstNonFinite() }
        sums.add(batchSums)
    }
}

/// Runs `quantize(index, output)` for every piece on up to `threads` threads, taking the pieces
/// in `tasks` (ranges of consecutive pieces), each task's into a buffer of its own packed as
/// `packing` stores them, then placed at its offset by the same thread. Returns each piece's
/// error sums (nil: a NaN or infinity, or not run after a failed write) and the first failed
/// write.
private func placeEach(_ pieces: [TensorQuantizer.Piece], tasks: [Range<Int>], packing: RowPacking, threads: Int,
                       into place: PlacedPieces,
                       _ quantize: (Int, BatchOutput) -> ErrorSums?) -> (sums: [ErrorSums?], failure: FileError?) {
    let failure = Mutex<FileError?>(nil)
    var sums = [ErrorSums?](repeating: nil, count: pieces.count)
    sums.withUnsafeMutableBufferPointer { sums in
        parallelFor(tasks.count, threads: threads) { index in
            guard failure.withLock({ $0 == nil }) else { return }
            let task = tasks[index]
            let (start, last) = (pieces[task.lowerBound].start, pieces[task.upperBound - 1])
            let offset = packing.byteOffset(of: start)
            let stored = packing.byteOffset(of: last.start + last.count) - offset
            let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: Swift.max(stored, 1))
            defer { buffer.deallocate() }
            for piece in task {
                sums[piece] = quantize(piece, BatchOutput(base: buffer, first: start, packing: packing))
                guard sums[piece] != nil else { return }
            }
            do throws(FileError) {
                try place.place(UnsafeRawBufferPointer(start: buffer, count: stored), at: offset)
            } catch {
                failure.withLock { $0 = $0 ?? error }
            }
        }
    }
    return (sums, failure.withLock { $0 })
}
