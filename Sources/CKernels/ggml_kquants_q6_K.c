// q6_K: 256 values as sixteen groups of 16 with 6-bit codes, x ≈ d · s · (q - 32).
// Block: ql[128] (low four bits: codes 128h + l and 128h + 64 + l in byte 64h + l, codes
// 128h + 32 + l and 128h + 96 + l in byte 64h + 32 + l), qh[64] (the top two bits of codes
// 128h + 32k + l in bits 2k of byte 32h + l), scales[16] (int8), d (half).
#include "ggml_kquants_support.h"

#pragma clang fp contract(off)

void ck_q6_K_pack(const int8_t *codes, uint8_t *ql, uint8_t *qh) {
    for (int half = 0; half < 2; ++half) {
        const int8_t *c = codes + 128 * half;
        for (int l = 0; l < 32; ++l) {
            ql[64 * half + l] = (uint8_t)((c[l] & 0xF) | ((c[l + 64] & 0xF) << 4));
            ql[64 * half + l + 32] = (uint8_t)((c[l + 32] & 0xF) | ((c[l + 96] & 0xF) << 4));
            qh[32 * half + l] = (uint8_t)((c[l] >> 4) | ((c[l + 32] >> 4) << 2) | ((c[l + 64] >> 4) << 4) |
                                          ((c[l + 96] >> 4) << 6));
        }
    }
}

// One block: each group's scale by the symmetric search, then stored (ck_q6_K_store_block).
static void ck_q6_K_quantize_block(const float *x, uint8_t *block) {
    int8_t codes[CK_QK_K];
    float scales[16];
    for (int g = 0; g < 16; ++g) scales[g] = ck_kq_symmetric_scale(16, 32, x + 16 * g, codes + 16 * g);
    ck_q6_K_store_block(x, scales, codes, block);
}

void ck_q6_K_quantize_plain(const float *values, long block_count, void *blocks) {
    for (long b = 0; b < block_count; ++b) {
        ck_q6_K_quantize_block(values + CK_QK_K * b, (uint8_t *)blocks + CK_Q6_K_BYTES * b);
    }
}

void ck_q6_K_dequantize(const void *blocks, long block_count, float *values) {
    for (long b = 0; b < block_count; ++b) {
        const uint8_t *block = (const uint8_t *)blocks + CK_Q6_K_BYTES * b;
        const uint8_t *ql = block, *qh = block + 128;
        const int8_t *scales = (const int8_t *)(block + 192);
        const float d = ck_kq_load_half(block + 208);
        float *y = values + CK_QK_K * b;
        for (int i = 0; i < CK_QK_K; ++i) {
            const int half = i / 128, k = (i % 128) / 32, l = i % 32;
            const int low = (ql[64 * half + 32 * (k & 1) + l] >> (4 * (k >> 1))) & 0xF;
            const int high = (qh[32 * half + l] >> (2 * k)) & 3;
            y[i] = d * (float)scales[i / 16] * (float)((low | (high << 4)) - 32);
        }
    }
}
