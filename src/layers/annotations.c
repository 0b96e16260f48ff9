/* The annotations layer: arrows, rectangles, ellipses, spotlights and text boxes drawn over the screen
 * (docs/project-format.md, "Annotations"). Each is placed in recording pixels (it follows the
 * zoom) or in output pixels (it stays put), shown in recording time [start, end) and faded in
 * and out. Shapes are antialiased: each sample is mixed with the colour by the share of it the
 * shape covers (a signed distance, clamp(0.5 - d, 0, 1), as the screen's corners). A spotlight
 * dims the screen rectangle except a rectangle or an ellipse.
 *
 * Still while nothing it shows changes (no fade, no zoom moving a recording-placed one); where
 * no annotation is shown it draws nothing. Drawn in slices of rows. A text box is its text
 * (libass, through the text path the captions use: text.h) over a rounded box, rasterised once
 * per size it is shown at (once for an output-placed one) and blended with the blend kernels. */
#include <json-c/json.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../dsp/blend.h"
#include "../layer.h"
#include "text.h"

#define MAX_ANN 256

enum { ARROW, RECTANGLE, ELLIPSE, SPOTLIGHT, TEXT };
static const char *const type_names[] = {"arrow", "rectangle", "ellipse", "spotlight", "text", NULL};
#define TEXT_MAX 1000 /* bytes of a text box's text */

typedef struct Spec {
    int type, output, lit_ellipse;
    double rect[4];       /* rectangle, ellipse, spotlight: x, y, w, h */
    double from[2], to[2];/* arrow */
    double start, end, fade_in, fade_out;
    int rgb[3];
    double width, opacity, radius, head;
    /* text */
    char *text, font[128];
    double size, box_opacity;
    int box_rgb;
} Spec;

/* One annotation in one output: output pixels. */
typedef struct Look {
    int a;                /* opacity now, 256ths; 0: not shown */
    VxRect box;           /* the samples it may change, even corners */
    double g[6];          /* rect x, y, w, h (rectangle, ellipse, spotlight) or from, to (arrow) */
    double w, r, head;    /* stroke width, corner radius, arrow head length */
} Look;

typedef struct Ann {
    Spec s;
    uint8_t ycc[3];
    Look now, last;
    /* the coverage of now's box (luma, then chroma), worked out again only when the shape
     * moves (dirty) */
    uint8_t *cov;
    size_t cap;
    /* per coverage row (luma, then chroma): where it is not 0, one or two runs (row_runs) */
    int *runs;
    size_t runs_cap;
    Look covered;         /* the look cov was made for (its opacity 0) */
    int dirty;
#ifdef VX_HAVE_LIBASS
    VxTextSprite sp;      /* a text box as drawn, at sp_x, sp_y (its size: now's) */
    int sp_x, sp_y;
#endif
} Ann;

typedef struct Anns {
    Ann *a;
    int n;
    VxBlendDSP dsp;       /* tint, tint_uv: the shapes mixed in */
    VxRect screen;        /* the screen rectangle (a spotlight dims it) */
    int W, H;
#ifdef VX_HAVE_LIBASS
    VxText text;          /* opened when there is a text box */
#endif
} Anns;

static int bad(VxContext *ctx, const char *file, const char *key, const char *why)
{
    return vx_fail(ctx, VX_ERR(EINVAL), "%s: annotations%s: %s", file ? file : "project", key,
                   why);
}

static int is_num(json_object *v)
{
    return json_object_is_type(v, json_type_int) || json_object_is_type(v, json_type_double);
}

/* n numbers of array v into out. */
static int get_nums(VxContext *ctx, const char *file, const char *key, json_object *v, int n,
                    double *out, const char *what)
{
    if (!json_object_is_type(v, json_type_array) || (int)json_object_array_length(v) != n)
        return bad(ctx, file, key, what);
    for (int i = 0; i < n; i++) {
        json_object *e = json_object_array_get_idx(v, (size_t)i);
        if (!is_num(e) || !isfinite(out[i] = json_object_get_double(e)) || fabs(out[i]) > 65536)
            return bad(ctx, file, key, what);
    }
    return 0;
}

static int get_num(VxContext *ctx, const char *file, const char *key, json_object *v, double lo,
                   double hi, double *out)
{
    if (!is_num(v) || !isfinite(*out = json_object_get_double(v)) || *out < lo || *out > hi) {
        char why[96];
        snprintf(why, sizeof(why), "expected a number from %g to %g", lo, hi);
        return bad(ctx, file, key, why);
    }
    return 0;
}

static int get_enum(VxContext *ctx, const char *file, const char *key, json_object *v,
                    const char *const *names, const char *what, int *out)
{
    if (json_object_is_type(v, json_type_string))
        for (int i = 0; names[i]; i++)
            if (!strcmp(json_object_get_string(v), names[i])) {
                *out = i;
                return 0;
            }
    return bad(ctx, file, key, what);
}

