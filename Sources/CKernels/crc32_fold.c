// The one hot loop written in C: carry-less multiplication has no Swift spelling. Compiled for
// baseline x86-64 like the rest; the PCLMULQDQ code is enabled per function with a target
// attribute and only called after a run-time CPU check, so the binary runs on any x86-64,
// and on other architectures the file compiles to the "unavailable" stubs.
#include "crc32_fold.h"

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#include <immintrin.h>

int ck_crc32_fold_available(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("pclmul") && __builtin_cpu_supports("sse4.1");
}

// x^(4*128+32) and x^(4*128-32) mod P (low and high halves): folds a 128-bit lane 512 bits on.
// x^(128+32) and x^(128-32) mod P: folds 128 bits on. Bit-reflected, as in Linux's crc32-pclmul.
#define K1 0x154442bd4ULL
#define K2 0x1c6e41596ULL
#define K3 0x1751997d0ULL
#define K4 0x0ccaa009eULL

__attribute__((target("pclmul,sse4.1")))
static inline __m128i fold(__m128i x, __m128i k, __m128i next) {
    __m128i low = _mm_clmulepi64_si128(x, k, 0x00);
    __m128i high = _mm_clmulepi64_si128(x, k, 0x11);
    return _mm_xor_si128(_mm_xor_si128(low, high), next);
}

__attribute__((target("pclmul,sse4.1")))
void ck_crc32_fold(uint32_t reg, const uint8_t *buf, size_t len, uint8_t out[16]) {
    __m128i x1 = _mm_xor_si128(_mm_loadu_si128((const __m128i *)buf), _mm_cvtsi32_si128((int)reg));
    __m128i x2 = _mm_loadu_si128((const __m128i *)(buf + 16));
    __m128i x3 = _mm_loadu_si128((const __m128i *)(buf + 32));
    __m128i x4 = _mm_loadu_si128((const __m128i *)(buf + 48));
    buf += 64;
    len -= 64;
    const __m128i k12 = _mm_set_epi64x((long long)K2, (long long)K1);
    while (len >= 64) {
        x1 = fold(x1, k12, _mm_loadu_si128((const __m128i *)buf));
        x2 = fold(x2, k12, _mm_loadu_si128((const __m128i *)(buf + 16)));
        x3 = fold(x3, k12, _mm_loadu_si128((const __m128i *)(buf + 32)));
        x4 = fold(x4, k12, _mm_loadu_si128((const __m128i *)(buf + 48)));
        buf += 64;
        len -= 64;
    }
    const __m128i k34 = _mm_set_epi64x((long long)K4, (long long)K3);
    x1 = fold(x1, k34, x2);
    x1 = fold(x1, k34, x3);
    x1 = fold(x1, k34, x4);
    while (len >= 16) {
        x1 = fold(x1, k34, _mm_loadu_si128((const __m128i *)buf));
        buf += 16;
        len -= 16;
    }
    _mm_storeu_si128((__m128i *)out, x1);
}

#else

int ck_crc32_fold_available(void) { return 0; }

void ck_crc32_fold(uint32_t reg, const uint8_t *buf, size_t len, uint8_t out[16]) {
    (void)reg; (void)buf; (void)len; (void)out;
}

#endif
