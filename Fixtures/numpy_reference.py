"""The reference quantizer in NumPy: the math `quantize` must match bit for bit.

All arithmetic is float32 (NumPy 2 promotion rules keep float32 scalars float32);
`np.round` rounds half to even, like `torch.round`. Used only to generate fixtures and by the
benchmark; `quantize` itself never runs Python.
"""
import json
import math

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


def _signed_extreme(x, ax):
    """The element of largest magnitude of each channel (all of x when ax is None), the first in
    C order on ties (np.argmax returns the first maximum), shaped as `_reduce` shapes; 0 for an
    empty channel."""
    shape = [1] * x.ndim if ax is None else [x.shape[ax] if a == ax else 1 for a in range(x.ndim)]
    if x.size == 0:
        return np.zeros(shape, np.float32)
    rows = x.reshape(1, -1) if ax is None else np.moveaxis(x, ax, 0).reshape(x.shape[ax], -1)
    first = np.argmax(np.abs(rows), axis=1)
    return rows[np.arange(rows.shape[0]), first].reshape(shape).astype(np.float32)


def round_scale(scale, scale_dtype):
    """Scales as stored in `scale_dtype` (`ScaleStorage.rounded`): float16 or bfloat16 nearest
    even, the sign kept, a magnitude that rounds to 0 becoming the type's smallest subnormal and
    one that overflows its largest finite value; float32 (or None) as they are."""
    scale = np.asarray(scale, dtype=np.float32)
    if scale_dtype in (None, "float32"):
        return scale
    magnitude = np.abs(scale)
    if scale_dtype == "float16":
        with np.errstate(over="ignore"):
            half = magnitude.astype(np.float16).astype(np.float32)
        half = np.where(half == 0, np.float32(2.0 ** -24), half)
        half = np.where(np.isinf(half), np.float32(65504.0), half)
    else:
        assert scale_dtype == "bfloat16"
        bits = magnitude.view(np.uint32).astype(np.uint64)
        top = ((bits + 0x7FFF + ((bits >> 16) & 1)) >> 16).astype(np.uint32)
        top = np.where(top == 0, np.uint32(1), np.where(top == 0x7F80, np.uint32(0x7F7F), top))
        half = (top << np.uint32(16)).astype(np.uint32).view(np.float32)
    return np.where(np.signbit(scale), -half, half).astype(np.float32)


