// The one hot loop written in C: carry-less multiplication has no Swift spelling. Compiled for
// baseline x86-64 like the rest; the PCLMULQDQ code is enabled per function with a target
// attribute and only called after a run-time CPU check, so the binary runs on any x86-64,
// and on other architectures the file compiles to the "unavailable" stubs.
#include "crc32_fold.h"

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#include <immintrin.h>
#include <stdatomic.h>

int ck_crc32_fold_available(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("pclmul") && __builtin_cpu_supports("sse4.1");
}

// Whether the 512-bit carry-less multiply (VPCLMULQDQ with AVX-512F) is there too.
// Asked once: -1 until then. Threads checksumming pieces of one member may ask at the same
// time and store the same answer, so relaxed atomics suffice (a plain int is a data race, which
// Thread Sanitizer reports).
static int wide_fold_available(void) {
    static _Atomic int answer = -1;
    int known = atomic_load_explicit(&answer, memory_order_relaxed);
    if (known < 0) {
        __builtin_cpu_init();
        known = __builtin_cpu_supports("vpclmulqdq") && __builtin_cpu_supports("avx512f");
        atomic_store_explicit(&answer, known, memory_order_relaxed);
    }
    return known;
}

// x^(4*128+32) and x^(4*128-32) mod P (low and high halves): folds a 128-bit lane 512 bits on.
// x^(128+32) and x^(128-32) mod P: folds 128 bits on. Bit-reflected, as in Linux's crc32-pclmul.
#define K1 0x154442bd4ULL
#define K2 0x1c6e41596ULL
#define K3 0x1751997d0ULL
#define K4 0x0ccaa009eULL
// x^(16*128+32) and x^(16*128-32) mod P: folds a 128-bit lane 2048 bits on (four 512-bit
// registers, 256 bytes a step).
#define K5 0x11542778aULL
#define K6 0x1322d1430ULL

__attribute__((target("pclmul,sse4.1")))
static inline __m128i fold(__m128i x, __m128i k, __m128i next) {
    __m128i low = _mm_clmulepi64_si128(x, k, 0x00);
    __m128i high = _mm_clmulepi64_si128(x, k, 0x11);
    return _mm_xor_si128(_mm_xor_si128(low, high), next);
}

__attribute__((target("vpclmulqdq,avx512f")))
static inline __m512i fold_wide(__m512i x, __m512i k, __m512i next) {
    __m512i low = _mm512_clmulepi64_epi128(x, k, 0x00);
    __m512i high = _mm512_clmulepi64_epi128(x, k, 0x11);
    return _mm512_ternarylogic_epi32(low, high, next, 0x96);  // low ^ high ^ next
}

// The same folding, sixteen 128-bit lanes at a time: four 512-bit registers fold 2048 bits on
// per step while at least 256 more bytes remain, then fold into one register, whose four
// lanes are exactly the four lanes of the 128-bit loop at that point.
__attribute__((target("vpclmulqdq,avx512f")))
static void fold_wide_head(uint32_t reg, const uint8_t **buf, size_t *len, __m128i lanes[4]) {
    const uint8_t *p = *buf;
    size_t n = *len;
    __m512i z1 = _mm512_xor_si512(_mm512_loadu_si512(p), _mm512_zextsi128_si512(_mm_cvtsi32_si128((int)reg)));
    __m512i z2 = _mm512_loadu_si512(p + 64);
    __m512i z3 = _mm512_loadu_si512(p + 128);
    __m512i z4 = _mm512_loadu_si512(p + 192);
    p += 256;
    n -= 256;
    const __m512i k56 = _mm512_broadcast_i32x4(_mm_set_epi64x((long long)K6, (long long)K5));
    while (n >= 256) {
        z1 = fold_wide(z1, k56, _mm512_loadu_si512(p));
        z2 = fold_wide(z2, k56, _mm512_loadu_si512(p + 64));
        z3 = fold_wide(z3, k56, _mm512_loadu_si512(p + 128));
        z4 = fold_wide(z4, k56, _mm512_loadu_si512(p + 192));
        p += 256;
        n -= 256;
    }
    const __m512i k12 = _mm512_broadcast_i32x4(_mm_set_epi64x((long long)K2, (long long)K1));
    z1 = fold_wide(z1, k12, z2);
    z1 = fold_wide(z1, k12, z3);
    z1 = fold_wide(z1, k12, z4);
    lanes[0] = _mm512_extracti32x4_epi32(z1, 0);
    lanes[1] = _mm512_extracti32x4_epi32(z1, 1);
    lanes[2] = _mm512_extracti32x4_epi32(z1, 2);
    lanes[3] = _mm512_extracti32x4_epi32(z1, 3);
    *buf = p;
    *len = n;
}

__attribute__((target("pclmul,sse4.1")))
void ck_crc32_fold(uint32_t reg, const uint8_t *buf, size_t len, uint8_t out[16]) {
    __m128i x1, x2, x3, x4;
    if (len >= 512 && wide_fold_available()) {
        __m128i lanes[4];
        fold_wide_head(reg, &buf, &len, lanes);
        x1 = lanes[0];
        x2 = lanes[1];
        x3 = lanes[2];
        x4 = lanes[3];
    } else {
        x1 = _mm_xor_si128(_mm_loadu_si128((const __m128i *)buf), _mm_cvtsi32_si128((int)reg));
        x2 = _mm_loadu_si128((const __m128i *)(buf + 16));
        x3 = _mm_loadu_si128((const __m128i *)(buf + 32));
        x4 = _mm_loadu_si128((const __m128i *)(buf + 48));
        buf += 64;
        len -= 64;
    }
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
