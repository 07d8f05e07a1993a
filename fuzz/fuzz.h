/*
 * fuzz.h - what every harness under fuzz/ shares.
 *
 * Each harness is one LLVMFuzzerTestOneInput(): fed by libFuzzer in the
 * fuzz build (fuzz/run, clang -fsanitize=fuzzer,address,undefined), and by
 * replay.c in every ordinary build, where ctest runs it over the committed
 * corpus (fuzz/corpus/NAME: seeds and every input that ever crashed one).
 * A harness must not leak, must not write outside its own temporary
 * directory, and must give the same result for the same input.
 */
#ifndef FIPSEV_FUZZ_H
#define FIPSEV_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * A private scratch directory for harnesses that need files (made once per
 * process, under $TMPDIR or /tmp, removed at exit).
 */
const char *fuzz_scratch(void);

/* Write n bytes to path (truncating); 0 or -1. */
int	fuzz_write(const char *path, const void *p, size_t n);

#endif
