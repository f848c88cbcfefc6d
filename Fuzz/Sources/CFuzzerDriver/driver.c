#include "CFuzzerDriver.h"

/// libFuzzer's entry point for programs with their own `main` (compiler-rt's FuzzerInterface.h).
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*user_callback)(const uint8_t *data, size_t size));

int quantize_fuzz_main(int argc, char **argv, quantize_fuzz_target target) {
    return LLVMFuzzerRunDriver(&argc, &argv, target);
}
