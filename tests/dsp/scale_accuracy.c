/* The fixed-point plane scaler against a double-precision resampler of the same filter
 * (Catmull-Rom widened when shrinking, or bilinear) written separately here: every output
 * within 0.75 code values and PSNR against the unrounded reference at least 50 dB (the
 * rounding to 8 bits alone gives about 53 dB on these images: the fixed-point arithmetic
 * costs little beyond it), on random and on sharp (text-like) content, for shrinking,
 * enlarging and fractional offsets, at every ISA level; the two-channel (NV12 UV) path equal
 * to two one-channel passes; and sub-sample pans that move the picture smoothly: shifting
 * the source offset by 0.1 sample moves a sharp edge by 0.1 / ratio output samples. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu.h"
#include "scale.h"
#include "vexport/vexport.h"

static double cubic(double x)
{
    x = fabs(x);
    return x < 1 ? 1.5 * x * x * x - 2.5 * x * x + 1
         : x < 2 ? -0.5 * x * x * x + 2.5 * x * x - 4 * x + 2 : 0;
}

static double tri(double x)
{
    x = fabs(x);
    return x < 1 ? 1 - x : 0;
}

static int g_kind; /* VX_SCALE_HQ or VX_SCALE_BILINEAR for the reference */

/* 1-D weights as the format document defines them, edge samples repeated */
static double sample1d(const double *v, int n, double c, double ratio)
{
    double widen = ratio > 1 ? ratio : 1, sum = 0, acc = 0;
    for (int k = (int)floor(c - 2 * widen) - 1; k <= (int)ceil(c + 2 * widen) + 1; k++) {
        double w = g_kind == VX_SCALE_BILINEAR ? tri((k - c) / widen) : cubic((k - c) / widen);
        int kc = k < 0 ? 0 : k >= n ? n - 1 : k;
        acc += w * v[kc];
        sum += w;
    }
    return acc / sum;
}

