/// The Hessian GPTQ weighs a linear layer's rounding errors with: `H = 2 XᵀX / samples` for the
/// calibration inputs `X` `[samples, in]`, the Hessian of the layer's squared output error
/// `‖X Wᵀ - X Ŵᵀ‖² / samples` with respect to each row of `W`. Kept in Double, `[in * in]` row-major.
struct GPTQHessian {
    var values: [Double]
    let size: Int
    /// The inputs that are 0 in every sample. Their `H[i][i]` is set to 1, so `H` stays
    /// invertible; their weight columns do not affect the output and GPTQ sets them to 0.
    private(set) var dead: [Bool]

    /// `2 XᵀX / samples`, summed in Double over the samples in order (each product of two float32
    /// values is exact in Double), then the dead inputs' diagonal set to 1.
    /// - Precondition: `inputs.count == samples * inFeatures`, `samples > 0`.
    /// - Complexity: O(samples · in²).
    init(inputs: [Float], samples: Int, inFeatures n: Int) {
        precondition(inputs.count == samples * n && samples > 0, "inputs are not \(samples) x \(n)")
        var h = [Double](repeating: 0, count: n * n)
        var row = [Double](repeating: 0, count: n)
        for s in 0 ..< samples {
            for i in 0 ..< n { row[i] = Double(inputs[s * n + i]) }
            // The upper triangle, one contiguous row segment per nonzero input.
            for i in 0 ..< n where row[i] != 0 {
                let xi = row[i]
                for j in i ..< n { h[i * n + j] += xi * row[j] }
            }
        }
        let factor = 2 / Double(samples)
        for i in 0 ..< n {
            for j in i ..< n {
                h[i * n + j] *= factor
                h[j * n + i] = h[i * n + j]
            }
        }
        dead = (0 ..< n).map { h[$0 * n + $0] == 0 }
        for i in 0 ..< n where dead[i] { h[i * n + i] = 1 }
        values = h
        size = n
    }

    /// The diagonal `H[i][i]`.
    var diagonal: [Double] { (0 ..< size).map { values[$0 * size + $0] } }

    /// `P H Pᵀ` for the column order `order` (`order[p]` is the original index of position `p`):
    /// entry `(p, q)` is `H[order[p]][order[q]]`.
    func permuted(_ order: [Int]) -> GPTQHessian {
        var copy = self
        for p in 0 ..< size {
            for q in 0 ..< size { copy.values[p * size + q] = values[order[p] * size + order[q]] }
        }
        copy.dead = order.map { dead[$0] }
        return copy
    }

    /// The upper Cholesky factor `U` of `(H + λI)⁻¹` with `λ = damp · mean(diag H)`, so that
    /// `(H + λI)⁻¹ = Uᵀ U`, rounded to float32, `[in * in]` row-major (the strict lower triangle 0).
    ///
    /// Row `i` of `U` divided by `U[i][i]` is how GPTQ spreads column `i`'s rounding error over the
    /// columns after it: eliminating column `i` from the inverse Hessian of the remaining
    /// columns (the paper's Eq. 3-4) gives exactly these rows, so one factorization replaces
    /// `in` rank-one downdates. Computed as the reference does: `L = cholesky(H + λI)`,
    /// `(H + λI)⁻¹ = L⁻ᵀ L⁻¹`, then the Cholesky factor of that, transposed; all in Double.
    ///
    /// Throws `GPTQError.notPositiveDefinite` when either factorization meets a pivot that is not
    /// positive (see `choleskyLower(_:n:)`).
    /// - Complexity: O(in³).
    func inverseUpperFactor(damp: Float) throws(GPTQError) -> [Float] {
        let n = size
        var dampened = values
        let lambda = Double(damp) * diagonal.reduce(0, +) / Double(n)
        for i in 0 ..< n { dampened[i * n + i] += lambda }
        guard let lower = choleskyLower(dampened, n: n),
              let inverseLower = choleskyLower(inverseFromCholesky(lower: lower, n: n), n: n)
        else { throw .notPositiveDefinite(damp: damp) }
        var upper = [Float](repeating: 0, count: n * n)
        for i in 0 ..< n {
            for j in i ..< n { upper[i * n + j] = Float(inverseLower[j * n + i]) }
        }
        return upper
    }
}
