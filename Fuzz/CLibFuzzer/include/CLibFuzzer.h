#ifndef HERALD_CLIBFUZZER_H
#define HERALD_CLIBFUZZER_H
#include <stddef.h>
#include <stdint.h>

/// libFuzzer's entry for programs that own `main` (LLVM ≥ 11): runs the fuzzing loop with the
/// command-line flags in argv, calling `callback` for each input. Only linked when built
/// with -sanitize=fuzzer; herald-fuzz calls it only when compiled with HERALD_LIBFUZZER.
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

#endif
