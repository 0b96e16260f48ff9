/* C reference of the scaling kernels, and the filter builder. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "scale.h"

static double catmull_rom(double x)
{
    x = fabs(x);
    if (x < 1.0)
        return (1.5 * x - 2.5) * x * x + 1.0;
    if (x < 2.0)
        return ((-0.5 * x + 2.5) * x - 4.0) * x + 2.0;
    return 0.0;
}

/* floor() for the filter builder's index math, inline (libm's is a call without SSE4.1) */
static inline int ifloor(double x)
{
    int i = (int)x;
    return i - (x < i);
}

static double triangle(double x)
{
    x = fabs(x);
    return x < 1.0 ? 1.0 - x : 0.0;
}

static void groups_free(VxScaleGroups *g)
{
    free(g->base);
    free(g->idx);
    free(g->coef);
    free(g->bidx);
}

/* One lane's coefficient pairs of output o for the pair-wise kernels: dst[p * cstride + e]
 * is tap 2p + e (0 past the last tap). */
static void lane_coefs(int16_t *dst, ptrdiff_t cstride, const VxScaleFilter *f, int o,
                       int pairs)
{
    const int taps = f->taps;
    for (int p = 0; p < pairs; p++)
        for (int e = 0; e < 2; e++)
            dst[p * cstride + e] = 2 * p + e < taps ? f->coef[(size_t)o * taps + 2 * p + e] : 0;
}

/* Regroups the filter for the shuffle kernels (see VxScaleGroups) over windows of win bytes
 * (16; NEON's table lookups also take 32, 48 and 64); ch = channels = step. */
static int groups_build(VxScaleGroups *g, const VxScaleFilter *f, int ch, int win)
{
    memset(g, 0, sizeof(*g));
    const int outs = 4 / ch, n = f->n_out / outs, pairs = (f->taps + 1) / 2;
    if (n < 1 || 2 * pairs * ch > win)
        return 0;
    for (int k = 0; k < n; k++) { /* every group's taps in one window? */
        const int o0 = k * outs;
        if ((f->pos[o0 + outs - 1] - f->pos[o0]) * ch + (ch - 1) + (2 * pairs - 1) * ch >
            win - 1)
            return 0;
    }
    const int n4 = (n + 3) & ~3;
    g->base = malloc(sizeof(*g->base) * (size_t)n);
    g->idx = malloc((size_t)n * 16);
    g->coef = calloc((size_t)n4 * 8 * pairs, sizeof(*g->coef));
    if (!g->base || !g->idx || !g->coef)
        goto fail;
    g->n = n, g->outs = outs, g->pairs = pairs, g->inc = 2 * ch, g->win = win;
    g->cstride = (ptrdiff_t)n4 * 8;
    g->bytes = f->n_src * ch;
    int w64 = win == 16; /* the blocks of 4 groups: 16-byte groups only */
    for (int k = 0; k < n; k++) {
        const int o0 = k * outs;
        g->base[k] = f->pos[o0] * ch;
        if (g->base[k] + win <= g->bytes)
            g->nfull = k + 1;
        if (k % 4 && g->base[k] - g->base[k & ~3] > 48)
            w64 = 0;
        for (int j = 0; j < 4; j++) {
            const int o = o0 + j / ch, b = (f->pos[o] - f->pos[o0]) * ch + j % ch;
            uint8_t *ix = g->idx + (size_t)k * 16 + 4 * j;
            ix[0] = (uint8_t)b, ix[1] = 0x80, ix[2] = (uint8_t)(b + ch), ix[3] = 0x80;
            lane_coefs(g->coef + k * 8 + 2 * j, g->cstride, f, o, pairs);
        }
    }
    if (w64) {
        const int nb = n4 / 4;
        g->bidx = calloc((size_t)nb, 64);
        if (!g->bidx)
            goto fail;
        for (int k = 0; k < n; k++) {
            const int d = g->base[k] - g->base[k & ~3];
            for (int i = 0; i < 16; i++)
                g->bidx[(size_t)k * 16 + i] = (uint8_t)(g->idx[(size_t)k * 16 + i] + d);
        }
        for (int b = 0; b < nb && g->base[4 * b] + 64 <= g->bytes; b++)
            g->nbfull = b + 1;
        g->nb = nb;
    }
    return 0;
fail:
    groups_free(g);
    memset(g, 0, sizeof(*g));
    return -1;
}

