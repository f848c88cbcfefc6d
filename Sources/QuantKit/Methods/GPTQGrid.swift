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
    /// widened to contain 0, through `symmetricScale` or `asymmetricParameters`. An empty column
    /// range gives range `[0, 0]`: scale 1, zero point 0.
    /// - Complexity: O(rows · columnRange.count).
    func parameters(_ columns: [Float], columnRange: Range<Int>) -> Parameters {
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
            let scales = zip(mins, maxs).map { symmetricScale(min: $0, max: $1, bits: scheme.bits) }
            return Parameters(scales: scales, zeroPoints: [], zeroPointValues: [Float](repeating: 0, count: rows))
        }
        let pairs = zip(mins, maxs).map { asymmetricParameters(min: $0, max: $1, bits: scheme.bits) }
        return Parameters(scales: pairs.map(\.scale), zeroPoints: pairs.map(\.zeroPoint),
                          zeroPointValues: pairs.map { Float($0.zeroPoint) })
    }

    /// `q = clamp(round(x / scale) + zeroPoint, qmin, qmax)` (true float32 division, ties to even)
    /// as its stored byte (int8 bit pattern when symmetric), and its value `(q - zeroPoint) · scale`.
    func quantize(_ x: Float, scale: Float, zeroPoint: Float) -> (code: UInt8, value: Float) {
        let q = min(max((x / scale).rounded(.toNearestOrEven) + zeroPoint, Float(scheme.qmin)), Float(scheme.qmax))
        let code = scheme.symmetric ? UInt8(bitPattern: Int8(q)) : UInt8(q)
        return (code, (q - zeroPoint) * scale)
    }
}
