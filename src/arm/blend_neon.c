/* NEON blending kernels, bit-exact with the C reference in dsp/blend.c (mask, over, over_uv,
 * rgba_nv12). */
#include <arm_neon.h>
#include <string.h>

#include "arm/neon.h"

/* vx_div255 on 8 lanes: v + 128 + ((v + 128) >> 8) stays below 65536 for v <= 255 * 255 */
static inline uint8x8_t div255(uint16x8_t v)
{
    const uint16x8_t t = vaddq_u16(v, vdupq_n_u16(128));
    return vaddhn_u16(t, vshrq_n_u16(t, 8));
}

/* div255(a * m + b * (255 - m)) on 16 lanes */
static inline uint8x16_t mix(uint8x16_t a, uint8x16_t b, uint8x16_t m)
{
    const uint8x16_t im = vmvnq_u8(m);
    const uint16x8_t lo =
        vmlal_u8(vmull_u8(vget_low_u8(a), vget_low_u8(m)), vget_low_u8(b), vget_low_u8(im));
    const uint16x8_t hi = vmlal_high_u8(vmull_high_u8(a, m), b, im);
    return vcombine_u8(div255(lo), div255(hi));
}

/* dst[x*step] = div255(a[x*step] * m[x] + b[x*step] * (255 - m[x])); a or b may be dst */
static inline void mix_row(uint8_t *dst, const uint8_t *a, const uint8_t *b, const uint8_t *m,
                           int step, int w)
{
    int x = 0;
    if (step == 1) {
        for (; x + 16 <= w; x += 16)
            vst1q_u8(dst + x, mix(vld1q_u8(a + x), vld1q_u8(b + x), vld1q_u8(m + x)));
    } else if (step == 2) {
        /* the 2-way load reads the byte after each sample: the last group must end before
         * the row's last sample, so that byte is still in the row */
        for (; x + 16 < w; x += 16) {
            const uint8x16_t r = mix(vld2q_u8(a + 2 * x).val[0], vld2q_u8(b + 2 * x).val[0],
                                     vld1q_u8(m + x));
            /* only the even bytes are ours (the odd ones are the other chroma plane) */
            uint8_t tmp[16];
            vst1q_u8(tmp, r);
            for (int k = 0; k < 16; k++)
                dst[2 * (x + k)] = tmp[k];
        }
    }
    for (; x < w; x++) {
        const unsigned am = m[x];
        dst[x * step] = (uint8_t)vx_div255(a[x * step] * am + b[x * step] * (255 - am));
    }
}

void vx_blend_mask_neon(uint8_t *dst, const uint8_t *under, const uint8_t *m, int step, int w)
{
    mix_row(dst, dst, under, m, step, w);
}

void vx_blend_over_neon(uint8_t *dst, const uint8_t *src, const uint8_t *m, int step, int w)
{
    mix_row(dst, src, dst, m, step, w);
}

/* an interleaved UV row: dst[2x] and dst[2x + 1] both through m[x] */
void vx_blend_over_uv_neon(uint8_t *dst, const uint8_t *src, const uint8_t *m, int w)
{
    int x = 0;
    for (; x + 16 <= w; x += 16) {
        const uint8x16_t mm = vld1q_u8(m + x);
        uint8_t *d = dst + 2 * x;
        const uint8x16_t r0 = mix(vld1q_u8(src + 2 * x), vld1q_u8(d), vzip1q_u8(mm, mm));
        const uint8x16_t r1 = mix(vld1q_u8(src + 2 * x + 16), vld1q_u8(d + 16), vzip2q_u8(mm, mm));
        vst1q_u8(d, r0);
        vst1q_u8(d + 16, r1);
    }
    for (; x < w; x++) {
        const unsigned a = m[x];
        dst[2 * x] = (uint8_t)vx_div255(src[2 * x] * a + dst[2 * x] * (255 - a));
        dst[2 * x + 1] = (uint8_t)vx_div255(src[2 * x + 1] * a + dst[2 * x + 1] * (255 - a));
    }
}

/* ---- RGBA-family overlay -> NV12 (rgba_nv12, exact definition in dsp/blend.h) ----
 * 16 pixels of two rows per block: vld4 splits the bytes of a pixel, each byte with its own
 * coefficient (0 at the alpha byte), so the byte order needs no shuffling; only alpha is
 * picked out, by masks. The 2x2 chroma sums are pairwise adds (vpaddl/vpadal). */