static void wide_free(VxScaleWide *w)
{
    free(w->base);
    free(w->idx);
    free(w->coef);
}

/* Whether every block of `outs` outputs has its taps (padded to pairs) in 128 bytes: the
 * last lane's last tap at most at byte 127 of the block's window. */
static int wide_fits(const VxScaleFilter *f, int ch, int outs, int pairs)
{
    for (int o0 = 0; o0 < f->n_out; o0 += outs) {
        const int o1 = o0 + outs <= f->n_out ? o0 + outs - 1 : f->n_out - 1;
        if ((f->pos[o1] - f->pos[o0]) * ch + (ch - 1) + (2 * pairs - 1) * ch > 127)
            return 0;
    }
    return 1;
}

/* The filter in blocks over a 128-byte window (see VxScaleWide); ch = channels = step. A
 * block holds as many outputs as fit, 16 lanes' worth down to 4 lanes': a 1080p camera into
 * a 280 pixel bubble (6.9x, 28 taps) fits 15 luma outputs, or 6 pairs of NV12 chroma (12
 * lanes). Left empty (nb 0) when not even 4 lanes do. */
static int wide_build(VxScaleWide *w, const VxScaleFilter *f, int ch)
{
    memset(w, 0, sizeof(*w));
    const int taps = f->taps, pairs = (taps + 1) / 2;
    int outs = 16 / ch;
    while (outs >= 4 / ch && !wide_fits(f, ch, outs, pairs))
        outs--;
    if (outs < 4 / ch)
        return 0;
    const int nb = (f->n_out + outs - 1) / outs;
    w->base = malloc(sizeof(*w->base) * (size_t)nb);
    w->idx = calloc((size_t)nb, 64);
    w->coef = calloc((size_t)nb * 32 * pairs, sizeof(*w->coef));
    if (!w->base || !w->idx || !w->coef) {
        wide_free(w);
        memset(w, 0, sizeof(*w));
        return -1;
    }
    w->nb = nb, w->outs = outs, w->pairs = pairs, w->inc = 2 * ch;
    w->bytes = f->n_src * ch, w->cstride = (ptrdiff_t)nb * 32;
    for (int b = 0; b < nb; b++) {
        const int o0 = b * outs;
        w->base[b] = f->pos[o0] * ch;
        for (int j = 0; j < outs * ch && o0 + j / ch < f->n_out; j++) {
            const int o = o0 + j / ch, d = (f->pos[o] - f->pos[o0]) * ch + j % ch;
            uint8_t *ix = w->idx + (size_t)b * 64 + 4 * j;
            ix[0] = (uint8_t)d, ix[2] = (uint8_t)(d + ch);
            lane_coefs(w->coef + b * 32 + 2 * j, w->cstride, f, o, pairs);
        }
    }
    return 0;
}

void vx_scale_filter_free(VxScaleFilter *f)
{
    groups_free(&f->g1);
    groups_free(&f->g2);
    wide_free(&f->w1);
    wide_free(&f->w2);
    free(f->pos);
    free(f->coef);
    free(f->coef_pad);
    memset(f, 0, sizeof(*f));
}

int vx_scale_filter_build(VxScaleFilter *f, int n_src, int n_out, double ratio, double offset)
{
    return vx_scale_filter_build2(f, VX_SCALE_HQ, n_src, n_out, ratio, offset);
}

