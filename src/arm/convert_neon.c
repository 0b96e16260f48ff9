/* NEON RGB <-> Y'CbCr 4:2:0 kernels, bit-exact with the C reference in dsp/convert.c
 * (15-bit RGB -> YUV coefficients, chroma rounded once from the weighted footprint sums;
 * 13-bit YUV -> RGB coefficients). Every coefficient fits int16, so the products are
 * vmull/vmlal of 16-bit values into 32-bit sums, as in the reference.
 *
 * The byte order of a pixel (RGBA, BGRA, ARGB, ABGR) is a run-time choice: channels are
 * gathered and scattered with table lookups built once per call. The last pixels of a row
 * (fewer than 16) are left to the C reference (vx_*_part_c). */
#include <arm_neon.h>

#include "arm/neon.h"

#define CHROMA_SHIFT (VX_CONV_BITS + 3)

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

static inline int fits16(int32_t v)
{
    return v >= INT16_MIN && v <= INT16_MAX;
}

/* vx_conv_coefs_init always gives int16 coefficients; a hand-made set that does not falls
 * back to the C reference rather than overflowing the 16-bit multiplies. */
static int coefs_fit16_fwd(const VxConvCoefs *c)
{
    const int32_t k[9] = {c->yr, c->yg, c->yb, c->ur, c->ug, c->ub, c->vr, c->vg, c->vb};
    for (int i = 0; i < 9; i++)
        if (!fits16(k[i]))
            return 0;
    return 1;
}

static int coefs_fit16_inv(const VxConvCoefs *c)
{
    return fits16(c->ky) && fits16(c->rv) && fits16(c->gu) && fits16(c->gv) && fits16(c->bu);
}

/* clip8(acc >> shift) for 8 lanes; the shifted values fit 16 bits, so the narrowing is exact */
#define NARROW8(a, b, shift) \
    vqmovun_s16(vcombine_s16(vqmovn_s32(vshrq_n_s32(a, shift)), vqmovn_s32(vshrq_n_s32(b, shift))))

/* ---- RGB -> YUV 4:2:0 ---- */

/* k0 * a + k1 * b + k2 * c + add for 8 lanes of int16 (values < 2^11), then clip8(>> shift) */
#define DOT3_8(a, b, c_, k0, k1, k2, add, shift)                                         \
    NARROW8(vmlal_n_s16(vmlal_n_s16(vmlal_n_s16(add, vget_low_s16(a), (int16_t)(k0)),    \
                                    vget_low_s16(b), (int16_t)(k1)),                     \
                        vget_low_s16(c_), (int16_t)(k2)),                                \
            vmlal_high_n_s16(vmlal_high_n_s16(vmlal_high_n_s16(add, a, (int16_t)(k0)),   \
                                              b, (int16_t)(k1)),                         \
                             c_, (int16_t)(k2)),                                         \
            shift)

static inline int16x8_t s16(uint16x8_t v)
{
    return vreinterpretq_s16_u16(v);
}