/* annotations[i] as a Spec, or an error naming its key. */
static int parse_one(VxContext *ctx, const char *file, json_object *o, int i, Spec *s)
{
    static const char *const keys[] = {"type", "space", "rect", "from", "to", "shape", "start",
                                       "end", "fade_in", "fade_out", "color", "width",
                                       "opacity", "radius", "head", "text", "size", "font",
                                       "box_color", "box_opacity", NULL};
    static const char *const text_keys[] = {"text", "size", "font", "box_color", "box_opacity",
                                            NULL};
    static const char *const spaces[] = {"recording", "output", NULL};
    static const char *const shapes[] = {"rect", "ellipse", NULL};
    char key[160];
    json_object *v;
    *s = (Spec){.end = INFINITY, .fade_in = 0.25, .fade_out = 0.25, .width = 6, .radius = 8};
#define KEY(name) (snprintf(key, sizeof(key), "[%d].%s", i, name), key)
    snprintf(key, sizeof(key), "[%d]", i);
    if (!json_object_is_type(o, json_type_object))
        return bad(ctx, file, key, "expected an object {\"type\", ...}");
    json_object_object_foreach(o, k, val) {
        (void)val;
        int ok = 0;
        for (const char *const *p = keys; *p; p++)
            ok |= !strcmp(*p, k);
        if (!ok)
            return bad(ctx, file, KEY(k), "unknown key");
    }
    if (!json_object_object_get_ex(o, "type", &v))
        return bad(ctx, file, KEY("type"), "missing (\"arrow\", \"rectangle\", \"ellipse\", "
                   "\"spotlight\" or \"text\")");
    if (get_enum(ctx, file, KEY("type"), v, type_names, "expected \"arrow\", \"rectangle\", "
                 "\"ellipse\", \"spotlight\" or \"text\"", &s->type))
        return VX_ERR(EINVAL);
    const int arrow = s->type == ARROW, spot = s->type == SPOTLIGHT, text = s->type == TEXT;
    s->opacity = spot ? 0.6 : 1;
    s->rgb[0] = spot ? 0 : 255, s->rgb[1] = spot ? 0 : 59, s->rgb[2] = spot ? 0 : 48;
    if (text) {
        s->rgb[0] = s->rgb[1] = s->rgb[2] = 255;
        s->size = 24, s->box_opacity = 0.8, s->box_rgb = 0x111827;
        snprintf(s->font, sizeof(s->font), "sans-serif");
        if (!json_object_object_get_ex(o, "text", &v) || !json_object_is_type(v, json_type_string) ||
            !json_object_get_string_len(v) || json_object_get_string_len(v) > TEXT_MAX ||
            strlen(json_object_get_string(v)) != (size_t)json_object_get_string_len(v))
            return bad(ctx, file, KEY("text"), "expected the text shown, a non-empty string "
                       "(at most 1000 bytes)");
        s->text = (char *)json_object_get_string(v);
        if (json_object_object_get_ex(o, "font", &v)) {
            const char *f = json_object_get_string(v);
            if (!json_object_is_type(v, json_type_string) || !*f || strlen(f) > 100 || strchr(f, ','))
                return bad(ctx, file, KEY("font"), "expected a font family name (fontconfig), no comma");
            snprintf(s->font, sizeof(s->font), "%s", f);
        }
        if ((json_object_object_get_ex(o, "size", &v) &&
             get_num(ctx, file, KEY("size"), v, 1, 1024, &s->size)) ||
            (json_object_object_get_ex(o, "box_opacity", &v) &&
             get_num(ctx, file, KEY("box_opacity"), v, 0, 1, &s->box_opacity)))
            return VX_ERR(EINVAL);
        int rgb[3];
        if (json_object_object_get_ex(o, "box_color", &v)) {
            if (!json_object_is_type(v, json_type_string) ||
                vx_hex_rgb(json_object_get_string(v), rgb) < 0)
                return bad(ctx, file, KEY("box_color"), "expected a colour \"#rrggbb\"");
            s->box_rgb = rgb[0] << 16 | rgb[1] << 8 | rgb[2];
        }
    } else {
        for (const char *const *p = text_keys; *p; p++)
            if (json_object_object_get_ex(o, *p, &v))
                return bad(ctx, file, KEY(*p), "only a text box (\"type\": \"text\") has it");
    }
    if (json_object_object_get_ex(o, "space", &v) &&
        get_enum(ctx, file, KEY("space"), v, spaces, "expected \"recording\" or \"output\"",
                 &s->output))
        return VX_ERR(EINVAL);
    const char *const need = arrow ? "rect" : "from";
    if (json_object_object_get_ex(o, need, &v) ||
        (!arrow && json_object_object_get_ex(o, "to", &v)))
        return bad(ctx, file, KEY(need), arrow ? "an arrow has \"from\" and \"to\", not a rect"
                                               : "only an arrow has \"from\" and \"to\"");
    if (!spot && json_object_object_get_ex(o, "shape", &v))
        return bad(ctx, file, KEY("shape"), "only a spotlight has a shape");
    if (arrow) {
        for (int e = 0; e < 2; e++) {
            const char *name = e ? "to" : "from";
            if (!json_object_object_get_ex(o, name, &v))
                return bad(ctx, file, KEY(name), "missing ([x, y])");
            if (get_nums(ctx, file, KEY(name), v, 2, e ? s->to : s->from, "expected [x, y]"))
                return VX_ERR(EINVAL);
        }
        if (hypot(s->to[0] - s->from[0], s->to[1] - s->from[1]) < 1)
            return bad(ctx, file, KEY("to"), "the arrow is shorter than 1 pixel");
    } else {
        if (!json_object_object_get_ex(o, "rect", &v))
            return bad(ctx, file, KEY("rect"), "missing ([x, y, width, height])");
        if (get_nums(ctx, file, KEY("rect"), v, 4, s->rect, "expected [x, y, width, height]"))
            return VX_ERR(EINVAL);
        if (!(s->rect[2] > 0 && s->rect[3] > 0))
            return bad(ctx, file, KEY("rect"), "width and height must be above 0");
    }
    if (json_object_object_get_ex(o, "shape", &v) &&
        get_enum(ctx, file, KEY("shape"), v, shapes, "expected \"rect\" or \"ellipse\"",
                 &s->lit_ellipse))
        return VX_ERR(EINVAL);
    if ((json_object_object_get_ex(o, "start", &v) &&
         get_num(ctx, file, KEY("start"), v, 0, 1e7, &s->start)) ||
        (json_object_object_get_ex(o, "end", &v) &&
         get_num(ctx, file, KEY("end"), v, 0, 1e7, &s->end)) ||
        (json_object_object_get_ex(o, "fade_in", &v) &&
         get_num(ctx, file, KEY("fade_in"), v, 0, 60, &s->fade_in)) ||
        (json_object_object_get_ex(o, "fade_out", &v) &&
         get_num(ctx, file, KEY("fade_out"), v, 0, 60, &s->fade_out)) ||
        (json_object_object_get_ex(o, "width", &v) &&
         get_num(ctx, file, KEY("width"), v, 0.5, 256, &s->width)) ||
        (json_object_object_get_ex(o, "opacity", &v) &&
         get_num(ctx, file, KEY("opacity"), v, 0, 1, &s->opacity)) ||
        (json_object_object_get_ex(o, "radius", &v) &&
         get_num(ctx, file, KEY("radius"), v, 0, 4096, &s->radius)) ||
        (json_object_object_get_ex(o, "head", &v) &&
         get_num(ctx, file, KEY("head"), v, 1, 1024, &s->head)))
        return VX_ERR(EINVAL);
    if (!(s->end > s->start))
        return bad(ctx, file, KEY("end"), "must be after start");
    if (json_object_object_get_ex(o, "color", &v)) {
        if (!json_object_is_type(v, json_type_string) ||
            vx_hex_rgb(json_object_get_string(v), s->rgb) < 0)
            return bad(ctx, file, KEY("color"), "expected a colour \"#rrggbb\"");
    }
    if (!s->head)
        s->head = 4 * s->width;
#undef KEY
    return 0;
}

static int parse(VxContext *ctx, const char *file, json_object *o, Ann **a, int *n)
{
    *a = NULL, *n = 0;
    const size_t len = json_object_is_type(o, json_type_array) ? json_object_array_length(o) : 0;
    if (!json_object_is_type(o, json_type_array) || len > MAX_ANN)
        return bad(ctx, file, "", "expected an array of at most 256 annotations");
    if (!len)
        return 0;
    if (!(*a = calloc(len, sizeof(**a))))
        return VX_ERR(ENOMEM);
    *n = (int)len;
    for (size_t i = 0; i < len; i++) {
        int ret = parse_one(ctx, file, json_object_array_get_idx(o, i), (int)i, &(*a)[i].s);
        if (ret < 0)
            return ret;
    }
    return 0;
}

static int ann_check(VxContext *ctx, const char *file, json_object *section)
{
    Ann *a;
    int n;
    int ret = parse(ctx, file, section, &a, &n);
    free(a);
    return ret;
}

