import Testing

@testable import QuantKit

/// The plain triple loop the blocked float32 GEMM is checked against: each output summed in
/// index order, then the bias.
func naiveFloatMatrixMultiply(_ a: [Float], _ b: [Float], bias: [Float]?, m: Int, n: Int, k: Int) -> [Float] {
    var c = [Float](repeating: 0, count: m * n)
    for i in 0 ..< m {
        for j in 0 ..< n {
            var sum: Float = 0
            for p in 0 ..< k { sum += a[i * k + p] * b[j * k + p] }
            c[i * n + j] = sum + (bias?[j] ?? 0)
        }
    }
    return c
}

/// The plain triple loop the int8 GEMM must match exactly, summed in int64.
func naiveInt8MatrixMultiply(_ a: [Int8], _ b: [Int8], m: Int, n: Int, k: Int) -> [Int64] {
    var c = [Int64](repeating: 0, count: m * n)
    for i in 0 ..< m {
        for j in 0 ..< n {
            var sum: Int64 = 0
            for p in 0 ..< k { sum += Int64(a[i * k + p]) * Int64(b[j * k + p]) }
            c[i * n + j] = sum
        }
    }
    return c
}

@Suite struct MatrixMultiplyTests {
    static let shapes: [(m: Int, n: Int, k: Int)] = [(1, 1, 1), (3, 5, 7), (17, 33, 65), (64, 129, 257), (2, 3, 0)]

    func randomInt8(_ count: Int, using random: inout QuantTestRandom) -> [Int8] {
        (0 ..< count).map { _ in Int8(truncatingIfNeeded: random.next()) }
    }

    @Test(arguments: shapes.indices, [false, true])
    func floatProductMatchesTheTripleLoopWithinRounding(shape: Int, withBias: Bool) {
        let (m, n, k) = Self.shapes[shape]
        var random = QuantTestRandom(seed: UInt64(shape))
        let a = random.normals(m * k), b = random.normals(n * k)
        let bias = withBias ? random.normals(n) : nil
        let fast = floatMatrixMultiply(a, b, bias: bias, m: m, n: n, k: k)
        let naive = naiveFloatMatrixMultiply(a, b, bias: bias, m: m, n: n, k: k)
        // Both are within (k + 1) · 2^-23 · (Σ|a||b| + |bias|) of the exact value.
        for i in 0 ..< m {
            for j in 0 ..< n {
                var magnitude: Float = abs(bias?[j] ?? 0)
                for p in 0 ..< k { magnitude += abs(a[i * k + p] * b[j * k + p]) }
                let bound = 2 * Float(k + 1) * 0x1p-23 * magnitude
                #expect(abs(fast[i * n + j] - naive[i * n + j]) <= bound, "\(m)x\(n)x\(k) at \(i), \(j)")
            }
        }
    }

    @Test func floatProductIsExactOnSmallIntegers() {
        // Every product and partial sum is a small integer, so any summation order gives the same.
        let (m, n, k) = (9, 70, 300)
        let a = (0 ..< m * k).map { Float($0 % 7) - 3 }, b = (0 ..< n * k).map { Float($0 % 5) - 2 }
        let bias = (0 ..< n).map { Float($0) }
        #expect(floatMatrixMultiply(a, b, bias: bias, m: m, n: n, k: k) == naiveFloatMatrixMultiply(a, b, bias: bias, m: m, n: n, k: k))
    }

    @Test func floatProductDoesNotDependOnTheThreadCount() {
        // 2 x 3 tiles of the grid, and a k of three packed blocks and a part.
        let (m, n, k) = (300, 700, 400)
        var random = QuantTestRandom(seed: 5)
        let a = random.normals(m * k), b = random.normals(n * k), bias = random.normals(n)
        let one = floatMatrixMultiply(a, b, bias: bias, m: m, n: n, k: k, threads: 1)
        for threads in [2, 3, 8] {
            #expect(floatMatrixMultiply(a, b, bias: bias, m: m, n: n, k: k, threads: threads) == one)
        }
    }

    @Test(arguments: shapes.indices)
    func int8ProductEqualsTheTripleLoop(shape: Int) {
        let (m, n, k) = Self.shapes[shape]
        var random = QuantTestRandom(seed: UInt64(10 + shape))
        let a = randomInt8(m * k, using: &random), b = randomInt8(n * k, using: &random)
        let fast = int8MatrixMultiply(a, b, m: m, n: n, k: k)
        #expect(fast.map(Int64.init) == naiveInt8MatrixMultiply(a, b, m: m, n: n, k: k))
    }

    @Test func int8ProductCoversEveryCodePair() {
        // Row i of A is the code i - 128 repeated; row j of B is every code once: C_ij = (i - 128) · Σ codes.
        let codes = (-128 ... 127).map { Int8($0) }
        let a = codes.flatMap { [Int8](repeating: $0, count: 256) }
        let b = codes + codes.reversed()
        let fast = int8MatrixMultiply(a, Array(b[0 ..< 256]) + Array(b[256...]), m: 256, n: 2, k: 256)
        #expect(fast.map(Int64.init) == naiveInt8MatrixMultiply(a, b, m: 256, n: 2, k: 256))
        // And every product alone: A holds all codes as a column, B all codes as a column.
        let products = int8MatrixMultiply(codes, codes, m: 256, n: 256, k: 1)
        #expect(products.map(Int64.init) == naiveInt8MatrixMultiply(codes, codes, m: 256, n: 256, k: 1))
    }

    @Test func int8ProductIsExactAtTheExtremesOfALongSum() {
        // k = 70000: sums of (-128)(-128) reach 70000 · 2^14 ≈ 1.15e9, beyond a biased int32
        // accumulator but within int32 once the bias is removed.
        let k = 70000
        var random = QuantTestRandom(seed: 3)
        let a = [Int8](repeating: -128, count: k) + [Int8](repeating: 127, count: k) + randomInt8(k, using: &random)
        let b = [Int8](repeating: -128, count: k) + [Int8](repeating: 127, count: k) + randomInt8(k, using: &random)
        let fast = int8MatrixMultiply(a, b, m: 3, n: 3, k: k)
        #expect(fast.map(Int64.init) == naiveInt8MatrixMultiply(a, b, m: 3, n: 3, k: k))
        #expect(fast[0] == Int32(k) << 14)
    }

    @Test func int8ProductDoesNotDependOnTheThreadCount() {
        let (m, n, k) = (300, 700, 1100)
        var random = QuantTestRandom(seed: 9)
        let a = randomInt8(m * k, using: &random), b = randomInt8(n * k, using: &random)
        let one = int8MatrixMultiply(a, b, m: m, n: n, k: k, threads: 1)
        #expect(one.map(Int64.init) == naiveInt8MatrixMultiply(a, b, m: m, n: n, k: k))
        for threads in [2, 5] {
            #expect(int8MatrixMultiply(a, b, m: m, n: n, k: k, threads: threads) == one)
        }
    }
}
