import Foundation

/// The quantization of one float32 tensor, spread over threads.
///
/// Work is cut into fixed pieces that do not depend on the thread count: runs of at most
/// `pieceLength` elements of one row of the `[outer, channels, inner]` view (one channel), or,
/// for short rows (groups, narrow weights), as many whole rows as fit in `pieceLength`; or,
/// when channels are interleaved element by element (`inner == 1`), blocks of channels over
/// every outer slice. Threads take contiguous ranges of pieces; every row segment's results
/// land in their own slot and are combined in order, so codes, scales and error sums are
/// bit-identical for any number of threads.
struct TensorQuantizer {
    static let pieceLength = 1 << 16
    static let channelBlock = 256

    let blocks: ChannelBlocks
    let scheme: QuantScheme
    let threads: Int
    /// The dtype whose arithmetic compressed-tensors' rule emulates (`ScaleRule`).
    var arithmetic: DType = .float32

    /// A piece of work: `count` elements from flat index `start` making `rows` row segments of
    /// `count / rows` elements each, the first of channel `channel` and each next one of the
    /// next channel (cyclically); or, for interleaved pieces, channels
    /// `channel ..< channel + count` over every outer slice.
    struct Piece {
        var start: Int
        var count: Int
        var channel: Int
        var rows = 1

        var rowLength: Int { count / rows }
    }

    var interleaved: Bool { blocks.inner == 1 && blocks.channels > 1 }

    var pieces: [Piece] {
        var pieces: [Piece] = []
        if interleaved {
            for first in stride(from: 0, to: blocks.channels, by: Self.channelBlock) {
                pieces.append(Piece(start: first, count: min(Self.channelBlock, blocks.channels - first), channel: first))
            }
            return pieces
        }
        let rows = blocks.outer * blocks.channels
        guard blocks.inner > 0 else { return [] }
        if blocks.inner < Self.pieceLength {
            let rowsPerPiece = Self.pieceLength / blocks.inner
            for row in stride(from: 0, to: rows, by: rowsPerPiece) {
                let count = min(rowsPerPiece, rows - row)
                pieces.append(Piece(start: row * blocks.inner, count: count * blocks.inner, channel: row % blocks.channels,
                                    rows: count))
            }
            return pieces
        }
        for row in 0 ..< rows {
            let base = row * blocks.inner
            for offset in stride(from: 0, to: blocks.inner, by: Self.pieceLength) {
                pieces.append(Piece(start: base + offset, count: min(Self.pieceLength, blocks.inner - offset),
                                    channel: row % blocks.channels))
            }
        }
        return pieces
    }

    /// Where each piece's row segments start in a flat array of per-segment results.
    func segmentOffsets(_ pieces: [Piece]) -> [Int] {
        var offsets: [Int] = []
        offsets.reserveCapacity(pieces.count + 1)
        var total = 0
        for piece in pieces {
            offsets.append(total)
            total += piece.rows
        }
        offsets.append(total)
        return offsets
    }

    /// Per-channel ranges (each containing 0), or nil when a value is NaN or infinite.
    func ranges(_ values: UnsafeRawPointer, _ pieces: [Piece]) -> (mins: [Float], maxs: [Float])? {
        var mins = [Float](repeating: 0, count: blocks.channels)
        var maxs = [Float](repeating: 0, count: blocks.channels)
        let offsets = segmentOffsets(pieces)
        var results = [RunRange](repeating: RunRange(), count: offsets[pieces.count])
        results.withUnsafeMutableBufferPointer { results in
            mins.withUnsafeMutableBufferPointer { mins in
                maxs.withUnsafeMutableBufferPointer { maxs in
                    parallelFor(pieces.count, threads: threads) { index in
                        let piece = pieces[index]
                        guard interleaved else {
                            for row in 0 ..< piece.rows {
                                results[offsets[index] + row].fold(values + 4 * (piece.start + row * piece.rowLength),
                                                                   count: piece.rowLength)
                            }
                            return
                        }
                        // Interleaved: a strided walk over the piece's channels, one value at a time.
                        var finite = true
                        for outer in 0 ..< blocks.outer {
                            let base = outer * blocks.channels
                            for c in piece.channel ..< piece.channel + piece.count {
                                let x = values.loadUnaligned(fromByteOffset: 4 * (base + c), as: Float.self)
                                mins[c] = Swift.min(mins[c], x)
                                maxs[c] = Swift.max(maxs[c], x)
                                finite = finite && x.isFinite
                            }
                        }
                        results[index].finite = finite
                    }
                }
            }
        }
        guard results.allSatisfy(\.finite) else { return nil }
        if !interleaved {
            for (index, piece) in pieces.enumerated() {
                for row in 0 ..< piece.rows {
                    let range = results[offsets[index] + row]
                    let channel = (piece.channel + row) % blocks.channels
                    mins[channel] = Swift.min(mins[channel], range.min)
                    maxs[channel] = Swift.max(maxs[channel], range.max)
                }
            }
        }
        return (mins, maxs)
    }

