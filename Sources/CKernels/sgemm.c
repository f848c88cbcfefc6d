#include "CKernels.h"
#include "kernels_support.h"

// k steps per packed block: a 32-column B panel of 128 floats is 16 KiB, half of L1.
#define CK_SGEMM_KC 128
// Rows of A packed at a time: 128 x 128 floats, 64 KiB, in L2.
#define CK_SGEMM_MC 128

#if CK_X86
// AVX-512: 8 x 32 tile, 16 of the 32 zmm registers accumulate.
#define CK_SUFFIX avx512
#define CK_TARGET __attribute__((target("avx512f,fma")))
#define CK_LANES 16
#define CK_MR 8
#define CK_NV 2
#include "sgemm_template.h"
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
#include "sgemm_template.h"
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
#include "sgemm_template.h"

void ck_sgemm_block(const float *a, long lda, const float *b, long ldb, const float *bias,
                    float *c, long ldc, long k, long m0, long m1, long n0, long n1) {
#if CK_X86
    if (__builtin_cpu_supports("avx512f")) {
        sgemm_avx512(a, lda, b, ldb, bias, c, ldc, k, m0, m1, n0, n1);
        return;
    }
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
        sgemm_avx2(a, lda, b, ldb, bias, c, ldc, k, m0, m1, n0, n1);
        return;
    }
#endif
    sgemm_base(a, lda, b, ldb, bias, c, ldc, k, m0, m1, n0, n1);
}

const char *ck_sgemm_kernel_name(void) {
#if CK_X86
    if (__builtin_cpu_supports("avx512f")) return "avx512f";
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return "avx2";
#endif
    return "baseline";
}
