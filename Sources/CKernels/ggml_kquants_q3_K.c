// q3_K: 256 values as sixteen groups of 16 with 3-bit codes, x ≈ d · (s - 32) · (q - 4).
// Block: hmask[32] (bit k of byte l: the third bit of code 32k + l), qs[64] (the low two bits,
// as ck_kq_pack_2bit lays them out), scales[12] (sixteen 6-bit scales: low nibbles of groups
// 0-7 and 8-15 in the low and high nibbles of bytes 0-7, top two bits of group g in bits
// 2 · (g / 4) of byte 8 + g % 4), d (half).
#include <math.h>

#include "ggml_kquants_support.h"

#pragma clang fp contract(off)

enum { CK_Q3_K_BYTES = 110 };

// The 6-bit level of group g (0 ..< 64, the signed scale plus 32) into the packed scales.
static void ck_q3_K_pack_scale(int g, int level, uint8_t *packed) {
    if (g < 8) {
        packed[g] = (uint8_t)(level & 0xF);
    } else {
        packed[g - 8] |= (uint8_t)((level & 0xF) << 4);
    }
    packed[g % 4 + 8] |= (uint8_t)((level >> 4) << (2 * (g / 4)));
}

// The signed scale of group g (-32 ..< 32) from the packed scales.
static int ck_q3_K_unpack_scale(int g, const uint8_t *packed) {
    const int low = g < 8 ? packed[g] & 0xF : packed[g - 8] >> 4;
    return (low | (((packed[8 + g % 4] >> (2 * (g / 4))) & 3) << 4)) - 32;
}

void ck_kq_q3_groups_plain(const float *x, float *scales, int8_t *codes) {
    for (int g = 0; g < 16; ++g) scales[g] = ck_kq_signed_refined_scale(16, 4, x + 16 * g, codes + 16 * g);
}

// Each group's scale by `search` (codes at `codes`), quantized to 6 bits against
// d = -max_scale / 32 (max_scale: the scale of largest magnitude); writes scales and d.
static void ck_q3_K_scales(const float *x, ck_kq_q3_groups search, int8_t *codes, uint8_t *block) {
    float scales[16];
    float max_scale = 0, amax = 0;
    search(x, scales, codes);
    for (int g = 0; g < 16; ++g) {
        const float scale = fabsf(scales[g]);
        if (scale > amax) {
            amax = scale;
            max_scale = scales[g];
        }
    }
    uint8_t *packed = block + 96;
    memset(packed, 0, 12);
    if (max_scale == 0) {
        ck_kq_store_half(block + 108, 0.f);
        return;
    }
    const float iscale = -32.f / max_scale;
    for (int g = 0; g < 16; ++g) {
        const int8_t l = (int8_t)ck_kq_nearest_int(iscale * scales[g]);
        ck_q3_K_pack_scale(g, CK_KQ_MAX(-32, CK_KQ_MIN(31, l)) + 32, packed);
    }
    ck_kq_store_half(block + 108, 1 / iscale);
}

// The codes (0 ..< 8) into hmask and qs.
static void ck_q3_K_pack(int8_t *codes, uint8_t *block) {
    uint8_t *hmask = block;
    memset(hmask, 0, 32);
    for (int i = 0; i < CK_QK_K; ++i) {
        if (codes[i] > 3) {
            hmask[i % 32] |= (uint8_t)(1 << (i / 32));
            codes[i] -= 4;
        }
    }
    ck_kq_pack_2bit((const uint8_t *)codes, block + 32);
}

static void ck_q3_K_quantize_block(const float *x, ck_kq_q3_groups search, uint8_t *block) {
    int8_t codes[CK_QK_K];
    ck_q3_K_scales(x, search, codes, block);
    const float d_all = ck_kq_load_half(block + 108);
    for (int g = 0; g < 16; ++g) {
        const float d = d_all * (float)ck_q3_K_unpack_scale(g, block + 96);
        if (d == 0) continue;
        for (int i = 0; i < 16; ++i) {
            int l = ck_kq_nearest_int(x[16 * g + i] / d);
            codes[16 * g + i] = (int8_t)(CK_KQ_MAX(-4, CK_KQ_MIN(3, l)) + 4);
        }
    }
    ck_q3_K_pack(codes, block);
}

void ck_q3_K_quantize(const float *values, long block_count, void *blocks) {
    const ck_kq_q3_groups search = ck_kq_q3_groups_lanes();
    for (long b = 0; b < block_count; ++b) {
        ck_q3_K_quantize_block(values + CK_QK_K * b, search, (uint8_t *)blocks + CK_Q3_K_BYTES * b);
    }
}

void ck_q3_K_quantize_plain(const float *values, long block_count, void *blocks) {
    for (long b = 0; b < block_count; ++b) {
        ck_q3_K_quantize_block(values + CK_QK_K * b, ck_kq_q3_groups_plain, (uint8_t *)blocks + CK_Q3_K_BYTES * b);
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
