// One instruction set's q6_K quantizer, stamped out by ggml_kquants_q6_K_lanes.c with CK_SUFFIX
// and CK_TARGET. The sixteen groups of a block are searched together, group g in lane g: every
// lane runs ck_kq_symmetric_scale's operations on its own group in the same order (element by
// element), so its sums, comparisons and codes are those of the plain version; choices become
// selects, and the codes of the best trial are recomputed once at the end (they are a function
// of its inverse scale alone).

#define CK_CAT_(a, b) a##_##b
#define CK_CAT(a, b) CK_CAT_(a, b)

// ck_kq_nearest_int in every lane.
CK_TARGET static inline ck_kq_i32x16 CK_CAT(kq_nearest, CK_SUFFIX)(ck_kq_f32x16 v) {
    ck_kq_i32x16 bits = (ck_kq_i32x16)(v + 12582912.0f);
    return (bits & 0x007FFFFF) - 0x00400000;
}

// round(iscale · x) in [-32, 31], element i of every group.
CK_TARGET static inline ck_kq_i32x16 CK_CAT(kq_q6_level, CK_SUFFIX)(ck_kq_f32x16 iscale, ck_kq_f32x16 x) {
    ck_kq_i32x16 l = CK_CAT(kq_nearest, CK_SUFFIX)(iscale * x);
    l = CK_KQ_MIN((ck_kq_i32x16)(31), l);
    return CK_KQ_MAX((ck_kq_i32x16)(-32), l);
}

// Σ w x l and Σ w l² (w = x²) of every group for its inverse scale.
CK_TARGET static inline void CK_CAT(kq_q6_sums, CK_SUFFIX)(const ck_kq_f32x16 *xs, ck_kq_f32x16 iscale,
                                                          ck_kq_f32x16 *sumlx, ck_kq_f32x16 *suml2) {
    ck_kq_f32x16 slx = (ck_kq_f32x16)(0.0f), sl2 = (ck_kq_f32x16)(0.0f);
    for (int i = 0; i < 16; ++i) {
        ck_kq_f32x16 l = __builtin_convertvector(CK_CAT(kq_q6_level, CK_SUFFIX)(iscale, xs[i]), ck_kq_f32x16);
        ck_kq_f32x16 w = xs[i] * xs[i];
        slx += w * xs[i] * l;
        sl2 += w * l * l;
    }
    *sumlx = slx;
    *suml2 = sl2;
}

// ck_kq_symmetric_scale(16, 32, ...) of the sixteen groups: their scales, and codes + 32 at
// `codes` (codes[i], lane g: element i of group g).
CK_TARGET static ck_kq_f32x16 CK_CAT(kq_q6_search, CK_SUFFIX)(const ck_kq_f32x16 *xs, ck_kq_i32x16 *codes) {
    ck_kq_f32x16 amax = (ck_kq_f32x16)(0.0f), max = (ck_kq_f32x16)(0.0f);
    for (int i = 0; i < 16; ++i) {
        ck_kq_f32x16 ax = (ck_kq_f32x16)((ck_kq_i32x16)xs[i] & 0x7FFFFFFF);
        ck_kq_i32x16 larger = ax > amax;
        amax = larger ? ax : amax;
        max = larger ? xs[i] : max;
    }
    ck_kq_f32x16 best_iscale = (ck_kq_f32x16)(-32.0f) / max, sumlx, suml2;
    CK_CAT(kq_q6_sums, CK_SUFFIX)(xs, best_iscale, &sumlx, &suml2);
    ck_kq_f32x16 scale = suml2 != 0 ? sumlx / suml2 : (ck_kq_f32x16)(0.0f);
    ck_kq_f32x16 best = scale * sumlx;
    for (int step = -9; step <= 9; ++step) {
        if (step == 0) continue;
        const ck_kq_f32x16 iscale = (ck_kq_f32x16)(-(32.0f + 0.1f * (float)step)) / max;
        CK_CAT(kq_q6_sums, CK_SUFFIX)(xs, iscale, &sumlx, &suml2);
        ck_kq_i32x16 better = (suml2 > 0) & (sumlx * sumlx > best * suml2);
        scale = better ? sumlx / suml2 : scale;
        best = better ? scale * sumlx : best;
        best_iscale = better ? iscale : best_iscale;
    }
    ck_kq_i32x16 zero = amax < CK_KQ_GROUP_EPSILON;
    for (int i = 0; i < 16; ++i) {
        ck_kq_i32x16 l = CK_CAT(kq_q6_level, CK_SUFFIX)(best_iscale, xs[i]) + 32;
        codes[i] = zero ? (ck_kq_i32x16)(0) : l;
    }
    return zero ? (ck_kq_f32x16)(0.0f) : scale;
}

// ck_q6_K_quantize_block's steps after the search, the codes in lanes.
CK_TARGET static void CK_CAT(kq_q6_block, CK_SUFFIX)(const float *x, uint8_t *block) {
    ck_kq_f32x16 xs[16];
    ck_kq_i32x16 codes[16];
    for (int i = 0; i < 16; ++i) {
        for (int g = 0; g < 16; ++g) xs[i][g] = x[16 * g + i];
    }
    const ck_kq_f32x16 scales = CK_CAT(kq_q6_search, CK_SUFFIX)(xs, codes);
    float scale_values[16], iscale;
    memcpy(scale_values, &scales, sizeof scale_values);
    if (!ck_q6_K_store_super_scale(scale_values, block, &iscale)) return;
    const ck_kq_i32x16 stored = CK_KQ_MIN((ck_kq_i32x16)(127), CK_CAT(kq_nearest, CK_SUFFIX)(iscale * scales));
    const ck_kq_f32x16 d = ck_kq_load_half(block + 208) * __builtin_convertvector((stored << 24) >> 24, ck_kq_f32x16);
    const ck_kq_i32x16 requantized = d != 0;
    int8_t flat[CK_QK_K];
    for (int i = 0; i < 16; ++i) {
        ck_kq_i32x16 l = CK_KQ_MAX((ck_kq_i32x16)(-32), CK_KQ_MIN((ck_kq_i32x16)(31), CK_CAT(kq_nearest, CK_SUFFIX)(xs[i] / d)));
        const ck_kq_i32x16 code = requantized ? l + 32 : codes[i];
        for (int g = 0; g < 16; ++g) flat[16 * g + i] = (int8_t)code[g];
    }
    for (int g = 0; g < 16; ++g) block[192 + g] = (uint8_t)stored[g];
    ck_q6_K_pack(flat, block, block + 128);
}

CK_TARGET static void CK_CAT(kq_q6_quantize, CK_SUFFIX)(const float *values, long block_count, void *blocks) {
    for (long b = 0; b < block_count; ++b) {
        CK_CAT(kq_q6_block, CK_SUFFIX)(values + CK_QK_K * b, (uint8_t *)blocks + CK_Q6_K_BYTES * b);
    }
}

#undef CK_CAT
#undef CK_CAT_
