// The scale searches of ggml's K-quants with an importance matrix (see
// ggml_kquants_weighted_support.h for what each computes). Every sum runs in index order and
// every product is written in ggml's order: the codes follow comparisons of these sums, so one
// rounding done differently changes a block's bytes.
#include <math.h>

#include "ggml_kquants_weighted_support.h"

#pragma clang fp contract(off)

// Σ w x l and Σ w l² of the symmetric codes for inverse scale `iscale`, the codes (plus nmax)
// written at `codes` when it is not NULL.
static void ck_kqw_symmetric_sums(int n, int nmax, const float *x, const float *w, float iscale, int8_t *codes,
                                  float *sumlx, float *suml2) {
    float slx = 0, sl2 = 0;
    for (int i = 0; i < n; ++i) {
        int l = ck_kq_nearest_int(iscale * x[i]);
        l = CK_KQ_MAX(-nmax, CK_KQ_MIN(nmax - 1, l));
        if (codes) codes[i] = (int8_t)(l + nmax);
        slx += w[i] * x[i] * (float)l;
        sl2 += w[i] * (float)l * (float)l;
    }
    *sumlx = slx;
    *suml2 = sl2;
}

float ck_kqw_symmetric_scale(int n, int nmax, const float *x, const float *weights, int8_t *codes) {
    float max = 0, amax = 0;
    for (int i = 0; i < n; ++i) {
        const float ax = fabsf(x[i]);
        if (ax > amax) {
            amax = ax;
            max = x[i];
        }
    }
    if (amax < CK_KQ_GROUP_EPSILON) {
        memset(codes, 0, (size_t)n);
        return 0.f;
    }
    float sumlx, suml2;
    ck_kqw_symmetric_sums(n, nmax, x, weights, (float)-nmax / max, codes, &sumlx, &suml2);
    float scale = suml2 != 0 ? sumlx / suml2 : 0.0f;
    float best = scale * sumlx;
    for (int step = -9; step <= 9; ++step) {
        if (step == 0) continue;
        const float iscale = -((float)nmax + 0.1f * (float)step) / max;
        ck_kqw_symmetric_sums(n, nmax, x, weights, iscale, NULL, &sumlx, &suml2);
        if (suml2 > 0 && sumlx * sumlx > best * suml2) {
            ck_kqw_symmetric_sums(n, nmax, x, weights, iscale, codes, &sumlx, &suml2);
            scale = sumlx / suml2;
            best = scale * sumlx;
        }
    }
    return scale;
}

// The codes clamp(round(iscale · (x - min)), 0, nmax) and their weighted squared error for
// scale `scale` and `min`.
static float ck_kqw_affine_error(int n, const float *x, const float *w, const uint8_t *codes, float scale,
                                 float min) {
    float error = 0;
    for (int i = 0; i < n; ++i) {
        float diff = scale * (float)codes[i] + min - x[i];
        diff = diff * diff;
        error += w[i] * diff;
    }
    return error;
}

static void ck_kqw_affine_codes(int n, int nmax, const float *x, float iscale, float min, uint8_t *codes) {
    for (int i = 0; i < n; ++i) {
        const int l = ck_kq_nearest_int(iscale * (x[i] - min));
        codes[i] = (uint8_t)CK_KQ_MAX(0, CK_KQ_MIN(nmax, l));
    }
}

// One candidate: its codes for `iscale` (measured from `min`), then the weighted least-squares
// scale and min of those codes (D = Σw · Σwl² - (Σwl)²; a positive min refitted as 0). Returns 0
// when D <= 0, else 1 with the fit and its weighted squared error.
static int ck_kqw_affine_candidate(int n, int nmax, const float *x, const float *w, float iscale, float min,
                                   float sum_w, float sum_x, uint8_t *codes, float fit[3]) {
    ck_kqw_affine_codes(n, nmax, x, iscale, min, codes);
    float sum_l = 0, sum_l2 = 0, sum_xl = 0;
    for (int i = 0; i < n; ++i) {
        const float l = (float)codes[i];
        sum_l += w[i] * l;
        sum_l2 += w[i] * l * l;
        sum_xl += w[i] * l * x[i];
    }
    const float D = sum_w * sum_l2 - sum_l * sum_l;
    if (!(D > 0)) return 0;
    float this_scale = (sum_w * sum_xl - sum_x * sum_l) / D;
    float this_min = (sum_l2 * sum_x - sum_l * sum_xl) / D;
    if (this_min > 0) {
        this_min = 0;
        this_scale = sum_xl / sum_l2;
    }
    fit[0] = this_scale;
    fit[1] = this_min;
    fit[2] = ck_kqw_affine_error(n, x, w, codes, this_scale, this_min);
    return 1;
}

