// Shared by the ggml legacy block kernels (ggml_legacy*.c); not a public header.
#ifndef CK_GGML_LEGACY_SUPPORT_H
#define CK_GGML_LEGACY_SUPPORT_H

#include <stdint.h>

#include "ggml_fp16.h"

#define CK_GGML_BLOCK 32

// Float32 element i of `values` (any alignment).
static inline float ck_load_f32(const unsigned char *values, long i) {
    float x;
    __builtin_memcpy(&x, values + 4 * i, sizeof x);
    return x;
}

// `value` as binary16, little-endian, at `out`.
static inline void ck_store_fp16(unsigned char *out, float value) {
    uint16_t bits = ck_fp16_from_fp32(value);
    out[0] = (uint8_t)bits;
    out[1] = (uint8_t)(bits >> 8);
}

static inline float ck_load_fp16(const unsigned char *in) {
    return ck_fp32_from_fp16((uint16_t)(in[0] | in[1] << 8));
}

static inline void ck_store_u32(unsigned char *out, uint32_t value) {
    for (int k = 0; k < 4; k++) out[k] = (uint8_t)(value >> (8 * k));
}

static inline uint32_t ck_load_u32(const unsigned char *in) {
    return (uint32_t)in[0] | (uint32_t)in[1] << 8 | (uint32_t)in[2] << 16 | (uint32_t)in[3] << 24;
}

// A float truncated toward zero to int32 as x86's cvttss2si does (which is what ggml's casts
// compile to): NaN and values outside [-2^31, 2^31) become INT32_MIN. Defined for every input,
// unlike a C cast.
static inline int32_t ck_truncate_x86(float x) {
    return (x >= -0x1p31f && x < 0x1p31f) ? (int32_t)x : INT32_MIN;
}

// The low byte of that truncation as a signed byte: ggml's `(int8_t)(x)`.
static inline int ck_truncate_int8(float x) {
    return (int8_t)(uint8_t)ck_truncate_x86(x);
}

// 4-bit codes packed as ggml packs them, without masking: `qs[j] = code[j] | code[j + 16] << 4`
// (codes are in [0, 15] whenever x86's truncation is in range).
static inline void ck_pack_q4(const uint8_t codes[CK_GGML_BLOCK], unsigned char *qs) {
    for (int j = 0; j < CK_GGML_BLOCK / 2; j++) qs[j] = (uint8_t)(codes[j] | codes[j + 16] << 4);
}

// 5-bit codes packed as ggml packs them: code j's low nibble in `qs[j]` (j < 16) or
// the high nibble of `qs[j - 16]`, its bit 4 at bit j of `*high_bits`.
static inline void ck_pack_q5(const uint8_t codes[CK_GGML_BLOCK], unsigned char *qs, uint32_t *high_bits) {
    uint32_t qh = 0;
    for (int j = 0; j < CK_GGML_BLOCK / 2; j++) {
        qs[j] = (uint8_t)((codes[j] & 0x0F) | (codes[j + 16] & 0x0F) << 4);
        qh |= (uint32_t)((codes[j] & 0x10u) >> 4) << j;
        qh |= (uint32_t)((codes[j + 16] & 0x10u) >> 4) << (j + 16);
    }
    *high_bits = qh;
}

#endif
