#!/usr/bin/env python3
"""Reference values for the transformer evaluation metrics (Sources/QuantKit/Evaluation/).

Run from the repository root: `python3 Fixtures/eval_metrics/make_eval_metrics_fixtures.py`.
Inputs are random (NumPy's PCG64, seed 16); every output is computed here by NumPy (and SciPy's
spearmanr), independently of the Swift code, and written next to this script as .npy files:

Encoder agreement (EmbeddingAgreement):
  embeddings_float.npy, embeddings_quantized.npy   [40, 16] float32; text 7 repeats text 3 and
      text 5 is text 3 plus small noise, so text 5's most similar other text is a tie between
      3 and 7 (broken by the lowest index) and the pairwise similarities have ties.
  encoder_reference.npy   float64 [cosine mean, cosine min, neighbour agreement, spearman]
  encoder_neighbours.npy  int64 [2, 40]: each text's most similar other text, float then quantized.

Next-token divergence (NextTokenDivergence), exactly as llama.cpp's
tools/perplexity/perplexity.cpp computes it with --kl-divergence: the base (float) logits are
stored as 16-bit log-probabilities (log_softmax with the uint16 log_prob output), the quantized
model's logits are compared against them (log_softmax with base_log_prob and
kl_divergence_result), and the statistics are formed as kl_divergence() prints them. Float32
operations are done in float32 in the C expression order; expf is exp in float64 rounded to
float32 (glibc's expf is correctly rounded); sums that C keeps in double are float64.
  logits_float_<s>.npy, logits_quantized_<s>.npy   [T_s, 50] float32, s = 0, 1, 2 (T = 40, 33, 25)
  tokens_<s>.npy   int64 [T_s]; position i's logits predict tokens[i + 1].
  divergence_all.npy, divergence_second_half.npy   float64, the statistics of DIVERGENCE_FIELDS
      over every position 0 ..< T-1 of each sequence, and over T/2 ..< T-1 (llama-perplexity's
      second half of each context window).
  kl_values_all.npy   float32, each scored position's KL divergence, sequences in order.

Per-Linear SQNR (LinearSQNRAccumulator):
  sqnr_reference.npy, sqnr_alone.npy, sqnr_cumulative.npy   [2 batches, 6, 8] float32 outputs of
      one Linear; sqnr_expected.npy float64 [alone dB, cumulative dB] over both batches.
"""
import os

import numpy as np
from scipy.stats import spearmanr

HERE = os.path.dirname(os.path.abspath(__file__))
F32 = np.float32
DIVERGENCE_FIELDS = [
    "count", "kl_mean", "kl_mean_uncertainty", "kl_median", "kl_99", "kl_99_9", "kl_max",
    "same_top", "same_top_uncertainty", "ppl_quantized", "ppl_quantized_uncertainty",
    "ppl_float", "ppl_float_uncertainty", "ln_ratio", "ln_ratio_uncertainty", "ratio", "ratio_uncertainty",
]


def save(name, array):
    np.save(os.path.join(HERE, name), array)


def expf(x):
    return np.exp(np.asarray(x, dtype=np.float64)).astype(F32)


def cosine_matrix(a, b):
    """Cosines of every row of a with every row of b, float64, one summation order for all pairs."""
    a = a.astype(np.float64)
    b = b.astype(np.float64)
    na = np.sqrt((a * a).sum(-1))
    nb = np.sqrt((b * b).sum(-1))
    return (a[:, None, :] * b[None, :, :]).sum(-1) / (na[:, None] * nb[None, :])


def nearest_others(embeddings):
    sims = cosine_matrix(embeddings, embeddings)
    np.fill_diagonal(sims, -np.inf)
    return sims.argmax(axis=1)  # the first (lowest index) of equal maxima


def encoder(rng):
    texts, dim = 40, 16
    base = rng.standard_normal((texts, dim)).astype(F32)
    base[7] = base[3]
    base[5] = base[3] + F32(0.01) * rng.standard_normal(dim).astype(F32)
    quantized = (base + F32(0.15) * rng.standard_normal((texts, dim)).astype(F32)).astype(F32)
    quantized[7] = quantized[3]
    same = cosine_matrix(base, quantized).diagonal()
    neighbours = np.stack([nearest_others(base), nearest_others(quantized)])
    upper = np.triu_indices(texts, k=1)
    rho = spearmanr(cosine_matrix(base, base)[upper], cosine_matrix(quantized, quantized)[upper]).statistic
    save("embeddings_float.npy", base)
    save("embeddings_quantized.npy", quantized)
    save("encoder_reference.npy", np.array([same.mean(), same.min(), (neighbours[0] == neighbours[1]).mean(), rho]))
    save("encoder_neighbours.npy", neighbours.astype(np.int64))


def base_log_probs(logits):
    """perplexity.cpp's log_softmax(n_vocab, logits, uint16_t * log_prob, tok): (scale, min_log_prob, codes)."""
    max_logit = logits.max()
    min_logit = max(logits.min(), F32(max_logit - F32(16)))
    sum_exp = float(np.sum(expf(logits - max_logit).astype(np.float64)))
    log_sum_exp = F32(np.log(sum_exp))
    min_log_prob = F32(F32(min_logit - max_logit) - log_sum_exp)
    scale = F32(F32(max_logit - min_logit) / F32(65535))
    codes = np.zeros(logits.shape, dtype=np.uint16)
    if scale != 0:
        inv_scale = F32(F32(1) / scale)
        scaled = (inv_scale * (logits - min_logit).astype(F32)).astype(F32)
        rounded = np.rint(scaled).astype(np.int64)  # nearest_int: round half to even
        codes = np.where(logits > min_logit, rounded, 0).astype(np.int64).astype(np.uint16)
    return scale, min_log_prob, codes


