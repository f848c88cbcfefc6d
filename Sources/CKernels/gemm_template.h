// One GEMM, stamped out once per element type and instruction set by `sgemm.c` (float) and
// `dgemm.c` (double), which define:
//   CK_REAL     the element type, float or double
//   CK_GEMM     name prefix of the generated functions (sgemm, dgemm)
//   CK_SUFFIX   name suffix of the generated functions
//   CK_TARGET   the function attribute selecting the instruction set (may be empty)
//   CK_LANES    elements per vector register
//   CK_MR       rows of C per micro-tile
//   CK_NV       vectors per micro-tile row (so CK_NR = CK_NV * CK_LANES columns)
//   CK_GEMM_KC  k steps per packed block; CK_GEMM_MC rows of A packed at a time
// Not a public header: included only by sgemm.c and dgemm.c.

#define CK_NR (CK_NV * CK_LANES)
#define CK_CAT_(a, b) a##_##b
#define CK_CAT(a, b) CK_CAT_(a, b)
#define CK_NAME(part) CK_CAT(CK_CAT(CK_GEMM, part), CK_SUFFIX)
#define CK_VEC CK_NAME(vec)

// aligned(sizeof(CK_REAL)): C rows need not be vector-aligned.
typedef CK_REAL CK_VEC __attribute__((vector_size(CK_LANES * sizeof(CK_REAL)), aligned(sizeof(CK_REAL))));

// The micro-kernel, the only hot loop: a CK_MR x CK_NR tile of C from a packed A panel
// (`kc` steps of CK_MR values) and a packed B panel (`kc` steps of CK_NR values). Each of the
// CK_MR x CK_NV accumulators stays in a register; one step loads CK_NV vectors of B and
// multiplies them by each broadcast A value. The tile is written whole when it lies inside C
// (`rows`, `cols` = CK_MR, CK_NR), through a stack copy otherwise, with the same arithmetic:
// C = tile, C + tile (`accumulate`) or C - tile (`accumulate` and `negate`).
CK_TARGET static void CK_NAME(micro)(long kc, const CK_REAL *restrict ap, const CK_REAL *restrict bp, CK_REAL *restrict c,
                                     long ldc, long rows, long cols, int accumulate, int negate) {
    CK_VEC acc[CK_MR][CK_NV];
    // The tile of C is read at the end: ask for its lines now, while the k loop runs.
    if (accumulate && rows == CK_MR)
        for (int i = 0; i < CK_MR; i++)
            for (long j = 0; j < CK_NR; j += 64 / sizeof(CK_REAL)) __builtin_prefetch(c + i * ldc + j, 1);
#pragma clang loop unroll(full)
    for (int i = 0; i < CK_MR; i++)
#pragma clang loop unroll(full)
        for (int v = 0; v < CK_NV; v++) acc[i][v] = (CK_VEC){0};
    for (long p = 0; p < kc; p++) {
        CK_VEC b[CK_NV];
#pragma clang loop unroll(full)
        for (int v = 0; v < CK_NV; v++) b[v] = *(const CK_VEC *)(bp + p * CK_NR + v * CK_LANES);
#pragma clang loop unroll(full)
        for (int i = 0; i < CK_MR; i++) {
            const CK_REAL ai = ap[p * CK_MR + i];
#pragma clang loop unroll(full)
            for (int v = 0; v < CK_NV; v++) acc[i][v] += ai * b[v];
        }
    }
    if (rows == CK_MR && cols == CK_NR) {
        for (int i = 0; i < CK_MR; i++)
            for (int v = 0; v < CK_NV; v++) {
                CK_VEC *out = (CK_VEC *)(c + i * ldc + v * CK_LANES);
                *out = !accumulate ? acc[i][v] : negate ? *out - acc[i][v] : *out + acc[i][v];
            }
    } else {
        CK_REAL tile[CK_MR * CK_NR];
        for (int i = 0; i < CK_MR; i++)
            for (int v = 0; v < CK_NV; v++) *(CK_VEC *)(tile + i * CK_NR + v * CK_LANES) = acc[i][v];
        for (long i = 0; i < rows; i++)
            for (long j = 0; j < cols; j++) {
                CK_REAL *out = c + i * ldc + j;
                *out = !accumulate ? tile[i * CK_NR + j] : negate ? *out - tile[i * CK_NR + j] : *out + tile[i * CK_NR + j];
            }
    }
}

