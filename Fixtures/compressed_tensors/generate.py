"""Writes packing.json: random codes and their compressed-tensors packing, every bit width 2..8,
rows that fill, straddle and end mid-word. Run from the repository root:
    python3 Fixtures/compressed_tensors/generate.py
"""
import json
import os

import numpy as np

from reference import pack_to_int32, unpack_from_int32

here = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(7)
cases = []
for bits in range(2, 9):
    for rows, cols in [(1, 1), (3, 5), (2, 33), (4, 64), (5, 10), (2, 97)]:
        signed = rng.integers(-(1 << (bits - 1)), 1 << (bits - 1), size=(rows, cols)).astype(np.int8)
        words = pack_to_int32(signed, bits)
        assert (unpack_from_int32(words, bits, (rows, cols)) == signed).all()
        # Zero points pack down the output axis: an [rows, 1] column.
        column = signed[:, :1]
        column_words = pack_to_int32(column, bits, packed_dim=0)
        assert (unpack_from_int32(column_words, bits, column.shape, packed_dim=0) == column).all()
        cases.append({
            "bits": bits, "rows": rows, "cols": cols,
            "signed_codes": signed.flatten().tolist(),
            "words": words.flatten().tolist(), "words_shape": list(words.shape),
            "column_words": column_words.flatten().tolist(), "column_words_shape": list(column_words.shape),
        })
with open(os.path.join(here, "packing.json"), "w") as f:
    json.dump({"cases": cases}, f, separators=(",", ":"))
    f.write("\n")
print(f"{len(cases)} packing cases")
