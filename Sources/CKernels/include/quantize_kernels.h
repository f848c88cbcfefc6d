#ifndef QUANTIZE_QUANTIZE_KERNELS_H
#define QUANTIZE_QUANTIZE_KERNELS_H

#include <stdint.h>

/// What quantizing a run cost, over its elements: `Σx²`, `Σ(x - x̂)²`, `Σ|x - x̂|` and
/// `max|x - x̂|` with `x̂ = (q - z) · s`. Sums run in 16 float32 lanes (the same lanes on every
/// CPU), added lane by lane into double at the end of the run.
typedef struct {
    double signal;
    double noise;
    double absolute;
    float max_error;
} ck_error_sums;

/// Folds `count` float32 values at `values` (any alignment) into `*min` and `*max`, and clears
/// `*finite` if any of them is NaN or infinite.
void ck_range_fold(const void *values, long count, float *min, float *max, int *finite);

/// Writes `clamp(round(x / scale) + zero_point, qmin, qmax)` for `count` float32 values at
/// `values` (any alignment) as bytes at `codes` (two's complement for negative codes) and
/// returns the error sums (all zero unless `measure`).
///
/// `x / scale` is a true division; it is clamped to `[qmin - z, qmax - z]` before rounding (the
/// bounds are integers, so this equals clamping after), then rounded half to even by adding and
/// subtracting 1.5·2^23; the code byte is the low byte of the rounded value plus the zero
/// point. The input must be finite (see `ck_range_fold`).
ck_error_sums ck_quantize_run(const void *values, long count, uint8_t *codes, float scale, float zero_point,
                              float qmin, float qmax, int measure);

/// The kernel chosen for this CPU: "avx512f", "avx2" or "baseline"; for reports only.
const char *ck_quantize_kernel_name(void);

#endif
