#!/usr/bin/env python3
"""Writes Fixtures/ggml/legacy/: rows of float32 values, an importance matrix, and for each of
ggml's legacy block types (Q4_0, Q4_1, Q5_0, Q5_1, Q8_0) the bytes ggml's own
`ggml_quantize_chunk` makes of the rows, without and with the importance matrix, plus
gguf-py's dequantization of the plain bytes.

    python3 Fixtures/ggml/make_legacy_fixtures.py

Files (all little-endian, no headers; shapes in manifest.json):
  rows.f32                     ROWS x LENGTH float32 inputs (named row by row in the manifest)
  importance.f32               LENGTH float32 importance values (one per column)
  <type>.bin                   ggml's blocks of the rows, no importance matrix
  <type>-importance.bin        ggml's blocks of the rows with importance.f32
  <type>-dequantized.f32       gguf.quants.dequantize of <type>.bin

Needs numpy, gguf (gguf-py) and ggml_reference.py's build of llama.cpp under .cache/.
"""
import json
import os

import numpy as np
import gguf

from ggml_reference import quantize

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "legacy")
SEED = 20261130
LENGTH = 128  # four blocks a row
TYPES = {"q4_0": 2, "q4_1": 3, "q5_0": 6, "q5_1": 7, "q8_0": 8}
FP16_MAX = 65504.0


def block(values):
    """32 float32 values from a shorter pattern, repeated."""
    values = np.asarray(values, dtype=np.float32)
    return np.resize(values, 32)


def gaussian_rows(rng):
    rows = []
    for scale in [1.0, 1e-3, 1e3, 3e4, 1e-20, 1e-37]:
        for k in range(3):
            rows.append((f"normal scale {scale:g} #{k}", rng.standard_normal(LENGTH) * scale))
    return rows


def shaped_rows(rng):
    outlier = rng.standard_normal(LENGTH)
    outlier[37] = 1e6
    negative = -np.abs(rng.standard_normal(LENGTH)) - 0.5
    ties = rng.standard_normal(LENGTH)
    ties[[0, 33, 70, 101]] = [-4.0, 4.0, 4.0, -4.0]  # |min| == max, each sign first
    ties[[10, 40, 64, 120]] = [4.0, -4.0, -4.0, 4.0]
    return [
        ("zeros", np.zeros(LENGTH)),
        ("constant 0.75 / -3 / 1e-30 / 7e4", np.repeat([0.75, -3.0, 1e-30, 7e4], 32)),
        ("one outlier of 1e6", outlier),
        ("all negative", negative),
        ("ties where |min| == max", ties),
        ("integers 0 ... 127 and negatives", np.concatenate([np.arange(64), -np.arange(64)])),
        # The first zero a scan keeps decides the sign of a zero min, max or d.
        ("signed zeros", np.concatenate([block([-0.0, 0.0]), block([0.0, -0.0]), block([-0.0]),
                                         block([0.0, -0.0, 1.0, -0.0, 2.0])])),
        ("signed zeros with negatives", np.concatenate([block([-0.0, -1.0, 0.0]), block([0.0, -3.0, -0.0]),
                                                        block([-2.0, -0.0]), block([-2.0, 0.0, -0.0])])),
    ]


def boundary_rows():
    """Blocks whose scaled values land exactly on rounding and truncation boundaries, and
    one float32 step either side of them."""
    rows = []
    halves8 = np.concatenate([[-8.0], np.arange(-7.5, 8.0, 0.5)[:31]])        # q4_0: d = 1
    halves16 = np.concatenate([[-16.0], np.arange(-15.5, 16.0, 1.0)])        # q5_0: d = 1
    halves15 = np.concatenate([[0.0, 15.0], np.arange(0.5, 15.0, 0.5)[:30]])  # q4_1: d = 1
    halves31 = np.concatenate([[0.0, 31.0], np.arange(0.5, 31.0, 1.0)])       # q5_1: d = 1
    halves127 = np.concatenate([[127.0], np.arange(-126.5, 127.0, 8.0)])      # q8_0: d = 1
    base = np.concatenate([block(halves8), block(halves16), block(halves15), block(halves31)])
    rows.append(("halves at d = 1 (q4_0, q5_0, q4_1, q5_1)", base))
    rows.append(("halves at d = 1, one step up", np.nextafter(base.astype(np.float32), np.float32(np.inf))))
    rows.append(("halves at d = 1, one step down", np.nextafter(base.astype(np.float32), np.float32(-np.inf))))
    q8 = np.concatenate([block(halves127), block(halves127 / 4), block(-halves127), block(halves127 * 3)])
    rows.append(("halves at d = 1 (q8_0)", q8))
    rows.append(("halves at d = 1 (q8_0), one step up", np.nextafter(q8.astype(np.float32), np.float32(np.inf))))
    # d exactly halfway between two binary16 values (ties to even) and just off it.
    tie = 1 + 2.0 ** -11
    rows.append(("d on a binary16 tie", np.concatenate([
        block([-8 * tie, 1, 2]), block([127 * tie, -3]), block([0, 15 * tie]), block([-16 * tie, 5])])))
    return rows


