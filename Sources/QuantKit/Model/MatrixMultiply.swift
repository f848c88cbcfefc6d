import CKernels
import Dispatch
import Foundation

// The matrix multiplies behind `Linear`, `QuantizedLinear.forward` and `forwardInt8`.
//
// The arithmetic lives in the C target `CKernels`: blocked, packed GEMMs whose micro-kernels
// are compiled for AVX-512 (float32 FMA; int8 `vpdpbusd` of AVX-512 VNNI) and AVX2 through
// per-function `target` attributes, and chosen at run time from the CPU's features. Swift's
// SIMD types compile to the baseline x86-64 ISA (SSE2) without `-Xcc -mavx512f`-style flags,
// and `unsafeFlags` would make the package unusable as a dependency; the C route needs no flags,
// runs on any x86-64 and builds on arm64, where only the portable versions are compiled.
//
// This file splits C into a fixed grid of tiles and runs them on all cores with Dispatch. The
// kernels compute each output element by the same sequence of operations whatever tile it is
// in, and the grid does not depend on the thread count, so results are bit-identical for any
// number of threads.

/// Rows and columns of C per task: large enough to amortize packing, small enough that a
/// 256 x 4096 product gives each of a few cores several tasks.
private let tileRows = 256
private let tileColumns = 256


/// Calls `body(rows, columns)` for every tile of a fixed grid over an `m x n` output, on up to
/// `threads` threads: all cores with tiles handed out as workers free up, or fewer threads with
/// tile `t` going to worker `t % workers`.
func forEachTile(m: Int, n: Int, tileRows: Int = tileRows, tileColumns: Int = tileColumns, threads: Int,
                 _ body: @Sendable (Range<Int>, Range<Int>) -> Void) {
    let rowTiles = (m + tileRows - 1) / tileRows
    let columnTiles = (n + tileColumns - 1) / tileColumns
    let tiles = rowTiles * columnTiles
    let workers = max(1, min(threads, tiles))
    if workers == 1 {
        for tile in 0 ..< tiles { runTile(tile) }
    } else if workers >= defaultThreadCount {
        // Dispatch hands tiles to its per-core threads as they finish, which keeps every core
        // busy when another process takes part of one.
        DispatchQueue.concurrentPerform(iterations: tiles) { runTile($0) }
    } else {
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            for tile in stride(from: worker, to: tiles, by: workers) { runTile(tile) }
        }
    }

    @Sendable func runTile(_ tile: Int) {
        let r = tile / columnTiles, c = tile % columnTiles
        body(r * tileRows ..< min(m, (r + 1) * tileRows), c * tileColumns ..< min(n, (c + 1) * tileColumns))
    }
}

/// `C = A · Bᵀ + bias` in float32, for `A` `[m, k]` and `B` `[n, k]` row-major (B is a linear
/// layer's weight `[out, in]`), giving `C` `[m, n]` row-major.
///
/// Each output is a float32 sum of the `k` products in blocks of 128 in index order (fused
/// multiply-adds where the CPU has them), the blocks added in order, then the bias. Against the
/// exact value it is off by at most `(k + 1) · 2^-23 · (Σ_p |a_ip b_jp| + |bias_j|)`, as any
/// summation order is; results are identical for every `threads`.
/// - Precondition: the counts match `m`, `n`, `k`; `bias`, when given, has `n` values.
/// - Complexity: O(m · n · k), on `threads` threads.
public func floatMatrixMultiply(_ a: [Float], _ b: [Float], bias: [Float]?, m: Int, n: Int, k: Int,
                         threads: Int = defaultThreadCount) -> [Float] {
    precondition(m >= 0 && n >= 0 && k >= 0 && a.count == m * k && b.count == n * k, "operands are not \(m) x \(k) and \(n) x \(k)")
    precondition(bias.map { $0.count == n } ?? true, "bias must have \(n) values")
    return [Float](unsafeUninitializedCapacity: m * n) { c, initialized in
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                withOptionalBuffer(bias) { bias in
                    nonisolated(unsafe) let (a, b, bias, c) = (a.baseAddress, b.baseAddress, bias, c.baseAddress)
                    forEachTile(m: m, n: n, threads: threads) { rows, columns in
                        ck_sgemm_block(a, k, b, k, bias, c, n, k, rows.lowerBound, rows.upperBound,
                                       columns.lowerBound, columns.upperBound)
                    }
                }
            }
        }
        initialized = m * n
    }
}

