"""Writes the fixtures of GPTQTests, with what `reference.py` gives for them under several schemes:
- layer.json: a fixed [12, 40] linear layer, 64 correlated calibration inputs (one input always 0,
  a dead column), blocks of 16 columns;
- wide.json: a [8, 320] layer on 512 inputs, wider than one block of 128 columns (blocks of 128,
  128 and 64), made from a seed by `dyadic_layer` (SplitMix64 integers scaled by powers of two, so
  every value is exact in float32 and the Swift test rebuilds the same layer from the seed alone).
Run from the repository root:
    python3 Fixtures/gptq/generate.py
Each case stores the codes, scales and zero points, the flat indices of the codes whose value
`w / scale` lies within TIE_TOLERANCE of a rounding tie ("near_ties": where a different float
summation order may round the other way), and the output errors ‖XWᵀ - XŴᵀ‖² of GPTQ and
round-to-nearest.
"""
import json
import os

import numpy as np

from reference import dequantize, gptq, round_to_nearest

here = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(2210)
rows, columns, samples = 12, 40, 64
W = (rng.standard_normal((rows, columns)) * 0.2).astype(np.float32)
# Inputs driven by 6 latent factors plus a little noise: strongly correlated columns, with
# uneven energy so that act_order reorders them.
latent = rng.standard_normal((samples, 6))
mixing = rng.standard_normal((6, columns)) * rng.uniform(0.2, 2.0, columns)
X = (latent @ mixing + 0.05 * rng.standard_normal((samples, columns))).astype(np.float32)
X[:, 5] = 0
TIE_TOLERANCE = 1e-4

CASES = [
    dict(name="per-channel symmetric 4 bits", bits=4, symmetric=True, granularity="channel"),
    dict(name="per-channel symmetric 3 bits", bits=3, symmetric=True, granularity="channel"),
    dict(name="per-channel asymmetric 3 bits", bits=3, symmetric=False, granularity="channel"),
    dict(name="per-tensor symmetric 4 bits", bits=4, symmetric=True, granularity="tensor"),
    dict(name="group 8 symmetric 4 bits", bits=4, symmetric=True, granularity="group", group_size=8),
    dict(name="group 8 asymmetric 3 bits", bits=3, symmetric=False, granularity="group", group_size=8),
    dict(name="act-order per-channel symmetric 4 bits", bits=4, symmetric=True, granularity="channel", act_order=True),
    dict(name="act-order group 8 symmetric 4 bits", bits=4, symmetric=True, granularity="group", group_size=8,
         act_order=True),
]


def splitmix64(seed):
    """SplitMix64's stream (QuantKit's SplitMix64): 64-bit words from `seed`."""
    mask = (1 << 64) - 1
    state = seed
    while True:
        state = (state + 0x9E3779B97F4A7C15) & mask
        z = state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & mask
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & mask
        yield z ^ (z >> 31)


def dyadic_layer(seed, rows, columns, samples, factors, dead_column):
    """W [rows, columns] and X [samples, columns] from one SplitMix64 stream, in this order:
    latent [samples, factors] integers in [-8, 8] (word % 17 - 8); mixing [factors, columns]
    integers (word % 129 - 64) * (1 + c % 4), uneven energy per input c; noise [samples, columns]
    integers in [-128, 128] (word % 257 - 128); weight [rows, columns] (word % 4097 - 2048) / 8192.
    X = (16 latent @ mixing + noise) / 1024 with column `dead_column` set to 0: integers below
    2^24 over a power of two, so exact in float32 whatever the summation order."""
    words = splitmix64(seed)
    draw = lambda count, modulus, offset: np.array([next(words) % modulus for _ in range(count)], np.int64) - offset
    latent = draw(samples * factors, 17, 8).reshape(samples, factors)
    mixing = draw(factors * columns, 129, 64).reshape(factors, columns) * (1 + np.arange(columns) % 4)
    noise = draw(samples * columns, 257, 128).reshape(samples, columns)
    weight = (draw(rows * columns, 4097, 2048).reshape(rows, columns) / 8192).astype(np.float32)
    X = ((16 * latent @ mixing + noise) / 1024).astype(np.float32)
    X[:, dead_column] = 0
    return weight, X


def run_cases(W, X, cases, block_size):
    """Each case's GPTQ with the reference, with the near ties and the output errors."""
    results = []
    for case in cases:
        options = dict(damp=0.01, block_size=block_size, act_order=case.get("act_order", False))
        kw = dict(symmetric=case["symmetric"], granularity=case["granularity"], group_size=case.get("group_size"))
        codes, scales, zeros, ratios = gptq(W, X, case["bits"], **options, **kw)
        what = dequantize(codes, scales, zeros, case.get("group_size"))
        rtn = round_to_nearest(W, case["bits"], **kw)
        err = lambda V: float(np.sum((X.astype(np.float64) @ (W - V).astype(np.float64).T) ** 2))
        results.append({
            **case, **options, "group_size": case.get("group_size"),
            "codes": codes.flatten().tolist(), "scales": np.asarray(scales, np.float32).flatten().tolist(),
            "zero_points": None if zeros is None else zeros.flatten().tolist(),
            "near_ties": np.flatnonzero(np.abs(np.abs(ratios - np.floor(ratios)) - 0.5) < TIE_TOLERANCE).tolist(),
            "gptq_error": err(what), "rtn_error": err(rtn),
        })
        print(f"{case['name']}: output error GPTQ {err(what):.4f}, RTN {err(rtn):.4f}")
    return results


def write(name, fixture):
    with open(os.path.join(here, name), "w") as f:
        json.dump(fixture, f, separators=(",", ":"))
        f.write("\n")


write("layer.json", {"tie_tolerance": TIE_TOLERANCE, "rows": rows, "columns": columns, "samples": samples,
                     "weight": W.flatten().tolist(), "inputs": X.flatten().tolist(), "cases": run_cases(W, X, CASES, 16)})

WIDE = dict(seed=2022, rows=8, columns=320, samples=512, factors=6, dead_column=7)
WIDE_CASES = [
    dict(name="wide group 32 symmetric 4 bits", bits=4, symmetric=True, granularity="group", group_size=32),
    dict(name="wide group 32 asymmetric 3 bits", bits=3, symmetric=False, granularity="group", group_size=32),
    dict(name="wide act-order group 32 symmetric 4 bits", bits=4, symmetric=True, granularity="group", group_size=32,
         act_order=True),
    dict(name="wide act-order per-channel asymmetric 4 bits", bits=4, symmetric=False, granularity="channel",
         act_order=True),
]
W_wide, X_wide = dyadic_layer(**WIDE)
write("wide.json", {"tie_tolerance": TIE_TOLERANCE, **WIDE, "cases": run_cases(W_wide, X_wide, WIDE_CASES, 128)})
