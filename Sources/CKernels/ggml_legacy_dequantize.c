// ggml's legacy block dequantizers (`dequantize_row_<type>`), a block's 32 values in one vector
// (portable vector extensions, no per-instruction-set versions: the work is a multiply and an
// add per value); see ggml_legacy_kernels.h.
#include "CKernels.h"
#include "ggml_legacy_support.h"

// `q · d + m` must round the product and the sum separately, as the reference does.
#pragma clang fp contract(off)
// The 32-lane vectors stay within this file's inlined static functions (see ggml_legacy.c).
#pragma clang diagnostic ignored "-Wpsabi"

typedef float ck_f32x32 __attribute__((ext_vector_type(32)));
typedef int32_t ck_i32x32 __attribute__((ext_vector_type(32)));
typedef uint32_t ck_u32x32 __attribute__((ext_vector_type(32)));
typedef int8_t ck_i8x32 __attribute__((ext_vector_type(32)));
typedef uint8_t ck_u8x32 __attribute__((ext_vector_type(32)));
typedef uint8_t ck_u8x16 __attribute__((ext_vector_type(16)));

// The 32 codes of a 4- or 5-bit block: code j's low nibble from `qs[j]` (j < 16) or the high
// nibble of `qs[j - 16]`, its bit 4 from bit j of `qh` (0 for 4-bit types).
static inline ck_i32x32 ck_unpack_codes(const unsigned char *qs, uint32_t qh) {
    ck_u8x16 bytes;
    __builtin_memcpy(&bytes, qs, sizeof bytes);
    ck_u8x16 lo = bytes & 0x0F, hi = bytes >> 4;
    ck_u8x32 nibbles = __builtin_shufflevector(lo, hi, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18,
                                               19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31);
    const ck_u32x32 lane_bits = {1u << 0, 1u << 1, 1u << 2, 1u << 3, 1u << 4, 1u << 5, 1u << 6, 1u << 7,
                                 1u << 8, 1u << 9, 1u << 10, 1u << 11, 1u << 12, 1u << 13, 1u << 14, 1u << 15,
                                 1u << 16, 1u << 17, 1u << 18, 1u << 19, 1u << 20, 1u << 21, 1u << 22, 1u << 23,
                                 1u << 24, 1u << 25, 1u << 26, 1u << 27, 1u << 28, 1u << 29, 1u << 30, 1u << 31};
    ck_i32x32 high = ((ck_u32x32)(qh) & lane_bits) != 0;  // -1 where the bit is set
    return __builtin_convertvector(nibbles, ck_i32x32) | (high & 0x10);
}

// One 4- or 5-bit block: `(code - offset) · d`, plus `m` when `has_min`.
static inline void ck_nibble_block(const unsigned char *in, int has_min, int has_high, int offset, unsigned char *y) {
    const float d = ck_load_fp16(in);
    const unsigned char *rest = in + (has_min ? 4 : 2);
    const uint32_t qh = has_high ? ck_load_u32(rest) : 0;
    ck_i32x32 codes = ck_unpack_codes(rest + (has_high ? 4 : 0), qh);
    ck_f32x32 values = __builtin_convertvector(codes - offset, ck_f32x32) * d;
    if (has_min) values = values + ck_load_fp16(in + 2);
    __builtin_memcpy(y, &values, sizeof values);
}

static inline void ck_q8_0_dequantize_block(const unsigned char *in, unsigned char *y) {
    ck_i8x32 codes;
    __builtin_memcpy(&codes, in + 2, sizeof codes);
    ck_f32x32 values = __builtin_convertvector(codes, ck_f32x32) * ck_load_fp16(in);
    __builtin_memcpy(y, &values, sizeof values);
}

int ck_ggml_legacy_dequantize(int type, const void *blocks_in, long blocks, void *values) {
    const unsigned char *in = blocks_in;
    unsigned char *y = values;
    const long out_bytes = 4 * CK_GGML_BLOCK;
    switch (type) {
    case CK_GGML_Q4_0: for (long b = 0; b < blocks; b++) ck_nibble_block(in + 18 * b, 0, 0, 8, y + out_bytes * b); break;
    case CK_GGML_Q4_1: for (long b = 0; b < blocks; b++) ck_nibble_block(in + 20 * b, 1, 0, 0, y + out_bytes * b); break;
    case CK_GGML_Q5_0: for (long b = 0; b < blocks; b++) ck_nibble_block(in + 22 * b, 0, 1, 16, y + out_bytes * b); break;
    case CK_GGML_Q5_1: for (long b = 0; b < blocks; b++) ck_nibble_block(in + 24 * b, 1, 1, 0, y + out_bytes * b); break;
    case CK_GGML_Q8_0: for (long b = 0; b < blocks; b++) ck_q8_0_dequantize_block(in + 34 * b, y + out_bytes * b); break;
    default: return -1;
    }
    return 0;
}
