import Foundation

/// Which positions of a sequence of `T` tokens are scored; position `i`'s logits predict token `i + 1`.
public enum ScoredPositions: String, Sendable, Codable, CaseIterable {
    /// Every position with a next token: `0 ..< T - 1`.
    case all
    /// llama-perplexity's rule for its context windows: `T / 2 ..< T - 1` (integer division), so
    /// every scored prediction has at least half the window as context.
    case secondHalf = "second-half"
}

/// Next-token divergence of a quantized decoder from its float model, accumulated over sequences
/// exactly as `llama-perplexity --kl-divergence` (llama.cpp tools/perplexity/perplexity.cpp)
/// defines it per position, with the float model as its "base". For a scored position with float
/// logits `z`, quantized logits `y` and next token `t`:
/// - the float log-probabilities are taken in llama-perplexity's stored 16-bit form
///   (`StoredLogProbabilities`: `log p_i`, rounded to steps of at most 1.2e-4, floored 16 below
///   the largest logit);
/// - `log q_i = y_i - Y` with `Y = (max y + Float(log Σ expf(y_i - max y)))` in float32;
/// - KL divergence `D = Σ_{i : log p_i > -16} expf(log p_i) · (log p_i - y_i + Y)`, each term in
///   float32 (unfused, in this order), the sum in Double; kept per position as a float32 value;
/// - negative log-likelihoods `nll_q = Y - y_t` and `nll_p = -log p_t` (float32): `nll_p` of a
///   token more than 16 below the largest float logit is the floored stored value, so on such
///   tokens the float perplexity comes out lower than the exact one, as llama-perplexity's does;
/// - same top: the first largest `y_i` is at the first largest stored `log p_i`.
/// `NextTokenStatistics` forms the means, percentiles and perplexities from these.
///
/// Where our sequences differ from theirs: llama-perplexity cuts the tokenized text into chunks
/// of exactly `n_ctx` tokens, replaces each chunk's first token by BOS, and scores positions
/// `n_ctx/2 ..< n_ctx - 1` of each chunk (`ScoredPositions.secondHalf`). We score whatever
/// sequences the caller runs (one per text line, as tokenized, with the tokenizer's own special
/// tokens), by default every position with a next token (`ScoredPositions.all`), so short lines
/// count in full and early positions, with little context, are included; `secondHalf` applies
/// their rule to each sequence instead. Their threads sum in another order; the sums here are
/// in position order.
///
/// Memory: one float32 per scored position (the divergences, kept for the percentiles).
public struct NextTokenDivergence: Sendable {
    public let scoring: ScoredPositions
    /// Each scored position's divergence `D`, in the order added.
    public private(set) var divergences: [Float] = []
    /// Sums as perplexity.cpp's `kl_divergence_result` keeps them (the squares and the product of
    /// the float32 log-likelihoods are float32 products, as there).
    var sums = DivergenceSums()

    public init(scoring: ScoredPositions = .all) {
        self.scoring = scoring
    }

    /// Adds one sequence: `tokens` (`T` ids) and the two models' logits `[T, vocabularySize]`,
    /// row `i` being the prediction for token `i + 1`. A sequence of fewer than 2 tokens (or, for
    /// `secondHalf`, 2 or fewer) adds nothing.
    /// - Precondition: both logits hold `tokens.count * vocabularySize` finite values and every
    ///   token is in `0 ..< vocabularySize`.
    /// - Complexity: O(T · vocabularySize).
    public mutating func add(floatLogits: [Float], quantizedLogits: [Float], tokens: [Int], vocabularySize: Int) {
        let count = tokens.count
        precondition(vocabularySize > 0 && floatLogits.count == count * vocabularySize && quantizedLogits.count == count * vocabularySize,
                     "logits must be tokens x vocabulary")
        precondition(tokens.allSatisfy { (0 ..< vocabularySize).contains($0) }, "token ids must be inside the vocabulary")
        guard count >= 2 else { return }
        let first = scoring == .all ? 0 : count / 2
        floatLogits.withUnsafeBufferPointer { floatLogits in
            quantizedLogits.withUnsafeBufferPointer { quantizedLogits in
                for position in first ..< count - 1 {
                    let row = position * vocabularySize ..< (position + 1) * vocabularySize
                    let base = StoredLogProbabilities(logits: UnsafeBufferPointer(rebasing: floatLogits[row]))
                    let divergence = PositionDivergence(quantizedLogits: UnsafeBufferPointer(rebasing: quantizedLogits[row]),
                                                        base: base, token: tokens[position + 1])
                    sums.add(divergence)
                    divergences.append(Float(divergence.divergence))
                }
            }
        }
    }
}

/// One scored position, as perplexity.cpp's `log_softmax(..., base_log_prob, tok, kld)` forms it
/// (see `NextTokenDivergence` for the formulas).
struct PositionDivergence {
    let quantizedNLL: Float
    let floatNLL: Float
    let divergence: Double
    let sameTop: Bool

    init(quantizedLogits y: UnsafeBufferPointer<Float>, base: StoredLogProbabilities, token: Int) {
        var top = 0
        for i in 1 ..< y.count where y[i] > y[top] { top = i }
        let logSumExp = Float(log(sumOfExponentials(y, shift: y[top])))
        let shift = y[top] + logSumExp
        quantizedNLL = shift - y[token]
        floatNLL = -base.logProbability(token)
        var sum = 0.0
        var baseTop = 0
        var baseTopValue: Float = 0
        for i in 0 ..< y.count {
            let logP = base.logProbability(i)
            if i == 0 || logP > baseTopValue { (baseTop, baseTopValue) = (i, logP) }
            if logP > -16 {
                let difference = (logP - y[i]) + shift
                let term = expf(logP) * difference
                sum += Double(term)
            }
        }
        divergence = sum
        sameTop = top == baseTop
    }
}

/// The running sums of `kl_divergence_result` that the statistics need.
struct DivergenceSums: Sendable {
    var quantizedNLL = 0.0, quantizedNLL2 = 0.0
    var floatNLL = 0.0, floatNLL2 = 0.0
    var nllProduct = 0.0
    var divergence = 0.0, divergence2 = 0.0
    var sameTop = 0
    var count = 0

    mutating func add(_ position: PositionDivergence) {
        let (q, p) = (position.quantizedNLL, position.floatNLL)
        quantizedNLL += Double(q)
        quantizedNLL2 += Double(q * q)
        floatNLL += Double(p)
        floatNLL2 += Double(p * p)
        nllProduct += Double(q * p)
        divergence += position.divergence
        divergence2 += position.divergence * position.divergence
        sameTop += position.sameTop ? 1 : 0
        count += 1
    }
}
