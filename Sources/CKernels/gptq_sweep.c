#include "CKernels.h"
#include "kernels_support.h"

// `w - e * u` must round the product and the difference separately, as the reference does.
#pragma clang fp contract(off)

typedef float ck_sweep_f32x16 __attribute__((ext_vector_type(16)));
typedef int32_t ck_sweep_i32x16 __attribute__((ext_vector_type(16)));
typedef uint8_t ck_sweep_u8x16 __attribute__((ext_vector_type(16)));

#if CK_X86
#define CK_SUFFIX avx512
#define CK_TARGET __attribute__((target("avx512f,avx512bw,avx512vl")))
#include "gptq_sweep_template.h"
#undef CK_SUFFIX
#undef CK_TARGET

#define CK_SUFFIX avx2
#define CK_TARGET __attribute__((target("avx2")))
#include "gptq_sweep_template.h"
#undef CK_SUFFIX
#undef CK_TARGET
#endif

#define CK_SUFFIX base
#define CK_TARGET
#include "gptq_sweep_template.h"
#undef CK_SUFFIX
#undef CK_TARGET

void ck_gptq_sweep(float *tile, long width, long first, long last, const float *scale, const float *zero_point,
                   float qmin, float qmax, const float *u, long ldu, uint8_t *codes, float *errors) {
#if CK_X86
    if (__builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl")) {
        gptq_sweep_avx512(tile, width, first, last, scale, zero_point, qmin, qmax, u, ldu, codes, errors);
        return;
    }
    if (__builtin_cpu_supports("avx2")) {
        gptq_sweep_avx2(tile, width, first, last, scale, zero_point, qmin, qmax, u, ldu, codes, errors);
        return;
    }
#endif
    gptq_sweep_base(tile, width, first, last, scale, zero_point, qmin, qmax, u, ldu, codes, errors);
}
