"""Writes kquants_imatrix.npz, the fixture of GGMLKQuantizerImportanceTests: for sets of the rows
of kquants.npz (make_kquant_fixtures.py) and an importance matrix each, the bytes ggml itself
writes for each K-quant q2_K ... q6_K with that importance matrix (`ggml_quantize_chunk` with
`quant_weights`, through ggml_reference.py: what `llama-quantize --imatrix` writes).

Members (np.savez_compressed), for each set S:
- S_span: int64 [first, count, row_length]: the input is kquants.npz's `rows`, flattened,
  values [first, first + count), cut into rows of row_length;
- S_importance: float32 [row_length], one value per column;
- S_<type>: uint8 [count / row_length, row bytes], ggml's blocks.

Sets: `random` (rows 24 ..< 56: heavy tails, grids, random scales; log-normal importance), `sparse` (the edge-case rows: zeros,
constants, outliers, tiny and huge values; importance zero on whole groups and scattered
columns), `zero` (the same rows, importance all zeros), `extreme` (the same rows, importance
from 1e-30 to 1e30), `long` (eight rows of four super-blocks each, 1024 columns).

Run from the repository root (needs ggml_reference's llama.cpp build under .cache/):
    python3 Fixtures/ggml/make_kquant_imatrix_fixtures.py
"""
import os

import numpy as np

import ggml_reference

HERE = os.path.dirname(os.path.abspath(__file__))
TYPES = {"q2_K": 10, "q3_K": 11, "q4_K": 12, "q5_K": 13, "q6_K": 14}
ROW_LENGTH = 512
EDGE_ROWS = (8, 24)  # the edge-case and tiny/huge rows of make_kquant_fixtures.py


def importance_sets(rng):
    sparse = rng.lognormal(0, 1, ROW_LENGTH)
    sparse[np.arange(ROW_LENGTH) // 16 % 3 == 1] = 0
    sparse[rng.choice(ROW_LENGTH, 64, replace=False)] = 0
    extreme = 10.0 ** rng.uniform(-30, 30, ROW_LENGTH)
    first, last = EDGE_ROWS[0] * ROW_LENGTH, EDGE_ROWS[1] * ROW_LENGTH
    return {
        "random": ((24 * ROW_LENGTH, 32 * ROW_LENGTH, ROW_LENGTH), rng.lognormal(0, 1.5, ROW_LENGTH)),
        "sparse": ((first, last - first, ROW_LENGTH), sparse),
        "zero": ((first, last - first, ROW_LENGTH), np.zeros(ROW_LENGTH)),
        "extreme": ((first, last - first, ROW_LENGTH), extreme),
        "long": ((40 * ROW_LENGTH, 8 * 1024, 1024), rng.gamma(0.5, 2.0, 1024)),
    }


def main():
    values = np.load(os.path.join(HERE, "kquants.npz"))["rows"].reshape(-1)
    rng = np.random.default_rng(20261201)
    members = {}
    for name, (span, importance) in importance_sets(rng).items():
        first, count, length = span
        rows = values[first:first + count].reshape(-1, length)
        importance = importance.astype(np.float32)
        members[name + "_span"] = np.array(span, dtype=np.int64)
        members[name + "_importance"] = importance
        for type_name, type_id in TYPES.items():
            blocks = ggml_reference.quantize(type_id, rows, imatrix=importance)
            members[f"{name}_{type_name}"] = np.frombuffer(blocks, dtype=np.uint8).reshape(len(rows), -1)
    np.savez_compressed(os.path.join(HERE, "kquants_imatrix.npz"), **members)


if __name__ == "__main__":
    main()
