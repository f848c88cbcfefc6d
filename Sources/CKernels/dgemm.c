#include "CKernels.h"
#include "kernels_support.h"

// The float64 GEMM behind GPTQ's Hessian and its factorizations: the float32 kernel's template
// (gemm_template.h) with doubles, half as many lanes per register. k steps per packed block: 256,
// so that C is read and written half as often as with 128 (a 32-column B panel is 64 KiB, in
// L2); rows of A packed at a time: 120 x 256 doubles, 240 KiB, in L2.
#define CK_GEMM_KC 256
#define CK_GEMM_MC 120
#define CK_REAL double
#define CK_GEMM dgemm

#if CK_X86
// AVX-512: 6 x 32 tile, 24 of the 32 zmm registers accumulate (about 1.5 times the 8 x 16
// tile's speed on one Ice Lake core, which has one 512-bit FMA unit).
#define CK_SUFFIX avx512
#define CK_TARGET __attribute__((target("avx512f,fma")))
#define CK_LANES 8
#define CK_MR 6
#define CK_NV 4
#include "gemm_template.h"
#undef CK_SUFFIX
#undef CK_TARGET
#undef CK_LANES
#undef CK_MR
#undef CK_NV

// AVX2: 6 x 8 tile, 12 of the 16 ymm registers accumulate.
#define CK_SUFFIX avx2
#define CK_TARGET __attribute__((target("avx2,fma")))
#define CK_LANES 4
#define CK_MR 6
#define CK_NV 2
#include "gemm_template.h"
#undef CK_SUFFIX
#undef CK_TARGET
#undef CK_LANES
#undef CK_MR
#undef CK_NV
#endif

// Baseline (SSE2 on x86-64, NEON on arm64): 4 x 4 tile of 2-double vectors.
#define CK_SUFFIX base
#define CK_TARGET
#define CK_LANES 2
#define CK_MR 4
#define CK_NV 2
#include "gemm_template.h"

void ck_dgemm_block(const double *a, long lda, const double *b, long ldb, double *c, long ldc, long k,
                    long m0, long m1, long n0, long n1, ck_gemm_mode mode) {
#if CK_X86
    if (__builtin_cpu_supports("avx512f")) {
        dgemm_driver_avx512(a, lda, b, ldb, 0, c, ldc, k, m0, m1, n0, n1, mode);
        return;
    }
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
        dgemm_driver_avx2(a, lda, b, ldb, 0, c, ldc, k, m0, m1, n0, n1, mode);
        return;
    }
#endif
    dgemm_driver_base(a, lda, b, ldb, 0, c, ldc, k, m0, m1, n0, n1, mode);
}
