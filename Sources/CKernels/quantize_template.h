// One instruction set's quantization kernels, stamped out by quantize.c with CK_SUFFIX and
// CK_TARGET. Sixteen float32 lanes on every instruction set (one zmm, two ymm or four xmm), so
// the error sums are added in the same order everywhere.

#define CK_CAT_(a, b) a##_##b
#define CK_CAT(a, b) CK_CAT_(a, b)

// The smallest and the largest of 16 lanes, by halving.
CK_TARGET static inline float CK_CAT(reduce_min, CK_SUFFIX)(ck_f32x16 a) {
    a = CK_MIN(a, __builtin_shufflevector(a, a, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7));
    a = CK_MIN(a, __builtin_shufflevector(a, a, 4, 5, 6, 7, 0, 1, 2, 3, 12, 13, 14, 15, 8, 9, 10, 11));
    a = CK_MIN(a, __builtin_shufflevector(a, a, 2, 3, 0, 1, 6, 7, 4, 5, 10, 11, 8, 9, 14, 15, 12, 13));
    a = CK_MIN(a, __builtin_shufflevector(a, a, 1, 0, 3, 2, 5, 4, 7, 6, 9, 8, 11, 10, 13, 12, 15, 14));
    return a[0];
}

CK_TARGET static inline float CK_CAT(reduce_max, CK_SUFFIX)(ck_f32x16 a) {
    a = CK_MAX(a, __builtin_shufflevector(a, a, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7));
    a = CK_MAX(a, __builtin_shufflevector(a, a, 4, 5, 6, 7, 0, 1, 2, 3, 12, 13, 14, 15, 8, 9, 10, 11));
    a = CK_MAX(a, __builtin_shufflevector(a, a, 2, 3, 0, 1, 6, 7, 4, 5, 10, 11, 8, 9, 14, 15, 12, 13));
    a = CK_MAX(a, __builtin_shufflevector(a, a, 1, 0, 3, 2, 5, 4, 7, 6, 9, 8, 11, 10, 13, 12, 15, 14));
    return a[0];
}

CK_TARGET static void CK_CAT(range_fold, CK_SUFFIX)(const unsigned char *values, long count, float *min, float *max,
                                                   int *finite) {
    ck_f32x16 lo = (ck_f32x16)(*min);
    ck_f32x16 hi = (ck_f32x16)(*max);
    // x - x is 0 for finite x and NaN for NaN and infinities; NaN sticks in the sum.
    ck_f32x16 poison = (ck_f32x16)(0.0f);
    long i = 0;
    for (; i + 16 <= count; i += 16) {
        ck_f32x16 x;
        __builtin_memcpy(&x, values + 4 * i, sizeof x);
        lo = CK_MIN(lo, x);
        hi = CK_MAX(hi, x);
        poison += x - x;
    }
    float low = CK_CAT(reduce_min, CK_SUFFIX)(lo), high = CK_CAT(reduce_max, CK_SUFFIX)(hi);
    ck_i32x16 poisoned = poison != poison;  // NaN lanes
    float tail = __builtin_reduce_or(poisoned) ? __builtin_nanf("") : 0.0f;
    for (; i < count; i++) {
        float x;
        __builtin_memcpy(&x, values + 4 * i, sizeof x);
        low = x < low ? x : low;
        high = x > high ? x : high;
        tail += x - x;
    }
    *min = low;
    *max = high;
    if (tail != 0.0f) *finite = 0;
}