static int run(const VxScaleDSP *dsp, int sw, int sh, int dw, int dh, double ox, double oy,
               int sharp, const char *isa)
{
    double rx = (double)sw / dw, ry = (double)sh / dh;
    uint8_t *src = malloc((size_t)sw * sh), *dst = malloc((size_t)dw * dh);
    for (int i = 0; i < sw * sh; i++)
        src[i] = sharp ? (((i % sw) / 3 + (i / sw) / 2) % 3 ? 235 : 16) : (uint8_t)(rand() & 255);
    VxPlaneScaler s;
    if (vx_plane_scaler_init2(&s, dsp, g_kind, sw, sh, dw, dh, rx, 0.5 * rx - 0.5 + ox, ry,
                              0.5 * ry - 0.5 + oy) < 0)
        return 1;
    vx_plane_scale(&s, src, sw, 1, dst, dw, 1);
    /* the same plane as both channels of an interleaved one, with a different second
     * channel: channel 0 must equal the one-channel result */
    uint8_t *src2 = malloc((size_t)2 * sw * sh), *dst2 = malloc((size_t)2 * dw * dh);
    for (int i = 0; i < sw * sh; i++)
        src2[2 * i] = src[i], src2[2 * i + 1] = (uint8_t)(255 - src[i]);
    vx_plane_scale_uv(&s, src2, 2 * sw, dst2, 2 * dw);
    int uv_bad = 0;
    for (int i = 0; i < dw * dh; i++)
        uv_bad |= dst2[2 * i] != dst[i];
    /* in bands of output rows, each with a ring of its own (as threads scale them): the
     * same rows as the whole plane, in both layouts */
    {
        uint8_t *b1 = malloc((size_t)dw * dh), *b2 = malloc((size_t)2 * dw * dh);
        const int cut[4] = {0, dh / 3, dh / 3 + 1, dh};
        vx_plane_scaler_prepare(&s, 1);
        vx_plane_scaler_prepare(&s, 2);
        for (int b = 0; b < 3; b++) {
            VxScaleRing r = {0};
            if (vx_scale_ring_fit(&r, &s, 2) < 0)
                return 1;
            vx_plane_scale_band(&s, &r, cut[b], cut[b + 1], src, sw, 1, b1, dw, 1);
            vx_plane_scale_uv_band(&s, &r, cut[b], cut[b + 1], src2, 2 * sw, b2, 2 * dw);
            vx_scale_ring_free(&r);
        }
        if (memcmp(b1, dst, (size_t)dw * dh) || memcmp(b2, dst2, (size_t)2 * dw * dh)) {
            printf("bands differ from the whole plane\n");
            uv_bad = 1;
        }
        free(b1), free(b2);
    }
    /* incremental, both layouts: a first call (all changed), then a changed rectangle; the
     * written spans over the previous output must equal a full scale of the new source */
    for (int ch = 1; ch <= 2; ch++) {
        uint8_t *sc = malloc((size_t)ch * sw * sh), *inc = malloc((size_t)ch * dw * dh);
        uint8_t *full = malloc((size_t)ch * dw * dh);
        memcpy(sc, ch == 2 ? src2 : src, (size_t)ch * sw * sh);
        VxScaleKeep keep = {0};
        VxSpans chg, wr;
        chg.lo = calloc(sh, sizeof(int)), chg.hi = calloc(sh, sizeof(int));
        wr.lo = calloc(dh, sizeof(int)), wr.hi = calloc(dh, sizeof(int));
        for (int pass = 0; pass < 2; pass++) {
            if (pass) { /* change a rectangle */
                const int x0 = rand() % sw, x1 = x0 + 1 + rand() % (sw - x0);
                const int y0 = rand() % sh, y1 = y0 + 1 + rand() % (sh - y0);
                for (int y = 0; y < sh; y++) {
                    chg.lo[y] = y >= y0 && y < y1 ? x0 : 0;
                    chg.hi[y] = y >= y0 && y < y1 ? x1 : 0;
                    for (int x = chg.lo[y]; x < chg.hi[y]; x++)
                        for (int c = 0; c < ch; c++)
                            sc[(y * sw + x) * ch + c] = (uint8_t)rand();
                }
            }
            if (ch == 2)
                vx_plane_scale_uv_changed(&s, &keep, sc, 2 * sw, &chg, NULL, inc, 2 * dw, &wr);
            else
                vx_plane_scale_changed(&s, &keep, sc, sw, 1, &chg, NULL, inc, dw, 1, &wr);
        }
        if (ch == 2)
            vx_plane_scale_uv(&s, sc, 2 * sw, full, 2 * dw);
        else
            vx_plane_scale(&s, sc, sw, 1, full, dw, 1);
        if (memcmp(inc, full, (size_t)ch * dw * dh)) {
            printf("incremental (%d channel%s) differs from a full scale\n", ch, ch == 2 ? "s" : "");
            uv_bad = 1;
        }
        vx_scale_keep_free(&keep);
        free(chg.lo), free(chg.hi), free(wr.lo), free(wr.hi), free(sc), free(inc), free(full);
    }
    free(src2), free(dst2);
    /* reference: horizontal pass in double over all rows, then vertical */
    double *tmp = malloc(sizeof(double) * (size_t)dw * sh), *col = malloc(sizeof(double) * sh);
    double *row = malloc(sizeof(double) * sw);
    for (int y = 0; y < sh; y++) {
        for (int x = 0; x < sw; x++)
            row[x] = src[y * sw + x];
        for (int i = 0; i < dw; i++)
            tmp[(size_t)i * sh + y] = sample1d(row, sw, rx * i + 0.5 * rx - 0.5 + ox, rx);
    }
    double maxe = 0, se = 0;
    for (int i = 0; i < dw; i++) {
        for (int y = 0; y < sh; y++)
            col[y] = tmp[(size_t)i * sh + y];
        for (int j = 0; j < dh; j++) {
            double r = sample1d(col, sh, ry * j + 0.5 * ry - 0.5 + oy, ry);
            r = r < 0 ? 0 : r > 255 ? 255 : r;
            maxe = fmax(maxe, fabs(dst[j * dw + i] - r));
            se += (dst[j * dw + i] - r) * (dst[j * dw + i] - r);
        }
    }
    const double psnr = 10 * log10(255.0 * 255.0 / (se / ((double)dw * dh)));
    /* rounding only: the fixed-point path adds < 1/4 */
    int bad = maxe > 0.75 || psnr < 50 || uv_bad;
    printf("%s %s %s %dx%d -> %dx%d offset (%.2f, %.2f): max error %.3f, PSNR %.1f dB%s%s\n",
           isa, g_kind == VX_SCALE_BILINEAR ? "bilinear" : "hq      ", sharp ? "sharp " : "random",
           sw, sh, dw, dh, ox, oy, maxe, psnr, uv_bad ? "  UV DIFFERS" : "", bad ? "  FAIL" : "");
    vx_plane_scaler_free(&s);
    free(src), free(dst), free(tmp), free(col), free(row);
    return bad;
}

