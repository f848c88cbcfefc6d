import Foundation
import Testing

@testable import QuantKit

/// `NextTokenDivergence` against Fixtures/eval_metrics/make_eval_metrics_fixtures.py, which
/// reimplements llama.cpp's perplexity.cpp (`--kl-divergence`) formulas in NumPy: three
/// sequences (40, 33 and 25 tokens, vocabulary 50) of random float and quantized logits.
///
/// Tolerance: both follow the same float32 operations; they differ only in the order of the
/// Double sums of `expf` terms, which can move `log Σ` (float32, about 3) by one unit in the last
/// place, 2.4e-7, and every log-probability with it. KL values and their statistics are taken
/// to 1e-6, log-perplexities to 1e-6 (perplexities relative), counts and same-top exactly.
@Suite struct NextTokenDivergenceTests {
    static let vocabulary = 50

    func accumulated(_ scoring: ScoredPositions) throws -> NextTokenDivergence {
        var divergence = NextTokenDivergence(scoring: scoring)
        for sequence in 0 ..< 3 {
            divergence.add(floatLogits: try EvalMetricsFixture.floats("logits_float_\(sequence)"),
                           quantizedLogits: try EvalMetricsFixture.floats("logits_quantized_\(sequence)"),
                           tokens: try EvalMetricsFixture.integers("tokens_\(sequence)"), vocabularySize: Self.vocabulary)
        }
        return divergence
    }

    @Test func everyPositionsDivergenceMatchesTheReference() throws {
        let divergence = try accumulated(.all)
        let reference = try EvalMetricsFixture.floats("kl_values_all")
        #expect(divergence.divergences.count == 39 + 32 + 24)
        for (index, (found, expected)) in zip(divergence.divergences, reference).enumerated() {
            #expect(abs(found - expected) <= 1e-6, "position \(index): \(found) vs \(expected)")
        }
    }

    @Test(arguments: [(ScoredPositions.all, "divergence_all"), (.secondHalf, "divergence_second_half")])
    func statisticsMatchTheReference(scoring: ScoredPositions, file: String) throws {
        let statistics = try accumulated(scoring).statistics!
        let r = try EvalMetricsFixture.doubles(file)
        #expect(statistics.positions == Int(r[0]))
        let absolute: [(Double, Double, String)] = [
            (statistics.klMean, r[1], "KL mean"), (statistics.klMeanUncertainty, r[2], "KL uncertainty"),
            (statistics.klMedian, r[3], "KL median"), (statistics.kl99, r[4], "KL 99%"), (statistics.kl999, r[5], "KL 99.9%"),
            (statistics.klMax, r[6], "KL max"), (statistics.logPerplexityRatio, r[13], "ln ratio"),
            (statistics.logPerplexityRatioUncertainty, r[14], "ln ratio uncertainty"),
        ]
        for (found, expected, name) in absolute {
            #expect(abs(found - expected) <= 1e-6, "\(name): \(found) vs \(expected)")
        }
        #expect(statistics.sameTopFraction == r[7])
        #expect(abs(statistics.sameTopUncertainty - r[8]) < 1e-15)
        let relative: [(Double, Double, String)] = [
            (statistics.perplexityQuantized, r[9], "PPL(Q)"), (statistics.perplexityQuantizedUncertainty, r[10], "PPL(Q) uncertainty"),
            (statistics.perplexityFloat, r[11], "PPL(base)"), (statistics.perplexityFloatUncertainty, r[12], "PPL(base) uncertainty"),
            (statistics.perplexityRatio, r[15], "ratio"), (statistics.perplexityRatioUncertainty, r[16], "ratio uncertainty"),
        ]
        for (found, expected, name) in relative {
            #expect(abs(found - expected) <= 1e-5 * abs(expected), "\(name): \(found) vs \(expected)")
        }
    }

    @Test func identicalLogitsDivergeOnlyByTheStoredRounding() throws {
        // The float model against itself, its logits scaled into a range under 16 (so no
        // log-probability is floored): the stored 16-bit log-probabilities are within
        // 16 / 131070 of the exact ones, so every divergence and the log-perplexity ratio are
        // within about that, and the top token is the same wherever the largest logit is unique.
        let logits = try EvalMetricsFixture.floats("logits_float_0").map { $0 / 4 }
        let tokens = try EvalMetricsFixture.integers("tokens_0")
        var divergence = NextTokenDivergence()
        divergence.add(floatLogits: logits, quantizedLogits: logits, tokens: tokens, vocabularySize: Self.vocabulary)
        let statistics = divergence.statistics!
        #expect(statistics.klMax < 2e-4)
        #expect(statistics.sameTopFraction == 1)
        #expect(abs(statistics.logPerplexityRatio) < 2e-4)
        // Unscaled, some next tokens lie more than 16 below the largest logit: their stored
        // log-probability is floored, so llama-perplexity's PPL(base) is lower than the exact one.
        var unscaled = NextTokenDivergence()
        let original = try EvalMetricsFixture.floats("logits_float_0")
        unscaled.add(floatLogits: original, quantizedLogits: original, tokens: tokens, vocabularySize: Self.vocabulary)
        #expect(unscaled.statistics!.logPerplexityRatio > 0.01)
        #expect(unscaled.statistics!.klMax < 2e-4)
    }

