#!/usr/bin/env python3
"""`make bench`: GPTQ at real layer sizes, quantize against the vectorized NumPy GPTQ
(Fixtures/gptq/reference.py, through gptq_numpy.py) on the same inputs, in one run.

Layers (out x in): 4096 x 4096 and 11008 x 4096, each on the same 4096 calibration rows,
4-bit symmetric with groups of 128 columns (GPTQ's usual setting), damp 0.01, blocks of 128, no
act-order. The inputs are generated once from fixed seeds under DATA (not committed): weights
N(0, 0.02²); calibration rows Z A with Z standard normal and A = (I + R / sqrt(in)) diag(s), R
standard normal and s log-normal: correlated inputs with uneven energy, as a layer's are.

Each round runs NumPy, then quantize (`--method gptq --calibration`), as whole processes
(loading the inputs and writing the codes included: a fraction of a second next to the GPTQ work),
for ROUNDS rounds (GPTQ_BENCH_ROUNDS, default 3); printed: the median wall time and peak resident
memory (the child's ru_maxrss) of each, and the median of the rounds' time ratios. Then the codes
of the last round are compared: the fraction that agree, the rows where any differ, and whether
the first difference of each such row is a code NumPy saw within 1e-4 of a rounding tie (the
fixtures' near-tie tolerance). A code that rounds the other way there changes the error its
row's later columns absorb, so those columns, and the group scales found from them, go their own
way: a different rounding of the same quality, which the output errors `‖X (W - Ŵ)ᵀ‖²` of both,
printed last, show.

Usage: python3 Benchmarks/gptq_bench.py QUANTIZE_BINARY DATA_FOLDER
"""
import os
import statistics
import subprocess
import sys
import time

import numpy as np

ROUNDS = int(os.environ.get("GPTQ_BENCH_ROUNDS", "3"))
LAYERS = [(4096, 4096), (11008, 4096)]
SAMPLES = 4096
BITS, GROUP = 4, 128
here = os.path.dirname(os.path.abspath(__file__))


def generate(data):
    """The calibration rows and each layer's weight, written once; returns their paths."""
    calibration = os.path.join(data, f"gptq-calibration-{SAMPLES}x{LAYERS[0][1]}.npy")
    if not os.path.exists(calibration):
        rng = np.random.default_rng(4096)
        n = LAYERS[0][1]
        mixing = (np.eye(n) + rng.standard_normal((n, n)) / np.sqrt(n)) * rng.lognormal(0, 1, n)
        np.save(calibration, (rng.standard_normal((SAMPLES, n)) @ mixing).astype(np.float32))
    weights = []
    for out, n in LAYERS:
        path = os.path.join(data, f"gptq-weight-{out}x{n}.npz")
        if not os.path.exists(path):
            rng = np.random.default_rng(out)
            np.savez(path, **{"fc1.weight": (rng.standard_normal((out, n)) * 0.02).astype(np.float32)})
        weights.append(path)
    return calibration, weights


