"""`.npz` variants for the NPZ reader's tests: archives NumPy (or Python's zipfile, the way
NumPy uses it) can produce, and broken ones. Every valid archive holds the same two arrays:

    layers/0/weight = np.arange(6, dtype=np.float32).reshape(2, 3) / 4
    bias            = np.array([-1.5, 2.5], dtype=np.float64)

Run: python3 Fixtures/npz/generate.py (deterministic: fixed timestamps, no randomness).
"""
import io
import os
import sys
import zipfile

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from ziputil import FIXED_DATE, NonSeekable, zip_with  # noqa: E402

here = os.path.dirname(os.path.abspath(__file__))
ARRAYS = {
    "layers/0/weight": np.arange(6, dtype=np.float32).reshape(2, 3) / np.float32(4),
    "bias": np.array([-1.5, 2.5], dtype=np.float64),
}


def npy_bytes(array):
    buffer = io.BytesIO()
    np.lib.format.write_array(buffer, array, allow_pickle=False)
    return buffer.getvalue()


def write_zip(name, members, compression=zipfile.ZIP_STORED, comment=b"", stream=False):
    """members: (name, bytes) pairs. With stream=True the zip goes to a non-seekable stream,
    so zipfile writes data descriptors (flag bit 3) and zeros in the local headers."""
    if stream:
        sink = NonSeekable()
        with zipfile.ZipFile(sink, "w", compression) as archive:
            for member, data in members:
                with archive.open(zipfile.ZipInfo(member, FIXED_DATE), "w") as handle:
                    handle.write(data)
        data = bytes(sink.data)
    else:
        data = zip_with(members, comment, compression)
    with open(os.path.join(here, name), "wb") as f:
        f.write(data)


valid = [(k + ".npy", npy_bytes(v)) for k, v in ARRAYS.items()]
write_zip("stored.npz", valid)
write_zip("deflated.npz", valid, zipfile.ZIP_DEFLATED)
write_zip("comment.npz", valid, comment=b"archive comment, as zip allows")
write_zip("descriptor.npz", valid, zipfile.ZIP_DEFLATED, stream=True)
write_zip("folders.npz", [("layers/", b"")] + valid)
# ZIP64 end records and central directory extras, as a multi-GB archive would have them.
limit = zipfile.ZIP64_LIMIT
zipfile.ZIP64_LIMIT = 1
try:
    write_zip("zip64.npz", valid)
finally:
    zipfile.ZIP64_LIMIT = limit
write_zip("unicode.npz", [("ünïcødé.npy", npy_bytes(ARRAYS["bias"]))])

# Broken ones.
weight = npy_bytes(ARRAYS["layers/0/weight"])
write_zip("size_mismatch.npz", [("w.npy", weight + b"\0" * 8)])
write_zip("short_member.npz", [("w.npy", weight[:-4])], zipfile.ZIP_DEFLATED)
write_zip("not_npy.npz", valid + [("README.txt", b"not an array\n")])
write_zip("duplicate_tensor.npz", [("w.npy", weight), ("w", weight)])
buffer = io.BytesIO()
np.lib.format.write_array(buffer, np.array([{"a": 1}, None], dtype=object), allow_pickle=True)
write_zip("object.npz", [("obj.npy", buffer.getvalue())])
# A flipped bit in the array data (not the header): only the CRC-32 can tell.
write_zip("crc_mismatch.npz", [("w.npy", weight)])
with open(os.path.join(here, "crc_mismatch.npz"), "r+b") as f:
    data = bytearray(f.read())
    last_data_byte = 30 + len("w.npy") + len(weight) - 1
    data[last_data_byte] ^= 0x01
    f.seek(0)
    f.write(data)
