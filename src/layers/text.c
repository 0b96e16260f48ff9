/* The text path the layers share (text.h): libass set-up, the script's header, sprites and
 * their blend through the blend kernels. Compiled into the core; without libass it is empty. */
#include "text.h"

#ifdef VX_HAVE_LIBASS
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* libass's messages, at debug level (its warnings are about fonts and shaping details). */
static void ass_log(int level, const char *fmt, va_list va, void *opaque)
{
    char buf[512];
    (void)level;
    vsnprintf(buf, sizeof(buf), fmt, va);
    vx_log(opaque, VX_LOG_DEBUG, "libass: %s", buf);
}

int vx_text_open(VxText *t, VxContext *ctx, const char *who, int fw, int fh, int matrix)
{
    *t = (VxText){0};
    t->lib = ass_library_init();
    if (t->lib) /* libass prints on stderr by default: the library never prints */
        ass_set_message_cb(t->lib, ass_log, ctx);
    t->r = t->lib ? ass_renderer_init(t->lib) : NULL;
    if (!t->r)
        return vx_fail(ctx, VX_ERR(ENOMEM), "%s: libass could not be set up", who);
    ass_set_frame_size(t->r, fw, fh);
    ass_set_storage_size(t->r, fw, fh);
    ass_set_fonts(t->r, NULL, "sans-serif", ASS_FONTPROVIDER_AUTODETECT, NULL, 1);
    vx_blend_dsp_init(&t->blend, ctx->cpu_flags);
    vx_matrix_coefs(matrix, &t->kr, &t->kb);
    return 0;
}

void vx_text_close(VxText *t)
{
    if (t->r)
        ass_renderer_done(t->r);
    if (t->lib)
        ass_library_done(t->lib);
    t->r = NULL, t->lib = NULL;
}

int vx_text_header(char *b, size_t cap, const VxTextStyle *s)
{
    return snprintf(
        b, cap,
        "[Script Info]\nScriptType: v4.00+\nPlayResX: %d\nPlayResY: %d\nWrapStyle: %d\n"
        "ScaledBorderAndShadow: yes\n\n[V4+ Styles]\nFormat: Name, Fontname, Fontsize, "
        "PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, Italic, Underline, "
        "StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, Alignment, "
        "MarginL, MarginR, MarginV, Encoding\nStyle: Default,%s,%.2f,&H%08X,&H%08X,&H%08X,"
        "&H%08X,0,0,0,0,100,100,0,0,%d,%.2f,0,%d,%d,%d,%d,1\n\n[Events]\nFormat: Layer, Start, "
        "End, Style, Name, MarginL, MarginR, MarginV, Effect, Text\n",
        s->play_w, s->play_h, s->wrap, s->font, s->size, s->color, s->color, s->outline_color,
        s->back_color, s->border_style, s->outline, s->align, s->margin_lr, s->margin_lr,
        s->margin_v);
}

void vx_text_put(char *b, size_t *o, const char *src, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (src[i] == '\n')
            b[(*o)++] = '\\', b[(*o)++] = 'N';
        else
            b[(*o)++] = src[i] == '{' ? '(' : src[i] == '}' ? ')' : src[i];
    }
    b[*o] = 0;
}

unsigned vx_text_color(int rgb, double opacity)
{
    const unsigned a = (unsigned)(255 - vx_q8(255 * opacity));
    return a << 24 | (unsigned)(rgb & 255) << 16 | (unsigned)(rgb & 0xff00) |
           (unsigned)(rgb >> 16 & 255);
}

void vx_text_bounds(const ASS_Image *img, int *x0, int *y0, int *x1, int *y1)
{
    *x0 = *y0 = 1 << 30, *x1 = *y1 = -(1 << 30);
    for (const ASS_Image *m = img; m; m = m->next) {
        if (!m->w || !m->h)
            continue;
        *x0 = m->dst_x < *x0 ? m->dst_x : *x0, *y0 = m->dst_y < *y0 ? m->dst_y : *y0;
        *x1 = m->dst_x + m->w > *x1 ? m->dst_x + m->w : *x1;
        *y1 = m->dst_y + m->h > *y1 ? m->dst_y + m->h : *y1;
    }
}

double *vx_text_canvas(int w, int h)
{
    return calloc((size_t)w * h * 4, sizeof(double));
}

