// The two passes of quantization over float32 data, compiled per instruction set and chosen at
// run time (see kernels_support.h). The plain scalar version of each lives in the tests as the
// oracle; the fixtures pin their codes bit for bit.
#include "CKernels.h"
#include "kernels_support.h"


// `e = x - r * s` must round the product and the difference separately, as the reference does.
#pragma clang fp contract(off)

typedef float ck_f32x16 __attribute__((ext_vector_type(16)));
typedef int32_t ck_i32x16 __attribute__((ext_vector_type(16)));
typedef uint8_t ck_u8x16 __attribute__((ext_vector_type(16)));

// Minimum and maximum as compare-and-select, lane by lane: one instruction on x86 (the
// elementwise builtins promise IEEE minNum/maxNum, NaN-ignoring, which costs fix-ups there).
// The inputs are finite wherever the result matters: NaN and infinity are caught on the side.
#define CK_MIN(a, b) ((a) < (b) ? (a) : (b))
#define CK_MAX(a, b) ((a) > (b) ? (a) : (b))

typedef double ck_f64x16 __attribute__((ext_vector_type(16)));

// Error sums in the making: 16 float32 lanes over the current run, 16 double lanes over the
// runs before it, and double sums of the elements outside the lanes.
typedef struct {
    ck_f32x16 signal, noise, absolute, worst;
    ck_f64x16 run_signal, run_noise, run_absolute;
    ck_error_sums tail;
} ck_lane_sums;

static inline ck_lane_sums ck_lane_sums_zero(void) {
    ck_lane_sums acc;
    acc.signal = acc.noise = acc.absolute = acc.worst = (ck_f32x16)(0.0f);
    acc.run_signal = acc.run_noise = acc.run_absolute = (ck_f64x16)(0.0);
    acc.tail = (ck_error_sums){0, 0, 0, 0};
    return acc;
}

// Ends a run (or a batch of sixteen short runs): its float32 lanes are added to the double ones,
// so that float32 sums never run over more than one run or batch (whose length bounds their
// rounding).
static inline void ck_lane_sums_end_run(ck_lane_sums *acc) {
    acc->run_signal += __builtin_convertvector(acc->signal, ck_f64x16);
    acc->run_noise += __builtin_convertvector(acc->noise, ck_f64x16);
    acc->run_absolute += __builtin_convertvector(acc->absolute, ck_f64x16);
    acc->signal = acc->noise = acc->absolute = (ck_f32x16)(0.0f);
}

// The lanes added into double in lane order, then the elements outside them.
static inline ck_error_sums ck_lane_sums_total(ck_lane_sums *acc) {
    ck_lane_sums_end_run(acc);
    ck_error_sums sums = {0, 0, 0, 0};
    for (int lane = 0; lane < 16; lane++) {
        sums.signal += acc->run_signal[lane];
        sums.noise += acc->run_noise[lane];
        sums.absolute += acc->run_absolute[lane];
        sums.max_error = acc->worst[lane] > sums.max_error ? acc->worst[lane] : sums.max_error;
    }
    sums.signal += acc->tail.signal;
    sums.noise += acc->tail.noise;
    sums.absolute += acc->tail.absolute;
    sums.max_error = acc->tail.max_error > sums.max_error ? acc->tail.max_error : sums.max_error;
    return sums;
}

// `scale` rounded to nearest even in `storage`, its magnitude kept within the type's positive
// finite values (a scale that would round to 0 becomes the smallest, one that would overflow the
// largest); the Swift `ScaleStorage.rounded` is the definition.
__attribute__((always_inline)) static inline float ck_stored_scale(float scale, int storage) {
    if (storage == CK_STORAGE_FLOAT16) {
        float half = (float)(_Float16)scale;
        if (half == 0.0f) return __builtin_copysignf(0x1p-24f, scale);
        return __builtin_isfinite(half) ? half : __builtin_copysignf(65504.0f, scale);
    }
    if (storage == CK_STORAGE_BFLOAT16) {
        uint32_t bits;
        __builtin_memcpy(&bits, &scale, sizeof bits);
        uint32_t rounded = ((bits + 0x7FFFu + ((bits >> 16) & 1u)) >> 16) << 16;
        if ((rounded & 0x7FFFFFFFu) == 0) rounded |= 1u << 16;
        if ((rounded & 0x7FFFFFFFu) == 0x7F800000u) rounded = (rounded & 0x80000000u) | 0x7F7F0000u;
        float result;
        __builtin_memcpy(&result, &rounded, sizeof result);
        return result;
    }
    return scale;
}

