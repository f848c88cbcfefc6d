// Cholesky factorization in Double, by blocks, for the symmetric matrices of one layer's Hessian
// (`in x in`, up to 14336 wide). Matrices are `[n * n]` row-major.

/// The columns of one block of the blocked factorization and of the triangular inverse: a
/// 128 x 128 block (128 KiB) stays in L2, and the unblocked work on the diagonal blocks,
/// `n · 128² / 3` multiply-adds, stays small next to the GEMMs' `n³ / 3`.
let choleskyBlockSize = 128

/// The lower Cholesky factor `L` of a symmetric positive definite `n x n` matrix `A = L Lᵀ`,
/// computed in place by blocks of `blockSize` columns (right-looking; Golub and Van Loan,
/// "Matrix Computations", 4th ed., §4.2.9). For each block `k` of columns:
/// 1. the diagonal block `L_kk`, column by column as the unblocked algorithm does:
///    `L[j][j] = sqrt(a[j][j] - Σ_{k<j} L[j][k]²)`, `L[i][j] = (a[i][j] - Σ_{k<j} L[i][k] L[j][k]) / L[j][j]`;
///    then its inverse `L_kk⁻¹` by forward substitution;
/// 2. the panel below it, `L_ik = A_ik L_kk⁻ᵀ`, as a product with that inverse;
/// 3. the trailing matrix, `A_ij -= L_ik L_jkᵀ` for `i >= j > k`: a float64 GEMM on the tiles of
///    its lower triangle (`forEachLowerTile`), on `threads` threads.
/// Only the lower triangle of the input is read. With `blockSize >= n` this is the unblocked
/// algorithm, the same operations in the same order.
///
/// A pivot (the value under the square root) at or below `n · ε · max_i a[i][i]` (ε = 2^-52)
/// counts as zero, as LAPACK's pivoted Cholesky decides rank: a singular positive semidefinite
/// matrix often leaves a pivot of a few ulps instead of an exact zero, and its "inverse" would
/// then be rounding noise of order 1/ε.
///
/// ## Error bound
/// Unblocked, `L Lᵀ = A + E` with `|E| <= γ(n + 1) |L| |Lᵀ|`, `γ(j) = j u / (1 - j u)`, u = 2^-53
/// (Higham, "Accuracy and Stability of Numerical Algorithms", 2nd ed., Thm 10.3); since row `i`
/// of `L` has norm `sqrt(a[i][i])`, `|E[i][j]| <= γ(n + 1) sqrt(a[i][i] a[j][j])`. The panels
/// multiply by an explicit inverse instead of substituting, which can scale their share of the
/// error by the condition of the diagonal block (Higham §13.2, block LU with inverted diagonal
/// blocks): `|E[i][j]| <= γ(n + 1) (1 + κ) sqrt(a[i][i] a[j][j])` with
/// `κ = max_k ‖L_kk‖∞ ‖L_kk⁻¹‖∞`, small for the dampened Hessians GPTQ factors.
struct CholeskyFactor {
    let n: Int
    let blockSize: Int
    /// `n x n` row-major, `L` in the lower triangle (diagonal included). Above the diagonal: what
    /// the input held, partly overwritten by the trailing updates of the diagonal tiles, until
    /// `invertTransposedInPlace` puts `L⁻ᵀ` there (and zeros in the diagonal blocks below it).
    private(set) var values: [Double]
    /// `L_kk⁻¹` of each diagonal block `k`, lower triangular, `blockSize x blockSize` row-major
    /// each (the last block's unused rows and columns 0).
    let diagonalBlockInverses: [Double]

    /// Factors `a` (see the type), or returns nil when a pivot is not positive (or not finite).
    /// - Precondition: `a.count == n * n`, `blockSize >= 1`.
    /// - Complexity: O(n³ / 3) on `threads` threads, O(n · blockSize) memory besides `a`.
    init?(factoring a: consuming [Double], n: Int, blockSize: Int = choleskyBlockSize, threads: Int = defaultThreadCount) {
        precondition(a.count == n * n, "not an \(n) x \(n) matrix")
        precondition(blockSize >= 1, "blocks must have a column")
        var values = consume a
        let largestDiagonal = (0 ..< n).reduce(0.0) { max($0, values[$1 * n + $1]) }
        let tolerance = Double(n) * Double.ulpOfOne * largestDiagonal
        let blocks = (n + blockSize - 1) / blockSize
        var inverses = [Double](repeating: 0, count: blocks * blockSize * blockSize)
        var panel = [Double](repeating: 0, count: max(0, n - blockSize) * blockSize)
        let factored = values.withUnsafeMutableBufferPointer { a in
            inverses.withUnsafeMutableBufferPointer { inverses in
                panel.withUnsafeMutableBufferPointer { panel in
                    let (a, inverses, panel) = (a.baseAddress!, inverses.baseAddress!, panel.baseAddress)
                    for k0 in stride(from: 0, to: n, by: blockSize) {
                        let (k1, diagonal) = (min(n, k0 + blockSize), a + k0 * n + k0)
                        let inverse = inverses + k0 * blockSize
                        guard factorDiagonalBlock(diagonal, count: k1 - k0, stride: n, tolerance: tolerance) else { return false }
                        invertLowerBlock(diagonal, count: k1 - k0, stride: n, into: inverse, inverseStride: blockSize)
                        guard k1 < n, let panel else { continue }
                        let step = FactorStep(a: a, n: n, k0: k0, k1: k1, inverse: inverse, inverseStride: blockSize, panel: panel)
                        step.solvePanel(threads: threads)
                        step.updateTrailingMatrix(threads: threads)
                    }
                    return true
                }
            }
        }
        guard factored else { return nil }
        (self.n, self.blockSize, self.values, diagonalBlockInverses) = (n, blockSize, values, inverses)
    }

