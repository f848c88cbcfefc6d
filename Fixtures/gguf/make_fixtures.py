#!/usr/bin/env python3
"""Regenerates the GGUF fixtures in this directory; run from anywhere: python3 make_fixtures.py

Needs NumPy and gguf-py (pip install gguf==0.19.0): the files are written by gguf-py's
GGUFWriter, the writer llama.cpp's converters use, so that our reader is checked against files
it did not write. Deterministic: a rerun rewrites identical bytes.

all_types.gguf   metadata of every value type (each scalar type, strings with non-ASCII text,
                 arrays of every element type, arrays of strings, arrays nested two and three
                 deep) and tensors of types f32 (1-D, 2-D, 4-D), f16, bf16, i32 and q8_0.
aligned64.gguf   general.alignment = 64, with tensors whose sizes are not multiples of 64.

expected.json lists, for each file: the version, alignment and data section start (as gguf-py's
reader finds them); the metadata in order, each value rendered canonically (see `render`); the
tensors in order: name, ggml type number, dimensions innermost first (as the file stores them),
offset in the data section and the stored bytes (hex).
"""
import json
import os

import numpy as np
import gguf
from gguf import GGMLQuantizationType as T, GGUFValueType as V

HERE = os.path.dirname(os.path.abspath(__file__))

SCALAR = {V.UINT8: "uint8", V.INT8: "int8", V.UINT16: "uint16", V.INT16: "int16", V.UINT32: "uint32",
          V.INT32: "int32", V.UINT64: "uint64", V.INT64: "int64", V.FLOAT32: "float32", V.FLOAT64: "float64",
          V.BOOL: "bool", V.STRING: "string", V.ARRAY: "array"}


def render(value, vtype, sub_type=None):
    """A value as `type:payload`: integers in decimal, floats as the hex of their bits, bools as
    true/false, strings as the hex of their UTF-8 bytes, arrays as `array<element type>[...]`
    with each element rendered the same way (gguf-py types nested elements from the values)."""
    name = SCALAR[vtype]
    if vtype == V.FLOAT32:
        return f"{name}:{np.float32(value).view(np.uint32):08x}"
    if vtype == V.FLOAT64:
        return f"{name}:{np.float64(value).view(np.uint64):016x}"
    if vtype == V.BOOL:
        return f"{name}:{'true' if value else 'false'}"
    if vtype == V.STRING:
        return f"{name}:{value.encode('utf-8').hex()}"
    if vtype == V.ARRAY:
        element = sub_type if sub_type is not None else V.get_type(value[0])
        return f"array<{SCALAR[element]}>[" + ",".join(render(item, element) for item in value) + "]"
    return f"{name}:{int(value)}"


METADATA = [
    ("test.uint8", 250, V.UINT8, None),
    ("test.int8", -120, V.INT8, None),
    ("test.uint16", 65000, V.UINT16, None),
    ("test.int16", -32000, V.INT16, None),
    ("test.uint32", 4_000_000_000, V.UINT32, None),
    ("test.int32", -2_000_000_000, V.INT32, None),
    ("test.uint64", 2**63 + 5, V.UINT64, None),
    ("test.int64", -(2**62) - 7, V.INT64, None),
    ("test.float32", 1.5, V.FLOAT32, None),
    ("test.float64", -2.0 ** -30, V.FLOAT64, None),
    ("test.bool_true", True, V.BOOL, None),
    ("test.bool_false", False, V.BOOL, None),
    ("general.name", "tiny test model", V.STRING, None),
    ("test.unicode", "h\u00e9llo \u2713 \U0001F600", V.STRING, None),
    ("test.array.uint8", [0, 1, 255], V.ARRAY, V.UINT8),
    ("test.array.int8", [-128, 0, 127], V.ARRAY, V.INT8),
    ("test.array.uint16", [1, 65535], V.ARRAY, V.UINT16),
    ("test.array.int16", [-32768, 32767], V.ARRAY, V.INT16),
    ("test.array.uint32", [7, 4_294_967_295], V.ARRAY, V.UINT32),
    ("test.array.int32", [-1, 2, -3], V.ARRAY, V.INT32),
    ("test.array.uint64", [2**64 - 1, 0], V.ARRAY, V.UINT64),
    ("test.array.int64", [-(2**63), 2**63 - 1], V.ARRAY, V.INT64),
    ("test.array.float32", [0.25, -1e-3, 3.4e38], V.ARRAY, V.FLOAT32),
    ("test.array.float64", [0.1, -1e300], V.ARRAY, V.FLOAT64),
    ("test.array.bool", [True, False, True], V.ARRAY, V.BOOL),
    ("tokenizer.ggml.tokens", ["<s>", "</s>", "h\u00e9", "\u2713", ""], V.ARRAY, V.STRING),
    ("test.nested.int32", [[1, 2], [3]], V.ARRAY, None),
    ("test.nested.strings", [["a", "bc"], ["d"]], V.ARRAY, None),
    ("test.nested.three", [[[1]], [[2, 3], [4]]], V.ARRAY, None),
]


