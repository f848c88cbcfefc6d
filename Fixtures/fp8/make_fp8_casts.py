#!/usr/bin/env python3
"""Reference casts of float32 to FP8 (E4M3FN, E5M2) and back, made by torch itself.

Writes, little-endian, beside this script:
- casts_input.f32: float32 inputs (edge cases, then random values): zeros of both signs,
  every value each format represents, the exact tie between each two neighbours and the
  float32 values just either side of it, each format's subnormals, values above each
  format's largest finite value (up to infinity), NaNs of both signs, float32 subnormals,
  and random normals over many binades;
- casts_e4m3fn.u8 / casts_e5m2.u8: `x.to(torch.float8_e4m3fn)` / `x.to(torch.float8_e5m2)`
  of every input, as bit patterns (torch's own cast: for E4M3FN it saturates at +-448
  and maps NaN to S.1111.111; for E5M2 it overflows to infinity by round-to-nearest-even);
- decode_e4m3fn.f32 / decode_e5m2.f32: the 256 bit patterns of each format widened to
  float32 by torch (`.view(dtype).to(torch.float32)`).

Run: python3 Fixtures/fp8/make_fp8_casts.py (torch 2.13.0+cpu).
"""
import os

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
FORMATS = {"e4m3fn": torch.float8_e4m3fn, "e5m2": torch.float8_e5m2}


def decoded(dtype):
    return torch.arange(256, dtype=torch.int32).to(torch.uint8).view(dtype).to(torch.float32).numpy()


def inputs():
    values = [np.float32(0.0), np.float32(-0.0), np.float32(np.inf), np.float32(-np.inf), np.float32(np.nan),
              -np.float32(np.nan), np.float32(1e-45), np.float32(-1e-45), np.float32(1.1754942e-38), np.float32(3e38)]
    for dtype in FORMATS.values():
        table = decoded(dtype)
        finite = np.unique(table[np.isfinite(table) & (table >= 0)]).astype(np.float64)
        ties = (finite[:-1] + finite[1:]) / 2
        tie32 = ties.astype(np.float32)
        values += list(finite.astype(np.float32)) + list(-finite.astype(np.float32))
        values += list(tie32) + list(np.nextafter(tie32, np.float32(np.inf))) + list(np.nextafter(tie32, np.float32(0)))
        values += list(-tie32)
        largest = finite[-1]
        step = largest - finite[-2]
        for above in [largest + step / 2, largest + step / 2 + step / 64, largest + step, 2 * largest, 1e30]:
            values += [np.float32(above), np.float32(-above)]
    rng = np.random.default_rng(17)
    random = rng.standard_normal(6000) * np.exp2(rng.integers(-24, 18, 6000))
    values += list(random.astype(np.float32))
    return np.array(values, dtype=np.float32)


def main():
    x = inputs()
    x.astype("<f4").tofile(os.path.join(HERE, "casts_input.f32"))
    for name, dtype in FORMATS.items():
        codes = torch.from_numpy(x).to(dtype).view(torch.uint8).numpy()
        codes.tofile(os.path.join(HERE, f"casts_{name}.u8"))
        decoded(dtype).astype("<f4").tofile(os.path.join(HERE, f"decode_{name}.f32"))
    print(f"{len(x)} inputs")


if __name__ == "__main__":
    main()
