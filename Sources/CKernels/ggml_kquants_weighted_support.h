// Shared by the K-quant files with an importance matrix (ggml_kquants_weighted*.c); not a public
// header. The searches follow ggml's make_qx_quants (with weights), make_qkx3_quants and
// make_qp_quants operation by operation, in float32, in the order written.
#ifndef CK_GGML_KQUANTS_WEIGHTED_SUPPORT_H
#define CK_GGML_KQUANTS_WEIGHTED_SUPPORT_H

#include "ggml_kquants_support.h"
#include "ggml_kquants_weighted.h"

// The scale of a group of n values for signed codes l in [-nmax, nmax - 1] (ggml's
// make_qx_quants, rmse_type 1, with weights w): codes round(x · (-nmax - t/10) / m), m the first
// value of largest magnitude, first for t = 0 then t = -9 ... 9 (t ≠ 0), each scored by
// (Σ w x l)² / Σ w l² and kept when strictly better; returns Σ w x l / Σ w l² of the kept codes
// (0 when Σ w l² is 0). Writes l + nmax at `codes`; a group below 1e-15 in magnitude gets codes
// 0 and scale 0.
float ck_kqw_symmetric_scale(int n, int nmax, const float *x, const float *weights, int8_t *codes);

// The scale s and negated min of a group of n values (n <= 32) for codes l in [0, nmax],
// x ≈ s · l + min with min <= 0 (ggml's make_qkx3_quants, squared error, rmin -0.9,
// rdelta 0.05, 36 steps): the codes of the range [min(min x, 0), max x], then for the inverse
// scales (-0.9 + 0.05 · k + nmax) / (max - min), k = 0 ... 36, the weighted least-squares
// (s, min) of their codes (a positive min refitted as 0), kept when their weighted squared error
// is strictly smaller. Each candidate's codes measure from the best min so far, as in ggml.
// Writes codes and `*negated_min = -min`; a group with max <= min gets codes 0 and scale 0.
float ck_kqw_affine_scale(int n, int nmax, const float *x, const float *weights, uint8_t *codes,
                          float *negated_min);

// The scale d of n non-negative values x ≈ d · l with codes l <= nmax (ggml's make_qp_quants,
// used on a block's group scales and mins): the inverse scale among (nmax + t/10) / max,
// t = 0, ±1 ... ±4, with the smallest weighted squared error, then up to five sweeps moving one
// code at a time to its least-squares value while (Σ w x l)² / Σ w l² grows. Returns
// Σ w x l / Σ w l² (0 when Σ w l² is 0); writes the codes (as ggml, an int stored in a byte);
// values all below 1e-15 get codes 0 and scale 0.
float ck_kqw_positive_scale(int n, int nmax, const float *x, const float *weights, uint8_t *codes);

// A block's weights `importance · √(σ² + x²)` for `count` values, and their sum in order.
static inline float ck_kqw_block_weights(const float *x, const float *importance, float sigma2, int count,
                                         float *weights) {
    float sum = 0;
    for (int l = 0; l < count; ++l) weights[l] = importance[l] * __builtin_sqrtf(sigma2 + x[l] * x[l]);
    for (int l = 0; l < count; ++l) sum += weights[l];
    return sum;
}

// Σ x² over a block of 256 values, in order.
static inline float ck_kqw_sum_squares(const float *x) {
    float sum = 0;
    for (int j = 0; j < CK_QK_K; ++j) sum += x[j] * x[j];
    return sum;
}

#endif
