/* The masks layer: blur or pixelate over rectangles or ellipses of the recording, to hide
 * what must not be seen (docs/project-format.md, "Masks"). Each mask is placed in recording
 * pixels, so it follows the zoom, shown in recording time [start, end), and may move: its
 * rectangle is interpolated linearly between keyframes.
 *
 * Drawn on the screen, below the cursor. A blur is three box passes each way (close to a
 * gaussian of sigma = radius), run with running sums: phase 0 the horizontal passes in slices
 * of rows, phase 1 the vertical passes in slices of columns, phases 2 and 3 the expansion back
 * to full size, written back inside the shape.
 * Only samples of the mask's box (rounded out to even output pixels, within the screen) are
 * read or written: nothing outside a mask changes. A pixelated mask is filled with the mean of
 * each block (the output's blocks, as the blur's reduction: see Plane). Still while no mask
 * appears, moves or goes: outputs nothing changes in cost nothing, and where no mask is shown
 * the layer draws nothing.
 *
 * A mask that holds still over a part of the recording that does not change keeps what it
 * drew (its box, masked) and writes that again instead of masking anew: the result is the
 * same, since the screen under it is (the same recording samples through the same view,
 * sharp), and the layer compares those samples with the previous source frame's on every
 * output to know. It decides that in changes and says so (ly->covers), so that the screen
 * does not rescale the box it overwrites. */
#include <json-c/json.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../dsp/blend.h"
#include "../layer.h"
#include "../scene.h"

#define MAX_MASKS 64
#define MAX_KEYS 4096

typedef struct Key {
    double t;
    double r[4]; /* x, y, w, h: recording pixels */
} Key;

typedef struct Spec {
    int pixelate, ellipse;
    double start, end;
    double size;      /* blur radius or block size, recording pixels */
    int has_rect;     /* the rectangle before the first keyframe (or always, without any) */
    double rect[4];
    Key *keys;
    int n_keys;
} Spec;

/* Where a mask is in one output. */
typedef struct Place {
    int on;
    VxRect box;                 /* luma samples written, even corners, within the screen */
    double ex0, ey0, ex1, ey1;  /* the shape, output pixels (unclipped) */
    int r;                      /* blur radius or block size, output pixels */
} Place;

typedef struct Mask {
    Spec s;
    Place now, last;            /* this output's, and what the previous output drew */
    uint8_t *a, *b;             /* scratch for the passes: the box's three planes */
    uint32_t *sum;              /* running column sums (vertical passes), one row per plane: the
                                 * slices of one plane's columns may run beside another's */
    int sum_stride;
    uint32_t *xt;               /* the expansion's columns (lerp_pos), luma then chroma */
    uint16_t *hx;               /* the reduced rows expanded across, the box's three planes */
    size_t cap, sum_cap, xt_cap, hx_cap;
    /* what it drew last, kept while it holds still (see the top) */
    uint8_t *cache;             /* the box: luma rows, then chroma rows (NV12) or u, then v */
    size_t cache_cap;
    int cached;                 /* cache holds the box masked at place cplace, view cview */
    Place cplace;
    VxView cview;
    int reuse;                  /* this output: the cache written back, nothing masked */
    int alone;                  /* this output: no other mask shown overlaps it */
} Mask;

typedef struct Masks {
    Mask *m;
    int n;
    VxPicture prev_src;         /* the previous output's recording frame */
    const VxScene *scene;       /* the views over the screen's motion-blur shutter */
    double shutter;             /* seconds of recording time; 0: no motion blur */
    int keep;                   /* caches kept (with incremental compose, as the screen's) */
    VxBlendDSP dsp;             /* lerp16: the expansion down */
} Masks;

static int bad(VxContext *ctx, const char *file, const char *key, const char *why)
{
    return vx_fail(ctx, VX_ERR(EINVAL), "%s: masks%s: %s", file ? file : "project", key, why);
}

static int is_num(json_object *v)
{
    return json_object_is_type(v, json_type_int) || json_object_is_type(v, json_type_double);
}

static int get_rect(VxContext *ctx, const char *file, const char *key, json_object *v, double r[4])
{
    if (!json_object_is_type(v, json_type_array) || json_object_array_length(v) != 4)
        return bad(ctx, file, key, "expected [x, y, width, height] in recording pixels");
    for (int i = 0; i < 4; i++) {
        json_object *e = json_object_array_get_idx(v, (size_t)i);
        if (!is_num(e))
            return bad(ctx, file, key, "expected numbers [x, y, width, height]");
        r[i] = json_object_get_double(e);
        if (!isfinite(r[i]) || fabs(r[i]) > 65536 || (i >= 2 && !(r[i] > 0)))
            return bad(ctx, file, key, "x and y within +-65536, width and height above 0");
    }
    return 0;
}

static int get_time(VxContext *ctx, const char *file, const char *key, json_object *v, double *t)
{
    if (!is_num(v) || !isfinite(*t = json_object_get_double(v)) || *t < 0 || *t > 1e7)
        return bad(ctx, file, key, "expected a time in seconds of the recording, 0 or more");
    return 0;
}

static void spec_free(Spec *s)
{
    free(s->keys);
    s->keys = NULL;
}

