"""GPTQ for one linear layer in NumPy: the oracle `gptqQuantize` is tested against.

Follows the paper's Algorithm 1 (Frantar et al., arXiv:2210.17323) and the structure of the
reference implementation's `GPTQ.fasterquant` (IST-DASLab/gptq, gptq.py), with our min-max grid
(`Fixtures/numpy_reference.py`) in place of its `Quantizer`:
- the Hessian, its dampening, its Cholesky factorization and the inverse factor in float64
  (`inverse_upper_factor`), the inverse factor then rounded to float32; the weight updates in
  float32, as the reference runs them, lazily batched: within a block column by column, after
  it one matmul for the columns after the block;
- per channel / per tensor: scales once from the weight as given;
- per group: from the group's current columns when its first column is reached (the block
  size rounded to a multiple of the group size so that those columns are current);
  with act_order: every group up front ("static_groups"), after dead columns are zeroed;
- act_order: a stable sort by decreasing diag(H).
Also returns, for every code, the value `w / scale` it was rounded from, so that a test can tell
a code that sits at a rounding tie from a real disagreement.
"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from numpy_reference import quantize as minmax_quantize  # noqa: E402


def _params(block, symmetric, bits, per_tensor):
    """Scale and zero point (float32, one per row) of `block` [rows, cols] by our min-max math."""
    rows = block.shape[0]
    name = ("symmetric" if symmetric else "asymmetric") if per_tensor else \
        ("per-channel" if symmetric else "per-channel-asymmetric")
    _, scale, zero, _ = minmax_quantize(block, name, bits, axis=0)
    scale = np.broadcast_to(scale.reshape(-1), (rows,)).astype(np.float32)
    zero = np.zeros(rows, np.float32) if zero is None else \
        np.broadcast_to(zero.reshape(-1), (rows,)).astype(np.float32)
    return scale, zero


def _quantize_column(w, scale, zero, symmetric, bits):
    qmin, qmax = (-(2 ** (bits - 1)), 2 ** (bits - 1) - 1) if symmetric else (0, 2 ** bits - 1)
    ratio = (w / scale).astype(np.float32)
    q = np.clip(np.round(ratio) + zero, np.float32(qmin), np.float32(qmax)).astype(np.float32)
    return q, ((q - zero) * scale).astype(np.float32), ratio


def inverse_upper_factor(H):
    """U, the upper Cholesky factor of inv(H) (inv(H) = U.T @ U), without forming inv(H): with J
    the reversal, J H J = L L.T (Cholesky), so H = V V.T for the upper triangular V = J L J, and
    U = inv(V). The reference's cholesky, cholesky_inverse and second cholesky give the same U
    up to rounding with twice the work."""
    L = np.linalg.cholesky(H[::-1, ::-1])
    return np.triu(np.linalg.inv(L[::-1, ::-1]))


def gptq(W, X, bits, symmetric=True, granularity="channel", group_size=None,
         damp=0.01, block_size=128, act_order=False):
    """GPTQ of W [rows, columns] on inputs X [samples, columns]; granularity is "channel",
    "tensor" or "group". Returns (codes int [rows, columns], scales, zero points or None, ratios)
    with scales [rows] per channel, [1] per tensor, [rows, columns / group_size] per group."""
    W = np.array(W, dtype=np.float32)
    X = np.asarray(X, dtype=np.float32)
    rows, columns = W.shape
    per_tensor = granularity == "tensor"

    H = 2.0 / X.shape[0] * (X.astype(np.float64).T @ X.astype(np.float64))
    if granularity != "group":
        scale, zero = _params(W, symmetric, bits, per_tensor)
    dead = np.diag(H) == 0
    H[dead, dead] = 1
    W[:, dead] = 0

    groups = None
    if granularity == "group" and act_order:
        groups = [_params(W[:, i:i + group_size], symmetric, bits, False)
                  for i in range(0, columns, group_size)]

    perm = np.arange(columns)
    if act_order:
        perm = np.argsort(-np.diag(H), kind="stable")
        W = W[:, perm]
        H = H[perm][:, perm]

    H = H + damp * np.mean(np.diag(H)) * np.eye(columns)
    U = inverse_upper_factor(H).astype(np.float32)

    if granularity == "group" and not act_order:
        block_size = max(1, block_size // group_size) * group_size
        group_scales = np.zeros((rows, columns // group_size), np.float32)
        group_zeros = np.zeros((rows, columns // group_size), np.float32)

    Q = np.zeros((rows, columns), np.float32)
    R = np.zeros((rows, columns), np.float32)
    for i1 in range(0, columns, block_size):
        i2 = min(i1 + block_size, columns)
        W1 = W[:, i1:i2].copy()
        Err1 = np.zeros_like(W1)
        for i in range(i2 - i1):
            if granularity == "group":
                if act_order:
                    scale, zero = groups[perm[i1 + i] // group_size]
                elif (i1 + i) % group_size == 0:
                    scale, zero = _params(W1[:, i:i + group_size], symmetric, bits, False)
                    group_scales[:, (i1 + i) // group_size] = scale
                    group_zeros[:, (i1 + i) // group_size] = zero
            w = W1[:, i]
            d = U[i1 + i, i1 + i]
            q, value, ratio = _quantize_column(w, scale, zero, symmetric, bits)
            Q[:, i1 + i] = q
            R[:, i1 + i] = ratio
            err = ((w - value) / d).astype(np.float32)
            W1[:, i:] -= np.outer(err, U[i1 + i, i1 + i:i2]).astype(np.float32)
            Err1[:, i] = err
        W[:, i2:] -= (Err1 @ U[i1:i2, i2:]).astype(np.float32)

    inverse = np.argsort(perm)
    Q = Q[:, inverse]
    R = R[:, inverse]
    if granularity == "group":
        if act_order:
            group_scales = np.stack([g[0] for g in groups], axis=1)
            group_zeros = np.stack([g[1] for g in groups], axis=1)
        scales, zeros = group_scales, group_zeros
    else:
        scales, zeros = (scale[:1], zero[:1]) if per_tensor else (scale, zero)
    return Q.astype(np.int64), scales, None if symmetric else zeros.astype(np.int64), R


def dequantize(codes, scales, zeros, group_size=None):
    """Ŵ = (code - zero) * scale with each element's scale (per group: repeated along columns)."""
    scales = np.asarray(scales, np.float32)
    zeros = np.zeros_like(scales) if zeros is None else np.asarray(zeros, np.float32)
    if group_size:
        scales = np.repeat(scales, group_size, axis=1)
        zeros = np.repeat(zeros, group_size, axis=1)
    elif scales.size > 1:
        scales, zeros = scales[:, None], zeros[:, None]
    return ((codes.astype(np.float32) - zeros) * scales).astype(np.float32)


def round_to_nearest(W, bits, symmetric=True, granularity="channel", group_size=None):
    """Min-max round-to-nearest with the same grid, for comparison."""
    W = np.asarray(W, np.float32)
    if granularity == "group":
        rows, columns = W.shape
        blocks = W.reshape(rows * columns // group_size, group_size)
        q, s, z, _ = minmax_quantize(blocks, "per-channel" if symmetric else "per-channel-asymmetric", bits, axis=0)
        zero = 0 if z is None else z.astype(np.float32)
        return ((q.astype(np.float32) - zero) * s).reshape(rows, columns).astype(np.float32)
    name = ("symmetric" if symmetric else "asymmetric") if granularity == "tensor" else \
        ("per-channel" if symmetric else "per-channel-asymmetric")
    q, s, z, _ = minmax_quantize(W, name, bits, axis=0)
    zero = 0 if z is None else z.astype(np.float32)
    return ((q.astype(np.float32) - zero) * s).astype(np.float32)
