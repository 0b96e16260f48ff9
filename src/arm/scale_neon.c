/* NEON scaling kernels, bit-exact with the C reference in dsp/scale.c. */
#include <arm_neon.h>

#include "arm/neon.h"

#define MID_SHIFT (VX_SCALE_COEF_BITS - VX_SCALE_MID_BITS)

static inline int16_t hscale_one(const uint8_t *s, int step, const int16_t *c, int taps)
{
    int sum = 0;
    for (int t = 0; t < taps; t++)
        sum += s[t * step] * c[t];
    return (int16_t)((sum + (1 << (MID_SHIFT - 1))) >> MID_SHIFT);
}

/* 8 samples at the given step (1, or 2 for one plane of interleaved chroma) */
static inline uint8x8_t load8(const uint8_t *s, int step)
{
    return step == 1 ? vld1_u8(s) : vld2_u8(s).val[0];
}

/* dot product of 8 samples with 8 coefficients, as 4 partial int32 sums */
static inline int32x4_t dot8c(uint8x8_t px, int16x8_t cf)
{
    const int16x8_t p = vreinterpretq_s16_u16(vmovl_u8(px));
    return vmlal_high_s16(vmull_s16(vget_low_s16(p), vget_low_s16(cf)), p, cf);
}

static inline int32x4_t dot8(uint8x8_t px, const int16_t *c)
{
    return dot8c(px, vld1q_s16(c));
}

/* the 4 outputs' sums, m[k] output k's partial sums: (sum + 128) >> 8 without overflow, then
 * truncated to 16 bits like the C cast */
static inline int16x4_t narrow4(const int32x4_t m[4])
{
    return vrshrn_n_s32(vpaddq_s32(vpaddq_s32(m[0], m[1]), vpaddq_s32(m[2], m[3])), MID_SHIFT);
}

/* Outputs i.. through the scalar path (of one channel at the given step). */
static void hscale_tail(int16_t *dst, const uint8_t *src, int step, const VxScaleFilter *f,
                        int i)
{
    for (; i < f->n_out; i++)
        dst[i] = hscale_one(src + (ptrdiff_t)f->pos[i] * step, step,
                            f->coef + (size_t)i * f->taps, f->taps);
}

/* Outputs from i on, 4 at a time while their padded reads stay in the row; returns where it
 * stopped (hscale_tail does the rest). */
static int hscale_padded(int16_t *dst, const uint8_t *src, const int step,
                         const VxScaleFilter *f, int i)
{
    const int ptaps = f->ptaps, n = f->n_out;
    /* the padded read of an output spans ptaps samples, and with step 2 one byte more than
     * the last of them: such reads must stay inside the row, or the output goes scalar */
    const int limit = f->n_src - ptaps - (step - 1);
    for (; i + 4 <= n; i += 4) {
        if (f->pos[i] > limit || f->pos[i + 1] > limit || f->pos[i + 2] > limit ||
            f->pos[i + 3] > limit)
            break;
        const int16_t *c = f->coef_pad + (size_t)i * ptaps;
        int32x4_t m[4];
        for (int k = 0; k < 4; k++) {
            const uint8_t *s = src + (ptrdiff_t)f->pos[i + k] * step;
            m[k] = dot8(load8(s, step), c + k * ptaps);
            for (int q = 8; q < ptaps; q += 8)
                m[k] = vaddq_s32(m[k], dot8(load8(s + q * step, step), c + k * ptaps + q));
        }
        vst1_s16(dst + i, narrow4(m));
    }
    return i;
}

/* A byte lookup in the first nt registers of t (indices past them give 0). */
static inline uint8x16_t lookup(const uint8x16x4_t t, const int nt, const uint8x16_t idx)
{
    switch (nt) {
    case 1: return vqtbl1q_u8(t.val[0], idx);
    case 2: return vqtbl2q_u8((uint8x16x2_t){{t.val[0], t.val[1]}}, idx);
    case 3: return vqtbl3q_u8((uint8x16x3_t){{t.val[0], t.val[1], t.val[2]}}, idx);
    default: return vqtbl4q_u8(t, idx);
    }
}

/* The grouped filter (VxScaleGroups, built for every architecture) over nr (1 or 2) rows
 * that share each load of the tables: per group of 4 int32 lanes one load of each row's
 * window (nt registers of 16 bytes), then per tap pair one table lookup that places each
 * lane's two samples as 16-bit words (the indices 0x80 and up give 0) and a multiply-
 * accumulate with the lanes' coefficient pairs, lanes 0-1 and 2-3 in two accumulators whose
 * neighbours are added at the end. Writes g->nfull * 4 values (outputs, or pairs of channels)
 * per row, returns that. */