/// The largest `k` for which `int8MatrixMultiply` is exact: every product is at most
/// `128 · 128 = 2^14` in magnitude, so every partial sum of `k` of them fits in int32 while
/// `k · 2^14 < 2^31`.
public let int8MatrixMultiplyMaxK = Int(CK_IGEMM_MAX_K)

/// `C = A · Bᵀ` for int8 `A` `[m, k]` and `B` `[n, k]` row-major, with exact int32 sums.
///
/// `a` and `b` may be longer rows than `k` (leading dimensions `lda`, `ldb`), so a caller can
/// split a longer sum into pieces of at most `int8MatrixMultiplyMaxK`.
/// - Precondition: `k <= int8MatrixMultiplyMaxK` and `k <= lda, ldb`; the operands hold `m`
///   and `n` such rows (the last may stop after `k` values).
/// - Complexity: O(m · n · k), on `threads` threads.
func int8MatrixMultiply(_ a: UnsafeBufferPointer<Int8>, lda: Int, _ b: UnsafeBufferPointer<Int8>, ldb: Int,
                        m: Int, n: Int, k: Int, threads: Int = defaultThreadCount) -> [Int32] {
    precondition(k >= 0 && k <= int8MatrixMultiplyMaxK, "k = \(k) is outside 0...\(int8MatrixMultiplyMaxK)")
    precondition(m >= 0 && n >= 0 && k <= lda && k <= ldb, "rows of \(k) values do not fit in \(lda) and \(ldb)")
    precondition((m == 0 || a.count >= (m - 1) * lda + k) && (n == 0 || b.count >= (n - 1) * ldb + k),
                 "operands are not \(m) x \(k) and \(n) x \(k) with leading dimensions \(lda), \(ldb)")
    return [Int32](unsafeUninitializedCapacity: m * n) { c, initialized in
        nonisolated(unsafe) let (a, b, c) = (a.baseAddress, b.baseAddress, c.baseAddress)
        forEachTile(m: m, n: n, threads: threads) { rows, columns in
            ck_igemm_block(a, lda, b, ldb, c, n, k, rows.lowerBound, rows.upperBound, columns.lowerBound, columns.upperBound)
        }
        initialized = m * n
    }
}

/// `C = A · Bᵀ` for int8 `A` `[m, k]` and `B` `[n, k]` row-major, with exact int32 sums.
/// - Precondition: `k <= int8MatrixMultiplyMaxK`; the counts match `m`, `n`, `k`.
public func int8MatrixMultiply(_ a: [Int8], _ b: [Int8], m: Int, n: Int, k: Int,
                        threads: Int = defaultThreadCount) -> [Int32] {
    precondition(a.count == m * k && b.count == n * k, "operands are not \(m) x \(k) and \(n) x \(k)")
    return a.withUnsafeBufferPointer { a in
        b.withUnsafeBufferPointer { b in
            int8MatrixMultiply(a, lda: k, b, ldb: k, m: m, n: n, k: k, threads: threads)
        }
    }
}

/// Names of the kernels this CPU runs, e.g. `("avx512f", "avx512vnni")`; for reports.
public var matrixMultiplyKernels: (float32: String, int8: String) {
    (String(cString: ck_sgemm_kernel_name()), String(cString: ck_igemm_kernel_name()))
}

private func withOptionalBuffer<R>(_ values: [Float]?, _ body: (UnsafePointer<Float>?) -> R) -> R {
    guard let values else { return body(nil) }
    return values.withUnsafeBufferPointer { body($0.baseAddress) }
}