/* Whether s's place lies within its frame (the recording or the output, W x H). */
static int within(const Spec *s, int W, int H, char *why, size_t len)
{
    const double x0 = s->type == ARROW ? fmin(s->from[0], s->to[0]) : s->rect[0];
    const double y0 = s->type == ARROW ? fmin(s->from[1], s->to[1]) : s->rect[1];
    const double x1 = s->type == ARROW ? fmax(s->from[0], s->to[0]) : s->rect[0] + s->rect[2];
    const double y1 = s->type == ARROW ? fmax(s->from[1], s->to[1]) : s->rect[1] + s->rect[3];
    snprintf(why, len, "lies outside the %s (%dx%d): from (%g, %g) to (%g, %g)",
             s->output ? "output" : "recording", W, H, x0, y0, x1, y1);
    return x0 >= 0 && y0 >= 0 && x1 <= W && y1 <= H;
}

/* Rounded out to even corners, within clip. */
static VxRect even_box(double x0, double y0, double x1, double y1, VxRect clip)
{
    VxRect r = {(int)fmax(floor(x0 / 2) * 2, (clip.x0 + 1) & ~1),
                (int)fmax(floor(y0 / 2) * 2, (clip.y0 + 1) & ~1),
                (int)fmin(ceil(x1 / 2) * 2, clip.x1 & ~1), (int)fmin(ceil(y1 / 2) * 2, clip.y1 & ~1)};
    return vx_rect_empty(r) ? (VxRect){0, 0, 0, 0} : r;
}

/* The look of s in the output shown through v at recording time t. */
static Look look_at(const Anns *c, const Spec *s, const VxView *v, double t)
{
    Look k = {0};
    if (t < s->start || t >= s->end)
        return k;
    double f = 1;
    if (s->fade_in > 0)
        f = fmin(f, (t - s->start) / s->fade_in);
    if (s->fade_out > 0 && isfinite(s->end))
        f = fmin(f, (s->end - t) / s->fade_out);
    k.a = (int)lrint(256 * s->opacity * fmax(0, fmin(f, 1)));
    if (!k.a)
        return k;
    const double sc = s->output ? 1 : v->scale;
    const double ox = s->output ? 0 : v->ox - v->sx0 * sc, oy = s->output ? 0 : v->oy - v->sy0 * sc;
    if (s->type == ARROW) {
        k.g[0] = ox + s->from[0] * sc, k.g[1] = oy + s->from[1] * sc;
        k.g[2] = ox + s->to[0] * sc, k.g[3] = oy + s->to[1] * sc;
    } else {
        k.g[0] = ox + s->rect[0] * sc, k.g[1] = oy + s->rect[1] * sc;
        k.g[2] = s->rect[2] * sc, k.g[3] = s->rect[3] * sc;
    }
    k.w = s->width * sc, k.r = s->radius * sc, k.head = s->head * sc;
    const VxRect clip = s->output && s->type != SPOTLIGHT ? (VxRect){0, 0, c->W, c->H} : c->screen;
    if (s->type == TEXT) { /* the box on even samples, at least 2 x 2; w: the text's size */
        for (int i = 0; i < 4; i++)
            k.g[i] = fmax(2 * lrint(k.g[i] / 2), i < 2 ? -65536 : 2);
        k.w = s->size * sc;
        const VxRect b = vx_rect_clip((VxRect){(int)k.g[0], (int)k.g[1], (int)(k.g[0] + k.g[2]),
                                               (int)(k.g[1] + k.g[3])}, clip.x1, clip.y1);
        k.box = (VxRect){b.x0 > clip.x0 ? b.x0 : (clip.x0 + 1) & ~1,
                         b.y0 > clip.y0 ? b.y0 : (clip.y0 + 1) & ~1, b.x1 & ~1, b.y1 & ~1};
        if (vx_rect_empty(k.box))
            k.box = (VxRect){0, 0, 0, 0};
    } else if (s->type == SPOTLIGHT) {
        k.box = clip;
    } else if (s->type == ARROW) {
        const double m = fmax(k.w, k.head) + 2;
        k.box = even_box(fmin(k.g[0], k.g[2]) - m, fmin(k.g[1], k.g[3]) - m,
                         fmax(k.g[0], k.g[2]) + m, fmax(k.g[1], k.g[3]) + m, clip);
    } else {
        const double m = k.w / 2 + 2;
        k.box = even_box(k.g[0] - m, k.g[1] - m, k.g[0] + k.g[2] + m, k.g[1] + k.g[3] + m, clip);
    }
    if (vx_rect_empty(k.box))
        k.a = 0;
    return k;
}

/* Field by field: the struct has padding. */
static int look_eq(const Look *a, const Look *b)
{
    return a->a == b->a && !memcmp(&a->box, &b->box, sizeof(a->box)) &&
           !memcmp(a->g, b->g, sizeof(a->g)) && a->w == b->w && a->r == b->r &&
           a->head == b->head;
}

static int same_look(const Look *a, const Look *b)
{
    return (!a->a && !b->a) || look_eq(a, b);
}

static double clamp01(double v) { return v < 0 ? 0 : v > 1 ? 1 : v; }
/* fmin and fmax for numbers (no NaN here), inlined where they run per sample (libm's are calls) */
static inline double dmin(double a, double b) { return a < b ? a : b; }
static inline double dmax(double a, double b) { return a > b ? a : b; }

/* Signed distance from (px, py) to the ellipse inscribed in (x, y, w, h) (negative inside),
 * to first order: its implicit function over the length of its gradient. */
static double ellipse_dist(double px, double py, const double g[4])
{
    const double a = g[2] / 2, b = g[3] / 2;
    const double dx = px - g[0] - a, dy = py - g[1] - b;
    const double q = sqrt(dx * dx / (a * a) + dy * dy / (b * b));
    const double gx = dx / (a * a), gy = dy / (b * b), gl = hypot(gx, gy);
    if (q < 1e-9 || gl < 1e-12)
        return -fmin(a, b);
    return (q - 1) * q / gl;
}

/* An arrow's measures: a shaft of width w from `from` to the head's base, and a triangular head
 * (length head, as wide as 0.8 head) ending at `to`. */
typedef struct Arrow {
    double ux, uy, len, head, shaft_end, hw, el;
    double reach; /* farther than this across the arrow, a sample is not covered at all */
} Arrow;

static Arrow arrow_of(const Look *k)
{
    Arrow a;
    const double dx = k->g[2] - k->g[0], dy = k->g[3] - k->g[1];
    a.len = hypot(dx, dy);
    a.ux = dx / a.len, a.uy = dy / a.len, a.head = fmin(k->head, a.len);
    a.shaft_end = a.len - a.head * 0.9;
    a.hw = 0.4 * a.head, a.el = hypot(a.head, a.hw);
    /* the shaft's distance is at least |n| - w / 2; the head's edges (e1 below) are at least
     * 0.5 outside from |n| >= hw + 0.5 (hw + el) / head = hw + 0.74 on, where t <= head + 0.5,
     * and its base (e2) beyond that */
    a.reach = fmax(k->w / 2 + 0.5, a.hw + 0.75);
    return a;
}