/* masks[i] as a Spec, or an error naming its key. */
static int parse_one(VxContext *ctx, const char *file, json_object *o, int i, Spec *s)
{
    static const char *const keys[] = {"type", "shape", "rect", "start", "end", "keyframes",
                                       "radius", "block", NULL};
    char key[192];
    json_object *v;
    *s = (Spec){.end = INFINITY};
    snprintf(key, sizeof(key), "[%d]", i);
    if (!json_object_is_type(o, json_type_object))
        return bad(ctx, file, key, "expected an object {\"type\", \"shape\", \"rect\", ...}");
    json_object_object_foreach(o, k, val) {
        (void)val;
        int ok = 0;
        for (const char *const *p = keys; *p; p++)
            ok |= !strcmp(*p, k);
        if (!ok) {
            snprintf(key, sizeof(key), "[%d].%s", i, k);
            return bad(ctx, file, key, "unknown key");
        }
    }
    if (json_object_object_get_ex(o, "type", &v)) {
        const char *t = json_object_get_string(v);
        snprintf(key, sizeof(key), "[%d].type", i);
        if (!json_object_is_type(v, json_type_string) ||
            (strcmp(t, "blur") && strcmp(t, "pixelate")))
            return bad(ctx, file, key, "expected \"blur\" or \"pixelate\"");
        s->pixelate = !strcmp(t, "pixelate");
    }
    if (json_object_object_get_ex(o, "shape", &v)) {
        const char *t = json_object_get_string(v);
        snprintf(key, sizeof(key), "[%d].shape", i);
        if (!json_object_is_type(v, json_type_string) ||
            (strcmp(t, "rect") && strcmp(t, "ellipse")))
            return bad(ctx, file, key, "expected \"rect\" or \"ellipse\"");
        s->ellipse = !strcmp(t, "ellipse");
    }
    s->size = s->pixelate ? 16 : 12;
    const char *sk = s->pixelate ? "block" : "radius";
    if (json_object_object_get_ex(o, s->pixelate ? "radius" : "block", &v)) {
        snprintf(key, sizeof(key), "[%d].%s", i, s->pixelate ? "radius" : "block");
        return bad(ctx, file, key, s->pixelate ? "a pixelated mask has a \"block\", not a radius"
                                               : "a blurred mask has a \"radius\", not a block");
    }
    if (json_object_object_get_ex(o, sk, &v)) {
        snprintf(key, sizeof(key), "[%d].%s", i, sk);
        if (!is_num(v) || !((s->size = json_object_get_double(v)) >= 1 && s->size <= 512))
            return bad(ctx, file, key, "expected a number of recording pixels, 1 to 512");
    }
    snprintf(key, sizeof(key), "[%d].start", i);
    if (json_object_object_get_ex(o, "start", &v) && get_time(ctx, file, key, v, &s->start))
        return VX_ERR(EINVAL);
    snprintf(key, sizeof(key), "[%d].end", i);
    if (json_object_object_get_ex(o, "end", &v)) {
        if (get_time(ctx, file, key, v, &s->end))
            return VX_ERR(EINVAL);
        if (!(s->end > s->start))
            return bad(ctx, file, key, "must be after start");
    }
    snprintf(key, sizeof(key), "[%d].rect", i);
    if (json_object_object_get_ex(o, "rect", &v)) {
        if (get_rect(ctx, file, key, v, s->rect))
            return VX_ERR(EINVAL);
        s->has_rect = 1;
    }
    if (!json_object_object_get_ex(o, "keyframes", &v)) {
        if (!s->has_rect)
            return bad(ctx, file, key, "missing (or \"keyframes\")");
        return 0;
    }
    snprintf(key, sizeof(key), "[%d].keyframes", i);
    const size_t n = json_object_is_type(v, json_type_array) ? json_object_array_length(v) : 0;
    if (n < 1 || n > MAX_KEYS)
        return bad(ctx, file, key, "expected an array of 1 to 4096 {\"t\": seconds, \"rect\": "
                   "[x, y, width, height]}");
    if (!(s->keys = calloc(n, sizeof(*s->keys))))
        return VX_ERR(ENOMEM);
    s->n_keys = (int)n;
    for (size_t j = 0; j < n; j++) {
        json_object *e = json_object_array_get_idx(v, j), *f;
        snprintf(key, sizeof(key), "[%d].keyframes[%zu]", i, j);
        if (!json_object_is_type(e, json_type_object) || json_object_object_length(e) != 2 ||
            !json_object_object_get_ex(e, "t", &f) || !json_object_object_get_ex(e, "rect", &f))
            return bad(ctx, file, key, "expected {\"t\": seconds, \"rect\": [x, y, width, height]}");
        json_object_object_get_ex(e, "t", &f);
        snprintf(key, sizeof(key), "[%d].keyframes[%zu].t", i, j);
        if (get_time(ctx, file, key, f, &s->keys[j].t))
            return VX_ERR(EINVAL);
        if (j && !(s->keys[j].t > s->keys[j - 1].t)) {
            char why[128];
            snprintf(why, sizeof(why), "times must increase (%g comes after %g)", s->keys[j].t,
                     s->keys[j - 1].t);
            return bad(ctx, file, key, why);
        }
        json_object_object_get_ex(e, "rect", &f);
        snprintf(key, sizeof(key), "[%d].keyframes[%zu].rect", i, j);
        if (get_rect(ctx, file, key, f, s->keys[j].r))
            return VX_ERR(EINVAL);
    }
    return 0;
}

/* The whole section into m[0..*n), or an error naming the key. */
static int parse(VxContext *ctx, const char *file, json_object *o, Mask **m, int *n)
{
    *m = NULL, *n = 0;
    const size_t len = json_object_is_type(o, json_type_array) ? json_object_array_length(o) : 0;
    if (!json_object_is_type(o, json_type_array) || len > MAX_MASKS)
        return bad(ctx, file, "", "expected an array of at most 64 masks");
    if (!len)
        return 0;
    if (!(*m = calloc(len, sizeof(**m))))
        return VX_ERR(ENOMEM);
    for (size_t i = 0; i < len; i++) {
        int ret = parse_one(ctx, file, json_object_array_get_idx(o, i), (int)i, &(*m)[i].s);
        *n = (int)i + 1;
        if (ret < 0)
            return ret;
    }
    return 0;
}

