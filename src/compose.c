/* The compositor: the loop over the stack of layers (layer.h), in the encoder's layout (NV12
 * or I420) from start to finish.
 *
 * What does not change per frame (the static layers: the background with its shadow) is
 * drawn once into the static picture, and every pooled output starts as a copy of it: the
 * pool recycles buffers, so what only the static layers cover never needs touching again.
 * Per output, every layer says what it changes; when none changes, the previous output is
 * shown again. Otherwise each layer draws, bottom first, phase by phase, in slices of rows on
 * the compositor's threads when it allows. A pooled buffer still holds an older output (its
 * generation, the buffer's tag): the layers that redraw only what changed (the screen) bring
 * it up to date from the previous output. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "compose.h"
#include "scene.h"
#include "thread.h"
#include "timeline.h"

#define VX_MAX_LAYERS 16
#define VX_MAX_SLICES 16 /* compose threads at most */
#define VX_MAX_CHANGES 8 /* rectangles a layer reports at most */

struct VxCompose {
    VxContext *ctx;
    VxLayout l;
    const VxScene *scene;
    int layout;             /* VX_LAYOUT_NV12 or VX_LAYOUT_PLANAR (I420) */
    size_t size;
    VxPicture stat;         /* the static picture */
    VxPicPool *pool;
    VxLayer layers[VX_MAX_LAYERS];
    int n;
    VxRect drawn[VX_MAX_LAYERS][VX_MAX_DRAWN]; /* what each layer drew over the previous output */
    VxRect above[VX_MAX_LAYERS * VX_MAX_DRAWN]; /* scratch: what the layers above one drew */
    VxRect covered[VX_MAX_LAYERS * VX_MAX_COVERS]; /* scratch: what they will cover */
    int incremental;
    VxPicture prev_out;     /* kept when incremental */
    int64_t frames, reused;
    VxComposeRows rows;
    VxWorkers *workers;     /* compose threads besides the caller's; NULL: none */
    const VxTimeline *fades; /* the timeline when it fades at cuts; NULL: it does not */
    VxPicPool *fade_pool;   /* faded copies (never the kept previous output) */
    /* "scenes": a compositor per layout the project uses besides "default" (this one), each
     * with its own geometry and project (the camera's box); NULL: not used */
    VxCompose *alt[VX_SCENE_LAYOUTS];
    VxProject *alt_p_own;   /* an alt compositor's project (its layers keep a pointer) */
    /* scenes that animate into or out of "split" (else NULL): the card draws the default
     * layout's layers below the camera, and the slide stack (layers/slide.c, then the camera
     * and the layers above it) moves the card's screen between the two layouts' rectangles */
    VxCompose *card, *slide;
    const VxSceneSpec *scenes;
    int n_scenes;
};

static double round_half_up(double v)
{
    return floor(v + 0.5);
}

