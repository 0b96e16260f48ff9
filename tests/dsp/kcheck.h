/* What the kernel tests share: a reproducible random source, failure counting, and the widths
 * every kernel is run at (1..70, 1920, 1921, 3840: each vector tail, and full rows). Define
 * KCHECK_SEED before including it. FFmpeg-free, like the kernels. */
#ifndef VX_TESTS_DSP_KCHECK_H
#define VX_TESTS_DSP_KCHECK_H

#include <stdio.h>

static unsigned rng_state = KCHECK_SEED;
static unsigned rnd(void)
{
    rng_state = rng_state * 1664525u + 1013904223u;
    return rng_state >> 8;
}

static int failures, checks;

static void fail(const char *what, const char *isa, int w, const char *detail)
{
    if (failures < 20)
        printf("FAIL %s [%s] width %d: %s\n", what, isa, w, detail);
    failures++;
}

static int widths[80], n_widths;

static void widths_init(void)
{
    for (int w = 1; w <= 70; w++)
        widths[n_widths++] = w;
    widths[n_widths++] = 1920;
    widths[n_widths++] = 1921;
    widths[n_widths++] = 3840;
}

#endif