typedef struct Consts {
    int16_t ky[4], ku[4], kv[4];
    uint8x16_t amask[4]; /* 0xff at the alpha byte's index */
    int32x4_t yadd;      /* added before >> 15: y_off + half (straight) or half */
    uint8x8_t off8;      /* premultiplied: the luma offset (16 or 0) */
    int pm;
} Consts;

static inline uint8x16_t alpha16(uint8x16x4_t p, const Consts *k)
{
    return vorrq_u8(vorrq_u8(vandq_u8(p.val[0], k->amask[0]), vandq_u8(p.val[1], k->amask[1])),
                    vorrq_u8(vandq_u8(p.val[2], k->amask[2]), vandq_u8(p.val[3], k->amask[3])));
}

/* (sum_b ky[b] * p[b] + yadd) >> 15 for 8 pixels (half 0 or 1 of the block), as int16 */
static inline int16x8_t luma_sum8(uint8x16x4_t p, int hi, const Consts *k)
{
    int32x4_t lo4 = k->yadd, hi4 = k->yadd;
    for (int b = 0; b < 4; b++) {
        const int16x8_t v = vreinterpretq_s16_u16(hi ? vmovl_high_u8(p.val[b])
                                                     : vmovl_u8(vget_low_u8(p.val[b])));
        lo4 = vmlal_n_s16(lo4, vget_low_s16(v), k->ky[b]);
        hi4 = vmlal_high_n_s16(hi4, v, k->ky[b]);
    }
    return vcombine_s16(vshrn_n_s32(lo4, VX_BLEND_COEF_BITS), vshrn_n_s32(hi4, VX_BLEND_COEF_BITS));
}

static inline void luma16(uint8_t *y, uint8x16x4_t p, uint8x16_t a, const Consts *k)
{
    const int16x8_t l0 = luma_sum8(p, 0, k), l1 = luma_sum8(p, 1, k);
    const uint8x16_t bg = vld1q_u8(y);
    uint8x16_t r;
    if (!k->pm) {
        r = mix(vcombine_u8(vqmovun_s16(l0), vqmovun_s16(l1)), bg, a);
    } else { /* clip8(P + div255(y * (255 - a) + off * a)) */
        const uint8x16_t ia = vmvnq_u8(a);
        const uint16x8_t t0 =
            vmlal_u8(vmull_u8(vget_low_u8(bg), vget_low_u8(ia)), k->off8, vget_low_u8(a));
        const uint16x8_t t1 = vmlal_u8(vmull_high_u8(bg, ia), k->off8, vget_high_u8(a));
        const int16x8_t d0 = vreinterpretq_s16_u16(vmovl_u8(div255(t0)));
        const int16x8_t d1 = vreinterpretq_s16_u16(vmovl_u8(div255(t1)));
        r = vcombine_u8(vqmovun_s16(vaddq_s16(l0, d0)), vqmovun_s16(vaddq_s16(l1, d1)));
    }
    vst1q_u8(y, r);
}

/* the channel as it enters the chroma sums: div255(a * s) (straight) or s (premultiplied) */
static inline uint8x16_t premul(uint8x16_t s, uint8x16_t a, const Consts *k)
{
    if (k->pm)
        return s;
    return vcombine_u8(div255(vmull_u8(vget_low_u8(s), vget_low_u8(a))),
                       div255(vmull_high_u8(s, a)));
}

/* one chroma component of 8 samples: (sum_b kc[b] * Q[b] + 2^16) >> 17, as int16 */
static inline int16x8_t chroma_sum8(const int16x8_t *q, const int16_t *kc)
{
    const int32x4_t h = vdupq_n_s32(1 << 16);
    int32x4_t lo4 = h, hi4 = h;
    for (int b = 0; b < 4; b++) {
        lo4 = vmlal_n_s16(lo4, vget_low_s16(q[b]), kc[b]);
        hi4 = vmlal_high_n_s16(hi4, q[b], kc[b]);
    }
    return vcombine_s16(vmovn_s32(vshrq_n_s32(lo4, 17)), vmovn_s32(vshrq_n_s32(hi4, 17)));
}

/* clip8(C + div255(bg * (255 - am) + 128 * am)) */
static inline uint8x8_t chroma_mix(int16x8_t cm, uint8x8_t bg, uint8x8_t am)
{
    const uint16x8_t t = vmlal_u8(vmull_u8(bg, vmvn_u8(am)), vdup_n_u8(128), am);
    return vqmovun_s16(vaddq_s16(cm, vreinterpretq_s16_u16(vmovl_u8(div255(t)))));
}

