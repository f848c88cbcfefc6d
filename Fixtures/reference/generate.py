#!/usr/bin/env python3
"""Reference quantization fixtures for QuantKit's tests.

Writes quantization.json next to this script (and scale_options.json, below): for each case the
scheme, bits, axis, shape,
the float32 input as uint32 bit patterns (8 hex digits), and the expected codes, scales
(hex bit patterns) and zero points, as computed by the NumPy reference quantizer
(Fixtures/numpy_reference.py), all in np.float32:

  symmetric:  qmax = 2^(b-1) - 1, scale = max|x| / qmax (0 -> 1), q = clip(round(x / scale), -qmax-1, qmax)
  asymmetric: range widened to contain 0, levels = 2^b - 1,
              scale = (max - min) / levels, or max/levels - min/levels when max - min overflows (0 -> 1),
              zp = clip(round(-min / scale), 0, levels), q = clip(round(x / scale) + zp, 0, levels)

np.round rounds half to even, as Swift's .toNearestOrEven does. Deterministic: fixed seeds.

scale_options.json holds the cases of the full symmetric range (`--symmetric-range full`) and
of scales stored in float16 or bfloat16 (`--scale-dtype`), each naming its `symmetric_range`
and `scale_dtype`:

  full:        m = the element of largest magnitude, the first in C order on ties,
               scale = m / -2^(b-1) (0 -> 1), q = clip(round(x / scale), -2^(b-1), 2^(b-1) - 1)
  scale dtype: every scale rounded to the type (nearest even, sign kept, never 0 or infinite)
               before the codes (and zero points) are computed from it

at 2 to 8 bits, per tensor, per channel (axis 0, and axes 1 and -1 whose channels interleave),
per group, with ties between -a and +a in both orders, all-zero rows, extremes of either sign,
exact .5 steps, scales that underflow, and stored scales whose rounding changes codes.
Run: python3 Fixtures/reference/generate.py
"""
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from numpy_reference import pack_codes, quantize, quantize_clipped  # noqa: E402

F32 = np.float32


def hex_bits(values):
    return ["%08x" % int(v) for v in np.asarray(values, dtype=F32).reshape(-1).view(np.uint32)]


def case(name, x, scheme, bits, axis=None, group_size=None, clipping=None, symmetric_range=None, scale_dtype=None):
    x = np.asarray(x, dtype=F32)
    if clipping is None:
        codes, scales, zps, _ = quantize(x, scheme, bits, 0 if axis is None else axis, group_size,
                                         symmetric_range=symmetric_range or "restricted", scale_dtype=scale_dtype)
    else:
        codes, scales, zps = quantize_clipped(x, scheme, bits, 0 if axis is None else axis, group_size, clipping)
    result = {
        "name": name,
        "scheme": scheme,
        "bits": bits,
        "axis": axis,
        "shape": list(x.shape),
        "input": hex_bits(x),
        "codes": [int(c) for c in codes.reshape(-1)],
        "scales": hex_bits(scales),
        "zero_points": [] if zps is None else [int(z) for z in zps.reshape(-1)],
    }
    if group_size is not None:
        result["group_size"] = group_size
    if clipping is not None:
        result["clipping"] = clipping
    if symmetric_range is not None:
        result["symmetric_range"] = symmetric_range
    if scale_dtype is not None:
        result["scale_dtype"] = scale_dtype
    if bits <= 4:
        # The .npz packing of these codes (two 4-bit codes per byte, low bits first).
        symmetric = scheme in ("symmetric", "per-channel", "group")
        result["packed"] = pack_codes(codes, bits, symmetric).reshape(-1).tobytes().hex()
    return result


def tie_values(symmetric, bits, step):
    """Values whose quotient by the (power-of-two) scale `step` is exactly k + 0.5."""
    if symmetric:
        qmax = 2 ** (bits - 1) - 1
        ends = [qmax * step, -qmax * step]
        ks = range(-qmax, qmax)
    else:
        levels = 2 ** bits - 1
        below = levels // 3
        ends = [-below * step, (levels - below) * step]
        ks = range(-below, levels - below)
    ties = [(k + 0.5) * step for k in ks]
    return np.array(ends + ties, dtype=F32)


