/* Accuracy of the conversion kernels against double precision (the SIMD versions are
 * bit-exact with C, so this holds for all of them; the best level this CPU has is used):
 *  - RGB -> YUV over a lattice of colours (every 3rd level of R, G and B, 636k colours) and
 *    every matrix and range: every Y and chroma sample within 1 code value, fewer than 10%
 *    of samples off by one from the rounded value, mean chroma error within +-0.05;
 *  - the chroma filters on random pictures (left-sited [1 2 1] x 2 rows, centre [1 1] x 2):
 *    within 1 code value of the filtered double-precision value;
 *  - YUV -> RGB: every Y and a lattice of Cb/Cr, within 1 code value of the clipped
 *    double-precision inverse.
 * The full 2^24 sweep is in bench/convert_bench --accuracy. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu.h"
#include "dsp/convert.h"
#include "vexport/vexport.h"

static int failures;

static void kr_kb(int matrix, double *kr, double *kb)
{
    *kr = matrix == VX_MATRIX_BT601 ? 0.299 : matrix == VX_MATRIX_BT709 ? 0.2126 : 0.2627;
    *kb = matrix == VX_MATRIX_BT601 ? 0.114 : matrix == VX_MATRIX_BT709 ? 0.0722 : 0.0593;
}

static void ref_ycc(int matrix, int full, double r, double g, double b, double *y, double *cb,
                    double *cr)
{
    double kr, kb;
    kr_kb(matrix, &kr, &kb);
    const double yl = (kr * r + (1 - kr - kb) * g + kb * b) / 255.0;
    const double ys = full ? 255 : 219, cs = full ? 255 : 224, yo = full ? 0 : 16;
    *y = yo + ys * yl;
    *cb = 128 + cs * (b / 255.0 - yl) / (2 * (1 - kb));
    *cr = 128 + cs * (r / 255.0 - yl) / (2 * (1 - kr));
}

static double clipd(double v)
{
    return v < 0 ? 0 : v > 255 ? 255 : v;
}

typedef struct Stats {
    long long n_y, y_off, n_c, c_off;
    double c_sum, max_err;
} Stats;

static void account(Stats *s, double ref, int got, int chroma)
{
    const double e = got - clipd(ref);
    const int off = got != (int)lrint(clipd(ref));
    if (chroma)
        s->n_c++, s->c_off += off, s->c_sum += e;
    else
        s->n_y++, s->y_off += off;
    s->max_err = fmax(s->max_err, fabs(e));
}

static void colour_lattice(const VxConvertDSP *d, int matrix, int full)
{
    const int n = 86 * 86; /* one block of colours per blue level */
    const int w = 4 * n;
    uint8_t *rgb = malloc(8 * (size_t)w), *y0 = malloc(w), *y1 = malloc(w);
    uint8_t *u = malloc(w / 2), *v = malloc(w / 2);
    VxConvCoefs c;
    Stats st = {0};
    for (int loc = 0; loc < 2; loc++) {
        vx_conv_coefs_init(&c, matrix, full, loc, VX_PIX_BGRA);
        for (int bi = 0; bi < 86; bi++) {
            for (int k = 0; k < n; k++) {
                const uint8_t r = (uint8_t)(3 * (k / 86)), g = (uint8_t)(3 * (k % 86)),
                              b = (uint8_t)(3 * bi);
                for (int x = 4 * k; x < 4 * k + 4; x++)
                    for (int row = 0; row < 2; row++) {
                        uint8_t *p = rgb + row * 4 * (size_t)w + 4 * x;
                        p[0] = b, p[1] = g, p[2] = r, p[3] = (uint8_t)(x * 37);
                    }
            }
            d->rgb_to_yuv420(rgb, rgb + 4 * (size_t)w, y0, y1, u, v, 1, w, &c);
            for (int k = 0; k < n; k++) {
                double ry, rcb, rcr;
                ref_ycc(matrix, full, 3 * (k / 86), 3 * (k % 86), 3 * bi, &ry, &rcb, &rcr);
                account(&st, ry, y0[4 * k + 1], 0);
                account(&st, ry, y1[4 * k + 3], 0);
                /* chroma sample 2k+1 sees pixels 4k+1..4k+3 (left) or 4k+2..4k+3 (centre) */
                account(&st, rcb, u[2 * k + 1], 1);
                account(&st, rcr, v[2 * k + 1], 1);
            }
        }
    }
    const double y_share = (double)st.y_off / st.n_y, c_share = (double)st.c_off / st.n_c;
    const double c_mean = st.c_sum / st.n_c;
    printf("matrix %d %s: Y off by one %.3f%%, chroma off by one %.3f%%, mean chroma error "
           "%+.4f, max error %.3f\n", matrix, full ? "full" : "limited", 100 * y_share,
           100 * c_share, c_mean, st.max_err);
    if (st.max_err > 1.0 || y_share >= 0.10 || c_share >= 0.10 || fabs(c_mean) > 0.05) {
        printf("FAIL matrix %d range %d: outside the bounds (max 1, off by one < 10%%, "
               "|mean| <= 0.05)\n", matrix, full);
        failures++;
    }
    free(rgb), free(y0), free(y1), free(u), free(v);
}

