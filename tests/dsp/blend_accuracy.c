/* rgba_nv12 against a double-precision reference computed the long way round: the NV12
 * background converted to R'G'B', the overlay blended there per pixel, the result converted
 * back to Y'CbCr and its chroma averaged over each 2x2 block (the kernel's box filter). That
 * it matches checks both the kernel's arithmetic and that blending in Y'CbCr equals blending
 * in R'G'B' (dsp/blend.h). Bounds: every luma sample within 1 code value (below 1), every
 * chroma sample within 1.5 (the kernel rounds the premultiplied channels, the mean alpha and
 * the chroma sum separately; measured maxima are about 1.3 and are printed), and no bias: the
 * mean signed error below 0.02 on each plane over a 20001-pixel-wide pair of rows. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu.h"
#include "dsp/blend.h"
#include "vexport/vexport.h"

static unsigned rng = 99;
static unsigned rnd(void)
{
    rng = rng * 1664525u + 1013904223u;
    return rng >> 8;
}

typedef struct Spec {
    double kr, kb;
    int full;
} Spec;

static void to_ycc(const Spec *s, const double rgb[3], double ycc[3])
{
    const double kg = 1 - s->kr - s->kb, ys = s->full ? 255 : 219, cs = s->full ? 255 : 224;
    const double r = rgb[0] / 255, g = rgb[1] / 255, b = rgb[2] / 255;
    const double y = s->kr * r + kg * g + s->kb * b;
    ycc[0] = (s->full ? 0 : 16) + ys * y;
    ycc[1] = 128 + cs * (b - y) / (2 * (1 - s->kb));
    ycc[2] = 128 + cs * (r - y) / (2 * (1 - s->kr));
}

static void to_rgb(const Spec *s, const double ycc[3], double rgb[3])
{
    const double kg = 1 - s->kr - s->kb, ys = s->full ? 255 : 219, cs = s->full ? 255 : 224;
    const double y = (ycc[0] - (s->full ? 0 : 16)) / ys;
    const double pb = (ycc[1] - 128) / cs * 2 * (1 - s->kb), pr = (ycc[2] - 128) / cs * 2 * (1 - s->kr);
    const double r = y + pr, b = y + pb, g = (y - s->kr * r - s->kb * b) / kg;
    rgb[0] = 255 * r, rgb[1] = 255 * g, rgb[2] = 255 * b;
}

/* as the library builds them (src/convert.c) */
static void make_coefs(VxConvCoefs *c, const Spec *s)
{
    const double kr = s->kr, kb = s->kb, kg = 1 - kr - kb;
    const double ys = s->full ? 1.0 : 219.0 / 255, cs = s->full ? 1.0 : 224.0 / 255;
    const double one = 1 << VX_CONV_BITS;
    memset(c, 0, sizeof(*c));
    c->yr = (int32_t)lrint(kr * ys * one), c->yg = (int32_t)lrint(kg * ys * one);
    c->yb = (int32_t)lrint(kb * ys * one);
    c->ur = (int32_t)lrint(-kr / (2 * (1 - kb)) * cs * one);
    c->ug = (int32_t)lrint(-kg / (2 * (1 - kb)) * cs * one);
    c->ub = (int32_t)lrint(0.5 * cs * one), c->vr = c->ub;
    c->vg = (int32_t)lrint(-kg / (2 * (1 - kr)) * cs * one);
    c->vb = (int32_t)lrint(-kb / (2 * (1 - kr)) * cs * one);
    c->y_off = s->full ? 0 : 16 << VX_CONV_BITS;
    c->uv_off = 128 << VX_CONV_BITS;
    c->roff = 0, c->goff = 1, c->boff = 2, c->aoff = 3;
}

