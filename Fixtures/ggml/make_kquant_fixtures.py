"""Writes kquants.npz, the fixture of GGMLKQuantizerTests: seeded float32 rows and, for each of
ggml's K-quants q2_K ... q6_K, the bytes ggml itself writes for them without an importance
matrix (`ggml_quantize_chunk` through ggml_reference.py, the call `llama-quantize --pure` makes)
and gguf-py's dequantization of those bytes.

Members (np.savez_compressed):
- rows: float32 [ROWS, ROW_LENGTH], two super-blocks of 256 per row;
- <type>: uint8 [ROWS, row bytes], ggml's blocks for the rows (type in q2_K, ..., q6_K);
- <type>_dequantized: float32 [ROWS, ROW_LENGTH], `gguf.quants.dequantize` of those blocks.

The rows are random normals at scales from 1e-5 to 3e4 and the awkward cases of a scale search:
zeros, constants, one outlier per block, all negative, all positive, groups of zeros beside large
groups, tiny and subnormal values, values near float16's largest, heavy tails like LLM weights,
values on a grid of eighths (rounding ties), and groups whose extreme is tied in magnitude.

Run from the repository root (builds ggml_reference on first use; needs the llama.cpp build of
Benchmarks/llama_cpp.sh under .cache/ and gguf-py 0.19, `pip install gguf`):
    python3 Fixtures/ggml/make_kquant_fixtures.py
"""
import os

import numpy as np
from gguf import GGMLQuantizationType
from gguf.quants import dequantize

import ggml_reference

HERE = os.path.dirname(os.path.abspath(__file__))
ROW_LENGTH = 512
TYPES = {"q2_K": 10, "q3_K": 11, "q4_K": 12, "q5_K": 13, "q6_K": 14}


def normal_rows(rng):
    return [rng.standard_normal(ROW_LENGTH) * scale
            for scale in (1, 0.02, 0.1, 1e-3, 1e-5, 3, 100, 3e4)]


def edge_rows(rng):
    zeros = np.zeros(ROW_LENGTH)
    outlier = rng.standard_normal(ROW_LENGTH) * 0.01
    outlier[[17, 256 + 200]] = [5.0, -7.0]
    zero_groups = rng.standard_normal(ROW_LENGTH) * 10
    zero_groups[np.arange(ROW_LENGTH) // 16 % 2 == 0] = 0
    zero_halves = rng.standard_normal(ROW_LENGTH) * 4
    zero_halves[np.arange(ROW_LENGTH) // 32 % 3 == 1] = 0
    tied = rng.standard_normal(ROW_LENGTH) * 0.3
    tied[0::16], tied[8::16] = 2.0, -2.0
    one_value = zeros.copy()
    one_value[300] = 1.0
    return [zeros, np.full(ROW_LENGTH, 0.75), np.full(ROW_LENGTH, -2.5), outlier,
            -np.abs(rng.standard_normal(ROW_LENGTH)), np.abs(rng.standard_normal(ROW_LENGTH)) + 0.5,
            zero_groups, zero_halves, tied, one_value]


def tiny_and_huge_rows(rng):
    mixed = rng.standard_normal(ROW_LENGTH)
    mixed[:256] *= 1e-30
    return [rng.standard_normal(ROW_LENGTH) * 1e-30, rng.standard_normal(ROW_LENGTH) * 1e-40,
            rng.standard_normal(ROW_LENGTH) * 1e-15, rng.standard_normal(ROW_LENGTH) * 1e-8, mixed,
            np.clip(rng.standard_normal(ROW_LENGTH) * 3e4, -65504, 65504),
            rng.choice([-65504.0, 65504.0, 6e4, -1e4, 0.0], ROW_LENGTH)]


def weight_like_rows(rng):
    return [rng.standard_t(df, ROW_LENGTH) * 0.02 for df in (1.5, 2, 3, 5)] + [
        rng.laplace(0, 0.05, ROW_LENGTH),
        rng.lognormal(-3, 1, ROW_LENGTH) * rng.choice([-1, 1], ROW_LENGTH),
        rng.uniform(-1, 1, ROW_LENGTH),
        rng.integers(-16, 17, ROW_LENGTH) / 8,
        rng.integers(0, 4, ROW_LENGTH) * 0.25 - 0.5,
    ]


def make_rows():
    rng = np.random.default_rng(20260)
    rows = normal_rows(rng) + edge_rows(rng) + tiny_and_huge_rows(rng) + weight_like_rows(rng)
    # Random rows at random scales, shifted: more blocks of the usual kind.
    for _ in range(64 - len(rows)):
        rows.append(rng.standard_normal(ROW_LENGTH) * 10 ** rng.uniform(-4, 2) + rng.normal(0, 0.01))
    return np.stack(rows).astype(np.float32)


def main():
    rows = make_rows()
    members = {"rows": rows}
    for name, type_id in TYPES.items():
        blocks = np.frombuffer(ggml_reference.quantize(type_id, rows), dtype=np.uint8).reshape(len(rows), -1)
        members[name] = blocks
        members[name + "_dequantized"] = dequantize(blocks, GGMLQuantizationType(type_id)).astype(np.float32)
    np.savez_compressed(os.path.join(HERE, "kquants.npz"), **members)


if __name__ == "__main__":
    main()
