// q3_K and q6_K with an importance matrix (ggml's quantize_row_<type>_impl): each group's scale
// by the weighted symmetric search, the block's scales stored in 6 bits (q3_K: themselves found
// by the weighted search, weights each group's Σw) or 8 bits (q6_K: against the largest), and
// every code recomputed from its stored scale as round(x / (d · s)) (groups whose d · s is 0
// keep the search's codes).
#include "ggml_kquants_weighted_support.h"

#pragma clang fp contract(off)

enum { CK_KQW_Q3_K_BYTES = 110 };

// q3_K's sixteen 6-bit levels (the signed scale plus 32) into its twelve scale bytes: low
// nibbles of groups 0-7 and 8-15 in the low and high nibbles of bytes 0-7, the top two bits of
// group g in bits 2 · (g / 4) of byte 8 + g % 4.
static void ck_kqw_q3_K_pack_levels(const int8_t *levels, uint8_t *packed) {
    memset(packed, 0, 12);
    for (int g = 0; g < 16; ++g) {
        const int level = levels[g];
        if (g < 8) {
            packed[g] = (uint8_t)(level & 0xF);
        } else {
            packed[g - 8] |= (uint8_t)((level & 0xF) << 4);
        }
        packed[g % 4 + 8] |= (uint8_t)((level >> 4) << (2 * (g / 4)));
    }
}

static int ck_kqw_q3_K_scale(int g, const uint8_t *packed) {
    const int low = g < 8 ? packed[g] & 0xF : packed[g - 8] >> 4;
    return (int8_t)((low | (((packed[8 + g % 4] >> (2 * (g / 4))) & 3) << 4)) - 32);
}

// The codes (0 ..< 8): their third bits into hmask (bit g / 32 of byte g % 32), the low two
// bits into qs.
static void ck_kqw_q3_K_pack_codes(int8_t *codes, uint8_t *block) {
    memset(block, 0, 32);
    for (int i = 0; i < CK_QK_K; ++i) {
        if (codes[i] > 3) {
            block[i % 32] |= (uint8_t)(1 << (i / 32));
            codes[i] -= 4;
        }
    }
    ck_kq_pack_2bit((const uint8_t *)codes, block + 32);
}

static void ck_kqw_q3_K_block(const float *x, const float *importance, uint8_t *block) {
    int8_t codes[CK_QK_K], levels[16];
    float scales[16], sums[16], weights[16];
    const float sigma2 = 2 * ck_kqw_sum_squares(x) / (float)CK_QK_K;
    for (int g = 0; g < 16; ++g) {
        sums[g] = ck_kqw_block_weights(x + 16 * g, importance + 16 * g, sigma2, 16, weights);
        scales[g] = ck_kqw_symmetric_scale(16, 4, x + 16 * g, weights, codes + 16 * g);
    }
    const float d_block = ck_kqw_symmetric_scale(16, 32, scales, sums, levels);
    ck_kqw_q3_K_pack_levels(levels, block + 96);
    ck_kq_store_half(block + 108, d_block);
    const float d_all = ck_kq_load_half(block + 108);
    for (int g = 0; g < 16; ++g) {
        const float d = d_all * (float)ck_kqw_q3_K_scale(g, block + 96);
        if (d == 0) continue;
        for (int i = 0; i < 16; ++i) {
            const int l = ck_kq_nearest_int(x[16 * g + i] / d);
            codes[16 * g + i] = (int8_t)(CK_KQ_MAX(-4, CK_KQ_MIN(3, l)) + 4);
        }
    }
    ck_kqw_q3_K_pack_codes(codes, block);
}

// q6_K: the group scales by the symmetric search weighted by the importance alone, then stored
// as the plain kernel stores them (ck_q6_K_store_block).
static void ck_kqw_q6_K_block(const float *x, const float *importance, uint8_t *block) {
    int8_t codes[CK_QK_K];
    float scales[16];
    for (int g = 0; g < 16; ++g) {
        scales[g] = ck_kqw_symmetric_scale(16, 32, x + 16 * g, importance + 16 * g, codes + 16 * g);
    }
    ck_q6_K_store_block(x, scales, codes, block);
}

void ck_q3_K_quantize_weighted(const float *row, long length, const float *importance, void *blocks) {
    for (long b = 0; b < length / CK_QK_K; ++b) {
        ck_kqw_q3_K_block(row + CK_QK_K * b, importance + CK_QK_K * b, (uint8_t *)blocks + CK_KQW_Q3_K_BYTES * b);
    }
}

void ck_q6_K_quantize_weighted(const float *row, long length, const float *importance, void *blocks) {
    for (long b = 0; b < length / CK_QK_K; ++b) {
        ck_kqw_q6_K_block(row + CK_QK_K * b, importance + CK_QK_K * b, (uint8_t *)blocks + CK_Q6_K_BYTES * b);
    }
}