int vx_layout_compute(VxContext *ctx, const VxProject *p, int sw, int sh, VxLayout *l)
{
    memset(l, 0, sizeof(*l));
    l->sw = sw, l->sh = sh;
    int W = p->width, H = p->height;
    if (!W && (p->res_short || p->aspect_w)) { /* the presets: output.resolution, .aspect */
        int M = (int)round_half_up(p->padding * (sw < sh ? sw : sh));
        const double cw = sw + 2 * M, ch = sh + 2 * M; /* the native canvas */
        const double aw = p->aspect_w ? p->aspect_w : cw, ah = p->aspect_w ? p->aspect_h : ch;
        const double s = p->res_short > 0 ? p->res_short
                         : p->aspect_w ? fmin(cw, ch) : 0; /* source: its own shorter side */
        if (s > 0) {
            W = 2 * (int)round_half_up(s * (aw > ah ? aw / ah : 1) / 2);
            H = 2 * (int)round_half_up(s * (ah > aw ? ah / aw : 1) / 2);
        }
    }
    if (W && H) {
        double m = p->padding * (W < H ? W : H);
        double s = fmin((W - 2 * m) / sw, (H - 2 * m) / sh);
        l->W = W, l->H = H;
        l->rw = (int)round_half_up(sw * s);
        l->rh = (int)round_half_up(sh * s);
        if (l->rw > W)
            l->rw = W;
        if (l->rh > H)
            l->rh = H;
        l->x = 2 * (int)round_half_up((W - l->rw) / 4.0);
        l->y = 2 * (int)round_half_up((H - l->rh) / 4.0);
        if (l->x + l->rw > W)
            l->x = (W - l->rw) & ~1;
        if (l->y + l->rh > H)
            l->y = (H - l->rh) & ~1;
    } else {
        int M = (int)round_half_up(p->padding * (sw < sh ? sw : sh));
        l->W = (sw + 2 * M + 1) & ~1;
        l->H = (sh + 2 * M + 1) & ~1;
        l->rw = sw, l->rh = sh;
        l->x = l->y = 2 * (int)round_half_up(M / 2.0);
        if (l->W > 16384 || l->H > 16384)
            return vx_fail(ctx, VX_ERR(EINVAL), "%s: its %dx%d with padding %.3f makes a %dx%d "
                           "output, larger than 16384 a side: set output.width and "
                           "output.height", p->screen, sw, sh, p->padding, l->W, l->H);
    }
    if (l->rw < 2 || l->rh < 2)
        return vx_fail(ctx, VX_ERR(EINVAL), "%s: the screen (%dx%d) would be %dx%d in the %dx%d "
                       "output with padding %.3f: it needs at least 2x2 pixels (set "
                       "output.width and output.height%s)", p->screen, sw, sh, l->rw, l->rh,
                       l->W, l->H, p->padding, p->padding > 0 ? ", or less padding" : "");
    l->matrix = vx_output_matrix(l->H);
    return 0;
}

static int even_floor(double v)
{
    return 2 * (int)floor(v / 2);
}

int vx_scene_layout(VxContext *ctx, const VxProject *p, const VxLayout *d, int layout,
                    VxLayout *l, VxCameraOpts *cam)
{
    *l = *d;
    *cam = p->camera;
    cam->box = 0;
    if (layout == VX_SCENE_SCREEN) {
        cam->path = NULL;
        return 0;
    }
    if (layout == VX_SCENE_CAMERA) {
        *cam = (VxCameraOpts){.path = p->camera.path, .shape = VX_SHAPE_SQUARE,
                              .mirror = p->camera.mirror, .offset = p->camera.offset,
                              .border_color = p->camera.border_color, .box = 1,
                              .bw = d->W & ~1, .bh = d->H & ~1};
        return 0;
    }
    if (layout != VX_SCENE_SPLIT)
        return 0;
    const int W = d->W, H = d->H, m = 2 * (int)round_half_up(p->padding * (W < H ? W : H) / 2);
    int cw, ch, cx, cy; /* the screen's cell; the camera's is the other one */
    if (W >= H) {
        cw = even_floor((W - 3 * m) / 2.0), ch = (H - 2 * m) & ~1;
        cx = W - m - cw, cy = m;
    } else {
        cw = (W - 2 * m) & ~1, ch = even_floor((H - 3 * m) / 2.0);
        cx = m, cy = H - m - ch;
    }
    if (cw < 2 || ch < 2)
        return vx_fail(ctx, VX_ERR(EINVAL), "scenes: a \"split\" layout leaves %dx%d cells in "
                       "the %dx%d output with padding %.3f: use less padding", cw, ch, W, H,
                       p->padding);
    const double s = fmin((double)cw / d->sw, (double)ch / d->sh);
    l->rw = (int)round_half_up(d->sw * s), l->rh = (int)round_half_up(d->sh * s);
    l->rw = l->rw > cw ? cw : l->rw < 2 ? 2 : l->rw;
    l->rh = l->rh > ch ? ch : l->rh < 2 ? 2 : l->rh;
    l->x = m + 2 * (int)round_half_up((cw - l->rw) / 4.0);
    l->y = m + 2 * (int)round_half_up((ch - l->rh) / 4.0);
    const int M = cw < ch ? cw : ch;
    cam->box = 1, cam->bx = cx, cam->by = cy, cam->bw = cw, cam->bh = ch;
    cam->shape = VX_SHAPE_ROUNDED;
    cam->radius = fmin(p->radius / M, 0.5);
    return 0;
}

/* The layout the scenes give at recording time t (transition 0: a switch at start and end). */
static int layout_at(const VxSceneSpec *sc, int n, double t)
{
    for (int i = 0; i < n && sc[i].start <= t; i++)
        if (t < sc[i].end)
            return sc[i].layout;
    return VX_SCENE_DEFAULT;
}

