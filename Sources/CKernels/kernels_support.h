// Shared by the kernel files; not a public header.
#ifndef CK_SUPPORT_H
#define CK_SUPPORT_H

#include <stdlib.h>

// Packed panels are read with vector loads: 64-byte aligned, and never NULL (a failed
// allocation of a few hundred kilobytes is treated like any other out-of-memory crash).
static inline void *ck_alloc(size_t bytes) {
    void *p = aligned_alloc(64, (bytes + 63) / 64 * 64 + 64);
    if (!p) abort();
    return p;
}

// The x86-64 kernels are compiled for their instruction set with a function attribute and
// chosen at run time, so the library itself needs no compiler flags and runs on any x86-64.
#if defined(__x86_64__) && defined(__clang__)
#define CK_X86 1
#else
#define CK_X86 0
#endif

// The best instruction set of the stamped kernels (kernels_stamp.h) this CPU runs: AVX-512
// with byte/word and vector-length extensions, else AVX2, else the baseline.
#if CK_X86
#define CK_BEST(name)                                                                              \
    (__builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl") ? name##_avx512   \
     : __builtin_cpu_supports("avx2")                                        ? name##_avx2     \
                                                                             : name##_base)
#else
#define CK_BEST(name) name##_base
#endif

#endif