static inline void block16(uint8_t *y0, uint8_t *y1, uint8_t *uv, const uint8_t *s0,
                           const uint8_t *s1, const Consts *k)
{
    const uint8x16x4_t p0 = vld4q_u8(s0), p1 = vld4q_u8(s1);
    const uint8x16_t a0 = alpha16(p0, k), a1 = alpha16(p1, k);
    luma16(y0, p0, a0, k);
    if (y1)
        luma16(y1, p1, a1, k);
    /* 2x2 sums: pairs of neighbouring pixels of both rows (< 2^10) */
    int16x8_t q[4];
    for (int b = 0; b < 4; b++)
        q[b] = vreinterpretq_s16_u16(
            vpadalq_u8(vpaddlq_u8(premul(p0.val[b], a0, k)), premul(p1.val[b], a1, k)));
    const uint8x8_t am = vmovn_u16(vrshrq_n_u16(vpadalq_u8(vpaddlq_u8(a0), a1), 2));
    const uint8x8x2_t bg = vld2_u8(uv);
    uint8x8x2_t r;
    r.val[0] = chroma_mix(chroma_sum8(q, k->ku), bg.val[0], am);
    r.val[1] = chroma_mix(chroma_sum8(q, k->kv), bg.val[1], am);
    vst2_u8(uv, r);
}

void vx_blend_rgba_nv12_neon(uint8_t *y0, uint8_t *y1, uint8_t *uv, const uint8_t *s0,
                             const uint8_t *s1, int w, const VxConvCoefs *c, int pm)
{
    VxBlendCoefs b;
    vx_blend_coefs_from(&b, c);
    Consts k;
    for (int i = 0; i < 4; i++) {
        k.ky[i] = b.y[i], k.ku[i] = b.u[i], k.kv[i] = b.v[i];
        k.amask[i] = vdupq_n_u8(i == b.aoff ? 0xff : 0);
    }
    const int half = 1 << (VX_BLEND_COEF_BITS - 1);
    k.yadd = vdupq_n_s32(pm ? half : b.y_off + half);
    k.off8 = vdup_n_u8((uint8_t)(b.y_off >> VX_BLEND_COEF_BITS));
    k.pm = pm;
    int x = 0;
    for (; x + 16 <= w; x += 16)
        block16(y0 + x, y1 ? y1 + x : NULL, uv + x, s0 + 4 * x, s1 + 4 * x, &k);
    if (x < w) {
        /* the rest through one zero-padded block; an odd width's missing column repeats the
         * last pixel, as the C reference reads it */
        const int n = w - x, nc = (n + 1) / 2;
        uint8_t t0[64] = {0}, t1[64] = {0}, ty0[16] = {0}, ty1[16] = {0}, tuv[16] = {0};
        memcpy(t0, s0 + 4 * x, (size_t)4 * n);
        memcpy(t1, s1 + 4 * x, (size_t)4 * n);
        if (n & 1) {
            memcpy(t0 + 4 * n, t0 + 4 * (n - 1), 4);
            memcpy(t1 + 4 * n, t1 + 4 * (n - 1), 4);
        }
        memcpy(ty0, y0 + x, (size_t)n);
        if (y1)
            memcpy(ty1, y1 + x, (size_t)n);
        memcpy(tuv, uv + x, (size_t)2 * nc);
        block16(ty0, y1 ? ty1 : NULL, tuv, t0, t1, &k);
        memcpy(y0 + x, ty0, (size_t)n);
        if (y1)
            memcpy(y1 + x, ty1, (size_t)n);
        memcpy(uv + x, tuv, (size_t)2 * nc);
    }
}

/* lerp16: the products widened to 32 bits, the rounding shift narrowing them back */
void vx_blend_lerp16_neon(uint8_t *dst, const uint16_t *a, const uint16_t *b, int f, int n)
{
    const uint16_t wa = (uint16_t)(256 - f), wb = (uint16_t)f;
    int x = 0;
    for (; x + 8 <= n; x += 8) {
        const uint16x8_t va = vld1q_u16(a + x), vb = vld1q_u16(b + x);
        const uint32x4_t lo = vmlal_n_u16(vmull_n_u16(vget_low_u16(va), wa), vget_low_u16(vb), wb);
        const uint32x4_t hi = vmlal_high_n_u16(vmull_high_n_u16(va, wa), vb, wb);
        vst1_u8(dst + x, vmovn_u16(vcombine_u16(vrshrn_n_u32(lo, 16), vrshrn_n_u32(hi, 16))));
    }
    for (; x < n; x++)
        dst[x] = (uint8_t)((a[x] * (uint32_t)wa + b[x] * (uint32_t)wb + 32768) >> 16);
}

