#!/usr/bin/env python3
"""Workloads for Tests/faults/run.sh, generated at test time (never committed).

generate.py KIND PATH [ARGS]:
  big PATH N           N float32 tensors 4096x4096 (64 MiB each), stored, as np.savez writes them
  mid PATH             four 1024x1024 float32 weights (16 MiB) and their biases
  bomb PATH SHAPE      one deflated member 'w' of float32 zeros of SHAPE (e.g. 536870912 or 16384x32768),
                       streamed to the zip in 8 MiB pieces so generation memory stays small
  many PATH N          N tensors 8x8 float32
  names PATH           members 'é.weight' in NFC and NFD, and a weight with a newline in its name and a NaN
"""
import sys
import unicodedata
import zipfile

import numpy as np


def npy_header(shape):
    header = np.lib.format.header_data_from_array_1_0(np.zeros((0,), np.float32))
    header["shape"] = tuple(shape)
    import io
    buffer = io.BytesIO()
    np.lib.format.write_array_header_1_0(buffer, header)
    return buffer.getvalue()


def main():
    kind, path = sys.argv[1], sys.argv[2]
    rng = np.random.default_rng(0)
    if kind == "big":
        base = rng.standard_normal((4096, 4096), dtype=np.float32)
        np.savez(path, **{f"layers.{i}.weight": base * (i + 1) for i in range(int(sys.argv[3]))})
    elif kind == "mid":
        arrays = {}
        for i in range(4):
            arrays[f"fc{i}.weight"] = rng.standard_normal((1024, 1024), dtype=np.float32)
            arrays[f"fc{i}.bias"] = rng.standard_normal((1024,), dtype=np.float32)
        np.savez(path, **arrays)
    elif kind == "bomb":
        shape = [int(d) for d in sys.argv[3].split("x")]
        total = int(np.prod(shape)) * 4
        piece = bytes(8 << 20)
        with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
            with archive.open("w.npy", "w", force_zip64=True) as member:
                member.write(npy_header(shape))
                written = 0
                while written < total:
                    count = min(len(piece), total - written)
                    member.write(piece[:count])
                    written += count
    elif kind == "many":
        count = int(sys.argv[3])
        small = rng.standard_normal((8, 8), dtype=np.float32)
        np.savez(path, **{f"t{i}.weight": small for i in range(count)})
    elif kind == "names":
        weight = rng.standard_normal((4, 8), dtype=np.float32)
        bad = weight.copy()
        bad[1, 2] = np.nan
        np.savez(path, **{unicodedata.normalize("NFC", "é.weight"): weight,
                          unicodedata.normalize("NFD", "é.weight"): weight * 2})
        np.savez(path.replace(".npz", "-newline.npz"), **{"bad\nname.weight": bad})
    else:
        sys.exit(f"unknown workload {kind}")


main()
