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

// Sixteen groups in lanes (lane g: one group), element i of each in row i: its value x, its
// weight w = x · x and w · x (ggml's w*x[i]*L[i] is (w · x) · l, so the product is the same
// computed once), and its code minus 4; the groups' sums Σ w x l and Σ w l².
typedef struct {
    ck_kq_f32x16 x[16], w[16], wx[16];
    ck_kq_i32x16 levels[16];
    ck_kq_f32x16 sumlx, suml2;
} CK_CAT(kq_q3_set, CK_SUFFIX);

// A batch of CK_KQ_Q3_BATCH blocks: each block's groups, and the groups that moved in the
// first sweep searched again from the start, packed sixteen to a set (a short last set padded
// with groups of zeros, which never move); place[16b + g]: where group g of block b went (16 ·
// set + lane), or -1.
typedef struct {
    CK_CAT(kq_q3_set, CK_SUFFIX) blocks[CK_KQ_Q3_BATCH], packed[CK_KQ_Q3_BATCH];
    ck_kq_i32x16 zero[CK_KQ_Q3_BATCH];
    int16_t place[16 * CK_KQ_Q3_BATCH];
} CK_CAT(kq_q3_batch, CK_SUFFIX);

// One sweep (ck_kq_refine_sweep in every lane) over the sets sets[c] whose active[c] is set, the
// CK_KQ_Q3_CHAINS of them interleaved: their dependency chains (each element's division waits
// for the sums the previous element left) are independent, so the CPU overlaps them, where the
// chain of one set alone would leave the divider idle. moved[c]: the lanes of set c that moved a
// code; active[c] stays set when one did (a sweep that moves nothing would move nothing again).
// Returns whether any set stays active.
CK_TARGET static int CK_CAT(kq_q3_sweep, CK_SUFFIX)(CK_CAT(kq_q3_set, CK_SUFFIX) *const *sets, int *active,
                                                    ck_kq_i32x16 *moved) {
    ck_kq_f32x16 sumlx[CK_KQ_Q3_CHAINS], suml2[CK_KQ_Q3_CHAINS];
    for (int c = 0; c < CK_KQ_Q3_CHAINS; ++c) {
        moved[c] = (ck_kq_i32x16)(0);
        sumlx[c] = active[c] ? sets[c]->sumlx : (ck_kq_f32x16)(0.0f);
        suml2[c] = active[c] ? sets[c]->suml2 : (ck_kq_f32x16)(0.0f);
    }
    for (int i = 0; i < 16; ++i) {
#pragma clang loop unroll(full)
        for (int c = 0; c < CK_KQ_Q3_CHAINS; ++c) {
            if (!active[c]) continue;
            CK_CAT(kq_q3_set, CK_SUFFIX) *set = sets[c];
            const ck_kq_f32x16 x = set->x[i], w = set->w[i], wx = set->wx[i];
            const ck_kq_i32x16 level = set->levels[i];
            const ck_kq_f32x16 old = __builtin_convertvector(level, ck_kq_f32x16);
            const ck_kq_f32x16 slx_without = sumlx[c] - wx * old;
            const ck_kq_f32x16 sl2_without = suml2[c] - w * old * old;
            const ck_kq_i32x16 l = CK_CAT(kq_q3_level, CK_SUFFIX)(x * sl2_without / slx_without);
            const ck_kq_f32x16 lf = __builtin_convertvector(l, ck_kq_f32x16);
            const ck_kq_f32x16 slx = slx_without + wx * lf;
            const ck_kq_f32x16 sl2 = sl2_without + w * lf * lf;
            const ck_kq_i32x16 better = (sl2 > 0) & (slx * slx * suml2[c] > sumlx[c] * sumlx[c] * sl2);
            const ck_kq_i32x16 accept = (slx_without > 0) & (l != level) & better;
            set->levels[i] = accept ? l : level;
            sumlx[c] = accept ? slx : sumlx[c];
            suml2[c] = accept ? sl2 : suml2[c];
            moved[c] |= accept;
        }
    }
    int any = 0;
    for (int c = 0; c < CK_KQ_Q3_CHAINS; ++c) {
        if (!active[c]) continue;
        sets[c]->sumlx = sumlx[c];
        sets[c]->suml2 = suml2[c];
        active[c] = 0;
        for (int g = 0; g < 16; ++g) active[c] |= moved[c][g] != 0;
        any |= active[c];
    }
    return any;
}

