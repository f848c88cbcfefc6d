// User CPU time of ck_q3_K_quantize against ggml's quantize_q3_K (what llama-quantize calls
// without an importance matrix), single-threaded, same process, same float32 rows, and whether
// the bytes agree. Not part of the build; compile it against the kernels and ggml's static lib:
//
//   K=Sources/CKernels; G=.cache/llama-cpp-python-0.3.36/build/ggml/src/libggml-base.a
//   clang -O3 -I$K/include -I$K Benchmarks/q3_K_kernel_bench.c $K/ggml_kquants_q3_K_lanes.c \
//       $K/ggml_kquants_q3_K.c $K/ggml_kquants_searches.c $G -lm -lgomp -lstdc++ -o q3_K_kernel_bench
//   ./q3_K_kernel_bench bench-data/weights-1g.gguf 1376 4096 5
//
// Arguments: a file, the byte offset of float32 rows of 4096 values in it (1376: the first
// tensor of the bench's GGUF workloads), the row count, the rounds (the best of each is kept).
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>

#include "ggml_kquants.h"

size_t quantize_q3_K(const float *src, void *dst, int64_t nrows, int64_t n_per_row, const float *imatrix);

static double user_seconds(void) {
    struct rusage usage;
    getrusage(RUSAGE_SELF, &usage);
    return (double)usage.ru_utime.tv_sec + 1e-6 * (double)usage.ru_utime.tv_usec;
}

int main(int argc, char **argv) {
    if (argc != 5) {
        fprintf(stderr, "usage: %s FILE OFFSET ROWS ROUNDS\n", argv[0]);
        return 2;
    }
    const long offset = atol(argv[2]), rows = atol(argv[3]), rounds = atol(argv[4]), n = 4096;
    const int fd = open(argv[1], O_RDONLY);
    const char *mapped = fd < 0 ? MAP_FAILED : mmap(NULL, (size_t)(offset + 4 * rows * n), PROT_READ, MAP_PRIVATE, fd, 0);
    float *x = malloc((size_t)(4 * rows * n));
    uint8_t *ours = malloc((size_t)(rows * n / 256 * 110)), *ggml = malloc((size_t)(rows * n / 256 * 110));
    if (mapped == MAP_FAILED || !x || !ours || !ggml) {
        perror(argv[1]);
        return 1;
    }
    memcpy(x, mapped + offset, (size_t)(4 * rows * n));
    double best_ours = 1e9, best_ggml = 1e9;
    for (long round = 0; round < rounds; ++round) {
        double start = user_seconds();
        ck_q3_K_quantize(x, rows * n / 256, ours);
        const double t_ours = user_seconds() - start;
        start = user_seconds();
        quantize_q3_K(x, ggml, rows, n, NULL);
        const double t_ggml = user_seconds() - start;
        best_ours = t_ours < best_ours ? t_ours : best_ours;
        best_ggml = t_ggml < best_ggml ? t_ggml : best_ggml;
    }
    const double megabytes = 4e-6 * (double)(rows * n);
    printf("q3_K, %.0f MB of float32: ours %.3f s user (%.0f MB/s), ggml %.3f s (%.0f MB/s): %.2fx, same bytes: %s\n",
           megabytes, best_ours, megabytes / best_ours, best_ggml, megabytes / best_ggml, best_ggml / best_ours,
           memcmp(ours, ggml, (size_t)(rows * n / 256 * 110)) ? "NO" : "yes");
    return 0;
}
