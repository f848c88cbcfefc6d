// One instruction set's affine search of the eight groups of a q4_K or q5_K block, stamped out
// by ggml_kquants_group_scales_lanes.c with CK_SUFFIX and CK_TARGET: group g in lane g, each
// lane running ck_kq_affine_scale's operations (with ck_kq_group_scales_plain's weights) on its
// own group in the same order, element by element; choices become selects.

#define CK_CAT_(a, b) a##_##b
#define CK_CAT(a, b) CK_CAT_(a, b)

// clamp(round(iscale · (x - offset)), 0, nmax) in every lane, as a float.
CK_TARGET static inline ck_kq_f32x8 CK_CAT(kq8_level, CK_SUFFIX)(ck_kq_f32x8 iscale, ck_kq_f32x8 x,
                                                                ck_kq_f32x8 offset, int nmax) {
    ck_kq_i32x8 bits = (ck_kq_i32x8)(iscale * (x - offset) + 12582912.0f);
    ck_kq_i32x8 l = (bits & 0x007FFFFF) - 0x00400000;
    l = CK_KQ_MIN((ck_kq_i32x8)(nmax), l);
    return __builtin_convertvector(CK_KQ_MAX((ck_kq_i32x8)(0), l), ck_kq_f32x8);
}

// Σ w · e² with e = scale · l + min - x, in element order.
CK_TARGET static inline ck_kq_f32x8 CK_CAT(kq8_error, CK_SUFFIX)(const ck_kq_f32x8 *xs, const ck_kq_f32x8 *w,
                                                                const ck_kq_f32x8 *levels, ck_kq_f32x8 scale,
                                                                ck_kq_f32x8 min) {
    ck_kq_f32x8 error = (ck_kq_f32x8)(0.0f);
    for (int i = 0; i < 32; ++i) {
        ck_kq_f32x8 diff = scale * levels[i] + min - xs[i];
        error += w[i] * (diff * diff);
    }
    return error;
}

// The weights √(Σx² / 32) + |x| and the groups' ranges and weighted sums.
CK_TARGET static void CK_CAT(kq8_range, CK_SUFFIX)(const ck_kq_f32x8 *xs, ck_kq_f32x8 *w, ck_kq_affine_lanes *r) {
    ck_kq_f32x8 sum_x2 = (ck_kq_f32x8)(0.0f);
    for (int i = 0; i < 32; ++i) sum_x2 += xs[i] * xs[i];
    const ck_kq_f32x8 mean = sum_x2 / 32.0f;
    ck_kq_f32x8 av_x;
    for (int g = 0; g < 8; ++g) av_x[g] = sqrtf(mean[g]);
    for (int i = 0; i < 32; ++i) w[i] = av_x + (ck_kq_f32x8)((ck_kq_i32x8)xs[i] & 0x7FFFFFFF);
    r->min = r->max = xs[0];
    r->sum_w = w[0];
    r->sum_x = w[0] * xs[0];
    for (int i = 1; i < 32; ++i) {
        r->min = xs[i] < r->min ? xs[i] : r->min;
        r->max = xs[i] > r->max ? xs[i] : r->max;
        r->sum_w += w[i];
        r->sum_x += w[i] * xs[i];
    }
    r->min = r->min > 0 ? (ck_kq_f32x8)(0.0f) : r->min;
}

// One trial of the search: levels for `iscale` from `offset`, their least-squares scale and min
// and squared error; lanes where the fit is singular get an error that never wins (NaN).
CK_TARGET static ck_kq_f32x8 CK_CAT(kq8_trial, CK_SUFFIX)(const ck_kq_f32x8 *xs, const ck_kq_f32x8 *w,
                                                         const ck_kq_affine_lanes *r, ck_kq_f32x8 iscale,
                                                         ck_kq_f32x8 offset, int nmax, ck_kq_f32x8 *levels,
                                                         ck_kq_f32x8 *scale, ck_kq_f32x8 *min) {
    ck_kq_f32x8 sum_l = (ck_kq_f32x8)(0.0f), sum_l2 = sum_l, sum_xl = sum_l;
    for (int i = 0; i < 32; ++i) {
        const ck_kq_f32x8 l = CK_CAT(kq8_level, CK_SUFFIX)(iscale, xs[i], offset, nmax);
        levels[i] = l;
        sum_l += w[i] * l;
        sum_l2 += w[i] * l * l;
        sum_xl += w[i] * l * xs[i];
    }
    const ck_kq_f32x8 D = r->sum_w * sum_l2 - sum_l * sum_l;
    ck_kq_f32x8 this_scale = (r->sum_w * sum_xl - r->sum_x * sum_l) / D;
    ck_kq_f32x8 this_min = (sum_l2 * r->sum_x - sum_l * sum_xl) / D;
    const ck_kq_i32x8 positive = this_min > 0;
    this_min = positive ? (ck_kq_f32x8)(0.0f) : this_min;
    this_scale = positive ? sum_xl / sum_l2 : this_scale;
    *scale = this_scale;
    *min = this_min;
    const ck_kq_f32x8 error = CK_CAT(kq8_error, CK_SUFFIX)(xs, w, levels, this_scale, this_min);
    return D > 0 ? error : (ck_kq_f32x8)(__builtin_nanf(""));
}

CK_TARGET static void CK_CAT(kq8_group_scales, CK_SUFFIX)(const float *x, int nmax, float rmin, int nstep,
                                                         float *scales, float *mins, uint8_t *codes) {
    ck_kq_f32x8 xs[32], w[32], best[32], trial[32];
    for (int i = 0; i < 32; ++i) {
        for (int g = 0; g < 8; ++g) xs[i][g] = x[32 * g + i];
    }
    ck_kq_affine_lanes r;
    CK_CAT(kq8_range, CK_SUFFIX)(xs, w, &r);
    const ck_kq_f32x8 iscale = (float)nmax / (r.max - r.min);
    ck_kq_f32x8 scale = 1 / iscale, min = r.min;
    for (int i = 0; i < 32; ++i) best[i] = CK_CAT(kq8_level, CK_SUFFIX)(iscale, xs[i], r.min, nmax);
    ck_kq_f32x8 best_error = CK_CAT(kq8_error, CK_SUFFIX)(xs, w, best, scale, min);
    for (int step = 0; step <= nstep; ++step) {
        const ck_kq_f32x8 trial_iscale = (rmin + 0.1f * (float)step + (float)nmax) / (r.max - min);
        ck_kq_f32x8 trial_scale, trial_min;
        const ck_kq_f32x8 error = CK_CAT(kq8_trial, CK_SUFFIX)(xs, w, &r, trial_iscale, min, nmax, trial,
                                                               &trial_scale, &trial_min);
        const ck_kq_i32x8 better = error < best_error;
        for (int i = 0; i < 32; ++i) best[i] = better ? trial[i] : best[i];
        best_error = better ? error : best_error;
        scale = better ? trial_scale : scale;
        min = better ? trial_min : min;
    }
    const ck_kq_i32x8 flat = r.max == r.min;
    for (int g = 0; g < 8; ++g) {
        scales[g] = flat[g] ? 0.f : scale[g];
        mins[g] = flat[g] ? -r.min[g] : -min[g];
        for (int i = 0; i < 32; ++i) codes[32 * g + i] = flat[g] ? 0 : (uint8_t)best[i][g];
    }
}

#undef CK_CAT
#undef CK_CAT_
