// ggml's own quantizer, for fixtures: reads NROWS x NPERROW float32 values from stdin and writes
// the bytes `ggml_quantize_chunk` makes of them (the call llama-quantize makes per chunk of rows),
// with the importance matrix in IMATRIX (NPERROW float32 values) when given.
//
// Usage: ggml_reference TYPE NROWS NPERROW [IMATRIX] < rows.f32 > blocks.bin
// (TYPE: ggml's type number). Built by ggml_reference.py against the llama.cpp that
// Benchmarks/llama_cpp.sh builds; not part of the package.
//
// Dequantize mode: ggml's own dequantizer (the type's `to_float`, `dequantize_row_<type>`, what
// ggml runs to read a block tensor as floats) of NBLOCKS blocks from stdin:
//   ggml_reference dequantize TYPE NBLOCKS < blocks.bin > values.f32
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ggml.h"

static float *read_floats(FILE *file, size_t count) {
    float *values = malloc(count * sizeof(float));
    if (!values || fread(values, sizeof(float), count, file) != count) {
        fprintf(stderr, "ggml_reference: short input\n");
        exit(1);
    }
    return values;
}

static int dequantize(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: ggml_reference dequantize TYPE NBLOCKS < blocks.bin > values.f32\n");
        return 2;
    }
    enum ggml_type type = (enum ggml_type)atoi(argv[2]);
    int64_t blocks = atoll(argv[3]);
    const struct ggml_type_traits *traits = ggml_get_type_traits(type);
    if (!traits->to_float) { fprintf(stderr, "ggml_reference: type %d has no to_float\n", (int)type); return 1; }
    size_t bytes = traits->type_size * (size_t)blocks, count = (size_t)(traits->blck_size * blocks);
    unsigned char *input = malloc(bytes ? bytes : 1);
    float *values = malloc(count ? count * sizeof(float) : 1);
    if (!input || !values || fread(input, 1, bytes, stdin) != bytes) { fprintf(stderr, "ggml_reference: short input\n"); return 1; }
    traits->to_float(input, values, (int64_t)count);
    fwrite(values, sizeof(float), count, stdout);
    return 0;
}

int main(int argc, char **argv) {
    if (argc > 1 && strcmp(argv[1], "dequantize") == 0) return dequantize(argc, argv);
    if (argc != 4 && argc != 5) {
        fprintf(stderr, "usage: ggml_reference TYPE NROWS NPERROW [IMATRIX] < rows.f32 > blocks.bin\n");
        return 2;
    }
    enum ggml_type type = (enum ggml_type)atoi(argv[1]);
    int64_t rows = atoll(argv[2]), per_row = atoll(argv[3]);
    float *imatrix = NULL;
    if (argc == 5) {
        FILE *file = fopen(argv[4], "rb");
        if (!file) { perror(argv[4]); return 1; }
        imatrix = read_floats(file, (size_t)per_row);
        fclose(file);
    }
    float *values = read_floats(stdin, (size_t)(rows * per_row));
    size_t bytes = ggml_row_size(type, per_row) * (size_t)rows;
    void *blocks = malloc(bytes);
    ggml_quantize_init(type);
    size_t written = ggml_quantize_chunk(type, values, blocks, 0, rows, per_row, imatrix);
    if (written != bytes) { fprintf(stderr, "ggml_reference: %zu bytes, expected %zu\n", written, bytes); return 1; }
    fwrite(blocks, 1, bytes, stdout);
    return 0;
}