/* A zoomed view (ratio < 1, away from the source's edges) reads a part of the source:
 * vx_plane_scaler_reach must name every sample an output depends on. Every sample outside it
 * is replaced (by its complement: a change of up to 255) and the output must stay the same,
 * bit for bit; the reach must also be a part of the source, not all of it. A reach cut by one
 * sample that an output weighs, at any edge, changes some output. */
static int reach(const VxScaleDSP *dsp, double rx, double ox, double ry, double oy,
                 const char *isa)
{
    const int sw = 192, sh = 108, dw = 160, dh = 90;
    uint8_t *src = malloc((size_t)sw * sh), *a = malloc((size_t)dw * dh), *b = malloc((size_t)dw * dh);
    for (int i = 0; i < sw * sh; i++)
        src[i] = (uint8_t)rand();
    VxPlaneScaler s;
    if (vx_plane_scaler_init2(&s, dsp, g_kind, sw, sh, dw, dh, rx, ox, ry, oy) < 0)
        return 1;
    int x0, x1, y0, y1;
    vx_plane_scaler_reach(&s, &x0, &x1, &y0, &y1);
    vx_plane_scale(&s, src, sw, 1, a, dw, 1);
    for (int y = 0; y < sh; y++)
        for (int x = 0; x < sw; x++)
            if (x < x0 || x >= x1 || y < y0 || y >= y1)
                src[y * sw + x] = (uint8_t)(255 - src[y * sw + x]);
    vx_plane_scale(&s, src, sw, 1, b, dw, 1);
    const int inside = x0 >= 0 && x1 <= sw && y0 >= 0 && y1 <= sh && x0 < x1 && y0 < y1;
    const int part = x1 - x0 < sw && y1 - y0 < sh;
    /* a zoom's filters carry no tap of weight 0 in every output: the 4 of Catmull-Rom's
     * support (2 of bilinear's), not the 5 (3) of a window one sample wider */
    const int want = g_kind == VX_SCALE_BILINEAR ? 2 : 4;
    const int taps_ok = s.h.taps == want && s.v.taps == want;
    const int bad = memcmp(a, b, (size_t)dw * dh) != 0 || !inside || !part || !taps_ok;
    printf("%s %s reach of a view %.2fx%.2f at (%.1f, %.1f): [%d, %d) x [%d, %d) of %dx%d, "
           "%d x %d taps%s\n", isa, g_kind == VX_SCALE_BILINEAR ? "bilinear" : "hq      ", rx,
           ry, ox, oy, x0, x1, y0, y1, sw, sh, s.h.taps, s.v.taps, bad ? "  FAIL" : "");
    vx_plane_scaler_free(&s);
    free(src), free(a), free(b);
    return bad;
}

/* A vertical step edge (16 | 235) scaled with source offsets 0, 0.1, ..., 1: a row's sum
 * tells where the edge is. Each 0.1 step must move it (by 0.4x to 1.8x of 0.1 / ratio output
 * samples: the filters' discrete normalisation makes steps uneven by tens of percent when
 * shrinking, a snapped pan would not move at all for most steps) and the whole sample by
 * 1 / ratio within 5%: pans are smooth, not snapped to whole samples. */
