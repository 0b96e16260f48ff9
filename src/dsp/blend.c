/* C reference of the blending kernels (the exact definitions are in blend.h). */
#include "blend.h"

static inline uint8_t clip8(int v)
{
    return (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
}

static void mask_c(uint8_t *dst, const uint8_t *under, const uint8_t *m, int step, int w)
{
    for (int x = 0; x < w; x++) {
        unsigned a = m[x];
        dst[x * step] = (uint8_t)vx_div255(dst[x * step] * a + under[x * step] * (255 - a));
    }
}

static void over_c(uint8_t *dst, const uint8_t *src, const uint8_t *m, int step, int w)
{
    for (int x = 0; x < w; x++) {
        unsigned a = m[x];
        dst[x * step] = (uint8_t)vx_div255(src[x * step] * a + dst[x * step] * (255 - a));
    }
}

static void over_uv_c(uint8_t *dst, const uint8_t *src, const uint8_t *m, int w)
{
    over_c(dst, src, m, 2, w);
    over_c(dst + 1, src + 1, m, 2, w);
}

/* one luma sample under overlay pixel p */
static inline uint8_t blend_y(uint8_t y, const uint8_t *p, const VxBlendCoefs *k, int pm)
{
    const int a = p[k->aoff];
    const int s = k->y[0] * p[0] + k->y[1] * p[1] + k->y[2] * p[2] + k->y[3] * p[3];
    const int half = 1 << (VX_BLEND_COEF_BITS - 1);
    if (!pm)
        return (uint8_t)vx_div255(clip8((s + k->y_off + half) >> VX_BLEND_COEF_BITS) * a +
                                  y * (255 - a));
    const int off = k->y_off >> VX_BLEND_COEF_BITS;
    return clip8(((s + half) >> VX_BLEND_COEF_BITS) + (int)vx_div255(y * (255 - a) + off * a));
}

static void rgba_nv12_c(uint8_t *y0, uint8_t *y1, uint8_t *uv, const uint8_t *s0,
                        const uint8_t *s1, int w, const VxConvCoefs *c, int pm)
{
    VxBlendCoefs k;
    vx_blend_coefs_from(&k, c);
    for (int x = 0; x < w; x++) {
        y0[x] = blend_y(y0[x], s0 + 4 * x, &k, pm);
        if (y1)
            y1[x] = blend_y(y1[x], s1 + 4 * x, &k, pm);
    }
    for (int i = 0; 2 * i < w; i++) {
        const int x1 = 2 * i + 1 < w ? 2 * i + 1 : 2 * i;
        const uint8_t *px[4] = {s0 + 8 * i, s0 + 4 * x1, s1 + 8 * i, s1 + 4 * x1};
        int q[4] = {0, 0, 0, 0}, A = 0;
        for (int n = 0; n < 4; n++) {
            const int a = px[n][k.aoff];
            A += a;
            for (int ch = 0; ch < 4; ch++)
                if (ch != k.aoff)
                    q[ch] += pm ? px[n][ch] : (int)vx_div255(a * px[n][ch]);
        }
        const int am = (A + 2) >> 2;
        const int cu = (k.u[0] * q[0] + k.u[1] * q[1] + k.u[2] * q[2] + k.u[3] * q[3] + (1 << 16)) >> 17;
        const int cv = (k.v[0] * q[0] + k.v[1] * q[1] + k.v[2] * q[2] + k.v[3] * q[3] + (1 << 16)) >> 17;
        uv[2 * i] = clip8(cu + (int)vx_div255(uv[2 * i] * (255 - am) + 128 * am));
        uv[2 * i + 1] = clip8(cv + (int)vx_div255(uv[2 * i + 1] * (255 - am) + 128 * am));
    }
}

static void lerp16_c(uint8_t *dst, const uint16_t *a, const uint16_t *b, int f, int n)
{
    const uint32_t wa = (uint32_t)(256 - f), wb = (uint32_t)f;
    for (int x = 0; x < n; x++)
        dst[x] = (uint8_t)((a[x] * wa + b[x] * wb + 32768) >> 16);
}

/* tint's weight in 16 bits, so that the loops below vectorise in 16-bit lanes: with
 * P = cov * a, cov * a * 257 + 32768 = 256 (P + 128 + (P >> 8)) + (P & 255), so
 * m = (P + 128 + (P >> 8)) >> 8, which fits 16 bits but at a = 256, where m = cov + (cov >> 7). */
static inline uint16_t tint_weight(uint8_t cov, uint16_t a)
{
    if (a == 256)
        return (uint16_t)(cov + (cov >> 7));
    const uint16_t p = (uint16_t)(cov * a);
    return (uint16_t)((uint16_t)(p + 128 + (p >> 8)) >> 8);
}

/* x mixed with colour c by weight m (0..256); at most 65408 before the shift */
static inline uint8_t tint_mix(uint8_t x, uint16_t c, uint16_t m)
{
    return (uint8_t)((uint16_t)(x * (uint16_t)(256 - m) + c * m + 128) >> 8);
}

/* No branch inside the loops, so that they vectorise; inlined for a = 256 (an opaque shape)
 * and the rest apart. */
static inline void tint_at(uint8_t *restrict dst, const uint8_t *restrict cov, int c, uint16_t a,
                           int n)
{
    for (int x = 0; x < n; x++)
        dst[x] = tint_mix(dst[x], (uint16_t)c, tint_weight(cov[x], a));
}

static void tint_c(uint8_t *dst, const uint8_t *cov, int c, int a, int n)
{
    if (a == 256)
        tint_at(dst, cov, c, 256, n);
    else
        tint_at(dst, cov, c, (uint16_t)a, n);
}

static inline void tint_uv_at(uint8_t *restrict dst, const uint8_t *restrict cov, int cb, int cr,
                              uint16_t a, int n)
{
    for (int x = 0; x < n; x++) {
        const uint16_t m = tint_weight(cov[x], a);
        dst[2 * x] = tint_mix(dst[2 * x], (uint16_t)cb, m);
        dst[2 * x + 1] = tint_mix(dst[2 * x + 1], (uint16_t)cr, m);
    }
}

static void tint_uv_c(uint8_t *dst, const uint8_t *cov, int cb, int cr, int a, int n)
{
    if (a == 256)
        tint_uv_at(dst, cov, cb, cr, 256, n);
    else
        tint_uv_at(dst, cov, cb, cr, (uint16_t)a, n);
}

void vx_blend_dsp_init(VxBlendDSP *d, unsigned cpu_flags)
{
    d->mask = mask_c;
    d->over = over_c;
    d->over_uv = over_uv_c;
    d->rgba_nv12 = rgba_nv12_c;
    d->lerp16 = lerp16_c;
    d->tint = tint_c;
    d->tint_uv = tint_uv_c;
#if defined(VX_ARCH_X86)
    vx_blend_dsp_init_x86(d, cpu_flags);
#elif defined(VX_ARCH_AARCH64)
    vx_blend_dsp_init_arm(d, cpu_flags);
#else
    (void)cpu_flags;
#endif
}
