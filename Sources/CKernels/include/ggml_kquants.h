#ifndef QUANTIZE_GGML_KQUANTS_H
#define QUANTIZE_GGML_KQUANTS_H

#include <stdint.h>

/// ggml's K-quants without an importance matrix: the bytes llama.cpp's `quantize_row_<type>_ref`
/// writes (what `ggml_quantize_chunk`, and so `llama-quantize --pure`, writes when no importance
/// matrix is given), bit for bit, and the float32 values its `dequantize_row_<type>` reads back.
///
/// Each type cuts its input into super-blocks of CK_QK_K = 256 values and writes one block of
/// fixed size for each, on its own: a row of n values (n a multiple of 256) is n / 256 blocks,
/// and any number of consecutive rows is one run of blocks. Blocks are byte arrays (any
/// alignment, halves little-endian):
///
///   type   bytes  layout                                                        bits/weight
///   q2_K    84    scales[16] (4-bit scale | 4-bit min), qs[64], d, dmin          2.625
///   q3_K   110    hmask[32], qs[64], scales[12] (16 6-bit signed scales), d      3.4375
///   q4_K   144    d, dmin, scales[12] (8 6-bit scales, 8 6-bit mins), qs[128]    4.5
///   q5_K   176    d, dmin, scales[12], qh[32], qs[128]                           5.5
///   q6_K   210    ql[128], qh[64], scales[16] (int8), d                          6.5625
///
/// The float operations are ggml's, one by one in its order (no fused multiply-adds, no
/// reordered sums), so the codes and scales are ggml's, including for zeros, subnormals and
/// values whose rounding lands on a tie (held to ggml's own bytes by the tests; inputs are
/// expected to be finite, as ggml's are). The `_plain` quantizers search one group at a time as
/// ggml does; the others search the groups of a block together in SIMD lanes, each lane with the
/// plain version's operations, and are held to them byte for byte. Blocks may be quantized on
/// different threads; the output does not depend on the split.

enum { CK_QK_K = 256 };

/// Writes `block_count` q2_K blocks at `blocks` for the `256 · block_count` floats at `values`,
/// the sixteen groups of a block searched together in SIMD lanes (as `ck_q6_K_quantize`).
void ck_q2_K_quantize(const float *values, long block_count, void *blocks);
/// q2_K one group at a time, as ggml writes it: the oracle of `ck_q2_K_quantize`.
void ck_q2_K_quantize_plain(const float *values, long block_count, void *blocks);
/// Writes the `256 · block_count` floats of the q2_K blocks at `blocks`:
/// `x = d · s · q - dmin · m` for 2-bit code q, 4-bit scale s and min m.
void ck_q2_K_dequantize(const void *blocks, long block_count, float *values);

/// As `ck_q2_K_quantize`, for q3_K (the groups' searches in SIMD lanes too). NaN and
/// infinities are tolerated: meaningless blocks, bounded time, no undefined behaviour (floats
/// become integers by bit manipulation only), so callers may check finiteness afterwards.
void ck_q3_K_quantize(const float *values, long block_count, void *blocks);
/// q3_K one group at a time, as ggml writes it: the oracle of `ck_q3_K_quantize`.
void ck_q3_K_quantize_plain(const float *values, long block_count, void *blocks);
/// `x = d · (s - 32) · (q - 4)` for 3-bit code q and 6-bit scale s.
void ck_q3_K_dequantize(const void *blocks, long block_count, float *values);

/// As `ck_q2_K_quantize`, for q4_K: the eight groups of a block searched together in SIMD lanes
/// (as `ck_q6_K_quantize`), the same bytes as `ck_q4_K_quantize_plain`.
void ck_q4_K_quantize(const float *values, long block_count, void *blocks);
/// q4_K one group at a time, as ggml writes it: the oracle of `ck_q4_K_quantize`.
void ck_q4_K_quantize_plain(const float *values, long block_count, void *blocks);
/// `x = d · s · q - dmin · m` for 4-bit code q, 6-bit scale s and min m.
void ck_q4_K_dequantize(const void *blocks, long block_count, float *values);

/// As `ck_q2_K_quantize`, for q5_K: the eight groups of a block searched together in SIMD lanes
/// (as `ck_q6_K_quantize`), the same bytes as `ck_q5_K_quantize_plain`.
void ck_q5_K_quantize(const float *values, long block_count, void *blocks);
/// q5_K one group at a time, as ggml writes it: the oracle of `ck_q5_K_quantize`.
void ck_q5_K_quantize_plain(const float *values, long block_count, void *blocks);
/// `x = d · s · q - dmin · m` for 5-bit code q, 6-bit scale s and min m.
void ck_q5_K_dequantize(const void *blocks, long block_count, float *values);

/// As `ck_q2_K_quantize`, for q6_K: the sixteen groups of a block searched together in SIMD
/// lanes (AVX-512, AVX2 or the baseline, chosen at run time), each lane with the operations of
/// `ck_q6_K_quantize_plain` in its order, so the bytes are the same.
void ck_q6_K_quantize(const float *values, long block_count, void *blocks);
/// q6_K one group at a time, as ggml writes it: the oracle of `ck_q6_K_quantize`.
void ck_q6_K_quantize_plain(const float *values, long block_count, void *blocks);
/// `x = d · s · (q - 32)` for 6-bit code q and int8 scale s.
void ck_q6_K_dequantize(const void *blocks, long block_count, float *values);

#endif
