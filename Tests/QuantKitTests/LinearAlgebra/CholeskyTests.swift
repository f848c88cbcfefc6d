import Testing

@testable import QuantKit

/// `L` of `CholeskyFactor` alone: the lower triangle, zeros above; nil when refused.
func choleskyLower(_ a: [Double], n: Int, blockSize: Int = choleskyBlockSize, threads: Int = defaultThreadCount) -> [Double]? {
    guard let factor = CholeskyFactor(factoring: a, n: n, blockSize: blockSize, threads: threads) else { return nil }
    return (0 ..< n * n).map { $0 % n <= $0 / n ? factor.values[$0] : 0 }
}

/// A symmetric, strictly diagonally dominant `n x n` matrix `B Bᵀ / n + d I` with a known bound
/// on its condition number: by Gershgorin's theorem every eigenvalue lies in
/// `[min_i (a_ii - r_i), max_i (a_ii + r_i)]`, `r_i = Σ_{j≠i} |a_ij|`.
func dominantSymmetricMatrix(n: Int, seed: UInt64) -> (a: [Double], conditionBound: Double) {
    var random = QuantTestRandom(seed: seed)
    let b = random.normals(n * n).map(Double.init)
    var a = [Double](repeating: 0, count: n * n)
    for i in 0 ..< n {
        for j in 0 ... i {
            var dot = 0.0
            for k in 0 ..< n { dot += b[i * n + k] * b[j * n + k] }
            (a[i * n + j], a[j * n + i]) = (dot / Double(n), dot / Double(n))
        }
    }
    let radius = (0 ..< n).map { i in (0 ..< n).reduce(0.0) { $0 + ($1 == i ? 0 : abs(a[i * n + $1])) } }
    let shift = 1.5 * radius.max()!
    for i in 0 ..< n { a[i * n + i] += shift }
    let low = (0 ..< n).map { a[$0 * n + $0] - radius[$0] }.min()!
    let high = (0 ..< n).map { a[$0 * n + $0] + radius[$0] }.max()!
    return (a, high / low)
}

/// `max_k ‖L_kk‖∞ ‖L_kk⁻¹‖∞` over the diagonal blocks, from the factor's own inverses.
func diagonalBlockCondition(_ factor: CholeskyFactor) -> Double {
    let (n, size) = (factor.n, factor.blockSize)
    return stride(from: 0, to: n, by: size).map { k0 in
        let count = min(size, n - k0)
        let norm = (0 ..< count).map { r in (0 ... r).reduce(0.0) { $0 + abs(factor.values[(k0 + r) * n + k0 + $1]) } }.max()!
        let inverse = factor.diagonalBlockInverses
        let inverseNorm = (0 ..< count).map { r in (0 ... r).reduce(0.0) { $0 + abs(inverse[k0 * size + r * size + $1]) } }.max()!
        return norm * inverseNorm
    }.max()!
}

@Suite struct CholeskyTests {
    static let u = 0x1p-53

    static func gamma(_ j: Int) -> Double { Double(j) * u / (1 - Double(j) * u) }

    /// `|L Lᵀ - A|[i][j] <= γ(n + 1) (1 + κ) sqrt(a_ii a_jj)` (`CholeskyFactor`'s bound), for the
    /// unblocked algorithm (one block) and blocks that leave a partial last block.
    @Test(arguments: [160, 64, 48, 7])
    func residualIsWithinTheBound(blockSize: Int) throws {
        let n = 160
        let (a, _) = dominantSymmetricMatrix(n: n, seed: 11)
        let factor = try #require(CholeskyFactor(factoring: a, n: n, blockSize: blockSize))
        let kappa = diagonalBlockCondition(factor)
        let l = factor.values
        var worst = 0.0
        for i in 0 ..< n {
            for j in 0 ... i {
                var product = 0.0
                for k in 0 ... j { product += l[i * n + k] * l[j * n + k] }
                let bound = Self.gamma(n + 1) * (1 + kappa) * (a[i * n + i] * a[j * n + j]).squareRoot()
                worst = max(worst, abs(product - a[i * n + j]) / bound)
            }
        }
        #expect(worst <= 1, "worst residual \(worst) of the bound, block condition \(kappa)")
    }

