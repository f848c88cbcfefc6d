"""Independent NumPy check of `quantize`'s report on a safetensors file: reads the file with
NumPy alone (the 8-byte header length, the JSON header, np.frombuffer on the data), quantizes
every floating tensor of rank >= 2 with Fixtures/numpy_reference.py (per-channel symmetric,
8 bits, axis 0 by default, as `quantize` does) and prints, as JSON, each tensor's SQNR in dB
(10 log10(sum x^2 / sum (x - dequant(x))^2), sums in float64).

    python3 Fixtures/minilm/numpy_sqnr.py MODEL.safetensors [SCHEME] [BITS]
"""
import json
import math
import os
import struct
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from numpy_reference import dequantize, quantize  # noqa: E402

DTYPES = {"F32": "<f4", "F16": "<f2", "F64": "<f8"}


def tensors(path):
    with open(path, "rb") as f:
        (length,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(length))
        data = f.read()
    for name, entry in header.items():
        if name == "__metadata__" or entry["dtype"] not in DTYPES:
            continue
        begin, end = entry["data_offsets"]
        yield name, np.frombuffer(data[begin:end], dtype=DTYPES[entry["dtype"]]).reshape(entry["shape"])


def main():
    path = sys.argv[1]
    scheme = sys.argv[2] if len(sys.argv) > 2 else "per-channel"
    bits = int(sys.argv[3]) if len(sys.argv) > 3 else 8
    result = {}
    for name, x in tensors(path):
        if x.ndim < 2:
            continue
        x = x.astype(np.float32)
        q, scale, zero_point, _ = quantize(x, scheme, bits)
        error = x.astype(np.float64) - dequantize(q, scale, zero_point).astype(np.float64)
        signal = float(np.sum(x.astype(np.float64) ** 2))
        noise = float(np.sum(error ** 2))
        result[name] = math.inf if noise == 0 else 10 * math.log10(signal / noise)
    print(json.dumps(result, sort_keys=True))


if __name__ == "__main__":
    main()
