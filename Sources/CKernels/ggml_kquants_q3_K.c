// q3_K (layout in ggml_kquants_q3_K_block.h): the plain quantizer, one group at a time as
// ggml searches, and the dequantizer. The lanes quantizer is in ggml_kquants_q3_K_lanes.c.
#include "ggml_kquants_q3_K_block.h"

#pragma clang fp contract(off)

void ck_kq_q3_groups_plain(const float *x, float *scales, int8_t *codes) {
    for (int g = 0; g < 16; ++g) scales[g] = ck_kq_signed_refined_scale(16, 4, x + 16 * g, codes + 16 * g);
}

void ck_q3_K_quantize_plain(const float *values, long block_count, void *blocks) {
    for (long b = 0; b < block_count; ++b) {
        float scales[16];
        int8_t codes[CK_QK_K];
        const float *x = values + CK_QK_K * b;
        uint8_t *block = (uint8_t *)blocks + CK_Q3_K_BYTES * b;
        ck_kq_q3_groups_plain(x, scales, codes);
        ck_q3_K_scales(scales, block);
        ck_q3_K_codes_from_scales(x, block, codes);  // groups whose d is 0 keep the search's codes
        ck_q3_K_pack(codes, block);
    }
}

void ck_q3_K_dequantize(const void *blocks, long block_count, float *values) {
    for (long b = 0; b < block_count; ++b) {
        const uint8_t *block = (const uint8_t *)blocks + CK_Q3_K_BYTES * b;
        const uint8_t *hmask = block, *qs = block + 32;
        const float d_all = ck_kq_load_half(block + 108);
        float *y = values + CK_QK_K * b;
        for (int i = 0; i < CK_QK_K; ++i) {
            const int low = (qs[32 * (i / 128) + i % 32] >> (2 * ((i % 128) / 32))) & 3;
            const int high = (hmask[i % 32] >> (i / 32)) & 1;
            const float dl = d_all * (float)ck_q3_K_unpack_scale(i / 16, block + 96);
            y[i] = dl * (float)(low - (high ? 0 : 4));
        }
    }
}
