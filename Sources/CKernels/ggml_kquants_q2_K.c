// q2_K: 256 values as sixteen groups of 16 with 2-bit codes, x ≈ d · s · q - dmin · m.
// Block: scales[16] (group g's 4-bit scale in the low nibble of byte g, its 4-bit min in the
// high), qs[64] (as ck_kq_pack_2bit lays them out), d, dmin (halves).
#include <math.h>

#include "ggml_kquants_support.h"

#pragma clang fp contract(off)

enum { CK_Q2_K_BYTES = 84 };

void ck_kq_q2_groups_plain(const float *x, float *scales, float *mins, uint8_t *codes) {
    float weights[16];
    for (int g = 0; g < 16; ++g) {
        for (int l = 0; l < 16; ++l) weights[l] = fabsf(x[16 * g + l]);
        scales[g] = ck_kq_affine_scale(16, 3, x + 16 * g, weights, codes + 16 * g, &mins[g], -0.5f, 0.1f, 15, 1);
    }
}

// Each group's scale and negated min by `search`, quantized to 4 bits against d = max_scale / 15
// and dmin = max_min / 15; writes scales, d, dmin.
static void ck_q2_K_scales(const float *x, ck_kq_q2_groups search, uint8_t *codes, uint8_t *block) {
    float scales[16], mins[16];
    float max_scale = 0, max_min = 0;
    search(x, scales, mins, codes);
    for (int g = 0; g < 16; ++g) {
        if (scales[g] > max_scale) max_scale = scales[g];
        if (mins[g] > max_min) max_min = mins[g];
    }
    uint8_t *packed = block;
    if (max_scale > 0) {
        const float iscale = 15.f / max_scale;
        for (int g = 0; g < 16; ++g) packed[g] = (uint8_t)ck_kq_nearest_int(iscale * scales[g]);
        ck_kq_store_half(block + 80, max_scale / 15.f);
    } else {
        memset(packed, 0, 16);
        ck_kq_store_half(block + 80, 0.f);
    }
    if (max_min > 0) {
        const float iscale = 15.f / max_min;
        // Shifted unsigned: iscale is infinite when max_min is below 15 / FLT_MAX (subnormal
        // values), and the rounding of an infinity is negative; ggml shifts it signed (undefined).
        for (int g = 0; g < 16; ++g) packed[g] |= (uint8_t)((unsigned)ck_kq_nearest_int(iscale * mins[g]) << 4);
        ck_kq_store_half(block + 82, max_min / 15.f);
    } else {
        ck_kq_store_half(block + 82, 0.f);
    }
}

static void ck_q2_K_quantize_block(const float *x, ck_kq_q2_groups search, uint8_t *block) {
    uint8_t codes[CK_QK_K];
    ck_q2_K_scales(x, search, codes, block);
    const float d_all = ck_kq_load_half(block + 80), dmin_all = ck_kq_load_half(block + 82);
    for (int g = 0; g < 16; ++g) {
        const float d = d_all * (float)(block[g] & 0xF);
        if (d == 0) continue;
        const float dm = dmin_all * (float)(block[g] >> 4);
        for (int i = 0; i < 16; ++i) {
            int l = ck_kq_nearest_int((x[16 * g + i] + dm) / d);
            codes[16 * g + i] = (uint8_t)CK_KQ_MAX(0, CK_KQ_MIN(3, l));
        }
    }
    ck_kq_pack_2bit(codes, block + 16);
}

void ck_q2_K_quantize(const float *values, long block_count, void *blocks) {
    const ck_kq_q2_groups search = ck_kq_q2_groups_lanes();
    for (long b = 0; b < block_count; ++b) {
        ck_q2_K_quantize_block(values + CK_QK_K * b, search, (uint8_t *)blocks + CK_Q2_K_BYTES * b);
    }
}

void ck_q2_K_quantize_plain(const float *values, long block_count, void *blocks) {
    for (long b = 0; b < block_count; ++b) {
        ck_q2_K_quantize_block(values + CK_QK_K * b, ck_kq_q2_groups_plain, (uint8_t *)blocks + CK_Q2_K_BYTES * b);
    }
}

void ck_q2_K_dequantize(const void *blocks, long block_count, float *values) {
    for (long b = 0; b < block_count; ++b) {
        const uint8_t *block = (const uint8_t *)blocks + CK_Q2_K_BYTES * b;
        const uint8_t *qs = block + 16;
        const float d = ck_kq_load_half(block + 80), dmin = ck_kq_load_half(block + 82);
        float *y = values + CK_QK_K * b;
        for (int i = 0; i < CK_QK_K; ++i) {
            const uint8_t sc = block[i / 16];
            const int code = (qs[32 * (i / 128) + i % 32] >> (2 * ((i % 128) / 32))) & 3;
            const float dl = d * (float)(sc & 0xF), ml = dmin * (float)(sc >> 4);
            y[i] = dl * (float)code - ml;
        }
    }
}
