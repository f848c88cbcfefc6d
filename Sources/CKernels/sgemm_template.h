// One float32 GEMM, stamped out once per instruction set by `sgemm.c`, which defines:
//   CK_SUFFIX   name suffix of the generated functions
//   CK_TARGET   the function attribute selecting the instruction set (may be empty)
//   CK_LANES    floats per vector register
//   CK_MR       rows of C per micro-tile
//   CK_NV       vectors per micro-tile row (so CK_NR = CK_NV * CK_LANES columns)
// Not a public header: included only by sgemm.c.

#define CK_NR (CK_NV * CK_LANES)
#define CK_CAT_(a, b) a##_##b
#define CK_CAT(a, b) CK_CAT_(a, b)
#define CK_VEC CK_CAT(ck_vf, CK_SUFFIX)

// aligned(4): C rows need not be vector-aligned.
typedef float CK_VEC __attribute__((vector_size(CK_LANES * 4), aligned(4)));

// The micro-kernel, the only hot loop: a CK_MR x CK_NR tile of C from a packed A panel
// (`kc` steps of CK_MR values) and a packed B panel (`kc` steps of CK_NR values). Each of the
// CK_MR x CK_NV accumulators stays in a register; one step loads CK_NV vectors of B and
// multiplies them by each broadcast A value. The tile is written whole when it lies inside C
// (`rows`, `cols` = CK_MR, CK_NR), through a stack copy otherwise, with the same additions.
CK_TARGET static void CK_CAT(sgemm_micro, CK_SUFFIX)(long kc, const float *restrict ap, const float *restrict bp,
                                                      float *restrict c, long ldc, long rows, long cols, int accumulate) {
    CK_VEC acc[CK_MR][CK_NV];
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
            const float ai = ap[p * CK_MR + i];
#pragma clang loop unroll(full)
            for (int v = 0; v < CK_NV; v++) acc[i][v] += ai * b[v];
        }
    }
    if (rows == CK_MR && cols == CK_NR) {
        for (int i = 0; i < CK_MR; i++)
            for (int v = 0; v < CK_NV; v++) {
                CK_VEC *out = (CK_VEC *)(c + i * ldc + v * CK_LANES);
                *out = accumulate ? *out + acc[i][v] : acc[i][v];
            }
    } else {
        float tile[CK_MR * CK_NR];
        for (int i = 0; i < CK_MR; i++)
            for (int v = 0; v < CK_NV; v++) *(CK_VEC *)(tile + i * CK_NR + v * CK_LANES) = acc[i][v];
        for (long i = 0; i < rows; i++)
            for (long j = 0; j < cols; j++)
                c[i * ldc + j] = accumulate ? c[i * ldc + j] + tile[i * CK_NR + j] : tile[i * CK_NR + j];
    }
}

// The blocked driver: for each block of CK_SGEMM_KC steps of k, pack the block's B columns into
// CK_NR-wide panels (kept in L2, one panel in L1 while it is used), then for each CK_SGEMM_MC
// rows pack A into CK_MR-tall panels and run the micro-kernel over every (B panel, A panel).
// Packing pads partial panels with zeros, which only reach outputs that are never stored.
CK_TARGET static void CK_CAT(sgemm, CK_SUFFIX)(const float *a, long lda, const float *b, long ldb, const float *bias,
                                                float *c, long ldc, long k, long m0, long m1, long n0, long n1) {
    const long bpanels = (n1 - n0 + CK_NR - 1) / CK_NR;
    const long apanels = ((m1 - m0 < CK_SGEMM_MC ? m1 - m0 : CK_SGEMM_MC) + CK_MR - 1) / CK_MR;
    const long kmax = k < CK_SGEMM_KC ? k : CK_SGEMM_KC;
    float *bpack = ck_alloc((size_t)(bpanels * CK_NR * kmax) * sizeof(float));
    float *apack = ck_alloc((size_t)(apanels * CK_MR * kmax) * sizeof(float));
    if (k == 0)
        for (long i = m0; i < m1; i++)
            for (long j = n0; j < n1; j++) c[i * ldc + j] = 0;
    for (long p0 = 0; p0 < k; p0 += CK_SGEMM_KC) {
        const long kc = k - p0 < CK_SGEMM_KC ? k - p0 : CK_SGEMM_KC;
        for (long jp = 0; jp < bpanels; jp++)
            for (long j = 0; j < CK_NR; j++) {
                const long column = n0 + jp * CK_NR + j;
                float *panel = bpack + jp * CK_NR * kc + j;
                for (long p = 0; p < kc; p++) panel[p * CK_NR] = column < n1 ? b[column * ldb + p0 + p] : 0;
            }
        for (long i0 = m0; i0 < m1; i0 += CK_SGEMM_MC) {
            const long mc = m1 - i0 < CK_SGEMM_MC ? m1 - i0 : CK_SGEMM_MC;
            for (long ip = 0; ip * CK_MR < mc; ip++)
                for (long i = 0; i < CK_MR; i++) {
                    const long row = i0 + ip * CK_MR + i;
                    float *panel = apack + ip * CK_MR * kc + i;
                    for (long p = 0; p < kc; p++) panel[p * CK_MR] = row < i0 + mc ? a[row * lda + p0 + p] : 0;
                }
            for (long jp = 0; jp < bpanels; jp++) {
                const long cols = n1 - n0 - jp * CK_NR < CK_NR ? n1 - n0 - jp * CK_NR : CK_NR;
                for (long ip = 0; ip * CK_MR < mc; ip++) {
                    const long rows = mc - ip * CK_MR < CK_MR ? mc - ip * CK_MR : CK_MR;
                    CK_CAT(sgemm_micro, CK_SUFFIX)(kc, apack + ip * CK_MR * kc, bpack + jp * CK_NR * kc,
                                                   c + (i0 + ip * CK_MR) * ldc + n0 + jp * CK_NR, ldc, rows, cols, p0 > 0);
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
#undef CK_VEC