// The blocked driver: for each block of CK_GEMM_KC steps of k, pack the block's B columns into
// CK_NR-wide panels (kept in L2, one panel in L1 while it is used), then for each CK_GEMM_MC
// rows pack A into CK_MR-tall panels and run the micro-kernel over every (B panel, A panel).
// Packing pads partial panels with zeros, which only reach outputs that are never stored.
// Each k block's sums meet C as `mode` says (CK_GEMM_STORE: the first block overwrites C and
// later blocks add to it), then the bias, if any, is added.
CK_TARGET static void CK_NAME(driver)(const CK_REAL *a, long lda, const CK_REAL *b, long ldb, const CK_REAL *bias,
                                      CK_REAL *c, long ldc, long k, long m0, long m1, long n0, long n1, ck_gemm_mode mode) {
    const long bpanels = (n1 - n0 + CK_NR - 1) / CK_NR;
    const long apanels = ((m1 - m0 < CK_GEMM_MC ? m1 - m0 : CK_GEMM_MC) + CK_MR - 1) / CK_MR;
    const long kmax = k < CK_GEMM_KC ? k : CK_GEMM_KC;
    CK_REAL *bpack = ck_alloc((size_t)(bpanels * CK_NR * kmax) * sizeof(CK_REAL));
    CK_REAL *apack = ck_alloc((size_t)(apanels * CK_MR * kmax) * sizeof(CK_REAL));
    if (k == 0 && mode == CK_GEMM_STORE)
        for (long i = m0; i < m1; i++)
            for (long j = n0; j < n1; j++) c[i * ldc + j] = 0;
    for (long p0 = 0; p0 < k; p0 += CK_GEMM_KC) {
        const long kc = k - p0 < CK_GEMM_KC ? k - p0 : CK_GEMM_KC;
        for (long jp = 0; jp < bpanels; jp++)
            for (long j = 0; j < CK_NR; j++) {
                const long column = n0 + jp * CK_NR + j;
                CK_REAL *panel = bpack + jp * CK_NR * kc + j;
                for (long p = 0; p < kc; p++) panel[p * CK_NR] = column < n1 ? b[column * ldb + p0 + p] : 0;
            }
        for (long i0 = m0; i0 < m1; i0 += CK_GEMM_MC) {
            const long mc = m1 - i0 < CK_GEMM_MC ? m1 - i0 : CK_GEMM_MC;
            for (long ip = 0; ip * CK_MR < mc; ip++)
                for (long i = 0; i < CK_MR; i++) {
                    const long row = i0 + ip * CK_MR + i;
                    CK_REAL *panel = apack + ip * CK_MR * kc + i;
                    for (long p = 0; p < kc; p++) panel[p * CK_MR] = row < i0 + mc ? a[row * lda + p0 + p] : 0;
                }
            for (long jp = 0; jp < bpanels; jp++) {
                const long cols = n1 - n0 - jp * CK_NR < CK_NR ? n1 - n0 - jp * CK_NR : CK_NR;
                for (long ip = 0; ip * CK_MR < mc; ip++) {
                    const long rows = mc - ip * CK_MR < CK_MR ? mc - ip * CK_MR : CK_MR;
                    CK_NAME(micro)(kc, apack + ip * CK_MR * kc, bpack + jp * CK_NR * kc,
                                   c + (i0 + ip * CK_MR) * ldc + n0 + jp * CK_NR, ldc, rows, cols,
                                   mode != CK_GEMM_STORE || p0 > 0, mode == CK_GEMM_SUBTRACT);
                }
            }
        }
    }
    if (bias)
        for (long i = m0; i < m1; i++)
            for (long j = n0; j < n1; j++) c[i * ldc + j] += bias[j];
    free(apack);
    free(bpack);
}

#undef CK_NR
#undef CK_CAT_
#undef CK_CAT
#undef CK_NAME
#undef CK_VEC
