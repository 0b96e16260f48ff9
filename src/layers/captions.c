/* The captions layer: the cues of an SRT or WebVTT file (sources.captions) burnt into the
 * output, styled by the "captions" section (docs/project-format.md, "Captions"). Cue times
 * are recording time (the frame's t_rec), so captions follow cuts and speed changes. Text is
 * shaped and rasterised by libass (HarfBuzz, fontconfig) through the shared text path
 * (text.h) only when the page shown changes (a cue longer than max_lines lines is shown in
 * pages); the rasterised page is kept as Y'CbCr + alpha over its box and blended into each
 * output. Without libass (the FFmpeg-free core build) a project with captions is refused. */
#include <json-c/json.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../cues.h"
#include "../layer.h"
#include "../soft.h"
#include "text.h"

#ifdef VX_HAVE_LIBASS

typedef struct Style {
    char font[128];
    double size, outline, margin, max_width, box_opacity;
    int color, outline_color, box_color; /* 0xRRGGBB */
    int box, align, max_lines;
    int has_pos;
    double pos[2];
} Style;

/* A cue's pages (at most max_lines lines each): page k's text (ASS) from t[k] to t[k + 1]. */
typedef struct Pages {
    int n;       /* 0: not worked out yet */
    char **text;
    double *t;
} Pages;

typedef struct Captions {
    VxCue *cues;
    int n;
    Pages *pages; /* per cue, worked out when the cue is first shown */
    Style s;
    VxText text;
    ASS_Track *tr; /* the style; one event at a time */
    char pos[64];  /* the \pos override of position [x, y] */
    int cur, page; /* the cue and page rasterised, cur -1: none */
    VxRect box;  /* its pixels (even corners); empty when none */
    VxTextSprite sp; /* the cue over box */
    int W, H;
} Captions;
#endif


static int bad(VxContext *ctx, const char *file, const char *key, const char *why)
{
    return vx_fail(ctx, VX_ERR(EINVAL), "%s: captions%s: %s", file ? file : "project", key, why);
}

#ifdef VX_HAVE_LIBASS
static int parse_color(json_object *v, int *out)
{
    const char *c = json_object_get_string(v);
    unsigned rgb;
    int end = 0;
    if (!json_object_is_type(v, json_type_string) || strlen(c) != 7 ||
        sscanf(c, "#%6x%n", &rgb, &end) != 1 || end != 7)
        return -1;
    *out = (int)rgb;
    return 0;
}
#endif

static int get_num(json_object *o, const char *k, double lo, double hi, double *out, int *err)
{
    json_object *v;
    if (!json_object_object_get_ex(o, k, &v))
        return 0;
    if (!json_object_is_type(v, json_type_int) && !json_object_is_type(v, json_type_double))
        return *err = 1;
    *out = json_object_get_double(v);
    if (!(*out >= lo && *out <= hi))
        return *err = 1;
    return 0;
}

#ifdef VX_HAVE_LIBASS
#define STYLE_ARG Style *s
#else
#define STYLE_ARG void *s_unused
#endif