/* tint, 8 samples a lane vector: the weight m as tint_c works it out, then
 * dst + (((c - dst) m + 128) >> 8), which is (dst (256 - m) + c m + 128) >> 8. vqrdmulh gives
 * (2 u v + 2^15) >> 16; with u = (c - dst) * 128 and v = m, that is ((c - dst) m + 128) >> 8,
 * arithmetic, exactly (no saturation: |u v| < 2^23). */
static inline uint16x8_t tint_weight8(uint16x8_t cov, uint16_t a, int opaque)
{
    if (opaque)
        return vaddq_u16(cov, vshrq_n_u16(cov, 7));
    const uint16x8_t p = vmulq_n_u16(cov, a);
    return vshrq_n_u16(vaddq_u16(vaddq_u16(p, vdupq_n_u16(128)), vshrq_n_u16(p, 8)), 8);
}

static inline uint8x8_t tint8(uint8x8_t x8, uint16x8_t m, int16x8_t c)
{
    const int16x8_t x = vreinterpretq_s16_u16(vmovl_u8(x8));
    const int16x8_t d = vshlq_n_s16(vsubq_s16(c, x), 7);
    return vqmovun_s16(vaddq_s16(x, vqrdmulhq_s16(d, vreinterpretq_s16_u16(m))));
}

static inline void tint_at(uint8_t *dst, const uint8_t *cov, int c, int a, int n, int opaque)
{
    const int16x8_t vc = vdupq_n_s16((int16_t)c);
    int x = 0;
    for (; x + 16 <= n; x += 16) {
        const uint8x16_t cv = vld1q_u8(cov + x), d = vld1q_u8(dst + x);
        const uint16x8_t m0 = tint_weight8(vmovl_u8(vget_low_u8(cv)), (uint16_t)a, opaque);
        const uint16x8_t m1 = tint_weight8(vmovl_high_u8(cv), (uint16_t)a, opaque);
        vst1q_u8(dst + x, vcombine_u8(tint8(vget_low_u8(d), m0, vc), tint8(vget_high_u8(d), m1, vc)));
    }
    for (; x < n; x++)
        dst[x] = vx_tint_mix(dst[x], (unsigned)c, vx_tint_weight(cov[x], (unsigned)a));
}

void vx_blend_tint_neon(uint8_t *dst, const uint8_t *cov, int c, int a, int n)
{
    if (a == 256)
        tint_at(dst, cov, c, a, n, 1);
    else
        tint_at(dst, cov, c, a, n, 0);
}

/* tint_uv: 8 pairs at a time, each weight twice (cb's lane and cr's) */
static inline void tint_uv_at(uint8_t *dst, const uint8_t *cov, int cb, int cr, int a, int n,
                              int opaque)
{
    const int16x8_t vc = vreinterpretq_s16_u32(vdupq_n_u32((uint32_t)cr << 16 | (uint32_t)cb));
    int x = 0;
    for (; x + 8 <= n; x += 8) {
        const uint8x8_t c8 = vld1_u8(cov + x);
        const uint8x16_t d = vld1q_u8(dst + 2 * x);
        const uint16x8_t m0 = tint_weight8(vmovl_u8(vzip1_u8(c8, c8)), (uint16_t)a, opaque);
        const uint16x8_t m1 = tint_weight8(vmovl_u8(vzip2_u8(c8, c8)), (uint16_t)a, opaque);
        vst1q_u8(dst + 2 * x,
                 vcombine_u8(tint8(vget_low_u8(d), m0, vc), tint8(vget_high_u8(d), m1, vc)));
    }
    for (; x < n; x++) {
        const unsigned m = vx_tint_weight(cov[x], (unsigned)a);
        dst[2 * x] = vx_tint_mix(dst[2 * x], (unsigned)cb, m);
        dst[2 * x + 1] = vx_tint_mix(dst[2 * x + 1], (unsigned)cr, m);
    }
}

void vx_blend_tint_uv_neon(uint8_t *dst, const uint8_t *cov, int cb, int cr, int a, int n)
{
    if (a == 256)
        tint_uv_at(dst, cov, cb, cr, a, n, 1);
    else
        tint_uv_at(dst, cov, cb, cr, a, n, 0);
}