def divergence_terms(logits, base, token):
    """perplexity.cpp's log_softmax(n_vocab, logits, base_log_prob, tok, kld) for one position."""
    scale, min_log_prob, codes = base
    imax = int(logits.argmax())
    max_logit = logits[imax]
    sum_exp = float(np.sum(expf(logits - max_logit).astype(np.float64)))
    log_sum_exp = F32(np.log(sum_exp))
    nll = F32(F32(max_logit + log_sum_exp) - logits[token])
    nll_base = F32(-F32(F32(scale * F32(codes[token])) + min_log_prob))
    shifted_max = F32(max_logit + log_sum_exp)
    p_log_base = (F32(scale) * codes.astype(F32) + min_log_prob).astype(F32)
    imax_base = int(p_log_base.argmax())
    kept = p_log_base > F32(-16)
    p_base = expf(p_log_base[kept])
    terms = (p_base * ((p_log_base[kept] - logits[kept]).astype(F32) + shifted_max).astype(F32)).astype(F32)
    kld = float(np.sum(terms.astype(np.float64)))
    return nll, nll_base, kld, imax == imax_base


def mean_and_uncertainty(total, total2, count):
    f = total / count
    df = total2 / count - f * f
    return f, (np.sqrt(df / (count - 1)) if df > 0 and count > 10 else 0.0)


def percentile(values, fraction):
    p = F32(F32(fraction) * F32(len(values) - 1))
    ip = int(p)
    p = F32(p - F32(ip))
    return F32(F32(F32(1) - p) * values[ip] + F32(p * values[min(ip + 1, len(values) - 1)]))


def statistics(positions):
    nll = np.array([p[0] for p in positions], dtype=F32)
    nll_base = np.array([p[1] for p in positions], dtype=F32)
    kld = np.array([p[2] for p in positions], dtype=np.float64)
    count = len(positions)
    # Squares and products of float32 values are float32 products, summed in double.
    log_ppl = mean_and_uncertainty(nll.astype(np.float64).sum(), (nll * nll).astype(np.float64).sum(), count)
    log_base = mean_and_uncertainty(nll_base.astype(np.float64).sum(), (nll_base * nll_base).astype(np.float64).sum(), count)
    cov = ((nll * nll_base).astype(np.float64).sum() / count - (nll.astype(np.float64).sum() / count)
           * (nll_base.astype(np.float64).sum() / count)) / (count - 1) if count >= 10 else 0.0
    ln_ratio = log_ppl[0] - log_base[0]
    ln_ratio_unc = np.sqrt(log_ppl[1] ** 2 + log_base[1] ** 2 - 2 * cov)
    kl = mean_and_uncertainty(kld.sum(), (kld * kld).sum(), count)
    values = np.sort(kld.astype(F32))
    half = len(values) // 2
    median = F32(F32(0.5) * F32(values[half] + values[half - 1])) if len(values) % 2 == 0 else values[half]
    same = sum(p[3] for p in positions) / count
    ppl, ppl_base = np.exp(log_ppl[0]), np.exp(log_base[0])
    return np.array([
        count, kl[0], kl[1], median, percentile(values, 0.99), percentile(values, 0.999), values[-1],
        same, np.sqrt(same * (1 - same) / (count - 1)), ppl, ppl * log_ppl[1], ppl_base, ppl_base * log_base[1],
        ln_ratio, ln_ratio_unc, np.exp(ln_ratio), np.exp(ln_ratio) * ln_ratio_unc,
    ], dtype=np.float64)


def decoder(rng):
    vocab = 50
    all_positions, half_positions = [], []
    for s, length in enumerate([40, 33, 25]):
        logits = (F32(4) * rng.standard_normal((length, vocab))).astype(F32)
        logits[1, 9] = logits[1, 4] = logits[1].max() + F32(1)  # equal largest logits: the first counts
        quantized = (logits + F32(0.3) * rng.standard_normal((length, vocab)).astype(F32)).astype(F32)
        tokens = rng.integers(0, vocab, size=length).astype(np.int64)
        save(f"logits_float_{s}.npy", logits)
        save(f"logits_quantized_{s}.npy", quantized)
        save(f"tokens_{s}.npy", tokens)
        for i in range(length - 1):
            terms = divergence_terms(quantized[i], base_log_probs(logits[i]), tokens[i + 1])
            all_positions.append(terms)
            if i >= length // 2:
                half_positions.append(terms)
    save("divergence_all.npy", statistics(all_positions))
    save("divergence_second_half.npy", statistics(half_positions))
    save("kl_values_all.npy", np.array([p[2] for p in all_positions], dtype=F32))


def sqnr(rng):
    reference = rng.standard_normal((2, 6, 8)).astype(F32)
    alone = (reference + F32(0.01) * rng.standard_normal((2, 6, 8)).astype(F32)).astype(F32)
    cumulative = (reference + F32(0.05) * rng.standard_normal((2, 6, 8)).astype(F32)).astype(F32)
    r = reference.astype(np.float64)
    signal = (r * r).sum()
    expected = [10 * np.log10(signal / ((r - x.astype(np.float64)) ** 2).sum()) for x in (alone, cumulative)]
    save("sqnr_reference.npy", reference)
    save("sqnr_alone.npy", alone)
    save("sqnr_cumulative.npy", cumulative)
    save("sqnr_expected.npy", np.array(expected))


if __name__ == "__main__":
    generator = np.random.default_rng(16)
    encoder(generator)
    decoder(generator)
    sqnr(generator)
