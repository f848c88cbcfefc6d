// ck_q3_K_quantize: q3_K's refined search with the sixteen groups of a block in sixteen float32
// lanes (one zmm, two ymm or four xmm), CK_KQ_Q3_BLOCKS blocks at a time, then each block
// finished as ggml_kquants_q3_K_block.h says; compiled per instruction set and chosen at run
// time (see kernels_support.h). ck_q3_K_quantize_plain, one group at a time, is its oracle in
// the tests, and both are held to ggml's bytes.
#include "ggml_kquants_q3_K_block.h"
#include "kernels_support.h"

// Lane by lane the same roundings as the plain version: no fused multiply-add (AVX-512 has it).
#pragma clang fp contract(off)

typedef float ck_kq_f32x16 __attribute__((ext_vector_type(16)));
typedef int32_t ck_kq_i32x16 __attribute__((ext_vector_type(16)));

// The sets of lanes swept at once, their dependency chains overlapping (see kq_q3_sweep), and
// the blocks searched together, whose groups still moving after the first sweep are packed
// (their lanes, about 135 KiB, are on the stack of the calling thread).
enum { CK_KQ_Q3_CHAINS = 4, CK_KQ_Q3_BATCH = 16 };

#define CK_TEMPLATE "ggml_kquants_q3_K_lanes_template.h"
#include "kernels_stamp.h"

void ck_q3_K_quantize(const float *values, long block_count, void *blocks) {
    CK_BEST(kq_q3_quantize)(values, block_count, blocks);
}
