// One instruction set's refined search of q3_K's sixteen groups, stamped out by
// ggml_kquants_q3_K_lanes.c with CK_SUFFIX and CK_TARGET: group g in lane g, each lane running
// ck_kq_signed_refined_scale(16, 4, ...)'s operations on its own group in the same order. A
// sweep that moves no code of a lane leaves that lane as it was, so sweeping on while other
// lanes still move (ggml stops that group) changes nothing; the sweeps end when no lane of any
// of the CK_KQ_Q3_BLOCKS blocks searched together moved.

#define CK_CAT_(a, b) a##_##b
#define CK_CAT(a, b) CK_CAT_(a, b)

// clamp(round(v), -4, 3) in every lane.
CK_TARGET static inline ck_kq_i32x16 CK_CAT(kq_q3_level, CK_SUFFIX)(ck_kq_f32x16 v) {
    ck_kq_i32x16 l = ((ck_kq_i32x16)(v + 12582912.0f) & 0x007FFFFF) - 0x00400000;
    l = CK_KQ_MIN((ck_kq_i32x16)(3), l);
    return CK_KQ_MAX((ck_kq_i32x16)(-4), l);
}

// Transposes 16 rows of 16 lanes (rows[i][j] becomes rows[j][i]) in four stages, each
// swapping one bit of the row index with the same bit of the lane index: rows r and r | bit
// (r without the bit) trade the lanes whose index has the bit, as unpacklo/hi do at every
// width: 64 two-source shuffles instead of 256 lane inserts.
#define CK_KQ_Q3_UNPAREN(...) __VA_ARGS__
#define CK_KQ_Q3_TRANSPOSE_STAGE(rows, bit, low, high)                                             \
    for (int r = 0; r < 16; ++r) {                                                                 \
        if (r & (bit)) continue;                                                                   \
        const ck_kq_f32x16 a = rows[r], b = rows[r | (bit)];                                       \
        rows[r] = __builtin_shufflevector(a, b, CK_KQ_Q3_UNPAREN low);                             \
        rows[r | (bit)] = __builtin_shufflevector(a, b, CK_KQ_Q3_UNPAREN high);                    \
    }
CK_TARGET static void CK_CAT(kq_q3_transpose, CK_SUFFIX)(ck_kq_f32x16 *rows) {
    CK_KQ_Q3_TRANSPOSE_STAGE(rows, 8, (0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23),
                             (8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31))
    CK_KQ_Q3_TRANSPOSE_STAGE(rows, 4, (0, 1, 2, 3, 16, 17, 18, 19, 8, 9, 10, 11, 24, 25, 26, 27),
                             (4, 5, 6, 7, 20, 21, 22, 23, 12, 13, 14, 15, 28, 29, 30, 31))
    CK_KQ_Q3_TRANSPOSE_STAGE(rows, 2, (0, 1, 16, 17, 4, 5, 20, 21, 8, 9, 24, 25, 12, 13, 28, 29),
                             (2, 3, 18, 19, 6, 7, 22, 23, 10, 11, 26, 27, 14, 15, 30, 31))
    CK_KQ_Q3_TRANSPOSE_STAGE(rows, 1, (0, 16, 2, 18, 4, 20, 6, 22, 8, 24, 10, 26, 12, 28, 14, 30),
                             (1, 17, 3, 19, 5, 21, 7, 23, 9, 25, 11, 27, 13, 29, 15, 31))
}

// The element i of every group of CK_KQ_Q3_BLOCKS blocks in lanes (lane g: group g): its value
// x, its weight w = x · x and w · x (ggml's w*x[i]*L[i] is (w · x) · l, so the product is the
// same computed once), and its code.
typedef struct {
    ck_kq_f32x16 x[CK_KQ_Q3_BLOCKS][16], w[CK_KQ_Q3_BLOCKS][16], wx[CK_KQ_Q3_BLOCKS][16];
    ck_kq_i32x16 levels[CK_KQ_Q3_BLOCKS][16];
    ck_kq_f32x16 sumlx[CK_KQ_Q3_BLOCKS], suml2[CK_KQ_Q3_BLOCKS];
} CK_CAT(kq_q3_lanes, CK_SUFFIX);