// Writes the codes of `count` values and adds their errors to `acc`: whole groups of 16 in
// the lanes, the rest one by one in double.
CK_TARGET static inline void CK_CAT(quantize_into, CK_SUFFIX)(const unsigned char *values, long count, uint8_t *codes,
                                                             float scale, float zero_point, float qmin, float qmax,
                                                             int measure, ck_lane_sums *acc) {
    const float magic = 12582912.0f;  // 1.5 * 2^23
    const ck_f32x16 s = (ck_f32x16)(scale);
    const ck_f32x16 lo = (ck_f32x16)(qmin - zero_point);
    const ck_f32x16 hi = (ck_f32x16)(qmax - zero_point);
    const ck_f32x16 m = (ck_f32x16)(magic);
    const ck_f32x16 z = (ck_f32x16)(zero_point);
    long i = 0;
    for (; i + 16 <= count; i += 16) {
        ck_f32x16 x;
        __builtin_memcpy(&x, values + 4 * i, sizeof x);
        ck_f32x16 t = CK_MIN(CK_MAX(x / s, lo), hi);
        ck_f32x16 r = (t + m) - m;
        ck_u8x16 bytes = __builtin_convertvector(__builtin_convertvector(r + z, ck_i32x16), ck_u8x16);
        __builtin_memcpy(codes + i, &bytes, sizeof bytes);
        if (measure) {
            ck_f32x16 e = x - r * s;
            ck_f32x16 magnitude = __builtin_elementwise_abs(e);
            acc->signal += x * x;
            acc->noise += e * e;
            acc->absolute += magnitude;
            acc->worst = CK_MAX(acc->worst, magnitude);
        }
    }
    for (; i < count; i++) {
        float x;
        __builtin_memcpy(&x, values + 4 * i, sizeof x);
        float t = x / scale;
        t = t < qmin - zero_point ? qmin - zero_point : t;
        t = t > qmax - zero_point ? qmax - zero_point : t;
        float r = (t + magic) - magic;
        codes[i] = (uint8_t)(int32_t)(r + zero_point);
        if (measure) {
            float e = x - r * scale;
            float magnitude = e < 0 ? -e : e;
            acc->tail.signal += (double)(x * x);
            acc->tail.noise += (double)(e * e);
            acc->tail.absolute += (double)magnitude;
            acc->tail.max_error = magnitude > acc->tail.max_error ? magnitude : acc->tail.max_error;
        }
    }
}

CK_TARGET static ck_error_sums CK_CAT(quantize_run, CK_SUFFIX)(const unsigned char *values, long count, uint8_t *codes,
                                                              float scale, float zero_point, float qmin, float qmax,
                                                              int measure) {
    ck_lane_sums acc = ck_lane_sums_zero();
    CK_CAT(quantize_into, CK_SUFFIX)(values, count, codes, scale, zero_point, qmin, qmax, measure, &acc);
    return ck_lane_sums_total(&acc);
}

// Quantizes run `r` of `length` at `values` in one pass (see `ck_quantize_runs`); returns 0,
// writing nothing, when it holds a NaN or an infinity.
CK_TARGET static inline int CK_CAT(quantize_one_run, CK_SUFFIX)(const unsigned char *values, long r, long length,
                                                               const ck_run_rule *rule, float *scales,
                                                               float *zero_points, uint8_t *codes, int measure,
                                                               ck_lane_sums *acc) {
    const unsigned char *run = values + 4 * r * length;
    float lo = 0.0f, hi = 0.0f;
    int finite = 1;
    CK_CAT(range_fold, CK_SUFFIX)(run, length, &lo, &hi, &finite);
    if (!finite) return 0;
    float extreme = rule->full_range ? ck_full_range_extreme(lo, hi, run, length) : 0.0f;
    ck_parameters(lo, hi, extreme, rule, scales + r, zero_points + r);
    CK_CAT(quantize_into, CK_SUFFIX)(run, length, codes + r * length, scales[r], zero_points[r], ck_qmin(rule),
                                     ck_qmax(rule), measure, acc);
    if (measure) ck_lane_sums_end_run(acc);
    return 1;
}

// Lanes 0-7 of `a` then 0-7 of `b`, against lanes 8-15 of each: the first step of reducing
// sixteen vectors at once (each output lane then covers two of one input's lanes); the
// following steps halve again, until lane r holds the reduction of input r.
#define CK_HALVES_A 0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23
#define CK_HALVES_B 8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31
#define CK_QUARTERS_A 0, 1, 2, 3, 8, 9, 10, 11, 16, 17, 18, 19, 24, 25, 26, 27
#define CK_QUARTERS_B 4, 5, 6, 7, 12, 13, 14, 15, 20, 21, 22, 23, 28, 29, 30, 31
#define CK_EIGHTHS_A 0, 1, 4, 5, 8, 9, 12, 13, 16, 17, 20, 21, 24, 25, 28, 29
#define CK_EIGHTHS_B 2, 3, 6, 7, 10, 11, 14, 15, 18, 19, 22, 23, 26, 27, 30, 31
#define CK_EVENS 0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30
#define CK_ODDS 1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31
#define CK_MERGE(op, a, b, A, B) op(__builtin_shufflevector(a, b, A), __builtin_shufflevector(a, b, B))

