"""The NumPy textbook pipeline `quantize` is measured against: np.load, quantize every tensor
of rank >= 2 in float32 (symmetric; per output channel, or per tensor), np.savez.

Usage: python3 Benchmarks/numpy_pipeline.py IN.npz OUT.npz [per-channel|symmetric] [--compress]
"""
import sys

import numpy as np

source, target = sys.argv[1], sys.argv[2]
scheme = sys.argv[3] if len(sys.argv) > 3 and not sys.argv[3].startswith("--") else "per-channel"
archive = np.load(source)
out = {}
for name in archive.files:
    x = archive[name]
    if x.dtype.kind != "f" or x.ndim < 2:
        out[name] = x
        continue
    axes = tuple(range(1, x.ndim)) if scheme == "per-channel" else None
    scale = (np.abs(x).max(axis=axes, keepdims=True) / np.float32(127)).astype(np.float32)
    scale = np.where(scale == 0, np.float32(1), scale).astype(np.float32)
    out[name] = np.clip(np.round(x / scale), -128, 127).astype(np.int8)
    out[name + "_scale"] = scale
(np.savez_compressed if "--compress" in sys.argv else np.savez)(target, **out)
