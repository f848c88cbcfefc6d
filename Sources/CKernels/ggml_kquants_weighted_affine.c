// q2_K, q4_K and q5_K with an importance matrix (ggml's quantize_row_<type>_impl): each group's
// scale and min by the weighted affine search, then the block's group scales and mins by the
// weighted positive search (weights: each group's Σw), stored against the halves d and dmin it
// returns, and every code recomputed from the stored values as round((x + dmin · m) / (d · s))
// (groups whose d · s is 0 keep the search's codes).
#include <math.h>

#include "ggml_kquants_weighted_support.h"

#pragma clang fp contract(off)

enum { CK_KQW_Q2_K_BYTES = 84, CK_KQW_Q4_K_BYTES = 144, CK_KQW_Q5_K_BYTES = 176 };

// The codes of groups of `size` values recomputed from the stored scale d · s and min dmin · m.
static void ck_kqw_requantize_affine(const float *x, int size, int groups, const float *d, const float *dm,
                                     int nmax, uint8_t *codes) {
    for (int g = 0; g < groups; ++g) {
        if (d[g] == 0) continue;
        for (int i = 0; i < size; ++i) {
            const int l = ck_kq_nearest_int((x[size * g + i] + dm[g]) / d[g]);
            codes[size * g + i] = (uint8_t)CK_KQ_MAX(0, CK_KQ_MIN(nmax, l));
        }
    }
}

static void ck_kqw_q2_K_block(const float *x, const float *importance, uint8_t *block) {
    uint8_t codes[CK_QK_K], levels[16], min_levels[16];
    float scales[16], mins[16], sums[16], weights[16], d[16], dm[16];
    const float sigma2 = ck_kqw_sum_squares(x) / (float)CK_QK_K;
    for (int g = 0; g < 16; ++g) {
        sums[g] = ck_kqw_block_weights(x + 16 * g, importance + 16 * g, sigma2, 16, weights);
        scales[g] = ck_kqw_affine_scale(16, 3, x + 16 * g, weights, codes + 16 * g, &mins[g]);
    }
    ck_kq_store_half(block + 80, ck_kqw_positive_scale(16, 15, scales, sums, levels));
    ck_kq_store_half(block + 82, ck_kqw_positive_scale(16, 15, mins, sums, min_levels));
    const float d_all = ck_kq_load_half(block + 80), dmin_all = ck_kq_load_half(block + 82);
    for (int g = 0; g < 16; ++g) {
        block[g] = (uint8_t)(levels[g] | (min_levels[g] << 4));
        d[g] = d_all * (float)(block[g] & 0xF);
        dm[g] = dmin_all * (float)(block[g] >> 4);
    }
    ck_kqw_requantize_affine(x, 16, 16, d, dm, 3, codes);
    ck_kq_pack_2bit(codes, block + 16);
}

// q4_K's and q5_K's scales part: d, dmin (4 bytes) and the twelve packed bytes of eight 6-bit
// scales and mins (q5_K caps each at 63 first; q4_K stores ggml's byte as it is), and the codes
// recomputed from them.
static void ck_kqw_scale_min_block(const float *x, const float *importance, int nmax, int cap, uint8_t *block,
                                   uint8_t *codes) {
    uint8_t levels[8], min_levels[8];
    float scales[8], mins[8], sums[8], weights[32], d[8], dm[8];
    const float sigma2 = 2 * ck_kqw_sum_squares(x) / (float)CK_QK_K;
    for (int g = 0; g < 8; ++g) {
        sums[g] = ck_kqw_block_weights(x + 32 * g, importance + 32 * g, sigma2, 32, weights);
        scales[g] = ck_kqw_affine_scale(32, nmax, x + 32 * g, weights, codes + 32 * g, &mins[g]);
    }
    const float d_block = ck_kqw_positive_scale(8, 63, scales, sums, levels);
    const float m_block = ck_kqw_positive_scale(8, 63, mins, sums, min_levels);
    uint8_t *packed = block + 4;
    for (int g = 0; g < 8; ++g) {
        const uint8_t ls = cap ? CK_KQ_MIN(63, levels[g]) : levels[g];
        const uint8_t lm = cap ? CK_KQ_MIN(63, min_levels[g]) : min_levels[g];
        if (g < 4) {
            packed[g] = ls;
            packed[g + 4] = lm;
        } else {
            packed[g + 4] = (uint8_t)((ls & 0xF) | ((lm & 0xF) << 4));
            packed[g - 4] |= (uint8_t)((ls >> 4) << 6);
            packed[g] |= (uint8_t)((lm >> 4) << 6);
        }
    }
    ck_kq_store_half(block, d_block);
    ck_kq_store_half(block + 2, m_block);
    const float d_all = ck_kq_load_half(block), dmin_all = ck_kq_load_half(block + 2);
    for (int g = 0; g < 8; ++g) {
        uint8_t s, m;
        ck_kq_unpack_scale_min(g, packed, &s, &m);
        d[g] = d_all * (float)s;
        dm[g] = dmin_all * (float)m;
    }
    ck_kqw_requantize_affine(x, 32, 8, d, dm, nmax, codes);
}

static void ck_kqw_q4_K_block(const float *x, const float *importance, uint8_t *block) {
    uint8_t codes[CK_QK_K];
    ck_kqw_scale_min_block(x, importance, 15, 0, block, codes);
    uint8_t *qs = block + 16;
    for (int quarter = 0; quarter < 4; ++quarter) {
        for (int l = 0; l < 32; ++l) {
            qs[32 * quarter + l] = (uint8_t)(codes[64 * quarter + l] | (codes[64 * quarter + l + 32] << 4));
        }
    }
}

static void ck_kqw_q5_K_block(const float *x, const float *importance, uint8_t *block) {
    uint8_t codes[CK_QK_K];
    ck_kqw_scale_min_block(x, importance, 31, 1, block, codes);
    uint8_t *qh = block + 16, *qs = block + 48;
    memset(qh, 0, 32);
    for (int quarter = 0; quarter < 4; ++quarter) {
        for (int l = 0; l < 32; ++l) {
            const uint8_t low = codes[64 * quarter + l], high = codes[64 * quarter + l + 32];
            qh[l] |= (uint8_t)(((low >> 4) << (2 * quarter)) | ((high >> 4) << (2 * quarter + 1)));
            qs[32 * quarter + l] = (uint8_t)((low & 0xF) | ((high & 0xF) << 4));
        }
    }
}

void ck_q2_K_quantize_weighted(const float *row, long length, const float *importance, void *blocks) {
    for (long b = 0; b < length / CK_QK_K; ++b) {
        ck_kqw_q2_K_block(row + CK_QK_K * b, importance + CK_QK_K * b, (uint8_t *)blocks + CK_KQW_Q2_K_BYTES * b);
    }
}

void ck_q4_K_quantize_weighted(const float *row, long length, const float *importance, void *blocks) {
    for (long b = 0; b < length / CK_QK_K; ++b) {
        ck_kqw_q4_K_block(row + CK_QK_K * b, importance + CK_QK_K * b, (uint8_t *)blocks + CK_KQW_Q4_K_BYTES * b);
    }
}

void ck_q5_K_quantize_weighted(const float *row, long length, const float *importance, void *blocks) {
    for (long b = 0; b < length / CK_QK_K; ++b) {
        ck_kqw_q5_K_block(row + CK_QK_K * b, importance + CK_QK_K * b, (uint8_t *)blocks + CK_KQW_Q5_K_BYTES * b);
    }
}
