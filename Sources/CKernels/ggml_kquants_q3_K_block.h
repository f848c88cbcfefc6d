// q3_K's block layout and the steps that follow the search of its groups' scales, shared by
// the plain quantizer (ggml_kquants_q3_K.c) and the lanes one (ggml_kquants_q3_K_lanes.c),
// whose copy, inlined into each instruction set's function, is vectorized for that set. Not a
// public header.
//
// q3_K: 256 values as sixteen groups of 16 with 3-bit codes, x ≈ d · (s - 32) · (q - 4).
// Block: hmask[32] (bit k of byte l: the third bit of code 32k + l), qs[64] (the low two bits,
// as ck_kq_pack_2bit lays them out), scales[12] (sixteen 6-bit scales: low nibbles of groups
// 0-7 and 8-15 in the low and high nibbles of bytes 0-7, top two bits of group g in bits
// 2 · (g / 4) of byte 8 + g % 4), d (half).
#ifndef CK_GGML_KQUANTS_Q3_K_BLOCK_H
#define CK_GGML_KQUANTS_Q3_K_BLOCK_H

#include <math.h>

#include "ggml_kquants_support.h"

#pragma clang fp contract(off)

enum { CK_Q3_K_BYTES = 110 };

// Inlined even into the lanes quantizer's per-instruction-set functions, where it is vectorized.
#define CK_Q3_K_INLINE static inline __attribute__((always_inline))

// The 6-bit level of group g (0 ..< 64, the signed scale plus 32) into the packed scales.
CK_Q3_K_INLINE void ck_q3_K_pack_scale(int g, int level, uint8_t *packed) {
    if (g < 8) {
        packed[g] = (uint8_t)(level & 0xF);
    } else {
        packed[g - 8] |= (uint8_t)((level & 0xF) << 4);
    }
    packed[g % 4 + 8] |= (uint8_t)((level >> 4) << (2 * (g / 4)));
}

// The signed scale of group g (-32 ..< 32) from the packed scales.
CK_Q3_K_INLINE int ck_q3_K_unpack_scale(int g, const uint8_t *packed) {
    const int low = g < 8 ? packed[g] & 0xF : packed[g - 8] >> 4;
    return (low | (((packed[8 + g % 4] >> (2 * (g / 4))) & 3) << 4)) - 32;
}

// The groups' scales (codes + 4 at `codes`, from the search) quantized to 6 bits against
// d = -max_scale / 32 (max_scale: the scale of largest magnitude); writes scales and d.
CK_Q3_K_INLINE void ck_q3_K_scales(const float *scales, uint8_t *block) {
    float max_scale = 0, amax = 0;
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

// The codes (0 ..< 8) into hmask (their third bits) and qs (their low two bits).
CK_Q3_K_INLINE void ck_q3_K_pack(int8_t *codes, uint8_t *block) {
    uint8_t *hmask = block;
    memset(hmask, 0, 32);
    for (int k = 0; k < 8; ++k) {
        for (int l = 0; l < 32; ++l) {
            const uint8_t code = (uint8_t)codes[32 * k + l];
            hmask[l] |= (uint8_t)((code >> 2) << k);
            codes[32 * k + l] = (int8_t)(code & 3);
        }
    }
    ck_kq_pack_2bit((const uint8_t *)codes, block + 32);
}

// Every code of the block recomputed from its group's stored scale (ck_q3_K_scales wrote
// them), as round(x / d) in [-4, 3], plus 4, into codes; returns the groups whose d is 0 as bits
// (1 << g): their codes are left as they are, for the caller to give the search's.
CK_Q3_K_INLINE int ck_q3_K_codes_from_scales(const float *x, const uint8_t *block, int8_t *codes) {
    const float d_all = ck_kq_load_half(block + 108);
    int kept = 0;
    for (int g = 0; g < 16; ++g) {
        const float d = d_all * (float)ck_q3_K_unpack_scale(g, block + 96);
        if (d == 0) {
            kept |= 1 << g;
            continue;
        }
        for (int i = 0; i < 16; ++i) {
            int l = ck_kq_nearest_int(x[16 * g + i] / d);
            codes[16 * g + i] = (int8_t)(CK_KQ_MAX(-4, CK_KQ_MIN(3, l)) + 4);
        }
    }
    return kept;
}

#endif
