// The scale searches of ggml's K-quants (see ggml_kquants_support.h for what each computes).
// Each loop keeps ggml's order of operations and of summation exactly: the codes depend on
// comparisons of these sums, so one rounding done differently changes a block's bytes.
#include <math.h>

#include "ggml_kquants_support.h"

#pragma clang fp contract(off)

// The element of largest magnitude (the first of a tie) and that magnitude.
static float ck_kq_signed_extreme(int n, const float *x, float *magnitude) {
    float extreme = 0, largest = 0;
    for (int i = 0; i < n; ++i) {
        float ax = fabsf(x[i]);
        if (ax > largest) {
            largest = ax;
            extreme = x[i];
        }
    }
    *magnitude = largest;
    return extreme;
}

// Σ w x l and Σ w l² (w = x²) of the codes for inverse scale `iscale`, written at `codes`
// (plus nmax) when not NULL.
static void ck_kq_symmetric_sums(int n, int nmax, const float *x, float iscale, int8_t *codes, float *sumlx,
                                 float *suml2) {
    float slx = 0, sl2 = 0;
    for (int i = 0; i < n; ++i) {
        int l = ck_kq_nearest_int(iscale * x[i]);
        l = CK_KQ_MAX(-nmax, CK_KQ_MIN(nmax - 1, l));
        if (codes) codes[i] = (int8_t)(l + nmax);
        float w = x[i] * x[i];
        slx += w * x[i] * (float)l;
        sl2 += w * (float)l * (float)l;
    }
    *sumlx = slx;
    *suml2 = sl2;
}

float ck_kq_symmetric_scale(int n, int nmax, const float *x, int8_t *codes) {
    float amax;
    const float max = ck_kq_signed_extreme(n, x, &amax);
    if (amax < CK_KQ_GROUP_EPSILON) {
        memset(codes, 0, (size_t)n);
        return 0.f;
    }
    float sumlx, suml2;
    ck_kq_symmetric_sums(n, nmax, x, (float)-nmax / max, codes, &sumlx, &suml2);
    float scale = suml2 != 0 ? sumlx / suml2 : 0.0f;
    float best = scale * sumlx;
    for (int step = -9; step <= 9; ++step) {
        if (step == 0) continue;
        const float iscale = -((float)nmax + 0.1f * (float)step) / max;
        ck_kq_symmetric_sums(n, nmax, x, iscale, NULL, &sumlx, &suml2);
        if (suml2 > 0 && sumlx * sumlx > best * suml2) {
            ck_kq_symmetric_sums(n, nmax, x, iscale, codes, &sumlx, &suml2);
            scale = sumlx / suml2;
            best = scale * sumlx;
        }
    }
    return scale;
}

// One sweep of the refinement: each code in turn moved to round(x · Σ' w l² / Σ' w x l) (the
// sums without it), kept when it raises (Σ w x l)² / Σ w l². Returns how many moved.
static int ck_kq_refine_sweep(int n, int nmax, const float *x, int8_t *codes, float *sumlx, float *suml2) {
    int changed = 0;
    for (int i = 0; i < n; ++i) {
        const float w = x[i] * x[i];
        float slx = *sumlx - w * x[i] * (float)codes[i];
        if (!(slx > 0)) continue;
        float sl2 = *suml2 - w * (float)codes[i] * (float)codes[i];
        int l = ck_kq_nearest_int(x[i] * sl2 / slx);
        l = CK_KQ_MAX(-nmax, CK_KQ_MIN(nmax - 1, l));
        if (l == codes[i]) continue;
        slx += w * x[i] * (float)l;
        sl2 += w * (float)l * (float)l;
        if (sl2 > 0 && slx * slx * *suml2 > *sumlx * *sumlx * sl2) {
            codes[i] = (int8_t)l;
            *sumlx = slx;
            *suml2 = sl2;
            ++changed;
        }
    }
    return changed;
}

float ck_kq_signed_refined_scale(int n, int nmax, const float *x, int8_t *codes) {
    float amax;
    const float max = ck_kq_signed_extreme(n, x, &amax);
    if (amax < CK_KQ_GROUP_EPSILON) {
        memset(codes, 0, (size_t)n);
        return 0.f;
    }
    const float iscale = (float)-nmax / max;
    float sumlx = 0, suml2 = 0;
    for (int i = 0; i < n; ++i) {
        int l = ck_kq_nearest_int(iscale * x[i]);
        l = CK_KQ_MAX(-nmax, CK_KQ_MIN(nmax - 1, l));
        codes[i] = (int8_t)l;
        float w = x[i] * x[i];
        sumlx += w * x[i] * (float)l;
        suml2 += w * (float)l * (float)l;
    }
    for (int sweep = 0; sweep < 5; ++sweep) {
        if (ck_kq_refine_sweep(n, nmax, x, codes, &sumlx, &suml2) == 0) break;
    }
    for (int i = 0; i < n; ++i) codes[i] = (int8_t)(codes[i] + nmax);
    return suml2 > 0.0f ? sumlx / suml2 : 0.0f;
}