def run_once(command):
    """Wall seconds and peak RSS (MiB) of one run of `command`. The peak comes from GNU time's
    `%M`, measured in the command's own process: a child's `ru_maxrss` also counts the memory
    this script held when it forked (Linux carries the high-water mark across exec), which
    grows as the rounds compare codes."""
    start = time.perf_counter()
    process = subprocess.Popen(["/usr/bin/time", "-f", "peak-kib %M"] + command, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
    _, stderr = process.communicate()
    elapsed = time.perf_counter() - start
    lines = stderr.decode().strip().splitlines()
    if process.returncode != 0 or not lines or not lines[-1].startswith("peak-kib "):
        sys.exit(f"failed: {' '.join(command)}: {stderr.decode()}")
    return elapsed, int(lines[-1].split()[1]) / 1024


def our_codes(path, shape):
    """The signed codes of quantize's npz output: 4-bit codes packed low nibble first, stored
    unsigned as q + 8."""
    packed = np.load(path)["fc1.weight"]
    codes = np.empty(shape, np.int16)
    codes[:, 0::2] = packed & 0xF
    codes[:, 1::2] = packed >> 4
    return codes - (1 << (BITS - 1))


def compare(ours_path, numpy_path, weight_path, calibration, shape):
    """Prints how the two runs' codes agree and both output errors."""
    theirs = np.load(numpy_path)
    ours, reference = our_codes(ours_path, shape), theirs["codes"].astype(np.int16)
    differing = ours != reference
    rows = np.flatnonzero(differing.any(axis=1))
    distance = np.full(ours.size, np.inf, np.float32)
    distance[theirs["near_ties"]] = theirs["tie_distances"]
    first = [distance[r * shape[1] + np.flatnonzero(differing[r])[0]] for r in rows]
    at_ties = sum(d < 1e-4 for d in first)
    count = int(differing.sum())
    print(f"  codes agreeing: {100 * (1 - count / ours.size):.4f}% ({ours.size - count} of {ours.size}); the {count} others "
          f"in {rows.size} of {shape[0]} rows, whose first difference NumPy saw within 1e-4 of a rounding tie in "
          f"{at_ties} of {rows.size} rows (farthest {max(first, default=0):.2g}); the rest of such a row follows it")
    W = np.load(weight_path)["fc1.weight"]
    X = np.load(calibration)
    errors = [output_error(ours.reshape(shape), np.load(ours_path)["fc1.weight_scale"], W, X),
              output_error(reference.reshape(shape), theirs["scales"], W, X)]
    print(f"  output error ‖X (W - Ŵ)ᵀ‖²: quantize {errors[0]:.6g}, NumPy {errors[1]:.6g} (ratio {errors[0] / errors[1]:.5f})")


def output_error(codes, scales, W, X):
    """`‖X (W - Ŵ)ᵀ‖²` for Ŵ = codes · scales (per group of GROUP columns): float32 products,
    float64 sum."""
    what = codes.astype(np.float32).reshape(codes.shape[0], -1, GROUP) * scales.astype(np.float32).reshape(codes.shape[0], -1, 1)
    difference = X @ (W - what.reshape(codes.shape)).T
    return float(np.sum(difference.astype(np.float64) ** 2))


def bench(binary, data, calibration, weight_path, shape):
    out, n = shape
    ours_path = os.path.join(data, f"gptq-{out}x{n}.quantize.npz")
    numpy_path = os.path.join(data, f"gptq-{out}x{n}.numpy.npz")
    numpy_command = [sys.executable, os.path.join(here, "gptq_numpy.py"), weight_path, calibration, numpy_path,
                     "--bits", str(BITS), "--group-size", str(GROUP)]
    our_command = [binary, weight_path, "-o", ours_path, "--force", "--method", "gptq", "--calibration", calibration,
                   "--bits", str(BITS), "--group-size", str(GROUP)]
    results = {"numpy": [], "quantize": []}
    for _ in range(ROUNDS):
        results["numpy"].append(run_once(numpy_command))
        results["quantize"].append(run_once(our_command))
    print(f"GPTQ {out}x{n} (out x in), {SAMPLES} calibration rows, {BITS}-bit symmetric, groups of {GROUP}; "
          f"{ROUNDS} rounds, interleaved")
    for name, runs in results.items():
        print(f"  {name:9s} median {statistics.median(t for t, _ in runs):7.2f} s   "
              f"peak RSS {statistics.median(m for _, m in runs):7.0f} MiB   "
              f"(times {', '.join(f'{t:.2f}' for t, _ in runs)})")
    ratios = [theirs[0] / ours[0] for theirs, ours in zip(results["numpy"], results["quantize"])]
    print(f"  quantize is {statistics.median(ratios):.2f}x faster than NumPy (median of the rounds' ratios)")
    compare(ours_path, numpy_path, weight_path, calibration, shape)


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    binary, data = sys.argv[1:]
    os.makedirs(data, exist_ok=True)
    calibration, weights = generate(data)
    for shape, weight_path in zip(LAYERS, weights):
        bench(binary, data, calibration, weight_path, shape)


if __name__ == "__main__":
    main()