int vx_scenes_transition(const VxSceneSpec *sc, int n, double t, int *from, int *to, double *e)
{
    for (int i = 0; i < n && sc[i].start <= t; i++) {
        const double T = sc[i].transition;
        if (T <= 0)
            continue;
        /* into scene i, from the one that ends where it starts or from "default" */
        const int prev = i && sc[i - 1].end >= sc[i].start ? sc[i - 1].layout : VX_SCENE_DEFAULT;
        double d = fmin(T, sc[i].end - sc[i].start);
        if (sc[i].start > 0 && t < sc[i].start + d) { /* at 0 there is nothing to leave */
            *from = prev, *to = sc[i].layout, *e = vx_ease_in_out((t - sc[i].start) / d);
            return prev != sc[i].layout;
        }
        /* out of it into "default", unless the next scene starts where it ends (that one's
         * transition is the way out) */
        if (i + 1 < n && sc[i + 1].start <= sc[i].end)
            continue;
        d = i + 1 < n ? fmin(T, sc[i + 1].start - sc[i].end) : T;
        if (t >= sc[i].end && t < sc[i].end + d) {
            *from = sc[i].layout, *to = VX_SCENE_DEFAULT, *e = vx_ease_in_out((t - sc[i].end) / d);
            return sc[i].layout != VX_SCENE_DEFAULT;
        }
    }
    return 0;
}

/* Planes of a W x H picture of the layout in buf (64-byte aligned rows). */
static void set_planes(VxPicture *pic, uint8_t *buf, int layout, int W, int H)
{
    const ptrdiff_t sy = (W + 63) & ~63;
    pic->data[0] = buf, pic->stride[0] = sy;
    pic->data[1] = buf + sy * H;
    if (layout == VX_LAYOUT_NV12) {
        pic->stride[1] = pic->stride[2] = sy;
        pic->data[2] = pic->data[1] + 1;
    } else {
        const ptrdiff_t suv = ((W + 1) / 2 + 63) & ~63;
        pic->stride[1] = pic->stride[2] = suv;
        pic->data[2] = pic->data[1] + suv * ((H + 1) / 2);
    }
    pic->w = W, pic->h = H;
    pic->layout = layout;
    pic->sub_x = pic->sub_y = 1;
    pic->range = VX_RANGE_LIMITED;
}

/* The strides set_planes() gives, without its pointer arithmetic on NULL (undefined). */
static size_t frame_size(int layout, int W, int H)
{
    const size_t sy = (size_t)((W + 63) & ~63);
    const size_t suv = layout == VX_LAYOUT_NV12 ? sy : (size_t)(((W + 1) / 2 + 63) & ~63);
    const size_t luma = sy * H, ch = suv * ((H + 1) / 2);
    return luma + (layout == VX_LAYOUT_NV12 ? ch : 2 * ch);
}

/* A new pooled buffer: the static picture, once per buffer. */
static void pool_init(void *opaque, VxPicBuf *b)
{
    const VxCompose *c = opaque;
    memcpy(b->data, c->stat.buf->data, c->size);
    b->tag = 0;
}

/* Copies the rectangle r of the static picture into dst, outside the screen rectangle. */
static void restore_static(const VxCompose *c, VxPicture *dst, VxRect r)
{
    const VxLayout *l = &c->l;
    r.x0 &= ~1, r.y0 &= ~1;
    r = vx_rect_clip(r, l->W, l->H);
    if (vx_rect_empty(r))
        return;
    const VxPlanes d = vx_planes(dst), s = vx_planes(&c->stat);
    for (int y = r.y0; y < r.y1; y++) {
        const int in_rows = y >= l->y && y < l->y + l->rh;
        /* the screen's columns on this row are drawn by the screen; the rest is static */
        const int spans[2][2] = {{r.x0, in_rows ? (l->x < r.x1 ? l->x : r.x1) : r.x1},
                                 {in_rows ? (l->x + l->rw > r.x0 ? l->x + l->rw : r.x0) : r.x1,
                                  r.x1}};
        for (int k = 0; k < 2; k++) {
            int a = spans[k][0], b = spans[k][1];
            if (a >= b)
                continue;
            memcpy(d.y + y * d.sy + a, s.y + y * s.sy + a, (size_t)(b - a));
            if (y & 1)
                continue;
            /* chroma of the 2x2 blocks of these columns (the screen starts on even x) */
            const int ca = (a + 1) / 2, cb = (b + 1) / 2;
            const ptrdiff_t o = (y / 2) * d.suv;
            if (d.step == 2) {
                memcpy(d.u + o + 2 * ca, s.u + o + 2 * ca, (size_t)(cb - ca) * 2);
            } else {
                memcpy(d.u + o + ca, s.u + o + ca, (size_t)(cb - ca));
                memcpy(d.v + o + ca, s.v + o + ca, (size_t)(cb - ca));
            }
        }
    }
}