void vx_text_paint(double *P, int w, int h, const ASS_Image *img, int x0, int y0)
{
    for (const ASS_Image *m = img; m; m = m->next) {
        const double c[3] = {(m->color >> 24) / 255.0, (m->color >> 16 & 255) / 255.0,
                             (m->color >> 8 & 255) / 255.0};
        const double op = (255 - (m->color & 255)) / 255.0;
        for (int y = 0; y < m->h; y++)
            for (int x = 0; x < m->w; x++) {
                const int px = m->dst_x + x - x0, py = m->dst_y + y - y0;
                if (px < 0 || py < 0 || px >= w || py >= h)
                    continue;
                const double a = m->bitmap[y * m->stride + x] / 255.0 * op;
                double *q = P + ((size_t)py * w + px) * 4;
                for (int k = 0; k < 3; k++)
                    q[k] = c[k] * a + q[k] * (1 - a);
                q[3] = a + q[3] * (1 - a);
            }
    }
}

void vx_text_sprite_free(VxTextSprite *sp)
{
    free(sp->ya), free(sp->yv), free(sp->ca), free(sp->uv);
    memset(sp, 0, sizeof(*sp));
}

int vx_text_sprite(const VxText *t, const double *P, int w, int h, VxTextSprite *sp)
{
    const size_t n = (size_t)w * h;
    *sp = (VxTextSprite){.w = w, .h = h, .ya = malloc(n), .yv = malloc(n), .ca = malloc(n / 4),
                         .uv = malloc(n / 2)};
    if (!sp->ya || !sp->yv || !sp->ca || !sp->uv) {
        vx_text_sprite_free(sp);
        return VX_ERR(ENOMEM);
    }
    const double kr = t->kr, kb = t->kb, kg = 1 - kr - kb;
    for (int y = 0; y < h; y += 2)
        for (int x = 0; x < w; x += 2) {
            double su = 0, sv = 0, sa = 0;
            for (int j = 0; j < 4; j++) {
                const size_t i = (size_t)(y + j / 2) * w + x + j % 2;
                const double *q = P + i * 4;
                const double yy = kr * q[0] + kg * q[1] + kb * q[2];
                sp->ya[i] = vx_q8(255 * q[3]);
                sp->yv[i] = vx_q8(16 + 219 * (q[3] > 0 ? yy / q[3] : 0));
                su += (q[2] - yy) / (2 * (1 - kb)), sv += (q[0] - yy) / (2 * (1 - kr));
                sa += q[3];
            }
            const size_t c = (size_t)(y / 2) * (w / 2) + x / 2;
            sp->ca[c] = vx_q8(255 * sa / 4);
            sp->uv[2 * c] = vx_q8(128 + 224 * (sa > 0 ? su / sa : 0));
            sp->uv[2 * c + 1] = vx_q8(128 + 224 * (sa > 0 ? sv / sa : 0));
        }
    return 0;
}

#define CHUNK 256

/* n alphas at fade f (256ths) into buf, or a itself at no fade */
static const uint8_t *faded(const uint8_t *a, int n, int f, uint8_t *buf)
{
    if (f >= 256)
        return a;
    for (int x = 0; x < n; x++)
        buf[x] = (uint8_t)((a[x] * f + 128) >> 8);
    return buf;
}

void vx_text_blend(const VxText *t, const VxPlanes *d, const VxTextSprite *sp, int px, int py,
                   VxRect c, int f)
{
    uint8_t am[CHUNK], cb[CHUNK], cr[CHUNK];
    const VxBlendDSP *k = &t->blend;
    for (int y = c.y0; y < c.y1; y++) {
        for (int x = c.x0; x < c.x1; x += CHUNK) {
            const int n = c.x1 - x < CHUNK ? c.x1 - x : CHUNK;
            const size_t o = (size_t)(y - py) * sp->w + (size_t)(x - px);
            k->over(d->y + y * d->sy + x, sp->yv + o, faded(sp->ya + o, n, f, am), 1, n);
        }
        if (y & 1)
            continue;
        for (int x = c.x0 / 2; x < c.x1 / 2; x += CHUNK) {
            const int n = c.x1 / 2 - x < CHUNK ? c.x1 / 2 - x : CHUNK;
            const size_t o = (size_t)(y - py) / 2 * (size_t)(sp->w / 2) + (size_t)(x - px / 2);
            const uint8_t *a = faded(sp->ca + o, n, f, am), *uv = sp->uv + 2 * o;
            const ptrdiff_t r = (y / 2) * d->suv;
            if (d->step == 2) {
                k->over_uv(d->u + r + 2 * x, uv, a, n);
                continue;
            }
            for (int j = 0; j < n; j++)
                cb[j] = uv[2 * j], cr[j] = uv[2 * j + 1];
            k->over(d->u + r + x, cb, a, 1, n);
            k->over(d->v + r + x, cr, a, 1, n);
        }
    }
}
#else
typedef int vx_text_unused; /* nothing without libass (ISO C wants a declaration) */
#endif
