/* Timing helpers shared by the C benchmarks. */
#ifndef VX_BENCH_H
#define VX_BENCH_H

#include <stdlib.h>
#include <time.h>

/* Seconds on clock clk (CLOCK_MONOTONIC for wall time, CLOCK_THREAD_CPUTIME_ID for this
 * thread's CPU time). */
static inline double bench_clock_s(clockid_t clk)
{
    struct timespec t;
    clock_gettime(clk, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

static inline int bench_cmp_double(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* The median of v[0..n) (sorts v): the middle value, or the mean of the middle two. */
static inline double bench_median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof(*v), bench_cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

#endif