static inline uint8x8_t luma8(uint8x8_t r, uint8x8_t g, uint8x8_t b, int32x4_t add,
                              const VxConvCoefs *c)
{
    const int16x8_t r16 = s16(vmovl_u8(r)), g16 = s16(vmovl_u8(g)), b16 = s16(vmovl_u8(b));
    return DOT3_8(r16, g16, b16, c->yr, c->yg, c->yb, add, VX_CONV_BITS);
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
    if (w >= 16 && offsets_ok(c) && coefs_fit16_fwd(c)) {
        /* a channel of 16 pixels, the 8 even ones then the 8 odd ones */
        static const uint8_t order[16] = {0, 8, 16, 24, 32, 40, 48, 56,
                                          4, 12, 20, 28, 36, 44, 52, 60};
        const uint8x16_t base = vld1q_u8(order);
        const uint8x16_t ir = vaddq_u8(base, vdupq_n_u8((uint8_t)c->roff));
        const uint8x16_t ig = vaddq_u8(base, vdupq_n_u8((uint8_t)c->goff));
        const uint8x16_t ib = vaddq_u8(base, vdupq_n_u8((uint8_t)c->boff));
        const int32x4_t yadd = vdupq_n_s32(c->y_off + (1 << (VX_CONV_BITS - 1)));
        const int32x4_t cadd = vdupq_n_s32((c->uv_off << 3) + (1 << (CHROMA_SHIFT - 1)));
        const int left = c->left_sited;
        /* lane 7: the two-row sum of the odd pixel left of the block; left of pixel 0 the
         * reference clamps to pixel 0 */
        uint16x8_t cr = vdupq_n_u16((uint16_t)(s0[c->roff] + s1[c->roff]));
        uint16x8_t cg = vdupq_n_u16((uint16_t)(s0[c->goff] + s1[c->goff]));
        uint16x8_t cb = vdupq_n_u16((uint16_t)(s0[c->boff] + s1[c->boff]));
        for (; x0 + 16 <= w; x0 += 16) {
            const uint8x16x4_t t0 = load64(s0 + 4 * x0), t1 = load64(s1 + 4 * x0);
            const uint8x16_t r0 = vqtbl4q_u8(t0, ir), g0 = vqtbl4q_u8(t0, ig),
                             b0 = vqtbl4q_u8(t0, ib);
            const uint8x16_t r1 = vqtbl4q_u8(t1, ir), g1 = vqtbl4q_u8(t1, ig),
                             b1 = vqtbl4q_u8(t1, ib);
            uint8x8x2_t yy; /* even and odd pixels, stored back in order by vst2 */
            yy.val[0] = luma8(vget_low_u8(r0), vget_low_u8(g0), vget_low_u8(b0), yadd, c);
            yy.val[1] = luma8(vget_high_u8(r0), vget_high_u8(g0), vget_high_u8(b0), yadd, c);
            vst2_u8(y0 + x0, yy);
            if (y1) {
                yy.val[0] = luma8(vget_low_u8(r1), vget_low_u8(g1), vget_low_u8(b1), yadd, c);
                yy.val[1] = luma8(vget_high_u8(r1), vget_high_u8(g1), vget_high_u8(b1), yadd, c);
                vst2_u8(y1 + x0, yy);
            }
            /* two-row column sums of the even and the odd pixels (< 2^9) */
            const uint16x8_t re = vaddl_u8(vget_low_u8(r0), vget_low_u8(r1)),
                             ro = vaddl_high_u8(r0, r1);
            const uint16x8_t ge = vaddl_u8(vget_low_u8(g0), vget_low_u8(g1)),
                             go = vaddl_high_u8(g0, g1);
            const uint16x8_t be = vaddl_u8(vget_low_u8(b0), vget_low_u8(b1)),
                             bo = vaddl_high_u8(b0, b1);
            uint16x8_t sr, sg, sb; /* footprint sums, weights totalling 8 (< 2^11) */
            if (left) { /* [1 2 1]: the odd pixel before, the even pixel twice, the odd one */
                sr = vaddq_u16(vaddq_u16(vextq_u16(cr, ro, 7), ro), vshlq_n_u16(re, 1));
                sg = vaddq_u16(vaddq_u16(vextq_u16(cg, go, 7), go), vshlq_n_u16(ge, 1));
                sb = vaddq_u16(vaddq_u16(vextq_u16(cb, bo, 7), bo), vshlq_n_u16(be, 1));
                cr = ro, cg = go, cb = bo;
            } else { /* [1 1], weight 2 each */
                sr = vshlq_n_u16(vaddq_u16(re, ro), 1);
                sg = vshlq_n_u16(vaddq_u16(ge, go), 1);
                sb = vshlq_n_u16(vaddq_u16(be, bo), 1);
            }
            const int16x8_t r16 = s16(sr), g16 = s16(sg), b16 = s16(sb);
            uint8x8x2_t uv;
            uv.val[0] = DOT3_8(r16, g16, b16, c->ur, c->ug, c->ub, cadd, CHROMA_SHIFT);
            uv.val[1] = DOT3_8(r16, g16, b16, c->vr, c->vg, c->vb, cadd, CHROMA_SHIFT);
            const int i0 = x0 / 2;
            if (uvstep == 1) {
                vst1_u8(u + i0, uv.val[0]);
                vst1_u8(v + i0, uv.val[1]);
            } else if (uvstep == 2 && v == u + 1) {
                vst2_u8(u + 2 * i0, uv); /* NV12: Cb Cr interleaved */
            } else {
                uint8_t tu[8], tv[8];
                vst1_u8(tu, uv.val[0]);
                vst1_u8(tv, uv.val[1]);
                for (int k = 0; k < 8; k++)
                    u[(i0 + k) * uvstep] = tu[k], v[(i0 + k) * uvstep] = tv[k];
            }
        }
    }
    /* x0 is even; the reference reads pixel x0 - 1 for the left-sited filter itself */
    if (x0 < w)
        vx_rgb_to_yuv420_part_c(s0, s1, y0, y1, u, v, uvstep, x0, w, c);
}

/* ---- YUV 4:2:0 -> RGB ---- */

