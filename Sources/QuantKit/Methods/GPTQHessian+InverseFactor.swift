extension GPTQHessian {
    /// `Uᵀ`, rounded to float32, `[in * in]` row-major (lower triangular, 0 above the diagonal),
    /// for `U` the upper Cholesky factor of `A⁻¹`, `A = P (H + λI) Pᵀ` the dampened Hessian in the
    /// quantization order `order` (see `reversedDampened(order:damp:threads:)`): `A⁻¹ = Uᵀ U`.
    ///
    /// Row `p` of `U` divided by `U[p][p]` is how GPTQ spreads the rounding error of the column
    /// at position `p` over the columns after it: eliminating that column from the inverse
    /// Hessian of the remaining columns (the paper's Eq. 3-4) gives exactly these rows, so one
    /// factorization replaces `in` rank-one downdates.
    ///
    /// Computed from one factorization and one triangular inverse, never forming `A⁻¹`: with `J`
    /// the exchange matrix, `K = J A J = L Lᵀ` (`CholeskyFactor`), so `A = V Vᵀ` with
    /// `V = J L J` upper triangular, and `A⁻¹ = V⁻ᵀ V⁻¹`; `U = V⁻¹ = J L⁻¹ J` is upper triangular
    /// with a positive diagonal, hence the Cholesky factor. So `Uᵀ[a][b] = (L⁻ᵀ)[n-1-a][n-1-b]`
    /// (`CholeskyFactor.invertTransposedInPlace`). This takes `n³ / 3 + n³ / 3` flops where the
    /// reference's Cholesky, inverse, product and second Cholesky take about `4 n³ / 3`, and
    /// gives the same `U` up to rounding: in Double, well below float32's ulp for the
    /// condition numbers dampening leaves.
    ///
    /// Throws `GPTQError.notPositiveDefinite` when the factorization meets a pivot that is not
    /// positive (see `CholeskyFactor`).
    /// - Complexity: O(samples · in² / 2 + 2 in³ / 3) on `threads` threads; O(in²) Double memory
    ///   while it runs.
    func inverseUpperFactorTransposed(order: [Int], damp: Float, threads: Int) throws(GPTQError) -> [Float] {
        let n = size
        guard var factor = CholeskyFactor(factoring: reversedDampened(order: order, damp: damp, threads: threads), n: n,
                                          threads: threads)
        else { throw .notPositiveDefinite(damp: damp) }
        factor.invertTransposedInPlace(threads: threads)
        return factor.values.withUnsafeBufferPointer { inverse in
            let inverse = inverse.baseAddress!
            return [Float](unsafeUninitializedCapacity: n * n) { transposed, initialized in
                let transposed = transposed.baseAddress!
                parallelFor(n, threads: threads) { a in
                    let source = inverse + (n - 1 - a) * n + (n - 1)
                    for b in 0 ... a { transposed[a * n + b] = Float(source[-b]) }
                    (transposed + a * n + a + 1).initialize(repeating: 0, count: n - 1 - a)
                }
                initialized = n * n
            }
        }
    }
}
