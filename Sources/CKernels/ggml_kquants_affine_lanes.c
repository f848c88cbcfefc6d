// The affine searches of a block's groups in float32 lanes, compiled per instruction set and
// chosen at run time (see kernels_support.h): q4_K's and q5_K's eight groups of 32 in eight
// lanes, q2_K's sixteen groups of 16 in sixteen. The plain versions, one group at a time, are
// their oracles in the tests, and both are held to ggml's bytes.
#include <math.h>

// The vectors passed between the static functions of this file never cross an ABI boundary,
// so the baseline build's note that passing them "changes the ABI" does not apply.
#pragma clang diagnostic ignored "-Wpsabi"

#include "ggml_kquants_support.h"
#include "kernels_support.h"

// Lane by lane the same roundings as the plain version: no fused multiply-add.
#pragma clang fp contract(off)

typedef float ck_kq_f32x8 __attribute__((ext_vector_type(8)));
typedef int32_t ck_kq_i32x8 __attribute__((ext_vector_type(8)));
typedef float ck_kq_f32x16 __attribute__((ext_vector_type(16)));
typedef int32_t ck_kq_i32x16 __attribute__((ext_vector_type(16)));

// Eight lanes of groups of 32 (one ymm; AVX-512 adds nothing at this width).
#define CK_SUFFIX avx2_8x32
#define CK_TARGET __attribute__((target("avx2")))
#define CK_F ck_kq_f32x8
#define CK_I ck_kq_i32x8
#define CK_LANES 8
#define CK_N 32
#if CK_X86
#include "ggml_kquants_affine_lanes_template.h"
#endif
#undef CK_SUFFIX
#define CK_SUFFIX base_8x32
#undef CK_TARGET
#define CK_TARGET
#include "ggml_kquants_affine_lanes_template.h"
#undef CK_SUFFIX
#undef CK_TARGET
#undef CK_F
#undef CK_I
#undef CK_LANES
#undef CK_N

// Sixteen lanes of groups of 16.
#define CK_F ck_kq_f32x16
#define CK_I ck_kq_i32x16
#define CK_LANES 16
#define CK_N 16
#if CK_X86
#define CK_SUFFIX avx512_16x16
#define CK_TARGET __attribute__((target("avx512f,avx512bw,avx512vl")))
#include "ggml_kquants_affine_lanes_template.h"
#undef CK_SUFFIX
#undef CK_TARGET
#define CK_SUFFIX avx2_16x16
#define CK_TARGET __attribute__((target("avx2")))
#include "ggml_kquants_affine_lanes_template.h"
#undef CK_SUFFIX
#undef CK_TARGET
#endif
#define CK_SUFFIX base_16x16
#define CK_TARGET
#include "ggml_kquants_affine_lanes_template.h"

#undef CK_SUFFIX
#undef CK_TARGET
#undef CK_F
#undef CK_I
#undef CK_LANES
#undef CK_N

ck_kq_group_scales ck_kq_group_scales_lanes(void) {
#if CK_X86
    if (__builtin_cpu_supports("avx2")) return kq_group_scales_avx2_8x32;
#endif
    return kq_group_scales_base_8x32;
}

ck_kq_q2_groups ck_kq_q2_groups_lanes(void) {
#if CK_X86
    if (__builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl")) return kq_q2_groups_avx512_16x16;
    if (__builtin_cpu_supports("avx2")) return kq_q2_groups_avx2_16x16;
#endif
    return kq_q2_groups_base_16x16;
}