/* The section (NULL: all defaults) as a Style, or an error naming the key. */
static int parse_style(VxContext *ctx, const char *file, json_object *o, STYLE_ARG)
{
#ifdef VX_HAVE_LIBASS
    *s = (Style){.size = 0.05, .outline = 0.1, .margin = 0.05, .max_width = 0.9,
                 .box_opacity = 0.6, .color = 0xffffff, .outline_color = 0, .box_color = 0,
                 .box = 1, .align = 2, .max_lines = 2};
    snprintf(s->font, sizeof(s->font), "sans-serif");
#else
    (void)s_unused;
#endif
    static const char *const keys[] = {"font", "size", "color", "outline", "outline_color",
                                       "box", "box_color", "box_opacity", "position",
                                       "margin", "max_width", "max_lines", "soft", "sidecar", "language",
                                       NULL};
    if (!o)
        return 0;
    if (!json_object_is_type(o, json_type_object))
        return bad(ctx, file, "", "expected an object (docs/project-format.md, Captions)");
    char unknown[160];
    if (vx_section_unknown(o, keys, unknown, sizeof(unknown)))
        return bad(ctx, file, unknown, "unknown key");
    json_object *v;
    int err = 0, c = 0;
    double d = 0;
    if (json_object_object_get_ex(o, "font", &v)) {
        if (!json_object_is_type(v, json_type_string) || !*json_object_get_string(v) ||
            strlen(json_object_get_string(v)) > 100 || strchr(json_object_get_string(v), ','))
            return bad(ctx, file, ".font", "expected a font family name (fontconfig), no comma");
#ifdef VX_HAVE_LIBASS
        snprintf(s->font, sizeof(s->font), "%s", json_object_get_string(v));
#endif
    }
    if (get_num(o, "size", 0.005, 0.5, &d, &err) || err)
        return bad(ctx, file, ".size", "expected a fraction of the output height, 0.005 to 0.5");
#ifdef VX_HAVE_LIBASS
    if (json_object_object_get_ex(o, "size", &v))
        s->size = d;
#define NUM(k, lo, hi, f, why)                                                                 \
    if (get_num(o, k, lo, hi, &s->f, &err) || err)                                             \
        return bad(ctx, file, "." k, why);
    NUM("outline", 0, 0.5, outline, "expected a fraction of the text size, 0 to 0.5")
    NUM("margin", 0, 0.45, margin, "expected a fraction of the output height, 0 to 0.45")
    NUM("max_width", 0.1, 1, max_width, "expected a fraction of the output width, 0.1 to 1")
    NUM("box_opacity", 0, 1, box_opacity, "expected a number from 0 to 1")
#undef NUM
#define COL(k, f)                                                                              \
    if (json_object_object_get_ex(o, k, &v) && parse_color(v, &s->f))                          \
        return bad(ctx, file, "." k, "expected a colour \"#rrggbb\"");
    COL("color", color)
    COL("outline_color", outline_color)
    COL("box_color", box_color)
#undef COL
#endif
    d = 2;
    if (get_num(o, "max_lines", 1, 20, &d, &err) || err || d != floor(d))
        return bad(ctx, file, ".max_lines", "expected a whole number from 1 to 20");
#ifdef VX_HAVE_LIBASS
    s->max_lines = (int)d;
#endif
    if (json_object_object_get_ex(o, "box", &v)) {
        if (!json_object_is_type(v, json_type_boolean))
            return bad(ctx, file, ".box", "expected true (a box behind the text) or false (an outline)");
#ifdef VX_HAVE_LIBASS
        s->box = json_object_get_boolean(v);
#endif
    }
    if (json_object_object_get_ex(o, "position", &v)) {
        const char *p = json_object_get_string(v);
        if (json_object_is_type(v, json_type_string) && (!strcmp(p, "bottom") || !strcmp(p, "top"))) {
#ifdef VX_HAVE_LIBASS
            s->align = !strcmp(p, "top") ? 8 : 2;
#endif
        } else if (json_object_is_type(v, json_type_array) && json_object_array_length(v) == 2) {
            for (int i = 0; i < 2; i++) {
                json_object *e = json_object_array_get_idx(v, (size_t)i);
                d = json_object_get_double(e);
                if ((!json_object_is_type(e, json_type_int) && !json_object_is_type(e, json_type_double)) ||
                    !(d >= 0 && d <= 1))
                    return bad(ctx, file, ".position", "expected \"bottom\", \"top\" or [x, y] fractions of the output");
#ifdef VX_HAVE_LIBASS
                s->pos[i] = d, s->has_pos = 1;
#endif
            }
        } else {
            return bad(ctx, file, ".position", "expected \"bottom\", \"top\" or [x, y] fractions of the output");
        }
    }
    (void)c;
    return 0;
}

static int cap_check(VxContext *ctx, const char *file, json_object *section)
{
#ifdef VX_HAVE_LIBASS
    Style s;
    int ret = parse_style(ctx, file, section, &s);
#else
    int ret = parse_style(ctx, file, section, NULL);
#endif
    return ret < 0 ? ret : vx_soft_check(ctx, file, section); /* soft, sidecar, language */
}

#ifdef VX_HAVE_LIBASS
static void close_caps(Captions *c)
{
    for (int i = 0; c->pages && i < c->n; i++) {
        for (int k = 0; k < c->pages[i].n; k++)
            free(c->pages[i].text[k]);
        free(c->pages[i].text), free(c->pages[i].t);
    }
    free(c->pages);
    vx_cues_free(c->cues, c->n);
    if (c->tr)
        ass_free_track(c->tr);
    vx_text_close(&c->text);
    vx_text_sprite_free(&c->sp);
    free(c);
}

/* The script's header: the style (docs/project-format.md, "Captions, exactly"); the events
 * come one at a time (show). */
