/* Plane scaling speed, single thread: vexport's high-quality scaler (Catmull-Rom; C and each
 * SIMD level the CPU has) against swscale's bicubic on the same sizes, whole NV12 frames (the
 * Y plane and the interleaved UV plane), sources rotating through memory. Each run times
 * every contender once, alternating, and the median over --runs runs is printed with the
 * ratio to swscale (and the ratio of the fastest runs, steadier on a busy machine). The
 * vexport time is the Y plane by vx_plane_scale plus the UV plane by vx_plane_scale_uv (both
 * channels in one pass); in brackets the UV plane as compose.c scales it today instead (u
 * and v each by vx_plane_scale at step 2).
 *
 *   build/bench/scale_bench [--runs 15] [--gray] [--bilinear] [SRCWxSRCH DSTWxDSTH]...
 *
 * --gray times the luma plane only (GRAY8 in swscale); --bilinear times vexport's bilinear
 * filter (against swscale's SWS_BILINEAR). The filter building cost of a per-frame
 * re-init (zoom pans) is printed too.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libswscale/swscale.h>

#include "bench.h"
#include "cpu.h"
#include "scale.h"
#include "vexport/vexport.h"

#define FRAMES 4 /* distinct sources, so the source is not one cached frame */

static double now(void)
{
    return bench_clock_s(CLOCK_MONOTONIC);
}

enum { MAXL = 3 };

