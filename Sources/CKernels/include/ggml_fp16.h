#ifndef QUANTIZE_GGML_FP16_H
#define QUANTIZE_GGML_FP16_H

#include <stdint.h>

/// IEEE binary16 conversions as ggml stores its block scales (`ggml_half`), shared by every
/// ggml block type.
///
/// The llama.cpp this tool matches compiles its quantizers for baseline x86-64 (no F16C), so
/// its `GGML_FP32_TO_FP16` is a software conversion; for every non-NaN float it equals IEEE
/// round-to-nearest-even, which is what these compute: magnitudes from 65520 (halfway between
/// 65504 and 2^16) up become infinity, those below 2^-14 become subnormal halves (multiples of
/// 2^-24, again to nearest even, so below 2^-25 they become ±0). NaN becomes `sign | 0x7E00`,
/// as ggml's software path makes it. The tests compare every fp16 boundary with Swift's
/// `Float16(_:)`.

/// The binary16 bits nearest `value` (ties to even), sign kept.
static inline uint16_t ck_fp16_from_fp32(float value) {
    uint32_t bits;
    __builtin_memcpy(&bits, &value, sizeof bits);
    const uint16_t sign = (uint16_t)((bits >> 16) & 0x8000u);
    const uint32_t magnitude = bits & 0x7FFFFFFFu;
    if (magnitude > 0x7F800000u) return sign | 0x7E00u;   // NaN
    if (magnitude >= 0x477FF000u) return sign | 0x7C00u;  // >= 65520: infinity
    if (magnitude < 0x38800000u) {                        // < 2^-14: a multiple of 2^-24
        float units = __builtin_fabsf(value) * 0x1p24f;   // exact: a power-of-two scaling up
        // Adding and subtracting 2^23 rounds a value below 2^23 to an integer, ties to even.
        units = (units + 0x1p23f) - 0x1p23f;
        return sign | (uint16_t)units;                    // 1024 is the smallest normal, 0x0400
    }
    // Normal: 13 mantissa bits dropped to nearest even (a carry may bump the exponent), the
    // exponent rebiased from 127 to 15.
    const uint32_t rounded = magnitude + 0x0FFFu + ((magnitude >> 13) & 1u);
    return sign | (uint16_t)((rounded - 0x38000000u) >> 13);
}

/// The float32 value of binary16 `bits` (exact; NaN stays NaN).
static inline float ck_fp32_from_fp16(uint16_t bits) {
    _Float16 half;
    __builtin_memcpy(&half, &bits, sizeof half);
    return (float)half;
}

#endif