/* One layer's phases in slices, on the compositor's threads: one run of the pool, a barrier
 * between phases. */
typedef struct Task {
    VxLayer *ly;
    const VxLayerFrame *fr;
} Task;

#define VX_MAX_PHASES 4
#define PHASE(p)                                                  \
    static void run_phase##p(void *opaque, int i, int k)          \
    {                                                             \
        const Task *t = opaque;                                   \
        t->ly->cls->draw(t->ly, t->fr, p, i, k);                  \
    }
PHASE(0)
PHASE(1)
PHASE(2)
PHASE(3)
static const VxTaskFn run_phase[VX_MAX_PHASES] = {run_phase0, run_phase1, run_phase2,
                                                  run_phase3};


/* What the layers above layer i drew over the previous output, into fr. */
static void set_above(VxCompose *c, VxLayerFrame *fr, int i)
{
    fr->n_above = 0;
    for (int j = i + 1; j < c->n; j++)
        for (int k = 0; k < VX_MAX_DRAWN; k++)
            if (!vx_rect_empty(c->drawn[j][k]))
                c->above[fr->n_above++] = c->drawn[j][k];
    fr->above = c->above;
    fr->n_covered = 0;
    for (int j = i + 1; j < c->n; j++)
        for (int k = 0; k < c->layers[j].n_covers; k++)
            c->covered[fr->n_covered++] = c->layers[j].covers[k];
    fr->covered = c->covered;
}

/* n samples of src scaled towards `bias` by a / 256 into dst: bias + floor(((v - bias) * a +
 * 128) / 256) (docs/project-format.md, "Transitions at cuts"). */
static void fade_row(uint8_t *dst, const uint8_t *src, int n, int bias, int a)
{
    for (int i = 0; i < n; i++)
        dst[i] = (uint8_t)(bias + ((((int)src[i] - bias) * a + 128 + 65536) >> 8) - 256);
}

/* A new output from the faded-copies pool, planes set. */
static int copy_buffer(VxCompose *c, VxPicture *f, int matrix)
{
    memset(f, 0, sizeof(*f));
    if (!c->fade_pool && !(c->fade_pool = vx_picpool_create(c->size + 64, NULL, NULL)))
        return VX_ERR(ENOMEM);
    if (!(f->buf = vx_picpool_get(c->fade_pool)))
        return VX_ERR(ENOMEM);
    set_planes(f, f->buf->data, c->layout, c->l.W, c->l.H);
    f->matrix = matrix;
    f->id = f->buf;
    return 0;
}

/* *out, faded towards black by the timeline's fade at output time t, as a copy (the kept
 * previous output stays as drawn). Nothing happens where no fade is. */
static int apply_fade(VxCompose *c, double t, VxPicture *out)
{
    const double g = vx_timeline_fade(c->fades->segs, c->fades->n_segs, t);
    const int a = (int)lrint(g * 256);
    if (a >= 256)
        return 0;
    VxPicture f;
    int ret = copy_buffer(c, &f, out->matrix);
    if (ret < 0)
        return ret;
    const VxPlanes d = vx_planes(&f), s = vx_planes(out);
    const int W = c->l.W, H = c->l.H, cw = (W + 1) / 2;
    for (int y = 0; y < H; y++)
        fade_row(d.y + y * d.sy, s.y + y * s.sy, W, 16, a);
    for (int y = 0; y < (H + 1) / 2; y++) {
        if (d.step == 2) {
            fade_row(d.u + y * d.suv, s.u + y * s.suv, 2 * cw, 128, a);
        } else {
            fade_row(d.u + y * d.suv, s.u + y * s.suv, cw, 128, a);
            fade_row(d.v + y * d.suv, s.v + y * s.suv, cw, 128, a);
        }
    }
    vx_picture_unref(out);
    *out = f;
    return 0;
}

