#include "CKernels.h"
#include "kernels_support.h"

// `w - e * u` must round the product and the difference separately, as the reference does.
#pragma clang fp contract(off)

typedef float ck_sweep_f32x16 __attribute__((ext_vector_type(16)));
typedef int32_t ck_sweep_i32x16 __attribute__((ext_vector_type(16)));
typedef uint8_t ck_sweep_u8x16 __attribute__((ext_vector_type(16)));

#define CK_TEMPLATE "gptq_sweep_template.h"
#include "kernels_stamp.h"

void ck_gptq_sweep(float *tile, long width, long first, long last, const float *scale, const float *zero_point,
                   float qmin, float qmax, const float *u, long ldu, uint8_t *codes, float *errors) {
    CK_BEST(gptq_sweep)(tile, width, first, last, scale, zero_point, qmin, qmax, u, ldu, codes, errors);
}
