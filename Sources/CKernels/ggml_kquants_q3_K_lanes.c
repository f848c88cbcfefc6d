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

#define CK_TEMPLATE "ggml_kquants_q3_K_lanes_template.h"
#include "kernels_stamp.h"

ck_kq_q3_groups ck_kq_q3_groups_lanes(void) {
    return CK_BEST(kq_q3_groups);
}
