// How far two threads can speed up the data movement of `quantize` on this machine, with none of
// its work (issue 14: two threads at least 1.7x one). Maps the input file read-only and private
// (as `quantize` maps a tensor), and THREADS threads take 256 KiB pieces of it by an atomic
// counter. Each piece is, by MODE:
//   read      read: the largest |x| of its float32 values (vectorized), nothing else
//   convert   read, then one int8 code per value (x * 127 / max, truncated) into a buffer
//   write     convert, then the piece's codes written with pwrite at their offset in OUTPUT
//             (as `quantize` places its codes), a quarter of the input's bytes in all
// then unmaps. Prints THREADS and the wall seconds from the mapping to the unmapping. Not part of
// the build:
//
//   cc -O3 -march=native -ffast-math -pthread Benchmarks/scaling_floor.c -o /tmp/scaling_floor
//   for round in 1 2 3 4 5 6 7; do for t in 1 2; do rm -f /tmp/floor.out
//       /tmp/scaling_floor bench-data/weights-1g.npz /tmp/floor.out write $t; done; done
//
// The ratio of the medians at 1 and 2 threads is what this machine's page cache, page faults,
// memory and file system allow any program moving these bytes; `quantize --threads 2` does the
// same movement plus CRC-32, ranges and scales. Also, reading 1 GiB of anonymous memory that is
// already mapped (MODE anon: no file, no faults) shows whether one core already takes all of the
// memory bandwidth the machine gives.
#define _GNU_SOURCE
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

enum { PIECE = 65536 };  // float32 values: 256 KiB of input, 64 KiB of codes

static const float *input;
static size_t value_count;
static int output = -1;
static int mode;  // 0 read, 1 convert, 2 write, 3 anon
static atomic_size_t next_piece;
static atomic_uint_least64_t sink;

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static void *work(void *unused) {
    (void)unused;
    int8_t *codes = malloc(PIECE);
    float kept = 0;
    for (;;) {
        size_t start = atomic_fetch_add(&next_piece, 1) * PIECE;
        if (start >= value_count) break;
        size_t count = value_count - start < PIECE ? value_count - start : PIECE;
        const float *x = input + start;
        float largest = 0;
        for (size_t i = 0; i < count; i++) largest = fmaxf(largest, fabsf(x[i]));
        kept += largest;
        if (mode == 0 || mode == 3) continue;
        float scale = 127.0f / (largest > 0 ? largest : 1);
        for (size_t i = 0; i < count; i++) codes[i] = (int8_t)(int)(x[i] * scale);
        if (mode == 2 && pwrite(output, codes, count, (off_t)start) != (ssize_t)count) {
            perror("pwrite");
            exit(1);
        }
        kept += codes[count - 1];
    }
    free(codes);
    atomic_fetch_add(&sink, (uint64_t)kept);
    return NULL;
}

int main(int argc, char **argv) {
    if (argc != 5) {
        fprintf(stderr, "usage: %s INPUT OUTPUT read|convert|write|anon THREADS\n", argv[0]);
        return 2;
    }
    const char *modes[] = {"read", "convert", "write", "anon"};
    mode = -1;
    for (int i = 0; i < 4; i++) if (strcmp(argv[3], modes[i]) == 0) mode = i;
    int threads = atoi(argv[4]);
    if (mode < 0 || threads < 1 || threads > 64) {
        fprintf(stderr, "bad mode or thread count\n");
        return 2;
    }
    int descriptor = open(argv[1], O_RDONLY);
    struct stat status;
    if (descriptor < 0 || fstat(descriptor, &status) != 0) {
        perror(argv[1]);
        return 1;
    }
    size_t length = (size_t)status.st_size;
    void *anonymous = NULL;
    if (mode == 3) {  // touched before the clock starts: no faults in the timed part
        anonymous = malloc(length);
        memset(anonymous, 1, length);
    }
    if (mode == 2 && (output = open(argv[2], O_WRONLY | O_CREAT, 0644)) < 0) {
        perror(argv[2]);
        return 1;
    }
    double started = now();
    void *mapped = NULL;
    if (mode == 3) {
        input = anonymous;
    } else {
        mapped = mmap(NULL, length, PROT_READ, MAP_PRIVATE, descriptor, 0);
        if (mapped == MAP_FAILED) {
            perror("mmap");
            return 1;
        }
        madvise(mapped, length, MADV_WILLNEED);
        input = mapped;
    }
    value_count = length / 4;
    pthread_t workers[64];
    for (int i = 0; i < threads; i++) pthread_create(&workers[i], NULL, work, NULL);
    for (int i = 0; i < threads; i++) pthread_join(workers[i], NULL);
    if (mapped) munmap(mapped, length);
    double elapsed = now() - started;
    if (output >= 0) close(output);
    printf("%d %.3f\n", threads, elapsed);
    free(anonymous);
    return 0;
}