// Sweeps the `count` sets at `sets`, CK_KQ_Q3_CHAINS at a time, `sweeps` times at most, each
// chain of them until none of its lanes moves; moved[s]: the lanes of set s that moved in the
// first of these sweeps.
CK_TARGET static void CK_CAT(kq_q3_settle, CK_SUFFIX)(CK_CAT(kq_q3_set, CK_SUFFIX) *sets, int count, int sweeps,
                                                      ck_kq_i32x16 *moved) {
    for (int first = 0; first < count; first += CK_KQ_Q3_CHAINS) {
        CK_CAT(kq_q3_set, CK_SUFFIX) *chain[CK_KQ_Q3_CHAINS];
        int active[CK_KQ_Q3_CHAINS];
        ck_kq_i32x16 first_moved[CK_KQ_Q3_CHAINS], later_moved[CK_KQ_Q3_CHAINS];
        for (int c = 0; c < CK_KQ_Q3_CHAINS; ++c) {
            active[c] = first + c < count;
            chain[c] = sets + (active[c] ? first + c : first);
        }
        int more = CK_CAT(kq_q3_sweep, CK_SUFFIX)(chain, active, first_moved);
        for (int sweep = 1; sweep < sweeps && more; ++sweep) more = CK_CAT(kq_q3_sweep, CK_SUFFIX)(chain, active, later_moved);
        for (int c = 0; c < CK_KQ_Q3_CHAINS && first + c < count; ++c) moved[first + c] = first_moved[c];
    }
}

// Sixteen groups (group g: the 16 values at rows[g]) into a set, with their starting codes
// round(-4 · x / max) clamped to [-4, 3] (max: the group's value of largest magnitude) and their
// sums; returns the lanes whose group is all (near-)zeros.
CK_TARGET static ck_kq_i32x16 CK_CAT(kq_q3_start, CK_SUFFIX)(const float *const *rows, CK_CAT(kq_q3_set, CK_SUFFIX) *set) {
    ck_kq_f32x16 *xs = set->x, amax = (ck_kq_f32x16)(0.0f), max = amax, sumlx = amax, suml2 = amax;
    for (int g = 0; g < 16; ++g) memcpy(&xs[g], rows[g], sizeof xs[g]);
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
        set->levels[i] = level;
        set->w[i] = w;
        set->wx[i] = wx;
        sumlx += wx * l;
        suml2 += w * l * l;
    }
    set->sumlx = sumlx;
    set->suml2 = suml2;
    return amax < CK_KQ_GROUP_EPSILON;
}

// Group g's scale, Σ w x l / Σ w l² (0 when Σ w l² is not positive), in lane g.
CK_TARGET static inline ck_kq_f32x16 CK_CAT(kq_q3_scale, CK_SUFFIX)(const CK_CAT(kq_q3_set, CK_SUFFIX) *set) {
    return set->suml2 > 0 ? set->sumlx / set->suml2 : (ck_kq_f32x16)(0.0f);
}