static inline int groups_nt(int16_t *const *dst, const uint8_t *const *src, const int nr,
                            const int nt, const VxScaleGroups *g)
{
    const uint8x16_t inc = vdupq_n_u8((uint8_t)g->inc);
    const int n = g->nfull, pairs = g->pairs;
    for (int k = 0; k < n; k++) {
        uint8x16x4_t s[2];
        int32x4_t lo[2], hi[2];
        for (int r = 0; r < nr; r++) {
            for (int j = 0; j < nt; j++)
                s[r].val[j] = vld1q_u8(src[r] + g->base[k] + 16 * j);
            for (int j = nt; j < 4; j++)
                s[r].val[j] = vdupq_n_u8(0);
            lo[r] = hi[r] = vdupq_n_s32(0);
        }
        uint8x16_t idx = vld1q_u8(g->idx + (size_t)k * 16);
        const int16_t *c = g->coef + (size_t)k * 8;
        for (int p = 0; p < pairs; p++, c += g->cstride) {
            const int16x8_t cf = vld1q_s16(c);
            for (int r = 0; r < nr; r++) {
                const int16x8_t x = vreinterpretq_s16_u8(lookup(s[r], nt, idx));
                lo[r] = vmlal_s16(lo[r], vget_low_s16(x), vget_low_s16(cf));
                hi[r] = vmlal_high_s16(hi[r], x, cf);
            }
            idx = vaddq_u8(idx, inc);
        }
        for (int r = 0; r < nr; r++)
            vst1_s16(dst[r] + 4 * k, vrshrn_n_s32(vpaddq_s32(lo[r], hi[r]), MID_SHIFT));
    }
    return 4 * n;
}

/* groups_nt for the group's window (g->win bytes), each size its own loop */
static inline int groups_neon(int16_t *const *dst, const uint8_t *const *src, const int nr,
                              const VxScaleGroups *g)
{
    switch (g->win) {
    case 16: return groups_nt(dst, src, nr, 1, g);
    case 32: return groups_nt(dst, src, nr, 2, g);
    case 48: return groups_nt(dst, src, nr, 3, g);
    default: return groups_nt(dst, src, nr, 4, g);
    }
}

void vx_hscale_neon(int16_t *dst, const uint8_t *src, int step, const VxScaleFilter *f)
{
    /* the groups first where they fit (step 1), then 4 outputs at a time */
    int i = step == 1 && f->g1.n ? groups_neon(&dst, &src, 1, &f->g1) : 0;
    if (f->ptaps && step == 1)
        i = hscale_padded(dst, src, 1, f, i);
    else if (f->ptaps && step == 2)
        i = hscale_padded(dst, src, 2, f, i);
    hscale_tail(dst, src, step, f, i);
}

/* Both channels of interleaved pairs (NV12 UV), outputs i.. through the scalar path. */
static void hscale2_tail(int16_t *dst, const uint8_t *src, const VxScaleFilter *f, int i)
{
    for (; i < f->n_out; i++) {
        const uint8_t *s = src + (ptrdiff_t)f->pos[i] * 2;
        const int16_t *c = f->coef + (size_t)i * f->taps;
        dst[2 * i] = hscale_one(s, 2, c, f->taps);
        dst[2 * i + 1] = hscale_one(s + 1, 2, c, f->taps);
    }
}

/* Both channels of interleaved pairs, from output i on, 4 outputs at a time: one
 * deinterleaving load of 8 pairs feeds both channels' dot products with the same
 * coefficients. Returns where it stopped (hscale2_tail does the rest). */
static int hscale2_padded(int16_t *dst, const uint8_t *src, const VxScaleFilter *f, int i)
{
    const int ptaps = f->ptaps, n = f->n_out;
    const int limit = f->n_src - ptaps; /* the 2 * ptaps bytes read stay inside the row */
    for (; i + 4 <= n; i += 4) {
        if (f->pos[i] > limit || f->pos[i + 1] > limit || f->pos[i + 2] > limit ||
            f->pos[i + 3] > limit)
            break;
        const int16_t *c = f->coef_pad + (size_t)i * ptaps;
        int32x4_t mu[4], mv[4];
        for (int k = 0; k < 4; k++) {
            const uint8_t *s = src + (ptrdiff_t)f->pos[i + k] * 2;
            const int16_t *ck = c + k * ptaps;
            int16x8_t cf = vld1q_s16(ck);
            uint8x8x2_t px = vld2_u8(s);
            mu[k] = dot8c(px.val[0], cf);
            mv[k] = dot8c(px.val[1], cf);
            for (int q = 8; q < ptaps; q += 8) {
                cf = vld1q_s16(ck + q);
                px = vld2_u8(s + 2 * q);
                mu[k] = vaddq_s32(mu[k], dot8c(px.val[0], cf));
                mv[k] = vaddq_s32(mv[k], dot8c(px.val[1], cf));
            }
        }
        const int16x4x2_t uv = {{narrow4(mu), narrow4(mv)}};
        vst2_s16(dst + 2 * i, uv); /* u0 v0 u1 v1 ... */
    }
    return i;
}

