/// `XᵀX` summed over calibration inputs of one width, a batch of rows at a time: what GPTQ's
/// Hessian `H = 2 XᵀX / samples` needs of the inputs `X`, without keeping them. Layers fed the
/// same inputs (a transformer's query, key and value projections) share one sum.
///
/// Each `add` is a float64 GEMM on the tiles of the lower triangle (`forEachLowerTile`), so an
/// entry is off from the exact `Σ_s x_si x_sj` by at most `γ(samples + batches) Σ_s |x_si x_sj|`
/// (u = 2^-53): the same bound as the Hessian `gptqQuantize` computes from the inputs at once.
/// - Complexity: `8 in²` bytes, plus `8 in · rows` while a batch of `rows` is added.
public struct GPTQHessianSum: Sendable {
    public let inFeatures: Int
    /// Rows added so far.
    public private(set) var samples = 0
    /// `Σ xᵀx`, `[in * in]` row-major, in its lower triangle (above the diagonal only parts of it).
    private(set) var lowerGram: [Double]

    public init(inFeatures: Int) {
        precondition(inFeatures > 0, "a Hessian needs at least one input feature")
        self.inFeatures = inFeatures
        lowerGram = [Double](repeating: 0, count: inFeatures * inFeatures)
    }

    /// Adds the rows of `inputs` (`[rows, inFeatures]` row-major).
    /// - Throws: `GPTQError.inputSizeMismatch`, or `.nonFiniteInput` with the flat index in `inputs`.
    /// - Complexity: O(rows · in² / 2) on `threads` threads.
    public mutating func add(_ inputs: [Float], rows: Int, threads: Int = defaultThreadCount) throws(GPTQError) {
        let n = inFeatures
        guard rows >= 0, inputs.count == rows * n else { throw .inputSizeMismatch(count: inputs.count, samples: rows, inFeatures: n) }
        if let index = firstNonFiniteIndex(inputs) { throw .nonFiniteInput(index: index) }
        guard rows > 0 else { return }
        var transposed = [Double](repeating: 0, count: n * rows)
        for s in 0 ..< rows {
            for i in 0 ..< n { transposed[i * rows + s] = Double(inputs[s * n + i]) }
        }
        transposed.withUnsafeBufferPointer { t in
            lowerGram.withUnsafeMutableBufferPointer { gram in
                let (t, gram) = (t.baseAddress!, gram.baseAddress!)
                forEachLowerTile(n: n, tile: 256, threads: threads) { tileRows, columns in
                    matrixProduct(t + tileRows.lowerBound * rows, lda: rows, t + columns.lowerBound * rows, ldb: rows,
                                  m: tileRows.count, n: columns.count, k: rows, .add,
                                  into: gram + tileRows.lowerBound * n + columns.lowerBound, ldc: n)
                }
            }
        }
        samples += rows
    }

    /// `Σ_s x_si x_sj` for `j <= i`.
    func gram(_ i: Int, _ j: Int) -> Double { lowerGram[i * inFeatures + j] }
}
