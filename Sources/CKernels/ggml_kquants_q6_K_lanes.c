// q6_K's quantizer with the sixteen groups of a block in sixteen float32 lanes (one zmm, two ymm
// or four xmm), compiled per instruction set and chosen at run time (see kernels_support.h);
// ck_q6_K_quantize_plain, one group at a time, is its oracle in the tests, and both are held to
// ggml's bytes.
#include <math.h>

#include "ggml_kquants_support.h"
#include "kernels_support.h"

// Lane by lane the same roundings as the plain version: no fused multiply-add (AVX-512 has it).
#pragma clang fp contract(off)

typedef float ck_kq_f32x16 __attribute__((ext_vector_type(16)));
typedef int32_t ck_kq_i32x16 __attribute__((ext_vector_type(16)));

#if CK_X86
#define CK_SUFFIX avx512
#define CK_TARGET __attribute__((target("avx512f,avx512bw,avx512vl")))
#include "ggml_kquants_q6_K_lanes_template.h"
#undef CK_SUFFIX
#undef CK_TARGET

#define CK_SUFFIX avx2
#define CK_TARGET __attribute__((target("avx2")))
#include "ggml_kquants_q6_K_lanes_template.h"
#undef CK_SUFFIX
#undef CK_TARGET
#endif

#define CK_SUFFIX base
#define CK_TARGET
#include "ggml_kquants_q6_K_lanes_template.h"
#undef CK_SUFFIX
#undef CK_TARGET

void ck_q6_K_quantize(const float *values, long block_count, void *blocks) {
#if CK_X86
    if (__builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl")) {
        kq_q6_quantize_avx512(values, block_count, blocks);
        return;
    }
    if (__builtin_cpu_supports("avx2")) {
        kq_q6_quantize_avx2(values, block_count, blocks);
        return;
    }
#endif
    kq_q6_quantize_base(values, block_count, blocks);
}