static void free_masks(Mask *m, int n)
{
    for (int i = 0; i < n; i++) {
        spec_free(&m[i].s);
        free(m[i].a);
        free(m[i].b);
        free(m[i].sum);
        free(m[i].xt);
        free(m[i].hx);
        free(m[i].cache);
    }
    free(m);
}

static inline int clampi(int v, int lo, int hi) { return v < lo ? lo : v > hi ? hi : v; }

static int masks_check(VxContext *ctx, const char *file, json_object *section)
{
    Mask *m;
    int n;
    int ret = parse(ctx, file, section, &m, &n);
    free_masks(m, n);
    return ret;
}

/* The rectangle at recording time t: held before the first keyframe (or "rect" there) and
 * after the last, linear in between. */
static void rect_at(const Spec *s, double t, double r[4])
{
    if (!s->n_keys || (s->has_rect && t < s->keys[0].t)) {
        memcpy(r, s->rect, sizeof(s->rect));
        return;
    }
    int j = 0;
    while (j + 1 < s->n_keys && s->keys[j + 1].t <= t)
        j++;
    const Key *a = &s->keys[j];
    if (j + 1 >= s->n_keys || t <= a->t) {
        memcpy(r, a->r, sizeof(a->r));
        return;
    }
    const Key *b = &s->keys[j + 1];
    const double u = (t - a->t) / (b->t - a->t);
    for (int i = 0; i < 4; i++)
        r[i] = a->r[i] + (b->r[i] - a->r[i]) * u;
}

/* Where mask s is in the output shown through view v at recording time t. */
static Place place(const Spec *s, const VxView *v, double t)
{
    Place p = {0};
    if (t < s->start || t >= s->end)
        return p;
    double r[4];
    rect_at(s, t, r);
    p.ex0 = v->ox + (r[0] - v->sx0) * v->scale, p.ey0 = v->oy + (r[1] - v->sy0) * v->scale;
    p.ex1 = p.ex0 + r[2] * v->scale, p.ey1 = p.ey0 + r[3] * v->scale;
    const int cx0 = (v->clip_x0 + 1) & ~1, cy0 = (v->clip_y0 + 1) & ~1;
    const int cx1 = v->clip_x1 & ~1, cy1 = v->clip_y1 & ~1;
    const double x0 = fmax(floor(p.ex0 / 2) * 2, cx0), y0 = fmax(floor(p.ey0 / 2) * 2, cy0);
    const double x1 = fmin(ceil(p.ex1 / 2) * 2, cx1), y1 = fmin(ceil(p.ey1 / 2) * 2, cy1);
    if (!(x0 < x1 && y0 < y1))
        return p;
    p.box = (VxRect){(int)x0, (int)y0, (int)x1, (int)y1};
    p.on = 1;
    const double px = s->size * v->scale;
    p.r = s->pixelate ? 2 * (int)fmax(1, lrint(px / 2)) : (int)fmax(1, lrint(px));
    return p;
}

/* Field by field: the struct has padding. */
static int same_place(const Place *a, const Place *b)
{
    return a->on == b->on &&
           (!a->on || (!memcmp(&a->box, &b->box, sizeof(a->box)) && a->ex0 == b->ex0 &&
                       a->ey0 == b->ey0 && a->ex1 == b->ex1 && a->ey1 == b->ey1 && a->r == b->r));
}

static int masks_open(VxLayer *ly, const VxLayerOpen *o)
{
    if (!o->section)
        return 0;
    Masks *c = calloc(1, sizeof(*c));
    if (!c)
        return VX_ERR(ENOMEM);
    int ret = parse(o->ctx, NULL, o->section, &c->m, &c->n);
    /* a mask wholly outside the recording is a mistake, not a no-op */
    for (int i = 0; ret >= 0 && i < c->n; i++) {
        const Spec *s = &c->m[i].s;
        for (int j = -1; j < s->n_keys; j++) {
            if (j < 0 && !s->has_rect)
                continue;
            const double *r = j < 0 ? s->rect : s->keys[j].r;
            if (r[0] + r[2] <= 0 || r[1] + r[3] <= 0 || r[0] >= o->l->sw || r[1] >= o->l->sh) {
                char key[96], why[128];
                snprintf(key, sizeof(key), j < 0 ? "[%d].rect" : "[%d].keyframes[%d].rect", i, j);
                snprintf(why, sizeof(why), "[%g, %g, %g, %g] lies outside the recording (%dx%d)",
                         r[0], r[1], r[2], r[3], o->l->sw, o->l->sh);
                ret = bad(o->ctx, NULL, key, why);
                break;
            }
        }
    }
    if (ret < 0 || !c->n) {
        free_masks(c->m, c->n);
        free(c);
        return ret < 0 ? ret : 0;
    }
    ly->priv = c; /* within the screen rectangle: nothing outside */
    ly->sliced = 1;
    c->keep = o->incremental;
    c->scene = o->scene;
    vx_blend_dsp_init(&c->dsp, o->ctx->cpu_flags);
    if (o->scene && o->p->mb_screen > 0)
        c->shutter = o->p->mb_screen * vx_scene_frame_interval(o->scene);
    return 0;
}

/* Whether the recording samples the screen scales into box b through view v are the same in
 * pictures a and p: the box taken back into the recording, widened by the scaler's reach. */