// Lane r of `*out`: the minimum (or maximum) of the 16 lanes of `v[r]`.
#define CK_DEFINE_REDUCE16(name, op)                                                                        \
    CK_TARGET static inline void CK_CAT(name, CK_SUFFIX)(const ck_f32x16 v[16], ck_f32x16 *out) {         \
        ck_f32x16 halves[8], quarters[4], eighths[2];                                                     \
        for (int i = 0; i < 8; i++) halves[i] = CK_MERGE(op, v[2 * i], v[2 * i + 1], CK_HALVES_A, CK_HALVES_B); \
        for (int i = 0; i < 4; i++)                                                                       \
            quarters[i] = CK_MERGE(op, halves[2 * i], halves[2 * i + 1], CK_QUARTERS_A, CK_QUARTERS_B);   \
        for (int i = 0; i < 2; i++)                                                                       \
            eighths[i] = CK_MERGE(op, quarters[2 * i], quarters[2 * i + 1], CK_EIGHTHS_A, CK_EIGHTHS_B);  \
        *out = CK_MERGE(op, eighths[0], eighths[1], CK_EVENS, CK_ODDS);                                   \
    }
CK_DEFINE_REDUCE16(reduce16_min, CK_MIN)
CK_DEFINE_REDUCE16(reduce16_max, CK_MAX)

// The ranges (from 0) of 16 consecutive runs of `length` (a multiple of 16), lane r for run r;
// returns 0 when one of them holds a NaN or an infinity. Reducing the 16 runs together takes
// 15 shuffle steps where one run at a time takes 64, and leaves the runs independent of each
// other for the scale computations that follow.
CK_TARGET static inline int CK_CAT(ranges16, CK_SUFFIX)(const unsigned char *values, long length, ck_f32x16 *lo,
                                                       ck_f32x16 *hi) {
    ck_f32x16 lows[16], highs[16];
    ck_f32x16 poison = (ck_f32x16)(0.0f);
    for (int r = 0; r < 16; r++) {
        ck_f32x16 low = (ck_f32x16)(0.0f), high = (ck_f32x16)(0.0f);
        for (long i = 0; i < length; i += 16) {
            ck_f32x16 x;
            __builtin_memcpy(&x, values + 4 * (r * length + i), sizeof x);
            low = CK_MIN(low, x);
            high = CK_MAX(high, x);
            poison += x - x;
        }
        lows[r] = low;
        highs[r] = high;
    }
    ck_i32x16 poisoned = poison != poison;
    if (__builtin_reduce_or(poisoned)) return 0;
    CK_CAT(reduce16_min, CK_SUFFIX)(lows, lo);
    CK_CAT(reduce16_max, CK_SUFFIX)(highs, hi);
    return 1;
}

