#ifndef QUANTIZE_GPTQ_KERNELS_H
#define QUANTIZE_GPTQ_KERNELS_H

#include <stdint.h>

/// GPTQ's column sweep through one block for 16 weight rows at once, one per lane: the hot loop
/// of GPTQ outside the GEMMs (GPTQColumnPass.sweep). `tile` holds the block's `width` columns,
/// column `i` of the 16 rows at `tile + 16 i`; `scale` and `zero_point` one value per lane; `u`
/// the block's part of the factor `U` (row `i` at `u + i * ldu`, the diagonal at `u[i * ldu + i]`).
/// For each column `i` in `[first, last)`, lane by lane:
///   r = round_half_even(clamp(x / scale, qmin - z, qmax - z)), with x = tile[16 i + lane];
///   codes[16 i + lane] = r + z (as a byte: two's complement when negative);
///   e = (x - r * scale) / u[i * ldu + i], errors[16 i + lane] = e;
///   tile[16 j + lane] -= e * u[i * ldu + j] for every j in (i, width).
/// `x / scale` is a true division; the rounding adds and subtracts 1.5 · 2^23, exact since the
/// clamp keeps |r| small; every product and difference is rounded on its own (no fused
/// multiply-add), as the NumPy reference rounds them. The bounds are integers, so `r + z` is
/// `clamp(round(x / scale) + z, qmin, qmax)`. No alignment is required.
void ck_gptq_sweep(float *tile, long width, long first, long last, const float *scale, const float *zero_point,
                   float qmin, float qmax, const float *u, long ldu, uint8_t *codes, float *errors);

#endif
