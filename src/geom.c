/* Geometry and colour shared by the compositor and the layers (geom.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "geom.h"
#include "vexport/vexport.h"

void vx_rect_union(VxRect *r, int x0, int y0, int x1, int y1)
{
    if (x0 >= x1 || y0 >= y1)
        return;
    if (r->x0 >= r->x1) {
        *r = (VxRect){x0, y0, x1, y1};
        return;
    }
    r->x0 = x0 < r->x0 ? x0 : r->x0;
    r->y0 = y0 < r->y0 ? y0 : r->y0;
    r->x1 = x1 > r->x1 ? x1 : r->x1;
    r->y1 = y1 > r->y1 ? y1 : r->y1;
}

VxRect vx_rect_clip(VxRect r, int W, int H)
{
    r.x0 = r.x0 < 0 ? 0 : r.x0, r.y0 = r.y0 < 0 ? 0 : r.y0;
    r.x1 = r.x1 > W ? W : r.x1, r.y1 = r.y1 > H ? H : r.y1;
    return vx_rect_empty(r) ? (VxRect){0, 0, 0, 0} : r;
}

double vx_rrect_coverage(double px, double py, double x, double y, double w, double h, double r)
{
    double hw = w / 2, hh = h / 2;
    double qx = fabs(px - (x + hw)) - (hw - r), qy = fabs(py - (y + hh)) - (hh - r);
    double d = hypot(fmax(qx, 0), fmax(qy, 0)) + fmin(fmax(qx, qy), 0) - r;
    double c = 0.5 - d;
    return c < 0 ? 0 : c > 1 ? 1 : c;
}

uint8_t vx_q8(double v)
{
    long q = lrint(v);
    return (uint8_t)(q < 0 ? 0 : q > 255 ? 255 : q);
}

double vx_ease_in_out(double a)
{
    a = a < 0 ? 0 : a > 1 ? 1 : a;
    return a < 0.5 ? 4 * a * a * a : 1 - pow(-2 * a + 2, 3) / 2;
}

int vx_hex_rgb(const char *s, int rgb[3])
{
    unsigned v;
    int end = 0;
    if (!s || strlen(s) != 7 || sscanf(s, "#%6x%n", &v, &end) != 1 || end != 7)
        return -1;
    rgb[0] = (int)(v >> 16), rgb[1] = (int)(v >> 8 & 255), rgb[2] = (int)(v & 255);
    return 0;
}

void vx_rgb_ycbcr(int matrix, const int rgb[3], uint8_t ycc[3])
{
    double kr, kb;
    vx_matrix_coefs(matrix, &kr, &kb);
    const double R = rgb[0] / 255.0, G = rgb[1] / 255.0, B = rgb[2] / 255.0;
    const double Y = kr * R + (1 - kr - kb) * G + kb * B;
    ycc[0] = vx_q8(16 + 219 * Y);
    ycc[1] = vx_q8(128 + 224 * (B - Y) / (2 * (1 - kb)));
    ycc[2] = vx_q8(128 + 224 * (R - Y) / (2 * (1 - kr)));
}

int vx_output_matrix(int height)
{
    return height >= 720 ? VX_MATRIX_BT709 : VX_MATRIX_BT601;
}

void vx_matrix_coefs(int matrix, double *kr, double *kb)
{
    switch (matrix) {
    case VX_MATRIX_BT601: *kr = 0.299, *kb = 0.114; break;
    case VX_MATRIX_BT2020: *kr = 0.2627, *kb = 0.0593; break;
    default: *kr = 0.2126, *kb = 0.0722; break;
    }
}

void vx_matrix_q16(int from, int to, int32_t c[3][3])
{
    double kr1, kb1, kr2, kb2;
    vx_matrix_coefs(from, &kr1, &kb1);
    vx_matrix_coefs(to, &kr2, &kb2);
    const double kg1 = 1 - kr1 - kb1, kg2 = 1 - kr2 - kb2;
    for (int k = 0; k < 3; k++) { /* column k: the image of a unit step of input k */
        const double yy = k == 0 ? 1 / 219.0 : 0, pb = k == 1 ? 1 / 224.0 : 0;
        const double pr = k == 2 ? 1 / 224.0 : 0;
        const double r = yy + 2 * (1 - kr1) * pr, b = yy + 2 * (1 - kb1) * pb;
        const double g = (yy - kr1 * r - kb1 * b) / kg1;
        const double y2 = kr2 * r + kg2 * g + kb2 * b;
        c[0][k] = (int32_t)lrint(219 * y2 * 65536);
        c[1][k] = (int32_t)lrint(224 * (b - y2) / (2 * (1 - kb2)) * 65536);
        c[2][k] = (int32_t)lrint(224 * (r - y2) / (2 * (1 - kr2)) * 65536);
    }
}

int vx_mask_alloc(VxMask *mk, int w, int h, int ox, int oy)
{
    mk->w = w, mk->h = h, mk->ox = ox, mk->oy = oy;
    mk->m = malloc((size_t)w * h);
    mk->rows = calloc((size_t)h, sizeof(*mk->rows));
    return mk->m && mk->rows ? 0 : VX_ERR(ENOMEM);
}

void vx_mask_free(VxMask *mk)
{
    free(mk->m);
    free(mk->rows);
    memset(mk, 0, sizeof(*mk));
}

/* The shapes are convex, so both runs are one; a hole that is not gets no hole (all
 * blended). */
