// One instruction set's refined search of q3_K's sixteen groups, stamped out by
// ggml_kquants_q3_K_lanes.c with CK_SUFFIX and CK_TARGET: group g in lane g, each lane running
// ck_kq_signed_refined_scale(16, 4, ...)'s operations on its own group in the same order. A
// sweep that moves no code of a lane leaves that lane as it was, so sweeping on while other
// lanes still move (ggml stops that group) changes nothing; the sweeps end when no lane moved.

#define CK_CAT_(a, b) a##_##b
#define CK_CAT(a, b) CK_CAT_(a, b)

// clamp(round(v), -4, 3) in every lane.
CK_TARGET static inline ck_kq_i32x16 CK_CAT(kq_q3_level, CK_SUFFIX)(ck_kq_f32x16 v) {
    ck_kq_i32x16 l = ((ck_kq_i32x16)(v + 12582912.0f) & 0x007FFFFF) - 0x00400000;
    l = CK_KQ_MIN((ck_kq_i32x16)(3), l);
    return CK_KQ_MAX((ck_kq_i32x16)(-4), l);
}

// One sweep over the elements (ck_kq_refine_sweep in every lane); returns the lanes that moved.
CK_TARGET static ck_kq_i32x16 CK_CAT(kq_q3_sweep, CK_SUFFIX)(const ck_kq_f32x16 *xs, ck_kq_i32x16 *levels,
                                                            ck_kq_f32x16 *sumlx, ck_kq_f32x16 *suml2) {
    ck_kq_i32x16 moved = (ck_kq_i32x16)(0);
    for (int i = 0; i < 16; ++i) {
        const ck_kq_f32x16 w = xs[i] * xs[i];
        const ck_kq_f32x16 old = __builtin_convertvector(levels[i], ck_kq_f32x16);
        const ck_kq_f32x16 slx_without = *sumlx - w * xs[i] * old;
        const ck_kq_f32x16 sl2_without = *suml2 - w * old * old;
        const ck_kq_i32x16 l = CK_CAT(kq_q3_level, CK_SUFFIX)(xs[i] * sl2_without / slx_without);
        const ck_kq_f32x16 lf = __builtin_convertvector(l, ck_kq_f32x16);
        const ck_kq_f32x16 slx = slx_without + w * xs[i] * lf;
        const ck_kq_f32x16 sl2 = sl2_without + w * lf * lf;
        const ck_kq_i32x16 better = (sl2 > 0) & (slx * slx * *suml2 > *sumlx * *sumlx * sl2);
        const ck_kq_i32x16 accept = (slx_without > 0) & (l != levels[i]) & better;
        levels[i] = accept ? l : levels[i];
        *sumlx = accept ? slx : *sumlx;
        *suml2 = accept ? sl2 : *suml2;
        moved |= accept;
    }
    return moved;
}

// ck_kq_q3_groups_plain in lanes: scales, and codes + 4 (group g's at codes + 16g).
CK_TARGET static void CK_CAT(kq_q3_groups, CK_SUFFIX)(const float *x, float *scales, int8_t *codes) {
    ck_kq_f32x16 xs[16], amax = (ck_kq_f32x16)(0.0f), max = amax, sumlx = amax, suml2 = amax;
    ck_kq_i32x16 levels[16];
    for (int i = 0; i < 16; ++i) {
        for (int g = 0; g < 16; ++g) xs[i][g] = x[16 * g + i];
        const ck_kq_f32x16 ax = (ck_kq_f32x16)((ck_kq_i32x16)xs[i] & 0x7FFFFFFF);
        const ck_kq_i32x16 larger = ax > amax;
        amax = larger ? ax : amax;
        max = larger ? xs[i] : max;
    }
    const ck_kq_f32x16 iscale = (ck_kq_f32x16)(-4.0f) / max;
    for (int i = 0; i < 16; ++i) {
        levels[i] = CK_CAT(kq_q3_level, CK_SUFFIX)(iscale * xs[i]);
        const ck_kq_f32x16 l = __builtin_convertvector(levels[i], ck_kq_f32x16), w = xs[i] * xs[i];
        sumlx += w * xs[i] * l;
        suml2 += w * l * l;
    }
    for (int sweep = 0; sweep < 5; ++sweep) {
        const ck_kq_i32x16 moved = CK_CAT(kq_q3_sweep, CK_SUFFIX)(xs, levels, &sumlx, &suml2);
        int any = 0;
        for (int g = 0; g < 16; ++g) any |= moved[g];
        if (!any) break;
    }
    const ck_kq_i32x16 zero = amax < CK_KQ_GROUP_EPSILON;
    const ck_kq_f32x16 scale = suml2 > 0 ? sumlx / suml2 : (ck_kq_f32x16)(0.0f);
    for (int g = 0; g < 16; ++g) {
        scales[g] = zero[g] ? 0.f : scale[g];
        for (int i = 0; i < 16; ++i) codes[16 * g + i] = (int8_t)(zero[g] ? 0 : levels[i][g] + 4);
    }
}

#undef CK_CAT
#undef CK_CAT_
