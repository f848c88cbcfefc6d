// q5_K: 256 values as eight groups of 32 with 5-bit codes, x ≈ d · s · q - dmin · m.
// Block: d, dmin (halves), scales[12] (as q4_K), qh[32] (bit k of byte l: the fifth bit of code
// 32k + l), qs[128] (the low four bits, laid out as q4_K's codes).
#include "ggml_kquants_support.h"

#pragma clang fp contract(off)

enum { CK_Q5_K_BYTES = 176 };

static void ck_q5_K_quantize_with(const float *values, long block_count, void *blocks, ck_kq_group_scales search) {
    for (long b = 0; b < block_count; ++b) {
        const float *x = values + CK_QK_K * b;
        uint8_t *block = (uint8_t *)blocks + CK_Q5_K_BYTES * b;
        uint8_t codes[CK_QK_K];
        ck_kq_scale_min_block(x, 31, -0.5f, 15, search, block, block + 4, codes);
        uint8_t *qh = block + 16, *qs = block + 48;
        memset(qh, 0, 32);
        for (int half = 0; half < 4; ++half) {
            for (int l = 0; l < 32; ++l) {
                const uint8_t low = codes[64 * half + l], high = codes[64 * half + l + 32];
                qh[l] |= (uint8_t)(((low >> 4) << (2 * half)) | ((high >> 4) << (2 * half + 1)));
                qs[32 * half + l] = (uint8_t)((low & 0xF) | ((high & 0xF) << 4));
            }
        }
    }
}

void ck_q5_K_quantize(const float *values, long block_count, void *blocks) {
    ck_q5_K_quantize_with(values, block_count, blocks, ck_kq_group_scales_lanes());
}

void ck_q5_K_quantize_plain(const float *values, long block_count, void *blocks) {
    ck_q5_K_quantize_with(values, block_count, blocks, ck_kq_group_scales_plain);
}

void ck_q5_K_dequantize(const void *blocks, long block_count, float *values) {
    for (long b = 0; b < block_count; ++b) {
        const uint8_t *block = (const uint8_t *)blocks + CK_Q5_K_BYTES * b;
        float *y = values + CK_QK_K * b;
        const float d = ck_kq_load_half(block), dmin = ck_kq_load_half(block + 2);
        const uint8_t *packed = block + 4, *qh = block + 16, *qs = block + 48;
        for (int j = 0; j < 8; ++j) {
            uint8_t sc, m;
            ck_kq_unpack_scale_min(j, packed, &sc, &m);
            const float scale = d * (float)sc, min = dmin * (float)m;
            const int shift = 4 * (j & 1);
            for (int l = 0; l < 32; ++l) {
                const int code = ((qs[32 * (j / 2) + l] >> shift) & 0xF) | (((qh[l] >> j) & 1) << 4);
                y[32 * j + l] = scale * (float)code - min;
            }
        }
    }
}