// Inlined into each run of the kernels (a call per run costs as much as a short run's codes).
__attribute__((always_inline)) static inline void ck_parameters(float lo, float hi, float extreme,
                                                                const ck_run_rule *rule, float *scale,
                                                                float *zero_point) {
    if (rule->full_range) {
        float s = extreme / -(float)(1 << (rule->bits - 1));
        *scale = ck_stored_scale(s == 0.0f ? 1.0f : s, rule->storage);
        *zero_point = 0.0f;
        return;
    }
    if (rule->symmetric) {
        float magnitude = hi >= -lo ? hi : -lo;
        float s = magnitude / (float)((1 << (rule->bits - 1)) - 1);
        *scale = ck_stored_scale(s == 0.0f ? 1.0f : s, rule->storage);
        *zero_point = 0.0f;
        return;
    }
    const float levels = (float)((1 << rule->bits) - 1);
    float span = hi - lo;
    float s = __builtin_isfinite(span) ? span / levels : hi / levels - lo / levels;
    s = ck_stored_scale(s == 0.0f ? 1.0f : s, rule->storage);
    float z = __builtin_roundevenf(-lo / s);
    z = 0.0f >= z ? 0.0f : z;
    z = levels < z ? levels : z;
    *scale = s;
    *zero_point = z;
}

void ck_run_parameters(float lo, float hi, float extreme, const ck_run_rule *rule, float *scale, float *zero_point) {
    ck_parameters(lo, hi, extreme, rule, scale, zero_point);
}

// The full range's extreme of a run whose range is `[lo, hi]`: `lo` or `hi`, whichever has the
// larger magnitude; on a tie (-lo == hi != 0), the first element of that magnitude in the run.
static inline float ck_full_range_extreme(float lo, float hi, const unsigned char *run, long length) {
    if (-lo > hi) return lo;
    if (hi > -lo || hi == 0.0f) return hi;
    for (long i = 0; i < length; i++) {
        float x;
        __builtin_memcpy(&x, run + 4 * i, sizeof x);
        if (x == hi || x == lo) return x;
    }
    return hi;
}

// The code range of a rule's codes: `[qmin, qmax]`.
static inline float ck_qmin(const ck_run_rule *rule) {
    return rule->symmetric ? -(float)(1 << (rule->bits - 1)) : 0.0f;
}

static inline float ck_qmax(const ck_run_rule *rule) {
    return rule->symmetric ? (float)((1 << (rule->bits - 1)) - 1) : (float)((1 << rule->bits) - 1);
}

// Runs up to this length (whose sixteen fit the first-level cache twice over) are quantized
// sixteen at a time; longer ones amortize their own reductions.
#define CK_SHORT_RUN 256

#define CK_TEMPLATE "quantize_template.h"
#include "kernels_stamp.h"

void ck_range_fold(const void *values, long count, float *min, float *max, int *finite) {
    CK_BEST(range_fold)(values, count, min, max, finite);
}

ck_error_sums ck_quantize_run(const void *values, long count, uint8_t *codes, float scale, float zero_point,
                              float qmin, float qmax, int measure) {
    return CK_BEST(quantize_run)(values, count, codes, scale, zero_point, qmin, qmax, measure);
}

ck_error_sums ck_quantize_runs(const void *values, long runs, long length, const ck_run_rule *rule, float *scales,
                               float *zero_points, uint8_t *codes, int measure, long *bad_run) {
    return CK_BEST(quantize_runs)(values, runs, length, rule, scales, zero_points, codes, measure, bad_run);
}

const char *ck_quantize_kernel_name(void) {
#if CK_X86
    if (__builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl")) return "avx512f";
    if (__builtin_cpu_supports("avx2")) return "avx2";
#endif
    return "baseline";
}
