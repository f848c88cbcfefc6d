import Foundation

/// The float model's log-probabilities at one position in the 16-bit form `llama-perplexity
/// --kl-divergence-base` stores them in (tools/perplexity/perplexity.cpp, `log_softmax` with a
/// `uint16_t * log_prob` output), which its `--kl-divergence` pass then compares against: keeping
/// the same rounding makes our numbers those `llama-perplexity` prints for the same logits.
///
/// With `M = max_i z_i` and `m = max(min_i z_i, M - 16)` (float32), `S = Σ_i expf(z_i - M)` summed
/// in Double, `L = Float(log S)`:
/// - `minLogProbability = (m - M) - L`, `scale = (M - m) / 65535` (float32);
/// - code `c_i = round((z_i - m) / scale)` (half to even, as `nearest_int`; `1 / scale` is
///   taken first) where `z_i > m`, else 0; stored as `uint16_t`, so a rounding to 65536 wraps
///   to 0 as the C assignment does;
/// - the stored log-probability is `scale · c_i + minLogProbability` (float32): within
///   `scale / 2 <= 16 / 131070 ≈ 1.2e-4` of the exact `z_i - M - L` for `z_i >= M - 16`, and
///   floored near `M - 16 - L` below it.
/// When every logit is equal, `scale` is 0 and every code 0 (`log p = -L`).
struct StoredLogProbabilities {
    let scale: Float
    let minLogProbability: Float
    let codes: [UInt16]

    /// - Precondition: `logits` is not empty and finite.
    init(logits: UnsafeBufferPointer<Float>) {
        var (largest, smallest) = (logits[0], logits[0])
        for z in logits.dropFirst() {
            largest = max(largest, z)
            smallest = min(smallest, z)
        }
        smallest = max(smallest, largest - 16)
        let logSumExp = Float(log(sumOfExponentials(logits, shift: largest)))
        minLogProbability = smallest - largest - logSumExp
        scale = (largest - smallest) / 65535
        guard scale != 0 else {
            codes = [UInt16](repeating: 0, count: logits.count)
            return
        }
        let inverseScale = 1 / scale
        codes = logits.map { z in
            z > smallest ? UInt16(truncatingIfNeeded: Int((inverseScale * (z - smallest)).rounded(.toNearestOrEven))) : 0
        }
    }

    /// `scale · c_i + minLogProbability`, the stored `log p_i` (float32, unfused).
    func logProbability(_ i: Int) -> Float {
        let scaled = scale * Float(codes[i])
        return scaled + minLogProbability
    }
}

/// `Σ_i expf(z_i - shift)`, each term in float32, summed in Double in index order, as
/// perplexity.cpp's `log_softmax` variants sum.
func sumOfExponentials(_ logits: UnsafeBufferPointer<Float>, shift: Float) -> Double {
    var sum = 0.0
    for z in logits { sum += Double(expf(z - shift)) }
    return sum
}
