/// The quantization grid GPTQ rounds each weight row to, with the min-max math of
/// `quantize(_:shape:scheme:)`: scales (and zero points) found per row from a range of columns
/// (per channel, per group) or from all rows at once (per tensor, the one scale given to
/// every row), and one value quantized at a time.
struct GPTQGrid {
    let scheme: QuantScheme
    let rows: Int

    /// One scale (and zero point) per row.
    struct Parameters {
        var scales: [Float]
        /// Empty when symmetric.
        var zeroPoints: [Int32]
        /// The zero points as float32, 0 when symmetric.
        var zeroPointValues: [Float]
    }

    /// The parameters of columns `columnRange` of `columns`, a column-major `[columns, rows]`
    /// weight: each row's range over those columns (per tensor: the range over all rows),
    /// widened to contain 0, through `symmetricScale` or `asymmetricParameters`, or, for the
    /// full symmetric range, `fullRangeScale` of the row's signed extreme (`fullRangeExtremes`).
    /// Scales are rounded to the scheme's `scaleDType` (float32 when it has none). An empty column
    /// range gives range `[0, 0]`: scale 1, zero point 0.
    /// - Precondition: the scheme can take its symmetric range (`QuantScheme.fullRangeConflict`).
    /// - Complexity: O(rows · columnRange.count).
    func parameters(_ columns: [Float], columnRange: Range<Int>) -> Parameters {
        precondition(scheme.fullRangeConflict == nil, "\(QuantizationError.fullRangeConflict(scheme.fullRangeConflict!))")
        let storage = scheme.scaleDType ?? .float32
        var mins = [Float](repeating: 0, count: rows)
        var maxs = [Float](repeating: 0, count: rows)
        for c in columnRange {
            for r in 0 ..< rows {
                let x = columns[c * rows + r]
                mins[r] = min(mins[r], x)
                maxs[r] = max(maxs[r], x)
            }
        }
        if scheme.granularity == .perTensor {
            mins = [Float](repeating: mins.min() ?? 0, count: rows)
            maxs = [Float](repeating: maxs.max() ?? 0, count: rows)
        }
        if scheme.symmetric {
            let scales = scheme.symmetricRange == .full
                ? fullRangeExtremes(columns, columnRange: columnRange, mins: mins, maxs: maxs)
                    .map { fullRangeScale(m: $0, bits: scheme.bits, storedAs: storage) }
                : zip(mins, maxs).map { symmetricScale(min: $0, max: $1, bits: scheme.bits, storedAs: storage) }
            return Parameters(scales: scales, zeroPoints: [], zeroPointValues: [Float](repeating: 0, count: rows))
        }
        let pairs = zip(mins, maxs).map { asymmetricParameters(min: $0, max: $1, bits: scheme.bits, storedAs: storage) }
        return Parameters(scales: pairs.map(\.scale), zeroPoints: pairs.map(\.zeroPoint),
                          zeroPointValues: pairs.map { Float($0.zeroPoint) })
    }

    /// Each row's signed extreme `m` (`fullRangeExtreme`) from its range `[mins[r], maxs[r]]`
    /// over columns `columnRange`, a tie resolved by the first element of that magnitude in the
    /// row, in column order; per tensor (every row has the whole range), by the first in the
    /// weight's row-major order. The columns are in their original order whenever parameters
    /// are found (`gptqQuantize` permutes them for activation order afterwards), so that is C
    /// order, as round to nearest has it.
    func fullRangeExtremes(_ columns: [Float], columnRange: Range<Int>, mins: [Float], maxs: [Float]) -> [Float] {
        func first(ofMagnitude magnitude: Float, in scanned: Range<Int>) -> Float {
            for row in scanned {
                for c in columnRange where abs(columns[c * rows + row]) == magnitude { return columns[c * rows + row] }
            }
            return magnitude
        }
        if scheme.granularity == .perTensor, rows > 0 {
            let m = fullRangeExtreme(min: mins[0], max: maxs[0]) { first(ofMagnitude: $0, in: 0 ..< rows) }
            return [Float](repeating: m, count: rows)
        }
        return (0 ..< rows).map { r in
            fullRangeExtreme(min: mins[r], max: maxs[r]) { first(ofMagnitude: $0, in: r ..< r + 1) }
        }
    }

    /// `q = clamp(round(x / scale) + zeroPoint, qmin, qmax)` (true float32 division, ties to even)
    /// as its stored byte (int8 bit pattern when symmetric), and its value `(q - zeroPoint) · scale`.
    func quantize(_ x: Float, scale: Float, zeroPoint: Float) -> (code: UInt8, value: Float) {
        let q = min(max((x / scale).rounded(.toNearestOrEven) + zeroPoint, Float(scheme.qmin)), Float(scheme.qmax))
        let code = scheme.symmetric ? UInt8(bitPattern: Int8(q)) : UInt8(q)
        return (code, (q - zeroPoint) * scale)
    }
}