static int run(const VxBlendDSP *d, const char *isa, const Spec *sp, int pm, int w)
{
    enum { H = 2 };
    const int nc = (w + 1) / 2;
    VxConvCoefs c;
    make_coefs(&c, sp);
    uint8_t *ov = malloc((size_t)8 * w), *y = malloc((size_t)2 * w), *uv = malloc((size_t)2 * nc);
    for (int i = 0; i < 2 * w; i++) {
        uint8_t *p = ov + 4 * i;
        const int kind = (int)(rnd() % 4);
        p[3] = (uint8_t)(kind == 0 ? 0 : kind == 1 ? 255 : rnd());
        for (int ch = 0; ch < 3; ch++)
            p[ch] = (uint8_t)(pm ? rnd() % (p[3] + 1) : rnd());
        y[i] = (uint8_t)(16 + rnd() % 220);
    }
    for (int i = 0; i < 2 * nc; i++)
        uv[i] = (uint8_t)(16 + rnd() % 225);
    /* reference */
    double *ry = malloc(sizeof(double) * 2 * w), *ruv = malloc(sizeof(double) * 2 * nc);
    for (int i = 0; i < nc; i++)
        ruv[2 * i] = ruv[2 * i + 1] = 0;
    for (int row = 0; row < H; row++)
        for (int x = 0; x < 2 * nc; x++) {
            const int xs = x < w ? x : w - 1; /* a missing column repeats the last */
            const uint8_t *p = ov + 4 * (row * w + xs);
            const double bg_ycc[3] = {y[row * w + xs], uv[2 * (x / 2)], uv[2 * (x / 2) + 1]};
            double bg[3], out[3], ycc[3], a = p[3] / 255.0;
            to_rgb(sp, bg_ycc, bg);
            for (int ch = 0; ch < 3; ch++)
                out[ch] = pm ? p[ch] + (1 - a) * bg[ch] : a * p[ch] + (1 - a) * bg[ch];
            to_ycc(sp, out, ycc);
            if (x < w)
                ry[row * w + x] = ycc[0];
            ruv[2 * (x / 2)] += ycc[1] / 4, ruv[2 * (x / 2) + 1] += ycc[2] / 4;
        }
    d->rgba_nv12(y, y + w, uv, ov, ov + 4 * w, w, &c, pm);
    double ey = 0, ec = 0, sy = 0, sc = 0;
    for (int i = 0; i < 2 * w; i++) {
        double r = fmin(255, fmax(0, ry[i])), e = y[i] - r;
        ey = fmax(ey, fabs(e)), sy += e;
    }
    for (int i = 0; i < 2 * nc; i++) {
        double r = fmin(255, fmax(0, ruv[i])), e = uv[i] - r;
        ec = fmax(ec, fabs(e)), sc += e;
    }
    sy /= 2 * w, sc /= 2 * nc;
    const int bad = ey >= 1.0 || ec >= 1.5 || (w > 1000 && (fabs(sy) > 0.02 || fabs(sc) > 0.02));
    printf("%-6s %s %s %s w %d: luma max %.3f mean %+.4f, chroma max %.3f mean %+.4f%s\n", isa,
           sp->kr > 0.25 ? "bt601" : "bt709", sp->full ? "full   " : "limited",
           pm ? "premultiplied" : "straight     ", w, ey, sy, ec, sc, bad ? "  FAIL" : "");
    free(ov), free(y), free(uv), free(ry), free(ruv);
    return bad;
}

int main(void)
{
    const unsigned have = vx_cpu_detect();
    const struct { const char *n; unsigned f; } levels[] = {
        {"c", 0}, {"avx2", VX_CPU_SSE41 | VX_CPU_AVX2}};
    const Spec specs[] = {{0.2126, 0.0722, 0}, {0.299, 0.114, 0}, {0.2126, 0.0722, 1}};
    int fails = 0;
    for (int l = 0; l < 2; l++) {
        if ((levels[l].f & have) != levels[l].f)
            continue;
        VxBlendDSP d;
        vx_blend_dsp_init(&d, levels[l].f);
        for (int s = 0; s < 3; s++)
            for (int pm = 0; pm < 2; pm++) {
                fails += run(&d, levels[l].n, &specs[s], pm, 20001);
                fails += run(&d, levels[l].n, &specs[s], pm, 37); /* odd width */
            }
    }
    printf("%s: %d failure(s)\n", fails ? "FAIL" : "PASS", fails);
    return fails != 0;
}
