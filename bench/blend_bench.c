/* Blend kernel speed, single thread: C against each SIMD level the CPU has, on a full
 * 1920x1080 NV12 frame (the worst case: an overlay as large as the frame; a cursor or a
 * camera bubble touches a small part of it). Prints the median of --runs runs.
 *
 *   build/bench/blend_bench [--runs 15]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench.h"
#include "cpu.h"
#include "dsp/blend.h"
#include "vexport/vexport.h"

enum { W = 1920, H = 1080 };

static double now(void)
{
    return bench_clock_s(CLOCK_MONOTONIC);
}

int main(int argc, char **argv)
{
    int runs = 15;
    if (argc > 2 && !strcmp(argv[1], "--runs"))
        runs = atoi(argv[2]);
    uint8_t *rgba = malloc((size_t)4 * W * H), *y = malloc((size_t)W * H);
    uint8_t *uv = malloc((size_t)W * H / 2), *src = malloc((size_t)W * H), *m = malloc((size_t)W * H);
    for (size_t i = 0; i < (size_t)4 * W * H; i++)
        rgba[i] = (uint8_t)((i * 2654435761u) >> 24);
    for (size_t i = 0; i < (size_t)W * H; i++)
        y[i] = (uint8_t)(i * 7), src[i] = (uint8_t)(i * 13), m[i] = (uint8_t)(i * 3);
    memset(uv, 128, (size_t)W * H / 2);
    VxConvCoefs c = {0};
    c.yr = 11966, c.yg = 40254, c.yb = 4064, c.ur = -6596, c.ug = -22189, c.ub = 28784;
    c.vr = 28784, c.vg = -26145, c.vb = -2639, c.y_off = 16 << 16, c.uv_off = 128 << 16;
    c.roff = 0, c.goff = 1, c.boff = 2, c.aoff = 3;
    const struct { const char *n; unsigned f; } lv[] = {{"c", 0}, {"avx2", VX_CPU_SSE41 | VX_CPU_AVX2}};
    const char *what[] = {"rgba_nv12 straight", "rgba_nv12 premultiplied", "over (Y plane)",
                          "over_uv (UV plane)", "mask (Y plane)"};
    double *t = malloc(sizeof(double) * runs);
    printf("single thread, 1920x1080 frame, median of %d runs\n", runs);
    for (int k = 0; k < 5; k++) {
        printf("%-24s", what[k]);
        double base = 0;
        for (int l = 0; l < 2; l++) {
            if ((lv[l].f & vx_cpu_detect()) != lv[l].f)
                continue;
            VxBlendDSP d;
            vx_blend_dsp_init(&d, lv[l].f);
            for (int r = 0; r < runs; r++) {
                double t0 = now();
                for (int j = 0; j < H; j += 2) {
                    const uint8_t *s0 = rgba + (size_t)4 * W * j;
                    if (k < 2) {
                        d.rgba_nv12(y + (size_t)W * j, y + (size_t)W * (j + 1), uv + (size_t)W * j / 2,
                                    s0, s0 + 4 * W, W, &c, k);
                    } else if (k == 2) {
                        d.over(y + (size_t)W * j, src + (size_t)W * j, m + (size_t)W * j, 1, W);
                        d.over(y + (size_t)W * (j + 1), src + (size_t)W * (j + 1), m + (size_t)W * j, 1, W);
                    } else if (k == 3) {
                        d.over_uv(uv + (size_t)W * j / 2, src + (size_t)W * j / 2, m + (size_t)W * j, W / 2);
                    } else {
                        d.mask(y + (size_t)W * j, src + (size_t)W * j, m + (size_t)W * j, 1, W);
                        d.mask(y + (size_t)W * (j + 1), src + (size_t)W * (j + 1), m + (size_t)W * j, 1, W);
                    }
                }
                t[r] = now() - t0;
            }
            const double med = bench_median(t, runs);
            if (!l)
                base = med;
            printf("  %s %6.3f ms%s", lv[l].n, med * 1e3, l ? "" : "");
            if (l)
                printf(" (%.1fx C)", base / med);
        }
        printf("\n");
    }
    free(rgba), free(y), free(uv), free(src), free(m), free(t);
    return 0;
}
