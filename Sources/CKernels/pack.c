// Packing code bytes into bit streams (see pack_kernels.h). Plain C: the loops are byte and
// 64-bit integer work that the baseline instruction set does well, eight codes at a time for the
// widths that divide a byte.
#include <string.h>

#include "pack_kernels.h"

long ck_packed_row_bytes(const ck_packing *packing) {
    long word_bits = 8L * packing->word_bytes;
    return (packing->row_length * packing->bits + word_bits - 1) / word_bits * packing->word_bytes;
}

static const uint64_t low7 = 0x7F7F7F7F7F7F7F7FULL;
static const uint64_t high1 = 0x8080808080808080ULL;

// Eight code bytes loaded little-endian, each plus `spread`'s byte, modulo 256 each.
static inline uint64_t load_offset(const uint8_t *codes, uint64_t spread) {
    uint64_t v;
    memcpy(&v, codes, sizeof v);
    return ((v & low7) + (spread & low7)) ^ ((v ^ spread) & high1);
}

// 8 codes of 4 bits (bytes b0..b7, each < 16) to 4 bytes b0 | b1 << 4, b2 | b3 << 4, ...
static inline uint32_t pair_nibbles(uint64_t v) {
    v = (v | (v >> 4)) & 0x00FF00FF00FF00FFULL;
    v = (v | (v >> 8)) & 0x0000FFFF0000FFFFULL;
    return (uint32_t)(v | (v >> 16));
}

// 8 codes of 2 bits (each < 4) to 2 bytes b0 | b1 << 2 | b2 << 4 | b3 << 6, then b4 ...
static inline uint16_t gather_crumbs(uint64_t v) {
    v = (v | (v >> 6)) & 0x000F000F000F000FULL;
    v = (v | (v >> 12)) & 0x000000FF000000FFULL;
    return (uint16_t)(v | (v >> 24));
}

// The bit stream of `n` codes, least significant bit first, its last byte padded with zeros;
// returns the bytes written.
static long pack_bits(const uint8_t *codes, long n, int bits, uint8_t offset, uint8_t *out) {
    const uint8_t mask = (uint8_t)((1u << bits) - 1);
    const uint64_t spread = 0x0101010101010101ULL * offset;
    long i = 0, w = 0;
    if (bits == 8) {
        for (; i < n; i++) out[i] = (uint8_t)(codes[i] + offset);
        return n;
    }
    if (bits == 4) {
        for (; i + 8 <= n; i += 8, w += 4) {
            uint32_t packed = pair_nibbles(load_offset(codes + i, spread) & 0x0F0F0F0F0F0F0F0FULL);
            memcpy(out + w, &packed, sizeof packed);
        }
    } else if (bits == 2) {
        for (; i + 8 <= n; i += 8, w += 2) {
            uint16_t packed = gather_crumbs(load_offset(codes + i, spread) & 0x0303030303030303ULL);
            memcpy(out + w, &packed, sizeof packed);
        }
    }
    uint64_t pending = 0;
    int pending_bits = 0;
    for (; i < n; i++) {
        pending |= (uint64_t)((uint8_t)(codes[i] + offset) & mask) << pending_bits;
        pending_bits += bits;
        while (pending_bits >= 8) {
            out[w++] = (uint8_t)pending;
            pending >>= 8;
            pending_bits -= 8;
        }
    }
    if (pending_bits > 0) out[w++] = (uint8_t)pending;
    return w;
}

long ck_pack_codes(const uint8_t *codes, long count, long column, const ck_packing *packing, uint8_t *out) {
    const long row_bytes = ck_packed_row_bytes(packing);
    long total = 0;
    while (count > 0) {
        long n = packing->row_length - column < count ? packing->row_length - column : count;
        long written = pack_bits(codes, n, packing->bits, packing->offset, out);
        if (column + n == packing->row_length) {
            // The row ends here: zero bytes up to its last word.
            long done = column * packing->bits / 8 + written;
            memset(out + written, 0, (size_t)(row_bytes - done));
            written += row_bytes - done;
            column = 0;
        } else {
            column += n;
        }
        codes += n;
        count -= n;
        out += written;
        total += written;
    }
    return total;
}
