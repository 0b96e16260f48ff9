/* The C side of bench/bindings/run.py: renders preview frames of a project through the
 * shared library, as the bindings do, and prints each call's milliseconds, one a line.
 *   frame_c PROJECT.json N */
#include <stdio.h>
#include <stdlib.h>

#include <vexport/vexport.h>

#include "../bench.h"

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: frame_c PROJECT.json N\n");
        return 2;
    }
    const int n = atoi(argv[2]);
    const double times[4] = {0.5, 1.5, 2.5, 3.5};
    VxContext *ctx;
    VxProject *p;
    if (vx_open(&ctx, NULL) < 0 || vx_project_load(ctx, argv[1], &p) < 0) {
        fprintf(stderr, "frame_c: %s\n", vx_last_error(ctx));
        return 1;
    }
    double *ms = calloc((size_t)n, sizeof(*ms));
    if (!ms)
        return 1;
    for (int i = 0; i < n; i++) {
        VxImage *img;
        const double t0 = bench_clock_s(CLOCK_MONOTONIC);
        if (vx_render_frame(ctx, p, times[i % 4], &img) < 0) {
            fprintf(stderr, "frame_c: %s\n", vx_last_error(ctx));
            return 1;
        }
        vx_image_free(&img);
        ms[i] = (bench_clock_s(CLOCK_MONOTONIC) - t0) * 1e3;
    }
    for (int i = 0; i < n; i++)
        printf("%.4f\n", ms[i]);
    free(ms);
    vx_project_free(&p);
    vx_close(&ctx);
    return 0;
}