static char *make_script(const Style *s, int W, int H)
{
    const size_t cap = 2048;
    char *b = malloc(cap);
    if (!b)
        return NULL;
    const double fs = s->size * H;
    const int mlr = (int)lrint(W * (1 - s->max_width) / 2), mv = (int)lrint(s->margin * H);
    const VxTextStyle ts = {
        .play_w = W, .play_h = H, .wrap = 0, .font = s->font, .size = fs,
        .color = vx_text_color(s->color, 1),
        .outline_color = vx_text_color(s->box ? s->box_color : s->outline_color,
                                       s->box ? s->box_opacity : 1),
        .back_color = vx_text_color(s->box_color, s->box_opacity),
        .border_style = s->box ? 3 : 1, .outline = s->outline * fs, .align = s->align,
        .margin_lr = mlr, .margin_v = mv};
    vx_text_header(b, cap, &ts);
    return b;
}

static int cap_open(VxLayer *ly, const VxLayerOpen *o)
{
    if (!o->p->captions)
        return 0;
    Style s;
    int ret = parse_style(o->ctx, NULL, o->section, &s);
    if (ret < 0)
        return ret;
    Captions *c = calloc(1, sizeof(*c));
    if (!c)
        return VX_ERR(ENOMEM);
    c->cur = -1;
    if ((ret = vx_cues_read(o->ctx, o->p->captions, &c->cues, &c->n)) < 0) {
        close_caps(c);
        return ret;
    }
    if ((ret = vx_text_open(&c->text, o->ctx, "captions", o->l->W, o->l->H, o->l->matrix)) < 0) {
        close_caps(c);
        return ret;
    }
    c->s = s;
    if (s.has_pos)
        snprintf(c->pos, sizeof(c->pos), "{\\an2\\pos(%.1f,%.1f)}", s.pos[0] * o->l->W,
                 s.pos[1] * o->l->H);
    if (!(c->pages = calloc((size_t)c->n + 1, sizeof(*c->pages)))) {
        close_caps(c);
        return VX_ERR(ENOMEM);
    }
    char *script = make_script(&s, o->l->W, o->l->H);
    if (script) {
        c->tr = ass_read_memory(c->text.lib, script, strlen(script), NULL);
        free(script);
    }
    if (!c->tr) {
        close_caps(c);
        return vx_fail(o->ctx, VX_ERR(ENOMEM), "captions: libass could not be set up");
    }
    c->W = o->l->W, c->H = o->l->H;
    ly->priv = c;
    ly->outside = (VxRect){0, 0, o->l->W & ~1, o->l->H & ~1};
    ly->sliced = 1;
    return 0;
}

/* The cue shown at recording time t, -1: none (the first listed when several overlap). */
static int cue_at(const Captions *c, double t)
{
    for (int i = 0; i < c->n; i++)
        if (t >= c->cues[i].a && t < c->cues[i].b)
            return i;
    return -1;
}

/* libass's images of `text` (ASS, escaped) as the one event shown; valid until the next call. */
static ASS_Image *show(Captions *c, const char *text)
{
    ass_flush_events(c->tr);
    const size_t len = strlen(text) + 128;
    char *line = malloc(len);
    if (!line)
        return NULL;
    const int n = snprintf(line, len, "Dialogue: 0,0:00:00.00,0:00:10.00,Default,,0,0,0,,%s%s\n",
                           c->pos, text);
    ass_process_data(c->tr, line, n);
    free(line);
    int ch = 0;
    return ass_render_frame(c->text.r, c->tr, 1000, &ch);
}

/* The lines libass laid `text` out in. Its glyphs come as one image per line and style run;
 * images whose rows overlap by more than half the shorter one's height are one line (runs of
 * one line share most of their rows, the lines below share none). */
static int lines_of(Captions *c, const char *text)
{
    int n = 0, y0[64], y1[64];
    for (ASS_Image *m = show(c, text); m; m = m->next) {
        if (m->type != IMAGE_TYPE_CHARACTER || !m->w || !m->h)
            continue;
        const int a = m->dst_y, b = m->dst_y + m->h;
        int k = 0;
        while (k < n && 2 * ((b < y1[k] ? b : y1[k]) - (a > y0[k] ? a : y0[k])) <=
                            (b - a < y1[k] - y0[k] ? b - a : y1[k] - y0[k]))
            k++;
        if (k < n)
            y0[k] = a < y0[k] ? a : y0[k], y1[k] = b > y1[k] ? b : y1[k];
        else if (n < 64)
            y0[n] = a, y1[n++] = b;
    }
    return n;
}

/* Code points of src[0, n) that are not spaces or line breaks. */
static int chars_of(const char *src, size_t n)
{
    int k = 0;
    for (size_t i = 0; i < n; i++)
        k += ((unsigned char)src[i] & 0xc0) != 0x80 && src[i] != ' ' && src[i] != '\n';
    return k;
}