def tiny_and_huge_rows(rng):
    g = rng.standard_normal(LENGTH)
    return [
        ("subnormal 1e-39", g * 1e-39),
        ("subnormal 1e-42", g * 1e-42),
        ("smallest subnormals", np.resize(np.float32([1e-45, -1e-45, 0, 3e-45]), LENGTH)),
        ("1/d overflows (amax 3e-37)", np.concatenate([g[:96] * 1e-38, np.resize([3e-37, -1e-37], 32)])),
        ("max near 65504 * 8", np.concatenate([block([FP16_MAX * 8, 1.0, -2.0]), block([-FP16_MAX * 8, 3.0]),
                                               block([FP16_MAX * 8 * (1 + 2 ** -11), 1.0]),
                                               block([65520.0 * 8, -1.0])])),
        ("max near 65504 * 16, 127, 15, 31", np.concatenate([block([FP16_MAX * 16, 2.0]), block([FP16_MAX * 127, 9.0]),
                                                            block([0.0, FP16_MAX * 15, 4.0]),
                                                            block([0.0, FP16_MAX * 31, -7.0])])),
        ("beyond binary16 (d and min overflow)", np.concatenate([block([1e6, -2e6, 3.0]), block([-7e4, -1e5, -8e4]),
                                                                block([1e9, -1e9]), block([-65520.0, 1.0])])),
        ("min near -65504", np.concatenate([block([-FP16_MAX, 0.5]), block([-65519.0, 2.0]),
                                            block([-65520.0, 3.0]), block([-FP16_MAX * (1 + 2 ** -12), 0.0])])),
    ]


def make_rows():
    rng = np.random.default_rng(SEED)
    named = gaussian_rows(rng) + shaped_rows(rng) + boundary_rows() + tiny_and_huge_rows(rng)
    rows = np.stack([np.asarray(values, dtype=np.float32) for _, values in named])
    assert rows.shape[1] == LENGTH and np.isfinite(rows).all()
    return [name for name, _ in named], rows


def make_importance(rng):
    importance = rng.gamma(0.5, 2.0, LENGTH).astype(np.float32)
    importance[::19] = 0.0  # columns ggml's imatrix never saw
    importance[5] = 1e4
    return importance


def main():
    names, rows = make_rows()
    importance = make_importance(np.random.default_rng(SEED + 1))
    os.makedirs(OUT, exist_ok=True)
    rows.tofile(os.path.join(OUT, "rows.f32"))
    importance.tofile(os.path.join(OUT, "importance.f32"))
    for name, number in TYPES.items():
        plain = quantize(number, rows)
        weighted = quantize(number, rows, importance)
        with open(os.path.join(OUT, f"{name}.bin"), "wb") as f:
            f.write(plain)
        with open(os.path.join(OUT, f"{name}-importance.bin"), "wb") as f:
            f.write(weighted)
        blocks = np.frombuffer(plain, dtype=np.uint8).reshape(rows.shape[0], -1)
        with np.errstate(invalid="ignore", over="ignore"):
            values = gguf.quants.dequantize(blocks, gguf.GGMLQuantizationType(number))
        np.asarray(values, dtype="<f4").tofile(os.path.join(OUT, f"{name}-dequantized.f32"))
    manifest = {"seed": SEED, "rowCount": rows.shape[0], "rowLength": LENGTH, "types": list(TYPES),
                "reference": "ggml_quantize_chunk of llama.cpp in llama-cpp-python 0.3.36; gguf-py dequantize",
                "rows": names}
    with open(os.path.join(OUT, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