// One sweep over the elements of the blocks still active (ck_kq_refine_sweep in every lane of
// each); a block stays active when one of its lanes moved (a sweep that moves nothing would
// move nothing again). Returns whether any block stays active. The blocks' dependency chains
// (each element's division waits for the sums the previous element left) are independent, so
// the CPU overlaps them: the chain of one block alone would leave the divider idle.
CK_TARGET static int CK_CAT(kq_q3_sweep, CK_SUFFIX)(CK_CAT(kq_q3_lanes, CK_SUFFIX) *lanes, int *active) {
    ck_kq_i32x16 moved[CK_KQ_Q3_BLOCKS];
    ck_kq_f32x16 sumlx[CK_KQ_Q3_BLOCKS], suml2[CK_KQ_Q3_BLOCKS];
    for (int b = 0; b < CK_KQ_Q3_BLOCKS; ++b) {
        moved[b] = (ck_kq_i32x16)(0);
        sumlx[b] = lanes->sumlx[b];
        suml2[b] = lanes->suml2[b];
    }
    for (int i = 0; i < 16; ++i) {
#pragma clang loop unroll(full)
        for (int b = 0; b < CK_KQ_Q3_BLOCKS; ++b) {
            if (!active[b]) continue;
            const ck_kq_f32x16 x = lanes->x[b][i], w = lanes->w[b][i], wx = lanes->wx[b][i];
            const ck_kq_i32x16 level = lanes->levels[b][i];
            const ck_kq_f32x16 old = __builtin_convertvector(level, ck_kq_f32x16);
            const ck_kq_f32x16 slx_without = sumlx[b] - wx * old;
            const ck_kq_f32x16 sl2_without = suml2[b] - w * old * old;
            const ck_kq_i32x16 l = CK_CAT(kq_q3_level, CK_SUFFIX)(x * sl2_without / slx_without);
            const ck_kq_f32x16 lf = __builtin_convertvector(l, ck_kq_f32x16);
            const ck_kq_f32x16 slx = slx_without + wx * lf;
            const ck_kq_f32x16 sl2 = sl2_without + w * lf * lf;
            const ck_kq_i32x16 better = (sl2 > 0) & (slx * slx * suml2[b] > sumlx[b] * sumlx[b] * sl2);
            const ck_kq_i32x16 accept = (slx_without > 0) & (l != level) & better;
            lanes->levels[b][i] = accept ? l : level;
            sumlx[b] = accept ? slx : sumlx[b];
            suml2[b] = accept ? sl2 : suml2[b];
            moved[b] |= accept;
        }
    }
    int any = 0;
    for (int b = 0; b < CK_KQ_Q3_BLOCKS; ++b) {
        lanes->sumlx[b] = sumlx[b];
        lanes->suml2[b] = suml2[b];
        active[b] = 0;
        for (int g = 0; g < 16; ++g) active[b] |= moved[b][g] != 0;
        any |= active[b];
    }
    return any;
}

// Block b's groups (the 256 values at x) into lanes, with their starting codes round(-4 · x /
// max) clamped to [-4, 3] (max: the group's value of largest magnitude) and their sums; returns
// the lanes whose group is all (near-)zeros.
CK_TARGET static ck_kq_i32x16 CK_CAT(kq_q3_start, CK_SUFFIX)(const float *x, int b, CK_CAT(kq_q3_lanes, CK_SUFFIX) *lanes) {
    ck_kq_f32x16 *xs = lanes->x[b], amax = (ck_kq_f32x16)(0.0f), max = amax, sumlx = amax, suml2 = amax;
    for (int g = 0; g < 16; ++g) memcpy(&xs[g], x + 16 * g, sizeof xs[g]);
    CK_CAT(kq_q3_transpose, CK_SUFFIX)(xs);
    for (int i = 0; i < 16; ++i) {
        const ck_kq_f32x16 ax = (ck_kq_f32x16)((ck_kq_i32x16)xs[i] & 0x7FFFFFFF);
        const ck_kq_i32x16 larger = ax > amax;
        amax = larger ? ax : amax;
        max = larger ? xs[i] : max;
    }
    const ck_kq_f32x16 iscale = (ck_kq_f32x16)(-4.0f) / max;
    for (int i = 0; i < 16; ++i) {
        const ck_kq_i32x16 level = CK_CAT(kq_q3_level, CK_SUFFIX)(iscale * xs[i]);
        const ck_kq_f32x16 l = __builtin_convertvector(level, ck_kq_f32x16), w = xs[i] * xs[i], wx = w * xs[i];
        lanes->levels[b][i] = level;
        lanes->w[b][i] = w;
        lanes->wx[b][i] = wx;
        sumlx += wx * l;
        suml2 += w * l * l;
    }
    lanes->sumlx[b] = sumlx;
    lanes->suml2[b] = suml2;
    return amax < CK_KQ_GROUP_EPSILON;
}