static int same_under(const VxPicture *a, const VxPicture *p, const VxView *v, VxRect b)
{
    if (a->layout != p->layout || a->w != p->w || a->h != p->h || a->sub_x != p->sub_x ||
        a->sub_y != p->sub_y)
        return 0;
    /* the cubic's reach on the chroma plane (2 chroma samples, widened when shrinking) in luma
     * samples, and room for the chroma siting and the rounding */
    const double reach = 2 * ceil(2 * fmax(1, 1 / v->scale)) + 4;
    const int x0 = clampi((int)floor(v->sx0 + (b.x0 - v->ox) / v->scale - reach), 0, a->w);
    const int x1 = clampi((int)ceil(v->sx0 + (b.x1 - v->ox) / v->scale + reach), 0, a->w);
    const int y0 = clampi((int)floor(v->sy0 + (b.y0 - v->oy) / v->scale - reach), 0, a->h);
    const int y1 = clampi((int)ceil(v->sy0 + (b.y1 - v->oy) / v->scale + reach), 0, a->h);
    for (int y = y0; y < y1; y++)
        if (memcmp(a->data[0] + y * a->stride[0] + x0, p->data[0] + y * p->stride[0] + x0,
                   (size_t)(x1 - x0)))
            return 0;
    const int fx = (1 << a->sub_x) - 1, fy = (1 << a->sub_y) - 1;
    const int cx0 = x0 >> a->sub_x, cx1 = (x1 + fx) >> a->sub_x;
    const int cy0 = y0 >> a->sub_y, cy1 = (y1 + fy) >> a->sub_y;
    const int nv12 = a->layout == VX_LAYOUT_NV12;
    for (int q = 1; q < (nv12 ? 2 : 3); q++)
        for (int y = cy0; y < cy1; y++)
            if (memcmp(a->data[q] + y * a->stride[q] + (cx0 << nv12),
                       p->data[q] + y * p->stride[q] + (cx0 << nv12),
                       (size_t)(cx1 - cx0) << nv12))
                return 0;
    return 1;
}

static int same_view(const VxView *a, const VxView *b) { return !memcmp(a, b, sizeof(*a)); }

/* Box b into the changes r[0..*n) (at most max: the last one takes the rest). */
static void add_change(VxRect *r, int *n, int max, VxRect b)
{
    if (*n < max)
        r[(*n)++] = b;
    else
        vx_rect_union(&r[max - 1], b.x0, b.y0, b.x1, b.y1);
}

static int sharp(const Masks *c, const VxLayerFrame *fr);

/* Which shown masks are drawn alone (no other shown mask overlaps them) and which write back
 * the box they kept (reuse) in this output: those are what the layer covers (the screen need
 * not redraw under them). */
static void decide(VxLayer *ly, Masks *c, const VxLayerFrame *fr)
{
    ly->sliced = 1;
    for (int i = 0; i < c->n; i++) {
        Mask *m = &c->m[i];
        m->alone = 1;
        m->reuse = 0;
        if (!m->now.on)
            continue;
        for (int j = 0; j < i; j++) { /* overlapping masks are drawn one after the other */
            const VxRect a = m->now.box, b = c->m[j].now.box;
            if (c->m[j].now.on && a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1)
                ly->sliced = 0, m->alone = c->m[j].alone = 0;
        }
    }
    const int still_screen = sharp(c, fr);
    for (int i = 0; i < c->n; i++) {
        Mask *m = &c->m[i];
        m->alone &= still_screen;
        m->reuse = m->now.on && m->cached && m->alone && same_place(&m->now, &m->cplace) &&
                   same_view(&fr->v, &m->cview);
        if (m->reuse && ly->n_covers < VX_MAX_COVERS)
            ly->covers[ly->n_covers++] = m->now.box;
    }
}

static int masks_changes(VxLayer *ly, const VxLayerFrame *fr, VxRect *r, int max)
{
    Masks *c = ly->priv;
    int n = 0;
    if (max < 1)
        return VX_ERR(EINVAL);
    /* a cache is good while the recording under it stays the same, frame after frame */
    const int new_src = !c->prev_src.buf || !vx_picture_same(fr->src, &c->prev_src);
    for (int i = 0; i < c->n; i++) {
        Mask *m = &c->m[i];
        if (m->cached && new_src &&
            (!c->prev_src.buf || !same_under(fr->src, &c->prev_src, &m->cview, m->cplace.box)))
            m->cached = 0;
    }
    if (new_src) {
        vx_picture_unref(&c->prev_src);
        vx_picture_ref(&c->prev_src, fr->src);
    }
    for (int i = 0; i < c->n; i++) {
        Mask *m = &c->m[i];
        m->now = place(&m->s, &fr->v, fr->t_rec);
        if (same_place(&m->now, &m->last))
            continue;
        if (m->last.on)
            add_change(r, &n, max, m->last.box);
        if (m->now.on)
            add_change(r, &n, max, m->now.box);
    }
    decide(ly, c, fr);
    return n;
}

static int grow(void **p, size_t *cap, size_t need)
{
    if (need <= *cap)
        return 0;
    void *q = realloc(*p, need);
    if (!q)
        return VX_ERR(ENOMEM);
    *p = q, *cap = need;
    return 0;
}

/* One plane of a mask's box, and its scratch: nc components interleaved sample by sample (NV12's
 * chroma: u and v in turn, worked on together), or one (luma, a planar chroma). A blur works
 * on the plane reduced f times (the mean of each f x f block), blurred there with radius lr,
 * and brought back to full size bilinearly: the result is smooth at the scale of r anyway.
 * The blocks, of a blur's reduction or of a pixelated mask, are the output's: multiples of
 * their size from its top-left corner, cut by the box, whose first sample lies (gx, gy) into
 * its block. So where a mask moves over a still picture, what it draws away from its edges
 * stays the same: the blocks do not swim with it (and the encoder has only the edges to code). */
