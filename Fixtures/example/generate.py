"""Generates the shipped example model: a small PyTorch-style MLP (fc1 -> fc2 -> fc3 with
biases and a LayerNorm), saved as `np.savez` weights, and the archive the NumPy reference
quantizer makes of it (per-channel symmetric int8), which the tests compare against bit for bit.

Run from the repository root: `python3 Fixtures/example/generate.py`. Deterministic (seed 0).
"""
import os
import sys

import numpy as np

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(here))
from numpy_reference import quantize_archive  # noqa: E402

rng = np.random.default_rng(0)


def linear(out_features, in_features):
    # PyTorch's nn.Linear init: uniform(-1/sqrt(in), 1/sqrt(in)); channels of uneven scale,
    # as trained layers have, so per-channel scales matter.
    bound = 1 / np.sqrt(in_features)
    w = rng.uniform(-bound, bound, (out_features, in_features)).astype(np.float32)
    w *= rng.lognormal(0, 0.75, (out_features, 1)).astype(np.float32)
    b = rng.uniform(-bound, bound, out_features).astype(np.float32)
    return w, b


model = {}
model["fc1.weight"], model["fc1.bias"] = linear(128, 64)
model["norm.weight"] = (1 + 0.1 * rng.standard_normal(128)).astype(np.float32)
model["norm.bias"] = (0.05 * rng.standard_normal(128)).astype(np.float32)
model["fc2.weight"], model["fc2.bias"] = linear(64, 128)
model["fc3.weight"], model["fc3.bias"] = linear(10, 64)
model["fc3.weight"][3, 5] = 1.5  # one outlier: per-tensor scales suffer, per-channel ones do not

np.savez(os.path.join(here, "mlp.npz"), **model)
np.savez_compressed(os.path.join(here, "mlp-compressed.npz"), **model)
np.savez(os.path.join(here, "mlp.int8.reference.npz"), **quantize_archive(model))