float ck_kqw_affine_scale(int n, int nmax, const float *x, const float *weights, uint8_t *codes,
                          float *negated_min) {
    float min = x[0], max = x[0], sum_w = weights[0], sum_x = sum_w * x[0];
    for (int i = 1; i < n; ++i) {
        if (x[i] < min) min = x[i];
        if (x[i] > max) max = x[i];
        sum_w += weights[i];
        sum_x += weights[i] * x[i];
    }
    if (min > 0) min = 0;
    if (max <= min) {
        memset(codes, 0, (size_t)n);
        *negated_min = -min;
        return 0.f;
    }
    float iscale = (float)nmax / (max - min), scale = 1 / iscale;
    ck_kqw_affine_codes(n, nmax, x, iscale, min, codes);
    float best = ck_kqw_affine_error(n, x, weights, codes, scale, min);
    for (int step = 0; step <= 36; ++step) {
        uint8_t candidate[32];
        float fit[3];
        iscale = (-0.9f + 0.05f * (float)step + (float)nmax) / (max - min);
        if (ck_kqw_affine_candidate(n, nmax, x, weights, iscale, min, sum_w, sum_x, candidate, fit) && fit[2] < best) {
            memcpy(codes, candidate, (size_t)n);
            best = fit[2];
            scale = fit[0];
            min = fit[1];
        }
    }
    *negated_min = -min;
    return scale;
}

// The inverse scale among (nmax + t/10) / max, t = 0, ±1 ... ±4, whose codes
// min(round(iscale · x), nmax) give the smallest weighted squared error (t = 0's codes
// unclamped, as in ggml).
static float ck_kqw_positive_iscale(int n, int nmax, const float *x, const float *w, float max, uint8_t *codes) {
    float iscale = (float)nmax / max;
    for (int i = 0; i < n; ++i) codes[i] = (uint8_t)ck_kq_nearest_int(iscale * x[i]);
    const float scale = 1 / iscale;
    float best = 0;
    for (int i = 0; i < n; ++i) {
        const float diff = x[i] - scale * (float)codes[i];
        best += w[i] * diff * diff;
    }
    for (int step = -4; step <= 4; ++step) {
        if (step == 0) continue;
        const float iscale_step = (0.1f * (float)step + (float)nmax) / max, scale_step = 1 / iscale_step;
        float error = 0;
        for (int i = 0; i < n; ++i) {
            const int l = CK_KQ_MIN(nmax, ck_kq_nearest_int(iscale_step * x[i]));
            const float diff = x[i] - scale_step * (float)l;
            error += w[i] * diff * diff;
        }
        if (error < best) {
            best = error;
            iscale = iscale_step;
        }
    }
    return iscale;
}

// One sweep of make_qp_quants' refinement: each code in turn moved to round(x · Σwl² / Σwxl)
// (the sums without it) when that raises (Σwxl)² / Σwl². Returns how many moved.
static int ck_kqw_positive_sweep(int n, int nmax, const float *x, const float *w, uint8_t *codes, float *sumlx,
                                 float *suml2) {
    int changed = 0;
    for (int i = 0; i < n; ++i) {
        float slx = *sumlx - w[i] * x[i] * (float)codes[i];
        float sl2 = *suml2 - w[i] * (float)codes[i] * (float)codes[i];
        if (!(slx > 0 && sl2 > 0)) continue;
        const int new_l = CK_KQ_MIN(nmax, ck_kq_nearest_int(x[i] * sl2 / slx));
        if (new_l == codes[i]) continue;
        slx += w[i] * x[i] * (float)new_l;
        sl2 += w[i] * (float)new_l * (float)new_l;
        if (slx * slx * *suml2 > *sumlx * *sumlx * sl2) {
            codes[i] = (uint8_t)new_l;
            *sumlx = slx;
            *suml2 = sl2;
            ++changed;
        }
    }
    return changed;
}

float ck_kqw_positive_scale(int n, int nmax, const float *x, const float *weights, uint8_t *codes) {
    float max = 0;
    for (int i = 0; i < n; ++i) max = max > x[i] ? max : x[i];
    if (max < CK_KQ_GROUP_EPSILON) {
        memset(codes, 0, (size_t)n);
        return 0.f;
    }
    const float iscale = ck_kqw_positive_iscale(n, nmax, x, weights, max, codes);
    float sumlx = 0, suml2 = 0;
    for (int i = 0; i < n; ++i) {
        const int l = CK_KQ_MIN(nmax, ck_kq_nearest_int(iscale * x[i]));
        codes[i] = (uint8_t)l;
        sumlx += weights[i] * x[i] * (float)l;
        suml2 += weights[i] * (float)l * (float)l;
    }
    for (int sweep = 0; sweep < 5; ++sweep) {
        if (!ck_kqw_positive_sweep(n, nmax, x, weights, codes, &sumlx, &suml2)) break;
    }
    return suml2 > 0.0f ? sumlx / suml2 : 0.0f;
}
