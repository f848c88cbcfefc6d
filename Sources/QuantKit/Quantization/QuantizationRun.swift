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