    /// Writes the codes of `pieces`, the code of flat index `i` at `codes[i - first]`, and
    /// returns their error sums (zero unless `measure`).
    func quantize(_ values: UnsafeRawPointer, _ pieces: ArraySlice<Piece>, scales: [Float], zeroPoints: [Float],
                  into codes: UnsafeMutablePointer<UInt8>, first: Int, measure: Bool) -> ErrorSums {
        let qmin = Float(scheme.qmin)
        let qmax = Float(scheme.qmax)
        func run(_ values: UnsafeRawPointer, count: Int, into codes: UnsafeMutablePointer<UInt8>, scale: Float,
                 zeroPoint: Float) -> ErrorSums {
            guard scheme.scaleRule == .reference else {
                return quantizeRunCompressedTensors(values, count: count, into: codes, scale: scale, zeroPoint: zeroPoint,
                                                    scheme: scheme, arithmetic: arithmetic, measure: measure)
            }
            return quantizeRun(values, count: count, into: codes, scale: scale, zeroPoint: zeroPoint, qmin: qmin, qmax: qmax,
                               measure: measure)
        }
        var sums = [ErrorSums](repeating: ErrorSums(), count: pieces.count)
        sums.withUnsafeMutableBufferPointer { sums in
            parallelFor(pieces.count, threads: threads) { index in
                let piece = pieces[pieces.startIndex + index]
                guard interleaved else {
                    for row in 0 ..< piece.rows {
                        let start = piece.start + row * piece.rowLength
                        let channel = (piece.channel + row) % blocks.channels
                        sums[index].add(run(values + 4 * start, count: piece.rowLength, into: codes + (start - first),
                                            scale: scales[channel], zeroPoint: zeroPoints[channel]))
                    }
                    return
                }
                for outer in 0 ..< blocks.outer {
                    for c in piece.channel ..< piece.channel + piece.count {
                        let flat = outer * blocks.channels + c
                        sums[index].add(run(values + 4 * flat, count: 1, into: codes + (flat - first), scale: scales[c],
                                            zeroPoint: zeroPoints[c]))
                    }
                }
            }
        }
        return sums.reduce(into: ErrorSums()) { $0.add($1) }
    }
}

/// A tensor that holds a NaN or an infinity at flat index `index`.
struct NonFiniteElement: Error {
    let index: Int
}

/// Quantizes the `elementCount(shape)` float32 values at `values` (native byte order, any
/// alignment) under `scheme`, with `threads` threads, into a `QuantizedTensor`, its scales
/// rounded to the scheme's `scaleDType` (float32 without one); see the streaming variant.
func quantizeFloat32(
    _ values: UnsafeRawBufferPointer, shape: [Int], scheme: QuantScheme, measure: Bool,
    threads: Int = defaultThreadCount
) throws -> (tensor: QuantizedTensor, metrics: ErrorMetrics?) {
    var codes: [UInt8] = []
    codes.reserveCapacity(values.count / 4)
    let result = try quantizeFloat32(values, shape: shape, scheme: scheme, measure: measure, threads: threads,
                                     scaleStorage: scheme.scaleDType ?? .float32, batchBytes: .max) { codes.append(contentsOf: $0) }
    let tensor = QuantizedTensor(scheme: scheme, shape: shape, codes: codes, scales: result.scales,
                                 zeroPoints: result.zeroPoints, axis: result.axis)
    return (tensor, result.metrics)
}

