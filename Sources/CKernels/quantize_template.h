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

CK_TARGET static ck_error_sums CK_CAT(quantize_runs, CK_SUFFIX)(const unsigned char *values, long runs, long length,
                                                               const ck_run_rule *rule, float *scales,
                                                               float *zero_points, uint8_t *codes, int measure,
                                                               long *bad_run) {
    const float qmin = rule->symmetric ? -(float)(1 << (rule->bits - 1)) : 0.0f;
    const float qmax = rule->symmetric ? (float)((1 << (rule->bits - 1)) - 1) : (float)((1 << rule->bits) - 1);
    ck_lane_sums acc = ck_lane_sums_zero();
    for (long r = 0; r < runs; r++) {
        const unsigned char *run = values + 4 * r * length;
        float lo = 0.0f, hi = 0.0f;
        int finite = 1;
        CK_CAT(range_fold, CK_SUFFIX)(run, length, &lo, &hi, &finite);
        if (!finite) {
            *bad_run = r;
            break;
        }
        float extreme = rule->full_range ? ck_full_range_extreme(lo, hi, run, length) : 0.0f;
        ck_parameters(lo, hi, extreme, rule, scales + r, zero_points + r);
        CK_CAT(quantize_into, CK_SUFFIX)(run, length, codes + r * length, scales[r], zero_points[r], qmin, qmax,
                                         measure, &acc);
        if (measure) ck_lane_sums_end_run(&acc);
    }
    return ck_lane_sums_total(&acc);
}

#undef CK_CAT
#undef CK_CAT_
