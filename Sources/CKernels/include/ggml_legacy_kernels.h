#ifndef QUANTIZE_GGML_LEGACY_KERNELS_H
#define QUANTIZE_GGML_LEGACY_KERNELS_H

#include <stdint.h>

#include "ggml_fp16.h"

/// ggml's legacy block types (32 elements a block), by ggml's type number, and their blocks:
/// Q4_0 `d, qs[16]` (18 bytes), Q4_1 `d, m, qs[16]` (20), Q5_0 `d, qh[4], qs[16]` (22),
/// Q5_1 `d, m, qh[4], qs[16]` (24), Q8_0 `d, qs[32]` (34); `d` and `m` binary16, `qh` a
/// little-endian uint32 holding bit 4 of code j at bit j. Code j of 4- and 5-bit types has its
/// low nibble in `qs[j]` (j < 16) or the high nibble of `qs[j - 16]`.
enum {
    CK_GGML_Q4_0 = 2,
    CK_GGML_Q4_1 = 3,
    CK_GGML_Q5_0 = 6,
    CK_GGML_Q5_1 = 7,
    CK_GGML_Q8_0 = 8,
};

/// Quantizes `blocks` consecutive blocks of 32 float32 values at `values` (any alignment) into
/// `out`, byte for byte as ggml's `quantize_row_<type>_ref` does (the `llama-quantize --pure`
/// path without an importance matrix); returns 0, or -1 for a type not listed above.
///
/// Per block, with the float operations and their order as ggml's (no fused multiply-adds):
/// - Q8_0: `d = amax / 127`, `id = d ? 1/d : 0`, code `roundf(x·id)` (half away from zero).
/// - Q4_0 / Q5_0: `max` the first element of largest magnitude, `d = max / -8` (`/ -16`),
///   code `min(15, trunc(x·id + 8.5))` (`min(31, trunc(x·id + 16.5))`).
/// - Q4_1 / Q5_1: `d = (max - min) / 15` (`/ 31`), `m = min`, code
///   `trunc((x - min)·id + 0.5)` (Q4_1 capped at 15).
/// `d` is rounded to binary16 only when stored: the codes use the float32 `id`. Truncations
/// follow x86's `cvttss2si`: a NaN or out-of-range value becomes INT32_MIN, of which the code
/// keeps the low byte (0); this is what happens when `d` is so small that `1/d` overflows.
///
/// Vector kernels per instruction set, chosen at run time; they give the bytes of
/// `ck_ggml_legacy_quantize_reference`.
int ck_ggml_legacy_quantize(int type, const void *values, long blocks, void *out);

/// The vector kernels by instruction set (x86-64 only, except the baseline).
enum { CK_GGML_KERNEL_BASELINE = 0, CK_GGML_KERNEL_AVX2 = 1, CK_GGML_KERNEL_AVX512 = 2 };

/// `ck_ggml_legacy_quantize` with the kernel of one instruction set, so that the tests check
/// each on a CPU that has several; returns -1 when the type is unknown or the CPU (or the
/// build's architecture) lacks that kernel.
int ck_ggml_legacy_quantize_with_kernel(int kernel, int type, const void *values, long blocks, void *out);

/// The scalar reference of `ck_ggml_legacy_quantize`, element by element as ggml writes it: the
/// tests' oracle for the vector kernels.
int ck_ggml_legacy_quantize_reference(int type, const void *values, long blocks, void *out);

/// Quantizes one row of `length` float32 values (a multiple of 32) at `row` with the importance
/// `weights` (`length` values), byte for byte as ggml's `quantize_row_<type>_impl` does when
/// given an importance matrix; Q8_0 ignores the weights, as ggml does. Returns 0, or -1 for a
/// type not listed above. See ggml_legacy_weighted.c for the searches.
int ck_ggml_legacy_quantize_weighted(int type, const void *row, long length, const float *weights, void *out);

/// Dequantizes `blocks` blocks at `blocks_in` into `32 · blocks` float32 values at `values`
/// (any alignment), as ggml's `dequantize_row_<type>` does: `x = d · q` with the signed code
/// `q` (code - 8 for Q4_0, code - 16 for Q5_0), or `x = d · q + m` for Q4_1 / Q5_1, each product
/// and sum rounded to float32. Returns 0, or -1 for a type not listed above.
int ck_ggml_legacy_dequantize(int type, const void *blocks_in, long blocks, void *values);

#endif
