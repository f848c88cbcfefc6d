// ggml's legacy block quantizers with an importance matrix (`quantize_row_<type>_impl`): per
// block, a search over scales that minimizes the weighted squared error, in the reference's
// float operations and order (sums run element by element, no fused multiply-adds).
#include "CKernels.h"
#include "ggml_legacy_support.h"

#pragma clang fp contract(off)

// ggml's `nearest_int`: `x + 1.5·2^23` rounds x to an integer (ties to even) in the low mantissa
// bits, read back as `bits & 0x7FFFFF - 2^22`. Exact for |x| <= 2^22 - 1; beyond that it is a
// wrapped value, which is still reproduced bit for bit.
static inline int ck_nearest_int(float x) {
    float shifted = x + 12582912.0f;
    int32_t bits;
    __builtin_memcpy(&bits, &shifted, sizeof bits);
    return (bits & 0x007FFFFF) - 0x00400000;
}

static inline int ck_clamp_int(int value, int lo, int hi) {
    return value < lo ? lo : (value > hi ? hi : value);
}

// Weighted `Σ w·x·l` and `Σ w·l²` of the codes `l = clamp(round(iscale · x), -nmax, nmax - 1)`;
// writes `l + nmax` to `codes` when it is not NULL.
static void ck_symmetric_sums(const float *x, const float *w, int nmax, float iscale, int8_t *codes,
                              float *sum_xl, float *sum_l2) {
    float sumlx = 0.0f, suml2 = 0.0f;
    for (int i = 0; i < CK_GGML_BLOCK; i++) {
        int l = ck_clamp_int(ck_nearest_int(iscale * x[i]), -nmax, nmax - 1);
        if (codes) codes[i] = (int8_t)(l + nmax);
        sumlx += w[i] * x[i] * (float)l;
        suml2 += w[i] * (float)l * (float)l;
    }
    *sum_xl = sumlx;
    *sum_l2 = suml2;
}

// ggml's `make_qx_quants` with weights (rmse_type 1): codes `l + nmax` for the scale
// `1 / iscale`, `iscale = -(nmax + 0.1·k) / max` (max: the first element of largest magnitude)
// for k = 0 and then -9 ... 9, keeping the candidate whose least-squares scale `Σwxl / Σwl²`
// gains most (`(Σwxl)² / Σwl²`, strictly more than the best so far); returns that scale (0 for
// a block below 1e-15 in magnitude, whose codes are all 0).
static float ck_weighted_symmetric(const float *x, const float *w, int nmax, int8_t *codes) {
    float max = 0.0f, amax = 0.0f;
    for (int i = 0; i < CK_GGML_BLOCK; i++) {
        float ax = __builtin_fabsf(x[i]);
        if (ax > amax) { amax = ax; max = x[i]; }
    }
    if (amax < 1e-15f) {
        for (int i = 0; i < CK_GGML_BLOCK; i++) codes[i] = 0;
        return 0.0f;
    }
    float sumlx, suml2;
    ck_symmetric_sums(x, w, nmax, (float)(-nmax) / max, codes, &sumlx, &suml2);
    float scale = suml2 != 0.0f ? sumlx / suml2 : 0.0f;
    float best = scale * sumlx;
    for (int is = -9; is <= 9; is++) {
        if (is == 0) continue;
        float iscale = -((float)nmax + 0.1f * (float)is) / max;
        ck_symmetric_sums(x, w, nmax, iscale, NULL, &sumlx, &suml2);
        if (suml2 > 0.0f && sumlx * sumlx > best * suml2) {
            ck_symmetric_sums(x, w, nmax, iscale, codes, &sumlx, &suml2);
            scale = sumlx / suml2;
            best = scale * sumlx;
        }
    }
    return scale;
}

// Weighted squared error `Σ w · (scale · l + min - x)²` of the codes `l`.
static float ck_affine_error(const float *x, const float *w, const uint8_t *codes, float scale, float min) {
    float error = 0.0f;
    for (int i = 0; i < CK_GGML_BLOCK; i++) {
        float diff = scale * (float)codes[i] + min - x[i];
        error += w[i] * (diff * diff);
    }
    return error;
}

// Codes `clamp(round(iscale · (x - min)), 0, nmax)`.
static void ck_affine_codes_for(const float *x, int nmax, float iscale, float min, uint8_t *codes) {
    for (int i = 0; i < CK_GGML_BLOCK; i++) {
        codes[i] = (uint8_t)ck_clamp_int(ck_nearest_int(iscale * (x[i] - min)), 0, nmax);
    }
}

// One candidate of the search: the codes for `iscale`, then the weighted least-squares scale
// and min for them (`D = Σw·Σwl² - (Σwl)²`; a positive min becomes 0 with the scale refitted);
// returns 0 when D <= 0 (no candidate), else 1 with `*error` its weighted squared error.
static int ck_affine_candidate(const float *x, const float *w, int nmax, float iscale, float min, float sum_w,
                               float sum_x, uint8_t *codes, float *scale, float *new_min, float *error) {
    ck_affine_codes_for(x, nmax, iscale, min, codes);
    float sum_l = 0.0f, sum_l2 = 0.0f, sum_xl = 0.0f;
    for (int i = 0; i < CK_GGML_BLOCK; i++) {
        float l = (float)codes[i];
        sum_l += w[i] * l;
        sum_l2 += w[i] * l * l;
        sum_xl += w[i] * l * x[i];
    }
    float D = sum_w * sum_l2 - sum_l * sum_l;
    if (!(D > 0.0f)) return 0;
    float this_scale = (sum_w * sum_xl - sum_x * sum_l) / D;
    float this_min = (sum_l2 * sum_x - sum_l * sum_xl) / D;
    if (this_min > 0.0f) {
        this_min = 0.0f;
        this_scale = sum_xl / sum_l2;
    }
    *scale = this_scale;
    *new_min = this_min;
    *error = ck_affine_error(x, w, codes, this_scale, this_min);
    return 1;
}

