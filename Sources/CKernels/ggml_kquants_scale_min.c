// The super-block of q4_K and q5_K: eight groups of 32 values, each with a 6-bit scale and a
// 6-bit min under two half-precision factors (see ck_kq_scale_min_block in
// ggml_kquants_support.h). Only the code width and the search's parameters differ between the
// two types.
#include <math.h>

#include "ggml_kquants_support.h"

#pragma clang fp contract(off)

void ck_kq_group_scales_plain(const float *x, int nmax, float rmin, int nstep, float *scales, float *mins,
                              uint8_t *codes) {
    float weights[32];
    for (int j = 0; j < 8; ++j) {
        const float *group = x + 32 * j;
        float sum_x2 = 0;
        for (int l = 0; l < 32; ++l) sum_x2 += group[l] * group[l];
        const float av_x = sqrtf(sum_x2 / 32);
        for (int l = 0; l < 32; ++l) weights[l] = av_x + fabsf(group[l]);
        scales[j] = ck_kq_affine_scale(32, nmax, group, weights, codes + 32 * j, &mins[j], rmin, 0.1f, nstep, 0);
    }
}

// The largest of `count` values, 0 when none is positive.
static float ck_kq_largest_positive(const float *values, int count) {
    float largest = 0;
    for (int j = 0; j < count; ++j) {
        if (values[j] > largest) largest = values[j];
    }
    return largest;
}

// 6-bit levels round(63 · v / largest) (the rounded integer's low byte, then at most 63), packed
// as ck_kq_unpack_scale_min reads them.
static void ck_kq_pack_scales_mins(const float *scales, const float *mins, float inv_scale, float inv_min,
                                   uint8_t *packed) {
    for (int j = 0; j < 8; ++j) {
        uint8_t ls = (uint8_t)ck_kq_nearest_int(inv_scale * scales[j]);
        uint8_t lm = (uint8_t)ck_kq_nearest_int(inv_min * mins[j]);
        ls = CK_KQ_MIN(63, ls);
        lm = CK_KQ_MIN(63, lm);
        if (j < 4) {
            packed[j] = ls;
            packed[j + 4] = lm;
        } else {
            packed[j + 4] = (uint8_t)((ls & 0xF) | ((lm & 0xF) << 4));
            packed[j - 4] |= (uint8_t)((ls >> 4) << 6);
            packed[j] |= (uint8_t)((lm >> 4) << 6);
        }
    }
}

void ck_kq_scale_min_block(const float *x, int nmax, float rmin, int nstep, ck_kq_group_scales search,
                           uint8_t *d_dmin, uint8_t *packed, uint8_t *codes) {
    float scales[8], mins[8];
    search(x, nmax, rmin, nstep, scales, mins, codes);
    const float max_scale = ck_kq_largest_positive(scales, 8);
    const float max_min = ck_kq_largest_positive(mins, 8);
    const float inv_scale = max_scale > 0 ? 63.f / max_scale : 0.f;
    const float inv_min = max_min > 0 ? 63.f / max_min : 0.f;
    ck_kq_pack_scales_mins(scales, mins, inv_scale, inv_min, packed);
    ck_kq_store_half(d_dmin, max_scale / 63.f);
    ck_kq_store_half(d_dmin + 2, max_min / 63.f);
    const float d_all = ck_kq_load_half(d_dmin), dmin_all = ck_kq_load_half(d_dmin + 2);
    for (int j = 0; j < 8; ++j) {
        uint8_t sc, m;
        ck_kq_unpack_scale_min(j, packed, &sc, &m);
        const float d = d_all * (float)sc;
        if (d == 0) continue;
        const float dm = dmin_all * (float)m;
        for (int ii = 0; ii < 32; ++ii) {
            int l = ck_kq_nearest_int((x[32 * j + ii] + dm) / d);
            codes[32 * j + ii] = (uint8_t)CK_KQ_MAX(0, CK_KQ_MIN(nmax, l));
        }
    }
}