    /// Hands `body` the values to update in place (for `invertTransposedInPlace`).
    mutating func updateValues<R>(_ body: (UnsafeMutablePointer<Double>) -> R) -> R {
        values.withUnsafeMutableBufferPointer { body($0.baseAddress!) }
    }
}

/// Steps 2 and 3 of `CholeskyFactor` for the block of columns `k0 ..< k1`, whose diagonal block
/// is factored and inverted.
private struct FactorStep {
    let a: UnsafeMutablePointer<Double>
    let n: Int
    let k0: Int
    let k1: Int
    let inverse: UnsafeMutablePointer<Double>
    let inverseStride: Int
    /// `(n - k1) x (k1 - k0)` row-major: the panel's new values, read by the trailing update.
    let panel: UnsafeMutablePointer<Double>

    var width: Int { k1 - k0 }

    /// `L_ik = A_ik L_kk⁻ᵀ` for the rows below the block, 256 rows per task, each written to
    /// `panel` and then back over its rows of `A`.
    func solvePanel(threads: Int) {
        let (rows, chunk) = (n - k1, 256)
        parallelFor((rows + chunk - 1) / chunk, threads: threads) { task in
            let first = task * chunk
            let count = min(chunk, rows - first)
            let source = a + (k1 + first) * n + k0
            matrixProduct(source, lda: n, inverse, ldb: inverseStride, m: count, n: width, k: width, .store,
                          into: panel + first * width, ldc: width)
            for r in 0 ..< count {
                (source + r * n).update(from: panel + (first + r) * width, count: width)
            }
        }
    }

    /// `A_ij -= L_ik L_jkᵀ` on the lower triangle of the trailing matrix, 256 x 256 tiles.
    func updateTrailingMatrix(threads: Int) {
        forEachLowerTile(n: n - k1, tile: 256, threads: threads) { rows, columns in
            matrixProduct(panel + rows.lowerBound * width, lda: width, panel + columns.lowerBound * width, ldb: width,
                          m: rows.count, n: columns.count, k: width, .subtract,
                          into: a + (k1 + rows.lowerBound) * n + k1 + columns.lowerBound, ldc: n)
        }
    }
}

/// The unblocked factorization of the `count x count` diagonal block at `a` (row stride
/// `stride`), in place, column by column (see `CholeskyFactor`); false at a pivot not above
/// `tolerance` or not finite.
private func factorDiagonalBlock(_ a: UnsafeMutablePointer<Double>, count: Int, stride: Int, tolerance: Double) -> Bool {
    for j in 0 ..< count {
        for i in j ..< count {
            // Rows i and j of L, both over columns 0..<j: contiguous.
            var sum = a[i * stride + j]
            for k in 0 ..< j { sum -= a[i * stride + k] * a[j * stride + k] }
            if i == j {
                guard sum > tolerance, sum.isFinite else { return false }
                a[j * stride + j] = sum.squareRoot()
            } else {
                a[i * stride + j] = sum / a[j * stride + j]
            }
        }
    }
    return true
}

/// `M = L⁻¹` for the lower triangular `count x count` block `L` at `l`, by forward substitution
/// row by row: `M[i][i] = 1 / L[i][i]` and, for `j < i`,
/// `M[i][j] = -(Σ_{j <= k < i} L[i][k] M[k][j]) / L[i][i]`, written lower triangular to `m`
/// (row stride `inverseStride`, zero above the diagonal on entry).
private func invertLowerBlock(_ l: UnsafePointer<Double>, count: Int, stride: Int, into m: UnsafeMutablePointer<Double>,
                              inverseStride: Int) {
    for i in 0 ..< count {
        let row = m + i * inverseStride
        // Row k of M, over its columns 0...k, scaled by L[i][k]: contiguous.
        for k in 0 ..< i {
            let lik = l[i * stride + k]
            for j in 0 ... k { row[j] -= lik * m[k * inverseStride + j] }
        }
        let pivot = l[i * stride + i]
        for j in 0 ..< i { row[j] /= pivot }
        row[i] = 1 / pivot
    }
}
