#ifndef QUANTIZE_GGML_KQUANTS_WEIGHTED_H
#define QUANTIZE_GGML_KQUANTS_WEIGHTED_H

/// ggml's K-quants with an importance matrix: the bytes llama.cpp's `quantize_<type>` writes for
/// one row when given `quant_weights` (its `quantize_row_<type>_impl`, what `llama-quantize
/// --imatrix` writes), bit for bit. Block layouts are those of ggml_kquants.h.
///
/// Each function quantizes one row of `length` floats (a positive multiple of 256) into
/// `length / 256` blocks at `blocks`, with `importance` holding `length` non-negative floats,
/// one per column (ggml indexes the importance by column, the same for every row). Per block the
/// importance becomes search weights:
///
///   q2_K:        w = importance · √(σ² + x²),  σ² = Σx² / 256 over the block
///   q3_K, q4_K,
///   q5_K:        w = importance · √(σ² + x²),  σ² = 2 · Σx² / 256
///   q6_K:        w = importance
///
/// and the searches change: q2_K, q4_K and q5_K fit each group's scale and min by weighted least
/// squares over 37 candidate scales (ggml's make_qkx3_quants), then the group scales and mins
/// themselves by a weighted search weighted by each group's Σw (make_qp_quants) instead of
/// against the largest; q3_K and q6_K score the symmetric candidates with w (make_qx_quants),
/// q3_K its block scale too. The float operations are ggml's in its order (no fused
/// multiply-adds, no reordered sums), so the bytes are ggml's.

void ck_q2_K_quantize_weighted(const float *row, long length, const float *importance, void *blocks);
void ck_q3_K_quantize_weighted(const float *row, long length, const float *importance, void *blocks);
void ck_q4_K_quantize_weighted(const float *row, long length, const float *importance, void *blocks);
void ck_q5_K_quantize_weighted(const float *row, long length, const float *importance, void *blocks);
void ck_q6_K_quantize_weighted(const float *row, long length, const float *importance, void *blocks);

#endif