/* n samples: dst = a + floor(((b - a) * q + 128) / 256). */
static void mix_row(uint8_t *dst, const uint8_t *a, const uint8_t *b, int n, int q)
{
    for (int i = 0; i < n; i++)
        dst[i] = (uint8_t)(a[i] + ((((int)b[i] - a[i]) * q + 128 + 65536) >> 8) - 256);
}

int vx_compose_mix(VxCompose *c, const VxPicture *a, const VxPicture *b, double w,
                   VxPicture *out)
{
    const int q = (int)lrint((w < 0 ? 0 : w > 1 ? 1 : w) * 256);
    int ret = copy_buffer(c, out, a->matrix);
    if (ret < 0)
        return ret;
    const VxPlanes d = vx_planes(out), pa = vx_planes(a), pb = vx_planes(b);
    const int W = c->l.W, H = c->l.H, cw = (W + 1) / 2;
    for (int y = 0; y < H; y++)
        mix_row(d.y + y * d.sy, pa.y + y * pa.sy, pb.y + y * pb.sy, W, q);
    for (int y = 0; y < (H + 1) / 2; y++) {
        const ptrdiff_t o = y * d.suv;
        if (d.step == 2) {
            mix_row(d.u + o, pa.u + o, pb.u + o, 2 * cw, q);
        } else {
            mix_row(d.u + o, pa.u + o, pb.u + o, cw, q);
            mix_row(d.v + o, pa.v + o, pb.v + o, cw, q);
        }
    }
    return 0;
}

static int compose_one(VxCompose *c, const VxPicture *src, const VxZoomView *view, double t_rec,
                       double t, VxPicture *out);

int vx_compose_next(VxCompose *c, const VxPicture *src, const VxZoomView *view, double t_rec,
                    double t, VxPicture *out)
{
    int ret = compose_one(c, src, view, t_rec, t, out);
    if (ret >= 0 && c->fades && (ret = apply_fade(c, t, out)) < 0)
        vx_picture_unref(out);
    return ret;
}

/* One output as the layers draw it. */
static int compose_layers(VxCompose *c, const VxPicture *src, const VxZoomView *view,
                          double t_rec, double t, VxPicture *out)
{
    const VxLayout *l = &c->l;
    memset(out, 0, sizeof(*out));
    if (src->w != l->sw || src->h != l->sh)
        return vx_fail(c->ctx, VX_ERR(EINVAL), "the recording changes size mid-stream "
                       "(%dx%d, was %dx%d); not supported", src->w, src->h, l->sw, l->sh);
    if (src->sub_x != l->sub_x || src->sub_y != l->sub_y)
        return vx_fail(c->ctx, VX_ERR(EINVAL), "internal: source frame layout changed");
    const VxZoomView full = {0, 0, l->sw, l->sh};
    if (!view)
        view = &full;
    VxLayerFrame fr = {.t = t, .t_rec = t_rec, .view = *view, .src = src, .stat = &c->stat};
    fr.v = (VxView){view->x, view->y, l->rw / view->w, l->x, l->y, l->x, l->y, l->x + l->rw,
                    l->y + l->rh};
    fr.prev = c->prev_out.buf ? &c->prev_out : NULL;
    fr.seq = ++c->frames;
    fr.threads = vx_workers_count(c->workers);
    /* what changes; nothing: the previous output again */
    int changed = !c->incremental || !fr.prev;
    for (int i = 0; i < c->n; i++) {
        VxLayer *ly = &c->layers[i];
        if (!ly->cls->changes) {
            changed = 1;
            continue;
        }
        VxRect r[VX_MAX_CHANGES];
        set_above(c, &fr, i);
        ly->n_covers = 0;
        const int n = ly->cls->changes(ly, &fr, r, VX_MAX_CHANGES);
        if (n < 0)
            return n;
        changed |= n > 0;
    }
    if (!changed) {
        c->reused++;
        for (int i = 0; i < c->n; i++)
            if (c->layers[i].cls->reused)
                c->layers[i].cls->reused(&c->layers[i], &fr);
        vx_picture_ref(out, &c->prev_out);
        return 0;
    }
    VxPicture dst = c->stat;
    if (!(dst.buf = vx_picpool_get(c->pool)))
        return VX_ERR(ENOMEM);
    set_planes(&dst, dst.buf->data, c->layout, l->W, l->H);
    dst.matrix = l->matrix;
    dst.id = dst.buf;
    fr.dst = &dst;
    fr.gen = dst.buf->tag;
    /* what the layers may draw outside the screen comes back from the static picture (a
     * pooled buffer still holds an older output's there), then they draw */
    for (int i = 0; i < c->n; i++) {
        const VxRect r = c->layers[i].outside;
        int done = 0; /* within what a layer below brought back already */
        for (int j = 0; j < i && !done; j++)
            done = vx_rect_contains(c->layers[j].outside, r);
        if (!done)
            restore_static(c, &dst, r);
    }
    int ret = 0;
    for (int i = 0; i < c->n && ret >= 0; i++) {
        VxLayer *ly = &c->layers[i];
        set_above(c, &fr, i);
        if (ly->cls->begin && (ret = ly->cls->begin(ly, &fr)) < 0)
            break;
        if (ly->cls->phases > 0) {
            Task task = {ly, &fr};
            vx_workers_run(ly->sliced ? c->workers : NULL, run_phase, ly->cls->phases, &task);
        }
        VxRect drawn[VX_MAX_DRAWN] = {{0, 0, 0, 0}};
        if (ly->cls->end && (ret = ly->cls->end(ly, &fr, drawn)) < 0)
            break;
        memcpy(c->drawn[i], drawn, sizeof(drawn));
    }
    if (ret < 0) {
        vx_picture_unref(&dst);
        return ret;
    }
    if (c->incremental) {
        dst.buf->tag = c->frames;
        vx_picture_unref(&c->prev_out);
        vx_picture_ref(&c->prev_out, &dst);
    }
    *out = dst;
    return 0;
}

