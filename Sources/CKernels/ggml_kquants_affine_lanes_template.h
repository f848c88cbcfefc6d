// One instruction set's and one shape's affine search (ck_kq_affine_scale) of a block's groups
// in SIMD lanes, stamped out by ggml_kquants_affine_lanes.c with CK_SUFFIX, CK_TARGET, the
// vector types CK_F (float) and CK_I (int32) of CK_LANES lanes, and CK_N values per group:
// group g in lane g, each lane running the plain search's operations on its own group in the
// same order, element by element; choices become selects.

#define CK_CAT_(a, b) a##_##b
#define CK_CAT(a, b) CK_CAT_(a, b)

// The range of each group (min clamped to at most 0) and its weighted sums Σw, Σw·x.
typedef struct {
    CK_F min, max, sum_w, sum_x;
} CK_CAT(kq_affine_range, CK_SUFFIX);

// clamp(round(iscale · (x - offset)), 0, nmax) in every lane, as a float.
CK_TARGET static inline CK_F CK_CAT(kq_affine_level, CK_SUFFIX)(CK_F iscale, CK_F x, CK_F offset, int nmax) {
    CK_I bits = (CK_I)(iscale * (x - offset) + 12582912.0f);
    CK_I l = (bits & 0x007FFFFF) - 0x00400000;
    l = CK_KQ_MIN((CK_I)(nmax), l);
    return __builtin_convertvector(CK_KQ_MAX((CK_I)(0), l), CK_F);
}

// Σ w · |e| (use_mad) or Σ w · e² with e = scale · l + min - x, in element order.
CK_TARGET static inline CK_F CK_CAT(kq_affine_error, CK_SUFFIX)(const CK_F *xs, const CK_F *w, const CK_F *levels,
                                                               CK_F scale, CK_F min, int use_mad) {
    CK_F error = (CK_F)(0.0f);
    for (int i = 0; i < CK_N; ++i) {
        CK_F diff = scale * levels[i] + min - xs[i];
        diff = use_mad ? (CK_F)((CK_I)diff & 0x7FFFFFFF) : diff * diff;
        error += w[i] * diff;
    }
    return error;
}

CK_TARGET static void CK_CAT(kq_affine_range_of, CK_SUFFIX)(const CK_F *xs, const CK_F *w,
                                                           CK_CAT(kq_affine_range, CK_SUFFIX) *r) {
    r->min = r->max = xs[0];
    r->sum_w = w[0];
    r->sum_x = w[0] * xs[0];
    for (int i = 1; i < CK_N; ++i) {
        r->min = xs[i] < r->min ? xs[i] : r->min;
        r->max = xs[i] > r->max ? xs[i] : r->max;
        r->sum_w += w[i];
        r->sum_x += w[i] * xs[i];
    }
    r->min = r->min > 0 ? (CK_F)(0.0f) : r->min;
}

// One trial: levels for `iscale` from `offset`, their least-squares scale and min, and their
// error; lanes where the fit is singular (D <= 0) get NaN, which never wins.
CK_TARGET static CK_F CK_CAT(kq_affine_trial, CK_SUFFIX)(const CK_F *xs, const CK_F *w,
                                                        const CK_CAT(kq_affine_range, CK_SUFFIX) *r, CK_F iscale,
                                                        CK_F offset, int nmax, int use_mad, CK_F *levels, CK_F *scale,
                                                        CK_F *min) {
    CK_F sum_l = (CK_F)(0.0f), sum_l2 = sum_l, sum_xl = sum_l;
    for (int i = 0; i < CK_N; ++i) {
        const CK_F l = CK_CAT(kq_affine_level, CK_SUFFIX)(iscale, xs[i], offset, nmax);
        levels[i] = l;
        sum_l += w[i] * l;
        sum_l2 += w[i] * l * l;
        sum_xl += w[i] * l * xs[i];
    }
    const CK_F D = r->sum_w * sum_l2 - sum_l * sum_l;
    CK_F this_scale = (r->sum_w * sum_xl - r->sum_x * sum_l) / D;
    CK_F this_min = (sum_l2 * r->sum_x - sum_l * sum_xl) / D;
    const CK_I positive = this_min > 0;
    this_min = positive ? (CK_F)(0.0f) : this_min;
    this_scale = positive ? sum_xl / sum_l2 : this_scale;
    *scale = this_scale;
    *min = this_min;
    const CK_F error = CK_CAT(kq_affine_error, CK_SUFFIX)(xs, w, levels, this_scale, this_min, use_mad);
    return D > 0 ? error : (CK_F)(__builtin_nanf(""));
}

