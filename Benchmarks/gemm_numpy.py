#!/usr/bin/env python3
"""NumPy's side of `quantize-bench`: times float32 `x @ W.T` (OpenBLAS) for 256 x 4096 by
(4096 x 4096)ᵀ and prints a line in the same `key=value` format.

Usage: python3 Benchmarks/gemm_numpy.py [--runs R]
The BLAS thread count is NumPy's default (all cores unless OPENBLAS_NUM_THREADS is set).
"""
import os
import sys
import time

import numpy as np

M, N, K = 256, 4096, 4096


def median_ms(body, runs):
    body()
    times = []
    for _ in range(runs):
        start = time.perf_counter_ns()
        body()
        times.append((time.perf_counter_ns() - start) / 1e6)
    times.sort()
    return times[len(times) // 2]


def main():
    runs = int(sys.argv[sys.argv.index("--runs") + 1]) if "--runs" in sys.argv else 7
    rng = np.random.default_rng(1)
    x = rng.standard_normal((M, K), dtype=np.float32)
    w = (rng.standard_normal((N, K), dtype=np.float32) / 64).astype(np.float32)
    ms = median_ms(lambda: x @ w.T, runs)
    gflops = 2 * M * N * K / (ms * 1e6)
    threads = os.environ.get("OPENBLAS_NUM_THREADS", str(os.cpu_count()))
    print(f"bench=float32_gemm impl=numpy kernel=openblas shape={M}x{N}x{K} threads={threads} runs={runs} "
          f"median_ms={ms:.2f} gflops={gflops:.1f}")


if __name__ == "__main__":
    main()
