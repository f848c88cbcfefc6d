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
    float low = *min, high = *max, tail = 0.0f;
    for (int lane = 0; lane < 16; lane++) {
        low = lo[lane] < low ? lo[lane] : low;
        high = hi[lane] > high ? hi[lane] : high;
        tail += poison[lane];
    }
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

CK_TARGET static ck_error_sums CK_CAT(quantize_run, CK_SUFFIX)(const unsigned char *values, long count, uint8_t *codes,
                                                              float scale, float zero_point, float qmin, float qmax,
                                                              int measure) {
    const float magic = 12582912.0f;  // 1.5 * 2^23
    const ck_f32x16 s = (ck_f32x16)(scale);
    const ck_f32x16 lo = (ck_f32x16)(qmin - zero_point);
    const ck_f32x16 hi = (ck_f32x16)(qmax - zero_point);
    const ck_f32x16 m = (ck_f32x16)(magic);
    const ck_f32x16 z = (ck_f32x16)(zero_point);
    ck_f32x16 signal = (ck_f32x16)(0.0f), noise = signal, absolute = signal, worst = signal;
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
            signal += x * x;
            noise += e * e;
            absolute += magnitude;
            worst = __builtin_elementwise_max(worst, magnitude);
        }
    }
    ck_error_sums sums = {0, 0, 0, 0};
    for (int lane = 0; lane < 16; lane++) {
        sums.signal += signal[lane];
        sums.noise += noise[lane];
        sums.absolute += absolute[lane];
        sums.max_error = worst[lane] > sums.max_error ? worst[lane] : sums.max_error;
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
            sums.signal += (double)(x * x);
            sums.noise += (double)(e * e);
            sums.absolute += (double)magnitude;
            sums.max_error = magnitude > sums.max_error ? magnitude : sums.max_error;
        }
    }
    return sums;
}

#undef CK_CAT
#undef CK_CAT_