def main():
    rng = np.random.default_rng(20261129)
    normal2d = rng.standard_normal((8, 16)).astype(F32)
    normal3d = rng.standard_normal((4, 3, 5)).astype(F32)
    outlier = rng.standard_normal((4, 16)).astype(F32)
    outlier[2, 7] = F32(1e4)
    textbook = rng.standard_normal((4, 8)).astype(F32)
    textbook[0] *= F32(10)
    textbook[3] *= F32(0.1)
    all_positive = (np.abs(rng.standard_normal((3, 6))) + F32(0.5)).astype(F32)
    all_negative = (-np.abs(rng.standard_normal((3, 6))) - F32(0.25)).astype(F32)
    constant = np.full((2, 5), 3.0, dtype=F32)
    zeros = np.zeros((2, 3), dtype=F32)
    subnormal = np.array([[1e-40, -3e-41, 5e-42], [0.0, 2e-40, -1.4e-45]], dtype=F32)
    overflow = np.array([[3e38, -3e38, 1.0], [-2.5e38, 0.0, 1e38]], dtype=F32)
    scalar = np.array(-2.75, dtype=F32)

    schemes = ["symmetric", "asymmetric", "per-channel", "per-channel-asymmetric"]
    cases = []

    def every_scheme(name, x, bits_list, axes=(0,)):
        for bits in bits_list:
            for scheme in schemes:
                if scheme.startswith("per-channel"):
                    for axis in axes:
                        cases.append(case(f"{name}/{scheme}/b{bits}/axis{axis}", x, scheme, bits, axis))
                else:
                    cases.append(case(f"{name}/{scheme}/b{bits}", x, scheme, bits))

    every_scheme("normal2d", normal2d, [8, 4, 2], axes=(0, -1))
    every_scheme("normal3d", normal3d, [8, 4], axes=(0, 1, -1))
    every_scheme("outlier", outlier, [8, 4])
    every_scheme("textbook", textbook, [8, 4])
    every_scheme("all-positive", all_positive, [8, 4])
    every_scheme("all-negative", all_negative, [8, 4])
    every_scheme("constant", constant, [8, 4])
    every_scheme("zeros", zeros, [8, 4])
    every_scheme("subnormal", subnormal, [8, 4])
    every_scheme("overflow", overflow, [8, 4])
    every_scheme("scalar", scalar, [8])

    # Ties: x / scale is exactly k + 0.5 because the scale is a power of two.
    for bits in [8, 4, 2]:
        for symmetric, tensor_scheme, channel_scheme in [
            (True, "symmetric", "per-channel"),
            (False, "asymmetric", "per-channel-asymmetric"),
        ]:
            row = tie_values(symmetric, bits, F32(0.25))
            cases.append(case(f"ties/{tensor_scheme}/b{bits}", row, tensor_scheme, bits))
            rows = np.stack([row, tie_values(symmetric, bits, F32(2.0 ** -5))])
            cases.append(case(f"ties/{channel_scheme}/b{bits}/axis0", rows, channel_scheme, bits, 0))

    # Group-wise scales along the last axis, every width, a ragged row length for 3 bits.
    for bits in [8, 4, 3, 2]:
        for scheme in ["group", "group-asymmetric"]:
            cases.append(case(f"normal2d/{scheme}/b{bits}/g4", normal2d, scheme, bits, group_size=4))
            cases.append(case(f"normal3d/{scheme}/b{bits}/g5", normal3d, scheme, bits, group_size=5))
            cases.append(case(f"outlier/{scheme}/b{bits}/g8", outlier, scheme, bits, group_size=8))
    for scheme in schemes:
        cases.append(case(f"ragged/{scheme}/b3", normal3d, scheme, 3, 0 if scheme.startswith("per-channel") else None))

    # Clipping searches: every scheme at 4 and 3 bits, per-channel axes 0 and -1, groups.
    heavy = rng.standard_t(3, size=(6, 40)).astype(F32)  # heavy tails: clipping pays
    for clipping in ["mse", "percentile:99", "percentile:90"]:
        for bits in [4, 3]:
            for scheme in schemes:
                axes = (0, -1) if scheme.startswith("per-channel") else (None,)
                for axis in axes:
                    suffix = "" if axis is None else f"/axis{axis}"
                    cases.append(case(f"heavy/{clipping}/{scheme}/b{bits}{suffix}", heavy, scheme, bits, axis,
                                      clipping=clipping))
            for scheme in ["group", "group-asymmetric"]:
                cases.append(case(f"heavy/{clipping}/{scheme}/b{bits}/g8", heavy, scheme, bits, group_size=8,
                                  clipping=clipping))
        cases.append(case(f"outlier/{clipping}/per-channel/b8", outlier, "per-channel", 8, 0, clipping=clipping))

    write("quantization.json", cases)
    write("scale_options.json", scale_option_cases())


def write(name, cases):
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), name)
    with open(out, "w") as f:
        json.dump({"generator": "Fixtures/reference/generate.py", "numpy": np.__version__, "cases": cases},
                  f, separators=(",", ":"))
        f.write("\n")
    print(f"{len(cases)} cases -> {out} ({os.path.getsize(out)} bytes)")


def edge_rows(bits):
    """One row per edge case of the full range, 8 values each: a tie with -a first, a tie with +a
    first, all zeros, a negative extreme, a positive extreme (with values opposite to it that clamp
    to 2^(b-1) - 1), and exact .5 steps of a power-of-two scale (0.25) on both sides of 0."""
    half = 2 ** (bits - 1)
    m = F32(0.25 * half)
    steps = [k + 0.5 for k in (0, 1, half - 2, -1, -2, -half + 1)]
    return np.array([
        [0.1, -2.0, 0.5, 2.0, -1.3, 0.7, 1.9, -0.2],
        [2.0, -2.0, 0.5, -0.3, 1.3, -1.99, 0.0, 2.0],
        [0.0] * 8,
        [-3.0, 1.0, 2.5, 2.9, -0.1, 0.4, -2.2, 0.0],
        [3.0, -1.0, -2.5, -2.9, 2.95, -2.99, 0.6, 1.0],
        [m, *(F32(k * 0.25) for k in steps), -(half - 0.5) * 0.25],
    ], dtype=F32)


