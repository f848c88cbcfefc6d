#include "CKernels.h"
#include "kernels_support.h"
#include <string.h>

// The portable version, also the fallback of x86-64 CPUs without AVX-512 VNNI: for blocks of
// 16 rows of B (16 KiB at k = 1024, kept in cache while every row of A passes), plain int32 dot
// products, which compilers vectorize (pmaddwd on x86-64). No partial sum can overflow for
// k <= CK_IGEMM_MAX_K.
static inline __attribute__((always_inline)) void igemm_dot_blocks(const int8_t *a, long lda, const int8_t *b, long ldb,
                                                                   int32_t *c, long ldc, long k, long m0, long m1,
                                                                   long n0, long n1) {
    for (long j0 = n0; j0 < n1; j0 += 16) {
        const long j1 = n1 - j0 < 16 ? n1 : j0 + 16;
        for (long i = m0; i < m1; i++) {
            const int8_t *x = a + i * lda;
            for (long j = j0; j < j1; j++) {
                const int8_t *w = b + j * ldb;
                int32_t sum = 0;
                for (long p = 0; p < k; p++) sum += (int32_t)x[p] * (int32_t)w[p];
                c[i * ldc + j] = sum;
            }
        }
    }
}

static void igemm_base(const int8_t *a, long lda, const int8_t *b, long ldb, int32_t *c, long ldc, long k,
                       long m0, long m1, long n0, long n1) {
    igemm_dot_blocks(a, lda, b, ldb, c, ldc, k, m0, m1, n0, n1);
}

#if CK_X86
#include <immintrin.h>

#define CK_AVX512VNNI __attribute__((target("avx512f,avx512bw,avx512vnni")))

static __attribute__((target("avx2"))) void igemm_avx2(const int8_t *a, long lda, const int8_t *b, long ldb, int32_t *c,
                                                        long ldc, long k, long m0, long m1, long n0, long n1) {
    igemm_dot_blocks(a, lda, b, ldb, c, ldc, k, m0, m1, n0, n1);
}

// AVX-512 VNNI: `vpdpbusd` adds four unsigned-by-signed byte products to each int32 lane, 64
// multiply-adds per instruction (four times a float32 FMA). A is made unsigned by adding 128:
//   Σ_p a_ip b_jp = Σ_p (a_ip + 128) b_jp - 128 Σ_p b_jp,
// and the column sums Σ_p b_jp are subtracted at the end. The biased sums can leave int32, but
// int32 additions wrap, so the result is exact modulo 2^32, hence exact, since it fits int32.
#define CK_IMR 8                 // rows of C per micro-tile
#define CK_INR 32                // columns of C per micro-tile: two zmm of 16 int32
#define CK_IGEMM_KC 512          // k steps per packed block: a B panel is 16 KiB, half of L1
#define CK_IGEMM_MC 128          // rows of A packed at a time: 64 KiB, in L2

// The micro-kernel, the only hot loop: packed A holds, per group of 4 k steps, CK_IMR x 4
// unsigned bytes (one 32-bit broadcast per row); packed B holds CK_INR x 4 signed bytes (two
// zmm loads). The tile is added to C whole when inside it, through a stack copy otherwise.
CK_AVX512VNNI static void igemm_micro_vnni(long quads, const uint8_t *restrict ap, const int8_t *restrict bp,
                                           int32_t *restrict c, long ldc, long rows, long cols, int accumulate) {
    __m512i acc[CK_IMR][2];
#pragma clang loop unroll(full)
    for (int i = 0; i < CK_IMR; i++) acc[i][0] = acc[i][1] = _mm512_setzero_si512();
    for (long q = 0; q < quads; q++) {
        const __m512i b0 = _mm512_load_si512((const void *)(bp + q * CK_INR * 4));
        const __m512i b1 = _mm512_load_si512((const void *)(bp + q * CK_INR * 4 + 64));
#pragma clang loop unroll(full)
        for (int i = 0; i < CK_IMR; i++) {
            int32_t quad;
            memcpy(&quad, ap + (q * CK_IMR + i) * 4, 4);
            const __m512i ai = _mm512_set1_epi32(quad);
            acc[i][0] = _mm512_dpbusd_epi32(acc[i][0], ai, b0);
            acc[i][1] = _mm512_dpbusd_epi32(acc[i][1], ai, b1);
        }
    }
    if (rows == CK_IMR && cols == CK_INR) {
        for (int i = 0; i < CK_IMR; i++)
            for (int v = 0; v < 2; v++) {
                int32_t *out = c + i * ldc + v * 16;
                __m512i sum = accumulate ? _mm512_add_epi32(_mm512_loadu_si512(out), acc[i][v]) : acc[i][v];
                _mm512_storeu_si512(out, sum);
            }
    } else {
        int32_t tile[CK_IMR * CK_INR];
        for (int i = 0; i < CK_IMR; i++)
            for (int v = 0; v < 2; v++) _mm512_storeu_si512(tile + i * CK_INR + v * 16, acc[i][v]);
        for (long i = 0; i < rows; i++)
            for (long j = 0; j < cols; j++)
                c[i * ldc + j] = (int32_t)((accumulate ? (uint32_t)c[i * ldc + j] : 0u) + (uint32_t)tile[i * CK_INR + j]);
    }
}