extern const VxLayerClass vx_layer_camera;

/* One output, by the compositor of the layout shown at t_rec. */
static int compose_one(VxCompose *c, const VxPicture *src, const VxZoomView *view, double t_rec,
                       double t, VxPicture *out)
{
    int k = c->n_scenes ? layout_at(c->scenes, c->n_scenes, t_rec) : VX_SCENE_DEFAULT;
    int from, to;
    double e;
    if (c->n_scenes && vx_scenes_transition(c->scenes, c->n_scenes, t_rec, &from, &to, &e)) {
        /* into or out of "split" the screen slides: the card's output is the slide stack's
         * recording */
        if (from == VX_SCENE_SPLIT || to == VX_SCENE_SPLIT) {
            VxPicture card;
            int ret = compose_layers(c->card, src, view, t_rec, t, &card);
            if (ret < 0)
                return ret;
            ret = compose_layers(c->slide, &card, NULL, t_rec, t, out);
            vx_picture_unref(&card);
            return ret;
        }
        /* else the default layout's compositor draws: its camera layer moves the camera
         * between the two layouts' boxes (the screen is where it is in both) */
        k = VX_SCENE_DEFAULT;
    }
    return compose_layers(c->alt[k] ? c->alt[k] : c, src, view, t_rec, t, out);
}

int vx_compose_frame(VxCompose *c, double t, const VxPicture *src, VxPicture *out)
{
    double t_rec = t;
    VxZoomView view = {0, 0, c->l.sw, c->l.sh};
    if (c->scene)
        vx_scene_at(c->scene, t, &t_rec, &view);
    return vx_compose_next(c, src, &view, t_rec, t, out);
}

void vx_compose_stats(const VxCompose *c, int64_t *frames, int64_t *reused, double *rows_scaled,
                      double *rows_copied)
{
    int64_t f = c->frames, r = c->reused;
    VxComposeRows rows = c->rows;
    /* the slide's outputs are counted once (the card draws the same ones), the card's rows */
    const VxCompose *more[VX_SCENE_LAYOUTS + 1] = {c->slide};
    for (int k = 0; k < VX_SCENE_LAYOUTS; k++)
        more[k + 1] = c->alt[k];
    for (int k = 0; k < VX_SCENE_LAYOUTS + 1; k++)
        if (more[k]) {
            f += more[k]->frames, r += more[k]->reused;
            rows.total += more[k]->rows.total, rows.scaled += more[k]->rows.scaled;
            rows.copied += more[k]->rows.copied;
        }
    if (c->card) {
        rows.total += c->card->rows.total, rows.scaled += c->card->rows.scaled;
        rows.copied += c->card->rows.copied;
    }
    *frames = f;
    *reused = r;
    *rows_scaled = rows.total ? (double)rows.scaled / rows.total : 1.0;
    *rows_copied = rows.total ? (double)rows.copied / rows.total : 0.0;
}