static int pan(const VxScaleDSP *dsp, double ratio, const char *isa)
{
    const int sw = 64, sh = 4, dw = (int)(sw / ratio), dh = 4;
    uint8_t src[64 * 4], dst[256 * 4];
    for (int i = 0; i < sw * sh; i++)
        src[i] = (i % sw) < sw / 2 ? 16 : 235;
    const double want = 219 * 0.1 / ratio; /* row sum change per step */
    double first = 0, prev = 0, lo = 1e9, hi = 0;
    for (int k = 0; k <= 10; k++) {
        VxPlaneScaler s;
        if (vx_plane_scaler_init2(&s, dsp, g_kind, sw, sh, dw, dh, ratio, 0.1 * k, 1, 0) < 0)
            return 1;
        vx_plane_scale(&s, src, sw, 1, dst, dw, 1);
        vx_plane_scaler_free(&s);
        double sum = 0;
        for (int i = 0; i < dw; i++)
            sum += dst[i];
        if (k) {
            lo = fmin(lo, (sum - prev) / want);
            hi = fmax(hi, (sum - prev) / want);
        } else {
            first = sum;
        }
        prev = sum;
    }
    const double total = (prev - first) / (10 * want);
    const int bad = lo < 0.4 || hi > 1.8 || fabs(total - 1) > 0.05;
    printf("%s %s pan ratio %.2f: steps %.2f..%.2f of 0.1 sample, whole sample %.3f%s\n", isa,
           g_kind == VX_SCALE_BILINEAR ? "bilinear" : "hq      ", ratio, lo, hi, total,
           bad ? "  FAIL" : "");
    return bad;
}

int main(void)
{
    srand(7);
    const unsigned have = vx_cpu_detect();
    const struct { const char *n; unsigned f; } levels[] = {
        {"c", 0}, {"avx2", VX_CPU_SSE41 | VX_CPU_AVX2},
        {"avx512", VX_CPU_SSE41 | VX_CPU_AVX2 | VX_CPU_AVX512 | VX_CPU_AVX512VNNI}, {"neon", VX_CPU_NEON}};
    int fails = 0;
    for (int l = 0; l < (int)(sizeof(levels) / sizeof(levels[0])); l++) {
        if ((levels[l].f & have) != levels[l].f)
            continue;
        VxScaleDSP dsp;
        vx_scale_dsp_init(&dsp, levels[l].f);
        for (g_kind = 0; g_kind < 2; g_kind++)
        for (int sharp = 0; sharp < 2; sharp++) {
            fails += run(&dsp, 192, 108, 169, 95, 0, 0, sharp, levels[l].n);    /* 0.88x */
            fails += run(&dsp, 384, 216, 128, 72, 0, 0, sharp, levels[l].n);    /* 1/3 */
            fails += run(&dsp, 97, 61, 250, 143, 0, 0, sharp, levels[l].n);     /* 2.6x up */
            fails += run(&dsp, 160, 90, 160, 90, 0.37, -0.21, sharp, levels[l].n); /* pan */
            fails += run(&dsp, 33, 17, 7, 5, 0, 0, sharp, levels[l].n);          /* tiny */
            fails += run(&dsp, 384, 216, 338, 190, 0, 0, sharp, levels[l].n);   /* 4K ratio */
            if (!sharp) {
                fails += pan(&dsp, 0.5, levels[l].n);  /* zoomed in 2x */
                fails += pan(&dsp, 1.0, levels[l].n);
                fails += pan(&dsp, 1.14, levels[l].n);
                fails += reach(&dsp, 0.45, 40.3, 0.45, 27.6, levels[l].n); /* zoomed 2.2x */
                fails += reach(&dsp, 0.55, 31.0, 0.62, 20.0, levels[l].n); /* whole samples */
                fails += reach(&dsp, 0.8, 12.71, 0.8, 9.13, levels[l].n);
            }
        }
    }
    printf("%s: %d failure(s)\n", fails ? "FAIL" : "PASS", fails);
    return fails != 0;
}