def tensors():
    """(name, data as the writer gets it, ggml type) in file order."""
    rng = np.random.default_rng(20261130)
    f32 = rng.standard_normal((3, 4)).astype(np.float32)
    bf16 = (rng.standard_normal((4, 2)).astype(np.float32).view(np.uint32) >> 16).astype(np.uint16)
    q8_rows = rng.standard_normal((2, 64)).astype(np.float32)
    return [
        ("blk.0.attn_q.weight", f32, T.F32),
        ("blk.0.ffn_up.weight", rng.standard_normal((2, 8)).astype(np.float16), T.F16),
        ("blk.0.ffn_down.weight", bf16, T.BF16),
        ("blk.0.attn_k.weight", gguf.quants.quantize(q8_rows, T.Q8_0), T.Q8_0),
        ("output_norm.weight", rng.standard_normal(5).astype(np.float32), T.F32),
        ("blk.0.conv.weight", rng.standard_normal((1, 2, 1, 3)).astype(np.float32), T.F32),
        ("positions", np.array([3, -1, 7], dtype=np.int32), T.I32),
    ]


def write(name, metadata, tensor_list, alignment=None):
    path = os.path.join(HERE, name)
    writer = gguf.GGUFWriter(path, "llama")
    if alignment is not None:
        writer.add_custom_alignment(alignment)
    for key, value, vtype, sub_type in metadata:
        writer.add_key_value(key, value, vtype, sub_type=sub_type)
    for tensor_name, data, ggml_type in tensor_list:
        raw = ggml_type if ggml_type in (T.BF16, T.Q8_0) else None
        writer.add_tensor(tensor_name, data, raw_dtype=raw)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return expectation(name, path, metadata, tensor_list, alignment)


def expectation(name, path, metadata, tensor_list, alignment):
    reader = gguf.GGUFReader(path)
    entries = [{"key": "general.architecture", "value": render("llama", V.STRING)}]
    if alignment is not None:
        entries.append({"key": "general.alignment", "value": render(alignment, V.UINT32)})
    entries += [{"key": key, "value": render(value, vtype, sub_type)} for key, value, vtype, sub_type in metadata]
    described = []
    for (tensor_name, data, ggml_type), info in zip(tensor_list, reader.tensors):
        assert info.name == tensor_name
        described.append({"name": tensor_name, "type": int(ggml_type), "dims": [int(d) for d in info.shape],
                          "offset": int(info.data_offset - reader.data_offset), "hex": data.tobytes().hex()})
    return {"file": name, "version": 3, "alignment": alignment or 32, "data_start": int(reader.data_offset),
            "metadata": entries, "tensors": described}


def main():
    files = [
        write("all_types.gguf", METADATA, tensors()),
        write("aligned64.gguf", METADATA[:3], tensors()[:3], alignment=64),
    ]
    with open(os.path.join(HERE, "expected.json"), "w") as out:
        json.dump(files, out, indent=1)
        out.write("\n")


if __name__ == "__main__":
    main()
