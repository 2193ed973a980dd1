/* fuzz.h: helpers shared by the libFuzzer targets (built with ./configure --enable-fuzzing). */
#ifndef SMTLS_FUZZ_H
#define SMTLS_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* An exact-size copy of the input plus a NUL, so the sanitizer sees any read past it. */
char *fuzz_text(const uint8_t *data, size_t size);
/* Writes the input to this process's scratch file and returns its path (the loaders read files). */
const char *fuzz_file(const uint8_t *data, size_t size);

#endif
