/* C reference of the RGB <-> Y'CbCr kernels (the exact result every SIMD version matches). */
#include <math.h>
#include <string.h>

#include "convert.h"
#include "vexport/convert.h"

int vx_conv_coefs_init(VxConvCoefs *c, int matrix, int range, int chroma_loc, int rgb_format)
{
    memset(c, 0, sizeof(*c));
    switch (rgb_format) {
    case VX_PIX_RGBA: c->roff = 0, c->goff = 1, c->boff = 2, c->aoff = 3; break;
    case VX_PIX_BGRA: c->boff = 0, c->goff = 1, c->roff = 2, c->aoff = 3; break;
    case VX_PIX_ARGB: c->aoff = 0, c->roff = 1, c->goff = 2, c->boff = 3; break;
    case VX_PIX_ABGR: c->aoff = 0, c->boff = 1, c->goff = 2, c->roff = 3; break;
    default: return -1;
    }
    double kr, kb;
    switch (matrix) {
    case VX_MATRIX_BT601: kr = 0.299, kb = 0.114; break;
    case VX_MATRIX_BT709: kr = 0.2126, kb = 0.0722; break;
    case VX_MATRIX_BT2020: kr = 0.2627, kb = 0.0593; break;
    default: return -1;
    }
    const double kg = 1 - kr - kb;
    const int full = range == VX_RANGE_FULL;
    const double ys = full ? 1.0 : 219.0 / 255.0, cs = full ? 1.0 : 224.0 / 255.0;
    const double one = (double)(1 << VX_CONV_BITS);
    /* Each row's coefficients are rounded so that they sum exactly to the rounded total:
     * white and grey then map to exactly 235 (255) and 128, with no bias from rounding. */
    c->yr = (int32_t)lrint(kr * ys * one);
    c->yb = (int32_t)lrint(kb * ys * one);
    c->yg = (int32_t)lrint(ys * one) - c->yr - c->yb;
    c->ur = (int32_t)lrint(-kr / (2 * (1 - kb)) * cs * one);
    c->ub = (int32_t)lrint(0.5 * cs * one);
    c->ug = -c->ur - c->ub;
    c->vr = (int32_t)lrint(0.5 * cs * one);
    c->vb = (int32_t)lrint(-kb / (2 * (1 - kr)) * cs * one);
    c->vg = -c->vr - c->vb;
    c->y_off = full ? 0 : 16 << VX_CONV_BITS;
    c->uv_off = 128 << VX_CONV_BITS;
    /* inverse: 13 fractional bits, so every coefficient fits in int16 (pmaddwd) */
    const double yk = 1.0 / ys, ck = 1.0 / cs, ione = (double)(1 << VX_CONV_IBITS);
    c->ky = (int32_t)lrint(yk * ione);
    c->ky_off = (full ? 0 : -16 * c->ky) + (1 << (VX_CONV_IBITS - 1)); /* Y 16 -> exactly 0 */
    c->rv = (int32_t)lrint(2 * (1 - kr) * ck * ione);
    c->gu = (int32_t)lrint(-2 * (1 - kb) * kb / kg * ck * ione);
    c->gv = (int32_t)lrint(-2 * (1 - kr) * kr / kg * ck * ione);
    c->bu = (int32_t)lrint(2 * (1 - kb) * ck * ione);
    c->left_sited = chroma_loc != VX_CHROMA_CENTER;
    return 0;
}

static inline uint8_t clip8(int v)
{
    return (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
}

void vx_rgb_to_yuv420_part_c(const uint8_t *s0, const uint8_t *s1, uint8_t *y0, uint8_t *y1,
                             uint8_t *u, uint8_t *v, int uvstep, int x0, int w,
                             const VxConvCoefs *c)
{
    const int ro = c->roff, go = c->goff, bo = c->boff;
    const int32_t yadd = c->y_off + (1 << (VX_CONV_BITS - 1));
    for (int x = x0; x < w; x++) {
        const uint8_t *p = s0 + 4 * x, *q = s1 + 4 * x;
        y0[x] = clip8((c->yr * p[ro] + c->yg * p[go] + c->yb * p[bo] + yadd) >> VX_CONV_BITS);
        if (y1)
            y1[x] = clip8((c->yr * q[ro] + c->yg * q[go] + c->yb * q[bo] + yadd) >> VX_CONV_BITS);
    }
    const int sh = VX_CONV_BITS + 3;
    const int32_t cadd = (c->uv_off << 3) + (1 << (sh - 1));
    for (int i = x0 / 2; 2 * i < w; i++) {
        /* sum of R, G, B over the chroma footprint, weights totalling 8 (each sum < 2^11) */
        int r = 0, g = 0, b = 0;
        const int xs[3] = {2 * i - 1, 2 * i, 2 * i + 1};
        const int ws[3] = {c->left_sited ? 1 : 0, 2, c->left_sited ? 1 : 2};
        for (int k = 0; k < 3; k++) {
            int x = xs[k] < 0 ? 0 : xs[k] >= w ? w - 1 : xs[k];
            const uint8_t *p = s0 + 4 * x, *q = s1 + 4 * x;
            r += ws[k] * (p[ro] + q[ro]);
            g += ws[k] * (p[go] + q[go]);
            b += ws[k] * (p[bo] + q[bo]);
        }
        u[i * uvstep] = clip8((c->ur * r + c->ug * g + c->ub * b + cadd) >> sh);
        v[i * uvstep] = clip8((c->vr * r + c->vg * g + c->vb * b + cadd) >> sh);
    }
}

void vx_yuv420_to_rgb_part_c(uint8_t *dst, const uint8_t *y, const uint8_t *u,
                             const uint8_t *v, int uvstep, int x0, int w, const VxConvCoefs *c)
{
    for (int x = x0; x < w; x++) {
        const int yy = c->ky * y[x] + c->ky_off;
        const int cb = u[(x >> 1) * uvstep] - 128, cr = v[(x >> 1) * uvstep] - 128;
        uint8_t *d = dst + 4 * x;
        d[c->roff] = clip8((yy + c->rv * cr) >> VX_CONV_IBITS);
        d[c->goff] = clip8((yy + c->gu * cb + c->gv * cr) >> VX_CONV_IBITS);
        d[c->boff] = clip8((yy + c->bu * cb) >> VX_CONV_IBITS);
        d[c->aoff] = 255;
    }
}

static void rgb_to_yuv420_c(const uint8_t *s0, const uint8_t *s1, uint8_t *y0, uint8_t *y1,
                            uint8_t *u, uint8_t *v, int uvstep, int w, const VxConvCoefs *c)
{
    vx_rgb_to_yuv420_part_c(s0, s1, y0, y1, u, v, uvstep, 0, w, c);
}

static void yuv420_to_rgb_c(uint8_t *dst, const uint8_t *y, const uint8_t *u, const uint8_t *v,
                            int uvstep, int w, const VxConvCoefs *c)
{
    vx_yuv420_to_rgb_part_c(dst, y, u, v, uvstep, 0, w, c);
}

void vx_convert_dsp_init(VxConvertDSP *d, unsigned cpu_flags)
{
    d->rgb_to_yuv420 = rgb_to_yuv420_c;
    d->yuv420_to_rgb = yuv420_to_rgb_c;
#if defined(VX_ARCH_X86)
    vx_convert_dsp_init_x86(d, cpu_flags);
#elif defined(VX_ARCH_AARCH64)
    vx_convert_dsp_init_arm(d, cpu_flags);
#else
    (void)cpu_flags;
#endif
}
