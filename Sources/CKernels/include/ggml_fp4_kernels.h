#ifndef QUANTIZE_GGML_FP4_KERNELS_H
#define QUANTIZE_GGML_FP4_KERNELS_H

/// ggml's two FP4 (E2M1) block types, whose elements are nibbles indexing the doubled E2M1
/// values `k = {0, 1, 2, 3, 4, 6, 8, 12, 0, -1, -2, -3, -4, -6, -8, -12}` (ggml's `kvalues_mxfp4`:
/// twice the E2M1 magnitudes 0, 0.5, ..., 6, sign in bit 3), so a block's scale is stored halved:
///
/// - MXFP4 (ggml type 39, 17 bytes per 32 elements): `e` (an E8M0 exponent byte), `qs[16]`; the
///   value of nibble `q` is `k[q] · d`, `d = 2^(e - 128)` (`ggml_e8m0_to_fp32_half`: for `e < 2`
///   the float32 subnormals 2^-128 and 2^-127).
/// - NVFP4 (ggml type 40, 36 bytes per 64 elements): `d[4]` (one unsigned E4M3 byte per 16
///   elements, bias 7, no sign), `qs[32]`; the value is `k[q] · d/2` with `d` the E4M3 value
///   (`ggml_ue4m3_to_fp32`; bytes 0x00 and 0x7F read as 0). ggml's block has no global scale.
///
/// In both, element `j` of a group of `2n` (32 for MXFP4, each 16 of NVFP4) is the low nibble
/// of `qs[j]` for `j < n`, the high nibble of `qs[j - n]` otherwise.

/// Quantizes `blocks` blocks of 32 float32 values at `values` (any alignment) to MXFP4 at `out`,
/// byte for byte as ggml's `quantize_row_mxfp4_ref`: `amax` the block's largest magnitude,
/// `e = (uint8) (floorf(log2f(amax)) - 2 + 127)` (0 for an all-zero block) with the C library's
/// `log2f`, as ggml calls it; the float-to-byte conversion of an exponent below 0 (amax below
/// 2^-125, where C leaves it undefined) keeps the low byte of the int32 truncation, as x86's
/// `cvttss2si` does in the compiled ggml. Each nibble is the first index of the least
/// `|k[i] · d - x|` (so ties go to the smaller magnitude, and ±0 to +0). Values must be finite.
void ck_ggml_mxfp4_quantize(const void *values, long blocks, void *out);

/// Quantizes `blocks` blocks of 64 float32 values to NVFP4, byte for byte as ggml's
/// `quantize_row_nvfp4_ref`: per 16 elements `d = ue4m3(amax / 6)` (`ggml_fp32_to_ue4m3`: clamp
/// to 448; a normal keeps 3 mantissa bits rounded half up on the fourth, carrying into the
/// exponent; 0x7E past the top; below 2^-6 the subnormal `(int) (x · 512 + 0.5)` capped at 7;
/// 0 for a non-positive value), then each nibble as for MXFP4 with the scale `d/2`.
void ck_ggml_nvfp4_quantize(const void *values, long blocks, void *out);

/// Dequantizes `blocks` MXFP4 blocks into `32 · blocks` float32 values (any alignment), as
/// ggml's `dequantize_row_mxfp4`: each value the float32 product `k[q] · d`.
void ck_ggml_mxfp4_dequantize(const void *blocks_in, long blocks, void *values);

/// Dequantizes `blocks` NVFP4 blocks into `64 · blocks` float32 values, as ggml's
/// `dequantize_row_nvfp4`: each value `k[q] · d/2`.
void ck_ggml_nvfp4_dequantize(const void *blocks_in, long blocks, void *values);

#endif