/* The share of the sample at (px, py) the arrow covers. */
static double arrow_cov(const Look *k, const Arrow *a, double px, double py)
{
    /* along and across the arrow, from `from` */
    const double n = -(px - k->g[0]) * a->uy + (py - k->g[1]) * a->ux;
    if (fabs(n) >= a->reach)
        return 0;
    const double s = (px - k->g[0]) * a->ux + (py - k->g[1]) * a->uy;
    const double sc = dmin(dmax(s, 0), dmax(a->shaft_end, 0));
    const double d_shaft = hypot(s - sc, n) - k->w / 2;
    /* the head: inside when behind the tip's two edges and ahead of its base */
    const double t = a->len - s; /* distance back from the tip */
    const double e1 = (t * a->hw - fabs(n) * a->head) / a->el; /* inside the side edges */
    const double e2 = a->head - t;                              /* inside the base */
    const double d_head = -dmin(e1, e2);
    return clamp01(0.5 - dmin(d_shaft, d_head));
}

/* The share of the sample at (px, py) that annotation k (type) changes; ar: an arrow's
 * measures (arrow_of). */
static double coverage(int type, int lit_ellipse, const Look *k, const Arrow *ar, double px,
                       double py)
{
    switch (type) {
    case ARROW: return arrow_cov(k, ar, px, py);
    case RECTANGLE: {
        const double h = k->w / 2;
        const double out = vx_rrect_coverage(px, py, k->g[0] - h, k->g[1] - h, k->g[2] + k->w,
                                             k->g[3] + k->w, k->r + h);
        const double iw = k->g[2] - k->w, ih = k->g[3] - k->w;
        const double in = iw > 0 && ih > 0 ? vx_rrect_coverage(px, py, k->g[0] + h, k->g[1] + h,
                                                               iw, ih, dmax(k->r - h, 0)) : 0;
        return clamp01(out - in);
    }
    case ELLIPSE: return clamp01(0.5 - (fabs(ellipse_dist(px, py, k->g)) - k->w / 2));
    default: /* spotlight: everything but the lit shape */
        if (lit_ellipse)
            return clamp01(0.5 + ellipse_dist(px, py, k->g));
        return 1 - vx_rrect_coverage(px, py, k->g[0], k->g[1], k->g[2], k->g[3],
                                     dmin(k->r, dmin(k->g[2], k->g[3]) / 2));
    }
}

static void ann_close(VxLayer *ly)
{
    Anns *c = ly->priv;
    for (int i = 0; c && i < c->n; i++) {
        free(c->a[i].cov);
        free(c->a[i].runs);
        if (c->a[i].s.type == TEXT)
            free(c->a[i].s.text);
#ifdef VX_HAVE_LIBASS
        vx_text_sprite_free(&c->a[i].sp);
#endif
    }
#ifdef VX_HAVE_LIBASS
    if (c)
        vx_text_close(&c->text);
#endif
    if (c)
        free(c->a);
    free(c);
    ly->priv = NULL;
}

#ifdef VX_HAVE_LIBASS
/* Text box an rasterised at its look now (k->g[2] x k->g[3] output pixels, text k->w): the
 * text laid out by libass in a frame the box's size (centred, wrapped within half the text
 * size from either side), over the rounded box. */
static int text_sprite(Anns *c, Ann *an)
{
    const Look *k = &an->now;
    const Spec *s = &an->s;
    const int w = (int)k->g[2], h = (int)k->g[3];
    const size_t cap = 2048 + 2 * strlen(s->text);
    char *script = malloc(cap);
    if (!script)
        return VX_ERR(ENOMEM);
    const VxTextStyle ts = {.play_w = w, .play_h = h, .wrap = 0, .font = s->font, .size = k->w,
                            .color = vx_text_color(s->rgb[0] << 16 | s->rgb[1] << 8 | s->rgb[2], 1),
                            .border_style = 1, .align = 5,
                            .margin_lr = (int)lrint(k->w / 2)};
    size_t o = (size_t)vx_text_header(script, cap, &ts);
    o += (size_t)snprintf(script + o, cap - o, "Dialogue: 0,0:00:00.00,0:00:10.00,Default,,0,0,0,,");
    vx_text_put(script, &o, s->text, strlen(s->text));
    script[o++] = '\n', script[o] = 0;
    ASS_Track *tr = ass_read_memory(c->text.lib, script, o, NULL);
    free(script);
    double *P = tr ? vx_text_canvas(w, h) : NULL;
    if (!P) {
        if (tr)
            ass_free_track(tr);
        return VX_ERR(ENOMEM);
    }
    ass_set_frame_size(c->text.r, w, h);
    ass_set_storage_size(c->text.r, w, h);
    int ch = 0;
    ASS_Image *img = ass_render_frame(c->text.r, tr, 1000, &ch);
    const double rad = fmin(k->r, fmin(w, h) / 2.0);
    const int box[3] = {s->box_rgb >> 16, s->box_rgb >> 8 & 255, s->box_rgb & 255};
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            const double a = vx_rrect_coverage(x + 0.5, y + 0.5, 0, 0, w, h, rad) * s->box_opacity;
            double *q = P + ((size_t)y * w + x) * 4;
            for (int j = 0; j < 3; j++)
                q[j] = box[j] / 255.0 * a;
            q[3] = a;
        }
    vx_text_paint(P, w, h, img, 0, 0);
    ass_free_track(tr);
    vx_text_sprite_free(&an->sp);
    int ret = vx_text_sprite(&c->text, P, w, h, &an->sp);
    free(P);
    return ret;
}
#endif

