// Dense Cholesky factorization and the inverse it gives, in Double, for the small symmetric
// matrices of one layer's Hessian (`in x in`). Matrices are `[n * n]` row-major.

/// The lower Cholesky factor `L` of the symmetric matrix `a` (`a = L Lᵀ`), or nil when `a` is not
/// numerically positive definite.
///
/// Column by column, `L[j][j] = sqrt(a[j][j] - Σ_{k<j} L[j][k]²)` and
/// `L[i][j] = (a[i][j] - Σ_{k<j} L[i][k] L[j][k]) / L[j][j]` for `i > j`; only the lower triangle
/// of `a` is read. A pivot (the value under the square root) at or below
/// `n · ε · max_i a[i][i]` (ε = 2^-52) counts as zero, as LAPACK's pivoted Cholesky decides rank:
/// a singular positive semidefinite matrix often leaves a pivot of a few ulps instead of an exact
/// zero, and its "inverse" would then be rounding noise of order 1/ε.
/// - Complexity: O(n³ / 3).
func choleskyLower(_ a: [Double], n: Int) -> [Double]? {
    precondition(a.count == n * n, "not an \(n) x \(n) matrix")
    var l = [Double](repeating: 0, count: n * n)
    let largestDiagonal = (0 ..< n).reduce(0.0) { max($0, a[$1 * n + $1]) }
    let tolerance = Double(n) * Double.ulpOfOne * largestDiagonal
    l.withUnsafeMutableBufferPointer { l in
        for j in 0 ..< n {
            for i in j ..< n {
                // Rows i and j of L, both over columns 0..<j: contiguous.
                var sum = a[i * n + j]
                for k in 0 ..< j { sum -= l[i * n + k] * l[j * n + k] }
                if i == j {
                    guard sum > tolerance, sum.isFinite else { return }
                    l[j * n + j] = sum.squareRoot()
                } else {
                    l[i * n + j] = sum / l[j * n + j]
                }
            }
        }
    }
    // A refused pivot leaves its diagonal entry 0.
    return (0 ..< n).allSatisfy({ l[$0 * n + $0] > 0 }) ? l : nil
}

/// `a⁻¹ = L⁻ᵀ L⁻¹` from the lower Cholesky factor `L` of `a` (PyTorch's `cholesky_inverse`).
///
/// `L⁻¹` is lower triangular, found by forward substitution
/// (`M[i][j] = -(Σ_{j≤k<i} L[i][k] M[k][j]) / L[i][i]`, `M[i][i] = 1 / L[i][i]`); then
/// `a⁻¹[i][j] = Σ_{k ≥ max(i,j)} M[k][i] M[k][j]`, symmetric, both triangles filled.
/// - Complexity: O(n³).
func inverseFromCholesky(lower l: [Double], n: Int) -> [Double] {
    precondition(l.count == n * n, "not an \(n) x \(n) matrix")
    var m = [Double](repeating: 0, count: n * n)
    for j in 0 ..< n {
        m[j * n + j] = 1 / l[j * n + j]
        for i in j + 1 ..< n {
            var sum = 0.0
            for k in j ..< i { sum += l[i * n + k] * m[k * n + j] }
            m[i * n + j] = -sum / l[i * n + i]
        }
    }
    var inverse = [Double](repeating: 0, count: n * n)
    // Row k of M adds M[k][i] M[k][j] to every (i, j) with i, j ≤ k: contiguous rows.
    for k in 0 ..< n {
        for i in 0 ... k {
            let mki = m[k * n + i]
            guard mki != 0 else { continue }
            for j in i ... k { inverse[i * n + j] += mki * m[k * n + j] }
        }
    }
    for i in 0 ..< n {
        for j in 0 ..< i { inverse[i * n + j] = inverse[j * n + i] }
    }
    return inverse
}
