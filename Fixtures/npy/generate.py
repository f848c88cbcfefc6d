#!/usr/bin/env python3
"""Regenerates the .npy fixtures in this directory; run from anywhere: python3 generate.py

Deterministic: no randomness, no timestamps, so a rerun rewrites identical bytes.

valid/    files quantize must read. expected.json lists each with its dtype, shape, header
          flags, the C-order little-endian bytes NumPy holds for it (hex), the float32 values
          NumPy's astype(float32) gives for floating types (hex, round to nearest even), the
          values themselves for a human reader, and whether the file is exactly what np.save
          writes for that array (so quantize's writer must reproduce it byte for byte).
invalid/  files quantize must refuse; Tests/QuantKitTests/NPYRefusalTests.swift pins the error
          for each.
"""
import io
import json
import os
import shutil
import struct
import warnings

import numpy as np
from numpy.lib import format as npformat

HERE = os.path.dirname(os.path.abspath(__file__))
VALID = os.path.join(HERE, "valid")
INVALID = os.path.join(HERE, "invalid")
MAGIC = b"\x93NUMPY"

manifest = []


def save_bytes(array, version=None, allow_pickle=False):
    buffer = io.BytesIO()
    if version is None:
        np.save(buffer, array, allow_pickle=allow_pickle)
    else:
        npformat.write_array(buffer, array, version=version, allow_pickle=allow_pickle)
    return buffer.getvalue()


def handmade(dict_text, data, version=(1, 0), align=64, extra_padding=0, newline=True):
    """A .npy file with a header dict written by hand, padded with spaces to `align` bytes."""
    encoded = dict_text.encode("utf-8" if version[0] == 3 else "latin1")
    prefix = 10 if version[0] == 1 else 12
    unpadded = prefix + len(encoded) + 1
    padding = (-unpadded) % align + extra_padding
    body = encoded + b" " * padding + (b"\n" if newline else b" ")
    length = struct.pack("<H" if version[0] == 1 else "<I", len(body))
    return MAGIC + bytes(version) + length + body + data


def write(directory, name, content):
    with open(os.path.join(directory, name), "wb") as f:
        f.write(content)


def valid(name, array, content, identical_to_np_save):
    """Writes `content` (a file holding `array`) and records what a reader must find in it."""
    write(VALID, name, content)
    # The reader's own check: NumPy reads the file back to the same array.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # NumPy warns about the Python 2 style header on purpose
        back = np.load(os.path.join(VALID, name))
    assert back.dtype == array.dtype and back.shape == array.shape
    assert back.tobytes() == array.tobytes() or np.array_equal(back, array)
    little = np.ascontiguousarray(array).astype(array.dtype.newbyteorder("<"))
    entry = {
        "file": name,
        "dtype": {"f": "float", "i": "int", "u": "uint", "b": "bool"}[array.dtype.kind]
        + ("" if array.dtype.kind == "b" else str(8 * array.dtype.itemsize)),
        "shape": list(array.shape),
        "bigEndian": array.dtype.byteorder == ">" and array.dtype.itemsize > 1,
        "fortranOrder": bool(array.flags.f_contiguous and not array.flags.c_contiguous),
        "littleEndianHex": little.tobytes().hex(),
        "identicalToNpSave": identical_to_np_save,
        "values": little.ravel(order="C").tolist(),
    }
    if array.dtype.kind == "f":
        with np.errstate(over="ignore"):
            entry["float32Hex"] = little.astype("<f4").tobytes().hex()
    manifest.append(entry)


def saved(name, array, version=None):
    """A file exactly as NumPy writes it."""
    content = save_bytes(array, version)
    plain = version is None and array.dtype.byteorder != ">" and not (
        array.flags.f_contiguous and not array.flags.c_contiguous)
    valid(name, array, content, identical_to_np_save=plain)