void vx_hscale2_neon(int16_t *dst, const uint8_t *src, const VxScaleFilter *f)
{
    int i = f->g2.n ? groups_neon(&dst, &src, 1, &f->g2) / 2 : 0;
    if (f->ptaps)
        i = hscale2_padded(dst, src, f, i);
    hscale2_tail(dst, src, f, i);
}

/* Rows through one filter (the band and whole-plane passes call this; without it they took
 * the C reference): one channel at step 1, or interleaved pairs; two rows at a time share
 * the group tables' loads. */
void vx_hscale_rows_neon(int16_t *const *dst, const uint8_t *const *src, int nr, int channels,
                         const VxScaleFilter *f)
{
    const VxScaleGroups *g = channels == 2 ? &f->g2 : &f->g1;
    int r = 0;
    for (; g->n && f->ptaps && r + 2 <= nr; r += 2) {
        const int i = groups_neon(dst + r, src + r, 2, g) / channels;
        for (int q = r; q < r + 2; q++) {
            if (channels == 2)
                hscale2_tail(dst[q], src[q], f, hscale2_padded(dst[q], src[q], f, i));
            else
                hscale_tail(dst[q], src[q], 1, f, hscale_padded(dst[q], src[q], 1, f, i));
        }
    }
    for (; r < nr; r++) {
        if (channels == 2)
            vx_hscale2_neon(dst[r], src[r], f);
        else
            vx_hscale_neon(dst[r], src[r], 1, f);
    }
}

static inline void store_step(uint8_t *d, int step, const uint8_t *v, int n)
{
    for (int k = 0; k < n; k++)
        d[k * step] = v[k];
}

/* The C reference's 16-bit vertical pass: vqrdmulh is (2ab + 2^15) >> 16 = (ab + 2^14) >> 15
 * (it saturates only for -32768 * -32768, which no filter produces), the sum wraps in 16
 * bits like the reference's, vqshrun shifts and clips to 0..255. */
void vx_vscale_neon(uint8_t *dst, int step, const int16_t *const *rows, const int16_t *coef,
                    int taps, int w)
{
    const int16x8_t rnd = vdupq_n_s16(1 << (VX_SCALE_OUT_BITS - 1));
    int x = 0;
    for (; x + 16 <= w; x += 16) {
        int16x8_t a0 = rnd, a1 = rnd;
        for (int t = 0; t < taps; t++) {
            const int16x8_t c = vdupq_n_s16(coef[t]);
            a0 = vaddq_s16(a0, vqrdmulhq_s16(vld1q_s16(rows[t] + x), c));
            a1 = vaddq_s16(a1, vqrdmulhq_s16(vld1q_s16(rows[t] + x + 8), c));
        }
        const uint8x16_t px = vcombine_u8(vqshrun_n_s16(a0, VX_SCALE_OUT_BITS),
                                          vqshrun_n_s16(a1, VX_SCALE_OUT_BITS));
        if (step == 1) {
            vst1q_u8(dst + x, px);
        } else {
            uint8_t tmp[16];
            vst1q_u8(tmp, px);
            store_step(dst + (ptrdiff_t)x * step, step, tmp, 16);
        }
    }
    for (; x + 8 <= w; x += 8) {
        int16x8_t a0 = rnd;
        for (int t = 0; t < taps; t++)
            a0 = vaddq_s16(a0, vqrdmulhq_s16(vld1q_s16(rows[t] + x), vdupq_n_s16(coef[t])));
        const uint8x8_t px = vqshrun_n_s16(a0, VX_SCALE_OUT_BITS);
        if (step == 1) {
            vst1_u8(dst + x, px);
        } else {
            uint8_t tmp[8];
            vst1_u8(tmp, px);
            store_step(dst + (ptrdiff_t)x * step, step, tmp, 8);
        }
    }
    for (; x < w; x++) {
        int16_t acc = 1 << (VX_SCALE_OUT_BITS - 1);
        for (int t = 0; t < taps; t++)
            acc = (int16_t)(acc + (int16_t)((rows[t][x] * coef[t] + (1 << 14)) >> 15));
        const int v = acc >> VX_SCALE_OUT_BITS;
        dst[x * step] = (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
    }
}