def differing_codes(x, scheme, bits, axis, group_size, symmetric_range, scale_dtype):
    """How many codes storing the scales in `scale_dtype` changes."""
    kwargs = dict(group_size=group_size, symmetric_range=symmetric_range)
    stored = quantize(x, scheme, bits, axis, scale_dtype=scale_dtype, **kwargs)[0]
    return int(np.count_nonzero(stored != quantize(x, scheme, bits, axis, **kwargs)[0]))


def scale_option_cases():
    rng = np.random.default_rng(20260611)
    normal = rng.standard_normal((4, 8)).astype(F32)
    normal3d = rng.standard_normal((3, 4, 5)).astype(F32)
    # Scales that float16 and bfloat16 round away from float32: codes change (checked below).
    uneven = (rng.standard_normal((8, 16)) * np.float32(3.3)).astype(F32)
    cases = []
    for bits in range(2, 9):
        cases.append(case(f"normal/full/symmetric/b{bits}", normal, "symmetric", bits, symmetric_range="full"))
        for axis in (0, -1):
            cases.append(case(f"normal/full/per-channel/b{bits}/axis{axis}", normal, "per-channel", bits, axis,
                              symmetric_range="full"))
        cases.append(case(f"normal/full/group/b{bits}/g4", normal, "group", bits, group_size=4, symmetric_range="full"))
        edges = edge_rows(bits)
        cases.append(case(f"edges/full/per-channel/b{bits}/axis0", edges, "per-channel", bits, 0, symmetric_range="full"))
        cases.append(case(f"edges/full/group/b{bits}/g4", edges, "group", bits, group_size=4, symmetric_range="full"))
        for dtype in ("float16", "bfloat16"):
            cases.append(case(f"uneven/full/per-channel/b{bits}/{dtype}", uneven, "per-channel", bits, 0,
                              symmetric_range="full", scale_dtype=dtype))
    for bits in (4, 8):
        cases.append(case(f"edges/full/per-channel/b{bits}/axis1", edge_rows(bits).T, "per-channel", bits, 1,
                          symmetric_range="full"))
        cases.append(case(f"normal3d/full/per-channel/b{bits}/axis1", normal3d, "per-channel", bits, 1,
                          symmetric_range="full"))
        cases.append(case(f"uneven/full/group/b{bits}/g8/float16", uneven, "group", bits, group_size=8,
                          symmetric_range="full", scale_dtype="float16"))
    # Per tensor, ties across rows: +2 first (scale -0.25), then -2 first (scale 0.25).
    cases.append(case("tie/full/symmetric/b4/positive-first", [[1.0, 2.0], [-2.0, 0.5]], "symmetric", 4,
                      symmetric_range="full"))
    cases.append(case("tie/full/symmetric/b4/negative-first", [[1.0, -2.0], [2.0, 0.5]], "symmetric", 4,
                      symmetric_range="full"))
    # The smallest subnormal over -8 underflows to -0: the scale becomes 1.
    tiny = [[1.4e-45, -0.0, 0.0, 0.0], [-2.8e-45, 1.4e-45, 0.0, 0.0]]
    cases.append(case("tiny/full/per-channel/b4", tiny, "per-channel", 4, 0, symmetric_range="full"))
    # Stored scales at the types' ends: float16 overflow (65504) and underflow (2^-24), bfloat16 underflow.
    extremes = [[1e6, -3.0, 2e5, -7e5], [1e-10, -3e-11, 5e-11, 0.0], [-1e-40, 3e-41, 0.0, 5e-41]]
    for dtype in ("float16", "bfloat16"):
        cases.append(case(f"extremes/full/per-channel/b4/{dtype}", extremes, "per-channel", 4, 0,
                          symmetric_range="full", scale_dtype=dtype))
        for scheme in ("per-channel", "per-channel-asymmetric", "group", "group-asymmetric"):
            for bits in (8, 4):
                group_size = 4 if scheme.startswith("group") else None
                cases.append(case(f"uneven/{scheme}/b{bits}/{dtype}", uneven, scheme, bits, 0, group_size,
                                  scale_dtype=dtype))
    # The rounding of the stored scale changes codes of every kind in these cases (else they
    # would not show that codes are computed from the stored scale).
    for dtype in ("float16", "bfloat16"):
        kinds = {"full": 0, "restricted": 0, "asymmetric": 0}
        for c in cases:
            if c.get("scale_dtype") != dtype or not c["name"].startswith("uneven/"):
                continue
            kind = c.get("symmetric_range") or ("asymmetric" if c["zero_points"] else "restricted")
            kinds[kind] += differing_codes(uneven, c["scheme"], c["bits"], 0, c.get("group_size"),
                                           c.get("symmetric_range") or "restricted", dtype)
        assert all(kinds.values()), f"{dtype} scales change no code of some kind: {kinds}"
    return cases


if __name__ == "__main__":
    main()