// Σ w · |e| (use_mad) or Σ w · e² with e = scale · l + min - x, in index order.
static float ck_kq_affine_error(int n, const float *x, const float *weights, const uint8_t *codes, float scale,
                                float min, int use_mad) {
    float error = 0;
    for (int i = 0; i < n; ++i) {
        float diff = scale * (float)codes[i] + min - x[i];
        diff = use_mad ? fabsf(diff) : diff * diff;
        error += weights[i] * diff;
    }
    return error;
}

// The weighted sums the affine search needs, over the group.
typedef struct {
    float min, max, sum_w, sum_x;
} ck_kq_affine_range;

static ck_kq_affine_range ck_kq_affine_range_of(int n, const float *x, const float *weights) {
    ck_kq_affine_range r = {x[0], x[0], weights[0], weights[0] * x[0]};
    for (int i = 1; i < n; ++i) {
        if (x[i] < r.min) r.min = x[i];
        if (x[i] > r.max) r.max = x[i];
        r.sum_w += weights[i];
        r.sum_x += weights[i] * x[i];
    }
    return r;
}

// Codes round(iscale · (x - offset)) at `codes`, and their least-squares scale and min (min
// clamped to 0, with the scale refitted then); false when the fit is singular (D <= 0).
static int ck_kq_affine_fit(int n, int nmax, const float *x, const float *weights, const ck_kq_affine_range *r,
                            float iscale, float offset, uint8_t *codes, float *scale, float *min) {
    float sum_l = 0, sum_l2 = 0, sum_xl = 0;
    for (int i = 0; i < n; ++i) {
        int l = ck_kq_nearest_int(iscale * (x[i] - offset));
        l = CK_KQ_MAX(0, CK_KQ_MIN(nmax, l));
        codes[i] = (uint8_t)l;
        const float w = weights[i];
        sum_l += w * (float)l;
        sum_l2 += w * (float)l * (float)l;
        sum_xl += w * (float)l * x[i];
    }
    const float D = r->sum_w * sum_l2 - sum_l * sum_l;
    if (!(D > 0)) return 0;
    *scale = (r->sum_w * sum_xl - r->sum_x * sum_l) / D;
    *min = (sum_l2 * r->sum_x - sum_l * sum_xl) / D;
    if (*min > 0) {
        *min = 0;
        *scale = sum_xl / sum_l2;
    }
    return 1;
}

float ck_kq_affine_scale(int n, int nmax, const float *x, const float *weights, uint8_t *codes,
                         float *negated_min, float rmin, float rdelta, int nstep, int use_mad) {
    ck_kq_affine_range r = ck_kq_affine_range_of(n, x, weights);
    if (r.min > 0) r.min = 0;
    if (r.max == r.min) {
        memset(codes, 0, (size_t)n);
        *negated_min = -r.min;
        return 0.f;
    }
    float iscale = (float)nmax / (r.max - r.min);
    float scale = 1 / iscale, min = r.min;
    for (int i = 0; i < n; ++i) {
        int l = ck_kq_nearest_int(iscale * (x[i] - r.min));
        codes[i] = (uint8_t)CK_KQ_MAX(0, CK_KQ_MIN(nmax, l));
    }
    float best_error = ck_kq_affine_error(n, x, weights, codes, scale, min, use_mad);
    uint8_t trial[32];
    // As in ggml, each step measures from the best min so far, not the range's.
    for (int step = 0; step <= nstep; ++step) {
        iscale = (rmin + rdelta * (float)step + (float)nmax) / (r.max - min);
        float trial_scale, trial_min;
        if (!ck_kq_affine_fit(n, nmax, x, weights, &r, iscale, min, trial, &trial_scale, &trial_min)) continue;
        const float error = ck_kq_affine_error(n, x, weights, trial, trial_scale, trial_min, use_mad);
        if (error < best_error) {
            memcpy(codes, trial, (size_t)n);
            best_error = error;
            scale = trial_scale;
            min = trial_min;
        }
    }
    *negated_min = -min;
    return scale;
}