// `ck_parameters` for sixteen ranges at once, lane r for range r, into `scales[0 ... 15]` and
// `zero_points[0 ... 15]`: the same operations lane by lane, so the same bits. The rounding of
// the zero point clamps first (to integer bounds, so it commutes with rounding) and then rounds
// half to even by adding and subtracting 1.5·2^23, exact on [0, 255].
CK_TARGET static inline void CK_CAT(parameters16, CK_SUFFIX)(ck_f32x16 lo, ck_f32x16 hi, const float *extremes,
                                                            const ck_run_rule *rule, float *scales,
                                                            float *zero_points) {
    const ck_f32x16 one = (ck_f32x16)(1.0f), zero = (ck_f32x16)(0.0f);
    ck_f32x16 s, z = zero;
    if (rule->full_range) {
        ck_f32x16 extreme;
        __builtin_memcpy(&extreme, extremes, sizeof extreme);
        s = extreme / (ck_f32x16)(-(float)(1 << (rule->bits - 1)));
    } else if (rule->symmetric) {
        s = (hi >= -lo ? hi : -lo) / (ck_f32x16)((float)((1 << (rule->bits - 1)) - 1));
    } else {
        const ck_f32x16 levels = (ck_f32x16)((float)((1 << rule->bits) - 1));
        ck_f32x16 span = hi - lo;
        s = __builtin_elementwise_abs(span) < (ck_f32x16)(__builtin_inff()) ? span / levels : hi / levels - lo / levels;
    }
    s = s == zero ? one : s;
    if (rule->storage != CK_STORAGE_FLOAT32) {
        for (int k = 0; k < 16; k++) s[k] = ck_stored_scale(s[k], rule->storage);
    }
    if (!rule->symmetric) {
        const ck_f32x16 levels = (ck_f32x16)((float)((1 << rule->bits) - 1));
        const ck_f32x16 magic = (ck_f32x16)(12582912.0f);
        ck_f32x16 t = -lo / s;
        t = CK_MIN(CK_MAX(t, zero), levels);
        z = (t + magic) - magic;
    }
    __builtin_memcpy(scales, &s, sizeof s);
    __builtin_memcpy(zero_points, &z, sizeof z);
}

// Short runs, sixteen at a time: ranges reduced together, parameters computed together, then
// each run's codes. Returns 0, having written nothing, when one of the sixteen is not finite.
CK_TARGET static inline int CK_CAT(quantize_16_runs, CK_SUFFIX)(const unsigned char *values, long r, long length,
                                                               const ck_run_rule *rule, float *scales,
                                                               float *zero_points, uint8_t *codes, int measure,
                                                               ck_lane_sums *acc) {
    const unsigned char *first = values + 4 * r * length;
    ck_f32x16 lo, hi;
    if (!CK_CAT(ranges16, CK_SUFFIX)(first, length, &lo, &hi)) return 0;
    float extremes[16];
    if (rule->full_range) {
        for (int k = 0; k < 16; k++) extremes[k] = ck_full_range_extreme(lo[k], hi[k], first + 4 * k * length, length);
    }
    CK_CAT(parameters16, CK_SUFFIX)(lo, hi, extremes, rule, scales + r, zero_points + r);
    for (int k = 0; k < 16; k++) {
        CK_CAT(quantize_into, CK_SUFFIX)(first + 4 * k * length, length, codes + (r + k) * length, scales[r + k],
                                         zero_points[r + k], ck_qmin(rule), ck_qmax(rule), measure, acc);
    }
    if (measure) ck_lane_sums_end_run(acc);
    return 1;
}

CK_TARGET static ck_error_sums CK_CAT(quantize_runs, CK_SUFFIX)(const unsigned char *values, long runs, long length,
                                                               const ck_run_rule *rule, float *scales,
                                                               float *zero_points, uint8_t *codes, int measure,
                                                               long *bad_run) {
    ck_lane_sums acc = ck_lane_sums_zero();
    long r = 0;
    if (length % 16 == 0 && length <= CK_SHORT_RUN) {
        // A batch holding a NaN or an infinity is left to the run-by-run loop, which finds it.
        while (r + 16 <= runs &&
               CK_CAT(quantize_16_runs, CK_SUFFIX)(values, r, length, rule, scales, zero_points, codes, measure, &acc)) {
            r += 16;
        }
    }
    for (; r < runs; r++) {
        if (!CK_CAT(quantize_one_run, CK_SUFFIX)(values, r, length, rule, scales, zero_points, codes, measure, &acc)) {
            *bad_run = r;
            break;
        }
    }
    return ck_lane_sums_total(&acc);
}

#undef CK_HALVES_A
#undef CK_HALVES_B
#undef CK_QUARTERS_A
#undef CK_QUARTERS_B
#undef CK_EIGHTHS_A
#undef CK_EIGHTHS_B
#undef CK_EVENS
#undef CK_ODDS
#undef CK_MERGE
#undef CK_DEFINE_REDUCE16
#undef CK_CAT
#undef CK_CAT_