    @Test func equalLogitsStoreNoStepsAndDivergeFromNothing() {
        // Every float logit equal: scale 0, every code 0, log p = -log 4 for each of 4 tokens.
        let base = [Float](repeating: 2, count: 4).withUnsafeBufferPointer { StoredLogProbabilities(logits: $0) }
        #expect(base.scale == 0 && base.codes == [0, 0, 0, 0])
        #expect(abs(base.logProbability(3) + log(4)) < 1e-6)
        var divergence = NextTokenDivergence()
        let uniform = [Float](repeating: 2, count: 8)
        divergence.add(floatLogits: uniform, quantizedLogits: uniform, tokens: [0, 3], vocabularySize: 4)
        let statistics = divergence.statistics!
        #expect(abs(statistics.klMean) < 1e-7 && statistics.sameTopFraction == 1)
        #expect(abs(statistics.perplexityFloat - 4) < 1e-5 && abs(statistics.perplexityQuantized - 4) < 1e-5)
        // One position: no uncertainties (perplexity.cpp's rule needs more than 10).
        #expect(statistics.klMeanUncertainty == 0 && statistics.perplexityRatioUncertainty == 0 && statistics.sameTopUncertainty == 0)
    }

    /// The variance of `ln PPL(Q) - ln PPL(float)`'s mean, `u_q² + u_p² - 2c`, before the
    /// statistics clamp it (`NextTokenStatistics`).
    static func ratioRadicand(_ s: DivergenceSums) -> Double {
        let quantized = meanAndUncertainty(s.quantizedNLL, s.quantizedNLL2, count: s.count)
        let float = meanAndUncertainty(s.floatNLL, s.floatNLL2, count: s.count)
        let n = Double(s.count)
        let covariance = (s.nllProduct / n - (s.quantizedNLL / n) * (s.floatNLL / n)) / (n - 1)
        return quantized.uncertainty * quantized.uncertainty + float.uncertainty * float.uncertainty - 2 * covariance
    }

    @Test func agreeingModelsHaveAZeroNotANaNRatioUncertainty() {
        // A model against itself on uniform logits: every position's two log-likelihoods are
        // about log V, their variances 0 and their covariance a rounding residue of either sign,
        // so the variance of the ratio comes out slightly negative for some (V, positions).
        var negative = 0
        for vocabulary in 2 ... 40 {
            for length in [12, 17, 30] {
                let logits = [Float](repeating: 0.75, count: length * vocabulary)
                let tokens = (0 ..< length).map { ($0 * 7) % vocabulary }
                var divergence = NextTokenDivergence()
                divergence.add(floatLogits: logits, quantizedLogits: logits, tokens: tokens, vocabularySize: vocabulary)
                if Self.ratioRadicand(divergence.sums) < 0 { negative += 1 }
                let statistics = divergence.statistics!
                #expect(statistics.logPerplexityRatioUncertainty >= 0 && statistics.perplexityRatioUncertainty >= 0,
                        "V \(vocabulary), \(length) tokens: \(statistics.logPerplexityRatioUncertainty)")
            }
        }
        // The clamp is exercised: without it these would be NaN.
        #expect(negative > 0)
    }

    @Test func shortSequencesScoreNothingAndSecondHalfStartsAtTheMiddle() {
        var divergence = NextTokenDivergence(scoring: .secondHalf)
        divergence.add(floatLogits: [1, 2], quantizedLogits: [1, 2], tokens: [0], vocabularySize: 2)
        #expect(divergence.statistics == nil)
        // 5 tokens: positions 2 and 3 (5 / 2 = 2 up to 5 - 1) are scored.
        let logits = (0 ..< 10).map { Float($0 % 3) }
        divergence.add(floatLogits: logits, quantizedLogits: logits, tokens: [0, 1, 0, 1, 0], vocabularySize: 2)
        #expect(divergence.statistics?.positions == 2)
    }

    @Test func percentileAndMedianFollowPerplexityCpp() {
        let sorted: [Float] = [0, 1, 2, 3, 10]
        #expect(median(sorted) == 2)
        #expect(median([0, 1, 2, 3]) == 1.5)
        // p = 0.99 * 4 = 3.96: 0.04 * 3 + 0.96 * 10.
        #expect(abs(percentile(sorted, 0.99) - (0.04 * 3 + 0.96 * 10)) < 1e-5)
        #expect(percentile(sorted, 1) == 10 && percentile(sorted, 0) == 0)
    }
}
