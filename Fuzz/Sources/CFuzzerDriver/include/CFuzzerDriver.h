#ifndef QUANTIZE_CFUZZERDRIVER_H
#define QUANTIZE_CFUZZERDRIVER_H

#include <stddef.h>
#include <stdint.h>

/// One fuzz input: return 0 (libFuzzer's convention; -1 keeps the input out of the corpus).
typedef int (*quantize_fuzz_target)(const uint8_t *data, size_t size);

/// Runs libFuzzer's driver (flags, corpus, mutation loop, crash reports) over `target`; returns
/// the process status. The fuzz executables call it from their `main.swift`, because SwiftPM
/// gives every executable its own `main`, so libFuzzer's is not used.
int quantize_fuzz_main(int argc, char **argv, quantize_fuzz_target target);

#endif