/// Quantizes the `elementCount(shape)` float32 values at `values` (native byte order, any
/// alignment) under `scheme`, with `threads` threads, handing the codes to `emit` in flat order
/// in batches of about `batchBytes` (so that a large tensor's codes never sit in memory whole).
/// Two batch buffers alternate, so `emit` may keep using a batch (writing it in the background)
/// until its next call; after the last batch it is called once with no bytes, and must be done
/// with every batch when that call returns.
/// Scales are rounded to `scaleStorage` (float16, bfloat16) before any code is computed, when
/// the output stores them in that type (the scheme's `scaleDType` when it has one, which callers
/// pass: `QuantizedLayout.scaleStorage(for:scheme:)`); `prepared` gets them and the zero points
/// before the first batch. Each channel's scale comes from `scaleParameters` (the full
/// symmetric range's, or the min-max math's).
/// Returns the scales, zero points and resolved axis and, when `measure` is set, the
/// reconstruction error metrics and, with clipping, its SQNR gain in dB over min-max scales; throws `NonFiniteElement` for NaN or infinity (before any code
/// is emitted) and `QuantizationError` for a bad axis or a full range the scheme cannot take.
func quantizeFloat32(
    _ values: UnsafeRawBufferPointer, shape: [Int], scheme: QuantScheme, measure: Bool, threads: Int,
    scaleStorage: DType = .float32, batchBytes: Int, prepared: (_ scales: [Float], _ zeroPoints: [Int32]) -> Void = { _, _ in },
    emit: (UnsafeRawBufferPointer) throws -> Void
) throws -> QuantizedParameters {
    precondition(QuantScheme.bitRange.contains(scheme.bits), "bits must be in 2...8, got \(scheme.bits)")
    let count = try elementCount(of: shape)
    guard values.count == 4 * count else { throw QuantizationError.valueCountMismatch(count: values.count / 4, shape: shape) }
    let axis = try scheme.granularity.resolvedAxis(rank: shape.count)
    let quantizer = TensorQuantizer(blocks: try scheme.granularity.blocks(shape: shape), scheme: scheme, threads: threads,
                                    arithmetic: scaleStorage)
    let pieces = quantizer.pieces
    // An empty tensor has no base address; give the kernels a valid one (they read nothing).
    let base = values.baseAddress ?? UnsafeRawPointer(bitPattern: 16)!
    guard var (mins, maxs) = quantizer.ranges(base, pieces) else {
        let floats = (0 ..< count).lazy.map { values.loadUnaligned(fromByteOffset: 4 * $0, as: Float.self) }
        throw NonFiniteElement(index: floats.firstIndex { !$0.isFinite }!)
    }
    var minmaxNoise: Double?
    if scheme.clipping != .minmax {
        let clipped = clippedRanges(base, blocks: quantizer.blocks, mins: mins, maxs: maxs, scheme: scheme,
                                    scaleStorage: scaleStorage, threads: threads)
        (mins, maxs, minmaxNoise) = (clipped.mins, clipped.maxs, clipped.minmaxNoise)
    }
    let channelParameters = try scaleParameters(base, blocks: quantizer.blocks, mins: mins, maxs: maxs, scheme: scheme, storage: scaleStorage)
    let scales = channelParameters.map(\.scale)
    let zeroPointValues = channelParameters.map(\.zeroPoint)
    let zeroPoints = scheme.symmetric ? [] : zeroPointValues.map { Int32($0) }
    prepared(scales, zeroPoints)
    // Row pieces lie in flat order, so consecutive ones make a batch; interleaved pieces each
    // span the whole tensor, so they make one batch.
    let batch = quantizer.interleaved ? count : Swift.min(count, Swift.max(batchBytes, TensorQuantizer.pieceLength))
    let capacity = Swift.max(batch + TensorQuantizer.pieceLength, 1)
    let buffers = [UnsafeMutablePointer<UInt8>.allocate(capacity: capacity), UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)]
    defer { buffers.forEach { $0.deallocate() } }
    var sums = ErrorSums()
    var first = 0
    var round = 0
    while first < pieces.count {
        let buffer = buffers[round % 2]
        round += 1
        var last = first
        var bytes = 0
        while last < pieces.count, bytes < batch || last == first {
            bytes += quantizer.interleaved ? 0 : pieces[last].count
            last += 1
        }
        if quantizer.interleaved { bytes = count }
        let start = quantizer.interleaved ? 0 : pieces[first].start
        sums.add(quantizer.quantize(base, pieces[first ..< last], scales: scales, zeroPoints: zeroPointValues,
                                    into: buffer, first: start, measure: measure))
        try emit(UnsafeRawBufferPointer(start: buffer, count: bytes))
        first = last
    }
    try emit(UnsafeRawBufferPointer(start: nil, count: 0))
    // The clipping's gain over min-max scales: both squared errors over the same signal.
    let gain = minmaxNoise.map { 10 * log10($0 / sums.noise) }
    return QuantizedParameters(scales: scales, zeroPoints: zeroPoints, axis: axis,
                               metrics: measure ? ErrorMetrics(sums: sums, count: count) : nil, clippingGainDB: measure ? gain : nil)
}

/// What quantizing one tensor chose besides its codes: the scales and zero points (unsigned,
/// empty when symmetric), the resolved channel axis, and, when measured, the reconstruction
/// error and a clipping search's SQNR gain over min-max scales in dB.
struct QuantizedParameters {
    var scales: [Float]
    var zeroPoints: [Int32]
    var axis: Int?
    var metrics: ErrorMetrics?
    var clippingGainDB: Double?
}
