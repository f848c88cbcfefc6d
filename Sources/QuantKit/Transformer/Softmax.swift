import Foundation

/// Softmax over the values of `row` at `allowed`, in place, max-subtracted so that no `exp`
/// overflows: `p_i = e^(x_i - m) / Σ_j e^(x_j - m)` with `m = max_j x_j` over `allowed`. The
/// largest term is exactly 1, so the sum is at least 1 and never zero. Values outside `allowed`
/// (masked keys) become 0, as `e^-∞` does in torch's additive mask.
/// - Precondition: `allowed` is a non-empty range of `row`'s indices holding finite values.
/// - Complexity: O(row.count).
@inline(__always)
func softmax(_ row: UnsafeMutableBufferPointer<Float>, allowed: Range<Int>) {
    var maximum = -Float.infinity
    for i in allowed { maximum = max(maximum, row[i]) }
    var sum: Float = 0
    for i in allowed {
        let e = expf(row[i] - maximum)
        row[i] = e
        sum += e
    }
    for i in allowed { row[i] /= sum }
    for i in 0 ..< allowed.lowerBound { row[i] = 0 }
    for i in allowed.upperBound ..< row.count { row[i] = 0 }
}
