"""Writes layer.json: a fixed [12, 40] linear layer, 64 correlated calibration inputs (one input
always 0, a dead column) and what `reference.py` gives for it under several schemes. Run from the
repository root:
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

out = {"tie_tolerance": TIE_TOLERANCE, "rows": rows, "columns": columns, "samples": samples,
       "weight": W.flatten().tolist(), "inputs": X.flatten().tolist(), "cases": []}
for case in CASES:
    options = dict(damp=0.01, block_size=16, act_order=case.get("act_order", False))
    kw = dict(symmetric=case["symmetric"], granularity=case["granularity"], group_size=case.get("group_size"))
    codes, scales, zeros, ratios = gptq(W, X, case["bits"], **options, **kw)
    what = dequantize(codes, scales, zeros, case.get("group_size"))
    rtn = round_to_nearest(W, case["bits"], **kw)
    err = lambda V: float(np.sum((X.astype(np.float64) @ (W - V).astype(np.float64).T) ** 2))
    out["cases"].append({
        **case, **options, "group_size": case.get("group_size"),
        "codes": codes.flatten().tolist(), "scales": np.asarray(scales, np.float32).flatten().tolist(),
        "zero_points": None if zeros is None else zeros.flatten().tolist(),
        "near_ties": np.flatnonzero(np.abs(np.abs(ratios - np.floor(ratios)) - 0.5) < TIE_TOLERANCE).tolist(), "gptq_error": err(what), "rtn_error": err(rtn),
    })
    print(f"{case['name']}: output error GPTQ {err(what):.4f}, RTN {err(rtn):.4f}")
with open(os.path.join(here, "layer.json"), "w") as f:
    json.dump(out, f, separators=(",", ":"))
    f.write("\n")
