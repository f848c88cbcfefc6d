"""Writes layer.npz: a fixed [8, 16] linear layer, 64 calibration inputs whose channels have very
uneven magnitudes (where AWQ's scales matter), and the AWQ search of `Methods/AWQ.swift` done
in NumPy for a symmetric per-channel 4-bit scheme. Run from the repository root:
    python3 Fixtures/awq/generate.py
The search, as documented in AWQ.swift: m_k = mean_s |x_sk|; for alpha = k/20, k = 0..19,
s = max(m^alpha, 1e-4), s /= sqrt(max(s) * min(s)); quantize W diag(s) round to nearest
(scale = max|row| / 7, codes rint(w / scale) clamped to [-8, 7]); the output (x / s) Q(W diag(s))^T
is compared with x W^T by mean squared error; the first alpha with the least error wins.
Members: weight, inputs (float32), ratios (float32), mse (float64, per ratio), chosen (int64: the
winning index), scales (float32: the chosen s), codes (int8) and code_scales (float32) of the
chosen scaled weight, near_ties (int64: flat indices whose w / scale lies within 1e-4 of a
rounding tie, where float summation order may round the other way).
"""
import os

import numpy as np

here = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(2306)
rows, columns, samples, bits = 8, 16, 64, 4
qmax = 2 ** (bits - 1) - 1
W = (rng.standard_normal((rows, columns)) * 0.3).astype(np.float32)
magnitude = np.exp(rng.uniform(-2.0, 2.5, columns))
X = (np.abs(rng.standard_normal((samples, columns))) * magnitude).astype(np.float32)
TIE_TOLERANCE = 1e-4


def round_to_nearest(w):
    """Symmetric per-row 4-bit: codes and scales (a zero scale becomes 1)."""
    scale = (np.max(np.abs(w), axis=1) / np.float32(qmax)).astype(np.float32)
    scale[scale == 0] = 1
    ratio = w / scale[:, None]
    codes = np.clip(np.rint(ratio), -qmax - 1, qmax).astype(np.int8)
    return codes, scale, ratio


reference = X @ W.T
means = (np.abs(X).astype(np.float64).sum(axis=0) / samples).astype(np.float32)
ratios = np.arange(20, dtype=np.float32) / np.float32(20)
results = []
for alpha in ratios:
    s = np.maximum(np.power(means, alpha), np.float32(1e-4)).astype(np.float32)
    s = (s / np.sqrt(s.max() * s.min())).astype(np.float32)
    scaled = (W * s[None, :]).astype(np.float32)
    codes, scale, ratio = round_to_nearest(scaled)
    dequantized = (codes.astype(np.float32) * scale[:, None]).astype(np.float32)
    output = (X / s[None, :]).astype(np.float32) @ dequantized.T
    mse = float(np.mean((output.astype(np.float64) - reference.astype(np.float64)) ** 2))
    results.append((mse, s, codes, scale, ratio))
mse = np.array([r[0] for r in results])
chosen = int(np.argmin(mse))
_, s, codes, scale, ratio = results[chosen]
near = np.flatnonzero(np.abs(np.abs(ratio - np.floor(ratio)) - 0.5) < TIE_TOLERANCE)
np.savez(os.path.join(here, "layer.npz"), weight=W, inputs=X, ratios=ratios, mse=mse, chosen=np.int64(chosen),
         scales=s, codes=codes, code_scales=scale, near_ties=near.astype(np.int64))
print(f"chosen alpha {ratios[chosen]}: MSE {mse[chosen]:.6g} (alpha 0: {mse[0]:.6g})")
