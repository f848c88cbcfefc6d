#!/usr/bin/env python3
"""NumPy's side of `gptq_bench.py`: the vectorized NumPy GPTQ of Fixtures/gptq/reference.py (the
oracle GPTQTests checks against) on one layer, as a process of its own so that its wall time and
peak memory are measured like quantize's.

Usage: python3 Benchmarks/gptq_numpy.py WEIGHT.npz CALIBRATION.npy OUT.npz --bits B --group-size G
WEIGHT.npz holds `fc1.weight` [out, in] float32, CALIBRATION.npy the inputs [samples, in]. OUT.npz
gets the codes (int8 [out, in]), the scales (float32 [out, in / G]) and, for comparing codes, the flat indices of the codes whose
`w / scale` lies within 0.01 of a rounding tie with those distances (`near_ties`, `tie_distances`).
"""
import argparse
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Fixtures", "gptq"))
from reference import gptq  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("weight")
    parser.add_argument("calibration")
    parser.add_argument("out")
    parser.add_argument("--bits", type=int, default=4)
    parser.add_argument("--group-size", type=int, default=128)
    args = parser.parse_args()
    W = np.load(args.weight)["fc1.weight"]
    X = np.load(args.calibration)
    codes, scales, _, ratios = gptq(W, X, args.bits, symmetric=True, granularity="group", group_size=args.group_size)
    distance = np.abs(np.abs(ratios - np.floor(ratios)) - 0.5).ravel()
    near = np.flatnonzero(distance < 0.01)
    np.savez(args.out, codes=codes.astype(np.int8), scales=scales, near_ties=near.astype(np.int64), tie_distances=distance[near])


if __name__ == "__main__":
    main()
