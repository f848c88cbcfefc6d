// Stamps the template named by CK_TEMPLATE (a quoted file name) once per instruction set: with
// CK_SUFFIX avx512 and avx2 on x86-64 (each under its target attribute, CK_TARGET) and base
// everywhere, so that a template's function `f` becomes `f_avx512`, `f_avx2` and `f_base`;
// `CK_BEST(f)` (kernels_support.h) picks the one for this CPU. No include guard: a file may
// stamp several templates.
//
// The templates' vectors pass only between their own static functions, all of one instruction
// set, so the baseline's note that passing them "changes the ABI" never applies (-Wpsabi is off
// from here to the end of the including file).
#pragma clang diagnostic ignored "-Wpsabi"
#if CK_X86
#define CK_SUFFIX avx512
#define CK_TARGET __attribute__((target("avx512f,avx512bw,avx512vl")))
#include CK_TEMPLATE
#undef CK_SUFFIX
#undef CK_TARGET

#define CK_SUFFIX avx2
#define CK_TARGET __attribute__((target("avx2")))
#include CK_TEMPLATE
#undef CK_SUFFIX
#undef CK_TARGET
#endif

#define CK_SUFFIX base
#define CK_TARGET
#include CK_TEMPLATE
#undef CK_SUFFIX
#undef CK_TARGET
#undef CK_TEMPLATE
