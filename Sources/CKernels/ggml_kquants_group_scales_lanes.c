// The affine search of q4_K's and q5_K's eight groups in eight float32 lanes (one ymm, or two
// xmm), compiled per instruction set and chosen at run time (see kernels_support.h);
// ck_kq_group_scales_plain, one group at a time, is its oracle in the tests, and both are held
// to ggml's bytes.
#include <math.h>

#include "ggml_kquants_support.h"
#include "kernels_support.h"

// Lane by lane the same roundings as the plain version: no fused multiply-add.
#pragma clang fp contract(off)

typedef float ck_kq_f32x8 __attribute__((ext_vector_type(8)));
typedef int32_t ck_kq_i32x8 __attribute__((ext_vector_type(8)));

// The range of each group (min clamped to at most 0) and its weighted sums Σw, Σw·x.
typedef struct {
    ck_kq_f32x8 min, max, sum_w, sum_x;
} ck_kq_affine_lanes;

#if CK_X86
#define CK_SUFFIX avx2
#define CK_TARGET __attribute__((target("avx2")))
#include "ggml_kquants_group_scales_lanes_template.h"
#undef CK_SUFFIX
#undef CK_TARGET
#endif

#define CK_SUFFIX base
#define CK_TARGET
#include "ggml_kquants_group_scales_lanes_template.h"
#undef CK_SUFFIX
#undef CK_TARGET

ck_kq_group_scales ck_kq_group_scales_lanes(void) {
#if CK_X86
    if (__builtin_cpu_supports("avx2")) return kq8_group_scales_avx2;
#endif
    return kq8_group_scales_base;
}
