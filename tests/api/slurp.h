/* Reading a whole file, for the API tests that compare exports byte for byte. */
#ifndef VX_TESTS_API_SLURP_H
#define VX_TESTS_API_SLURP_H

#include <stdio.h>
#include <stdlib.h>

/* The bytes of path (free them) and their count in *n; NULL (and *n = 0) if it cannot be read. */
static inline unsigned char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    *n = 0;
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *b = malloc(len > 0 ? (size_t)len : 1);
    *n = b ? fread(b, 1, (size_t)len, f) : 0;
    fclose(f);
    return b;
}

#endif