// ck_kq_q3_groups_plain in lanes, for the CK_KQ_Q3_BLOCKS blocks at x[0], x[1], ...: block b's
// scales at scales + 16b; its codes stay in lanes->levels[b] (lane g, element i: group g's
// code i, minus 4), and zero[b] marks its all-zero groups (codes 0).
CK_TARGET static void CK_CAT(kq_q3_groups, CK_SUFFIX)(const float *const *x, float *scales,
                                                     CK_CAT(kq_q3_lanes, CK_SUFFIX) *lanes, ck_kq_i32x16 *zero) {
    int active[CK_KQ_Q3_BLOCKS];
    for (int b = 0; b < CK_KQ_Q3_BLOCKS; ++b) {
        zero[b] = CK_CAT(kq_q3_start, CK_SUFFIX)(x[b], b, lanes);
        active[b] = 1;
    }
    for (int sweep = 0; sweep < 5; ++sweep) {
        if (!CK_CAT(kq_q3_sweep, CK_SUFFIX)(lanes, active)) break;
    }
    for (int b = 0; b < CK_KQ_Q3_BLOCKS; ++b) {
        const ck_kq_f32x16 scale = lanes->suml2[b] > 0 ? lanes->sumlx[b] / lanes->suml2[b] : (ck_kq_f32x16)(0.0f);
        const ck_kq_f32x16 zero_scale = (ck_kq_f32x16)(0.0f);
        const ck_kq_f32x16 kept = zero[b] ? zero_scale : scale;
        memcpy(scales + 16 * b, &kept, sizeof kept);
    }
}

// ck_q3_K_quantize for this instruction set: runs of CK_KQ_Q3_BLOCKS blocks searched together
// (a short last run searches its last block again in the spare places), each block's scales then
// stored and its codes recomputed from them (ggml_kquants_q3_K_block.h, inlined here); only the
// groups whose stored scale is 0 take the search's codes, read out of the lanes.
CK_TARGET static void CK_CAT(kq_q3_quantize, CK_SUFFIX)(const float *values, long block_count, void *blocks) {
    for (long first = 0; first < block_count; first += CK_KQ_Q3_BLOCKS) {
        const long count = CK_KQ_MIN(CK_KQ_Q3_BLOCKS, block_count - first);
        const float *x[CK_KQ_Q3_BLOCKS];
        float scales[16 * CK_KQ_Q3_BLOCKS];
        CK_CAT(kq_q3_lanes, CK_SUFFIX) lanes;
        ck_kq_i32x16 zero[CK_KQ_Q3_BLOCKS];
        for (long b = 0; b < CK_KQ_Q3_BLOCKS; ++b) x[b] = values + CK_QK_K * (first + CK_KQ_MIN(b, count - 1));
        CK_CAT(kq_q3_groups, CK_SUFFIX)(x, scales, &lanes, zero);
        for (long b = 0; b < count; ++b) {
            uint8_t *block = (uint8_t *)blocks + CK_Q3_K_BYTES * (first + b);
            int8_t codes[CK_QK_K];
            ck_q3_K_scales(scales + 16 * b, block);
            for (int kept = ck_q3_K_codes_from_scales(x[b], block, codes); kept; kept &= kept - 1) {
                const int g = __builtin_ctz((unsigned)kept);
                for (int i = 0; i < 16; ++i) codes[16 * g + i] = (int8_t)(zero[b][g] ? 0 : lanes.levels[b][i][g] + 4);
            }
            ck_q3_K_pack(codes, block);
        }
    }
}

#undef CK_KQ_Q3_TRANSPOSE_STAGE
#undef CK_KQ_Q3_UNPAREN
#undef CK_CAT
#undef CK_CAT_
