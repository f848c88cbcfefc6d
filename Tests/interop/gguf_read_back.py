#!/usr/bin/env python3
"""gguf-py reads a GGUF file our GGUFWriter wrote.

    GGUF_INTEROP_OUT=/tmp/ours.gguf swift test --skip-build --filter writeTheInteropFile
    python3 Tests/interop/gguf_read_back.py /tmp/ours.gguf

The file is written by Tests/QuantKitTests/Formats/GGUF/GGUFInteropFileTests.swift; this script
knows the same contents (keep the two in step) and checks, with gguf-py's GGUFReader (pip install
gguf==0.19.0): the metadata keys in order, each value and its type, the alignment and the tensors'
names, types, dimensions (innermost first) and bytes. Prints what it checked; exits 1 on the
first difference. Not run by `swift test`.
"""
import sys

import numpy as np
from gguf import GGUFReader, GGUFValueType as V, GGMLQuantizationType as T

METADATA = [
    ("general.architecture", V.STRING, "llama"), ("general.alignment", V.UINT32, 64),
    ("test.uint8", V.UINT8, 200), ("test.int8", V.INT8, -100), ("test.uint16", V.UINT16, 60000),
    ("test.int16", V.INT16, -30000), ("test.uint32", V.UINT32, 3_000_000_000), ("test.int32", V.INT32, -7),
    ("test.uint64", V.UINT64, 2**64 - 1), ("test.int64", V.INT64, -(2**63)), ("test.float32", V.FLOAT32, 0.5),
    ("test.float64", V.FLOAT64, -0.25), ("test.bool", V.BOOL, True), ("test.string", V.STRING, "h\u00e9llo"),
    ("test.tokens", V.ARRAY, ["<s>", "", "\u2713"]), ("test.floats", V.ARRAY, [1.0, -2.0, 0.125]),
    ("test.empty", V.ARRAY, []), ("test.nested", V.ARRAY, None),
]
TENSORS = [("f32", T.F32, [3, 2]), ("f16", T.F16, [5]), ("q4_0", T.Q4_0, [64, 2]), ("q6_K", T.Q6_K, [256])]


def fail(message):
    print(f"FAIL: {message}")
    sys.exit(1)


def main():
    reader = GGUFReader(sys.argv[1])
    fields = list(reader.fields.values())
    if [f.name for f in fields[3:]] != [key for key, _, _ in METADATA]:  # after magic/version/counts
        fail(f"keys {[f.name for f in fields]}")
    for field, (key, vtype, value) in zip(fields[3:], METADATA):
        if field.types[0] != vtype:
            fail(f"{key}: type {field.types}")
        if value is not None and field.contents() != value:
            fail(f"{key}: {field.contents()!r} != {value!r}")
    nested = fields[3 + len(METADATA) - 1]
    print(f"nested array as gguf-py sees it: types {[t.name for t in nested.types]}, {len(nested.data)} elements")
    if reader.alignment != 64:
        fail(f"alignment {reader.alignment}")
    for index, (tensor, (name, ggml_type, dims)) in enumerate(zip(reader.tensors, TENSORS)):
        expected = bytes((i * 7 + index) % 256 for i in range(tensor.n_bytes))
        if tensor.name != name or tensor.tensor_type != ggml_type or list(tensor.shape) != dims:
            fail(f"tensor {tensor.name} {tensor.tensor_type} {list(tensor.shape)}")
        if np.asarray(tensor.data).tobytes() != expected:
            fail(f"tensor {name}: bytes differ")
        if tensor.data_offset % 64 != 0:
            fail(f"tensor {name} at {tensor.data_offset}, not 64-aligned")
    print(f"OK: gguf-py read {len(METADATA)} metadata entries and {len(TENSORS)} tensors as written")


if __name__ == "__main__":
    main()