static void bench(int sw, int sh, int dw, int dh, int runs, int gray, int kind)
{
    const int scw = (sw + 1) / 2, sch = (sh + 1) / 2, dcw = (dw + 1) / 2, dch = (dh + 1) / 2;
    const size_t sy = (size_t)sw * sh, suv = (size_t)scw * 2 * sch;
    uint8_t *src[FRAMES], *dst = malloc((size_t)dw * dh + (size_t)dcw * 2 * dch);
    for (int f = 0; f < FRAMES; f++) {
        src[f] = malloc(sy + suv);
        for (size_t i = 0; i < sy + suv; i++)
            src[f][i] = (uint8_t)((i * 2654435761u) >> 24 ^ f);
    }
    const enum AVPixelFormat pf = gray ? AV_PIX_FMT_GRAY8 : AV_PIX_FMT_NV12;
    struct SwsContext *sws = sws_getContext(sw, sh, pf, dw, dh, pf,
                                            kind == VX_SCALE_BILINEAR ? SWS_BILINEAR : SWS_BICUBIC,
                                            NULL, NULL, NULL);
    const struct { const char *n; unsigned f; } lv[MAXL] = {
        {"c", 0}, {"avx2", VX_CPU_SSE41 | VX_CPU_AVX2},
        {"avx512", VX_CPU_SSE41 | VX_CPU_AVX2 | VX_CPU_AVX512 | VX_CPU_AVX512VNNI}};
    const unsigned have = vx_cpu_detect();
    VxScaleDSP dsp[MAXL];
    VxPlaneScaler s[MAXL], sc[MAXL];
    int nl = 0, li[MAXL];
    const double rx = (double)sw / dw, ry = (double)sh / dh;
    /* chroma as compose.c maps it: left-sited columns, rows between luma rows */
    const double crx = (double)scw / dcw, cry = (double)sch / dch;
    for (int l = 0; l < MAXL; l++) {
        if ((lv[l].f & have) != lv[l].f)
            continue;
        vx_scale_dsp_init(&dsp[nl], lv[l].f);
        vx_plane_scaler_init2(&s[nl], &dsp[nl], kind, sw, sh, dw, dh, rx, 0.5 * rx - 0.5, ry,
                              0.5 * ry - 0.5);
        vx_plane_scaler_init2(&sc[nl], &dsp[nl], kind, scw, sch, dcw, dch, crx, 0.5 * crx - 0.5,
                              cry, 0.5 * cry - 0.5);
        li[nl++] = l;
    }
    double *t_sws = malloc(sizeof(double) * runs), *t_vx[MAXL], *t_vx2[MAXL];
    for (int l = 0; l < nl; l++)
        t_vx[l] = malloc(sizeof(double) * runs), t_vx2[l] = malloc(sizeof(double) * runs);
    uint8_t *duv = dst + (size_t)dw * dh;
    for (int r = 0; r < runs; r++) {
        double t0 = now();
        for (int f = 0; f < FRAMES; f++) {
            const uint8_t *sp[2] = {src[f], src[f] + sy};
            int ss[2] = {sw, 2 * scw}, ds[2] = {dw, 2 * dcw};
            uint8_t *dp[2] = {dst, duv};
            sws_scale(sws, sp, ss, 0, sh, dp, ds);
        }
        t_sws[r] = (now() - t0) / FRAMES;
        for (int l = 0; l < nl; l++) {
            t0 = now();
            for (int f = 0; f < FRAMES; f++) {
                vx_plane_scale(&s[l], src[f], sw, 1, dst, dw, 1);
                if (!gray)
                    vx_plane_scale_uv(&sc[l], src[f] + sy, 2 * scw, duv, 2 * dcw);
            }
            t_vx[l][r] = (now() - t0) / FRAMES;
            if (gray)
                continue;
            t0 = now();
            for (int f = 0; f < FRAMES; f++) {
                vx_plane_scale(&s[l], src[f], sw, 1, dst, dw, 1);
                vx_plane_scale(&sc[l], src[f] + sy, 2 * scw, 2, duv, 2 * dcw, 2);
                vx_plane_scale(&sc[l], src[f] + sy + 1, 2 * scw, 2, duv + 1, 2 * dcw, 2);
            }
            t_vx2[l][r] = (now() - t0) / FRAMES;
        }
    }
    double b_sws = t_sws[0];
    for (int r = 1; r < runs; r++)
        b_sws = t_sws[r] < b_sws ? t_sws[r] : b_sws;
    double m_sws = bench_median(t_sws, runs);
    printf("%s %dx%d -> %dx%d  swscale %s %.2f ms\n", gray ? "gray" : "nv12", sw, sh, dw, dh,
           kind == VX_SCALE_BILINEAR ? "bilinear" : "bicubic", m_sws * 1e3);
    for (int l = 0; l < nl; l++) {
        double b = t_vx[l][0];
        for (int r = 1; r < runs; r++)
            b = t_vx[l][r] < b ? t_vx[l][r] : b;
        double m = bench_median(t_vx[l], runs);
        printf("    vexport %-6s %s %7.2f ms (%.2fx swscale; fastest runs %.2fx)", lv[li[l]].n,
               kind == VX_SCALE_BILINEAR ? "bilinear" : "hq", m * 1e3, m_sws / m, b_sws / b);
        if (!gray) {
            double m2 = bench_median(t_vx2[l], runs);
            printf("   [uv as u,v at step 2: %.2f ms (%.2fx)]", m2 * 1e3, m_sws / m2);
        }
        printf("\n");
        vx_plane_scaler_free(&s[l]);
        vx_plane_scaler_free(&sc[l]);
        free(t_vx[l]), free(t_vx2[l]);
    }
    /* a zoom pan re-initialises both scalers every frame with a new fractional offset */
    double *t_init = malloc(sizeof(double) * runs);
    for (int r = 0; r < runs; r++) {
        double t0 = now();
        for (int f = 0; f < 10; f++) {
            VxPlaneScaler a, b;
            double o = 0.1 * f + 0.013 * r;
            vx_plane_scaler_init2(&a, &dsp[nl - 1], kind, sw, sh, dw, dh, rx, o, ry, o);
            vx_plane_scaler_init2(&b, &dsp[nl - 1], kind, scw, sch, dcw, dch, crx, o, cry, o);
            vx_scale_filter_groups(&a.h, 1); /* the tables the first scale call builds */
            vx_scale_filter_groups(&b.h, 2);
            vx_plane_scaler_free(&a);
            vx_plane_scaler_free(&b);
        }
        t_init[r] = (now() - t0) / 10;
    }
    printf("    scaler init (luma + chroma filters, per zoom frame): %.3f ms\n",
           bench_median(t_init, runs) * 1e3);
    sws_freeContext(sws);
    for (int f = 0; f < FRAMES; f++)
        free(src[f]);
    free(dst), free(t_sws), free(t_init);
}

int main(int argc, char **argv)
{
    int runs = 15, did = 0, gray = 0, kind = VX_SCALE_HQ;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--runs") && i + 1 < argc) {
            runs = atoi(argv[++i]);
        } else if (!strcmp(argv[i], "--gray")) {
            gray = 1;
        } else if (!strcmp(argv[i], "--bilinear")) {
            kind = VX_SCALE_BILINEAR;
        } else if (i + 1 < argc) {
            int sw, sh, dw, dh;
            if (sscanf(argv[i], "%dx%d", &sw, &sh) == 2 && sscanf(argv[i + 1], "%dx%d", &dw, &dh) == 2) {
                bench(sw, sh, dw, dh, runs, gray, kind);
                did = 1;
                i++;
            }
        }
    }
    if (!did) {
        printf("single thread, median of %d alternating runs\n", runs);
        bench(3840, 2160, 3380, 1900, runs, gray, kind); /* 4K screen into a padded 4K output */
        bench(1920, 1080, 1690, 950, runs, gray, kind);  /* the same at 1080p */
        bench(1280, 720, 1690, 950, runs, gray, kind);   /* 720p recording enlarged */
    }
    return 0;
}
