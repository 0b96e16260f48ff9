/* NEON RGB <-> Y'CbCr 4:2:0 kernels, bit-exact with the C reference in dsp/convert.c.
 * The byte order of a pixel (RGBA, BGRA, ARGB, ...) is a run-time choice, so channels are
 * gathered and scattered with table lookups built once per row. */
#include <arm_neon.h>
#include <stdlib.h>

#include "arm/neon.h"

#define CHROMA_SHIFT (VX_CONV_BITS + 3)

static inline uint8_t clip8(int v)
{
    return (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
}

static inline int offsets_ok(const VxConvCoefs *c)
{
    const int o[4] = {c->roff, c->goff, c->boff, c->aoff};
    unsigned seen = 0;
    for (int k = 0; k < 4; k++) {
        if (o[k] < 0 || o[k] > 3)
            return 0;
        seen |= 1u << o[k];
    }
    return seen == 15;
}

/* ---- RGB -> YUV 4:2:0 ---- */

static void luma_scalar(const uint8_t *s, uint8_t *y, int x0, int w, const VxConvCoefs *c)
{
    const int32_t half = 1 << (VX_CONV_BITS - 1);
    for (int x = x0; x < w; x++) {
        const uint8_t *p = s + 4 * x;
        y[x] = clip8((c->yr * p[c->roff] + c->yg * p[c->goff] + c->yb * p[c->boff] + c->y_off +
                      half) >> VX_CONV_BITS);
    }
}

static void chroma_scalar(const uint8_t *s0, const uint8_t *s1, uint8_t *u, uint8_t *v,
                          int uvstep, int i0, int w, const VxConvCoefs *c)
{
    const int ro = c->roff, go = c->goff, bo = c->boff;
    for (int i = i0; 2 * i < w; i++) {
        int r = 0, g = 0, b = 0;
        const int xs[3] = {2 * i - 1, 2 * i, 2 * i + 1};
        const int ws[3] = {c->left_sited ? 1 : 0, 2, c->left_sited ? 1 : 2};
        for (int k = 0; k < 3; k++) {
            const int x = xs[k] < 0 ? 0 : xs[k] >= w ? w - 1 : xs[k];
            const uint8_t *p = s0 + 4 * x, *q = s1 + 4 * x;
            r += ws[k] * (p[ro] + q[ro]);
            g += ws[k] * (p[go] + q[go]);
            b += ws[k] * (p[bo] + q[bo]);
        }
        const int64_t hr = (int64_t)1 << (CHROMA_SHIFT - 1), off = (int64_t)c->uv_off << 3;
        u[i * uvstep] = clip8((int)(((int64_t)c->ur * r + (int64_t)c->ug * g +
                                     (int64_t)c->ub * b + off + hr) >> CHROMA_SHIFT));
        v[i * uvstep] = clip8((int)(((int64_t)c->vr * r + (int64_t)c->vg * g +
                                     (int64_t)c->vb * b + off + hr) >> CHROMA_SHIFT));
    }
}

/* The C reference sums chroma in 64 bits; 32 bits give the same result when no partial sum
 * can leave the int32 range (true of every BT.601/709 coefficient set at 16 bits). */
static int chroma_fits_32(const VxConvCoefs *c)
{
    const int64_t maxsum = 8 * 2 * 255; /* weights total 8 over two rows */
    const int64_t rest = llabs((int64_t)c->uv_off << 3) + ((int64_t)1 << (CHROMA_SHIFT - 1));
    const int64_t bu = (llabs(c->ur) + llabs(c->ug) + llabs(c->ub)) * maxsum + rest;
    const int64_t bv = (llabs(c->vr) + llabs(c->vg) + llabs(c->vb)) * maxsum + rest;
    return bu <= INT32_MAX && bv <= INT32_MAX;
}

static inline int32x4_t widen_s32(uint16x8_t v, int hi)
{
    return vreinterpretq_s32_u32(hi ? vmovl_high_u16(v) : vmovl_u16(vget_low_u16(v)));
}

/* clip8(acc >> shift) for 8 lanes; the shifted values fit 16 bits, so the narrowing is exact */
#define NARROW8(a, b, shift) \
    vqmovun_s16(vcombine_s16(vqmovn_s32(vshrq_n_s32(a, shift)), vqmovn_s32(vshrq_n_s32(b, shift))))

/* luma of 8 pixels (u16 channel values) */
static inline uint8x8_t luma8(uint16x8_t r, uint16x8_t g, uint16x8_t b, int32x4_t off,
                              const VxConvCoefs *c)
{
    int32x4_t a[2];
    for (int h = 0; h < 2; h++) {
        a[h] = vmlaq_n_s32(off, widen_s32(r, h), c->yr);
        a[h] = vmlaq_n_s32(a[h], widen_s32(g, h), c->yg);
        a[h] = vmlaq_n_s32(a[h], widen_s32(b, h), c->yb);
    }
    return NARROW8(a[0], a[1], VX_CONV_BITS);
}

/* one chroma component of 8 samples from the weighted R, G, B sums */
static inline uint8x8_t chroma8(uint16x8_t r, uint16x8_t g, uint16x8_t b, int32x4_t off,
                                int32_t kr, int32_t kg, int32_t kb)
{
    int32x4_t a[2];
    for (int h = 0; h < 2; h++) {
        a[h] = vmlaq_n_s32(off, widen_s32(r, h), kr);
        a[h] = vmlaq_n_s32(a[h], widen_s32(g, h), kg);
        a[h] = vmlaq_n_s32(a[h], widen_s32(b, h), kb);
    }
    return NARROW8(a[0], a[1], CHROMA_SHIFT);
}

static inline uint8x16x4_t load64(const uint8_t *p)
{
    uint8x16x4_t t;
    t.val[0] = vld1q_u8(p);
    t.val[1] = vld1q_u8(p + 16);
    t.val[2] = vld1q_u8(p + 32);
    t.val[3] = vld1q_u8(p + 48);
    return t;
}

void vx_rgb_to_yuv420_neon(const uint8_t *s0, const uint8_t *s1, uint8_t *y0, uint8_t *y1,
                           uint8_t *u, uint8_t *v, int uvstep, int w, const VxConvCoefs *c)
{
    int x0 = 0;
    const int vec_chroma = chroma_fits_32(c);
    if (offsets_ok(c) && w >= 16) {
        /* a channel of 16 pixels, the 8 even ones then the 8 odd ones */
        static const uint8_t order[16] = {0, 8, 16, 24, 32, 40, 48, 56,
                                          4, 12, 20, 28, 36, 44, 52, 60};
        const uint8x16_t base = vld1q_u8(order);
        const uint8x16_t ir = vaddq_u8(base, vdupq_n_u8((uint8_t)c->roff));
        const uint8x16_t ig = vaddq_u8(base, vdupq_n_u8((uint8_t)c->goff));
        const uint8x16_t ib = vaddq_u8(base, vdupq_n_u8((uint8_t)c->boff));
        const int32x4_t yoff = vdupq_n_s32(c->y_off + (1 << (VX_CONV_BITS - 1)));
        const int32x4_t coff = vdupq_n_s32((int32_t)(((int64_t)c->uv_off << 3) +
                                                     (1 << (CHROMA_SHIFT - 1))));
        /* the column sums left of the block (lane 7); left of pixel 0 is pixel 0 again */
        uint16x8_t cr = vdupq_n_u16((uint16_t)(s0[c->roff] + s1[c->roff]));
        uint16x8_t cg = vdupq_n_u16((uint16_t)(s0[c->goff] + s1[c->goff]));
        uint16x8_t cb = vdupq_n_u16((uint16_t)(s0[c->boff] + s1[c->boff]));
        for (; x0 + 16 <= w; x0 += 16) {
            const uint8x16x4_t t0 = load64(s0 + 4 * x0), t1 = load64(s1 + 4 * x0);
            const uint8x16_t r0 = vqtbl4q_u8(t0, ir), g0 = vqtbl4q_u8(t0, ig),
                             b0 = vqtbl4q_u8(t0, ib);
            const uint8x16_t r1 = vqtbl4q_u8(t1, ir), g1 = vqtbl4q_u8(t1, ig),
                             b1 = vqtbl4q_u8(t1, ib);
            uint8x8x2_t yy;
            yy.val[0] = luma8(vmovl_u8(vget_low_u8(r0)), vmovl_u8(vget_low_u8(g0)),
                              vmovl_u8(vget_low_u8(b0)), yoff, c);
            yy.val[1] = luma8(vmovl_high_u8(r0), vmovl_high_u8(g0), vmovl_high_u8(b0), yoff, c);
            vst2_u8(y0 + x0, yy); /* even and odd pixels back in order */
            if (y1) {
                yy.val[0] = luma8(vmovl_u8(vget_low_u8(r1)), vmovl_u8(vget_low_u8(g1)),
                                  vmovl_u8(vget_low_u8(b1)), yoff, c);
                yy.val[1] = luma8(vmovl_high_u8(r1), vmovl_high_u8(g1), vmovl_high_u8(b1),
                                  yoff, c);
                vst2_u8(y1 + x0, yy);
            }
            if (!vec_chroma)
                continue;
            /* two-row column sums of the even and the odd pixels */
            const uint16x8_t re = vaddl_u8(vget_low_u8(r0), vget_low_u8(r1)),
                             ro = vaddl_high_u8(r0, r1);
            const uint16x8_t ge = vaddl_u8(vget_low_u8(g0), vget_low_u8(g1)),
                             go = vaddl_high_u8(g0, g1);
            const uint16x8_t be = vaddl_u8(vget_low_u8(b0), vget_low_u8(b1)),
                             bo = vaddl_high_u8(b0, b1);
            uint16x8_t sr, sg, sb;
            if (c->left_sited) { /* [1 2 1]: odd pixel before, even pixel twice, odd after */
                sr = vaddq_u16(vaddq_u16(vextq_u16(cr, ro, 7), ro), vshlq_n_u16(re, 1));
                sg = vaddq_u16(vaddq_u16(vextq_u16(cg, go, 7), go), vshlq_n_u16(ge, 1));
                sb = vaddq_u16(vaddq_u16(vextq_u16(cb, bo, 7), bo), vshlq_n_u16(be, 1));
                cr = ro, cg = go, cb = bo;
            } else { /* [1 1] weighted 2 each */
                sr = vshlq_n_u16(vaddq_u16(re, ro), 1);
                sg = vshlq_n_u16(vaddq_u16(ge, go), 1);
                sb = vshlq_n_u16(vaddq_u16(be, bo), 1);
            }
            uint8x8x2_t uv;
            uv.val[0] = chroma8(sr, sg, sb, coff, c->ur, c->ug, c->ub);
            uv.val[1] = chroma8(sr, sg, sb, coff, c->vr, c->vg, c->vb);
            const int i0 = x0 / 2;
            if (uvstep == 1) {
                vst1_u8(u + i0, uv.val[0]);
                vst1_u8(v + i0, uv.val[1]);
            } else if (uvstep == 2 && v == u + 1) {
                vst2_u8(u + 2 * i0, uv); /* NV12: both planes, interleaved */
            } else {
                uint8_t tu[8], tv[8];
                vst1_u8(tu, uv.val[0]);
                vst1_u8(tv, uv.val[1]);
                for (int k = 0; k < 8; k++)
                    u[(i0 + k) * uvstep] = tu[k], v[(i0 + k) * uvstep] = tv[k];
            }
        }
    }
    luma_scalar(s0, y0, x0, w, c);
    if (y1)
        luma_scalar(s1, y1, x0, w, c);
    chroma_scalar(s0, s1, u, v, uvstep, vec_chroma ? x0 / 2 : 0, w, c);
}

/* ---- YUV 4:2:0 -> RGB ---- */

static void rgb_scalar(uint8_t *dst, const uint8_t *y, const uint8_t *u, const uint8_t *v,
                       int uvstep, int x0, int w, const VxConvCoefs *c)
{
    const int32_t half = 1 << (VX_CONV_BITS - 1);
    for (int x = x0; x < w; x++) {
        const int yy = c->ky * y[x] + c->ky_off + half;
        const int cb = u[(x >> 1) * uvstep] - 128, cr = v[(x >> 1) * uvstep] - 128;
        uint8_t *d = dst + 4 * x;
        d[c->roff] = clip8((yy + c->rv * cr) >> VX_CONV_BITS);
        d[c->goff] = clip8((yy + c->gu * cb + c->gv * cr) >> VX_CONV_BITS);
        d[c->boff] = clip8((yy + c->bu * cb) >> VX_CONV_BITS);
        d[c->aoff] = 255;
    }
}

void vx_yuv420_to_rgb_neon(uint8_t *dst, const uint8_t *y, const uint8_t *u, const uint8_t *v,
                           int uvstep, int w, const VxConvCoefs *c)
{
    int x = 0;
    if (offsets_ok(c) && w >= 16) {
        /* output byte 4p + s takes pixel p of the channel stored at offset s; the table is
         * R, G, B, A, 16 bytes each */
        uint8_t idx[64];
        const int off[4] = {c->roff, c->goff, c->boff, c->aoff};
        for (int ch = 0; ch < 4; ch++)
            for (int p = 0; p < 16; p++)
                idx[4 * p + off[ch]] = (uint8_t)(16 * ch + p);
        const uint8x16_t i0 = vld1q_u8(idx), i1 = vld1q_u8(idx + 16),
                         i2 = vld1q_u8(idx + 32), i3 = vld1q_u8(idx + 48);
        const int32x4_t yoff = vdupq_n_s32(c->ky_off + (1 << (VX_CONV_BITS - 1)));
        const uint8x8_t k128 = vdup_n_u8(128);
        for (; x + 16 <= w; x += 16) {
            uint8x8_t cu, cv;
            const int i = x >> 1;
            if (uvstep == 1) {
                cu = vld1_u8(u + i);
                cv = vld1_u8(v + i);
            } else if (uvstep == 2 && v == u + 1) {
                const uint8x8x2_t uv = vld2_u8(u + 2 * i);
                cu = uv.val[0];
                cv = uv.val[1];
            } else {
                uint8_t tu[8], tv[8];
                for (int k = 0; k < 8; k++)
                    tu[k] = u[(i + k) * uvstep], tv[k] = v[(i + k) * uvstep];
                cu = vld1_u8(tu);
                cv = vld1_u8(tv);
            }
            const int16x8_t sb = vreinterpretq_s16_u16(vsubl_u8(cu, k128));
            const int16x8_t sr = vreinterpretq_s16_u16(vsubl_u8(cv, k128));
            int32x4_t addr[2], addg[2], addb[2];
            for (int h = 0; h < 2; h++) {
                const int32x4_t b32 = h ? vmovl_high_s16(sb) : vmovl_s16(vget_low_s16(sb));
                const int32x4_t r32 = h ? vmovl_high_s16(sr) : vmovl_s16(vget_low_s16(sr));
                addr[h] = vmulq_n_s32(r32, c->rv);
                addg[h] = vmlaq_n_s32(vmulq_n_s32(b32, c->gu), r32, c->gv);
                addb[h] = vmulq_n_s32(b32, c->bu);
            }
            const uint8x16_t yv = vld1q_u8(y + x);
            const uint16x8_t ylo = vmovl_u8(vget_low_u8(yv)), yhi = vmovl_high_u8(yv);
            int32x4_t accr[4], accg[4], accb[4];
            for (int q = 0; q < 4; q++) {
                const int32x4_t yy =
                    vmlaq_n_s32(yoff, widen_s32(q < 2 ? ylo : yhi, q & 1), c->ky);
                /* pixels 4q..4q+3 share chroma samples 2q, 2q, 2q+1, 2q+1 */
                const int h = q >> 1;
                const int32x4_t dr = q & 1 ? vzip2q_s32(addr[h], addr[h])
                                           : vzip1q_s32(addr[h], addr[h]);
                const int32x4_t dg = q & 1 ? vzip2q_s32(addg[h], addg[h])
                                           : vzip1q_s32(addg[h], addg[h]);
                const int32x4_t db = q & 1 ? vzip2q_s32(addb[h], addb[h])
                                           : vzip1q_s32(addb[h], addb[h]);
                accr[q] = vaddq_s32(yy, dr);
                accg[q] = vaddq_s32(yy, dg);
                accb[q] = vaddq_s32(yy, db);
            }
            uint8x16x4_t t;
            t.val[0] = vcombine_u8(NARROW8(accr[0], accr[1], VX_CONV_BITS),
                                   NARROW8(accr[2], accr[3], VX_CONV_BITS));
            t.val[1] = vcombine_u8(NARROW8(accg[0], accg[1], VX_CONV_BITS),
                                   NARROW8(accg[2], accg[3], VX_CONV_BITS));
            t.val[2] = vcombine_u8(NARROW8(accb[0], accb[1], VX_CONV_BITS),
                                   NARROW8(accb[2], accb[3], VX_CONV_BITS));
            t.val[3] = vdupq_n_u8(255);
            uint8_t *d = dst + 4 * x;
            vst1q_u8(d, vqtbl4q_u8(t, i0));
            vst1q_u8(d + 16, vqtbl4q_u8(t, i1));
            vst1q_u8(d + 32, vqtbl4q_u8(t, i2));
            vst1q_u8(d + 48, vqtbl4q_u8(t, i3));
        }
    }
    rgb_scalar(dst, y, u, v, uvstep, x, w, c);
}