static int ann_open(VxLayer *ly, const VxLayerOpen *o)
{
    if (!o->section)
        return 0;
    Anns *c = calloc(1, sizeof(*c));
    if (!c)
        return VX_ERR(ENOMEM);
    int ret = parse(o->ctx, NULL, o->section, &c->a, &c->n);
    for (int i = 0; i < c->n; i++) { /* the texts: our own copies (parse points into JSON) */
        Spec *s = &c->a[i].s;
        if (s->type == TEXT && !(s->text = ret < 0 || !s->text ? NULL : strdup(s->text)))
            ret = ret < 0 ? ret : VX_ERR(ENOMEM);
    }
    VxRect outside = {0, 0, 0, 0};
    for (int i = 0; ret >= 0 && i < c->n; i++) {
        const Spec *s = &c->a[i].s;
        char key[64], why[160];
        if (!within(s, s->output ? o->l->W : o->l->sw, s->output ? o->l->H : o->l->sh, why,
                    sizeof(why))) {
            snprintf(key, sizeof(key), "[%d].%s", i, s->type == ARROW ? "from" : "rect");
            ret = bad(o->ctx, NULL, key, why);
            break;
        }
        if (s->type == TEXT) {
#ifdef VX_HAVE_LIBASS
            if (!c->text.r &&
                (ret = vx_text_open(&c->text, o->ctx, "annotations", 2, 2, o->l->matrix)) < 0)
                break;
#else
            snprintf(key, sizeof(key), "[%d].type", i);
            ret = vx_fail(o->ctx, VX_ERR(ENOSYS), "annotations%s: text boxes need libass; this "
                          "vexport was built without it", key);
            break;
#endif
        }
        vx_rgb_ycbcr(o->l->matrix, s->rgb, c->a[i].ycc);
        if (s->output && s->type != SPOTLIGHT) { /* it may lie over the background */
            const double m = s->type == ARROW ? fmax(s->width, s->head) + 2 : s->width / 2 + 2;
            const double x0 = s->type == ARROW ? fmin(s->from[0], s->to[0]) : s->rect[0];
            const double y0 = s->type == ARROW ? fmin(s->from[1], s->to[1]) : s->rect[1];
            const double x1 = s->type == ARROW ? fmax(s->from[0], s->to[0]) : x0 + s->rect[2];
            const double y1 = s->type == ARROW ? fmax(s->from[1], s->to[1]) : y0 + s->rect[3];
            const VxRect b = even_box(x0 - m, y0 - m, x1 + m, y1 + m,
                                      (VxRect){0, 0, o->l->W, o->l->H});
            if (!vx_rect_empty(b))
                vx_rect_union(&outside, b.x0, b.y0, b.x1, b.y1);
        }
    }
    if (ret < 0 || !c->n) {
        ly->priv = c;
        ann_close(ly);
        return ret < 0 ? ret : 0;
    }
    c->W = o->l->W, c->H = o->l->H;
    c->screen = (VxRect){o->l->x, o->l->y, o->l->x + o->l->rw, o->l->y + o->l->rh};
    vx_blend_dsp_init(&c->dsp, o->ctx->cpu_flags);
    ly->priv = c;
    ly->outside = outside;
    ly->sliced = 1;
    return 0;
}

static int ann_changes(VxLayer *ly, const VxLayerFrame *fr, VxRect *r, int max)
{
    Anns *c = ly->priv;
    int n = 0;
    VxRect u = {0, 0, 0, 0};
    for (int i = 0; i < c->n; i++) {
        Ann *a = &c->a[i];
        a->now = look_at(c, &a->s, &fr->v, fr->t_rec);
        if (same_look(&a->now, &a->last))
            continue;
        if (a->last.a)
            vx_rect_union(&u, a->last.box.x0, a->last.box.y0, a->last.box.x1, a->last.box.y1);
        if (a->now.a)
            vx_rect_union(&u, a->now.box.x0, a->now.box.y0, a->now.box.x1, a->now.box.y1);
        n = 1;
    }
    if (n && max < 1)
        return VX_ERR(EINVAL);
    if (n)
        r[0] = u;
    return n;
}

static int ann_begin(VxLayer *ly, const VxLayerFrame *fr)
{
    Anns *c = ly->priv;
    for (int i = 0; i < c->n; i++) {
        Ann *a = &c->a[i];
        a->now = look_at(c, &a->s, &fr->v, fr->t_rec);
        a->dirty = 0;
        if (!a->now.a)
            continue;
        Look key = a->now;
        key.a = 0;
#ifdef VX_HAVE_LIBASS
        if (a->s.type == TEXT) { /* rasterised again only when its size changes */
            a->sp_x = (int)key.g[0], a->sp_y = (int)key.g[1];
            key.g[0] = key.g[1] = 0, key.box = (VxRect){0, 0, 0, 0};
            if (a->sp.ya && look_eq(&key, &a->covered))
                continue;
            a->covered = key;
            int ret = text_sprite(c, a);
            if (ret < 0)
                return ret;
            continue;
        }
#endif
        if (a->cov && look_eq(&key, &a->covered))
            continue;
        const size_t bw = (size_t)(key.box.x1 - key.box.x0), bh = (size_t)(key.box.y1 - key.box.y0);
        const size_t need = bw * bh * 3 / 2, nruns = (bh + bh / 2) * 4;
        if (need > a->cap) {
            uint8_t *p = realloc(a->cov, need);
            if (!p)
                return VX_ERR(ENOMEM);
            a->cov = p, a->cap = need;
        }
        if (nruns > a->runs_cap) {
            int *p = realloc(a->runs, nruns * sizeof(*p));
            if (!p)
                return VX_ERR(ENOMEM);
            a->runs = p, a->runs_cap = nruns;
        }
        a->covered = key;
        a->dirty = 1;
    }
    return 0;
}

/* 8 samples at c: all 0, or none 0 (the classic test for a zero byte in a word) */
static inline uint64_t word_at(const uint8_t *c)
{
    uint64_t v;
    memcpy(&v, c, 8);
    return v;
}

static inline int none_zero(uint64_t v)
{
    return !((v - 0x0101010101010101u) & ~v & 0x8080808080808080u);
}

/* Where coverage row c (n samples) is not 0, as one or two runs: [r[0], r[1]) and [r[2], r[3])
 * (empty when r[2] = r[3]), split at the longest stretch of zeros between the first and the
 * last sample that is not 0, when it is 16 samples or more (a stroke's two sides). The
 * stretches are crossed 8 samples at a time. */
static void row_runs(const uint8_t *c, int n, int *r)
{
    int lo = 0, hi = n;
    while (lo + 8 <= n && !word_at(c + lo))
        lo += 8;
    while (lo < n && !c[lo])
        lo++;
    while (hi - 8 >= lo && !word_at(c + hi - 8))
        hi -= 8;
    while (hi > lo && !c[hi - 1])
        hi--;
    r[0] = lo, r[1] = r[2] = r[3] = hi;
    int gs = 0, gl = 0;
    for (int i = lo; i < hi;) {
        if (c[i]) {
            while (i + 8 <= hi && none_zero(word_at(c + i)))
                i += 8;
            while (i < hi && c[i])
                i++;
            continue;
        }
        int j = i;
        while (j + 8 <= hi && !word_at(c + j))
            j += 8;
        while (j < hi && !c[j])
            j++;
        if (j - i > gl)
            gs = i, gl = j - i;
        i = j;
    }
    if (gl >= 16)
        r[1] = gs, r[2] = gs + gl;
}

/* The share of the sample at (px, py) annotation k covers, 0..255. l: outside it a spotlight
 * dims fully; inside it a rectangle's stroke leaves nothing (cover_rows). */
static uint8_t cover_at(int type, int lit, const Look *k, const Arrow *ar, const double l[4],
                        double px, double py)
{
    const int in = px > l[0] && px < l[1] && py > l[2] && py < l[3];
    double cv;
    if (type == SPOTLIGHT && !in)
        cv = 1;
    else if (type == RECTANGLE && in)
        cv = 0;
    else
        cv = coverage(type, lit, k, ar, px, py);
    return (uint8_t)lrint(cv * 255);
}

