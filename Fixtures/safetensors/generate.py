#!/usr/bin/env python3
"""Regenerates the safetensors fixtures in this directory; run from anywhere: python3 generate.py

Needs only Python 3 and NumPy: the files are written byte by byte (struct, json), not with the
safetensors package, so that both valid and broken files can be made. Deterministic: a rerun
rewrites identical bytes.

valid/    files quantize must read. expected.json lists, for each, its metadata and its tensors
          in data-offset order: name, dtype (quantize's name), shape, the C-order little-endian
          bytes (hex) and, for floating types, the exact float32 values (hex; bfloat16 widened
          by shifting its bits up 16).
invalid/  files quantize must refuse; Tests/QuantKitTests/SafetensorsSourceTests.swift pins the
          error for each.
"""
import json
import os
import shutil
import struct

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
VALID = os.path.join(HERE, "valid")
INVALID = os.path.join(HERE, "invalid")

NUMPY = {"F64": "<f8", "F32": "<f4", "F16": "<f2", "I64": "<i8", "I32": "<i4", "I16": "<i2", "I8": "i1",
         "U64": "<u8", "U32": "<u4", "U16": "<u2", "U8": "u1", "BOOL": "?"}
NAMES = {"F64": "float64", "F32": "float32", "F16": "float16", "BF16": "bfloat16", "I64": "int64", "I32": "int32",
         "I16": "int16", "I8": "int8", "U64": "uint64", "U32": "uint32", "U16": "uint16", "U8": "uint8", "BOOL": "bool"}

manifest = []


def bf16_bits(values):
    """float32 values rounded to bfloat16 (round to nearest, ties to even; NaN kept quiet)."""
    bits = np.asarray(values, dtype="<f4").view("<u4").astype(np.uint64)
    rounded = ((bits + 0x7FFF + ((bits >> 16) & 1)) >> 16).astype("<u2")
    nan = np.isnan(np.asarray(values, dtype="<f4"))
    rounded[nan] = ((bits[nan] >> 16) | 0x40).astype("<u2")
    return rounded


def tensor(name, code, values, shape):
    """(name, code, shape, little-endian bytes, float32 hex or None)."""
    if code == "BF16":
        bits = bf16_bits(np.asarray(values, dtype="<f4").reshape(shape))
        data = bits.tobytes()
        float32 = (bits.astype("<u4") << 16).view("<f4").tobytes().hex()
    else:
        array = np.asarray(values, dtype=NUMPY[code]).reshape(shape)
        data = array.tobytes()
        with np.errstate(over="ignore"):  # float64 beyond float32's range becomes infinity, as in quantize
            float32 = array.astype("<f4").tobytes().hex() if code.startswith("F") else None
    return (name, code, list(shape), data, float32)


