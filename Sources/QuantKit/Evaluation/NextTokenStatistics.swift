import Foundation

/// The statistics `llama-perplexity --kl-divergence` prints at its end, formed by its rules
/// (tools/perplexity/perplexity.cpp, `kl_divergence`) from a `NextTokenDivergence`'s `N` scored
/// positions. "Mean ± uncertainty" of values `v` is `m = Σv / N` and
/// `sqrt((Σv² / N - m²) / (N - 1))`, the uncertainty taken as 0 when `N <= 10` or the variance
/// is not positive.
///
/// - `klMean ± klMeanUncertainty`: of the per-position divergences `D` (Double);
/// - `klMedian`, `kl99`, `kl999`, `klMax`: of the divergences as float32, sorted: the median is
///   the middle value (the mean of the two middle ones for even `N`); the `f`-th percentile
///   interpolates `p = f · (N - 1)` as `(1 - frac p) · v[⌊p⌋] + frac p · v[⌊p⌋ + 1]`, in float32;
/// - `sameTopFraction ± sameTopUncertainty`: the fraction `s` of positions with the same top
///   token, `± sqrt(s (1 - s) / (N - 1))` (0 when `N < 2`);
/// - `perplexityQuantized = exp(mean nll_q)` and `perplexityFloat = exp(mean nll_p)`, each
///   `± perplexity · uncertainty of its mean`;
/// - `logPerplexityRatio = mean nll_q - mean nll_p`, `± sqrt(u_q² + u_p² - 2 c)` with the
///   covariance `c = (Σ nll_q nll_p / N - mean nll_q · mean nll_p) / (N - 1)`, taken as 0 when
///   `N < 10`, and the radicand clamped at 0 (rounding makes it slightly negative when the models
///   agree; llama-perplexity prints NaN there); `perplexityRatio = exp(logPerplexityRatio)`, `± perplexityRatio · that uncertainty`.
/// llama-perplexity prints nothing of this below 100 positions; it is given here from 1 (with
/// the uncertainties as the rules above make them), and the report says how many there were.
public struct NextTokenStatistics: Sendable, Equatable {
    public let positions: Int
    public let klMean: Double
    public let klMeanUncertainty: Double
    public let klMedian: Double
    public let kl99: Double
    public let kl999: Double
    public let klMax: Double
    public let sameTopFraction: Double
    public let sameTopUncertainty: Double
    public let perplexityQuantized: Double
    public let perplexityQuantizedUncertainty: Double
    public let perplexityFloat: Double
    public let perplexityFloatUncertainty: Double
    public let logPerplexityRatio: Double
    public let logPerplexityRatioUncertainty: Double
    public let perplexityRatio: Double
    public let perplexityRatioUncertainty: Double
}

extension NextTokenDivergence {
    /// The statistics of every position added so far; nil when none was scored.
    /// - Complexity: O(N log N), to sort the divergences.
    public var statistics: NextTokenStatistics? {
        let s = sums
        guard s.count > 0 else { return nil }
        let quantized = meanAndUncertainty(s.quantizedNLL, s.quantizedNLL2, count: s.count)
        let float = meanAndUncertainty(s.floatNLL, s.floatNLL2, count: s.count)
        let n = Double(s.count)
        let covariance = s.count < 10 ? 0 : (s.nllProduct / n - (s.quantizedNLL / n) * (s.floatNLL / n)) / (n - 1)
        let logRatio = quantized.mean - float.mean
        // u_q² + u_p² - 2c is the variance of the mean of nll_q - nll_p, so never negative in exact
        // arithmetic; when the two models agree (nll_q = nll_p) its terms cancel and rounding can
        // leave it slightly negative, whose square root would be NaN: it is clamped at 0.
        let logRatioUncertainty = max(0, quantized.uncertainty * quantized.uncertainty + float.uncertainty * float.uncertainty
            - 2 * covariance).squareRoot()
        let kl = meanAndUncertainty(s.divergence, s.divergence2, count: s.count)
        let sorted = divergences.sorted()
        let sameTop = Double(s.sameTop) / n
        let (perplexityQ, perplexityP, ratio) = (exp(quantized.mean), exp(float.mean), exp(logRatio))
        return NextTokenStatistics(
            positions: s.count, klMean: kl.mean, klMeanUncertainty: kl.uncertainty, klMedian: Double(median(sorted)),
            kl99: Double(percentile(sorted, 0.99)), kl999: Double(percentile(sorted, 0.999)), klMax: Double(sorted[sorted.count - 1]),
            sameTopFraction: sameTop, sameTopUncertainty: s.count < 2 ? 0 : (sameTop * (1 - sameTop) / (n - 1)).squareRoot(),
            perplexityQuantized: perplexityQ, perplexityQuantizedUncertainty: perplexityQ * quantized.uncertainty,
            perplexityFloat: perplexityP, perplexityFloatUncertainty: perplexityP * float.uncertainty,
            logPerplexityRatio: logRatio, logPerplexityRatioUncertainty: logRatioUncertainty,
            perplexityRatio: ratio, perplexityRatioUncertainty: ratio * logRatioUncertainty)
    }
}

/// perplexity.cpp's `mean_and_uncertainty`: `Σv / N` and `sqrt((Σv²/N - mean²) / (N - 1))`,
/// the latter 0 unless the variance is positive and `N > 10`.
func meanAndUncertainty(_ sum: Double, _ sumOfSquares: Double, count: Int) -> (mean: Double, uncertainty: Double) {
    let n = Double(count)
    let mean = sum / n
    let variance = sumOfSquares / n - mean * mean
    return (mean, variance > 0 && count > 10 ? (variance / (n - 1)).squareRoot() : 0)
}

/// The middle of `sorted` (not empty), or the float32 mean `0.5 · (a + b)` of its two middle values.
func median(_ sorted: [Float]) -> Float {
    let half = sorted.count / 2
    return sorted.count % 2 == 0 ? 0.5 * (sorted[half] + sorted[half - 1]) : sorted[half]
}

/// perplexity.cpp's `percentile` of `sorted` (not empty) at `fraction`, in float32: `p = fraction
/// · (N - 1)`, `(1 - frac p) · v[⌊p⌋] + frac p · v[min(⌊p⌋ + 1, N - 1)]`.
func percentile(_ sorted: [Float], _ fraction: Float) -> Float {
    if fraction <= 0 { return sorted[0] }
    if fraction >= 1 { return sorted[sorted.count - 1] }
    var p = fraction * Float(sorted.count - 1)
    let index = Int(p)
    p -= Float(index)
    return (1 - p) * sorted[index] + p * sorted[min(index + 1, sorted.count - 1)]
}