/* Along a row: outside (x0, x1) a shape's coverage is `fill` (0; a spotlight's 255), and inside
 * each known stretch [k[i][0], k[i][1]] it is v[i] (0 inside an outline or a spotlight's lit
 * shape; 255 inside a stroke), all with a sample to spare; elsewhere cover_at works it out
 * sample by sample. */
#define MAX_KNOWN 4
typedef struct Bounds {
    double x0, x1;
    double k[MAX_KNOWN][2];
    uint8_t v[MAX_KNOWN], fill;
    int n;
} Bounds;

/* [a, b] known to be v (a > b: nothing) */
static void known(Bounds *b, double a, double e, uint8_t v)
{
    if (a <= e && b->n < MAX_KNOWN)
        b->k[b->n][0] = a, b->k[b->n][1] = e, b->v[b->n++] = v;
}

/* Both sides of centre cx from half width i out to half width o (i < 0: one stretch). */
static void known_sides(Bounds *b, double cx, double i, double o, uint8_t v)
{
    if (i < 0) {
        known(b, cx - o, cx + o, v);
    } else {
        known(b, cx - o, cx - i, v);
        known(b, cx + i, cx + o, v);
    }
}

/* The half width of ellipse g's row py (the centre's distance along the row) where
 * q = |(dx / a, dy / b)| = t; negative: the row does not reach t. */
static double ellipse_half(const double g[4], double py, double t)
{
    const double bb = g[3] / 2, v = (py - g[1] - bb) / bb, e = t * t - v * v;
    return e > 0 ? g[2] / 2 * sqrt(e) : -1;
}

/* Into b, along row py of the ellipse in g: the samples outside (x0, x1) have q >= 1 + t, those
 * inside the hole q <= 1 - t (known 0), where q = |(dx / a, dy / b)| from its centre
 * (ellipse_dist's). With m = min(a, b) and M = max(a, b), the distance ellipse_dist gives is
 * (q - 1) q / |(dx / a^2, dy / b^2)|, and that gradient's length is from q / M to q / m: so
 * |q - 1| m <= |distance| <= |q - 1| M. The samples nearer than T lie where |q - 1| < T / m (the
 * t passed); those nearer than F where |q - 1| <= F / M (tf: known 255 there; none when
 * tf <= 0). */
static void ellipse_bounds(const double g[4], double py, double t, double tf, Bounds *b)
{
    const double cx = g[0] + g[2] / 2, o = ellipse_half(g, py, 1 + t);
    if (o < 0) {
        b->x0 = b->x1 = cx; /* all of the row: fill */
        return;
    }
    b->x0 = cx - o - 1, b->x1 = cx + o + 1;
    const double h = t < 1 ? ellipse_half(g, py, 1 - t) : -1;
    if (h >= 0)
        known(b, cx - h + 1, cx + h - 1, 0);
    const double fo = tf > 0 ? ellipse_half(g, py, 1 + tf) : -1;
    if (fo >= 1) {
        const double fi = tf < 1 ? ellipse_half(g, py, 1 - tf) : -1;
        known_sides(b, cx, fi < 0 ? -1 : fi + 1, fo - 1, 255);
    }
}

/* The half width of the part of row py, about cx, where a rounded rectangle's distance
 * (vx_rrect_coverage's: centre (cx, cy), half sides hw and hh, radius r) is at most d, moved by
 * `spare` samples (-1: inward, so that all of it surely is; +1: outward, so that nothing beyond
 * it is); negative: nowhere on the row. With qy = |py - cy| - (hh - r), that part is where
 * |py - cy| <= hh + d and: along the sides (qy <= 0), |px - cx| <= hw + d; by the corners
 * (qy > 0), |px - cx| <= hw - r + sqrt((r + d)^2 - qy^2). At d = -0.5 the rectangle covers the
 * samples whole (coverage 1); beyond d = 0.5 it covers nothing (0). */
static double rrect_within(double cy, double hw, double hh, double r, double d, double spare,
                           double py)
{
    const double ay = fabs(py - cy), qy = ay - (hh - r);
    if (ay > hh + d + spare * 1e-6)
        return -1;
    if (qy <= 0)
        return hw + d + spare;
    const double e = (r + d) * (r + d) - qy * qy;
    return hw - r + sqrt(e > 0 ? e : 0) + spare;
}

/* The bounds of row py for annotation k (type; ar, l: as cover_at takes them). */
static Bounds row_bounds(int type, int lit, const Look *k, const Arrow *ar, const double l[4],
                         double py)
{
    Bounds b = {.x0 = -INFINITY, .x1 = INFINITY, .fill = type == SPOTLIGHT ? 255 : 0};
    const double m = fmin(k->g[2], k->g[3]) / 2; /* an ellipse's smaller half axis */
    const double cx = k->g[0] + k->g[2] / 2, cy = k->g[1] + k->g[3] / 2;
    switch (type) {
    case ARROW: { /* not covered where |n| >= reach, n = c - px uy (arrow_cov) */
        const double c = k->g[0] * ar->uy + (py - k->g[1]) * ar->ux, r = ar->reach + 1;
        if (fabs(ar->uy) < 1e-6) { /* along the row: n moves by less than 0.01 */
            if (fabs(c) >= r)
                b.x0 = b.x1 = 0;
        } else {
            const double p = (c - r) / ar->uy, q = (c + r) / ar->uy;
            b.x0 = fmin(p, q) - 1, b.x1 = fmax(p, q) + 1;
        }
        /* covered whole along the shaft: where 0 <= s <= shaft_end and |n| <= w / 2 - 0.5,
         * the shaft's distance is at most -0.5; s = (px - from x) ux + (py - from y) uy */
        const double f = k->w / 2 - 1, s0 = (py - k->g[1]) * ar->uy, se = ar->shaft_end - 0.5;
        if (f <= 0 || se <= 0.5 || fabs(ar->uy) < 1e-6 || fabs(ar->ux) < 1e-6)
            break; /* (a shaft along a row or a column: the samples one by one) */
        const double p = (c - f) / ar->uy, q = (c + f) / ar->uy;
        const double u = k->g[0] + (0.5 - s0) / ar->ux, v = k->g[0] + (se - s0) / ar->ux;
        known(&b, fmax(fmin(p, q), fmin(u, v)) + 1, fmin(fmax(p, q), fmax(u, v)) - 1, 255);
        break;
    }
    case RECTANGLE: {
        /* nothing where the inside of the stroke covers a sample whole; all of it where the
         * outside covers it whole and the inside nothing */
        const double h = k->w / 2, iw = k->g[2] - k->w, ih = k->g[3] - k->w, ri = fmax(k->r - h, 0);
        const int inner = iw > 0 && ih > 0;
        const double e = inner ? rrect_within(cy, iw / 2, ih / 2, ri, -0.5, -1, py) : -1;
        if (e >= 0)
            known(&b, cx - e, cx + e, 0);
        const double o = rrect_within(cy, k->g[2] / 2 + h, k->g[3] / 2 + h, k->r + h, -0.5, -1, py);
        const double i = inner ? rrect_within(cy, iw / 2, ih / 2, ri, 0.5, 1, py) : -1;
        if (o >= 0)
            known_sides(&b, cx, i, o, 255);
        break;
    }
    case ELLIPSE: /* covered where |distance| < w / 2 + 0.5, whole where it is <= w / 2 - 0.5 */
        if (m > 1e-3)
            ellipse_bounds(k->g, py, (k->w / 2 + 0.5) / m,
                           (k->w / 2 - 0.5) / fmax(k->g[2], k->g[3]) * 2, &b);
        break;
    default: /* spotlight */
        if (lit) { /* 255 where the distance is 0.5 or more, 0 where it is -0.5 or less */
            if (m > 1e-3)
                ellipse_bounds(k->g, py, 0.5 / m, 0, &b);
        } else if (!(py > l[2] && py < l[3])) {
            b.x0 = b.x1 = 0;
        } else { /* 0 where the lit rectangle covers a sample whole */
            const double e = rrect_within(cy, k->g[2] / 2, k->g[3] / 2,
                                          fmin(k->r, fmin(k->g[2], k->g[3]) / 2), -0.5, -1, py);
            b.x0 = l[0] - 1, b.x1 = l[1] + 1;
            if (e >= 0)
                known(&b, cx - e, cx + e, 0);
        }
    }
    return b;
}