typedef struct Plane {
    uint8_t *d;            /* the box's first sample */
    ptrdiff_t stride;
    int nc, w, h;          /* w: samples of one component across */
    int r;                 /* blur radius or block size, samples */
    int f, lr, lw, lh;     /* blur: reduction, radius there, reduced size */
    uint8_t *a, *b;        /* lw x lh scratch each (times nc, interleaved as the plane) */
    const uint32_t *xt;    /* per column: reduced column << 8 | weight of the next (0..255) */
    uint16_t *hx;          /* lh x w (times nc): each reduced row brought across, in 256ths */
    double cx, cy, rx, ry; /* the ellipse in this plane's samples; rx = 0: the whole box */
    int gx, gy;            /* the box's first sample, into its block (see above) */
} Plane;

/* A blur's reduction of a w x h box at (x0, y0) of its plane. */
static void reduce_of(int x0, int y0, int w, int h, int r, Plane *p)
{
    p->r = r;
    p->f = r / 2 > 1 ? r / 2 : 1;
    p->lr = (int)lrint((double)r / p->f);
    p->lr = p->lr > 0 ? p->lr : 1;
    p->w = w, p->h = h;
    p->gx = x0 % p->f, p->gy = y0 % p->f;
    p->lw = (p->gx + w + p->f - 1) / p->f, p->lh = (p->gy + h + p->f - 1) / p->f;
}

/* The samples [*a, *b) of block i (size f) of a box whose first sample is g into block 0, and
 * n samples long. */
static inline void block_span(int i, int f, int g, int n, int *a, int *b)
{
    *a = i ? i * f - g : 0;
    *b = (i + 1) * f - g < n ? (i + 1) * f - g : n;
}

/* The planes a mask works on in d: luma and NV12's interleaved chroma, or luma, u and v. */
static int planes_of(const VxPlanes *d) { return d->step == 2 ? 2 : 3; }

static Plane plane_of(const Mask *m, const VxPlanes *dp, int p)
{
    const VxPlanes d = *dp;
    const Place *q = &m->now;
    const int s = p ? 1 : 0, nc = p ? d.step : 1;
    const int bw = q->box.x1 - q->box.x0, bh = q->box.y1 - q->box.y0;
    Plane pl = {0};
    if (m->s.pixelate) {
        pl.w = bw >> s, pl.h = bh >> s, pl.r = p ? q->r / 2 : q->r;
        pl.gx = (q->box.x0 >> s) % pl.r, pl.gy = (q->box.y0 >> s) % pl.r;
    } else {
        Plane l = {0}; /* copied whole into pl for luma: the ellipse fields must start empty */
        reduce_of(q->box.x0, q->box.y0, bw, bh, q->r, &l);
        reduce_of(q->box.x0 / 2, q->box.y0 / 2, bw / 2, bh / 2, (q->r + 1) / 2, &pl);
        const size_t nl = (size_t)l.lw * l.lh, nch = (size_t)pl.lw * pl.lh * nc;
        if (!p)
            pl = l;
        const size_t off = p ? nl + (size_t)(p - 1) * nch : 0;
        pl.a = m->a + off, pl.b = m->b + off;
        pl.xt = m->xt + (p ? (size_t)bw : 0);
        pl.hx = m->hx + (p ? (size_t)l.w * l.lh + (size_t)(p - 1) * pl.w * pl.lh * nc : 0);
    }
    pl.nc = nc;
    pl.stride = p ? d.suv : d.sy;
    uint8_t *base = p == 0 ? d.y : p == 1 ? d.u : d.v;
    pl.d = base + (q->box.y0 >> s) * pl.stride + (q->box.x0 >> s) * nc;
    if (m->s.ellipse) {
        const double k = p ? 0.5 : 1;
        pl.cx = ((q->ex0 + q->ex1) / 2 - q->box.x0) * k, pl.cy = ((q->ey0 + q->ey1) / 2 - q->box.y0) * k;
        pl.rx = (q->ex1 - q->ex0) / 2 * k, pl.ry = (q->ey1 - q->ey0) / 2 * k;
    }
    return pl;
}

/* Where output sample i (of n) falls between the reduced samples (block centres), f to one:
 * the lower one << 8 | the weight of the upper one, in 256ths. */
static uint32_t lerp_pos(int i, int f, int n)
{
    const int u = ((2 * i + 1) * 128) / f - 128; /* in 256ths of a reduced sample */
    if (u <= 0)
        return 0;
    const int j = u >> 8;
    return j >= n - 1 ? (uint32_t)(n - 1) << 8 : (uint32_t)j << 8 | (uint32_t)(u & 255);
}

/* Whether the screen is drawn with the view of t alone at recording time t (no motion blur, or
 * a view that holds still over the shutter): then what it draws depends on that view only. */
static int sharp(const Masks *c, const VxLayerFrame *fr)
{
    if (c->shutter <= 0)
        return 1;
    VxZoomView a, b;
    vx_scene_view_at(c->scene, fr->t_rec - c->shutter / 2, &a);
    vx_scene_view_at(c->scene, fr->t_rec + c->shutter / 2, &b);
    return !memcmp(&a, &fr->view, sizeof(a)) && !memcmp(&b, &fr->view, sizeof(b));
}

/* Copies mask m's box between the output and its cache (to_cache: into the cache). */
static void cache_copy(Mask *m, const VxPicture *dst, int to_cache)
{
    const VxPlanes d = vx_planes(dst);
    const VxRect b = m->now.box;
    const int bw = b.x1 - b.x0, bh = b.y1 - b.y0, cw = bw / 2, chh = bh / 2;
    uint8_t *k = m->cache;
    for (int y = 0; y < bh; y++, k += bw) {
        uint8_t *o = d.y + (b.y0 + y) * d.sy + b.x0;
        memcpy(to_cache ? k : o, to_cache ? o : k, (size_t)bw);
    }
    for (int q = 0; q < (d.step == 2 ? 1 : 2); q++) {
        uint8_t *base = q ? d.v : d.u;
        const int n = d.step == 2 ? bw : cw; /* NV12: u and v interleaved */
        for (int y = 0; y < chh; y++, k += n) {
            uint8_t *o = base + (b.y0 / 2 + y) * d.suv + (b.x0 / 2) * d.step;
            memcpy(to_cache ? k : o, to_cache ? o : k, (size_t)n);
        }
    }
}