    /// The blocked and unblocked factors of one matrix differ by what their backward errors
    /// allow: each is the exact factor of some `A + ΔA` with `‖ΔA‖_F <= γ(n + 1) (1 + κ) tr(A)`
    /// (the residual bound summed), and `‖ΔL‖_F / ‖L‖_2 <= κ(A) ‖ΔA‖_F / (√2 ‖A‖_2)` to first
    /// order (Higham, Thm 10.8). With `‖L‖_2² = ‖A‖_2 >= max a_ii` and `tr(A) <= n max a_ii`,
    /// each is within `κ(A) γ(n + 1) (1 + κ) n sqrt(max a_ii)` of the exact factor; `κ(A)` is
    /// bounded by Gershgorin's theorem.
    @Test(arguments: [64, 48, 7])
    func blockedFactorMatchesTheUnblockedOne(blockSize: Int) throws {
        let n = 160
        let (a, condition) = dominantSymmetricMatrix(n: n, seed: 12)
        let blocked = try #require(CholeskyFactor(factoring: a, n: n, blockSize: blockSize))
        let unblocked = try #require(choleskyLower(a, n: n, blockSize: n))
        let kappa = diagonalBlockCondition(blocked)
        let largest = (0 ..< n).map { a[$0 * n + $0] }.max()!
        let bound = 2 * condition * Self.gamma(n + 1) * (1 + kappa) * Double(n) * largest.squareRoot()
        var worst = 0.0
        for i in 0 ..< n {
            for j in 0 ... i { worst = max(worst, abs(blocked.values[i * n + j] - unblocked[i * n + j]) / bound) }
        }
        #expect(worst <= 1, "worst difference \(worst) of the bound")
    }

    @Test func factorDoesNotDependOnTheThreads() throws {
        let n = 300
        let (a, _) = dominantSymmetricMatrix(n: n, seed: 13)
        let one = try #require(choleskyLower(a, n: n, blockSize: 32, threads: 1))
        let two = try #require(choleskyLower(a, n: n, blockSize: 32, threads: 2))
        #expect(one == two)
    }

    /// `X = (L⁻ᵀ)ᵀ` from `invertTransposedInPlace` satisfies `|X L - I| <= c n u |X| |L|`
    /// (Higham §14.2.2), here with `c = 2 (1 + κ)` for the products with inverted diagonal
    /// blocks.
    @Test(arguments: [160, 64, 7])
    func triangularInverseIsWithinTheBound(blockSize: Int) throws {
        let n = 160
        let (a, _) = dominantSymmetricMatrix(n: n, seed: 14)
        var factor = try #require(CholeskyFactor(factoring: a, n: n, blockSize: blockSize))
        let kappa = diagonalBlockCondition(factor)
        let l = try #require(choleskyLower(a, n: n, blockSize: blockSize))
        factor.invertTransposedInPlace()
        // X[i][k] = (L⁻ᵀ)[k][i], nonzero for k <= i.
        let x = { (i: Int, k: Int) in factor.values[k * n + i] }
        var worst = 0.0
        for i in 0 ..< n {
            for j in 0 ... i {
                var (sum, magnitude) = (0.0, 0.0)
                for k in j ... i {
                    sum += x(i, k) * l[k * n + j]
                    magnitude += abs(x(i, k) * l[k * n + j])
                }
                let bound = 2 * (1 + kappa) * Double(n) * Self.u * magnitude
                worst = max(worst, abs(sum - (i == j ? 1 : 0)) / bound)
            }
        }
        #expect(worst <= 1, "worst error \(worst) of the bound")
    }

    @Test func refusesSingularAndIndefiniteMatrices() {
        // [[1, 2], [2, 4]] is singular; [[1, 2], [2, 1]] is indefinite; [[0]] is zero.
        #expect(choleskyLower([1, 2, 2, 4], n: 2) == nil)
        #expect(choleskyLower([1, 2, 2, 1], n: 2) == nil)
        #expect(choleskyLower([0], n: 1) == nil)
        #expect(choleskyLower([4, 2, 2, 5], n: 2) == [2, 0, 1, 2])
        // A singular pivot in a later block is found there too.
        var singular = [Double](repeating: 0, count: 9 * 9)
        for i in 0 ..< 9 { singular[i * 9 + i] = i == 7 ? 0 : 1 }
        #expect(choleskyLower(singular, n: 9, blockSize: 4) == nil)
    }
}