int vx_compose_set_threads(VxCompose *c, int n)
{
    vx_workers_free(&c->workers);
    n = n > VX_MAX_SLICES ? VX_MAX_SLICES : n;
    VxCompose *more[VX_SCENE_LAYOUTS + 2] = {c->card, c->slide};
    for (int k = 0; k < VX_SCENE_LAYOUTS; k++)
        more[k + 2] = c->alt[k];
    for (int k = 0; k < VX_SCENE_LAYOUTS + 2; k++) {
        int ret = more[k] ? vx_compose_set_threads(more[k], n) : 0;
        if (ret < 0)
            return ret;
    }
    return c->incremental ? vx_workers_create(n, &c->workers) : 0;
}

int vx_compose_threads(const VxCompose *c)
{
    return vx_workers_count(c->workers);
}

/* vx_compose_create_stack with the default layout's geometry base (NULL: l) for the layers */
static int create_stack(VxContext *ctx, const VxProject *p, const VxScene *scene,
                        const VxLayout *l, const VxLayout *base, int layout,
                        const VxLayerClass *const *stack, int n, VxCompose **out)
{
    *out = NULL;
    if (n > VX_MAX_LAYERS)
        return VX_ERR(EINVAL);
    VxCompose *c = calloc(1, sizeof(*c));
    if (!c)
        return VX_ERR(ENOMEM);
    c->ctx = ctx;
    c->l = *l;
    c->scene = scene;
    c->fades = scene && vx_scene_timeline(scene)->fades ? vx_scene_timeline(scene) : NULL;
    c->layout = layout;
    c->size = frame_size(layout, l->W, l->H);
    int ret = VX_ERR(ENOMEM);
    if (!(c->stat.buf = vx_picbuf_alloc(c->size)))
        goto fail;
    memset(c->stat.buf->data, 128, c->size); /* grey where no static layer draws */
    set_planes(&c->stat, c->stat.buf->data, layout, l->W, l->H);
    c->stat.matrix = l->matrix;
    c->incremental = !ctx->s.no_incremental;
    for (int i = 0; i < n; i++) {
        VxLayer *ly = &c->layers[c->n];
        memset(ly, 0, sizeof(*ly));
        ly->cls = stack[i];
        VxLayerOpen o = {ctx, p, vx_project_section(p, stack[i]->key), l, layout, &c->stat,
                         scene, c->incremental, &c->rows, base};
        if ((ret = ly->cls->open(ly, &o)) < 0)
            goto fail;
        if (!ly->priv)
            continue; /* not in this project */
        if (ly->cls->phases > VX_MAX_PHASES) {
            ly->cls->close(ly);
            ret = VX_ERR(EINVAL);
            goto fail;
        }
        c->incremental &= !ly->no_incremental;
        c->n++;
    }
    ret = VX_ERR(ENOMEM);
    if (!(c->pool = vx_picpool_create(c->size + 64, pool_init, c)))
        goto fail;
    *out = c;
    return 0;
fail:
    vx_compose_free(&c);
    return ret;
}

int vx_compose_create_stack(VxContext *ctx, const VxProject *p, const VxScene *scene,
                            const VxLayout *l, int layout, const VxLayerClass *const *stack,
                            int n, VxCompose **out)
{
    return create_stack(ctx, p, scene, l, NULL, layout, stack, n, out);
}

extern const VxLayerClass vx_layer_slide;

/* c->card and c->slide (see VxCompose) for a project whose scenes animate into or out of
 * "split"; the n layers of vx_layers. */