static int masks_begin(VxLayer *ly, const VxLayerFrame *fr)
{
    Masks *c = ly->priv; /* where, alone, reuse: from changes (decide) */
    for (int i = 0; i < c->n; i++) {
        Mask *m = &c->m[i];
        if (!m->now.on)
            continue;
        if (m->reuse) {
            cache_copy(m, fr->dst, 0);
            continue;
        }
        if (m->s.pixelate)
            continue;
        const int bw = m->now.box.x1 - m->now.box.x0, bh = m->now.box.y1 - m->now.box.y0;
        Plane l, ch;
        const VxRect b = m->now.box;
        reduce_of(b.x0, b.y0, bw, bh, m->now.r, &l);
        reduce_of(b.x0 / 2, b.y0 / 2, bw / 2, bh / 2, (m->now.r + 1) / 2, &ch);
        const size_t need = (size_t)l.lw * l.lh + 2 * (size_t)ch.lw * ch.lh;
        size_t cap = m->cap;
        if (grow((void **)&m->a, &cap, need) < 0 || grow((void **)&m->b, &m->cap, need) < 0 ||
            grow((void **)&m->xt, &m->xt_cap, (size_t)(bw + bw / 2) * sizeof(*m->xt)) < 0 ||
            grow((void **)&m->hx, &m->hx_cap, ((size_t)l.w * l.lh + 2 * (size_t)ch.w * ch.lh) *
                 sizeof(*m->hx)) < 0 ||
            grow((void **)&m->sum, &m->sum_cap,
                 3 * (size_t)(l.lw > 2 * ch.lw ? l.lw : 2 * ch.lw) * sizeof(*m->sum)) < 0)
            return VX_ERR(ENOMEM);
        m->sum_stride = l.lw > 2 * ch.lw ? l.lw : 2 * ch.lw; /* NV12's chroma: u and v */
        for (int x = 0; x < bw; x++)
            m->xt[x] = lerp_pos(x + l.gx, l.f, l.lw);
        for (int x = 0; x < bw / 2; x++)
            m->xt[bw + x] = lerp_pos(x + ch.gx, ch.f, ch.lw);
    }
    return 0;
}

/* The samples of row y inside the shape, as [*lo, *hi). */
static void shape_span(const Plane *p, int y, int *lo, int *hi)
{
    *lo = 0, *hi = p->w;
    if (p->rx <= 0)
        return;
    const double dy = (y + 0.5 - p->cy) / p->ry;
    if (fabs(dy) >= 1) {
        *hi = 0;
        return;
    }
    const double hw = p->rx * sqrt(1 - dy * dy);
    const int a = (int)ceil(p->cx - hw - 0.5), b = (int)floor(p->cx + hw - 0.5) + 1;
    *lo = a > 0 ? a : 0, *hi = b < p->w ? b : p->w;
}

/* 65536 / (2r + 1), rounded: out = (sum * inv + 32768) >> 16 is the window's mean. At most
 * 255: sum <= 255 (2r + 1) makes it at most (255 * 65536 + 255 r + 32768) >> 16, which is 255
 * for r <= 128, and the passes run at the reduced radius lr <= 3 (reduce_of: r / f <= 3). */
static uint32_t inv_of(int r) { return (uint32_t)((65536 + r) / (2 * r + 1)); }
static inline uint8_t mean_of(uint32_t sum, uint32_t inv)
{
    return (uint8_t)((sum * inv + 32768) >> 16);
}

/* One horizontal box pass over n samples of each of nc interleaved components: out[i] = mean of
 * in[i - r .. i + r] (edges held), component by component. */
static void hbox(const uint8_t *in, uint8_t *out, int n, int nc, int r)
{
    const uint32_t inv = inv_of(r);
    /* [a, b): the window's both ends inside the row, no clamping */
    const int a = r < n ? r : n, b = n - 1 - r > a ? n - 1 - r : a;
    for (int c = 0; c < nc; c++) {
        const uint8_t *p = in + c;
        uint8_t *o = out + c;
        uint32_t s = 0;
        for (int j = -r; j <= r; j++)
            s += p[clampi(j, 0, n - 1) * nc];
        int i = 0;
        for (; i < a; i++) {
            o[i * nc] = mean_of(s, inv);
            s += (uint32_t)p[clampi(i + r + 1, 0, n - 1) * nc] - p[0];
        }
        for (; i < b; i++) {
            o[i * nc] = mean_of(s, inv);
            s += (uint32_t)p[(i + r + 1) * nc] - p[(i - r) * nc];
        }
        for (; i < n; i++) {
            o[i * nc] = mean_of(s, inv);
            s += (uint32_t)p[(n - 1) * nc] - p[clampi(i - r, 0, n - 1) * nc];
        }
    }
}

