import Foundation

/// The quantization of one float32 tensor, spread over threads.
///
/// Work is cut into fixed pieces that do not depend on the thread count: runs of at most
/// `pieceLength` elements of one row of the `[outer, channels, inner]` view (one channel), or,
/// for short rows (groups, narrow weights), as many whole rows as fit in `pieceLength`; or,
/// when channels are interleaved element by element (`inner == 1`), blocks of channels over
/// every outer slice. Threads take the pieces one at a time (`parallelFor`); every row
/// segment's results land in their own slot and are combined in order, so codes, scales and
/// error sums are bit-identical for any number of threads.
struct TensorQuantizer {
    static let pieceLength = 1 << 16
    static let channelBlock = 256

    let blocks: ChannelBlocks
    let scheme: QuantScheme
    var threads: Int
    /// The dtype whose arithmetic compressed-tensors' rule and float codes emulate (`ScaleRule`,
    /// `FloatCodes`).
    var arithmetic: DType = .float32
    /// With block scales (`QuantScheme.blockRows`): how the blocks cover the groups, whose ranges
    /// are merged over each block (`BlockGrid`) so that a block's groups share one scale.
    var blockGrid: BlockGrid?

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

    /// Per-channel ranges (each containing 0; merged over blocks, `blockGrid`), or nil when a value is NaN or infinite. Each
    /// row piece's bytes go to `check` first (interleaved pieces are not contiguous: nil).
    func ranges(_ values: UnsafeRawPointer, _ pieces: [Piece], check: (any DeferredCheck)? = nil) -> (mins: [Float], maxs: [Float])? {
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
                            check?.absorb(UnsafeRawBufferPointer(start: values + 4 * piece.start, count: 4 * piece.count),
                                          at: 4 * piece.start)
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
        blockGrid?.merge(mins: &mins, maxs: &maxs)
        return (mins, maxs)
    }

    /// Writes the codes of `pieces` to `output` (which packs per piece when it has a packing:
    /// never for interleaved pieces) and returns their error sums (zero unless `measure`).
    func quantize(_ values: UnsafeRawPointer, _ pieces: ArraySlice<Piece>, scales: [Float], zeroPoints: [Float],
                  into output: BatchOutput, measure: Bool) -> ErrorSums {
        let qmin = Float(scheme.qmin)
        let qmax = Float(scheme.qmax)
        func run(_ values: UnsafeRawPointer, count: Int, into codes: UnsafeMutablePointer<UInt8>, scale: Float,
                 zeroPoint: Float) -> ErrorSums {
            if let format = scheme.floatFormat {
                return FloatCodes.quantizeRun(values, count: count, into: codes, scale: scale, format: format,
                                              storage: arithmetic, measure: measure)
            }
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
                    output.write(start: piece.start, count: piece.count) { codes in
                        for row in 0 ..< piece.rows {
                            let offset = row * piece.rowLength
                            let channel = (piece.channel + row) % blocks.channels
                            sums[index].add(run(values + 4 * (piece.start + offset), count: piece.rowLength,
                                                into: codes + offset, scale: scales[channel], zeroPoint: zeroPoints[channel]))
                        }
                    }
                    return
                }
                for outer in 0 ..< blocks.outer {
                    for c in piece.channel ..< piece.channel + piece.count {
                        let flat = outer * blocks.channels + c
                        sums[index].add(run(values + 4 * flat, count: 1, into: output.base + (flat - output.first),
                                            scale: scales[c], zeroPoint: zeroPoints[c]))
                    }
                }
            }
        }
        return sums.reduce(into: ErrorSums()) { $0.add($1) }
    }
}
