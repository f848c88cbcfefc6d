#include "CKernels.h"
#include "kernels_support.h"

// k steps per packed block: a 64-column B panel of 128 floats is 32 KiB, in L1. The block also
// fixes the order of the sums (see CKernels.h), so it stays 128 whatever the tile.
#define CK_GEMM_KC 128
// Rows of A packed at a time: 120 x 128 floats, 60 KiB, in L2; 120 is a multiple of every MR.
#define CK_GEMM_MC 120
#define CK_REAL float
#define CK_GEMM sgemm

#if CK_X86
// AVX-512: 6 x 64 tile, 24 of the 32 zmm registers accumulate. Four loads of B per row of
// broadcasts keep fewer loads per FMA than the 8 x 32 tile this replaced, which ran about 20%
// slower on GPTQ's 4096 x 4096 x 128 updates (one Ice Lake core); the sums are the same.
#define CK_SUFFIX avx512
#define CK_TARGET __attribute__((target("avx512f,fma")))
#define CK_LANES 16
#define CK_MR 6
#define CK_NV 4
#include "gemm_template.h"
#undef CK_SUFFIX
#undef CK_TARGET
#undef CK_LANES
#undef CK_MR
#undef CK_NV

// AVX2: 6 x 16 tile, 12 of the 16 ymm registers accumulate.
#define CK_SUFFIX avx2
#define CK_TARGET __attribute__((target("avx2,fma")))
#define CK_LANES 8
#define CK_MR 6
#define CK_NV 2
#include "gemm_template.h"
#undef CK_SUFFIX
#undef CK_TARGET
#undef CK_LANES
#undef CK_MR
#undef CK_NV
#endif

// Baseline (SSE2 on x86-64, NEON on arm64): 4 x 8 tile of 4-float vectors.
#define CK_SUFFIX base
#define CK_TARGET
#define CK_LANES 4
#define CK_MR 4
#define CK_NV 2
#include "gemm_template.h"

static void sgemm(const float *a, long lda, const float *b, long ldb, const float *bias, float *c, long ldc, long k,
                  long m0, long m1, long n0, long n1, ck_gemm_mode mode) {
#if CK_X86
    if (__builtin_cpu_supports("avx512f")) {
        sgemm_driver_avx512(a, lda, b, ldb, bias, c, ldc, k, m0, m1, n0, n1, mode);
        return;
    }
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
        sgemm_driver_avx2(a, lda, b, ldb, bias, c, ldc, k, m0, m1, n0, n1, mode);
        return;
    }
#endif
    sgemm_driver_base(a, lda, b, ldb, bias, c, ldc, k, m0, m1, n0, n1, mode);
}

void ck_sgemm_block(const float *a, long lda, const float *b, long ldb, const float *bias,
                    float *c, long ldc, long k, long m0, long m1, long n0, long n1) {
    sgemm(a, lda, b, ldb, bias, c, ldc, k, m0, m1, n0, n1, CK_GEMM_STORE);
}

void ck_sgemm_update_block(const float *a, long lda, const float *b, long ldb, float *c, long ldc, long k,
                           long m0, long m1, long n0, long n1, ck_gemm_mode mode) {
    sgemm(a, lda, b, ldb, 0, c, ldc, k, m0, m1, n0, n1, mode);
}

const char *ck_sgemm_kernel_name(void) {
#if CK_X86
    if (__builtin_cpu_supports("avx512f")) return "avx512f";
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return "avx2";
#endif
    return "baseline";
}
