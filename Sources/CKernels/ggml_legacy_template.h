// One instruction set's ggml legacy block kernels, stamped out by ggml_legacy.c with CK_SUFFIX and
// CK_TARGET: a block's 32 values in one vector, each lane doing the scalar reference's float
// operations in its order (ggml_legacy.c), so the bytes are the same. A block whose `1/d` is not
// finite (d subnormal) or whose range overflows goes to the scalar code, which reproduces
// x86's out-of-range truncation.

#define CK_CAT_(a, b) a##_##b
#define CK_CAT(a, b) CK_CAT_(a, b)

CK_TARGET static inline ck_f32x32 CK_CAT(load_block, CK_SUFFIX)(const unsigned char *x) {
    ck_f32x32 v;
    __builtin_memcpy(&v, x, sizeof v);
    return v;
}

// The largest (`want_max`) or smallest lane, by halving; exact whatever the order (no NaN).
CK_TARGET static inline float CK_CAT(reduce, CK_SUFFIX)(ck_f32x32 a, int want_max) {
    ck_f32x16 h = __builtin_shufflevector(a, a, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    ck_f32x16 g = __builtin_shufflevector(a, a, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31);
    h = want_max ? CK_MAX(h, g) : CK_MIN(h, g);
    ck_f32x8 e = __builtin_shufflevector(h, h, 0, 1, 2, 3, 4, 5, 6, 7), f = __builtin_shufflevector(h, h, 8, 9, 10, 11, 12, 13, 14, 15);
    e = want_max ? CK_MAX(e, f) : CK_MIN(e, f);
    float best = e[0];
    for (int k = 1; k < 8; k++) best = want_max ? (e[k] > best ? e[k] : best) : (e[k] < best ? e[k] : best);
    return best;
}

// The first lane equal to `value` (which is one of the lanes): the element a sequential
// "replace on strictly better" scan keeps, whose sign matters when `value` is ±0.
CK_TARGET static inline float CK_CAT(first_equal, CK_SUFFIX)(ck_f32x32 x, ck_f32x32 magnitude, float value) {
    ck_bool32 hits = __builtin_convertvector(magnitude == value, ck_bool32);
    uint32_t mask;
    __builtin_memcpy(&mask, &hits, sizeof mask);
    return x[__builtin_ctz(mask)];
}

// Codes to bytes: Q4 nibbles `code[j] | code[j + 16] << 4` at `qs`; for Q5 masked, with bit 4 of
// code j at bit j of the little-endian uint32 at `qh` (when not NULL).
CK_TARGET static inline void CK_CAT(pack, CK_SUFFIX)(ck_i32x32 codes, unsigned char *qs, unsigned char *qh) {
    ck_u8x32 c = __builtin_convertvector(codes, ck_u8x32);
    ck_u8x16 lo = __builtin_shufflevector(c, c, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    ck_u8x16 hi = __builtin_shufflevector(c, c, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31);
    if (qh) {
        lo &= 0x0F;
        hi &= 0x0F;
        ck_bool32 high = __builtin_convertvector((c & 0x10) != 0, ck_bool32);
        __builtin_memcpy(qh, &high, 4);  // bit j is lane j (little-endian)
    }
    ck_u8x16 bytes = lo | (ck_u8x16)(hi << 4);
    __builtin_memcpy(qs, &bytes, sizeof bytes);
}

// Q8_0 (see ck_q8_0_block): `roundf(x · id)` as truncation, then one step away from zero when
// the exactly computed remainder is at least a half.
CK_TARGET static void CK_CAT(q8_0_block, CK_SUFFIX)(const unsigned char *xb, unsigned char *out) {
    const ck_f32x32 x = CK_CAT(load_block, CK_SUFFIX)(xb);
    const float d = CK_CAT(reduce, CK_SUFFIX)(__builtin_elementwise_abs(x), 1) / 127.0f;
    const float id = d != 0.0f ? 1.0f / d : 0.0f;
    if (!__builtin_isfinite(id)) {
        ck_q8_0_block(xb, out);
        return;
    }
    const ck_f32x32 t = x * id;
    ck_i32x32 q = __builtin_convertvector(t, ck_i32x32);
    const ck_f32x32 remainder = t - __builtin_convertvector(q, ck_f32x32);  // exact: |t| < 2^23
    q = q - (remainder >= 0.5f) + (remainder <= -0.5f);                    // true is -1
    ck_store_fp16(out, d);
    ck_u8x32 bytes = __builtin_convertvector(q, ck_u8x32);
    __builtin_memcpy(out + 2, &bytes, sizeof bytes);
}

// Q4_0 / Q5_0 (see ck_symmetric_codes); `qh` NULL for Q4_0.
CK_TARGET static void CK_CAT(symmetric_block, CK_SUFFIX)(const unsigned char *xb, int levels, unsigned char *out,
                                                        unsigned char *qh, unsigned char *qs) {
    const ck_f32x32 x = CK_CAT(load_block, CK_SUFFIX)(xb);
    const ck_f32x32 magnitude = __builtin_elementwise_abs(x);
    const float amax = CK_CAT(reduce, CK_SUFFIX)(magnitude, 1);
    const float max = amax > 0.0f ? CK_CAT(first_equal, CK_SUFFIX)(x, magnitude, amax) : 0.0f;
    const float d = max / -(float)(levels / 2);
    const float id = d != 0.0f ? 1.0f / d : 0.0f;
    if (!__builtin_isfinite(id)) {
        uint8_t codes[CK_GGML_BLOCK];
        ck_symmetric_codes(xb, levels, out, codes);
        qh ? ck_pack_q5_at(codes, qh, qs) : ck_pack_q4(codes, qs);
        return;
    }
    const ck_f32x32 t = x * id + ((float)(levels / 2) + 0.5f);
    ck_i32x32 q = __builtin_convertvector(t, ck_i32x32);
    q = CK_MIN(q, (ck_i32x32)(levels - 1));
    ck_store_fp16(out, d);
    CK_CAT(pack, CK_SUFFIX)(q, qs, qh);
}

// Q4_1 / Q5_1 (see ck_affine_codes); `qh` NULL for Q4_1.
CK_TARGET static void CK_CAT(affine_block, CK_SUFFIX)(const unsigned char *xb, int levels, unsigned char *out,
                                                     unsigned char *qh, unsigned char *qs) {
    const ck_f32x32 x = CK_CAT(load_block, CK_SUFFIX)(xb);
    float min = CK_CAT(reduce, CK_SUFFIX)(x, 0), max = CK_CAT(reduce, CK_SUFFIX)(x, 1);
    if (min == 0.0f) min = CK_CAT(first_equal, CK_SUFFIX)(x, x, min);  // the sign of a zero
    if (max == 0.0f) max = CK_CAT(first_equal, CK_SUFFIX)(x, x, max);
    const float d = (max - min) / (float)(levels - 1);
    const float id = d != 0.0f ? 1.0f / d : 0.0f;
    if (!__builtin_isfinite(id) || !__builtin_isfinite(max - min)) {
        uint8_t codes[CK_GGML_BLOCK];
        ck_affine_codes(xb, levels, out, codes);
        qh ? ck_pack_q5_at(codes, qh, qs) : ck_pack_q4(codes, qs);
        return;
    }
    const ck_f32x32 t = (x - min) * id + 0.5f;
    ck_i32x32 q = __builtin_convertvector(t, ck_i32x32);
    if (levels == 16) q = CK_MIN(q, (ck_i32x32)15);
    ck_store_fp16(out, d);
    ck_store_fp16(out + 2, min);
    CK_CAT(pack, CK_SUFFIX)(q, qs, qh);
}

CK_TARGET static void CK_CAT(legacy_blocks, CK_SUFFIX)(int type, const unsigned char *x, long blocks, unsigned char *y) {
    const long in = 4 * CK_GGML_BLOCK;
    switch (type) {
    case CK_GGML_Q8_0:
        for (long b = 0; b < blocks; b++) CK_CAT(q8_0_block, CK_SUFFIX)(x + in * b, y + 34 * b);
        break;
    case CK_GGML_Q4_0:
        for (long b = 0; b < blocks; b++) CK_CAT(symmetric_block, CK_SUFFIX)(x + in * b, 16, y + 18 * b, NULL, y + 18 * b + 2);
        break;
    case CK_GGML_Q5_0:
        for (long b = 0; b < blocks; b++) CK_CAT(symmetric_block, CK_SUFFIX)(x + in * b, 32, y + 22 * b, y + 22 * b + 2, y + 22 * b + 6);
        break;
    case CK_GGML_Q4_1:
        for (long b = 0; b < blocks; b++) CK_CAT(affine_block, CK_SUFFIX)(x + in * b, 16, y + 20 * b, NULL, y + 20 * b + 4);
        break;
    case CK_GGML_Q5_1:
        for (long b = 0; b < blocks; b++) CK_CAT(affine_block, CK_SUFFIX)(x + in * b, 32, y + 24 * b, y + 24 * b + 4, y + 24 * b + 8);
        break;
    }
}

#undef CK_CAT
#undef CK_CAT_
