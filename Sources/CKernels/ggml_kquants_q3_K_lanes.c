// q3_K's refined search with the sixteen groups of a block in sixteen float32 lanes (one zmm,
// two ymm or four xmm), compiled per instruction set and chosen at run time (see
// kernels_support.h); ck_kq_q3_groups_plain, one group at a time, is its oracle in the tests,
// and both are held to ggml's bytes.
#include "ggml_kquants_support.h"
#include "kernels_support.h"

// Lane by lane the same roundings as the plain version: no fused multiply-add (AVX-512 has it).
#pragma clang fp contract(off)

typedef float ck_kq_f32x16 __attribute__((ext_vector_type(16)));
typedef int32_t ck_kq_i32x16 __attribute__((ext_vector_type(16)));

#if CK_X86
#define CK_SUFFIX avx512
#define CK_TARGET __attribute__((target("avx512f,avx512bw,avx512vl")))
#include "ggml_kquants_q3_K_lanes_template.h"
#undef CK_SUFFIX
#undef CK_TARGET

#define CK_SUFFIX avx2
#define CK_TARGET __attribute__((target("avx2")))
#include "ggml_kquants_q3_K_lanes_template.h"
#undef CK_SUFFIX
#undef CK_TARGET
#endif

#define CK_SUFFIX base
#define CK_TARGET
#include "ggml_kquants_q3_K_lanes_template.h"
#undef CK_SUFFIX
#undef CK_TARGET

ck_kq_q3_groups ck_kq_q3_groups_lanes(void) {
#if CK_X86
    if (__builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl")) return kq_q3_groups_avx512;
    if (__builtin_cpu_supports("avx2")) return kq_q3_groups_avx2;
#endif
    return kq_q3_groups_base;
}
