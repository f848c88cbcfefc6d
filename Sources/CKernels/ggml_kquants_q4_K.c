// q4_K: 256 values as eight groups of 32 with 4-bit codes, x ≈ d · s · q - dmin · m.
// Block: d, dmin (halves), scales[12] (6-bit scales and mins), qs[128] (codes 64h + l and
// 64h + 32 + l in the low and high nibble of byte 32h + l).
#include "ggml_kquants_support.h"

#pragma clang fp contract(off)

enum { CK_Q4_K_BYTES = 144 };

static void ck_q4_K_quantize_with(const float *values, long block_count, void *blocks, ck_kq_group_scales search) {
    for (long b = 0; b < block_count; ++b) {
        const float *x = values + CK_QK_K * b;
        uint8_t *block = (uint8_t *)blocks + CK_Q4_K_BYTES * b;
        uint8_t codes[CK_QK_K];
        ck_kq_scale_min_block(x, 15, -1.f, 20, search, block, block + 4, codes);
        uint8_t *qs = block + 16;
        for (int half = 0; half < 4; ++half) {
            for (int l = 0; l < 32; ++l) {
                qs[32 * half + l] = (uint8_t)(codes[64 * half + l] | (codes[64 * half + l + 32] << 4));
            }
        }
    }
}

void ck_q4_K_quantize(const float *values, long block_count, void *blocks) {
    ck_q4_K_quantize_with(values, block_count, blocks, ck_kq_group_scales_lanes());
}

void ck_q4_K_quantize_plain(const float *values, long block_count, void *blocks) {
    ck_q4_K_quantize_with(values, block_count, blocks, ck_kq_group_scales_plain);
}

void ck_q4_K_dequantize(const void *blocks, long block_count, float *values) {
    for (long b = 0; b < block_count; ++b) {
        const uint8_t *block = (const uint8_t *)blocks + CK_Q4_K_BYTES * b;
        float *y = values + CK_QK_K * b;
        const float d = ck_kq_load_half(block), dmin = ck_kq_load_half(block + 2);
        const uint8_t *packed = block + 4, *qs = block + 16;
        for (int j = 0; j < 8; ++j) {
            uint8_t sc, m;
            ck_kq_unpack_scale_min(j, packed, &sc, &m);
            const float scale = d * (float)sc, min = dmin * (float)m;
            const int shift = 4 * (j & 1);
            for (int l = 0; l < 32; ++l) {
                y[32 * j + l] = scale * (float)((qs[32 * (j / 2) + l] >> shift) & 0xF) - min;
            }
        }
    }
}
