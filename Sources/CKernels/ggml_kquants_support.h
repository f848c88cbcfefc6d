// Shared by the K-quant files (ggml_kquants_*.c); not a public header. The searches follow
// ggml's make_qx_quants, make_q3_quants and make_qkx2_quants operation by operation: every
// product, sum and division below is one float32 operation in the order written, with no
// fused multiply-add (each file turns contraction off) and no reassociation.
#ifndef CK_GGML_KQUANTS_SUPPORT_H
#define CK_GGML_KQUANTS_SUPPORT_H

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "ggml_fp16.h"
#include "ggml_kquants.h"

// A group whose largest magnitude is below this is all zeros to the symmetric searches (and a
// q6_K block whose largest scale is below it is written as zeros).
#define CK_KQ_GROUP_EPSILON 1e-15f

#define CK_KQ_MIN(a, b) ((a) < (b) ? (a) : (b))
#define CK_KQ_MAX(a, b) ((a) > (b) ? (a) : (b))

// round(v), ties to even, for |v| <= 2^22 - 1: adding 1.5 · 2^23 leaves the rounded integer,
// offset by 2^22, in the low 23 bits of the sum. Outside that range the result is those bits
// all the same (ggml does not check either, and its codes are then clamped), so it is kept.
static inline int ck_kq_nearest_int(float v) {
    float shifted = v + 12582912.0f;
    int32_t bits;
    memcpy(&bits, &shifted, sizeof bits);
    return (bits & 0x007FFFFF) - 0x00400000;
}

static inline void ck_kq_store_half(uint8_t *at, float value) {
    uint16_t half = ck_fp16_from_fp32(value);
    at[0] = (uint8_t)half;
    at[1] = (uint8_t)(half >> 8);
}

static inline float ck_kq_load_half(const uint8_t *at) {
    return ck_fp32_from_fp16((uint16_t)(at[0] | (at[1] << 8)));
}

// The scale of a group of n values for signed codes in [-nmax, nmax - 1], chosen by weighted
// least squares with weights x² (ggml's make_qx_quants, rmse_type 1, no importance weights):
// codes round(x · (-nmax - t/10) / m) for t = 0, ±1, ..., ±9, m the value of largest magnitude,
// each code set scored by (Σ w x l)² / Σ w l², the best kept with scale Σ w x l / Σ w l².
// Writes codes + nmax at `codes`; an all-(near-)zero group gets codes 0 and scale 0.
float ck_kq_symmetric_scale(int n, int nmax, const float *x, int8_t *codes);

// ggml's make_q3_quants with do_rmse: codes round(-nmax · x / m) in [-nmax, nmax - 1], then up
// to five sweeps moving single codes to the one least squares (weights x²) prefers while that
// improves (Σ w x l)² / Σ w l². Writes codes + nmax; returns Σ w x l / Σ w l² (0 if Σ w l² is 0);
// an all-(near-)zero group gets codes 0 (not nmax) and scale 0.
float ck_kq_signed_refined_scale(int n, int nmax, const float *x, int8_t *codes);

// The scale s and min of a group of n values for codes in [0, nmax], x ≈ s · l - min (ggml's
// make_qkx2_quants): the range's codes first, then for each of the nstep + 1 inverse scales
// (rmin + rdelta · k + nmax) / (max - min) the codes and the weighted least-squares (s, min)
// for them, kept when their weighted error Σ w |e| (use_mad) or Σ w e² is smaller. The min is
// never above 0 (a group of positive values gets min 0). Writes codes and *negated_min = -min;
// n is at most 32.
float ck_kq_affine_scale(int n, int nmax, const float *x, const float *weights, uint8_t *codes,
                         float *negated_min, float rmin, float rdelta, int nstep, int use_mad);

// The eight groups of 32 of a q4_K or q5_K block: each group's scale, negated min and codes
// from the affine search with weights √(Σx² / 32) + |x|, rdelta 0.1 and squared errors.
typedef void (*ck_kq_group_scales)(const float *x, int nmax, float rmin, int nstep, float *scales, float *mins,
                                   uint8_t *codes);

// One group at a time, as ggml: the oracle of the lanes version.
void ck_kq_group_scales_plain(const float *x, int nmax, float rmin, int nstep, float *scales, float *mins,
                              uint8_t *codes);

// The eight groups in eight SIMD lanes, each lane with the plain version's operations in its
// order (the same results), for the instruction set of this CPU.
ck_kq_group_scales ck_kq_group_scales_lanes(void);

// The sixteen groups of 16 of a q2_K block: each group's scale, negated min and codes from the
// affine search with weights |x|, nmax 3, rmin -0.5, rdelta 0.1, 15 steps and absolute errors.
typedef void (*ck_kq_q2_groups)(const float *x, float *scales, float *mins, uint8_t *codes);

// One group at a time, as ggml: the oracle of the lanes version.
void ck_kq_q2_groups_plain(const float *x, float *scales, float *mins, uint8_t *codes);

// The sixteen groups in sixteen SIMD lanes (as ck_kq_group_scales_lanes).
ck_kq_q2_groups ck_kq_q2_groups_lanes(void);

