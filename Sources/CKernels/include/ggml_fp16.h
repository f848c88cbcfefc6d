#ifndef QUANTIZE_GGML_FP16_H
#define QUANTIZE_GGML_FP16_H

#include <stdint.h>
#include <string.h>

/// IEEE binary16 ("half", ggml's `ggml_fp16_t`) to and from float32, bit by bit, so that the
/// result is the same on every CPU and compiler (ggml's block scales are stored this way).

/// The half nearest `value`, ties to even: finite values of magnitude 65520 or more become
/// infinity, values of magnitude 2^-25 or less become zero (sign kept), and a NaN becomes the
/// quiet NaN 0x7E00 with its sign, which is what ggml's `GGML_FP32_TO_FP16` gives for every
/// float32 input.
static inline uint16_t ck_fp16_from_float(float value) {
    uint32_t bits;
    memcpy(&bits, &value, sizeof bits);
    const uint16_t sign = (uint16_t)((bits >> 16) & 0x8000u);
    const uint32_t magnitude = bits & 0x7FFFFFFFu;
    if (magnitude > 0x7F800000u) return sign | 0x7E00u;
    if (magnitude >= 0x477FF000u) return sign | 0x7C00u;
    if (magnitude < 0x38800000u) {
        // Below 2^-14 the half is a multiple of 2^-24: |value| · 2^24 is exact, and adding
        // 2^23 rounds it to an integer (at most 1024, the smallest normal's bits) to even.
        float units = __builtin_fabsf(value) * 0x1p24f;
        float rounded = units + 0x1p23f;
        uint32_t rounded_bits;
        memcpy(&rounded_bits, &rounded, sizeof rounded_bits);
        return sign | (uint16_t)(rounded_bits & 0x7FFu);
    }
    // Normal: drop 13 mantissa bits, to even; a carry moves into the exponent, as it should.
    const uint32_t rounded = magnitude + 0xFFFu + ((magnitude >> 13) & 1u);
    return sign | (uint16_t)((rounded >> 13) - (112u << 10));
}

/// The float32 value of the half `bits`, exactly (every half is a float32).
static inline float ck_fp16_to_float(uint16_t bits) {
    const uint32_t sign = (uint32_t)(bits & 0x8000u) << 16;
    const uint32_t exponent = (bits >> 10) & 0x1Fu;
    const uint32_t mantissa = bits & 0x3FFu;
    uint32_t result;
    if (exponent == 0) {
        float subnormal = (float)mantissa * 0x1p-24f;
        memcpy(&result, &subnormal, sizeof result);
        result |= sign;
    } else if (exponent == 0x1F) {
        result = sign | 0x7F800000u | (mantissa << 13);
    } else {
        result = sign | ((exponent + 112u) << 23) | (mantissa << 13);
    }
    float value;
    memcpy(&value, &result, sizeof value);
    return value;
}

#endif