int vx_scale_filter_groups(VxScaleFilter *f, int channels)
{
    const unsigned bit = channels == 2 ? 2 : 1;
    if (f->gbuilt & bit)
        return 0;
    f->gbuilt |= bit;
    VxScaleGroups *g = channels == 2 ? &f->g2 : &f->g1;
    if (groups_build(g, f, channels, 16) < 0)
        return -1;
    /* NEON looks up bytes in up to 4 registers: where 16 bytes do not hold a group (a shrink
     * by about 2x for chroma, 3x for luma: Retina and 4K into 1080p, a camera into its bubble),
     * windows of 32, 48 or 64 bytes; the wide blocks are for AVX-512 */
#if defined(VX_ARCH_AARCH64)
    const int neon = 1;
#else
    const int neon = 0;
#endif
    for (int win = 32; neon && !g->n && win <= 64; win += 16)
        if (groups_build(g, f, channels, win) < 0)
            return -1;
    return g->n || neon ? 0 : wide_build(channels == 2 ? &f->w2 : &f->w1, f, channels);
}

int vx_scale_filter_build2(VxScaleFilter *f, int kind, int n_src, int n_out, double ratio,
                           double offset)
{
    if (vx_scale_filter_build3(f, kind, n_src, n_out, ratio, offset) < 0)
        return -1;
    if (vx_scale_filter_groups(f, 1) < 0 || vx_scale_filter_groups(f, 2) < 0) {
        vx_scale_filter_free(f);
        return -1;
    }
    return 0;
}

/* The taps [*a, *b] of one output from its first to its last nonzero coefficient. */
static void nonzero_taps(const int16_t *cf, int taps, int *a, int *b)
{
    *a = 0, *b = taps - 1;
    while (*a < *b && !cf[*a])
        ++*a;
    while (*b > *a && !cf[*b])
        --*b;
}

/* Drops the taps that weigh 0 in every output: each output's nonzero coefficients move into a
 * shorter window, the earliest that holds them and starts no earlier than the previous
 * output's (and ends inside the source). A filter that does not
 * shrink (a zoom) needs it: its window has floor(2 * support) + 1 taps, but with a support of
 * a whole number of half samples at most 2 * support samples lie strictly inside it (the
 * kernels weigh 0 at its edge), so every output carries a tap of weight 0, and the passes
 * would read and multiply it. Each output's sum is the same, so the samples are too. Kept
 * as built when no window fits (pos must not decrease). */
static void trim_taps(VxScaleFilter *f)
{
    const int taps = f->taps, n = f->n_out;
    int need = 1;
    if (n < 1 || taps < 2)
        return;
    for (int i = 0; i < n; i++) {
        int a, b;
        nonzero_taps(f->coef + (size_t)i * taps, taps, &a, &b);
        need = b - a + 1 > need ? b - a + 1 : need;
        if (need == taps)
            return;
    }
    int16_t *coef = calloc((size_t)n * (size_t)need, sizeof(*coef));
    int32_t *pos = malloc(sizeof(*pos) * (size_t)n);
    if (!coef || !pos)
        goto keep;
    for (int i = 0; i < n; i++) {
        const int16_t *cf = f->coef + (size_t)i * taps;
        int a, b;
        nonzero_taps(cf, taps, &a, &b);
        /* the first window that holds this output's weights and starts no earlier than the
         * previous output's (an output on a whole sample weighs one tap only) */
        int p = f->pos[i] + b - need + 1;
        p = i && pos[i - 1] > p ? pos[i - 1] : p < 0 ? 0 : p;
        if (p > f->pos[i] + a || p + need > f->n_src)
            goto keep;
        pos[i] = p;
        for (int t = a; t <= b; t++)
            if (cf[t])
                coef[(size_t)i * need + (f->pos[i] + t - p)] = cf[t];
    }
    free(f->coef), free(f->pos);
    f->coef = coef, f->pos = pos, f->taps = need;
    return;
keep:
    free(coef), free(pos);
}

