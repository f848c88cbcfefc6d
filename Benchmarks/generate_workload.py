"""The benchmark workload: `count` float32 tensors of 4096x4096 (64 MiB each) drawn from a
seeded normal distribution, saved with np.savez (stored members, as NumPy writes them).

Usage: python3 Benchmarks/generate_workload.py OUT.npz [COUNT=16] [--compressed]
Deterministic (seed 0); the files are large and are not committed (`make bench` makes them
under bench-data/).
"""
import sys

import numpy as np

out = sys.argv[1]
args = [a for a in sys.argv[2:] if not a.startswith("--")]
count = int(args[0]) if args else 16
rng = np.random.default_rng(0)
tensors = {f"layers.{i}.weight": rng.standard_normal((4096, 4096), dtype=np.float32) for i in range(count)}
(np.savez_compressed if "--compressed" in sys.argv else np.savez)(out, **tensors)
