// How fast bytes already in memory reach a new file's page cache, by the ways a writer could
// take (issue 14: can the output copy, one `write` stream in `quantize`, be shared between
// cores?). Each run creates FILE, puts SIZE MiB of bytes in it in 1 MiB chunks, and prints
// the wall seconds of the copy and of the unmap, and the process's user and system CPU seconds
// (filling the 64 MiB source included); FILE is removed afterwards. Not part of the build:
//
//   cc -O2 -pthread Benchmarks/output_copy_bench.c -o /tmp/output_copy_bench
//   /tmp/output_copy_bench /tmp/copy.bin 256 write 1        # one stream, in order (as quantize writes)
//   /tmp/output_copy_bench /tmp/copy.bin 256 pwrite 2       # two threads pwrite() alternate chunks
//   /tmp/output_copy_bench /tmp/copy.bin 256 mmap 2         # posix_fallocate, MAP_SHARED, memcpy
//   /tmp/output_copy_bench /tmp/copy.bin 256 populate 2     # the same, MADV_POPULATE_WRITE per chunk
//
// On the 2-core Xeon VM of the benchmarks (ext4, Linux 6.18; run in an autogroup of its own at
// nice -20 so that the other jobs on the machine hardly ran), 256 MiB, three rounds:
//   write 1       copy 0.085-0.103 s   system CPU 0.12-0.14 s
//   pwrite 2      copy 0.082-0.095 s   system CPU 0.13-0.16 s   (no shorter: the file's lock
//                                                                serializes buffered writes)
//   mmap 1        copy 0.33-0.35 s     system CPU 0.32-0.33 s   (a page fault per 4 KiB page of
//   mmap 2        copy 0.15-0.21 s     system CPU 0.19-0.21 s    a shared file mapping costs
//   populate 2    copy 0.09-0.14 s     system CPU 0.15-0.17 s    more than the copy it replaces)
// (a first cold run of `write 1` took 0.40 s). posix_fallocate before one stream made no
// difference beyond the noise. One stream in order stays the cheapest in CPU and no slower.
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

enum { chunk = 1 << 20, sourceSize = 64 << 20 };
enum mode { modeWrite, modePwrite, modeMmap, modePopulate };

static size_t total;
static enum mode mode;
static int threads, fd;
static char *source, *mapped;

static double seconds(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

// Thread `id` of `threads` puts chunks id, id + threads, ... in place.
static void *copyChunks(void *argument) {
    long id = (long)argument;
    for (size_t index = id; index < total / chunk; index += threads) {
        size_t offset = index * chunk;
        const char *bytes = source + offset % sourceSize;
        if (mode == modeWrite || mode == modePwrite) {
            if (pwrite(fd, bytes, chunk, offset) != chunk) { perror("pwrite"); exit(1); }
        } else {
            if (mode == modePopulate) madvise(mapped + offset, chunk, MADV_POPULATE_WRITE);
            memcpy(mapped + offset, bytes, chunk);
        }
    }
    return NULL;
}

int main(int argc, char **argv) {
    if (argc != 5) { fprintf(stderr, "usage: %s FILE MiB write|pwrite|mmap|populate THREADS\n", argv[0]); return 2; }
    total = (size_t)atoi(argv[2]) << 20;
    const char *names[] = {"write", "pwrite", "mmap", "populate"};
    for (mode = modeWrite; mode <= modePopulate && strcmp(argv[3], names[mode]) != 0; mode++) {}
    threads = mode == modeWrite ? 1 : atoi(argv[4]);
    if (mode > modePopulate || threads < 1 || threads > 64 || total == 0 || total % chunk) { fprintf(stderr, "bad arguments\n"); return 2; }
    source = malloc(sourceSize);
    for (size_t index = 0; index < sourceSize; index++) source[index] = (char)(index * 7);
    unlink(argv[1]);
    fd = open(argv[1], O_RDWR | O_CREAT | O_EXCL, 0644);
    if (fd < 0) { perror("open"); return 1; }
    if (mode >= modeMmap) {
        if (posix_fallocate(fd, 0, total) != 0) { fprintf(stderr, "posix_fallocate failed\n"); return 1; }
        mapped = mmap(NULL, total, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        if (mapped == MAP_FAILED) { perror("mmap"); return 1; }
    }
    double start = seconds();
    pthread_t workers[64];
    for (long id = 0; id < threads; id++) pthread_create(&workers[id], NULL, copyChunks, (void *)id);
    for (long id = 0; id < threads; id++) pthread_join(workers[id], NULL);
    double copied = seconds();
    if (mapped) munmap(mapped, total);
    double unmapped = seconds();
    close(fd);
    unlink(argv[1]);
    struct rusage usage;
    getrusage(RUSAGE_SELF, &usage);
    printf("%s threads=%d MiB=%zu copy=%.3f s unmap=%.3f s user=%.3f s sys=%.3f s\n", names[mode], threads, total >> 20,
           copied - start, unmapped - copied, usage.ru_utime.tv_sec + usage.ru_utime.tv_usec * 1e-6,
           usage.ru_stime.tv_sec + usage.ru_stime.tv_usec * 1e-6);
    return 0;
}