int vx_scale_filter_build3(VxScaleFilter *f, int kind, int n_src, int n_out, double ratio,
                           double offset)
{
    memset(f, 0, sizeof(*f));
    if (n_src < 1 || n_out < 1 || !(ratio > 0) || (kind != VX_SCALE_HQ && kind != VX_SCALE_BILINEAR))
        return -1;
    const int bil = kind == VX_SCALE_BILINEAR;
    double widen = ratio > 1.0 ? ratio : 1.0;
    double support = (kind == VX_SCALE_BILINEAR ? 1.0 : 2.0) * widen;
    /* the taps of output i are the integers k with |k - c| < support: at most
     * floor(2 * support) + 1 of them */
    int taps = (int)floor(2.0 * support) + 1;
    if (taps > n_src)
        taps = n_src;
    f->n_src = n_src;
    f->n_out = n_out;
    f->taps = taps;
    f->pos = malloc(sizeof(*f->pos) * (size_t)n_out);
    f->coef = calloc((size_t)n_out * (size_t)taps, sizeof(*f->coef));
    double *w = malloc(sizeof(*w) * (size_t)n_src);
    if (!f->pos || !f->coef || !w) {
        free(w);
        vx_scale_filter_free(f);
        return -1;
    }
    f->identity = ratio == 1.0 && offset == 0.0 && n_out <= n_src;
    for (int i = 0; i < n_out; i++) {
        double c = ratio * i + offset;
        int lo = ifloor(c - support) + 1, hi = ifloor(c + support);
        int cmin = lo < 0 ? 0 : lo >= n_src ? n_src - 1 : lo;
        int cmax = hi < 0 ? 0 : hi >= n_src ? n_src - 1 : hi;
        for (int k = cmin; k <= cmax; k++)
            w[k] = 0;
        double sum = 0;
        const double iw = 1.0 / widen;
        for (int k = lo; k <= hi; k++) {
            double wk = bil ? triangle((k - c) * iw) : catmull_rom((k - c) * iw);
            w[k < 0 ? 0 : k >= n_src ? n_src - 1 : k] += wk;
            sum += wk;
        }
        if (!(fabs(sum) > 1e-9)) { /* far outside: take the nearest edge */
            w[cmin] = 1, sum = 1;
            cmax = cmin;
        }
        int start = cmin;
        if (start + taps > n_src)
            start = n_src - taps;
        f->pos[i] = start;
        int16_t *cf = f->coef + (size_t)i * taps;
        int total = 0, big = 0;
        const double norm = (1 << VX_SCALE_COEF_BITS) / sum;
        for (int t = 0; t < taps; t++) {
            int k = start + t;
            double v = (k >= cmin && k <= cmax) ? w[k] * norm : 0.0;
            cf[t] = (int16_t)(v < 0 ? v - 0.5 : v + 0.5); /* rounded, ties away from 0 */
            total += cf[t];
            if (cf[t] > cf[big])
                big = t;
        }
        cf[big] += (1 << VX_SCALE_COEF_BITS) - total;
    }
    free(w);
    /* only a support of a whole number of half samples leaves a tap of weight 0 in every
     * output (below); a shrink by most other ratios needs its last tap somewhere */
    if (2.0 * support == floor(2.0 * support))
        trim_taps(f);
    taps = f->taps;
    f->ptaps = taps <= VX_SCALE_MAX_PTAPS ? (taps + 7) / 8 * 8 : 0;
    if (f->ptaps) {
        f->coef_pad = calloc((size_t)n_out * (size_t)f->ptaps, sizeof(*f->coef_pad));
        if (!f->coef_pad) {
            vx_scale_filter_free(f);
            return -1;
        }
        for (int i = 0; i < n_out; i++)
            memcpy(f->coef_pad + (size_t)i * f->ptaps, f->coef + (size_t)i * taps,
                   sizeof(*f->coef) * (size_t)taps);
    }
    return 0;
}

static void hscale_c(int16_t *dst, const uint8_t *src, int step, const VxScaleFilter *f)
{
    const int taps = f->taps;
    for (int i = 0; i < f->n_out; i++) {
        const uint8_t *s = src + (ptrdiff_t)f->pos[i] * step;
        const int16_t *c = f->coef + (size_t)i * taps;
        int sum = 0;
        for (int t = 0; t < taps; t++)
            sum += s[t * step] * c[t];
        dst[i] = (int16_t)((sum + (1 << (VX_SCALE_COEF_BITS - VX_SCALE_MID_BITS - 1))) >>
                           (VX_SCALE_COEF_BITS - VX_SCALE_MID_BITS));
    }
}

