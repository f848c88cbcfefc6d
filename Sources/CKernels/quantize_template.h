// One instruction set's quantization kernels, stamped out by quantize.c with CK_SUFFIX and
// CK_TARGET. Sixteen float32 lanes on every instruction set (one zmm, two ymm or four xmm), so
// the error sums are added in the same order everywhere.

#define CK_CAT_(a, b) a##_##b
#define CK_CAT(a, b) CK_CAT_(a, b)

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
        lo = __builtin_elementwise_min(lo, x);
        hi = __builtin_elementwise_max(hi, x);
        poison += x - x;
    }
    float low = __builtin_reduce_min(lo), high = __builtin_reduce_max(hi);
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
        ck_f32x16 t = __builtin_elementwise_min(__builtin_elementwise_max(x / s, lo), hi);
        ck_f32x16 r = (t + m) - m;
        ck_u8x16 bytes = __builtin_convertvector(__builtin_convertvector(r + z, ck_i32x16), ck_u8x16);
        __builtin_memcpy(codes + i, &bytes, sizeof bytes);
        if (measure) {
            ck_f32x16 e = x - r * s;
            ck_f32x16 magnitude = __builtin_elementwise_abs(e);
            acc->signal += x * x;
            acc->noise += e * e;
            acc->absolute += magnitude;
            acc->worst = __builtin_elementwise_max(acc->worst, magnitude);
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
        ck_run_parameters(lo, hi, rule, scales + r, zero_points + r);
        CK_CAT(quantize_into, CK_SUFFIX)(run, length, codes + r * length, scales[r], zero_points[r], qmin, qmax,
                                         measure, &acc);
    }
    return ck_lane_sums_total(&acc);
}

#undef CK_CAT
#undef CK_CAT_