/* Appends plain[0, n) with the styles sty[0, n) as ASS (vx_text_put, with an override block
 * where the style changes; a page starts unstyled). b has room for 16 n + 1 bytes. */
static void put_styled(char *b, size_t *o, const char *plain, const uint8_t *sty, size_t n)
{
    int cur = 0;
    b[*o] = 0;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && sty[j] == sty[i])
            j++;
        if (sty[i] != cur) {
            static const char tag[] = "bius";
            *o += (size_t)sprintf(b + *o, "{");
            for (int k = 0; k < 4; k++)
                if ((sty[i] ^ cur) >> k & 1)
                    *o += (size_t)sprintf(b + *o, "\\%c%d", tag[k], sty[i] >> k & 1);
            *o += (size_t)sprintf(b + *o, "}");
            cur = sty[i];
        }
        vx_text_put(b, o, plain + i, j - i);
        i = j;
    }
}

/* Cue i's pages (docs/project-format.md, "Captions", max_lines): the fewest words that do not
 * fit in max_lines lines start a new page; a page is shown for a share of the cue's time in
 * proportion to its characters. */
static int paginate(Captions *c, int i)
{
    const VxCue *q = &c->cues[i];
    char *t = NULL;
    uint8_t *sty = NULL;
    int ret = vx_cue_markup(q->text, &t, &sty);
    if (ret < 0)
        return ret;
    const size_t len = strlen(t);
    Pages *pg = &c->pages[i];
    char *buf = malloc(16 * len + 16);
    size_t *ws = malloc(sizeof(size_t) * (len + 1)), *we = malloc(sizeof(size_t) * (len + 1));
    int nw = 0;
    if (!buf || !ws || !we) {
        ret = VX_ERR(ENOMEM);
        goto done;
    }
    for (size_t p = 0; p < len;) { /* words: runs of bytes but spaces and line breaks */
        while (p < len && (t[p] == ' ' || t[p] == '\n'))
            p++;
        if (p == len)
            break;
        ws[nw] = p;
        while (p < len && t[p] != ' ' && t[p] != '\n')
            p++;
        we[nw++] = p;
    }
    if (!(pg->text = calloc((size_t)nw + 1, sizeof(char *))) ||
        !(pg->t = malloc(sizeof(double) * ((size_t)nw + 2)))) {
        ret = VX_ERR(ENOMEM);
        goto done;
    }
    int total = 0;
    for (int w = 0; w < nw; w++)
        total += chars_of(t + ws[w], we[w] - ws[w]);
    int start = 0, done_chars = 0;
    pg->t[0] = q->a;
    /* a cue's own {\anN} places it, unless the section gives the place */
    const int an = c->s.has_pos ? 0 : vx_cue_align(q->text);
    char at[16] = "";
    if (an && an != c->s.align)
        snprintf(at, sizeof(at), "{\\an%d}", an);
    const size_t atn = strlen(at);
#define PUT(a, b)                                                                              \
    (memcpy(buf, at, atn + 1), o = atn, put_styled(buf, &o, t + ws[a], sty + ws[a], we[b] - ws[a]))
    while (start < nw || pg->n == 0) {
        int end = nw; /* words [start, end) on this page */
        size_t o = 0;
        if (nw) {
            PUT(start, nw - 1);
            if (lines_of(c, buf) > c->s.max_lines) { /* the most words that fit, one at least */
                for (end = start + 1; end < nw; end++) {
                    PUT(start, end);
                    if (lines_of(c, buf) > c->s.max_lines)
                        break;
                }
            }
        }
        if (nw)
            PUT(start, end - 1);
        else
            memcpy(buf, at, atn + 1);
#undef PUT
        if (!(pg->text[pg->n] = strdup(buf))) {
            ret = VX_ERR(ENOMEM);
            goto done;
        }
        for (int w = start; w < end; w++)
            done_chars += chars_of(t + ws[w], we[w] - ws[w]);
        pg->n++;
        pg->t[pg->n] = end == nw || !total ? q->b : q->a + (q->b - q->a) * done_chars / total;
        start = end;
    }
done:
    free(t), free(sty), free(buf), free(ws), free(we);
    return ret;
}

/* The cue and page shown at recording time t (cue -1: none). */
static int page_at(Captions *c, double t, int *cue, int *page)
{
    *cue = cue_at(c, t), *page = 0;
    if (*cue < 0)
        return 0;
    Pages *pg = &c->pages[*cue];
    if (!pg->n) {
        int ret = paginate(c, *cue);
        if (ret < 0)
            return ret;
    }
    while (*page + 1 < pg->n && t >= pg->t[*page + 1])
        ++*page;
    return 0;
}

