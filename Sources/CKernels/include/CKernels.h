#ifndef CKERNELS_H
#define CKERNELS_H

#include <stdint.h>

#include "crc32_fold.h"
#include "ggml_fp16.h"
#include "ggml_fp4_kernels.h"
#include "ggml_kquants.h"
#include "ggml_kquants_weighted.h"
#include "ggml_legacy_kernels.h"
#include "gptq_kernels.h"
#include "pack_kernels.h"
#include "quantize_kernels.h"

/// The matrix-multiply kernels of QuantKit, in C so that one portable binary can carry
/// AVX-512 and AVX2 versions and pick one at run time: each version is a function compiled with
/// `__attribute__((target(...)))` and chosen by `__builtin_cpu_supports` (see sgemm.c, dgemm.c,
/// igemm.c), so the package needs no compiler flags, runs on any x86-64 and builds on arm64
/// (portable C with vector extensions there). Plain Swift SIMD compiles to SSE2 only: a 4 x 16 SIMD16<Float>
/// micro-kernel reached 34 GFLOP/s on one core of the development machine (AMD EPYC, AVX-512),
/// against about 85 for the AVX-512 kernel here.
///
/// Each computes one block of `C[m, n] = A[m, k] · B[n, k]ᵀ`: rows `[m0, m1)` and columns
/// `[n0, n1)` of C, with A, B and C row-major (leading dimensions `lda`, `ldb`, `ldc`). A caller
/// splits C into blocks and may run them on different threads: each output element is computed
/// by the same sequence of operations whatever the block it falls in, so results do not depend
/// on the split.

/// How the sums of a GEMM block meet C: `C = A · Bᵀ`, `C += A · Bᵀ` or `C -= A · Bᵀ`. The sum
/// over k runs in blocks of KC steps in index order (KC = 128 for float32, 256 for float64), one
/// running sum per output within a block (fused multiply-adds on AVX2 and AVX-512); each block's
/// sum is then stored (the first block under CK_GEMM_STORE), added to C or subtracted from C, in
/// order. So with k <= KC an update rounds once more than the product: `c - s`, with `s` the
/// block's sum.
typedef enum { CK_GEMM_STORE = 0, CK_GEMM_ADD = 1, CK_GEMM_SUBTRACT = 2 } ck_gemm_mode;

/// float32: `C = A · Bᵀ + bias` (`bias`, of length n, may be NULL), as CK_GEMM_STORE, then the
/// bias.
void ck_sgemm_block(const float *a, long lda, const float *b, long ldb, const float *bias,
                    float *c, long ldc, long k, long m0, long m1, long n0, long n1);

/// float32: C updated by `A · Bᵀ` as `mode` says (GPTQ's lazy-batch weight updates).
void ck_sgemm_update_block(const float *a, long lda, const float *b, long ldb, float *c, long ldc, long k,
                           long m0, long m1, long n0, long n1, ck_gemm_mode mode);

/// float64: C updated by `A · Bᵀ` as `mode` says (GPTQ's Hessian and its factorizations).
void ck_dgemm_block(const double *a, long lda, const double *b, long ldb, double *c, long ldc, long k,
                    long m0, long m1, long n0, long n1, ck_gemm_mode mode);

/// int8 x int8 -> int32: `C = A · Bᵀ`, exact when every |C| and every partial sum fits in
/// int32, which holds for `k <= CK_IGEMM_MAX_K` (each product is at most 2^14 in magnitude).
void ck_igemm_block(const int8_t *a, long lda, const int8_t *b, long ldb,
                    int32_t *c, long ldc, long k, long m0, long m1, long n0, long n1);

/// The largest k for which `ck_igemm_block` is exact: `k · 2^14 < 2^31`.
#define CK_IGEMM_MAX_K 131071L

/// The kernel chosen for this CPU, e.g. "avx512f" or "avx512vnni"; for reports only.
const char *ck_sgemm_kernel_name(void);
const char *ck_igemm_kernel_name(void);

#endif
