extension CholeskyFactor {
    /// Writes `Lᵀ⁻¹ = (L⁻¹)ᵀ`, upper triangular, over the upper triangle of `values` (diagonal
    /// included), by blocks of `blockSize` rows, with zeros below the diagonal of each diagonal
    /// block; below the diagonal blocks, `values` keeps `L`.
    ///
    /// Column block `j` of `M = L⁻¹` follows from `L M = I` by block forward substitution:
    /// `M_jj = L_jj⁻¹` and, for each block row `i > j` in turn,
    /// `M_ij = -L_ii⁻¹ Σ_{j <= p < i} L_ip M_pj`. Transposed, row block `j` of `Mᵀ` is
    /// `Mᵀ_ji = T D_iᵀ` with `T = -Σ_p Mᵀ_jp L_ipᵀ` and `D_i = L_ii⁻¹` (`diagonalBlockInverses`):
    /// two float64 GEMMs of the `A · Bᵀ` form, reading only row block `j` of `Mᵀ` and the blocks
    /// of `L` below the diagonal. So each row block is a task of its own, on `threads` threads,
    /// and writes only its own rows.
    ///
    /// ## Error bound
    /// The blocked inverse `X` of a triangular `L` satisfies `|X L - I| <= c_n u |X| |L|` for a
    /// modest `c_n` (Higham, "Accuracy and Stability of Numerical Algorithms", 2nd ed., §14.2.2),
    /// with the diagonal blocks inverted by substitution as here; u = 2^-53. Relative to `X`,
    /// the error is then of order `κ(L) u`, where `κ(L)² = κ(A)`.
    /// - Complexity: O(n³ / 3) on `threads` threads, O(blockSize²) memory per task.
    mutating func invertTransposedInPlace(threads: Int = defaultThreadCount) {
        let (n, blockSize, inverses) = (n, blockSize, diagonalBlockInverses)
        let blocks = (n + blockSize - 1) / blockSize
        updateValues { values in
            inverses.withUnsafeBufferPointer { inverses in
                let inverses = inverses.baseAddress!
                parallelFor(blocks, threads: threads) { j in
                    let j0 = j * blockSize
                    let rows = min(blockSize, n - j0)
                    // Mᵀ_jj = D_jᵀ, whole: the products below read it as a block.
                    for r in 0 ..< rows {
                        for c in 0 ..< rows { values[(j0 + r) * n + j0 + c] = inverses[j0 * blockSize + c * blockSize + r] }
                    }
                    var t = [Double](repeating: 0, count: blockSize * blockSize)
                    for i0 in stride(from: j0 + blockSize, to: n, by: blockSize) {
                        let columns = min(blockSize, n - i0)
                        t.withUnsafeMutableBufferPointer { t in
                            let t = t.baseAddress!
                            t.update(repeating: 0, count: rows * blockSize)
                            matrixProduct(values + j0 * n + j0, lda: n, values + i0 * n + j0, ldb: n, m: rows, n: columns,
                                          k: i0 - j0, .subtract, into: t, ldc: blockSize)
                            matrixProduct(t, lda: blockSize, inverses + i0 * blockSize, ldb: blockSize, m: rows, n: columns,
                                          k: columns, .store, into: values + j0 * n + i0, ldc: n)
                        }
                    }
                }
            }
        }
    }
}