def quantize(x, scheme, bits=8, axis=0, group_size=None, symmetric_range="restricted", scale_dtype=None):
    """Returns (codes, scale, zero_point or None, resolved axis or None) for one tensor.

    With `group_size` (schemes `group` and `group-asymmetric`, or any scheme given a group size),
    every `group_size` consecutive elements of the last axis share a scale: the tensor is
    quantized as `[size / group_size, group_size]` per channel on axis 0, and the scales come
    back shaped `shape[:-1] + [last / group_size]`.

    `symmetric_range="full"` (symmetric schemes): m = the channel's element of largest
    magnitude, the first in C order on ties; scale = m / -2^(b-1) (0 -> 1), so negative when
    m > 0; codes clip(round(x / scale), -2^(b-1), 2^(b-1) - 1). `scale_dtype` ("float16",
    "bfloat16"): every scale is rounded to it (`round_scale`) before codes and zero points are
    computed from it.
    """
    x = np.asarray(x, dtype=np.float32)
    if group_size is not None:
        symmetric = scheme in ("symmetric", "per-channel", "group")
        assert x.ndim > 0 and x.shape[-1] % group_size == 0
        rows = x.reshape(-1, group_size)
        q, scale, zero_point, _ = quantize(rows, "per-channel" if symmetric else "per-channel-asymmetric", bits, 0,
                                           symmetric_range=symmetric_range, scale_dtype=scale_dtype)
        scale_shape = x.shape[:-1] + (x.shape[-1] // group_size,)
        return (q.reshape(x.shape), scale.reshape(scale_shape),
                None if zero_point is None else zero_point.reshape(scale_shape), None)
    per_channel = scheme.startswith("per-channel")
    symmetric = scheme in ("symmetric", "per-channel")
    assert symmetric or symmetric_range == "restricted"
    ax = None
    if per_channel and x.ndim > 0:
        ax = axis % x.ndim
    if symmetric:
        qmax = np.float32(2 ** (bits - 1) - 1)
        qmin = np.float32(-(2 ** (bits - 1)))
        if symmetric_range == "full":
            scale = (_signed_extreme(x, ax) / -np.float32(2 ** (bits - 1))).astype(np.float32)
        else:
            scale = (_reduce(np.abs(x), ax, np.max) / qmax).astype(np.float32)
        scale = np.where(scale == 0, np.float32(1), scale).astype(np.float32)
        scale = round_scale(scale, scale_dtype)
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
    scale = round_scale(scale, scale_dtype)
    zero_point = np.clip(np.round(-lo / scale), np.float32(0), levels).astype(np.float32)
    q = np.clip(np.round(x / scale) + zero_point, np.float32(0), levels).astype(np.uint8)
    return q, scale, zero_point.astype(np.int32), ax


def _parameters(lo, hi, symmetric, bits):
    """Scale and zero point (float32) of a range [lo, hi] containing 0, as `quantize` computes them."""
    lo, hi = np.float32(lo), np.float32(hi)
    if symmetric:
        scale = np.float32(max(-lo, hi) / np.float32(2 ** (bits - 1) - 1))
        return (np.float32(1) if scale == 0 else scale), np.float32(0)
    levels = np.float32(2 ** bits - 1)
    with np.errstate(over="ignore"):
        span = np.float32(hi - lo)
    scale = np.float32(span / levels) if np.isfinite(span) else np.float32(hi / levels - lo / levels)
    scale = np.float32(1) if scale == 0 else scale
    zero_point = np.float32(min(max(np.round(-lo / scale), 0), levels))
    return scale, zero_point


def _codes(v, scale, zero_point, symmetric, bits):
    qmin = np.float32(-(2 ** (bits - 1)) if symmetric else 0)
    qmax = np.float32(2 ** (bits - 1) - 1 if symmetric else 2 ** bits - 1)
    return np.clip(np.round(v / scale) + zero_point, qmin, qmax).astype(np.float32)


def quantize_clipped(x, scheme, bits=8, axis=0, group_size=None, clipping="mse"):
    """`quantize` with a clipping search (`mse` or `percentile:P`) choosing each channel's range.

    Channels are the per-channel axis's slices, the groups, or the whole tensor, each taken in
    C order. `mse` tries alpha = (40 - i) / 40 for i = 0..20 on [alpha*min, alpha*max] and keeps
    the first with the least float64 sum (np.cumsum, sequential) of squared float32 errors;
    `percentile:P` ends the range at the nearest-rank value k = ceil(P*n/100) of the sorted |x|
    (symmetric) or of the sorted x from both ends (asymmetric, widened to contain 0).
    Returns (codes in the input's shape, scales, zero points or None) as `quantize` does.
    """
    x = np.asarray(x, dtype=np.float32)
    symmetric = scheme in ("symmetric", "per-channel", "group")
    if group_size is not None:
        view, ax = x.reshape(-1, group_size), 0
        scale_shape = x.shape[:-1] + (x.shape[-1] // group_size,)
    else:
        view = x
        ax = axis % x.ndim if scheme.startswith("per-channel") and x.ndim > 0 else None
        scale_shape = [1] * x.ndim if ax is None else [x.shape[ax] if i == ax else 1 for i in range(x.ndim)]
    channels = [view.reshape(-1)] if ax is None else [np.take(view, c, axis=ax).reshape(-1) for c in range(view.shape[ax])]
    scales, zero_points, codes = [], [], []
    for v in channels:
        lo = min(np.float32(v.min()) if v.size else np.float32(0), np.float32(0))
        hi = max(np.float32(v.max()) if v.size else np.float32(0), np.float32(0))
        if clipping == "mse":
            best = None
            for i in range(21):
                alpha = np.float32(40 - i) / np.float32(40)
                scale, zero_point = _parameters(alpha * lo, alpha * hi, symmetric, bits)
                error = (v - (_codes(v, scale, zero_point, symmetric, bits) - zero_point) * scale).astype(np.float64)
                noise = float(np.cumsum(error * error)[-1]) if v.size else 0.0
                if best is None or noise < best[0]:
                    best = (noise, alpha)
            lo, hi = best[1] * lo, best[1] * hi
        else:
            p = float(clipping.split(":")[1])
            ranked = np.sort(np.abs(v) if symmetric else v)
            if ranked.size:
                k = min(max(math.ceil(p * ranked.size / 100), 1), ranked.size)
                lo, hi = ((-ranked[k - 1], ranked[k - 1]) if symmetric
                          else (min(ranked[ranked.size - k], np.float32(0)), max(ranked[k - 1], np.float32(0))))
        scale, zero_point = _parameters(lo, hi, symmetric, bits)
        scales.append(scale)
        zero_points.append(zero_point)
    scales = np.array(scales, dtype=np.float32)
    zero_points = np.array(zero_points, dtype=np.float32)
    if ax is None:
        q = _codes(x, scales[0], zero_points[0], symmetric, bits)
    else:
        shape = [1] * view.ndim
        shape[ax] = -1
        q = _codes(view, scales.reshape(shape), zero_points.reshape(shape), symmetric, bits).reshape(x.shape)
    q = q.astype(np.int8 if symmetric else np.uint8)
    return (q, scales.reshape(scale_shape),
            None if symmetric else zero_points.astype(np.int32).reshape(scale_shape))


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