// ck_kq_affine_scale(CK_N, nmax, ..., rmin, 0.1, nstep, use_mad) of every lane's group, element
// i of the groups in xs[i], weights in w[i]: scales, negated mins, and codes (group g's at
// codes + CK_N · g).
CK_TARGET static void CK_CAT(kq_affine_search, CK_SUFFIX)(const CK_F *xs, const CK_F *w, int nmax, float rmin,
                                                         int nstep, int use_mad, float *scales, float *mins,
                                                         uint8_t *codes) {
    CK_F best[CK_N], trial[CK_N];
    CK_CAT(kq_affine_range, CK_SUFFIX) r;
    CK_CAT(kq_affine_range_of, CK_SUFFIX)(xs, w, &r);
    const CK_F iscale = (float)nmax / (r.max - r.min);
    CK_F scale = 1 / iscale, min = r.min;
    for (int i = 0; i < CK_N; ++i) best[i] = CK_CAT(kq_affine_level, CK_SUFFIX)(iscale, xs[i], r.min, nmax);
    CK_F best_error = CK_CAT(kq_affine_error, CK_SUFFIX)(xs, w, best, scale, min, use_mad);
    for (int step = 0; step <= nstep; ++step) {
        const CK_F trial_iscale = (rmin + 0.1f * (float)step + (float)nmax) / (r.max - min);
        CK_F trial_scale, trial_min;
        const CK_F error = CK_CAT(kq_affine_trial, CK_SUFFIX)(xs, w, &r, trial_iscale, min, nmax, use_mad, trial,
                                                             &trial_scale, &trial_min);
        const CK_I better = error < best_error;
        for (int i = 0; i < CK_N; ++i) best[i] = better ? trial[i] : best[i];
        best_error = better ? error : best_error;
        scale = better ? trial_scale : scale;
        min = better ? trial_min : min;
    }
    const CK_I flat = r.max == r.min;
    for (int g = 0; g < CK_LANES; ++g) {
        scales[g] = flat[g] ? 0.f : scale[g];
        mins[g] = flat[g] ? -r.min[g] : -min[g];
        for (int i = 0; i < CK_N; ++i) codes[CK_N * g + i] = flat[g] ? 0 : (uint8_t)best[i][g];
    }
}

// The block's values with group g in lane g: xs[i][g] = x[CK_N · g + i].
CK_TARGET static inline void CK_CAT(kq_affine_transpose, CK_SUFFIX)(const float *x, CK_F *xs) {
    for (int i = 0; i < CK_N; ++i) {
        for (int g = 0; g < CK_LANES; ++g) xs[i][g] = x[CK_N * g + i];
    }
}

#if CK_N == 32
// ck_kq_group_scales_plain: q4_K's and q5_K's groups, weights √(Σx² / 32) + |x|, squared errors.
CK_TARGET static void CK_CAT(kq_group_scales, CK_SUFFIX)(const float *x, int nmax, float rmin, int nstep,
                                                        float *scales, float *mins, uint8_t *codes) {
    CK_F xs[CK_N], w[CK_N];
    CK_CAT(kq_affine_transpose, CK_SUFFIX)(x, xs);
    CK_F sum_x2 = (CK_F)(0.0f);
    for (int i = 0; i < CK_N; ++i) sum_x2 += xs[i] * xs[i];
    const CK_F mean = sum_x2 / 32.0f;
    CK_F av_x;
    for (int g = 0; g < CK_LANES; ++g) av_x[g] = sqrtf(mean[g]);
    for (int i = 0; i < CK_N; ++i) w[i] = av_x + (CK_F)((CK_I)xs[i] & 0x7FFFFFFF);
    CK_CAT(kq_affine_search, CK_SUFFIX)(xs, w, nmax, rmin, nstep, 0, scales, mins, codes);
}
#else
// ck_kq_q2_groups_plain: q2_K's groups, weights |x|, absolute errors.
CK_TARGET static void CK_CAT(kq_q2_groups, CK_SUFFIX)(const float *x, float *scales, float *mins, uint8_t *codes) {
    CK_F xs[CK_N], w[CK_N];
    CK_CAT(kq_affine_transpose, CK_SUFFIX)(x, xs);
    for (int i = 0; i < CK_N; ++i) w[i] = (CK_F)((CK_I)xs[i] & 0x7FFFFFFF);
    CK_CAT(kq_affine_search, CK_SUFFIX)(xs, w, 3, -0.5f, 15, 1, scales, mins, codes);
}
#endif

#undef CK_CAT
#undef CK_CAT_