// Copies `kc` bytes of one row into groups of 4 (one group every `stride` bytes), each group
// XORed with `flip` (0x80808080 turns int8 `a` into uint8 `a + 128`), the last group padded with
// zero bytes of the row; a NULL row (past the edge of the matrix) becomes zeros.
static void pack_quads(const int8_t *row, long kc, uint32_t flip, uint8_t *out, long stride) {
    const long quads = (kc + 3) / 4;
    for (long q = 0; q < quads; q++) {
        uint32_t group = 0;
        if (row && q * 4 + 4 <= kc) {
            memcpy(&group, row + q * 4, 4);
            group ^= flip;
        } else if (row) {
            uint8_t bytes[4] = {0, 0, 0, 0};
            memcpy(bytes, row + q * 4, (size_t)(kc - q * 4));
            memcpy(&group, bytes, 4);
            group ^= flip & (0xFFFFFFFFu >> (8 * (4 - (kc - q * 4))));
        }
        memcpy(out + q * stride, &group, 4);
    }
}

// The blocked driver, as for float32 (see gemm_template.h), with k padded to a multiple of 4
// by zero bytes of B; it also sums each column of B for the bias correction.
CK_AVX512VNNI static void igemm_vnni(const int8_t *a, long lda, const int8_t *b, long ldb, int32_t *c, long ldc,
                                     long k, long m0, long m1, long n0, long n1) {
    const long bpanels = (n1 - n0 + CK_INR - 1) / CK_INR;
    const long apanels = ((m1 - m0 < CK_IGEMM_MC ? m1 - m0 : CK_IGEMM_MC) + CK_IMR - 1) / CK_IMR;
    const long kmax = (k < CK_IGEMM_KC ? k + 3 : CK_IGEMM_KC) / 4 * 4;
    int8_t *bpack = ck_alloc((size_t)(bpanels * CK_INR * kmax));
    uint8_t *apack = ck_alloc((size_t)(apanels * CK_IMR * kmax));
    uint32_t *columnSums = ck_alloc((size_t)(n1 - n0) * sizeof(uint32_t));
    for (long j = n0; j < n1; j++) {
        uint32_t sum = 0;
        for (long p = 0; p < k; p++) sum += (uint32_t)(int32_t)b[j * ldb + p];
        columnSums[j - n0] = sum;
    }
    if (k == 0)
        for (long i = m0; i < m1; i++)
            for (long j = n0; j < n1; j++) c[i * ldc + j] = 0;
    for (long p0 = 0; p0 < k; p0 += CK_IGEMM_KC) {
        const long kc = k - p0 < CK_IGEMM_KC ? k - p0 : CK_IGEMM_KC;
        const long quads = (kc + 3) / 4;
        for (long jp = 0; jp < bpanels; jp++)
            for (long j = 0; j < CK_INR; j++) {
                const long column = n0 + jp * CK_INR + j;
                pack_quads(column < n1 ? b + column * ldb + p0 : NULL, kc, 0, (uint8_t *)bpack + jp * CK_INR * quads * 4 + j * 4,
                           CK_INR * 4);
            }
        for (long i0 = m0; i0 < m1; i0 += CK_IGEMM_MC) {
            const long mc = m1 - i0 < CK_IGEMM_MC ? m1 - i0 : CK_IGEMM_MC;
            for (long ip = 0; ip * CK_IMR < mc; ip++)
                for (long i = 0; i < CK_IMR; i++) {
                    const long row = i0 + ip * CK_IMR + i;
                    pack_quads(row < i0 + mc ? a + row * lda + p0 : NULL, kc, 0x80808080u,
                               apack + ip * CK_IMR * quads * 4 + i * 4, CK_IMR * 4);
                }
            for (long jp = 0; jp < bpanels; jp++) {
                const long cols = n1 - n0 - jp * CK_INR < CK_INR ? n1 - n0 - jp * CK_INR : CK_INR;
                for (long ip = 0; ip * CK_IMR < mc; ip++) {
                    const long rows = mc - ip * CK_IMR < CK_IMR ? mc - ip * CK_IMR : CK_IMR;
                    igemm_micro_vnni(quads, apack + ip * CK_IMR * quads * 4, bpack + jp * CK_INR * quads * 4,
                                     c + (i0 + ip * CK_IMR) * ldc + n0 + jp * CK_INR, ldc, rows, cols, p0 > 0);
                }
            }
        }
    }
    for (long i = m0; i < m1; i++)
        for (long j = n0; j < n1; j++) c[i * ldc + j] = (int32_t)((uint32_t)c[i * ldc + j] - 128u * columnSums[j - n0]);
    free(columnSums);
    free(apack);
    free(bpack);
}

static int ck_has_vnni(void) {
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
           __builtin_cpu_supports("avx512vnni");
}
#endif

void ck_igemm_block(const int8_t *a, long lda, const int8_t *b, long ldb, int32_t *c, long ldc, long k,
                    long m0, long m1, long n0, long n1) {
#if CK_X86
    if (ck_has_vnni()) {
        igemm_vnni(a, lda, b, ldb, c, ldc, k, m0, m1, n0, n1);
        return;
    }
    if (__builtin_cpu_supports("avx2")) {
        igemm_avx2(a, lda, b, ldb, c, ldc, k, m0, m1, n0, n1);
        return;
    }
#endif
    igemm_base(a, lda, b, ldb, c, ldc, k, m0, m1, n0, n1);
}

const char *ck_igemm_kernel_name(void) {
#if CK_X86
    if (ck_has_vnni()) return "avx512vnni";
    if (__builtin_cpu_supports("avx2")) return "avx2";
#endif
    return "baseline";
}
