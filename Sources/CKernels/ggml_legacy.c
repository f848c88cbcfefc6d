// ggml's legacy block quantizers without an importance matrix (`quantize_row_<type>_ref`): the
// scalar reference, one block at a time in ggml's float operations and order, then the vector
// kernels per instruction set (ggml_legacy_template.h) that the tests hold to it; see
// ggml_legacy_kernels.h.
#include "CKernels.h"
#include "ggml_legacy_support.h"
#include "kernels_support.h"

// Products and sums must round one by one, as in the reference (built without FMA).
#pragma clang fp contract(off)

// Q8_0: `d = amax / 127`, codes `roundf(x / d)` computed as `roundf(x · (1/d))`.
static void ck_q8_0_block(const unsigned char *x, unsigned char *out) {
    float amax = 0.0f;
    for (int j = 0; j < CK_GGML_BLOCK; j++) {
        float a = __builtin_fabsf(ck_load_f32(x, j));
        amax = amax > a ? amax : a;
    }
    const float d = amax / 127.0f;
    const float id = d != 0.0f ? 1.0f / d : 0.0f;
    ck_store_fp16(out, d);
    for (int j = 0; j < CK_GGML_BLOCK; j++) {
        out[2 + j] = (uint8_t)ck_truncate_x86(__builtin_roundf(ck_load_f32(x, j) * id));
    }
}

// The first element of largest magnitude, sign kept (0 for an all-zero block).
static float ck_signed_absmax(const unsigned char *x) {
    float amax = 0.0f, max = 0.0f;
    for (int j = 0; j < CK_GGML_BLOCK; j++) {
        float v = ck_load_f32(x, j);
        if (amax < __builtin_fabsf(v)) {
            amax = __builtin_fabsf(v);
            max = v;
        }
    }
    return max;
}

// Q4_0 (`levels` 16) and Q5_0 (32): `d = max / -(levels/2)`, codes
// `min(levels - 1, trunc(x · (1/d) + levels/2 + 0.5))`; writes `d` at `out`, codes at `codes`.
static void ck_symmetric_codes(const unsigned char *x, int levels, unsigned char *out, uint8_t *codes) {
    const float d = ck_signed_absmax(x) / -(float)(levels / 2);
    const float id = d != 0.0f ? 1.0f / d : 0.0f;
    const float offset = (float)(levels / 2) + 0.5f;
    ck_store_fp16(out, d);
    for (int j = 0; j < CK_GGML_BLOCK; j++) {
        int code = ck_truncate_int8(ck_load_f32(x, j) * id + offset);
        codes[j] = (uint8_t)(code < levels - 1 ? code : levels - 1);
    }
}

// Q4_1 (`levels` 16) and Q5_1 (32): `d = (max - min) / (levels - 1)`, `m = min`, codes
// `trunc((x - min) · (1/d) + 0.5)`, capped at 15 for Q4_1 only (as ggml caps them); writes
// `d, m` at `out`, codes at `codes`.
static void ck_affine_codes(const unsigned char *x, int levels, unsigned char *out, uint8_t *codes) {
    float min = __FLT_MAX__, max = -__FLT_MAX__;
    for (int j = 0; j < CK_GGML_BLOCK; j++) {
        float v = ck_load_f32(x, j);
        if (v < min) min = v;
        if (v > max) max = v;
    }
    const float d = (max - min) / (float)(levels - 1);
    const float id = d != 0.0f ? 1.0f / d : 0.0f;
    ck_store_fp16(out, d);
    ck_store_fp16(out + 2, min);
    for (int j = 0; j < CK_GGML_BLOCK; j++) {
        float t = (ck_load_f32(x, j) - min) * id + 0.5f;
        if (levels == 16) {
            int code = ck_truncate_int8(t);
            codes[j] = (uint8_t)(code < 15 ? code : 15);
        } else {
            codes[j] = (uint8_t)ck_truncate_x86(t);
        }
    }
}

static void ck_q4_0_block(const unsigned char *x, unsigned char *out) {
    uint8_t codes[CK_GGML_BLOCK];
    ck_symmetric_codes(x, 16, out, codes);
    ck_pack_q4(codes, out + 2);
}

static void ck_q5_0_block(const unsigned char *x, unsigned char *out) {
    uint8_t codes[CK_GGML_BLOCK];
    uint32_t qh;
    ck_symmetric_codes(x, 32, out, codes);
    ck_pack_q5(codes, out + 6, &qh);
    ck_store_u32(out + 2, qh);
}