// The groups of the `count` blocks at x[0], x[1], ... that moved (moved[b]: block b's lanes)
// started again in the packed sets, one after another; records their places. Returns how many
// sets.
CK_TARGET static int CK_CAT(kq_q3_pack_moving, CK_SUFFIX)(const float *const *x, int count, const ck_kq_i32x16 *moved,
                                                          CK_CAT(kq_q3_batch, CK_SUFFIX) *batch) {
    static const float zeros[16];
    const ck_kq_i32x16 bit = {1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768};
    const float *rows[16];
    int lanes = 0;
    for (int b = 0; b < count; ++b) {
        for (int g = 0; g < 16; ++g) batch->place[16 * b + g] = -1;
        for (unsigned bits = (unsigned)__builtin_reduce_or(moved[b] & bit); bits; bits &= bits - 1) {
            const int g = __builtin_ctz(bits);
            batch->place[16 * b + g] = (int16_t)lanes;
            rows[lanes % 16] = x[b] + 16 * g;
            if (++lanes % 16 == 0) CK_CAT(kq_q3_start, CK_SUFFIX)(rows, &batch->packed[lanes / 16 - 1]);
        }
    }
    if (lanes % 16 == 0) return lanes / 16;
    for (int lane = lanes % 16; lane < 16; ++lane) rows[lane] = zeros;
    CK_CAT(kq_q3_start, CK_SUFFIX)(rows, &batch->packed[lanes / 16]);
    return lanes / 16 + 1;
}

// ck_kq_q3_groups_plain in lanes for the `count` blocks at x[0], x[1], ...: block b's scales at
// scales + 16b, its all-zero groups (codes 0) in batch->zero[b]. Every block's groups take one
// sweep together; the groups that moved (about one in five) start again packed into full sets
// and take up to five sweeps there, so the later sweeps run on whole vectors rather than on
// every lane of the blocks whose slowest group has not settled. A group that moved nothing in
// its first sweep keeps its start (codes in batch->blocks[b].levels, lane g, row i: code i of
// group g, minus 4); lanes are independent, so codes and sums are ggml's either way.
CK_TARGET static void CK_CAT(kq_q3_groups, CK_SUFFIX)(const float *const *x, int count, float *scales,
                                                     CK_CAT(kq_q3_batch, CK_SUFFIX) *batch) {
    ck_kq_i32x16 moved[CK_KQ_Q3_BATCH];
    for (int b = 0; b < count; ++b) {
        const float *rows[16];
        for (int g = 0; g < 16; ++g) rows[g] = x[b] + 16 * g;
        batch->zero[b] = CK_CAT(kq_q3_start, CK_SUFFIX)(rows, &batch->blocks[b]);
        const ck_kq_f32x16 scale = batch->zero[b] ? (ck_kq_f32x16)(0.0f) : CK_CAT(kq_q3_scale, CK_SUFFIX)(&batch->blocks[b]);
        memcpy(scales + 16 * b, &scale, sizeof scale);
    }
    CK_CAT(kq_q3_settle, CK_SUFFIX)(batch->blocks, count, 1, moved);
    const int packed = CK_CAT(kq_q3_pack_moving, CK_SUFFIX)(x, count, moved, batch);
    CK_CAT(kq_q3_settle, CK_SUFFIX)(batch->packed, packed, 5, moved);
    float packed_scales[16 * CK_KQ_Q3_BATCH];
    for (int set = 0; set < packed; ++set) {
        const ck_kq_f32x16 scale = CK_CAT(kq_q3_scale, CK_SUFFIX)(&batch->packed[set]);
        memcpy(packed_scales + 16 * set, &scale, sizeof scale);
    }
    for (int p = 0; p < 16 * count; ++p) {
        const int place = batch->place[p];
        if (place >= 0 && !batch->zero[p / 16][p % 16]) scales[p] = packed_scales[place];
    }
}

// Group g of block b's search codes (0 ..< 8) into codes + 16g: 0 for an all-zero group.
CK_TARGET static void CK_CAT(kq_q3_search_codes, CK_SUFFIX)(const CK_CAT(kq_q3_batch, CK_SUFFIX) *batch, int b, int g,
                                                            int8_t *codes) {
    const int place = batch->place[16 * b + g];
    const CK_CAT(kq_q3_set, CK_SUFFIX) *set = place < 0 ? &batch->blocks[b] : &batch->packed[place / 16];
    const int lane = place < 0 ? g : place % 16;
    for (int i = 0; i < 16; ++i) codes[i] = (int8_t)(batch->zero[b][g] ? 0 : set->levels[i][lane] + 4);
}

