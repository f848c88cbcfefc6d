"""An independent check of `quantize eval --compare`: the same model, inputs and schemes,
evaluated in NumPy (float32, weights quantized by Fixtures/numpy_reference.py and dequantized,
the `--compute dequant` path; default selection: every float tensor of rank >= 2).

Usage: python3 Fixtures/digits/numpy_eval.py MODEL.npz INPUTS.npy [LABELS.npy]
Prints a JSON list: one object per scheme and bit width with `scheme`, `bits`, `agreement`,
`output_mse`, and with labels `accuracy_fp32` and `accuracy`.
"""
import json
import os
import re
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from numpy_reference import SCHEMES, dequantize, quantize  # noqa: E402


def natural_key(text):
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text)]


def forward(layers, x):
    for index, (w, b) in enumerate(layers):
        x = x @ w.T
        if b is not None:
            x = x + b
        if index < len(layers) - 1:
            x = np.maximum(x, np.float32(0))
    return x


model = dict(np.load(sys.argv[1], allow_pickle=False))
inputs = np.load(sys.argv[2], allow_pickle=False).astype(np.float32)
labels = np.load(sys.argv[3], allow_pickle=False) if len(sys.argv) > 3 else None
prefixes = sorted((k[: -len(".weight")] for k, v in model.items() if k.endswith(".weight") and v.ndim == 2),
                  key=natural_key)
float_layers = [(model[p + ".weight"].astype(np.float32), model.get(p + ".bias")) for p in prefixes]
reference = forward(float_layers, inputs)
results = []
for bits in (8, 4, 3, 2):
    for scheme in SCHEMES:
        layers = []
        for w, b in float_layers:
            q, scale, zero_point, _ = quantize(w, scheme, bits, 0)
            layers.append((dequantize(q, scale, zero_point), b))
        output = forward(layers, inputs)
        row = {
            "scheme": scheme,
            "bits": bits,
            "agreement": float(np.mean(np.argmax(output, 1) == np.argmax(reference, 1))),
            "output_mse": float(np.mean((output.astype(np.float64) - reference.astype(np.float64)) ** 2)),
        }
        if labels is not None:
            row["accuracy_fp32"] = float(np.mean(np.argmax(reference, 1) == labels))
            row["accuracy"] = float(np.mean(np.argmax(output, 1) == labels))
        results.append(row)
print(json.dumps(results, indent=1))