/* Rasterises page k of cue i (libass) into the box's sprite. */
static int raster(Captions *c, int i, int k, int W, int H)
{
    c->cur = i, c->page = k;
    c->box = (VxRect){0, 0, 0, 0};
    vx_text_sprite_free(&c->sp);
    if (i < 0)
        return 0;
    int x0, y0, x1, y1;
    ASS_Image *img = show(c, c->pages[i].text[k]);
    vx_text_bounds(img, &x0, &y0, &x1, &y1);
    x0 = x0 / 2 * 2 < 0 ? 0 : x0 / 2 * 2, y0 = y0 / 2 * 2 < 0 ? 0 : y0 / 2 * 2;
    x1 = (x1 + 1) / 2 * 2 > (W & ~1) ? W & ~1 : (x1 + 1) / 2 * 2;
    y1 = (y1 + 1) / 2 * 2 > (H & ~1) ? H & ~1 : (y1 + 1) / 2 * 2;
    if (x1 <= x0 || y1 <= y0)
        return 0;
    const int w = x1 - x0, h = y1 - y0;
    double *P = vx_text_canvas(w, h);
    if (!P)
        return VX_ERR(ENOMEM);
    vx_text_paint(P, w, h, img, x0, y0);
    int ret = vx_text_sprite(&c->text, P, w, h, &c->sp);
    free(P);
    if (ret < 0)
        return ret;
    c->box = (VxRect){x0, y0, x1, y1};
    return 0;
}

static int cap_changes(VxLayer *ly, const VxLayerFrame *fr, VxRect *r, int max)
{
    Captions *c = ly->priv;
    int i, k, ret = page_at(c, fr->t_rec, &i, &k);
    if (ret < 0)
        return ret;
    if (i == c->cur && (i < 0 || k == c->page))
        return 0; /* the same page (or none): nothing rasterised, nothing changed */
    const VxRect old = c->box;
    ret = raster(c, i, k, c->W, c->H);
    if (ret < 0)
        return ret;
    int n = 0;
    if (!vx_rect_empty(old) && n < max)
        r[n++] = old;
    if (!vx_rect_empty(c->box) && n < max)
        r[n++] = c->box;
    return n;
}

static int cap_begin(VxLayer *ly, const VxLayerFrame *fr)
{
    Captions *c = ly->priv;
    int i, k, ret = page_at(c, fr->t_rec, &i, &k);
    if (ret < 0)
        return ret;
    return i == c->cur && (i < 0 || k == c->page) ? 0 : raster(c, i, k, c->W, c->H);
}

static void cap_draw(VxLayer *ly, const VxLayerFrame *fr, int phase, int i, int k)
{
    (void)phase;
    const Captions *c = ly->priv;
    if (vx_rect_empty(c->box))
        return;
    const VxPlanes d = vx_planes(fr->dst);
    int y0, y1;
    vx_slice_rows(fr->dst->h / 2, i, k, &y0, &y1);
    VxRect r = c->box;
    r.y0 = y0 * 2 > r.y0 ? y0 * 2 : r.y0;
    r.y1 = y1 * 2 < r.y1 ? y1 * 2 : r.y1;
    if (r.y0 < r.y1)
        vx_text_blend(&c->text, &d, &c->sp, c->box.x0, c->box.y0, r, 256);
}

static int cap_end(VxLayer *ly, const VxLayerFrame *fr, VxRect *drawn)
{
    (void)fr;
    *drawn = ((const Captions *)ly->priv)->box;
    return 0;
}

static void cap_close(VxLayer *ly)
{
    if (ly->priv)
        close_caps(ly->priv);
    ly->priv = NULL;
}
#else
static int cap_open(VxLayer *ly, const VxLayerOpen *o)
{
    (void)ly;
    if (!o->p->captions)
        return 0;
    return vx_fail(o->ctx, VX_ERR(ENOSYS), "sources.captions: this vexport was built without libass");
}

static void cap_close(VxLayer *ly)
{
    ly->priv = NULL;
}
#endif

const VxLayerClass vx_layer_captions = {
    .name = "captions",
    .key = "captions",
    .check = cap_check,
    .open = cap_open,
#ifdef VX_HAVE_LIBASS
    .changes = cap_changes,
    .begin = cap_begin,
    .phases = 1,
    .draw = cap_draw,
    .end = cap_end,
#endif
    .close = cap_close,
};