/* One vertical box pass over columns [x0, x1) of a w x h buffer. */
static void vbox(const uint8_t *in, uint8_t *out, uint32_t *sum, int w, int h, int r, int x0,
                 int x1)
{
    const uint32_t inv = inv_of(r);
    for (int x = x0; x < x1; x++)
        sum[x] = 0;
    for (int j = -r; j <= r; j++) {
        const uint8_t *row = in + (size_t)clampi(j, 0, h - 1) * w;
        for (int x = x0; x < x1; x++)
            sum[x] += row[x];
    }
    for (int y = 0; y < h; y++) {
        const uint8_t *add = in + (size_t)clampi(y + r + 1, 0, h - 1) * w;
        const uint8_t *sub = in + (size_t)clampi(y - r, 0, h - 1) * w;
        uint8_t *o = out + (size_t)y * w;
        for (int x = x0; x < x1; x++) {
            o[x] = mean_of(sum[x], inv);
            sum[x] += (uint32_t)add[x] - sub[x];
        }
    }
}

/* col[x]: the sum of the plane's column x over rows [y0, y1) (y1 > y0), its components'
 * columns in turn as the plane holds them. */
static void sum_columns(const Plane *p, int y0, int y1, uint32_t *col)
{
    const uint8_t *r = p->d + y0 * p->stride;
    const int n = p->w * p->nc;
    for (int x = 0; x < n; x++)
        col[x] = r[x];
    for (int y = y0 + 1; y < y1; y++) {
        r += p->stride;
        for (int x = 0; x < n; x++)
            col[x] += r[x];
    }
}

/* The means of block row [y0, y1)'s blocks of size f, first one g samples in, from its column
 * sums: out[i * nc + c] for block i of component c. (Inlined for nc 1 and 2 apart: block_means.) */
static inline void means_of(const Plane *p, const uint32_t *col, int f, int g, int y0, int y1,
                            uint8_t *out, const int nc)
{
    const int nb = (g + p->w + f - 1) / f;
    /* a whole block's (s + n / 2) / n by a multiply, without a division: with n < 2^20 and
     * m = 2^48 / n + 1 (over 2^48 / n by at most 1), (s + n / 2) m >> 48 is over the quotient
     * by less than 256 n / 2^48 < 1 / n (s + n / 2 < 256 n), less than what its fraction,
     * at most (n - 1) / n, lacks to reach the next integer: it is the quotient */
    const uint32_t nf = (uint32_t)(f * (y1 - y0));
    const uint64_t mf = nf < 1u << 20 ? ((uint64_t)1 << 48) / nf + 1 : 0;
    for (int i = 0; i < nb; i++) {
        int x0, x1;
        block_span(i, f, g, p->w, &x0, &x1);
        uint32_t s[2] = {0, 0};
        for (int x = x0; x < x1; x++)
            for (int c = 0; c < nc; c++)
                s[c] += col[x * nc + c];
        const uint32_t n = (uint32_t)((x1 - x0) * (y1 - y0));
        for (int c = 0; c < nc; c++)
            out[i * nc + c] = (uint8_t)(n == nf && mf ? (uint64_t)(s[c] + n / 2) * mf >> 48
                                                       : (s[c] + n / 2) / n);
    }
}

static void block_means(const Plane *p, const uint32_t *col, int f, int g, int y0, int y1,
                        uint8_t *out)
{
    if (p->nc == 2)
        means_of(p, col, f, g, y0, y1, out, 2);
    else
        means_of(p, col, f, g, y0, y1, out, 1);
}

/* Reduced row j: the mean of each f x f block of the plane (fewer at the right and bottom):
 * the block's rows summed down per column first, then each block's columns. */
static void reduce_row(const Plane *p, int j, uint8_t *out)
{
    uint32_t col[8192]; /* w * nc <= 8192: outputs at most 8192 wide */
    int y0, y1;
    block_span(j, p->f, p->gy, p->h, &y0, &y1);
    sum_columns(p, y0, y1, col);
    block_means(p, col, p->f, p->gx, y0, y1, out);
}

/* The blurred reduced plane (in b) brought back bilinearly, in two steps. Across first:
 * reduced rows [j0, j1) to full width, in 256ths (hx). Then down, output rows [y0, y1) inside
 * the shape. The products are the same as down-then-across, so is the result, with one
 * rounding; across costs reduced rows only, and down is the same blend at every sample. */
static inline void across_of(const Plane *p, int j0, int j1, const int nc)
{
    const int last = p->lw - 1;
    for (int j = j0; j < j1; j++) {
        const uint8_t *r = p->b + (size_t)j * p->lw * nc;
        uint16_t *h = p->hx + (size_t)j * p->w * nc;
        for (int x = 0; x < p->w; x++) {
            const uint32_t px = p->xt[x], fx = px & 255;
            const int i = (int)(px >> 8), i1 = i < last ? i + 1 : last;
            for (int c = 0; c < nc; c++)
                h[x * nc + c] = (uint16_t)(r[i * nc + c] * (256 - fx) + r[i1 * nc + c] * fx);
        }
    }
}

static void expand_across(const Plane *p, int j0, int j1)
{
    if (p->nc == 2)
        across_of(p, j0, j1, 2);
    else
        across_of(p, j0, j1, 1);
}

static void expand_rows(const Plane *p, const VxBlendDSP *dsp, int y0, int y1)
{
    const int nc = p->nc, n = p->w * nc;
    for (int y = y0; y < y1; y++) {
        int lo, hi;
        shape_span(p, y, &lo, &hi);
        if (lo >= hi)
            continue;
        lo *= nc, hi *= nc; /* bytes of the interleaved row */
        const uint32_t py = lerp_pos(y + p->gy, p->f, p->lh), fy = py & 255;
        uint8_t *o = p->d + y * p->stride;
        if (p->f == 1) { /* nothing reduced: the blurred plane itself */
            memcpy(o + lo, p->b + (size_t)(py >> 8) * n + lo, (size_t)(hi - lo));
            continue;
        }
        const uint16_t *h0 = p->hx + (size_t)(py >> 8) * n;
        dsp->lerp16(o + lo, h0 + lo, (fy ? h0 + n : h0) + lo, (int)fy, hi - lo);
    }
}