static void hscale2_c(int16_t *dst, const uint8_t *src, const VxScaleFilter *f)
{
    const int taps = f->taps;
    for (int i = 0; i < f->n_out; i++) {
        const uint8_t *s = src + (ptrdiff_t)f->pos[i] * 2;
        const int16_t *c = f->coef + (size_t)i * taps;
        int su = 0, sv = 0;
        for (int t = 0; t < taps; t++)
            su += s[2 * t] * c[t], sv += s[2 * t + 1] * c[t];
        enum { R = 1 << (VX_SCALE_COEF_BITS - VX_SCALE_MID_BITS - 1) };
        dst[2 * i] = (int16_t)((su + R) >> (VX_SCALE_COEF_BITS - VX_SCALE_MID_BITS));
        dst[2 * i + 1] = (int16_t)((sv + R) >> (VX_SCALE_COEF_BITS - VX_SCALE_MID_BITS));
    }
}

/* Vertical pass: each tap's product is rounded to 16 bits on its own (what a 16-bit
 * multiply-high-with-rounding instruction does, so SIMD keeps 16 lanes per 256 bits with no
 * widening): mid (6 fractional bits) * coef (14) >> 15 leaves 5 fractional bits; the taps are
 * summed in 16 bits (wrapping, as SIMD does; the sum stays below 2^15 for any filter this
 * builder makes: |mid| < 2^15 / 1.3 and the coefficients' absolute sum is < 1.3). The per-tap
 * rounding adds at most taps / 64 of a code value of error before the final rounding;
 * tests/dsp/scale_accuracy.c bounds the result against a double-precision resampler. */
static inline int16_t vx_mulhrs(int16_t a, int16_t b)
{
    return (int16_t)((a * b + (1 << 14)) >> 15);
}

/* Accumulates tap by tap over a block of the row (a loop order compilers vectorise), then
 * rounds, clips and stores with the destination's step. */
static inline void vscale_block(uint8_t *dst, int step, const int16_t *const *rows,
                                const int16_t *coef, int taps, int x0, int n)
{
    enum { BLOCK = 256 };
    int16_t acc[BLOCK];
    for (int x = 0; x < n; x++)
        acc[x] = 1 << (VX_SCALE_OUT_BITS - 1);
    for (int t = 0; t < taps; t++) {
        const int16_t *r = rows[t] + x0;
        const int16_t c = coef[t];
        for (int x = 0; x < n; x++)
            acc[x] = (int16_t)(acc[x] + vx_mulhrs(r[x], c));
    }
    for (int x = 0; x < n; x++) {
        int v = acc[x] >> VX_SCALE_OUT_BITS;
        dst[(x0 + x) * step] = (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
    }
}

static void vscale_c(uint8_t *dst, int step, const int16_t *const *rows, const int16_t *coef,
                     int taps, int w)
{
    for (int x0 = 0; x0 < w; x0 += 256) {
        int n = w - x0 < 256 ? w - x0 : 256;
        if (step == 1)
            vscale_block(dst, 1, rows, coef, taps, x0, n);
        else
            vscale_block(dst, step, rows, coef, taps, x0, n);
    }
}

static void hscale_rows_c(int16_t *const *dst, const uint8_t *const *src, int nr, int channels,
                          const VxScaleFilter *f)
{
    for (int r = 0; r < nr; r++) {
        if (channels == 2)
            hscale2_c(dst[r], src[r], f);
        else
            hscale_c(dst[r], src[r], 1, f);
    }
}

void vx_scale_dsp_init(VxScaleDSP *d, unsigned cpu_flags)
{
    d->hscale_rows = hscale_rows_c;
    d->hscale = hscale_c;
    d->hscale2 = hscale2_c;
    d->vscale = vscale_c;
#if defined(VX_ARCH_X86)
    vx_scale_dsp_init_x86(d, cpu_flags);
#elif defined(VX_ARCH_AARCH64)
    vx_scale_dsp_init_arm(d, cpu_flags);
#else
    (void)cpu_flags;
#endif
}