def header_json(entries, metadata=None, key_order=None):
    """The header object text for `entries` laid out back to back in the given order."""
    fields = {}
    if metadata is not None:
        fields["__metadata__"] = metadata
    offset = 0
    layout = {}
    for name, code, shape, data, _ in entries:
        layout[name] = {"dtype": code, "shape": shape, "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
    for name in key_order or [e[0] for e in entries]:
        fields[name] = layout[name]
    return json.dumps(fields, separators=(",", ":"), ensure_ascii=False)


def assemble(header, data, pad=True):
    """8-byte length, header (str or bytes), spaces to a multiple of 8 when `pad`, data."""
    encoded = header.encode("utf-8") if isinstance(header, str) else header
    if pad:
        encoded += b" " * (-len(encoded) % 8)
    return struct.pack("<Q", len(encoded)) + encoded + data


def write(directory, name, content):
    with open(os.path.join(directory, name), "wb") as f:
        f.write(content)


def valid(name, entries, metadata=None, pad=True, key_order=None, header=None):
    """Writes a valid file of `entries` and records what a reader must find in it."""
    text = header if header is not None else header_json(entries, metadata, key_order)
    write(VALID, name, assemble(text, b"".join(e[3] for e in entries), pad))
    manifest.append({
        "file": name,
        "metadata": metadata or {},
        "tensors": [{"name": n, "dtype": NAMES[c], "shape": s, "hex": d.hex(), "float32Hex": f}
                    for n, c, s, d, f in entries],
    })


def invalid(name, header, data=b"", pad=True):
    write(INVALID, name, assemble(header, data, pad))


def main():
    for directory in (VALID, INVALID):
        shutil.rmtree(directory, ignore_errors=True)
        os.makedirs(directory)

    edge = {
        "F64": [0.0, -1.5, 1e300, -1e-300, np.inf, 2.0 / 3.0],
        "F32": [0.0, -1.5, 3.4e38, 1e-45, -np.inf, 1.0 / 3.0],
        "F16": [0.0, -1.5, 65504.0, 6e-8, np.inf, 1.0 / 3.0],
        "BF16": [1.0, -2.5, np.pi, 1e-40, np.inf, -0.0],
        "I64": [0, -1, 2**63 - 1, -(2**63), 42, 7],
        "I32": [0, -1, 2**31 - 1, -(2**31), 42, 7],
        "I16": [0, -1, 32767, -32768, 42, 7],
        "I8": [0, -1, 127, -128, 42, 7],
        "U64": [0, 1, 2**64 - 1, 2**63, 42, 7],
        "U32": [0, 1, 2**32 - 1, 2**31, 42, 7],
        "U16": [0, 1, 65535, 32768, 42, 7],
        "U8": [0, 1, 255, 128, 42, 7],
        "BOOL": [True, False, True, True, False, False],
    }
    valid("all_dtypes.safetensors", [tensor(code.lower(), code, values, (2, 3)) for code, values in edge.items()])
    # Round-to-nearest-even cases for bfloat16: 1 + 2^-8 (a tie, to even: 1.0), 1 + 3 * 2^-8 (a tie, up),
    # just above a tie, the largest float32 (rounds to infinity), a subnormal, a NaN.
    ties = np.array([1 + 2**-8, 1 + 3 * 2**-8, 1 + 2**-8 + 2**-20, 3.4028235e38, 2**-130, np.nan], dtype="<f4")
    valid("bf16_rounding.safetensors", [tensor("w", "BF16", ties, (6,))])
    valid("scalar_0d.safetensors", [tensor("pi", "F32", [np.pi], ())])
    valid("empty_tensors.safetensors", [tensor("a", "F32", [1, 2], (2,)), tensor("empty", "F32", [], (0, 4)),
                                        tensor("b", "I8", [3], (1,)), tensor("none", "U8", [], (0,))])
    valid("metadata.safetensors", [tensor("w", "F16", [1, 2, 3, 4], (2, 2))],
          metadata={"format": "pt", "note": "ünïcødé \"quoted\" \\ and\nnewline"})
    valid("unpadded.safetensors", [tensor("w", "F32", [1, 2, 3], (3,))], pad=False)
    multi = [tensor("model.layers.0.weight", "F32", np.arange(12) / 4, (3, 4)),
             tensor("model.layers.0.bias", "F32", [0.5, -0.5, 1.5], (3,)),
             tensor("embed/tokens", "BF16", np.linspace(-1, 1, 8), (2, 2, 2)),
             tensor("lm_head.weight", "F64", np.arange(6) - 2.5, (2, 3))]
    valid("multi.safetensors", multi, key_order=[e[0] for e in reversed(multi)])
    pretty = [tensor("x", "I32", [1, -2], (2,)), tensor("y", "U16", [3, 4, 5], (3,))]
    valid("pretty.safetensors", pretty, header=json.dumps(json.loads(header_json(pretty)), indent=2) + "\n")
    valid("no_tensors.safetensors", [])

    with open(os.path.join(VALID, "expected.json"), "w") as f:
        json.dump(manifest, f, indent=1)
        f.write("\n")

    f32x2 = b"\x00\x00\x80\x3f\x00\x00\x00\x40"
    one = '{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}'
    write(INVALID, "too_short.safetensors", b"\x10\x00\x00\x00\x00")
    write(INVALID, "truncated_header.safetensors", assemble(one, f32x2)[:30])
    write(INVALID, "header_past_end.safetensors", struct.pack("<Q", 99_999_999) + one.encode() + f32x2)
    write(INVALID, "huge_header_length.safetensors", struct.pack("<Q", 2**64 - 1) + one.encode() + f32x2)
    invalid("not_utf8.safetensors", b'{"w\xff":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}', f32x2)
    invalid("not_object.safetensors", "[1, 2]")
    invalid("bad_json.safetensors", '{"w": {"dtype": "F32",', f32x2)
    invalid("overlap.safetensors", '{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},'
            '"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}', f32x2 + f32x2[:4])
    invalid("hole.safetensors", '{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},'
            '"b":{"dtype":"F32","shape":[2],"data_offsets":[12,20]}}', f32x2 * 2 + f32x2[:4])
    invalid("past_end.safetensors", '{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},'
            '"b":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}}', f32x2 + f32x2[:4])
    invalid("size_mismatch.safetensors", '{"w":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}', f32x2)
    invalid("trailing_data.safetensors", one, f32x2 + b"\x00" * 4)
    invalid("reversed_offsets.safetensors", '{"w":{"dtype":"F32","shape":[2],"data_offsets":[8,0]}}', f32x2)
    invalid("f8_e8m0.safetensors", '{"w":{"dtype":"F8_E8M0","shape":[2],"data_offsets":[0,2]}}', b"\x7f\x80")
    invalid("unknown_dtype.safetensors", '{"w":{"dtype":"Q7","shape":[2],"data_offsets":[0,2]}}', b"\x38\x40")
    invalid("negative_dim.safetensors", '{"w":{"dtype":"F32","shape":[-1,2],"data_offsets":[0,8]}}', f32x2)
    invalid("overflow_shape.safetensors",
            '{"w":{"dtype":"U8","shape":[4294967296,4294967296],"data_offsets":[0,8]}}', f32x2)
    invalid("fractional_offset.safetensors", '{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8.5]}}', f32x2)
    invalid("entry_not_object.safetensors", '{"w":[0,8]}', f32x2)
    invalid("metadata_not_string.safetensors", '{"__metadata__":{"epoch":3},' + one[1:], f32x2)
    invalid("metadata_not_object.safetensors", '{"__metadata__":"pt",' + one[1:], f32x2)
    invalid("duplicate_tensor.safetensors", '{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},'
            '"w":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}}', f32x2 * 2)
    invalid("duplicate_field.safetensors",
            '{"w":{"dtype":"F32","dtype":"I32","shape":[2],"data_offsets":[0,8]}}', f32x2)


if __name__ == "__main__":
    main()
