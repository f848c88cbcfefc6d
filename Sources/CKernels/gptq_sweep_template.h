// GPTQ's column sweep for one instruction set, stamped out by gptq_sweep.c with CK_SUFFIX and
// CK_TARGET; sixteen float32 lanes everywhere (one zmm, two ymm or four xmm). See gptq_kernels.h.
#define CK_CAT_(a, b) a##_##b
#define CK_CAT(a, b) CK_CAT_(a, b)

CK_TARGET static void CK_CAT(gptq_sweep, CK_SUFFIX)(float *tile, long width, long first, long last, const float *scale,
                                                   const float *zero_point, float qmin, float qmax, const float *u,
                                                   long ldu, uint8_t *codes, float *errors) {
    ck_sweep_f32x16 s, z;
    __builtin_memcpy(&s, scale, sizeof s);
    __builtin_memcpy(&z, zero_point, sizeof z);
    const ck_sweep_f32x16 lo = (ck_sweep_f32x16)(qmin) - z, hi = (ck_sweep_f32x16)(qmax) - z;
    const ck_sweep_f32x16 m = (ck_sweep_f32x16)(12582912.0f);  // 1.5 * 2^23
    for (long i = first; i < last; i++) {
        ck_sweep_f32x16 x;
        __builtin_memcpy(&x, tile + 16 * i, sizeof x);
        const ck_sweep_f32x16 t = __builtin_elementwise_min(__builtin_elementwise_max(x / s, lo), hi);
        const ck_sweep_f32x16 r = (t + m) - m;
        const ck_sweep_u8x16 bytes = __builtin_convertvector(__builtin_convertvector(r + z, ck_sweep_i32x16), ck_sweep_u8x16);
        __builtin_memcpy(codes + 16 * i, &bytes, sizeof bytes);
        const ck_sweep_f32x16 e = (x - r * s) / (ck_sweep_f32x16)(u[i * ldu + i]);
        __builtin_memcpy(errors + 16 * i, &e, sizeof e);
        for (long j = i + 1; j < width; j++) {
            ck_sweep_f32x16 w;
            __builtin_memcpy(&w, tile + 16 * j, sizeof w);
            w -= e * (ck_sweep_f32x16)(u[i * ldu + j]);
            __builtin_memcpy(tile + 16 * j, &w, sizeof w);
        }
    }
}

#undef CK_CAT_
#undef CK_CAT
