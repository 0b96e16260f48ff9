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

void vx_scale_filter_free(VxScaleFilter *f)
{
    free(f->pos);
    free(f->coef);
    free(f->coef_pad);
    memset(f, 0, sizeof(*f));
}

int vx_scale_filter_build(VxScaleFilter *f, int n_src, int n_out, double ratio, double offset)
{
    memset(f, 0, sizeof(*f));
    if (n_src < 1 || n_out < 1 || !(ratio > 0))
        return -1;
    double widen = ratio > 1.0 ? ratio : 1.0;
    double support = 2.0 * widen;
    int taps = (int)ceil(2.0 * support) + 1;
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
        int lo = (int)floor(c - support) + 1, hi = (int)floor(c + support);
        int cmin = lo < 0 ? 0 : lo >= n_src ? n_src - 1 : lo;
        int cmax = hi < 0 ? 0 : hi >= n_src ? n_src - 1 : hi;
        for (int k = cmin; k <= cmax; k++)
            w[k] = 0;
        double sum = 0;
        for (int k = lo; k <= hi; k++) {
            double wk = catmull_rom((k - c) / widen);
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
        for (int t = 0; t < taps; t++) {
            int k = start + t;
            double v = (k >= cmin && k <= cmax) ? w[k] / sum : 0.0;
            cf[t] = (int16_t)lrint(v * (1 << VX_SCALE_COEF_BITS));
            total += cf[t];
            if (cf[t] > cf[big])
                big = t;
        }
        cf[big] += (1 << VX_SCALE_COEF_BITS) - total;
    }
    free(w);
    f->ptaps = taps <= 8 ? 8 : taps <= 16 ? 16 : 0;
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

/* Accumulates tap by tap over a block of the row (a loop order compilers vectorise), then
 * rounds, clips and stores with the destination's step. */
static inline void vscale_block(uint8_t *dst, int step, const int16_t *const *rows,
                                const int16_t *coef, int taps, int x0, int n)
{
    enum { BLOCK = 256 };
    const int shift = VX_SCALE_COEF_BITS + VX_SCALE_MID_BITS;
    int32_t acc[BLOCK];
    for (int x = 0; x < n; x++)
        acc[x] = 1 << (shift - 1);
    for (int t = 0; t < taps; t++) {
        const int16_t *r = rows[t] + x0;
        const int32_t c = coef[t];
        for (int x = 0; x < n; x++)
            acc[x] += r[x] * c;
    }
    for (int x = 0; x < n; x++) {
        int v = acc[x] >> shift;
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

void vx_scale_dsp_init(VxScaleDSP *d, unsigned cpu_flags)
{
    d->hscale = hscale_c;
    d->vscale = vscale_c;
#if defined(VX_ARCH_X86)
    vx_scale_dsp_init_x86(d, cpu_flags);
#elif defined(VX_ARCH_AARCH64)
    vx_scale_dsp_init_arm(d, cpu_flags);
#else
    (void)cpu_flags;
#endif
}
