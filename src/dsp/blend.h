/* Blending kernels for the compositor. Kept free of FFmpeg.
 *
 * Why blending in Y'CbCr equals blending in R'G'B': Y'CbCr is an affine function of R'G'B'
 * (a 3x3 matrix plus an offset): YCC(p) = M p + o. A blend is an affine combination,
 * a * p1 + (1 - a) * p2 with weights summing to 1, and affine maps preserve those:
 * M (a p1 + (1 - a) p2) + o = a (M p1 + o) + (1 - a) (M p2 + o). So blending the Y'CbCr of
 * two colours gives the Y'CbCr of their R'G'B' blend, as long as both are in the same
 * (gamma-encoded) space, which is what every video compositor blends in. Averaging (the
 * chroma box filter) is an affine combination too. What is not preserved is clipping: a
 * blend never leaves the gamut of its inputs, so clipping only matters for inputs outside
 * it, and then both ways clip differently by at most the out-of-gamut amount. */
#ifndef VX_DSP_BLEND_H
#define VX_DSP_BLEND_H

#include <stdint.h>

#include "convert.h"

/* round(v / 255) for 0 <= v <= 65535 */
static inline unsigned vx_div255(unsigned v)
{
    v += 128;
    return (v + (v >> 8)) >> 8;
}

/* tint's weight (0..256) of coverage cov (0..255) at opacity a (0..256), and sample x mixed
 * with colour c by it: the formula in VxBlendDSP.tint, as the SIMD versions' last samples
 * work it out */
static inline unsigned vx_tint_weight(unsigned cov, unsigned a)
{
    return (cov * a * 257 + 32768) >> 16;
}

static inline uint8_t vx_tint_mix(unsigned x, unsigned c, unsigned m)
{
    return (uint8_t)((x * (256 - m) + c * m + 128) >> 8);
}

/* The RGB -> Y'CbCr coefficients the blend kernels use: 15 fractional bits, so that each fits
 * a signed 16-bit multiply (SIMD multiply-adds). Derived from VxConvCoefs by
 * vx_blend_coefs_from, the one place that reads VxConvCoefs' fields and precision. */
#define VX_BLEND_COEF_BITS 15
typedef struct VxBlendCoefs {
    int16_t y[4], u[4], v[4]; /* per byte of an RGBA-family pixel (0 at the alpha byte) */
    int32_t y_off;            /* luma offset (16 or 0, limited or full range), 15 bits */
    int aoff;                 /* byte offset of alpha in a pixel */
} VxBlendCoefs;

/* VX_CONV_BITS -> VX_BLEND_COEF_BITS, rounded */
static inline int32_t vx_blend_scale(int32_t conv)
{
#if VX_CONV_BITS > VX_BLEND_COEF_BITS
    return (conv + (1 << (VX_CONV_BITS - VX_BLEND_COEF_BITS - 1))) >>
           (VX_CONV_BITS - VX_BLEND_COEF_BITS);
#else
    return conv * (1 << (VX_BLEND_COEF_BITS - VX_CONV_BITS));
#endif
}

static inline int16_t vx_blend_coef(int32_t conv)
{
    return (int16_t)vx_blend_scale(conv);
}

static inline void vx_blend_coefs_from(VxBlendCoefs *k, const VxConvCoefs *c)
{
    for (int i = 0; i < 4; i++)
        k->y[i] = k->u[i] = k->v[i] = 0;
    k->y[c->roff] = vx_blend_coef(c->yr), k->y[c->goff] = vx_blend_coef(c->yg);
    k->y[c->boff] = vx_blend_coef(c->yb);
    k->u[c->roff] = vx_blend_coef(c->ur), k->u[c->goff] = vx_blend_coef(c->ug);
    k->u[c->boff] = vx_blend_coef(c->ub);
    k->v[c->roff] = vx_blend_coef(c->vr), k->v[c->goff] = vx_blend_coef(c->vg);
    k->v[c->boff] = vx_blend_coef(c->vb);
    k->y_off = vx_blend_scale(c->y_off);
    k->aoff = c->aoff;
}

