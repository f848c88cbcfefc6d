// ggml's FP4 block types, MXFP4 and NVFP4 (see ggml_fp4_kernels.h): scalar, as ggml's reference
// quantizers are; the nibble search is 16 comparisons per element.
#include <math.h>
#include <string.h>

#include "CKernels.h"

static const int8_t ck_fp4_doubled[16] = {0, 1, 2, 3, 4, 6, 8, 12, 0, -1, -2, -3, -4, -6, -8, -12};

static inline float ck_load_f32(const unsigned char *bytes) {
    float value;
    memcpy(&value, bytes, sizeof value);
    return value;
}

static inline void ck_store_f32(unsigned char *bytes, float value) {
    memcpy(bytes, &value, sizeof value);
}

static inline float ck_bits_to_f32(uint32_t bits) {
    float value;
    memcpy(&value, &bits, sizeof value);
    return value;
}

// The first index of the least |k[i] · d - x| (ggml's `best_index_mxfp4`).
static inline uint8_t ck_fp4_nearest(float x, float d) {
    int best = 0;
    float best_error = fabsf(ck_fp4_doubled[0] * d - x);
    for (int i = 1; i < 16; i++) {
        float error = fabsf(ck_fp4_doubled[i] * d - x);
        if (error < best_error) {
            best = i;
            best_error = error;
        }
    }
    return (uint8_t)best;
}

// `2n` values at `x` as nibbles with scale `d`: the first `n` in the low nibbles of `qs`.
static void ck_fp4_group(const unsigned char *x, int n, float d, unsigned char *qs) {
    for (int j = 0; j < n; j++) {
        uint8_t low = ck_fp4_nearest(ck_load_f32(x + 4 * j), d);
        uint8_t high = ck_fp4_nearest(ck_load_f32(x + 4 * (j + n)), d);
        qs[j] = (unsigned char)(low | high << 4);
    }
}

static float ck_fp4_amax(const unsigned char *x, int count) {
    float amax = 0.0f;
    for (int j = 0; j < count; j++) {
        float magnitude = fabsf(ck_load_f32(x + 4 * j));
        if (amax < magnitude) amax = magnitude;
    }
    return amax;
}

// `ggml_e8m0_to_fp32_half`: 2^(e - 128).
static inline float ck_e8m0_half(uint8_t e) {
    return ck_bits_to_f32(e < 2 ? 0x00200000u << e : (uint32_t)(e - 1) << 23);
}

void ck_ggml_mxfp4_quantize(const void *values, long blocks, void *out) {
    const unsigned char *x = values;
    unsigned char *y = out;
    for (long i = 0; i < blocks; i++, x += 4 * 32, y += 17) {
        float amax = ck_fp4_amax(x, 32);
        // The int32 truncation, then its low byte: cvttss2si's result for the exponents below 0.
        uint8_t e = amax > 0.0f ? (uint8_t)(int32_t)(floorf(log2f(amax)) - 2 + 127) : 0;
        y[0] = e;
        ck_fp4_group(x, 16, ck_e8m0_half(e), y + 1);
    }
}

// `ggml_ue4m3_to_fp32`, halved: the E4M3 value of `x` times 0.5.
static inline float ck_ue4m3_half(uint8_t x) {
    if (x == 0 || x == 0x7F) return 0.0f;
    int exponent = (x >> 3) & 0xF, mantissa = x & 0x7;
    float raw = exponent == 0 ? ldexpf((float)mantissa, -9) : ldexpf(1.0f + (float)mantissa / 8.0f, exponent - 7);
    return raw * 0.5f;
}

// `ggml_fp32_to_ue4m3`.
static uint8_t ck_ue4m3(float x) {
    if (!(x > 0.0f)) return 0;
    if (x > 448.0f) x = 448.0f;
    uint32_t bits;
    memcpy(&bits, &x, sizeof bits);
    int exponent = (int)((bits >> 23) & 0xFF) - 127 + 7;
    if (exponent <= 0) {
        int mantissa = (int)(x * 512.0f + 0.5f);
        if (mantissa > 7) mantissa = 7;
        return mantissa < 1 ? 0 : (uint8_t)mantissa;
    }
    if (exponent >= 15) return 0x7E;
    int mantissa = (int)((bits >> 20) & 0x7) + (int)((bits >> 19) & 1);
    if (mantissa > 7) {
        mantissa = 0;
        if (++exponent >= 15) return 0x7E;
    }
    return (uint8_t)(exponent << 3 | mantissa);
}

void ck_ggml_nvfp4_quantize(const void *values, long blocks, void *out) {
    const unsigned char *x = values;
    unsigned char *y = out;
    for (long i = 0; i < blocks; i++, y += 36) {
        for (int s = 0; s < 4; s++, x += 4 * 16) {
            uint8_t scale = ck_ue4m3(ck_fp4_amax(x, 16) / 6.0f);
            y[s] = scale;
            ck_fp4_group(x, 8, ck_ue4m3_half(scale), y + 4 + 8 * s);
        }
    }
}

// `2n` values from the nibbles of `qs` with scale `d`.
static void ck_fp4_widen(const unsigned char *qs, int n, float d, unsigned char *y) {
    for (int j = 0; j < n; j++) {
        ck_store_f32(y + 4 * j, ck_fp4_doubled[qs[j] & 0x0F] * d);
        ck_store_f32(y + 4 * (j + n), ck_fp4_doubled[qs[j] >> 4] * d);
    }
}

void ck_ggml_mxfp4_dequantize(const void *blocks_in, long blocks, void *values) {
    const unsigned char *x = blocks_in;
    unsigned char *y = values;
    for (long i = 0; i < blocks; i++, x += 17, y += 4 * 32) {
        ck_fp4_widen(x + 1, 16, ck_e8m0_half(x[0]), y);
    }
}

void ck_ggml_nvfp4_dequantize(const void *blocks_in, long blocks, void *values) {
    const unsigned char *x = blocks_in;
    unsigned char *y = values;
    for (long i = 0; i < blocks; i++, x += 36) {
        for (int s = 0; s < 4; s++, y += 4 * 16) {
            ck_fp4_widen(x + 4 + 8 * s, 8, ck_ue4m3_half(x[s]), y);
        }
    }
}
