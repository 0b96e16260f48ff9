/* C reference of the RGB <-> Y'CbCr kernels. */
#include "convert.h"

static inline uint8_t clip8(int v)
{
    return (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
}

static void rgb_to_yuv420_c(const uint8_t *s0, const uint8_t *s1, uint8_t *y0, uint8_t *y1,
                            uint8_t *u, uint8_t *v, int uvstep, int w, const VxConvCoefs *c)
{
    const int ro = c->roff, go = c->goff, bo = c->boff;
    const int32_t half = 1 << (VX_CONV_BITS - 1);
    for (int x = 0; x < w; x++) {
        const uint8_t *p = s0 + 4 * x, *q = s1 + 4 * x;
        y0[x] = clip8((c->yr * p[ro] + c->yg * p[go] + c->yb * p[bo] + c->y_off + half) >>
                      VX_CONV_BITS);
        if (y1)
            y1[x] = clip8((c->yr * q[ro] + c->yg * q[go] + c->yb * q[bo] + c->y_off + half) >>
                          VX_CONV_BITS);
    }
    for (int i = 0; 2 * i < w; i++) {
        /* sum of R, G, B over the chroma footprint, weights totalling 8 */
        int r = 0, g = 0, b = 0;
        int xs[3] = {2 * i - 1, 2 * i, 2 * i + 1}, ws[3];
        if (c->left_sited)
            ws[0] = 1, ws[1] = 2, ws[2] = 1;
        else
            ws[0] = 0, ws[1] = 2, ws[2] = 2;
        for (int k = 0; k < 3; k++) {
            int x = xs[k] < 0 ? 0 : xs[k] >= w ? w - 1 : xs[k];
            const uint8_t *p = s0 + 4 * x, *q = s1 + 4 * x;
            r += ws[k] * (p[ro] + q[ro]);
            g += ws[k] * (p[go] + q[go]);
            b += ws[k] * (p[bo] + q[bo]);
        }
        const int sh = VX_CONV_BITS + 3;
        const int32_t hr = 1 << (sh - 1);
        u[i * uvstep] = clip8((int)(((int64_t)c->ur * r + (int64_t)c->ug * g + (int64_t)c->ub * b +
                                     ((int64_t)c->uv_off << 3) + hr) >> sh));
        v[i * uvstep] = clip8((int)(((int64_t)c->vr * r + (int64_t)c->vg * g + (int64_t)c->vb * b +
                                     ((int64_t)c->uv_off << 3) + hr) >> sh));
    }
}

static void yuv420_to_rgb_c(uint8_t *dst, const uint8_t *y, const uint8_t *u, const uint8_t *v,
                            int uvstep, int w, const VxConvCoefs *c)
{
    const int32_t half = 1 << (VX_CONV_BITS - 1);
    for (int x = 0; x < w; x++) {
        int yy = c->ky * y[x] + c->ky_off + half;
        int cb = u[(x >> 1) * uvstep] - 128, cr = v[(x >> 1) * uvstep] - 128;
        uint8_t *d = dst + 4 * x;
        d[c->roff] = clip8((yy + c->rv * cr) >> VX_CONV_BITS);
        d[c->goff] = clip8((yy + c->gu * cb + c->gv * cr) >> VX_CONV_BITS);
        d[c->boff] = clip8((yy + c->bu * cb) >> VX_CONV_BITS);
        d[c->aoff] = 255;
    }
}

void vx_convert_dsp_init(VxConvertDSP *d, unsigned cpu_flags)
{
    (void)cpu_flags;
    d->rgb_to_yuv420 = rgb_to_yuv420_c;
    d->yuv420_to_rgb = yuv420_to_rgb_c;
#if defined(VX_ARCH_AARCH64)
    vx_convert_dsp_init_arm(d, cpu_flags);
#endif
}