typedef struct VxBlendDSP {
    /* dst[x*step] = (dst[x*step] * m[x] + under[x*step] * (255 - m[x])) / 255, rounded;
     * for an 8-bit coverage mask (rounded corners, camera bubble). */
    void (*mask)(uint8_t *dst, const uint8_t *under, const uint8_t *m, int step, int w);
    /* dst[x*step] = (src[x*step] * m[x] + dst[x*step] * (255 - m[x])) / 255, rounded: src
     * drawn over dst through a coverage mask (camera bubble, NV12 over NV12). For an NV12 UV
     * row either call it twice at step 2 (u at +0, v at +1, m one value per chroma sample)
     * or call over_uv once. At step 2 (mask too) the AVX2 version rewrites the other
     * channel's bytes with their own values: do not blend the two channels of one row from
     * two threads at once. */
    void (*over)(uint8_t *dst, const uint8_t *src, const uint8_t *m, int step, int w);
    /* The same for an interleaved UV row of w chroma samples (2 * w bytes): dst[2x] and
     * dst[2x+1] both use m[x]. Identical results to two over() calls at step 2. */
    void (*over_uv)(uint8_t *dst, const uint8_t *src, const uint8_t *m, int w);
    /* Blends two rows of an RGBA-family overlay (s0, s1; byte order from c: roff..aoff) into
     * two NV12 luma rows (y0, y1) and their chroma row (uv, interleaved u v), per-pixel
     * alpha. s1 may equal s0 and y1 may be NULL (a last odd row: y1 is then not written);
     * w is any width >= 1 (odd: the last chroma sample covers one column). y0[0] must be on
     * an even (chroma-aligned) column; uv gets (w + 1) / 2 samples. Exact results:
     *   Yo = clip8((sum_c k.y[c] * s[c] + k.y_off + 2^14) >> 15)   (the overlay's Y')
     *   straight alpha:       y = div255(Yo * a + y * (255 - a))
     *   premultiplied alpha:  y = clip8(P + div255(y * (255 - a) + off * a)),
     *                         P = (sum_c k.y[c] * s[c] + 2^14) >> 15, off = k.y_off >> 15
     * Chroma uses a 2x2 box filter (not the [1 2 1] of the converters: it is what keeps a
     * per-pixel-alpha blend exact and cheap; the difference is a quarter-pixel shift of the
     * overlay's chroma edges, invisible at an overlay's edge): per pixel the premultiplied
     * channels q_c = div255(a * s_c) (straight) or s_c (premultiplied); over the 2x2 block
     * (a missing column or row repeats the pixel next to it) Q_c = sum of q_c, A = sum of a:
     *   am = (A + 2) >> 2,  Cm = (sum_c k.u[c] * Q_c + 2^16) >> 17   (>> is arithmetic)
     *   u = clip8(Cm + div255(u * (255 - am) + 128 * am)), and the same for v with k.v.
     * c is VxConvCoefs (dsp/convert.h), read only through vx_blend_coefs_from. */
    void (*rgba_nv12)(uint8_t *y0, uint8_t *y1, uint8_t *uv, const uint8_t *s0,
                      const uint8_t *s1, int w, const VxConvCoefs *c, int premultiplied);
    /* dst[x] = (a[x] * (256 - f) + b[x] * f + 32768) >> 16 for x < n: two rows of samples in
     * 256ths (a[x], b[x] <= 65280) mixed f/256 of the way from a to b (0 <= f <= 256) and
     * rounded to 8 bits. The masks' blur brought back to full size (a bilinear step down). */
    void (*lerp16)(uint8_t *dst, const uint16_t *a, const uint16_t *b, int f, int n);
    /* dst[x] mixed with colour c (0..255) by coverage cov[x] (0..255) times opacity a (0..256),
     * for x < n: with the weight m = (cov * a * 257 + 32768) >> 16 (0..256),
     *   dst = (dst * (256 - m) + c * m + 128) >> 8,
     * so that a coverage of 0 leaves a sample as it is. The annotations' shapes. */
    void (*tint)(uint8_t *dst, const uint8_t *cov, int c, int a, int n);
    /* The same for an interleaved UV row of n chroma samples (2 * n bytes): dst[2x] mixed with
     * cb and dst[2x+1] with cr, both by cov[x]. */
    void (*tint_uv)(uint8_t *dst, const uint8_t *cov, int cb, int cr, int a, int n);
} VxBlendDSP;

void vx_blend_dsp_init(VxBlendDSP *d, unsigned cpu_flags);
void vx_blend_dsp_init_x86(VxBlendDSP *d, unsigned cpu_flags);
void vx_blend_dsp_init_arm(VxBlendDSP *d, unsigned cpu_flags);

#endif
