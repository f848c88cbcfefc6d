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

/// The float type a scale is stored in, and so rounded to before any code is computed.
enum { CK_STORAGE_FLOAT32 = 0, CK_STORAGE_FLOAT16 = 1, CK_STORAGE_BFLOAT16 = 2 };

/// How a run's scale and zero point follow from its range, under this tool's rule
/// (`ScaleRule.reference`, `QuantScheme`; the Swift functions `symmetricScale` and
/// `asymmetricParameters` are the definition, and the tests hold this copy to them).
typedef struct {
    int bits;        ///< 2 ... 8
    int symmetric;   ///< 1: codes in [-2^(b-1), 2^(b-1) - 1], zero point 0; 0: codes in [0, 2^b - 1]
    int full_range;  ///< symmetric only: the full range's scale (`SymmetricRange.full`)
    int storage;     ///< CK_STORAGE_*
} ck_run_rule;

/// The scale and zero point of the range `[lo, hi]` (containing 0) under `rule`:
/// symmetric `scale = max(-lo, hi) / (2^(b-1) - 1)`, or with the full range
/// `scale = extreme / -2^(b-1)` (`extreme`: the element of largest magnitude, the first on a
/// tie; read only then); asymmetric `scale = (hi - lo) / (2^b - 1)` (or `hi / levels - lo / levels`
/// when the span overflows), `zero_point = clamp(round(-lo / scale), 0, 2^b - 1)` computed with
/// the stored scale; a zero scale becomes 1 before it is rounded to the storage type (to nearest
/// even, sign kept, magnitude never 0 nor infinite).
void ck_run_parameters(float lo, float hi, float extreme, const ck_run_rule *rule, float *scale, float *zero_point);

/// Quantizes `runs` consecutive runs of `length` float32 values at `values` (any alignment),
/// each with a scale of its own, in one pass over memory: each run's range is folded (from 0),
/// its parameters computed (`ck_run_parameters`, into `scales[r]`, `zero_points[r]`) and its
/// codes written (as `ck_quantize_run` writes them) at `codes + r * length` while the run is
/// in cache. Runs of at most 256 values, a multiple of 16, go sixteen at a time: their ranges are
/// reduced together and their parameters computed together (lane r for run r, the same bits).
/// Returns the error sums of all the runs (all zero unless `measure`): 16 float32 lanes within a
/// run, or within a batch of sixteen short runs (at most 256 terms per lane either way, so the
/// same bound as a run of 4096), added to 16 double lanes at its end. Stops at the first run
/// holding a NaN or an infinity, setting `*bad_run` to its index (it is left alone otherwise).
ck_error_sums ck_quantize_runs(const void *values, long runs, long length, const ck_run_rule *rule, float *scales,
                               float *zero_points, uint8_t *codes, int measure, long *bad_run);

/// The kernel chosen for this CPU: "avx512f", "avx2" or "baseline"; for reports only.
const char *ck_quantize_kernel_name(void);

#endif