// The sixteen groups of 16 of a q3_K block at x: each group's scale and codes + 4 from the
// refined search (ck_kq_signed_refined_scale with nmax 4). One group at a time, as ggml: the
// oracle of the lanes version (ggml_kquants_q3_K_lanes.c).
void ck_kq_q3_groups_plain(const float *x, float *scales, int8_t *codes);

// q4_K and q5_K: the groups' scales and mins by `search`, quantized to 6 bits against two
// halves d and dmin (written at `d_dmin`, 4 bytes) and packed into the 12 bytes at `packed`, then
// every code recomputed from the stored scale and min as round((x + dmin · m) / (d · s)) in
// [0, nmax] (groups whose d · s is 0 keep the search's codes).
void ck_kq_scale_min_block(const float *x, int nmax, float rmin, int nstep, ck_kq_group_scales search,
                           uint8_t *d_dmin, uint8_t *packed, uint8_t *codes);

// The 6-bit scale and min of group j (0 ..< 8) from the 12 packed bytes of q4_K and q5_K:
// groups 0-3 in the low 6 bits of bytes 0-3 (scales) and 4-7 (mins); groups 4-7 split into the
// low and high nibbles of bytes 8-11 and the top two bits of bytes 0-3 and 4-7.
static inline void ck_kq_unpack_scale_min(int j, const uint8_t *packed, uint8_t *scale, uint8_t *min) {
    if (j < 4) {
        *scale = packed[j] & 63;
        *min = packed[j + 4] & 63;
    } else {
        *scale = (uint8_t)((packed[j + 4] & 0xF) | ((packed[j - 4] >> 6) << 4));
        *min = (uint8_t)((packed[j + 4] >> 4) | ((packed[j] >> 6) << 4));
    }
}

// 2-bit codes of a 256-value block into 64 bytes: byte 32h + l holds codes 128h + l + 32k in
// bits 2k, 2k+1 (q2_K's and q3_K's low bits).
static inline void ck_kq_pack_2bit(const uint8_t *codes, uint8_t *packed) {
    for (int half = 0; half < 2; ++half) {
        const uint8_t *c = codes + 128 * half;
        for (int l = 0; l < 32; ++l) {
            packed[32 * half + l] = (uint8_t)(c[l] | (c[l + 32] << 2) | (c[l + 64] << 4) | (c[l + 96] << 6));
        }
    }
}

enum { CK_Q6_K_BYTES = 210 };

// q6_K's 256 codes (0 ..< 64) into ql[128] and qh[64] (see ggml_kquants_q6_K.c for the layout).
void ck_q6_K_pack(const int8_t *codes, uint8_t *ql, uint8_t *qh);

// q6_K's super-block scale from its sixteen group scales: max_scale, the first of largest
// magnitude, gives d = -max_scale / 128, stored as half at block + 208, and *iscale = -128 / max_scale.
// Returns 0, the block written as all zeros, when every scale is below CK_KQ_GROUP_EPSILON in magnitude.
static inline int ck_q6_K_store_super_scale(const float *scales, uint8_t *block, float *iscale) {
    float max_scale = 0, max_abs_scale = 0;
    for (int g = 0; g < 16; ++g) {
        const float abs_scale = fabsf(scales[g]);
        if (abs_scale > max_abs_scale) {
            max_abs_scale = abs_scale;
            max_scale = scales[g];
        }
    }
    if (max_abs_scale < CK_KQ_GROUP_EPSILON) {
        memset(block, 0, CK_Q6_K_BYTES);
        return 0;
    }
    *iscale = -128.f / max_scale;
    ck_kq_store_half(block + 208, 1 / *iscale);
    return 1;
}

// A q6_K block from its sixteen group scales, however they were searched (plain or weighted):
// max_scale, the first scale of largest magnitude, gives d = -max_scale / 128 (stored as half)
// and the int8 scales min(127, round(-128 · s / max_scale)); every code of a group whose stored
// scale is not 0 is then recomputed from it as round(x / (d · s)) in [-32, 31], plus 32 (the
// others keep the search's codes), and all are packed. A block whose scales are all below
// CK_KQ_GROUP_EPSILON in magnitude is all zeros. ggml's quantize_row_q6_K_impl after its scales.
static inline void ck_q6_K_store_block(const float *x, const float *scales, int8_t *codes, uint8_t *block) {
    float iscale;
    if (!ck_q6_K_store_super_scale(scales, block, &iscale)) return;
    int8_t *stored_scales = (int8_t *)(block + 192);
    for (int g = 0; g < 16; ++g) stored_scales[g] = (int8_t)CK_KQ_MIN(127, ck_kq_nearest_int(iscale * scales[g]));
    const float d_all = ck_kq_load_half(block + 208);
    for (int g = 0; g < 16; ++g) {
        const float d = d_all * (float)stored_scales[g];
        if (d == 0) continue;
        for (int i = 0; i < 16; ++i) {
            const int l = ck_kq_nearest_int(x[16 * g + i] / d);
            codes[16 * g + i] = (int8_t)(CK_KQ_MAX(-32, CK_KQ_MIN(31, l)) + 32);
        }
    }
    ck_q6_K_pack(codes, block, block + 128);
}

#endif