static void ck_q4_1_block(const unsigned char *x, unsigned char *out) {
    uint8_t codes[CK_GGML_BLOCK];
    ck_affine_codes(x, 16, out, codes);
    ck_pack_q4(codes, out + 4);
}

static void ck_q5_1_block(const unsigned char *x, unsigned char *out) {
    uint8_t codes[CK_GGML_BLOCK];
    uint32_t qh;
    ck_affine_codes(x, 32, out, codes);
    ck_pack_q5(codes, out + 8, &qh);
    ck_store_u32(out + 4, qh);
}

int ck_ggml_legacy_quantize_reference(int type, const void *values, long blocks, void *out) {
    void (*block)(const unsigned char *, unsigned char *);
    long bytes;
    switch (type) {
    case CK_GGML_Q4_0: block = ck_q4_0_block; bytes = 18; break;
    case CK_GGML_Q4_1: block = ck_q4_1_block; bytes = 20; break;
    case CK_GGML_Q5_0: block = ck_q5_0_block; bytes = 22; break;
    case CK_GGML_Q5_1: block = ck_q5_1_block; bytes = 24; break;
    case CK_GGML_Q8_0: block = ck_q8_0_block; bytes = 34; break;
    default: return -1;
    }
    const unsigned char *x = values;
    unsigned char *y = out;
    for (long b = 0; b < blocks; b++) block(x + 4 * CK_GGML_BLOCK * b, y + bytes * b);
    return 0;
}

typedef float ck_f32x32 __attribute__((ext_vector_type(32)));
typedef float ck_f32x16 __attribute__((ext_vector_type(16)));
typedef float ck_f32x8 __attribute__((ext_vector_type(8)));
typedef int32_t ck_i32x32 __attribute__((ext_vector_type(32)));
typedef uint8_t ck_u8x32 __attribute__((ext_vector_type(32)));
typedef uint8_t ck_u8x16 __attribute__((ext_vector_type(16)));
typedef _Bool ck_bool32 __attribute__((ext_vector_type(32)));

// Compare-and-select, lane by lane (no NaN reaches them).
#define CK_MIN(a, b) ((a) < (b) ? (a) : (b))
#define CK_MAX(a, b) ((a) > (b) ? (a) : (b))

// The scalar packing of a 5-bit block: `qh` then `qs`.
static void ck_pack_q5_at(const uint8_t codes[CK_GGML_BLOCK], unsigned char *qh, unsigned char *qs) {
    uint32_t high_bits;
    ck_pack_q5(codes, qs, &high_bits);
    ck_store_u32(qh, high_bits);
}

#define CK_TEMPLATE "ggml_legacy_template.h"
#include "kernels_stamp.h"

int ck_ggml_legacy_quantize_with_kernel(int kernel, int type, const void *values, long blocks, void *out) {
    if (type != CK_GGML_Q4_0 && type != CK_GGML_Q4_1 && type != CK_GGML_Q5_0 && type != CK_GGML_Q5_1 &&
        type != CK_GGML_Q8_0) {
        return -1;
    }
    switch (kernel) {
#if CK_X86
    case CK_GGML_KERNEL_AVX512:
        if (!__builtin_cpu_supports("avx512bw") || !__builtin_cpu_supports("avx512vl")) return -1;
        legacy_blocks_avx512(type, values, blocks, out);
        return 0;
    case CK_GGML_KERNEL_AVX2:
        if (!__builtin_cpu_supports("avx2")) return -1;
        legacy_blocks_avx2(type, values, blocks, out);
        return 0;
#endif
    case CK_GGML_KERNEL_BASELINE:
        legacy_blocks_base(type, values, blocks, out);
        return 0;
    default:
        return -1;
    }
}

int ck_ggml_legacy_quantize(int type, const void *values, long blocks, void *out) {
    for (int kernel = CK_GGML_KERNEL_AVX512; kernel > CK_GGML_KERNEL_BASELINE; kernel--) {
        if (ck_ggml_legacy_quantize_with_kernel(kernel, type, values, blocks, out) == 0) return 0;
    }
    return ck_ggml_legacy_quantize_with_kernel(CK_GGML_KERNEL_BASELINE, type, values, blocks, out);
}