// ck_q3_K_scales (ggml_kquants_q3_K_block.h) with the sixteen scales in lanes: the first scale
// of largest magnitude (compared as bits, which order non-negative floats), each level
// round(-32 · scale / that) truncated to int8 (sign-extended from its low byte) and clamped to
// [-32, 31] as ggml does, packed, and d = 1 / (-32 / that) stored.
CK_TARGET static void CK_CAT(kq_q3_store_scales, CK_SUFFIX)(const float *scales, uint8_t *block) {
    const ck_kq_i32x16 bit = {1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768};
    ck_kq_f32x16 s;
    memcpy(&s, scales, sizeof s);
    const ck_kq_i32x16 magnitude = (ck_kq_i32x16)s & 0x7FFFFFFF;
    const int largest = __builtin_reduce_max(magnitude);
    const int first = __builtin_ctz((unsigned)__builtin_reduce_or((magnitude == largest) & bit) | 0x10000u);
    const float max_scale = largest == 0 ? 0.0f : s[first];
    uint8_t *packed = block + 96;
    if (max_scale == 0) {
        memset(packed, 0, 12);
        ck_kq_store_half(block + 108, 0.f);
        return;
    }
    const float iscale = -32.f / max_scale;
    ck_kq_i32x16 l = ((ck_kq_i32x16)(iscale * s + 12582912.0f) & 0x007FFFFF) - 0x00400000;
    l = ((l & 0xFF) ^ 0x80) - 0x80;
    l = CK_KQ_MAX((ck_kq_i32x16)(-32), CK_KQ_MIN((ck_kq_i32x16)(31), l)) + 32;
    for (int g = 0; g < 8; ++g) packed[g] = (uint8_t)((l[g] & 0xF) | ((l[g + 8] & 0xF) << 4));
    for (int j = 0; j < 4; ++j)
        packed[8 + j] = (uint8_t)((l[j] >> 4) | ((l[4 + j] >> 4) << 2) | ((l[8 + j] >> 4) << 4) | ((l[12 + j] >> 4) << 6));
    ck_kq_store_half(block + 108, 1 / iscale);
}

// ck_q3_K_quantize for this instruction set: batches of CK_KQ_Q3_BATCH blocks searched together,
// each block's scales then stored and its codes recomputed from them (ggml_kquants_q3_K_block.h,
// inlined here); only the groups whose stored scale is 0 take the search's codes.
CK_TARGET static void CK_CAT(kq_q3_quantize, CK_SUFFIX)(const float *values, long block_count, void *blocks) {
    CK_CAT(kq_q3_batch, CK_SUFFIX) batch;
    for (long first = 0; first < block_count; first += CK_KQ_Q3_BATCH) {
        const int count = (int)CK_KQ_MIN(CK_KQ_Q3_BATCH, block_count - first);
        const float *x[CK_KQ_Q3_BATCH];
        float scales[16 * CK_KQ_Q3_BATCH];
        for (int b = 0; b < count; ++b) x[b] = values + CK_QK_K * (first + b);
        CK_CAT(kq_q3_groups, CK_SUFFIX)(x, count, scales, &batch);
        for (int b = 0; b < count; ++b) {
            uint8_t *block = (uint8_t *)blocks + CK_Q3_K_BYTES * (first + b);
            int8_t codes[CK_QK_K];
            CK_CAT(kq_q3_store_scales, CK_SUFFIX)(scales + 16 * b, block);
            for (int kept = ck_q3_K_codes_from_scales(x[b], block, codes); kept; kept &= kept - 1) {
                const int g = __builtin_ctz((unsigned)kept);
                CK_CAT(kq_q3_search_codes, CK_SUFFIX)(&batch, b, g, codes + 16 * g);
            }
            ck_q3_K_pack(codes, block);
        }
    }
}

#undef CK_KQ_Q3_TRANSPOSE_STAGE
#undef CK_KQ_Q3_UNPAREN
#undef CK_CAT
#undef CK_CAT_
