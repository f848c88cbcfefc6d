// ggml's legacy block dequantizers (`dequantize_row_<type>`); see ggml_legacy_kernels.h.
#include "CKernels.h"
#include "ggml_legacy_support.h"

// `q · d + m` must round the product and the sum separately, as the reference does.
#pragma clang fp contract(off)

// The 32 codes of a 4- or 5-bit block: nibbles from `qs`, bit 4 from `qh` (0 for 4-bit types).
static void ck_unpack_codes(const unsigned char *qs, uint32_t qh, int codes[CK_GGML_BLOCK]) {
    for (int j = 0; j < CK_GGML_BLOCK / 2; j++) {
        codes[j] = (qs[j] & 0x0F) | (int)((qh >> j) & 1u) << 4;
        codes[j + 16] = (qs[j] >> 4) | (int)((qh >> (j + 16)) & 1u) << 4;
    }
}

// One 4- or 5-bit block: `(code - offset) · d`, plus `m` when `has_min`.
static void ck_nibble_block(const unsigned char *in, int has_min, int has_high, int offset, unsigned char *y) {
    const float d = ck_load_fp16(in);
    const float m = has_min ? ck_load_fp16(in + 2) : 0.0f;
    const unsigned char *rest = in + (has_min ? 4 : 2);
    const uint32_t qh = has_high ? ck_load_u32(rest) : 0;
    int codes[CK_GGML_BLOCK];
    ck_unpack_codes(rest + (has_high ? 4 : 0), qh, codes);
    for (int j = 0; j < CK_GGML_BLOCK; j++) {
        float value = (float)(codes[j] - offset) * d;
        ck_store_f32(y, j, has_min ? value + m : value);
    }
}

static void ck_q8_0_dequantize_block(const unsigned char *in, unsigned char *y) {
    const float d = ck_load_fp16(in);
    for (int j = 0; j < CK_GGML_BLOCK; j++) ck_store_f32(y, j, (float)(int8_t)in[2 + j] * d);
}

int ck_ggml_legacy_dequantize(int type, const void *blocks_in, long blocks, void *values) {
    const unsigned char *in = blocks_in;
    unsigned char *y = values;
    const long out_bytes = 4 * CK_GGML_BLOCK;
    for (long b = 0; b < blocks; b++) {
        switch (type) {
        case CK_GGML_Q4_0: ck_nibble_block(in + 18 * b, 0, 0, 8, y + out_bytes * b); break;
        case CK_GGML_Q4_1: ck_nibble_block(in + 20 * b, 1, 0, 0, y + out_bytes * b); break;
        case CK_GGML_Q5_0: ck_nibble_block(in + 22 * b, 0, 1, 16, y + out_bytes * b); break;
        case CK_GGML_Q5_1: ck_nibble_block(in + 24 * b, 1, 1, 0, y + out_bytes * b); break;
        case CK_GGML_Q8_0: ck_q8_0_dequantize_block(in + 34 * b, y + out_bytes * b); break;
        default: return -1;
        }
    }
    return 0;
}
