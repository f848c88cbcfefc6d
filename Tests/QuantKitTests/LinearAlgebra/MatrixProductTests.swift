import Testing

@testable import QuantKit

@Suite struct MatrixProductTests {
    static let updates: [ProductUpdate] = [.store, .add, .subtract]
    // k = 300 crosses two of the kernel's 128-step k blocks; m and n leave partial micro-tiles.
    static let shapes: [(m: Int, n: Int, k: Int)] = [(1, 1, 1), (13, 37, 300), (40, 17, 128), (3, 5, 0)]

    /// `C ± A · Bᵀ` on windows: A, B and C are the top-left corners of wider matrices (row
    /// strides k + 3, k + 5, n + 2), and the entries of C outside the window keep their values.
    /// Each entry is within `γ(k + 1) (|c| + Σ_p |a_ip b_jp|)` of the exact value (computed in
    /// Double from the float32 inputs, exact to about 2^-53 of the same magnitude).
    @Test(arguments: shapes.indices, updates)
    func floatUpdateOfAWindowIsWithinItsBound(shape: Int, update: ProductUpdate) {
        let (m, n, k) = Self.shapes[shape]
        let (lda, ldb, ldc) = (k + 3, k + 5, n + 2)
        var random = QuantTestRandom(seed: UInt64(17 + shape))
        let a = random.normals(m * lda), b = random.normals(n * ldb), c = random.normals(m * ldc)
        var result = c
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                result.withUnsafeMutableBufferPointer { result in
                    matrixProduct(a.baseAddress!, lda: lda, b.baseAddress!, ldb: ldb, m: m, n: n, k: k, update,
                                  into: result.baseAddress!, ldc: ldc)
                }
            }
        }
        let gamma = Double(k + 1) * 0x1p-24 / (1 - Double(k + 1) * 0x1p-24)
        for i in 0 ..< m {
            for j in 0 ..< ldc {
                guard j < n else { #expect(result[i * ldc + j] == c[i * ldc + j]); continue }
                var (sum, magnitude) = (0.0, 0.0)
                for p in 0 ..< k {
                    let product = Double(a[i * lda + p]) * Double(b[j * ldb + p])
                    (sum, magnitude) = (sum + product, magnitude + abs(product))
                }
                let start = update == .store ? 0 : Double(c[i * ldc + j])
                let exact = update == .subtract ? start - sum : start + sum
                #expect(abs(Double(result[i * ldc + j]) - exact) <= gamma * (abs(start) + magnitude) + 0x1p-149,
                        "\(m)x\(n)x\(k) \(update) at \(i), \(j)")
            }
        }
    }

    /// The float64 kernel on integers: every product and partial sum is an integer below 2^53, so
    /// the result is exact whatever the order.
    @Test(arguments: updates)
    func doubleUpdateIsExactOnIntegers(update: ProductUpdate) {
        let (m, n, k, ldc) = (11, 21, 260, 25)
        var random = QuantTestRandom(seed: 3)
        let integer = { (random: inout QuantTestRandom) in Double(Int(random.next() % 2001) - 1000) }
        let a = (0 ..< m * k).map { _ in integer(&random) }, b = (0 ..< n * k).map { _ in integer(&random) }
        let c = (0 ..< m * ldc).map { _ in integer(&random) }
        var result = c
        result.withUnsafeMutableBufferPointer { result in
            matrixProduct(a, lda: k, b, ldb: k, m: m, n: n, k: k, update, into: result.baseAddress!, ldc: ldc)
        }
        for i in 0 ..< m {
            for j in 0 ..< ldc {
                let sum = (0 ..< k).reduce(0.0) { $0 + a[i * k + $1] * b[j < n ? j * k + $1 : 0] }
                let expected = j >= n ? c[i * ldc + j] : update == .store ? sum : update == .add ? c[i * ldc + j] + sum : c[i * ldc + j] - sum
                #expect(result[i * ldc + j] == expected, "\(update) at \(i), \(j)")
            }
        }
    }

    @Test func lowerTilesCoverTheLowerTriangleOnce() {
        for (n, tile) in [(0, 4), (1, 4), (10, 4), (12, 4), (9, 100)] {
            var seen = [Int](repeating: 0, count: n * n)
            forEachLowerTile(n: n, tile: tile, threads: 1) { rows, columns in
                #expect(columns.lowerBound <= rows.lowerBound)
                for i in rows { for j in columns { seen[i * n + j] += 1 } }
            }
            for i in 0 ..< n {
                for j in 0 ... i { #expect(seen[i * n + j] == 1, "n \(n), tile \(tile): (\(i), \(j))") }
            }
        }
    }
}