def main():
    for directory in (VALID, INVALID):
        shutil.rmtree(directory, ignore_errors=True)
        os.makedirs(directory)

    grid = np.arange(12, dtype=np.float64).reshape(3, 4) * 0.25 - 1.0
    saved("f4.npy", grid.astype("<f4"))
    saved("f4_be.npy", grid.astype(">f4"))
    # Values that round when narrowed to float32, one float32 subnormal, one past float32's range.
    doubles = np.array([0.1, 1.0 / 3.0, -2.0 / 3.0, 1e-40, 1e39, -1e39, 16777217.0, 0.0], dtype=np.float64)
    saved("f8.npy", doubles.astype("<f8"))
    saved("f8_be.npy", doubles.astype(">f8"))
    # Zero, negative zero, the largest half, the smallest normal and subnormal halves.
    halves = np.array([0.0, -0.0, 1.0, -2.5, 65504.0, 2.0 ** -14, 2.0 ** -24, 0.333251953125])
    saved("f2.npy", halves.astype("<f2"))
    saved("f2_be.npy", halves.astype(">f2"))
    for code in ("i", "u"):
        for size in (1, 2, 4, 8):
            dtype = np.dtype(f"{code}{size}")
            info = np.iinfo(dtype)
            values = np.array([info.min, info.max, 0, 1, info.max // 3, -5 if code == "i" else 200], dtype=dtype)
            saved(f"{code}{size}.npy", values.astype(dtype.newbyteorder("<")))
            if size > 1:
                saved(f"{code}{size}_be.npy", values.astype(dtype.newbyteorder(">")))
    saved("b1.npy", np.array([[True, False, True], [False, False, True]]))
    saved("fortran_2d.npy", np.asfortranarray(grid.astype("<f4")))
    cube = np.arange(24, dtype="<i4").reshape(2, 3, 4) * 3 - 20
    saved("fortran_3d.npy", np.asfortranarray(cube))
    saved("fortran_3d_be.npy", np.asfortranarray(np.arange(24, dtype=">f8").reshape(2, 3, 4) / 8))
    saved("fortran_4d.npy", np.asfortranarray(np.arange(120, dtype="<i2").reshape(2, 3, 4, 5)))
    saved("scalar_0d.npy", np.array(3.5, dtype="<f4"))
    saved("empty_0.npy", np.zeros((0,), dtype="<f4"))
    saved("empty_3x0.npy", np.zeros((3, 0), dtype="<f8"))
    saved("nd_2x3x4.npy", (np.arange(24, dtype=np.float64).reshape(2, 3, 4) / 4).astype("<f4"))
    saved("v2.npy", grid.astype("<f4"), version=(2, 0))
    saved("v3.npy", grid.astype("<f4"), version=(3, 0))
    # A shape whose header leaves no room for padding, so NumPy pads with a whole 64 spaces.
    # The first shape (0, 1, ..., 1, 10**e) (k ones, by increasing k then e) that hits it.
    shapes = ((0,) + (1,) * k + (10 ** e,) for k in range(30) for e in range(7))
    for shape in shapes:
        dict_text = "{'descr': '<f4', 'fortran_order': False, 'shape': %r, }" % (shape,) + " " * 20
        if (10 + len(dict_text) + 1) % 64 == 0:
            saved("full_padding.npy", np.zeros(shape, dtype="<f4"))
            break

    # Headers as other writers (or older NumPy) produce them; all hold the same 2x3 float32 array.
    six = (np.arange(6, dtype="<f4") + 0.5).reshape(2, 3)
    data = six.tobytes()
    variants = {
        "keys_reordered.npy": "{'shape': (2, 3), 'fortran_order': False, 'descr': '<f4', }",
        "double_quotes.npy": '{"descr": "<f4", "fortran_order": False, "shape": (2, 3)}',
        "extra_spaces.npy": "{ 'descr' :'<f4' ,\n 'fortran_order':False,\t'shape':( 2 ,3 , ) , }",
        "no_trailing_comma.npy": "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3)}",
        "python2_long.npy": "{'descr': '<f4', 'fortran_order': False, 'shape': (2L, 3L), }",
        "native_order.npy": "{'descr': '=f4', 'fortran_order': False, 'shape': (2, 3), }",
    }
    for name, text in variants.items():
        valid(name, six, handmade(text, data), identical_to_np_save=False)
    standard = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }"
    valid("align16.npy", six, handmade(standard, data, align=16), identical_to_np_save=False)
    valid("long_padding.npy", six, handmade(standard, data, extra_padding=1000), identical_to_np_save=False)
    valid("no_newline.npy", six, handmade(standard, data, newline=False), identical_to_np_save=False)
    valid("v3_handmade.npy", six, handmade(standard, data, version=(3, 0)), identical_to_np_save=False)

    with open(os.path.join(HERE, "expected.json"), "w") as f:
        json.dump(manifest, f, indent=1, sort_keys=True)
        f.write("\n")

    # Files quantize must refuse.
    bad = {
        "empty.npy": b"",
        "bad_magic.npy": b"\x93NUMPZ" + save_bytes(six)[6:],
        "zip_not_npy.npy": b"PK\x03\x04" + b"\x00" * 60,
        "version_9_9.npy": MAGIC + bytes([9, 9]) + save_bytes(six)[8:],
        "truncated_header.npy": save_bytes(six)[:9],
        "header_past_end.npy": MAGIC + bytes([1, 0]) + struct.pack("<H", 1000) + b"{'descr': '<f4', ",
        "missing_shape.npy": handmade("{'descr': '<f4', 'fortran_order': False, }", data),
        "extra_key.npy": handmade("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), 'x': 1}", data),
        "duplicate_key.npy": handmade("{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (2, 3)}", data),
        "not_a_dict.npy": handmade("[('descr', '<f4'), ('shape', (2, 3))]", data),
        "syntax_error.npy": handmade("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3)))", data),
        "shape_is_list.npy": handmade("{'descr': '<f4', 'fortran_order': False, 'shape': [2, 3]}", data),
        "fortran_not_bool.npy": handmade("{'descr': '<f4', 'fortran_order': 0, 'shape': (2, 3)}", data),
        "object.npy": save_bytes(np.array([1, "two", None], dtype=object), allow_pickle=True),
        "structured.npy": save_bytes(np.zeros(2, dtype=[("a", "<f4"), ("b", "<i4")])),
        "complex.npy": save_bytes(np.array([1 + 2j, 3 - 4j], dtype="<c8")),
        "complex128.npy": save_bytes(np.array([1 + 2j], dtype="<c16")),
        "unicode.npy": save_bytes(np.array(["hello", "world"], dtype="<U5")),
        "bytes.npy": save_bytes(np.array([b"abc"], dtype="|S3")),
        "void.npy": save_bytes(np.zeros(2, dtype="|V8")),
        "datetime.npy": save_bytes(np.array(["2024-01-01"], dtype="<M8[ns]")),
        "timedelta.npy": save_bytes(np.array([5], dtype="<m8[s]")),
        "longdouble.npy": handmade("{'descr': '<f16', 'fortran_order': False, 'shape': (1,), }", b"\x00" * 16),
        "negative_dim.npy": handmade("{'descr': '<f4', 'fortran_order': False, 'shape': (-1, 3), }", data),
        "overflow_shape.npy": handmade("{'descr': '<f4', 'fortran_order': False, 'shape': (%d, %d), }" % (2 ** 62, 2 ** 62), data),
        "bytes_overflow.npy": handmade("{'descr': '<f8', 'fortran_order': False, 'shape': (%d,), }" % (2 ** 61), data),
        "huge_int.npy": handmade("{'descr': '<f4', 'fortran_order': False, 'shape': (%d,), }" % (2 ** 70), data),
        "short_data.npy": save_bytes(six)[:-4],
        "trailing_data.npy": save_bytes(six) + b"\x00\x00\x00",
        "v3_bad_utf8.npy": handmade("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", data, version=(3, 0)).replace(b"'shape'", b"'sh\xffpe'"),
    }
    for name, content in bad.items():
        write(INVALID, name, content)


if __name__ == "__main__":
    main()