/* Samples [a, e) of a row at px = base + i * step, py, one by one (cover_at). */
static void cover_span(uint8_t *row, int a, int e, double base, int step, double py, int type,
                       int lit, const Look *k, const Arrow *ar, const double l[4])
{
    for (int i = a; i < e; i++)
        row[i] = cover_at(type, lit, k, ar, l, base + i * step, py);
}

/* v (a sample's index, perhaps far outside, or infinite) clamped to [lo, hi] */
static int index_in(double v, int lo, int hi)
{
    return v < lo ? lo : v > hi ? hi : (int)v;
}

/* Samples i < n of a row at px = base + i * step, py: through b, then cover_at. Returns the
 * row's runs (row_runs) into r. */
static void cover_row(uint8_t *row, int n, double base, int step, double py, int type, int lit,
                      const Look *k, const Arrow *ar, const double l[4], int *r)
{
    const Bounds b = row_bounds(type, lit, k, ar, l, py);
    /* [i0, i1): the samples inside (x0, x1), and more */
    const int i0 = index_in(floor((b.x0 - base) / step), 0, n);
    const int i1 = index_in(ceil((b.x1 - base) / step) + 1, i0, n);
    /* the known stretches as samples within [i0, i1), in order along the row */
    int ka[MAX_KNOWN], ke[MAX_KNOWN], nk = 0;
    uint8_t kv[MAX_KNOWN];
    for (int q = 0; q < b.n; q++) {
        const int a = index_in(ceil((b.k[q][0] - base) / step), i0, i1);
        const int e = index_in(floor((b.k[q][1] - base) / step) + 1, a, i1);
        if (a >= e)
            continue;
        int j = nk++;
        for (; j > 0 && ka[j - 1] > a; j--)
            ka[j] = ka[j - 1], ke[j] = ke[j - 1], kv[j] = kv[j - 1];
        ka[j] = a, ke[j] = e, kv[j] = b.v[q];
    }
    memset(row, b.fill, (size_t)i0);
    int at = i0;
    for (int q = 0; q < nk; q++) {
        const int a = ka[q] > at ? ka[q] : at; /* (they do not overlap; if they did, the first) */
        cover_span(row, at, a, base, step, py, type, lit, k, ar, l);
        if (ke[q] > a)
            memset(row + a, kv[q], (size_t)(ke[q] - a));
        at = ke[q] > a ? ke[q] : a;
    }
    cover_span(row, at, i1, base, step, py, type, lit, k, ar, l);
    memset(row + i1, b.fill, (size_t)(n - i1));
    if (b.fill) { /* a spotlight: 255 outside [i0, i1); the runs from a sample either side */
        const int a = i0 > 0 ? i0 - 1 : 0, e = i1 < n ? i1 + 1 : n;
        row_runs(row + a, e - a, r);
        for (int q = 0; q < 4; q++)
            r[q] += a;
        if (a > 0)
            r[0] = 0;
        if (e < n && r[2] < r[3]) /* two runs: the second reaches the end */
            r[3] = n;
        else if (e < n)
            r[1] = r[2] = r[3] = n;
        return;
    }
    row_runs(row + i0, i1 - i0, r); /* 0 outside [i0, i1) */
    const int empty = r[0] >= r[1];
    for (int q = 0; q < 4; q++) /* an empty row's runs at its end, as row_runs puts them */
        r[q] = empty ? n : r[q] + i0;
}

/* The coverage of luma rows [y0, y1) (and their chroma rows) of the box into the cache: luma
 * samples at their centres, chroma samples at the centre of their 2x2 block; 0..255. Worked out
 * only along the part of each row the shape can reach (row_bounds). And the runs of each row
 * where it is not 0. */
static void cover_rows(Ann *an, int y0, int y1)
{
    const Look *k = &an->now;
    const int type = an->s.type, lit = an->s.lit_ellipse, bw = k->box.x1 - k->box.x0;
    const int bh = k->box.y1 - k->box.y0;
    /* outside l (x0, x1, y0, y1) a spotlight dims fully; inside it a rectangle's stroke leaves
     * nothing */
    double l[4] = {-1e9, 1e9, -1e9, 1e9};
    if (type == SPOTLIGHT || type == RECTANGLE) {
        const double m = type == SPOTLIGHT ? 1 : -(k->w / 2 + k->r + 1);
        l[0] = k->g[0] - m, l[1] = k->g[0] + k->g[2] + m;
        l[2] = k->g[1] - m, l[3] = k->g[1] + k->g[3] + m;
    }
    const Arrow ar = type == ARROW ? arrow_of(k) : (Arrow){0};
    for (int y = y0; y < y1; y++) {
        uint8_t *ry = an->cov + (size_t)(y - k->box.y0) * bw;
        cover_row(ry, bw, k->box.x0 + 0.5, 1, y + 0.5, type, lit, k, &ar, l,
                  an->runs + (size_t)(y - k->box.y0) * 4);
        if (y & 1)
            continue;
        uint8_t *rc = an->cov + (size_t)bw * bh + (size_t)((y - k->box.y0) / 2) * (bw / 2);
        cover_row(rc, bw / 2, k->box.x0 + 1.0, 2, y + 1.0, type, lit, k, &ar, l,
                  an->runs + (size_t)(bh + (y - k->box.y0) / 2) * 4);
    }
}

/* Runs r (row_runs, of a row n samples long) widened into w to whole vectors of v samples where
 * the row leaves room, the first kept short of the second: the samples added have a coverage
 * of 0, which leaves them as they are, and the mixing loops run without a scalar tail. */
