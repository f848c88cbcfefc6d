/// Step 4 of `gptqQuantize`: the weight's columns quantized one at a time in `order`, each
/// column's scaled rounding error `e = (w_p - ŵ_p) / U[p][p]` subtracted from every later column
/// `j` as `e · U[p][j]` (within a block at once, after the block as one product), with per-group
/// parameters found when each group's first column is reached (or fixed up front).
struct GPTQColumnPass {
    let grid: GPTQGrid
    /// The column-major weight in quantization order, updated as columns are quantized.
    var columns: [Float]
    /// `order[p]`: the original column quantized at position `p`.
    let order: [Int]
    /// `U`, the upper Cholesky factor of the dampened inverse Hessian, in quantization order.
    let inverseFactor: [Float]
    let groupSize: Int?
    let staticGroups: [GPTQGrid.Parameters]?
    let fixedParameters: GPTQGrid.Parameters?
    /// `[rows, n]` row-major in original column order.
    private(set) var codes: [UInt8]
    /// Per group: `[rows, n / g]` row-major; empty otherwise.
    private(set) var groupScales: [Float]
    private(set) var groupZeroPoints: [Int32]

    var rows: Int { grid.rows }
    var n: Int { order.count }
    var groupCount: Int { groupSize.map { n / $0 } ?? 0 }

    init(grid: GPTQGrid, columns: [Float], order: [Int], inverseFactor: [Float], groupSize: Int?,
         staticGroups: [GPTQGrid.Parameters]?, fixedParameters: GPTQGrid.Parameters?) {
        self.grid = grid
        self.columns = columns
        self.order = order
        self.inverseFactor = inverseFactor
        self.groupSize = groupSize
        self.staticGroups = staticGroups
        self.fixedParameters = fixedParameters
        let (rows, n) = (grid.rows, order.count)
        let groupCount = groupSize.map { n / $0 } ?? 0
        codes = [UInt8](repeating: 0, count: rows * n)
        groupScales = [Float](repeating: 0, count: rows * groupCount)
        groupZeroPoints = [Int32](repeating: 0, count: grid.scheme.symmetric ? 0 : rows * groupCount)
    }

    /// Quantizes every column, `blockSize` columns per lazy batch.
    mutating func run(blockSize: Int) {
        var errors = [Float](repeating: 0, count: rows * min(blockSize, n))
        var correction = [Float](repeating: 0, count: rows)
        // Per group, replaced at each group's first column (or by its static parameters) before use.
        var parameters = fixedParameters ?? grid.parameters(columns, columnRange: 0 ..< 0)
        for blockStart in stride(from: 0, to: n, by: blockSize) {
            let blockEnd = min(blockStart + blockSize, n)
            for p in blockStart ..< blockEnd {
                parameters = groupParameters(at: p) ?? parameters
                quantizeColumn(p, parameters: parameters, errors: &errors, errorBase: (p - blockStart) * rows, blockEnd: blockEnd)
            }
            for j in blockEnd ..< n {
                for r in 0 ..< rows { correction[r] = 0 }
                for k in blockStart ..< blockEnd {
                    let h = inverseFactor[k * n + j]
                    let errorBase = (k - blockStart) * rows
                    for r in 0 ..< rows { correction[r] += errors[errorBase + r] * h }
                }
                for r in 0 ..< rows { columns[j * rows + r] -= correction[r] }
            }
        }
    }

    /// The parameters that start at position `p`: a static group's, or the current columns of
    /// the group `p` begins (recorded as that group's scales); nil when they do not change.
    mutating func groupParameters(at p: Int) -> GPTQGrid.Parameters? {
        guard let g = groupSize else { return nil }
        if let staticGroups { return staticGroups[order[p] / g] }
        guard p % g == 0 else { return nil }
        let parameters = grid.parameters(columns, columnRange: p ..< p + g)
        for r in 0 ..< rows { groupScales[r * groupCount + p / g] = parameters.scales[r] }
        if !grid.scheme.symmetric {
            for r in 0 ..< rows { groupZeroPoints[r * groupCount + p / g] = parameters.zeroPoints[r] }
        }
        return parameters
    }

    /// Quantizes the column at position `p`, records its scaled errors at `errorBase` and
    /// applies them to the rest of the block.
    mutating func quantizeColumn(_ p: Int, parameters: GPTQGrid.Parameters, errors: inout [Float], errorBase: Int,
                                 blockEnd: Int) {
        let pivot = inverseFactor[p * n + p]
        let column = order[p]
        for r in 0 ..< rows {
            let x = columns[p * rows + r]
            let (code, value) = grid.quantize(x, scale: parameters.scales[r], zeroPoint: parameters.zeroPointValues[r])
            codes[r * n + column] = code
            errors[errorBase + r] = (x - value) / pivot
        }
        for j in p + 1 ..< blockEnd {
            let h = inverseFactor[p * n + j]
            for r in 0 ..< rows { columns[j * rows + r] -= errors[errorBase + r] * h }
        }
    }

    /// The quantized tensor: the codes with the scales (and zero points) of the scheme's layout.
    func result() -> QuantizedTensor {
        let scheme = grid.scheme
        var scales: [Float]
        var zeroPoints: [Int32]
        switch scheme.granularity {
        case .perGroup:
            (scales, zeroPoints) = (groupScales, groupZeroPoints)
            for (group, parameters) in (staticGroups ?? []).enumerated() {
                for r in 0 ..< rows {
                    scales[r * groupCount + group] = parameters.scales[r]
                    if !scheme.symmetric { zeroPoints[r * groupCount + group] = parameters.zeroPoints[r] }
                }
            }
        case .perChannel: (scales, zeroPoints) = (fixedParameters!.scales, fixedParameters!.zeroPoints)
        case .perTensor: (scales, zeroPoints) = (Array(fixedParameters!.scales.prefix(1)), Array(fixedParameters!.zeroPoints.prefix(1)))
        }
        let axis: Int? = if case .perChannel = scheme.granularity { 0 } else { nil }
        return QuantizedTensor(scheme: scheme, shape: [rows, n], codes: codes, scales: scales, zeroPoints: zeroPoints, axis: axis)
    }
}
