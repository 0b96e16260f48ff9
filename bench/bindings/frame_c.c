/* The C side of bench/bindings/run.py: renders frames of a project through one persistent
 * preview of the shared library, as the bindings do (into a new RGBA image each, as their
 * render() returns one), and prints each call's milliseconds, one a line. t steps forward one
 * output frame (1/30 s) a call from 0.5 s.
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
    VxContext *ctx;
    VxProject *p;
    VxPreview *pv;
    int w, h;
    if (vx_open(&ctx, NULL) < 0 || vx_project_load(ctx, argv[1], &p) < 0 ||
        vx_preview_open(ctx, p, &pv) < 0 || vx_preview_output(pv, &w, &h) < 0) {
        fprintf(stderr, "frame_c: %s\n", vx_last_error(ctx));
        return 1;
    }
    double *ms = calloc((size_t)n, sizeof(*ms));
    if (!ms)
        return 1;
    for (int i = 0; i < n; i++) {
        const double t0 = bench_clock_s(CLOCK_MONOTONIC);
        VxImage *img = vx_image_alloc(VX_PIX_RGBA, w, h);
        if (!img || vx_preview_render(pv, 0.5 + i / 30.0, img) < 0) {
            VxError e;
            vx_preview_error(pv, &e);
            fprintf(stderr, "frame_c: %s\n", e.message);
            return 1;
        }
        vx_image_free(&img);
        ms[i] = (bench_clock_s(CLOCK_MONOTONIC) - t0) * 1e3;
    }
    for (int i = 0; i < n; i++)
        printf("%.4f\n", ms[i]);
    free(ms);
    vx_preview_free(&pv);
    vx_project_free(&p);
    vx_close(&ctx);
    return 0;
}
