import CKernels

// `C ← C ± A · Bᵀ` on windows of row-major matrices, through the blocked GEMMs of `CKernels`
// (float32 as for `floatMatrixMultiply`, float64 from the same template): the trailing updates of
// the blocked Cholesky factorization, of the triangular inverse and of GPTQ's lazy batches.

/// How a product `A · Bᵀ` meets the matrix `C` it is written into.
enum ProductUpdate {
    /// `C = A · Bᵀ`.
    case store
    /// `C = C + A · Bᵀ`.
    case add
    /// `C = C - A · Bᵀ`.
    case subtract

    var kernelMode: ck_gemm_mode {
        switch self {
        case .store: CK_GEMM_STORE
        case .add: CK_GEMM_ADD
        case .subtract: CK_GEMM_SUBTRACT
        }
    }
}

/// `C` updated by `A · Bᵀ` as `update` says, for `A` `[m, k]`, `B` `[n, k]` and `C` `[m, n]`, each
/// row-major with its own row stride (`lda`, `ldb`, `ldc`), so that any of them can be a window
/// of a larger matrix. Runs on the calling thread.
///
/// Each entry's sum over `k` runs in blocks of 256 terms in index order with fused multiply-adds,
/// and each block's sum is stored into, added to or subtracted from `c` in turn. So, as for any
/// order of `k + 1` additions, the entry is off from the exact `c ± Σ_p a_ip b_jp` by at most
/// `γ(k + 1) · (|c| + Σ_p |a_ip b_jp|)` with `γ(j) = j ε / (1 - j ε)`, ε = 2^-53 (Higham,
/// "Accuracy and Stability of Numerical Algorithms", §3.1); with `k <= 256` an update rounds
/// once more than its product: `c - s` for the block's sum `s`.
/// - Precondition: the windows do not overlap `C`.
/// - Complexity: O(m · n · k).
func matrixProduct(_ a: UnsafePointer<Double>, lda: Int, _ b: UnsafePointer<Double>, ldb: Int, m: Int, n: Int, k: Int,
                   _ update: ProductUpdate, into c: UnsafeMutablePointer<Double>, ldc: Int) {
    ck_dgemm_block(a, lda, b, ldb, c, ldc, k, 0, m, 0, n, update.kernelMode)
}

/// The float32 `matrixProduct`: the same order of operations in blocks of 128 terms (those of
/// `floatMatrixMultiply`), each rounded to float32 (ε = 2^-24 in the bound).
func matrixProduct(_ a: UnsafePointer<Float>, lda: Int, _ b: UnsafePointer<Float>, ldb: Int, m: Int, n: Int, k: Int,
                   _ update: ProductUpdate, into c: UnsafeMutablePointer<Float>, ldc: Int) {
    ck_sgemm_update_block(a, lda, b, ldb, c, ldc, k, 0, m, 0, n, update.kernelMode)
}
