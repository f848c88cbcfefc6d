// The two passes of quantization over float32 data, compiled per instruction set and chosen at
// run time (see kernels_support.h). The plain scalar version of each lives in the tests as the
// oracle; the fixtures pin their codes bit for bit.
#include "CKernels.h"
#include "kernels_support.h"

// `e = x - r * s` must round the product and the difference separately, as the reference does.
#pragma clang fp contract(off)

typedef float ck_f32x16 __attribute__((ext_vector_type(16)));
typedef int32_t ck_i32x16 __attribute__((ext_vector_type(16)));
typedef uint8_t ck_u8x16 __attribute__((ext_vector_type(16)));

#if CK_X86
#define CK_SUFFIX avx512
#define CK_TARGET __attribute__((target("avx512f,avx512bw,avx512vl")))
#include "quantize_template.h"
#undef CK_SUFFIX
#undef CK_TARGET

#define CK_SUFFIX avx2
#define CK_TARGET __attribute__((target("avx2")))
#include "quantize_template.h"
#undef CK_SUFFIX
#undef CK_TARGET
#endif

#define CK_SUFFIX base
#define CK_TARGET
#include "quantize_template.h"
#undef CK_SUFFIX
#undef CK_TARGET

void ck_range_fold(const void *values, long count, float *min, float *max, int *finite) {
#if CK_X86
    if (__builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl")) {
        range_fold_avx512(values, count, min, max, finite);
        return;
    }
    if (__builtin_cpu_supports("avx2")) {
        range_fold_avx2(values, count, min, max, finite);
        return;
    }
#endif
    range_fold_base(values, count, min, max, finite);
}

ck_error_sums ck_quantize_run(const void *values, long count, uint8_t *codes, float scale, float zero_point,
                              float qmin, float qmax, int measure) {
#if CK_X86
    if (__builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl")) {
        return quantize_run_avx512(values, count, codes, scale, zero_point, qmin, qmax, measure);
    }
    if (__builtin_cpu_supports("avx2")) {
        return quantize_run_avx2(values, count, codes, scale, zero_point, qmin, qmax, measure);
    }
#endif
    return quantize_run_base(values, count, codes, scale, zero_point, qmin, qmax, measure);
}

const char *ck_quantize_kernel_name(void) {
#if CK_X86
    if (__builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl")) return "avx512f";
    if (__builtin_cpu_supports("avx2")) return "avx2";
#endif
    return "baseline";
}