void vx_yuv420_to_rgb_neon(uint8_t *dst, const uint8_t *y, const uint8_t *u, const uint8_t *v,
                           int uvstep, int w, const VxConvCoefs *c)
{
    int x = 0;
    if (w >= 16 && offsets_ok(c) && coefs_fit16_inv(c)) {
        /* output byte 4p + s takes pixel p of the channel stored at offset s; the table is
         * R, G, B, A, 16 bytes each */
        uint8_t idx[64];
        const int off[4] = {c->roff, c->goff, c->boff, c->aoff};
        for (int ch = 0; ch < 4; ch++)
            for (int p = 0; p < 16; p++)
                idx[4 * p + off[ch]] = (uint8_t)(16 * ch + p);
        const uint8x16_t i0 = vld1q_u8(idx), i1 = vld1q_u8(idx + 16),
                         i2 = vld1q_u8(idx + 32), i3 = vld1q_u8(idx + 48);
        const int32x4_t yadd = vdupq_n_s32(c->ky_off); /* includes the rounding half */
        const int16_t ky = (int16_t)c->ky, rv = (int16_t)c->rv, gu = (int16_t)c->gu,
                      gv = (int16_t)c->gv, bu = (int16_t)c->bu;
        const uint8x8_t k128 = vdup_n_u8(128);
        for (; x + 16 <= w; x += 16) {
            uint8x8_t cu, cv;
            const int i = x >> 1;
            if (uvstep == 1) {
                cu = vld1_u8(u + i);
                cv = vld1_u8(v + i);
            } else if (uvstep == 2 && v == u + 1) { /* NV12 */
                const uint8x8x2_t uv = vld2_u8(u + 2 * i);
                cu = uv.val[0], cv = uv.val[1];
            } else if (uvstep == 2 && v == u - 1) { /* NV21 */
                const uint8x8x2_t vu = vld2_u8(v + 2 * i);
                cv = vu.val[0], cu = vu.val[1];
            } else {
                uint8_t tu[8], tv[8];
                for (int k = 0; k < 8; k++)
                    tu[k] = u[(i + k) * uvstep], tv[k] = v[(i + k) * uvstep];
                cu = vld1_u8(tu);
                cv = vld1_u8(tv);
            }
            const int16x8_t sb = s16(vsubl_u8(cu, k128)), sr = s16(vsubl_u8(cv, k128));
            /* chroma terms of the 8 samples, 4 at a time */
            int32x4_t addr[2], addg[2], addb[2];
            addr[0] = vmull_n_s16(vget_low_s16(sr), rv);
            addr[1] = vmull_high_n_s16(sr, rv);
            addg[0] = vmlal_n_s16(vmull_n_s16(vget_low_s16(sb), gu), vget_low_s16(sr), gv);
            addg[1] = vmlal_high_n_s16(vmull_high_n_s16(sb, gu), sr, gv);
            addb[0] = vmull_n_s16(vget_low_s16(sb), bu);
            addb[1] = vmull_high_n_s16(sb, bu);
            const uint8x16_t yv = vld1q_u8(y + x);
            const int16x8_t ylo = s16(vmovl_u8(vget_low_u8(yv))), yhi = s16(vmovl_high_u8(yv));
            int32x4_t yy[4];
            yy[0] = vmlal_n_s16(yadd, vget_low_s16(ylo), ky);
            yy[1] = vmlal_high_n_s16(yadd, ylo, ky);
            yy[2] = vmlal_n_s16(yadd, vget_low_s16(yhi), ky);
            yy[3] = vmlal_high_n_s16(yadd, yhi, ky);
            int32x4_t accr[4], accg[4], accb[4];
            for (int q = 0; q < 4; q++) {
                /* pixels 4q..4q+3 share chroma samples 2q, 2q, 2q+1, 2q+1 */
                const int h = q >> 1;
                const int32x4_t dr = q & 1 ? vzip2q_s32(addr[h], addr[h])
                                           : vzip1q_s32(addr[h], addr[h]);
                const int32x4_t dg = q & 1 ? vzip2q_s32(addg[h], addg[h])
                                           : vzip1q_s32(addg[h], addg[h]);
                const int32x4_t db = q & 1 ? vzip2q_s32(addb[h], addb[h])
                                           : vzip1q_s32(addb[h], addb[h]);
                accr[q] = vaddq_s32(yy[q], dr);
                accg[q] = vaddq_s32(yy[q], dg);
                accb[q] = vaddq_s32(yy[q], db);
            }
            uint8x16x4_t t;
            t.val[0] = vcombine_u8(NARROW8(accr[0], accr[1], VX_CONV_IBITS),
                                   NARROW8(accr[2], accr[3], VX_CONV_IBITS));
            t.val[1] = vcombine_u8(NARROW8(accg[0], accg[1], VX_CONV_IBITS),
                                   NARROW8(accg[2], accg[3], VX_CONV_IBITS));
            t.val[2] = vcombine_u8(NARROW8(accb[0], accb[1], VX_CONV_IBITS),
                                   NARROW8(accb[2], accb[3], VX_CONV_IBITS));
            t.val[3] = vdupq_n_u8(255);
            uint8_t *d = dst + 4 * x;
            vst1q_u8(d, vqtbl4q_u8(t, i0));
            vst1q_u8(d + 16, vqtbl4q_u8(t, i1));
            vst1q_u8(d + 32, vqtbl4q_u8(t, i2));
            vst1q_u8(d + 48, vqtbl4q_u8(t, i3));
        }
    }
    if (x < w)
        vx_yuv420_to_rgb_part_c(dst, y, u, v, uvstep, x, w, c);
}
