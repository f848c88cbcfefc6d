"""NumPy reference for the compressed-tensors checkpoint layout (no torch needed).

`pack_to_int32` follows compressed-tensors' `pack_quantized/helpers.py` (version 0.20): codes
are offset to unsigned by 2^(bits-1), each row is padded with zeros to a multiple of 32 codes,
code i of a 32-code group starts at bit i*bits of the group's `bits` words (least significant
first, straddling words where needed), and each row keeps ceil(cols*bits/32) words. Written
as a scatter over bit positions, unlike the streaming Swift packer it checks.
"""
import numpy as np


def pack_to_int32(signed_codes, bits, packed_dim=1):
    """int8 codes in [-2^(bits-1), 2^(bits-1)-1] of a 2-D array -> int32 words."""
    value = signed_codes.astype(np.int64) + (1 << (bits - 1))
    if packed_dim == 0:
        value = value.T
    rows, cols = value.shape
    packed_cols = -(-cols * bits // 32)
    padded = -(-cols // 32) * 32
    value = np.pad(value, ((0, 0), (0, padded - cols)))
    groups = value.reshape(rows * (padded // 32), 32)
    out = np.zeros((groups.shape[0], bits), dtype=np.int64)
    for i in range(32):
        start = i * bits
        word, offset = divmod(start, 32)
        out[:, word] |= (groups[:, i] << offset) & 0xFFFFFFFF
        spill = offset + bits - 32
        if spill > 0:
            out[:, word + 1] |= groups[:, i] >> (bits - spill)
    words = out.reshape(rows, (padded // 32) * bits)[:, :packed_cols]
    words = words.astype(np.uint32).view(np.int32)
    return words.T.copy() if packed_dim == 0 else words


def unpack_from_int32(words, bits, shape, packed_dim=1):
    """The inverse: int32 words -> int8 signed codes of `shape`."""
    words = np.asarray(words)
    if packed_dim == 0:
        words = np.ascontiguousarray(words.T)
        shape = (shape[1], shape[0])
    rows, cols = shape
    as_bits = np.unpackbits(words.astype("<u4").view(np.uint8).reshape(rows, -1), axis=1, bitorder="little")
    codes = np.zeros((rows, cols), dtype=np.int64)
    for b in range(bits):
        codes |= as_bits[:, np.arange(cols) * bits + b].astype(np.int64) << b
    codes = (codes - (1 << (bits - 1))).astype(np.int8)
    return codes.T.copy() if packed_dim == 0 else codes