/* Block rows [j0, j1) of a pixelated plane (block size p->r samples): each block's mean. A
 * block row's columns are summed down first, then each block's columns; its means make one
 * row, copied into each of its rows inside the shape. */
static void pixelate(const Plane *p, int j0, int j1)
{
    const int bs = p->r, w = p->w, nc = p->nc, nb = (p->gx + w + bs - 1) / bs;
    uint32_t col[8192]; /* w * nc <= 8192: outputs at most 8192 wide */
    uint8_t mean[8192], line[8192];
    for (int j = j0; j < j1; j++) {
        int y0, y1;
        block_span(j, bs, p->gy, p->h, &y0, &y1);
        sum_columns(p, y0, y1, col);
        block_means(p, col, bs, p->gx, y0, y1, mean);
        for (int b = 0; b < nb; b++) {
            int x0, x1;
            block_span(b, bs, p->gx, w, &x0, &x1);
            if (nc == 1) {
                memset(line + x0, mean[b], (size_t)(x1 - x0));
                continue;
            }
            for (int x = x0; x < x1; x++)
                for (int c = 0; c < nc; c++)
                    line[x * nc + c] = mean[b * nc + c];
        }
        for (int y = y0; y < y1; y++) {
            int lo, hi;
            shape_span(p, y, &lo, &hi);
            if (lo < hi)
                memcpy(p->d + y * p->stride + lo * nc, line + lo * nc, (size_t)(hi - lo) * nc);
        }
    }
}

/* Phase 0: reduce and blur across (slices of reduced rows); phase 1: blur down (slices of
 * reduced columns); phase 2: expand the reduced rows across (slices of reduced rows); phase 3:
 * expand down into the output, and pixelate (slices of rows). */
static void masks_draw(VxLayer *ly, const VxLayerFrame *fr, int phase, int i, int k)
{
    Masks *c = ly->priv;
    const VxPlanes d = vx_planes(fr->dst);
    for (int n = 0; n < c->n; n++) {
        Mask *m = &c->m[n];
        if (!m->now.on || m->reuse)
            continue;
        for (int pi = 0; pi < planes_of(&d); pi++) {
            const Plane p = plane_of(m, &d, pi);
            if (p.w <= 0 || p.h <= 0)
                continue;
            int a, b;
            if (m->s.pixelate) {
                if (phase == 3) {
                    vx_slice_rows((p.gy + p.h + p.r - 1) / p.r, i, k, &a, &b);
                    pixelate(&p, a, b);
                }
            } else if (phase == 0) { /* reduced rows: three passes across, a -> b -> a -> b */
                vx_slice_rows(p.lh, i, k, &a, &b);
                const size_t n = (size_t)p.lw * p.nc;
                for (int y = a; y < b; y++) {
                    uint8_t *ra = p.a + (size_t)y * n, *rb = p.b + (size_t)y * n;
                    reduce_row(&p, y, ra);
                    hbox(ra, rb, p.lw, p.nc, p.lr);
                    hbox(rb, ra, p.lw, p.nc, p.lr);
                    hbox(ra, rb, p.lw, p.nc, p.lr);
                }
            } else if (phase == 1) { /* reduced columns: three passes down, b -> a -> b -> a */
                const int n = p.lw * p.nc; /* each component's columns alike */
                vx_slice_rows(n, i, k, &a, &b);
                uint32_t *sum = m->sum + (size_t)pi * m->sum_stride;
                vbox(p.b, p.a, sum, n, p.lh, p.lr, a, b);
                vbox(p.a, p.b, sum, n, p.lh, p.lr, a, b);
                vbox(p.b, p.a, sum, n, p.lh, p.lr, a, b);
            } else if (phase == 2) { /* across: reduced rows to full width */
                Plane q = p;
                q.b = p.a; /* the result */
                vx_slice_rows(p.lh, i, k, &a, &b);
                if (p.f > 1)
                    expand_across(&q, a, b);
            } else { /* down: the output rows */
                Plane q = p;
                q.b = p.a;
                vx_slice_rows(p.h, i, k, &a, &b);
                expand_rows(&q, &c->dsp, a, b);
            }
        }
    }
}

static int masks_end(VxLayer *ly, const VxLayerFrame *fr, VxRect *drawn)
{
    Masks *c = ly->priv;
    int k = 0; /* each mask's box */
    for (int i = 0; i < c->n; i++) {
        Mask *m = &c->m[i];
        if (m->now.on)
            vx_drawn_add(drawn, &k, m->now.box);
        /* a mask holding still keeps what it drew, for the outputs after */
        if (c->keep && m->now.on && !m->reuse && m->alone && same_place(&m->now, &m->last)) {
            const VxRect b = m->now.box;
            const size_t need = (size_t)(b.x1 - b.x0) * (b.y1 - b.y0) * 3 / 2;
            m->cached = grow((void **)&m->cache, &m->cache_cap, need) == 0;
            if (m->cached) {
                cache_copy(m, fr->dst, 1);
                m->cplace = m->now, m->cview = fr->v;
            }
        } else if (!m->reuse) {
            m->cached = 0;
        }
        m->last = m->now;
    }
    return 0;
}

static void masks_close(VxLayer *ly)
{
    Masks *c = ly->priv;
    if (c) {
        free_masks(c->m, c->n);
        vx_picture_unref(&c->prev_src);
    }
    free(c);
    ly->priv = NULL;
}

const VxLayerClass vx_layer_masks = {
    .name = "masks",
    .key = "masks",
    .check = masks_check,
    .open = masks_open,
    .changes = masks_changes,
    .begin = masks_begin,
    .phases = 4,
    .draw = masks_draw,
    .end = masks_end,
    .close = masks_close,
};
