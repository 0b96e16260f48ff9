/* Plane scaling speed, single thread: vexport's Catmull-Rom scaler (C and each SIMD level the
 * CPU has) against swscale's bicubic on the same sizes, gray 8-bit planes rotating through
 * memory. Prints the median of --runs alternating runs and the ratios.
 *
 *   build/bench/scale_bench [--runs 7] [SRCWxSRCH DSTWxDSTH]...
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libswscale/swscale.h>

#include "cpu.h"
#include "scale.h"
#include "vexport/vexport.h"

#define FRAMES 4 /* distinct source planes, so the source is not one cached frame */

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
    qsort(v, n, sizeof(*v), cmp);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void bench(int sw, int sh, int dw, int dh, int runs)
{
    uint8_t *src[FRAMES], *dst = malloc((size_t)dw * dh);
    for (int f = 0; f < FRAMES; f++) {
        src[f] = malloc((size_t)sw * sh);
        for (size_t i = 0; i < (size_t)sw * sh; i++)
            src[f][i] = (uint8_t)((i * 2654435761u) >> 24 ^ f);
    }
    struct SwsContext *sws = sws_getContext(sw, sh, AV_PIX_FMT_GRAY8, dw, dh, AV_PIX_FMT_GRAY8,
                                            SWS_BICUBIC, NULL, NULL, NULL);
    const struct { const char *n; unsigned f; } lv[] = {{"c", 0}, {"avx2", VX_CPU_SSE41 | VX_CPU_AVX2}};
    const unsigned have = vx_cpu_detect();
    VxScaleDSP dsp[2];
    VxPlaneScaler s[2];
    int nl = 0;
    for (int l = 0; l < 2; l++) {
        if ((lv[l].f & have) != lv[l].f)
            continue;
        vx_scale_dsp_init(&dsp[nl], lv[l].f);
        double rx = (double)sw / dw, ry = (double)sh / dh;
        vx_plane_scaler_init(&s[nl], &dsp[nl], sw, sh, dw, dh, rx, 0.5 * rx - 0.5, ry, 0.5 * ry - 0.5);
        nl++;
    }
    double *t_sws = malloc(sizeof(double) * runs), *t_vx[2] = {malloc(sizeof(double) * runs), malloc(sizeof(double) * runs)};
    for (int r = 0; r < runs; r++) {
        double t0 = now();
        for (int f = 0; f < FRAMES; f++) {
            const uint8_t *sp[1] = {src[f]};
            int ss[1] = {sw}, ds[1] = {dw};
            uint8_t *dp[1] = {dst};
            sws_scale(sws, sp, ss, 0, sh, dp, ds);
        }
        t_sws[r] = (now() - t0) / FRAMES;
        for (int l = 0; l < nl; l++) {
            t0 = now();
            for (int f = 0; f < FRAMES; f++)
                vx_plane_scale(&s[l], src[f], sw, 1, dst, dw, 1);
            t_vx[l][r] = (now() - t0) / FRAMES;
        }
    }
    double m_sws = median(t_sws, runs);
    printf("%dx%d -> %dx%d  swscale bicubic %.2f ms", sw, sh, dw, dh, m_sws * 1e3);
    for (int l = 0; l < nl; l++) {
        double m = median(t_vx[l], runs);
        printf("  | vexport %s %.2f ms (%.2fx swscale)", l ? "avx2" : "c", m * 1e3, m_sws / m);
        vx_plane_scaler_free(&s[l]);
    }
    printf("\n");
    sws_freeContext(sws);
    for (int f = 0; f < FRAMES; f++)
        free(src[f]);
    free(dst), free(t_sws), free(t_vx[0]), free(t_vx[1]);
}

int main(int argc, char **argv)
{
    int runs = 7, did = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--runs") && i + 1 < argc) {
            runs = atoi(argv[++i]);
        } else if (i + 1 < argc) {
            int sw, sh, dw, dh;
            if (sscanf(argv[i], "%dx%d", &sw, &sh) == 2 && sscanf(argv[i + 1], "%dx%d", &dw, &dh) == 2) {
                bench(sw, sh, dw, dh, runs);
                did = 1;
                i++;
            }
        }
    }
    if (!did) {
        printf("single thread, median of %d runs, luma-sized gray planes\n", runs);
        bench(1920, 1080, 1690, 950, runs);  /* 1080p screen into a 6%-padded 1080p output */
        bench(3840, 2160, 3380, 1900, runs); /* the same at 4K */
        bench(1280, 720, 1690, 950, runs);   /* 720p recording enlarged */
    }
    return 0;
}
