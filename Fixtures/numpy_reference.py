"""The reference quantizer in NumPy: the math `quantize` must match bit for bit.

All arithmetic is float32 (NumPy 2 promotion rules keep float32 scalars float32);
`np.round` rounds half to even, like `torch.round`. Used only to generate fixtures and by the
benchmark; `quantize` itself never runs Python.
"""
import json

import numpy as np

SCHEMES = ["symmetric", "asymmetric", "per-channel", "per-channel-asymmetric"]


def _reduce(x, axis, fn):
    """Reduce over every axis but `axis` (all of them when axis is None), keeping dims."""
    if axis is None or x.ndim == 0:
        return fn(x, axis=None, keepdims=True) if x.size else np.zeros([1] * x.ndim, np.float32)
    axes = tuple(a for a in range(x.ndim) if a != axis)
    if x.size == 0:
        shape = [1] * x.ndim
        shape[axis] = x.shape[axis]
        return np.zeros(shape, np.float32)
    return fn(x, axis=axes, keepdims=True)


def quantize(x, scheme, bits=8, axis=0, group_size=None):
    """Returns (codes, scale, zero_point or None, resolved axis or None) for one tensor.

    With `group_size` (schemes `group` and `group-asymmetric`, or any scheme given a group size),
    every `group_size` consecutive elements of the last axis share a scale: the tensor is
    quantized as `[size / group_size, group_size]` per channel on axis 0, and the scales come
    back shaped `shape[:-1] + [last / group_size]`.
    """
    x = np.asarray(x, dtype=np.float32)
    if group_size is not None:
        symmetric = scheme in ("symmetric", "per-channel", "group")
        assert x.ndim > 0 and x.shape[-1] % group_size == 0
        rows = x.reshape(-1, group_size)
        q, scale, zero_point, _ = quantize(rows, "per-channel" if symmetric else "per-channel-asymmetric", bits, 0)
        scale_shape = x.shape[:-1] + (x.shape[-1] // group_size,)
        return (q.reshape(x.shape), scale.reshape(scale_shape),
                None if zero_point is None else zero_point.reshape(scale_shape), None)
    per_channel = scheme.startswith("per-channel")
    symmetric = scheme in ("symmetric", "per-channel")
    ax = None
    if per_channel and x.ndim > 0:
        ax = axis % x.ndim
    if symmetric:
        qmax = np.float32(2 ** (bits - 1) - 1)
        qmin = np.float32(-(2 ** (bits - 1)))
        scale = (_reduce(np.abs(x), ax, np.max) / qmax).astype(np.float32)
        scale = np.where(scale == 0, np.float32(1), scale).astype(np.float32)
        q = np.clip(np.round(x / scale), qmin, qmax).astype(np.int8)
        return q, scale, None, ax
    levels = np.float32(2 ** bits - 1)
    lo = np.minimum(_reduce(x, ax, np.min), np.float32(0)).astype(np.float32)
    hi = np.maximum(_reduce(x, ax, np.max), np.float32(0)).astype(np.float32)
    with np.errstate(over="ignore"):
        span = (hi - lo).astype(np.float32)
        scale = (span / levels).astype(np.float32)
    # A span beyond float32's range: split the division (what `quantize` does too).
    overflow = ~np.isfinite(span)
    scale = np.where(overflow, hi / levels - lo / levels, scale).astype(np.float32)
    scale = np.where(scale == 0, np.float32(1), scale).astype(np.float32)
    zero_point = np.clip(np.round(-lo / scale), np.float32(0), levels).astype(np.float32)
    q = np.clip(np.round(x / scale) + zero_point, np.float32(0), levels).astype(np.uint8)
    return q, scale, zero_point.astype(np.int32), ax


def pack_codes(q, bits, symmetric):
    """Codes of 4 bits or fewer as `quantize` stores them in an .npz: unsigned (`q + 2^(bits-1)`
    when symmetric), each row of the last axis a bit stream, least significant bit first,
    padded to whole bytes; uint8 of shape `shape[:-1] + [ceil(last * bits / 8)]` ([1] for 0-d)."""
    q = np.asarray(q).astype(np.int64)
    if q.ndim == 0:
        q = q.reshape(1)
    u = q + (2 ** (bits - 1) if symmetric else 0)
    n = q.shape[-1]
    stream = ((u[..., None] >> np.arange(bits)) & 1).reshape(*q.shape[:-1], n * bits).astype(np.uint8)
    return np.packbits(stream, axis=-1, bitorder="little")


def dequantize(q, scale, zero_point=None):
    q = q.astype(np.float32)
    if zero_point is not None:
        q = q - zero_point.astype(np.float32)
    return (q * scale).astype(np.float32)


def quantize_archive(arrays, scheme="per-channel", bits=8, axis=0, version="0.1.0"):
    """The archive `quantize` writes for `arrays` with its default selection (float, rank >= 2)."""
    out = {}
    entries = []
    for name, x in arrays.items():
        if x.dtype.kind != "f" or x.ndim < 2:
            out[name] = x
            continue
        q, scale, zp, ax = quantize(x, scheme, bits, axis)
        out[name] = q
        out[name + "_scale"] = scale
        if zp is not None:
            out[name + "_zero_point"] = zp
        entries.append({
            "axis": ax, "bits": bits, "codes_dtype": str(q.dtype), "dtype": str(x.dtype),
            "name": name, "scheme": scheme, "shape": list(x.shape), "symmetric": zp is None,
        })
    meta = {"format": "quantize.npz", "format_version": 1, "tensors": entries, "tool": "quantize " + version}
    out["__quantization__"] = np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8)
    return out