/* Random pictures: each chroma sample within 1 of the filtered double-precision value. */
static void filters(const VxConvertDSP *d)
{
    const int w = 517;
    uint8_t *rgb = malloc(8 * w), *y0 = malloc(w), *y1 = malloc(w), *u = malloc(w), *v = malloc(w);
    unsigned seed = 99;
    double maxe = 0;
    for (int rep = 0; rep < 400; rep++) {
        for (int i = 0; i < 8 * w; i++) {
            seed = seed * 1664525u + 1013904223u;
            rgb[i] = (uint8_t)(seed >> 24);
        }
        const int matrix = rep % 3, full = (rep / 3) % 2, left = (rep / 6) % 2;
        VxConvCoefs c;
        vx_conv_coefs_init(&c, matrix, full, left ? VX_CHROMA_LEFT : VX_CHROMA_CENTER,
                           VX_PIX_RGBA);
        d->rgb_to_yuv420(rgb, rgb + 4 * w, y0, y1, u, v, 1, w, &c);
        for (int i = 0; 2 * i < w; i++) {
            double sb = 0, sr = 0, wt = 0;
            for (int row = 0; row < 2; row++)
                for (int dx = -1; dx <= 1; dx++) {
                    const double k = left ? (dx ? 1 : 2) : (dx < 0 ? 0 : 1);
                    int x = 2 * i + dx;
                    x = x < 0 ? 0 : x >= w ? w - 1 : x;
                    const uint8_t *p = rgb + row * 4 * w + 4 * x;
                    double yy, cb, cr;
                    ref_ycc(matrix, full, p[0], p[1], p[2], &yy, &cb, &cr);
                    sb += k * cb, sr += k * cr, wt += k;
                }
            maxe = fmax(maxe, fabs(u[i] - clipd(sb / wt)));
            maxe = fmax(maxe, fabs(v[i] - clipd(sr / wt)));
        }
    }
    printf("chroma filters on random pictures: max error %.3f\n", maxe);
    if (maxe > 1.0) {
        printf("FAIL chroma filter error %.3f > 1\n", maxe);
        failures++;
    }
    free(rgb), free(y0), free(y1), free(u), free(v);
}

static void inverse(const VxConvertDSP *d)
{
    double maxe = 0;
    uint8_t y[256], u[128], v[128], out[4 * 256];
    for (int i = 0; i < 256; i++)
        y[i] = (uint8_t)i;
    for (int matrix = 0; matrix < 3; matrix++)
        for (int full = 0; full < 2; full++) {
            double kr, kb;
            kr_kb(matrix, &kr, &kb);
            const double kg = 1 - kr - kb;
            const double ys = full ? 1 : 255 / 219.0, cs = full ? 1 : 255 / 224.0;
            const int ylo = full ? 0 : 16, yhi = full ? 255 : 235;
            const int clo = full ? 0 : 16, chi = full ? 255 : 240;
            VxConvCoefs c;
            vx_conv_coefs_init(&c, matrix, full, VX_CHROMA_LEFT, VX_PIX_ARGB);
            for (int cb = clo; cb <= chi; cb += 3)
                for (int cr = clo; cr <= chi; cr += 5) {
                    memset(u, cb, sizeof(u));
                    memset(v, cr, sizeof(v));
                    d->yuv420_to_rgb(out, y, u, v, 1, 256, &c);
                    for (int yy = ylo; yy <= yhi; yy++) {
                        const double e = (yy - (full ? 0 : 16)) * ys;
                        const double pb = (cb - 128) * cs, pr = (cr - 128) * cs;
                        const double r = e + 2 * (1 - kr) * pr, b = e + 2 * (1 - kb) * pb;
                        const double g = (e - kr * r - kb * b) / kg;
                        const uint8_t *o = out + 4 * yy;
                        maxe = fmax(maxe, fabs(o[1] - clipd(r)));
                        maxe = fmax(maxe, fabs(o[2] - clipd(g)));
                        maxe = fmax(maxe, fabs(o[3] - clipd(b)));
                        if (o[0] != 255)
                            maxe = 99;
                    }
                }
        }
    printf("YUV -> RGB: max error %.3f\n", maxe);
    if (maxe > 1.0) {
        printf("FAIL YUV -> RGB error %.3f > 1\n", maxe);
        failures++;
    }
}

int main(void)
{
    VxConvertDSP d;
    vx_convert_dsp_init(&d, vx_cpu_detect());
    for (int matrix = 0; matrix < 3; matrix++)
        for (int full = 0; full < 2; full++)
            colour_lattice(&d, matrix, full);
    filters(&d);
    inverse(&d);
    printf("%s: %d failure(s)\n", failures ? "FAIL" : "PASS", failures);
    return failures != 0;
}
