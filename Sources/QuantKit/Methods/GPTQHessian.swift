/// The Hessian GPTQ weighs a linear layer's rounding errors with: `H = 2 XᵀX / samples` for the
/// calibration inputs `X` `[samples, in]`, the Hessian of the layer's squared output error
/// `‖X Wᵀ - X Ŵᵀ‖² / samples` with respect to each row of `W`. Kept in Double.
struct GPTQHessian {
    /// Where `XᵀX` comes from: the inputs themselves, or their sum already made.
    enum Source {
        case inputs([Float])
        case sum(GPTQHessianSum)
    }

    let source: Source
    let samples: Int
    let size: Int
    /// `H[i][i] = 2 Σ_s x_si² / samples`, summed in Double in sample order (each square of a
    /// float32 value is exact in Double); 1 for a dead input.
    let diagonal: [Double]
    /// The inputs that are 0 in every sample. Their `H[i][i]` is set to 1, so `H` stays
    /// invertible; their weight columns do not affect the output and GPTQ sets them to 0.
    let dead: [Bool]

    /// The diagonal and the dead inputs of `H` for `inputs` `[samples, inFeatures]`; the rest of
    /// `H` is computed by `reversedDampened(order:damp:threads:)`.
    /// - Precondition: `inputs.count == samples * inFeatures`, `samples > 0`.
    /// - Complexity: O(samples · in).
    init(inputs: [Float], samples: Int, inFeatures n: Int) {
        precondition(inputs.count == samples * n && samples > 0, "inputs are not \(samples) x \(n)")
        var squares = [Double](repeating: 0, count: n)
        for s in 0 ..< samples {
            for i in 0 ..< n {
                let x = Double(inputs[s * n + i])
                squares[i] += x * x
            }
        }
        let factor = 2 / Double(samples)
        dead = squares.map { $0 == 0 }
        diagonal = squares.map { $0 == 0 ? 1 : factor * $0 }
        (source, self.samples, size) = (.inputs(inputs), samples, n)
    }

    /// The Hessian of the rows `sum` added.
    /// - Precondition: `sum.samples > 0`.
    init(sum: GPTQHessianSum) {
        precondition(sum.samples > 0, "a Hessian needs at least one sample")
        let n = sum.inFeatures
        let squares = (0 ..< n).map { sum.gram($0, $0) }
        let factor = 2 / Double(sum.samples)
        dead = squares.map { $0 == 0 }
        diagonal = squares.map { $0 == 0 ? 1 : factor * $0 }
        (source, samples, size) = (.sum(sum), sum.samples, n)
    }

    /// `K = J P (H + λI) Pᵀ J` in its lower triangle (`[in * in]` row-major; above the diagonal
    /// only parts of it), with `λ = damp · mean(diagonal)`: `H` dampened, its rows and columns in
    /// the quantization order `order` (`P`; `order[p]` is the input quantized at position `p`),
    /// then reversed (`J`, the exchange matrix), so that entry `(a, b)` is
    /// `H[σ(a)][σ(b)] + λ δ_ab` with `σ(a) = order[in - 1 - a]`. A dead input's diagonal entry is 1
    /// before dampening.
    ///
    /// From a `GPTQHessianSum`, `XᵀX` is its entries, permuted. From the inputs, `XᵀX` is a
    /// float64 GEMM on the tiles of the lower triangle (`forEachLowerTile`, on
    /// `threads` threads), over chunks of samples each copied to Double and transposed in the
    /// order `σ`: each entry is off from the exact `Σ_s x_sa x_sb` by at most
    /// `γ(samples) Σ_s |x_sa x_sb|` (u = 2^-53), then scaled by `2 / samples` (one more rounding).
    /// - Complexity: O(samples · in² / 2) time; O(in²) memory, plus 32 MiB for a chunk.
    func reversedDampened(order: [Int], damp: Float, threads: Int) -> [Double] {
        let n = size
        let source = (0 ..< n).map { order[n - 1 - $0] }
        var k: [Double]
        switch self.source {
        case .inputs(let inputs): k = Self.reversedGram(of: inputs, samples: samples, source: source, threads: threads)
        case .sum(let sum):
            k = [Double](repeating: 0, count: n * n)
            for a in 0 ..< n {
                for b in 0 ... a { k[a * n + b] = sum.gram(max(source[a], source[b]), min(source[a], source[b])) }
            }
        }
        let (factor, lambda) = (2 / Double(samples), Double(damp) * diagonal.reduce(0, +) / Double(n))
        for a in 0 ..< n {
            for b in 0 ... a { k[a * n + b] *= factor }
            if dead[source[a]] { k[a * n + a] = 1 }
            k[a * n + a] += lambda
        }
        return k
    }

    /// `J P XᵀX Pᵀ J` in its lower triangle for `inputs` `[samples, n]` (see `reversedDampened`),
    /// `source[a]` the input at reversed position `a`.
    private static func reversedGram(of inputs: [Float], samples: Int, source: [Int], threads: Int) -> [Double] {
        let n = source.count
        // Samples per chunk: a multiple of the GEMM's 256-step k blocks, 32 MiB of Double.
        let chunk = min(samples, max(256, (1 << 22) / n / 256 * 256))
        var k = [Double](repeating: 0, count: n * n)
        var transposed = [Double](repeating: 0, count: n * chunk)
        k.withUnsafeMutableBufferPointer { k in
            transposed.withUnsafeMutableBufferPointer { t in
                inputs.withUnsafeBufferPointer { x in
                    let (k, t, x) = (k.baseAddress!, t.baseAddress!, x.baseAddress!)
                    for s0 in stride(from: 0, to: samples, by: chunk) {
                        let count = min(chunk, samples - s0)
                        // t[a][s] = x[s0 + s][σ(a)], 64 rows of t per task.
                        parallelFor((n + 63) / 64, threads: threads) { task in
                            for s in 0 ..< count {
                                let row = x + (s0 + s) * n
                                for a in task * 64 ..< min(n, task * 64 + 64) { t[a * count + s] = Double(row[source[a]]) }
                            }
                        }
                        forEachLowerTile(n: n, tile: 256, threads: threads) { rows, columns in
                            matrixProduct(t + rows.lowerBound * count, lda: count, t + columns.lowerBound * count, ldb: count,
                                          m: rows.count, n: columns.count, k: count, .add,
                                          into: k + rows.lowerBound * n + columns.lowerBound, ldc: n)
                        }
                    }
                }
            }
        }
        return k
    }
}