// ggml's `make_qkx3_quants` with weights, squared error, rmin -0.9, rdelta 0.05, 36 steps:
// the range `[min(min x, 0), max x]` gives the first codes (`iscale = nmax / (max - min)`), then
// `iscale = (-0.9 + 0.05·k + nmax) / (max - min)` for k = 0 ... 36, each refitted by weighted
// least squares, keeps whichever has the smallest error (strictly smaller than the best so far);
// each candidate's codes and `max - min` use the min of the best candidate before it.
// Returns the scale and writes `*block_min` (<= 0); a block with max <= min gets codes 0.
static float ck_weighted_affine(const float *x, const float *w, int nmax, uint8_t *codes, float *block_min) {
    float min = x[0], max = x[0], sum_w = w[0], sum_x = sum_w * x[0];
    for (int i = 1; i < CK_GGML_BLOCK; i++) {
        if (x[i] < min) min = x[i];
        if (x[i] > max) max = x[i];
        sum_w += w[i];
        sum_x += w[i] * x[i];
    }
    if (min > 0.0f) min = 0.0f;
    if (max <= min) {
        for (int i = 0; i < CK_GGML_BLOCK; i++) codes[i] = 0;
        *block_min = min;
        return 0.0f;
    }
    float iscale = (float)nmax / (max - min), scale = 1.0f / iscale;
    ck_affine_codes_for(x, nmax, iscale, min, codes);
    float best = ck_affine_error(x, w, codes, scale, min);
    for (int is = 0; is <= 36; is++) {
        uint8_t candidate[CK_GGML_BLOCK];
        float this_scale, this_min, error;
        iscale = (-0.9f + 0.05f * (float)is + (float)nmax) / (max - min);
        if (ck_affine_candidate(x, w, nmax, iscale, min, sum_w, sum_x, candidate, &this_scale, &this_min, &error) &&
            error < best) {
            __builtin_memcpy(codes, candidate, sizeof candidate);
            best = error;
            scale = this_scale;
            min = this_min;  // as in ggml, later candidates measure from the best min so far
        }
    }
    *block_min = min;
    return scale;
}

// The weights of a row's blocks: `importance · sqrt(σ² + x²)` with `σ² = Σx² / length` over the
// whole row (summed in order).
static float ck_row_sigma2(const unsigned char *row, long length) {
    float sum_x2 = 0.0f;
    for (long j = 0; j < length; j++) {
        float x = ck_load_f32(row, j);
        sum_x2 += x * x;
    }
    return sum_x2 / (float)length;
}

// One block's values and weights, as float arrays.
static void ck_block_weights(const unsigned char *xb, const float *importance, float sigma2, float x[CK_GGML_BLOCK],
                             float w[CK_GGML_BLOCK]) {
    for (int j = 0; j < CK_GGML_BLOCK; j++) {
        x[j] = ck_load_f32(xb, j);
        w[j] = importance[j] * __builtin_sqrtf(sigma2 + x[j] * x[j]);
    }
}

static void ck_weighted_block(int type, const float *x, const float *w, unsigned char *out) {
    if (type == CK_GGML_Q4_0 || type == CK_GGML_Q5_0) {
        int8_t signed_codes[CK_GGML_BLOCK];
        uint8_t codes[CK_GGML_BLOCK];
        ck_store_fp16(out, ck_weighted_symmetric(x, w, type == CK_GGML_Q4_0 ? 8 : 16, signed_codes));
        for (int j = 0; j < CK_GGML_BLOCK; j++) codes[j] = (uint8_t)signed_codes[j];
        if (type == CK_GGML_Q4_0) {
            ck_pack_q4(codes, out + 2);
        } else {
            uint32_t qh;
            ck_pack_q5(codes, out + 6, &qh);
            ck_store_u32(out + 2, qh);
        }
        return;
    }
    uint8_t codes[CK_GGML_BLOCK];
    float min;
    ck_store_fp16(out, ck_weighted_affine(x, w, type == CK_GGML_Q4_1 ? 15 : 31, codes, &min));
    ck_store_fp16(out + 2, min);
    if (type == CK_GGML_Q4_1) {
        ck_pack_q4(codes, out + 4);
    } else {
        uint32_t qh;
        ck_pack_q5(codes, out + 8, &qh);
        ck_store_u32(out + 4, qh);
    }
}

int ck_ggml_legacy_quantize_weighted(int type, const void *row, long length, const float *weights, void *out) {
    long bytes;
    switch (type) {
    case CK_GGML_Q8_0: return ck_ggml_legacy_quantize(type, row, length / CK_GGML_BLOCK, out);
    case CK_GGML_Q4_0: bytes = 18; break;
    case CK_GGML_Q4_1: bytes = 20; break;
    case CK_GGML_Q5_0: bytes = 22; break;
    case CK_GGML_Q5_1: bytes = 24; break;
    default: return -1;
    }
    const unsigned char *values = row;
    unsigned char *y = out;
    const float sigma2 = ck_row_sigma2(values, length);
    for (long b = 0; b < length / CK_GGML_BLOCK; b++) {
        float x[CK_GGML_BLOCK], w[CK_GGML_BLOCK];
        ck_block_weights(values + 4 * CK_GGML_BLOCK * b, weights + CK_GGML_BLOCK * b, sigma2, x, w);
        ck_weighted_block(type, x, w, y + bytes * b);
    }
    return 0;
}