void vx_mask_set_row(VxMaskRow *r, const uint8_t *act, const uint8_t *hole, int w)
{
    int lo = 0, hi = w;
    while (lo < w && !act[lo])
        lo++;
    while (hi > lo && !act[hi - 1])
        hi--;
    int ilo = lo, ihi = hi;
    while (ilo < hi && !hole[ilo])
        ilo++;
    while (ihi > ilo && !hole[ihi - 1])
        ihi--;
    for (int i = ilo; i < ihi; i++)
        if (!hole[i])
            ilo = ihi = hi;
    if (ilo == ihi)
        ilo = ihi = hi;
    r->lo = lo, r->ilo = ilo, r->ihi = ihi, r->hi = hi;
}

void vx_mask_blend(const VxBlendDSP *d, const VxMask *mk, const VxPlane *dst,
                   const uint8_t *under, ptrdiff_t ustride, int copy, int pj0, int pj1)
{
    const int step = dst->step;
    int j0 = mk->oy < 0 ? -mk->oy : 0, j1 = mk->oy + mk->h > dst->h ? dst->h - mk->oy : mk->h;
    j0 = pj0 - mk->oy > j0 ? pj0 - mk->oy : j0;
    j1 = pj1 - mk->oy < j1 ? pj1 - mk->oy : j1;
    const int c0 = mk->ox < 0 ? -mk->ox : 0, c1 = mk->ox + mk->w > dst->w ? dst->w - mk->ox : mk->w;
    for (int j = j0; j < j1; j++) {
        const VxMaskRow *r = &mk->rows[j];
        uint8_t *drow = dst->p + (ptrdiff_t)(mk->oy + j) * dst->stride;
        const uint8_t *urow = under + (ptrdiff_t)j * ustride, *mrow = mk->m + (size_t)j * mk->w;
        const int spans[2][2] = {{r->lo, r->ilo}, {r->ihi, r->hi}};
        for (int s = 0; s < 2; s++) {
            int a = spans[s][0] > c0 ? spans[s][0] : c0, b = spans[s][1] < c1 ? spans[s][1] : c1;
            if (a < b)
                d->mask(drow + (ptrdiff_t)(mk->ox + a) * step, urow + (ptrdiff_t)a * step,
                        mrow + a, step, b - a);
        }
        if (copy) {
            int a = r->ilo > c0 ? r->ilo : c0, b = r->ihi < c1 ? r->ihi : c1;
            if (a < b)
                memcpy(drow + (ptrdiff_t)(mk->ox + a) * step, urow + (ptrdiff_t)a * step,
                       (size_t)(b - a) * step);
        }
    }
}

/* Samples [a, b) of a row of s over d through their coverage at box x = f i + 0.5, row py
 * (box luma pixels), by the blend kernels (step 2: interleaved u v, one coverage each). */
static void cover_span(const VxBlendDSP *bd, uint8_t *d, const uint8_t *s, int step, int a,
                       int b, int f, double py, double W, double H, double r, uint8_t *cov)
{
    for (int i = a; i < b; i++)
        cov[i - a] = vx_q8(255 * vx_rrect_coverage(f * i + 0.5, py, 0, 0, W, H, r));
    if (a >= b)
        return;
    d += (ptrdiff_t)a * step, s += (ptrdiff_t)a * step;
    if (step == 2)
        bd->over_uv(d, s, cov, b - a);
    else
        bd->over(d, s, cov, 1, b - a);
}

/* The first sample i (of n, at x = f i + 0.5) with x >= v. */
static int sample_at(double v, int f, int n)
{
    const double i = ceil((v - 0.5) / f);
    return i < 0 ? 0 : i > n ? n : (int)i;
}

/* Rows of a box picture (n samples a row, `rows` rows, sample stride `step`, f = 1 luma or 2
 * chroma per box pixel, row j at box y = f j + oy) over dst through the rounded rectangle
 * (0, 0, W, H, r) of the box, in box luma pixels. Coverage is clamp(0.5 - distance): on a
 * corner row only the samples whose distance to the corner's circle is within 0.5 are
 * blended (one more each side for safety), the ones further out left alone, those inside
 * copied. */
void vx_rrect_cover_plane(const VxBlendDSP *bd, uint8_t *dst, ptrdiff_t ds, const uint8_t *src,
                        ptrdiff_t ss, int n, int rows, int step, int f, double oy, double W,
                        double H, double r, uint8_t *cov)
{
    for (int j = 0; j < rows; j++) {
        uint8_t *d = dst + j * ds;
        const uint8_t *s = src + j * ss;
        const double py = f * j + oy;
        const double cy = py < r ? r - py : py > H - r ? py - (H - r) : 0;
        if (cy <= 0) { /* a straight row: all inside */
            memcpy(d, s, (size_t)n * step);
            continue;
        }
        /* half chords of the circles 0.5 inside and 0.5 outside the edge */
        const double in = sqrt(fmax(0, (r - 0.5) * (r - 0.5) - cy * cy));
        const double out = sqrt(fmax(0, (r + 0.5) * (r + 0.5) - cy * cy));
        int i0 = sample_at(r - out, f, n) - 1, i1 = sample_at(r - in, f, n) + 1;
        int i2 = sample_at(W - r + in, f, n) - 1, i3 = sample_at(W - r + out, f, n) + 1;
        i0 = i0 < 0 ? 0 : i0, i3 = i3 > n ? n : i3;
        i1 = i1 > i3 ? i3 : i1, i2 = i2 < i1 ? i1 : i2 > i3 ? i3 : i2;
        cover_span(bd, d, s, step, i0, i1, f, py, W, H, r, cov);
        memcpy(d + (ptrdiff_t)i1 * step, s + (ptrdiff_t)i1 * step, (size_t)(i2 - i1) * step);
        cover_span(bd, d, s, step, i2, i3, f, py, W, H, r, cov);
    }
}
