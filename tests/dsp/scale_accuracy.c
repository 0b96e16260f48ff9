/* The fixed-point plane scaler against a double-precision Catmull-Rom resampler written
 * separately here: every output within 0.75 code values, on random and on sharp (text-like)
 * content, for shrinking, enlarging and fractional offsets, at every ISA level. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "cpu.h"
#include "scale.h"
#include "vexport/vexport.h"

static double cubic(double x)
{
    x = fabs(x);
    return x < 1 ? 1.5 * x * x * x - 2.5 * x * x + 1
         : x < 2 ? -0.5 * x * x * x + 2.5 * x * x - 4 * x + 2 : 0;
}

/* 1-D weights as the format document defines them, edge samples repeated */
static double sample1d(const double *v, int n, double c, double ratio)
{
    double widen = ratio > 1 ? ratio : 1, sum = 0, acc = 0;
    for (int k = (int)floor(c - 2 * widen) - 1; k <= (int)ceil(c + 2 * widen) + 1; k++) {
        double w = cubic((k - c) / widen);
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
    if (vx_plane_scaler_init(&s, dsp, sw, sh, dw, dh, rx, 0.5 * rx - 0.5 + ox, ry,
                             0.5 * ry - 0.5 + oy) < 0)
        return 1;
    vx_plane_scale(&s, src, sw, 1, dst, dw, 1);
    /* reference: horizontal pass in double over all rows, then vertical */
    double *tmp = malloc(sizeof(double) * (size_t)dw * sh), *col = malloc(sizeof(double) * sh);
    double *row = malloc(sizeof(double) * sw);
    for (int y = 0; y < sh; y++) {
        for (int x = 0; x < sw; x++)
            row[x] = src[y * sw + x];
        for (int i = 0; i < dw; i++)
            tmp[(size_t)i * sh + y] = sample1d(row, sw, rx * i + 0.5 * rx - 0.5 + ox, rx);
    }
    double maxe = 0;
    for (int i = 0; i < dw; i++) {
        for (int y = 0; y < sh; y++)
            col[y] = tmp[(size_t)i * sh + y];
        for (int j = 0; j < dh; j++) {
            double r = sample1d(col, sh, ry * j + 0.5 * ry - 0.5 + oy, ry);
            r = r < 0 ? 0 : r > 255 ? 255 : r;
            maxe = fmax(maxe, fabs(dst[j * dw + i] - r));
        }
    }
    int bad = maxe > 0.75; /* rounding only: the fixed-point path adds < 1/4 */
    printf("%s %s %dx%d -> %dx%d offset (%.2f, %.2f): max error %.3f%s\n", isa,
           sharp ? "sharp " : "random", sw, sh, dw, dh, ox, oy, maxe, bad ? "  FAIL" : "");
    vx_plane_scaler_free(&s);
    free(src), free(dst), free(tmp), free(col), free(row);
    return bad;
}

int main(void)
{
    srand(7);
    const unsigned have = vx_cpu_detect();
    const struct { const char *n; unsigned f; } levels[] = {
        {"c", 0}, {"avx2", VX_CPU_SSE41 | VX_CPU_AVX2}, {"neon", VX_CPU_NEON}};
    int fails = 0;
    for (int l = 0; l < (int)(sizeof(levels) / sizeof(levels[0])); l++) {
        if ((levels[l].f & have) != levels[l].f)
            continue;
        VxScaleDSP dsp;
        vx_scale_dsp_init(&dsp, levels[l].f);
        for (int sharp = 0; sharp < 2; sharp++) {
            fails += run(&dsp, 192, 108, 169, 95, 0, 0, sharp, levels[l].n);    /* 0.88x */
            fails += run(&dsp, 384, 216, 128, 72, 0, 0, sharp, levels[l].n);    /* 1/3 */
            fails += run(&dsp, 97, 61, 250, 143, 0, 0, sharp, levels[l].n);     /* 2.6x up */
            fails += run(&dsp, 160, 90, 160, 90, 0.37, -0.21, sharp, levels[l].n); /* pan */
            fails += run(&dsp, 33, 17, 7, 5, 0, 0, sharp, levels[l].n);          /* tiny */
        }
    }
    printf("%s: %d failure(s)\n", fails ? "FAIL" : "PASS", fails);
    return fails != 0;
}
