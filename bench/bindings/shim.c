/* bench/bindings/run.py's probe: interposes vx_preview_render (LD_PRELOAD for programs linked
 * to libvexport; VEXPORT_LIBRARY for Python's ctypes, which then finds the other symbols in
 * this module's dependency, libvexport) and records how long each call spent inside the
 * library. At exit it writes the milliseconds, one call a line, to $VX_SHIM_OUT. A binding's
 * own cost for a frame is then its call's time minus the library's, for the same call. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>

#include <vexport/vexport.h>

#include "../bench.h"

enum { MAX_CALLS = 65536 };
static double ms[MAX_CALLS];
static int n_calls;

VX_API int vx_preview_render(VxPreview *pv, double t, VxImage *dst)
{
    static int (*real)(VxPreview *, double, VxImage *);
    if (!real)
        *(void **)&real = dlsym(RTLD_NEXT, "vx_preview_render");
    const double t0 = bench_clock_s(CLOCK_MONOTONIC);
    const int r = real(pv, t, dst);
    if (n_calls < MAX_CALLS)
        ms[n_calls++] = (bench_clock_s(CLOCK_MONOTONIC) - t0) * 1e3;
    return r;
}

__attribute__((destructor)) static void write_times(void)
{
    const char *path = n_calls ? getenv("VX_SHIM_OUT") : NULL; /* not cargo's own process */
    FILE *f = path ? fopen(path, "w") : NULL;
    /* (calling into libvexport keeps it this module's dependency under --as-needed: it is
     * then loaded with the shim, and RTLD_NEXT finds the real vx_preview_render there) */
    if (!f || !vx_version())
        return;
    for (int i = 0; i < n_calls; i++)
        fprintf(f, "%.4f\n", ms[i]);
    fclose(f);
}
