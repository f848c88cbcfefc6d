#ifndef QUANTIZE_PACK_KERNELS_H
#define QUANTIZE_PACK_KERNELS_H

#include <stdint.h>

/// How code bytes become stored bytes: each row of `row_length` codes is a bit stream, least
/// significant bit first, code `j` of the row at bits `j * bits ..< (j + 1) * bits`, the row
/// padded with zero bits to a whole number of `word_bytes`-byte little-endian words
/// (compressed-tensors' `pack_to_int32` with 4-byte words; a packed `.npz` member with 1).
/// The packed value of a code byte `c` is `(c + offset) mod 2^bits`. With `bits` 8 and
/// `word_bytes` 1 this is `c + offset` byte for byte.
typedef struct {
    int bits;         ///< 1 ... 8
    long row_length;  ///< codes per row, > 0
    int word_bytes;   ///< 1 or 4
    uint8_t offset;
} ck_packing;

/// The bytes one row packs to: `ceil(row_length * bits / (8 * word_bytes)) * word_bytes`.
long ck_packed_row_bytes(const ck_packing *packing);

/// Packs `count` codes at `codes`, the first at column `column` of its row, to `out`; returns
/// the bytes written. `column * bits` must be a multiple of `8 * word_bytes` (the span starts
/// on a word), and so must the column after the last code unless that code ends its row (the
/// span ends on a word or at a row's end, which is padded): spans cut this way pack
/// independently, so threads can pack their own.
long ck_pack_codes(const uint8_t *codes, long count, long column, const ck_packing *packing, uint8_t *out);

#endif