static void widened(const int *r, int n, int v, int *w)
{
    int lo = 0;
    for (int q = 0; q < 4; q += 2) {
        if (r[q] >= r[q + 1]) {
            w[q] = w[q + 1] = r[q];
            continue;
        }
        const int hi = q == 0 && r[2] < r[3] ? r[2] : n, len = (r[q + 1] - r[q] + v - 1) / v * v;
        const int b = r[q] + len < hi ? r[q] + len : hi, a = b - len > lo ? b - len : lo;
        w[q] = a, w[q + 1] = lo = b;
    }
}

/* Rows [y0, y1) of annotation an mixed into d, through the cached coverage (tint: a coverage
 * of 0 leaves a sample as it is). */
static void draw_rows(const VxBlendDSP *dsp, Ann *an, const VxPlanes *d, int y0, int y1)
{
    const Look *k = &an->now;
    const int bw = k->box.x1 - k->box.x0;
    if (an->dirty)
        cover_rows(an, y0, y1);
    const int a = k->a;
    const int bh = k->box.y1 - k->box.y0;
    for (int y = y0; y < y1; y++) { /* only the runs */
        const uint8_t *cy = an->cov + (size_t)(y - k->box.y0) * bw;
        uint8_t *row = d->y + y * d->sy + k->box.x0;
        int r[4];
        widened(an->runs + (size_t)(y - k->box.y0) * 4, bw, 16, r);
        for (int q = 0; q < 4; q += 2)
            dsp->tint(row + r[q], cy + r[q], an->ycc[0], a, r[q + 1] - r[q]);
        if (y & 1)
            continue;
        const uint8_t *cc = an->cov + (size_t)bw * bh + (size_t)((y - k->box.y0) / 2) * (bw / 2);
        uint8_t *u = d->u + (y / 2) * d->suv + (k->box.x0 / 2) * d->step;
        uint8_t *v = d->v + (y / 2) * d->suv + (k->box.x0 / 2) * d->step;
        widened(an->runs + (size_t)(bh + (y - k->box.y0) / 2) * 4, bw / 2, 16, r);
        for (int q = 0; q < 4; q += 2) {
            const int x = r[q], n = r[q + 1] - r[q];
            if (d->step == 2) {
                dsp->tint_uv(u + 2 * x, cc + x, an->ycc[1], an->ycc[2], a, n);
            } else {
                dsp->tint(u + x, cc + x, an->ycc[1], a, n);
                dsp->tint(v + x, cc + x, an->ycc[2], a, n);
            }
        }
    }
}

static void ann_draw(VxLayer *ly, const VxLayerFrame *fr, int phase, int i, int k)
{
    (void)phase;
    Anns *c = ly->priv;
    const VxPlanes d = vx_planes(fr->dst);
    int y0, y1;
    vx_slice_rows(fr->dst->h / 2, i, k, &y0, &y1); /* whole 2x2 chroma blocks per slice */
    y0 *= 2, y1 *= 2;
    for (int n = 0; n < c->n; n++) {
        Ann *a = &c->a[n];
        if (!a->now.a)
            continue;
        const int a0 = y0 > a->now.box.y0 ? y0 : a->now.box.y0;
        const int a1 = y1 < a->now.box.y1 ? y1 : a->now.box.y1;
        if (a0 >= a1)
            continue;
#ifdef VX_HAVE_LIBASS
        if (a->s.type == TEXT) {
            const VxRect r = {a->now.box.x0, a0, a->now.box.x1, a1};
            vx_text_blend(&c->text, &d, &a->sp, a->sp_x, a->sp_y, r, a->now.a);
            continue;
        }
#endif
        draw_rows(&c->dsp, a, &d, a0, a1);
    }
}

/* What a shape drew, in bands of 32 rows: per band the union of its rows' first runs and that
 * of their second runs (luma, and chroma samples as the luma pixels they span), one rectangle
 * when the two meet. The inside of an outline or the corners of an arrow's box are left out,
 * so the screen is not redrawn there. */
static void shape_drawn(const Ann *an, VxRect *drawn, int *k)
{
    const Look *l = &an->now;
    const int bh = l->box.y1 - l->box.y0;
    for (int b0 = 0; b0 < bh; b0 += 32) {
        const int b1 = b0 + 32 < bh ? b0 + 32 : bh;
        /* each run's span, then the rows that have one: the band's rectangles */
        int x0[2] = {INT_MAX, INT_MAX}, x1[2] = {INT_MIN, INT_MIN};
        int y0[2] = {-1, -1}, y1[2] = {0, 0};
        for (int y = b0; y < b1; y++) {
            const int *r = an->runs + (size_t)y * 4;
            const int *rc = an->runs + (size_t)(bh + y / 2) * 4;
            for (int q = 0; q < 2; q++) {
                const int a = r[2 * q], b = r[2 * q + 1];
                const int ca = 2 * rc[2 * q], cb = 2 * rc[2 * q + 1];
                if (a >= b && ca >= cb)
                    continue;
                if (a < b)
                    x0[q] = a < x0[q] ? a : x0[q], x1[q] = b > x1[q] ? b : x1[q];
                if (ca < cb)
                    x0[q] = ca < x0[q] ? ca : x0[q], x1[q] = cb > x1[q] ? cb : x1[q];
                y0[q] = y0[q] < 0 ? y : y0[q], y1[q] = y + 1;
            }
        }
        VxRect s[2] = {{0, 0, 0, 0}, {0, 0, 0, 0}};
        for (int q = 0; q < 2; q++)
            if (y0[q] >= 0)
                s[q] = (VxRect){x0[q], y0[q], x1[q], y1[q]};
        if (!vx_rect_empty(s[0]) && !vx_rect_empty(s[1]) && s[1].x0 <= s[0].x1) {
            vx_rect_union(&s[0], s[1].x0, s[1].y0, s[1].x1, s[1].y1);
            s[1] = (VxRect){0, 0, 0, 0};
        }
        for (int q = 0; q < 2; q++)
            if (!vx_rect_empty(s[q]))
                vx_drawn_add(drawn, k, (VxRect){l->box.x0 + s[q].x0, l->box.y0 + s[q].y0,
                                                l->box.x0 + s[q].x1, l->box.y0 + s[q].y1});
    }
}

/* drawn: what each shape drew (shape_drawn); a text box's box. */
static int ann_end(VxLayer *ly, const VxLayerFrame *fr, VxRect *drawn)
{
    (void)fr;
    Anns *c = ly->priv;
    int k = 0;
    for (int i = 0; i < c->n; i++) {
        Ann *a = &c->a[i];
        if (a->now.a && a->s.type != TEXT)
            shape_drawn(a, drawn, &k);
        else if (a->now.a)
            vx_drawn_add(drawn, &k, a->now.box);
        a->last = a->now;
    }
    return 0;
}

const VxLayerClass vx_layer_annotations = {
    .name = "annotations",
    .key = "annotations",
    .check = ann_check,
    .open = ann_open,
    .changes = ann_changes,
    .begin = ann_begin,
    .phases = 1,
    .draw = ann_draw,
    .end = ann_end,
    .close = ann_close,
};