static int create_slide(VxContext *ctx, const VxProject *p, const VxScene *scene,
                        const VxLayout *l, int layout, int n, VxCompose *c)
{
    int split = 0, moves = 0;
    for (int i = 0; i < p->n_scenes; i++)
        split |= p->scenes[i].layout == VX_SCENE_SPLIT, moves |= p->scenes[i].transition > 0;
    if (!split || !moves)
        return 0;
    VxProject *q = malloc(sizeof(*q));
    if (!q)
        return VX_ERR(ENOMEM);
    *q = *p;
    q->n_scenes = 0;
    const VxLayerClass *below[VX_MAX_LAYERS], *above[VX_MAX_LAYERS];
    int nb = 0, na = 1, top = 0;
    above[0] = &vx_layer_slide;
    for (int j = 0; j < n && j < VX_MAX_LAYERS - 1; j++) {
        top |= vx_layers[j] == &vx_layer_camera;
        if (top)
            above[na++] = vx_layers[j];
        else
            below[nb++] = vx_layers[j];
    }
    int ret = create_stack(ctx, q, scene, l, NULL, layout, below, nb, &c->card);
    if (ret < 0) {
        free(q);
        return ret;
    }
    c->card->alt_p_own = q;
    /* the slide stack's "recording" is the card's output: W x H, no screen rectangle of its
     * own (its slide layer draws the whole frame) */
    VxLayout whole = *l;
    whole.x = whole.y = whole.rw = whole.rh = 0;
    whole.sw = l->W, whole.sh = l->H, whole.sub_x = whole.sub_y = 1;
    return create_stack(ctx, p, scene, &whole, l, layout, above, na, &c->slide);
}

int vx_compose_create(VxContext *ctx, const VxProject *p, const VxScene *scene,
                      const VxLayout *l, int layout, VxCompose **out)
{
    int n = 0;
    while (vx_layers[n])
        n++;
    int ret = vx_compose_create_stack(ctx, p, scene, l, layout, vx_layers, n, out);
    VxCompose *c = *out;
    /* a compositor per other layout the scenes use, with the layout's geometry */
    for (int i = 0; ret >= 0 && i < p->n_scenes; i++) {
        const int k = p->scenes[i].layout;
        if (k == VX_SCENE_DEFAULT || c->alt[k])
            continue;
        VxProject *q = NULL;
        VxLayout lk;
        VxCameraOpts cam;
        if ((ret = vx_scene_layout(ctx, p, l, k, &lk, &cam)) < 0 ||
            !(q = malloc(sizeof(*q)))) {
            ret = ret < 0 ? ret : VX_ERR(ENOMEM);
            break;
        }
        *q = *p;
        q->camera = cam;
        q->n_scenes = 0;
        /* under the full-frame camera only the static picture is left: the layers below it
         * that draw per output (the screen, cursor, masks, annotations) are not opened */
        const VxLayerClass *stack[VX_MAX_LAYERS];
        int m = 0, above = k != VX_SCENE_CAMERA;
        for (int j = 0; j < n && m < VX_MAX_LAYERS; j++) {
            above |= vx_layers[j] == &vx_layer_camera;
            if (above || !vx_layers[j]->draw)
                stack[m++] = vx_layers[j];
        }
        if ((ret = vx_compose_create_stack(ctx, q, scene, &lk, layout, stack, m,
                                           &c->alt[k])) < 0) {
            free(q);
            break;
        }
        c->alt[k]->alt_p_own = q;
    }
    if (ret >= 0)
        ret = create_slide(ctx, p, scene, l, layout, n, c);
    if (ret >= 0 && p->n_scenes)
        c->scenes = p->scenes, c->n_scenes = p->n_scenes;
    if (ret < 0)
        vx_compose_free(out);
    return ret;
}

void vx_compose_free(VxCompose **pc)
{
    if (!pc || !*pc)
        return;
    VxCompose *c = *pc;
    for (int k = 0; k < VX_SCENE_LAYOUTS; k++)
        vx_compose_free(&c->alt[k]);
    vx_compose_free(&c->card);
    vx_compose_free(&c->slide);
    vx_workers_free(&c->workers);
    vx_picture_unref(&c->prev_out);
    for (int i = c->n - 1; i >= 0; i--)
        c->layers[i].cls->close(&c->layers[i]);
    vx_picpool_free(&c->pool);
    vx_picpool_free(&c->fade_pool);
    vx_picture_unref(&c->stat);
    free(c->alt_p_own);
    free(c);
    *pc = NULL;
}
