/* The slide layer: the screen moving into or out of a "split" cell (docs/project-format.md,
 * "Scenes"). It is not in the stack of layers/registry.c: the compositor opens it, for a
 * project whose scenes animate into or out of "split", at the bottom of a stack of its own
 * (this, then the camera and the layers above it), and draws those transitions' outputs with
 * it. That stack's "recording" is the output of another compositor, of the default layout's
 * geometry and the layers below the camera only: the screen rectangle as it is drawn there,
 * with its zoom, cursor, masks and annotations, is "the card".
 *
 * Per output it draws, over the whole frame: the background without the screen's shadow
 * (rendered once, at open, by the background layer into this stack's static picture, which
 * the compositor copies in), the shadow of the screen rectangle of the moment, the border
 * around it (by the border layer's own open, into this output), and the card scaled into
 * that rectangle with its corners rounded. The rectangle is the two layouts'
 * screen rectangles interpolated by the eased progress. Not incremental: every output of a
 * transition moves. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../layer.h"
#include "../scale.h"

extern const VxLayerClass vx_layer_background, vx_layer_border;

typedef struct Slide {
    const VxSceneSpec *scenes;
    int n_scenes;
    int W, H, matrix;
    VxLayerOpen bo;            /* the border layer's open, drawn at each output's rectangle */
    VxLayout bl;
    double rect[VX_SCENE_LAYOUTS][4]; /* each layout's screen rectangle x, y, w, h */
    double radius;             /* the screen's corner radius (project pixels) */
    int shadow;
    double sh_blur, sh_dx, sh_dy, sh_opacity;
    uint8_t sh_ycc[3];
    VxScaleDSP sdsp;
    VxBlendDSP bdsp;
    int bx, by, bw, bh;        /* this output's screen rectangle (even), the card's box */
    /* the card's scalers, for the box size they were built for, and its scaled planes */
    VxPlaneScaler ly, lc;
    int fit_w, fit_h, fit_sw, fit_sh;
    uint8_t *buf;
    size_t cap;
    int32_t *prof; /* the shadow's two edge profiles */
    size_t prof_cap;
} Slide;

static int even(double v)
{
    return 2 * (int)floor(v / 2 + 0.5);
}

static int slide_open(VxLayer *ly, const VxLayerOpen *o)
{
    const VxLayout *d = o->base ? o->base : o->l;
    Slide *s = calloc(1, sizeof(*s));
    if (!s)
        return VX_ERR(ENOMEM);
    s->scenes = o->p->scenes, s->n_scenes = o->p->n_scenes;
    s->W = o->l->W, s->H = o->l->H, s->matrix = o->l->matrix;
    vx_scale_dsp_init(&s->sdsp, o->ctx->cpu_flags);
    vx_blend_dsp_init(&s->bdsp, o->ctx->cpu_flags);
    /* the border layer's open, at each output's rectangle in bl (nothing here points into the
     * caller's frame after open) */
    s->bl = *d;
    s->bo = *o;
    s->bo.section = vx_project_section(o->p, "border");
    s->bo.l = &s->bl, s->bo.base = NULL;
    /* the screen rectangle of each layout: "split" its cell's, the others the default one */
    VxLayout split;
    VxCameraOpts cam;
    int ret = vx_scene_layout(o->ctx, o->p, d, VX_SCENE_SPLIT, &split, &cam);
    if (ret < 0) {
        free(s);
        return ret;
    }
    for (int k = 0; k < VX_SCENE_LAYOUTS; k++) {
        const VxLayout *r = k == VX_SCENE_SPLIT ? &split : d;
        const double v[4] = {r->x, r->y, r->rw, r->rh};
        memcpy(s->rect[k], v, sizeof(v));
    }
    s->radius = o->p->radius;
    s->shadow = o->p->shadow && o->p->sh_opacity > 0;
    s->sh_blur = o->p->sh_blur, s->sh_dx = o->p->sh_dx, s->sh_dy = o->p->sh_dy;
    s->sh_opacity = o->p->sh_opacity;
    const int rgb[3] = {(int)lrint(o->p->sh_color.r * 255), (int)lrint(o->p->sh_color.g * 255),
                        (int)lrint(o->p->sh_color.b * 255)};
    vx_rgb_ycbcr(s->matrix, rgb, s->sh_ycc);
    /* the background without the screen's shadow, over the whole frame (no screen hides any
     * of it), into this stack's static picture */
    VxProject bare = *o->p;
    bare.shadow = 0;
    VxLayout whole = *o->l;
    whole.x = whole.y = whole.rw = whole.rh = 0;
    VxLayer bg = {.cls = &vx_layer_background};
    VxLayerOpen bo = *o;
    bo.p = &bare, bo.l = &whole, bo.section = NULL;
    if ((ret = vx_layer_background.open(&bg, &bo)) < 0) {
        free(s);
        return ret;
    }
    vx_layer_background.close(&bg);
    ly->priv = s;
    ly->outside = (VxRect){0, 0, s->W, s->H}; /* every output starts as the background */
    ly->no_incremental = 1;
    return 0;
}

static int slide_changes(VxLayer *ly, const VxLayerFrame *fr, VxRect *r, int max)
{
    (void)fr;
    const Slide *s = ly->priv;
    if (max < 1)
        return VX_ERR(EINVAL);
    r[0] = (VxRect){0, 0, s->W, s->H};
    return 1;
}

/* gx[i], i in [0, n): the share of a gaussian of sigma centred on sample x0 + i + 0.5 that
 * falls in [a, b), in 1/65536. */
static void edge_profile(int32_t *gx, int x0, int n, double a, double b, double sigma)
{
    const double k = 1 / (sigma * sqrt(2.0));
    for (int i = 0; i < n; i++) {
        const double c = x0 + i + 0.5;
        gx[i] = (int32_t)lrint(32768 * (erf((c - a) * k) - erf((c - b) * k)));
    }
}

/* v mixed towards c by a / 65536 (a: the alpha, opacity included). */
static inline uint8_t shade(int v, int c, int64_t a)
{
    return (uint8_t)(v + (int)(((c - v) * a + 32768 + ((int64_t)255 << 16)) >> 16) - 255);
}

/* Mixes the shadow of the screen rectangle of this output into dst: the rectangle (offset,
 * square corners) blurred by a gaussian of sigma = blur / 2, which is the product of two
 * blurred edges, alpha = opacity gx(x) gy(y), towards the shadow's colour, luma at each
 * sample, chroma at its even luma sample. Not under the card's inside (drawn over it). */
static int draw_shadow(Slide *s, const VxPicture *dst)
{
    const double sigma = s->sh_blur / 2 > 0.25 ? s->sh_blur / 2 : 0.25;
    const double x0 = s->bx + s->sh_dx, y0 = s->by + s->sh_dy;
    const int reach = (int)ceil(4 * sigma) + 1;
    int xa = (int)floor(x0) - reach, xb = (int)ceil(x0 + s->bw) + reach;
    int ya = (int)floor(y0) - reach, yb = (int)ceil(y0 + s->bh) + reach;
    xa = xa < 0 ? 0 : xa & ~1, ya = ya < 0 ? 0 : ya & ~1;
    xb = xb > s->W ? s->W : xb, yb = yb > s->H ? s->H : yb;
    if (xa >= xb || ya >= yb)
        return 0;
    const int nx = xb - xa, ny = yb - ya;
    if ((size_t)(nx + ny) > s->prof_cap) {
        free(s->prof);
        s->prof_cap = (size_t)(nx + ny);
        if (!(s->prof = malloc(s->prof_cap * sizeof(*s->prof)))) {
            s->prof_cap = 0;
            return VX_ERR(ENOMEM);
        }
    }
    int32_t *gx = s->prof, *gy = s->prof + nx;
    edge_profile(gx, xa, nx, x0, x0 + s->bw, sigma);
    edge_profile(gy, ya, ny, y0, y0 + s->bh, sigma);
    const int64_t op = (int64_t)lrint(s->sh_opacity * 65536);
    /* the card's inside, which it covers whole: its box inset past the rounded corners */
    const int band = (int)ceil(s->radius) + 2;
    const int ix0 = s->bx + 2, ix1 = s->bx + s->bw - 2, iy0 = s->by + band,
              iy1 = s->by + s->bh - band;
    const VxPlanes d = vx_planes(dst);
    for (int y = ya; y < yb; y++) {
        const int64_t ay = op * gy[y - ya] >> 16;
        if (ay <= 0)
            continue;
        uint8_t *py = d.y + y * d.sy;
        const int chroma = !(y & 1);
        uint8_t *pu = d.u + (y / 2) * d.suv, *pv = d.v + (y / 2) * d.suv;
        const int inside = y >= iy0 && y < iy1 && ix0 < ix1;
        for (int x = xa; x < xb; x++) {
            if (inside && x >= ix0 && x < ix1)
                x = ix1; /* under the card */
            if (x >= xb)
                break;
            const int64_t a = ay * gx[x - xa] >> 16;
            py[x] = shade(py[x], s->sh_ycc[0], a);
            if (chroma && !(x & 1)) {
                uint8_t *u = pu + (x / 2) * d.step, *v = pv + (x / 2) * d.step;
                *u = shade(*u, s->sh_ycc[1], a);
                *v = shade(*v, s->sh_ycc[2], a);
            }
        }
    }
    return 0;
}

/* The card (the default screen rectangle of src) scaled into the box
 * and drawn over dst through the box's rounded rectangle. */
static int draw_card(Slide *s, const VxPicture *src, const VxPicture *dst)
{
    const double *D = s->rect[VX_SCENE_DEFAULT];
    const int cx = (int)D[0], cy = (int)D[1], cw = (int)D[2], ch = (int)D[3];
    const int bw = s->bw, bh = s->bh, step = dst->layout == VX_LAYOUT_NV12 ? 2 : 1;
    if (bw < 2 || bh < 2 || cw < 2 || ch < 2)
        return 0;
    if (s->fit_w != bw || s->fit_h != bh || s->fit_sw != cw || s->fit_sh != ch) {
        vx_plane_scaler_free(&s->ly);
        vx_plane_scaler_free(&s->lc);
        s->fit_w = 0;
        /* luma sample i at the card's (i + 0.5) rx - 0.5; chroma (left-sited, centred
         * vertically) column i at luma 2i, row j at 2j + 0.5, on the card's chroma grid */
        const double rx = (double)cw / bw, ry = (double)ch / bh;
        if (vx_plane_scaler_init(&s->ly, &s->sdsp, cw, ch, bw, bh, rx, 0.5 * rx - 0.5, ry,
                                 0.5 * ry - 0.5) < 0 ||
            vx_plane_scaler_init(&s->lc, &s->sdsp, (cw + 1) / 2, (ch + 1) / 2, bw / 2, bh / 2,
                                 rx, (0.5 * rx - 0.5) / 2, ry, 0.5 * ry - 0.5) < 0)
            return VX_ERR(ENOMEM);
        s->fit_w = bw, s->fit_h = bh, s->fit_sw = cw, s->fit_sh = ch;
    }
    const size_t luma = (size_t)bw * bh, chroma = (size_t)(bw / 2) * (bh / 2);
    if (luma + 2 * chroma + bw > s->cap) {
        /* room for the largest card at once: it grows on every output of a slide out */
        free(s->buf);
        s->cap = (size_t)s->W * s->H + 2 * (size_t)(s->W / 2) * (s->H / 2) + s->W;
        s->cap = s->cap < luma + 2 * chroma + bw ? luma + 2 * chroma + bw : s->cap;
        if (!(s->buf = malloc(s->cap))) {
            s->cap = 0;
            return VX_ERR(ENOMEM);
        }
    }
    const VxPlanes p = vx_planes(src), d = vx_planes(dst);
    uint8_t *by = s->buf, *bu = s->buf + luma, *bv = bu + chroma, *cov = bu + 2 * chroma;
    vx_plane_scale(&s->ly, p.y + cy * p.sy + cx, p.sy, 1, by, bw, 1);
    const ptrdiff_t so = (cy / 2) * p.suv + (cx / 2) * p.step;
    if (step == 2) {
        vx_plane_scale_uv(&s->lc, p.u + so, p.suv, bu, bw);
    } else {
        vx_plane_scale(&s->lc, p.u + so, p.suv, 1, bu, bw / 2, 1);
        vx_plane_scale(&s->lc, p.v + so, p.suv, 1, bv, bw / 2, 1);
    }
    const double r = fmin(s->radius, fmin(bw, bh) / 2.0);
    vx_rrect_cover_plane(&s->bdsp, d.y + s->by * d.sy + s->bx, d.sy, by, bw, bw, bh, 1, 1, 0.5,
                         bw, bh, r, cov);
    const ptrdiff_t co = (s->by / 2) * d.suv + (s->bx / 2) * d.step;
    if (step == 2) {
        vx_rrect_cover_plane(&s->bdsp, d.u + co, d.suv, bu, bw, bw / 2, bh / 2, 2, 2, 1.0, bw,
                             bh, r, cov);
    } else {
        vx_rrect_cover_plane(&s->bdsp, d.u + co, d.suv, bu, bw / 2, bw / 2, bh / 2, 1, 2, 1.0,
                             bw, bh, r, cov);
        vx_rrect_cover_plane(&s->bdsp, d.v + co, d.suv, bv, bw / 2, bw / 2, bh / 2, 1, 2, 1.0,
                             bw, bh, r, cov);
    }
    return 0;
}

static int slide_begin(VxLayer *ly, const VxLayerFrame *fr)
{
    Slide *s = ly->priv;
    int a = VX_SCENE_DEFAULT, b = VX_SCENE_DEFAULT;
    double e = 0;
    vx_scenes_transition(s->scenes, s->n_scenes, fr->t_rec, &a, &b, &e);
    double v[4];
    for (int k = 0; k < 4; k++)
        v[k] = s->rect[a][k] + (s->rect[b][k] - s->rect[a][k]) * e;
    s->bx = even(v[0]), s->by = even(v[1]), s->bw = even(v[2]), s->bh = even(v[3]);
    int ret = s->shadow ? draw_shadow(s, fr->dst) : 0;
    if (ret >= 0 && s->bo.section) {
        /* the border around this output's rectangle, as the border layer draws it at rest */
        s->bl.x = s->bx, s->bl.y = s->by, s->bl.rw = s->bw, s->bl.rh = s->bh;
        s->bo.stat = fr->dst;
        VxLayer b = {.cls = &vx_layer_border};
        if ((ret = vx_layer_border.open(&b, &s->bo)) >= 0 && b.priv)
            vx_layer_border.close(&b);
    }
    return ret < 0 ? ret : draw_card(s, fr->src, fr->dst);
}

static int slide_end(VxLayer *ly, const VxLayerFrame *fr, VxRect *drawn)
{
    (void)fr;
    const Slide *s = ly->priv;
    *drawn = (VxRect){0, 0, s->W, s->H};
    return 0;
}

static void slide_close(VxLayer *ly)
{
    Slide *s = ly->priv;
    if (s) {
        vx_plane_scaler_free(&s->ly);
        vx_plane_scaler_free(&s->lc);
        free(s->buf);
        free(s->prof);
    }
    free(s);
    ly->priv = NULL;
}

const VxLayerClass vx_layer_slide = {
    .name = "slide",
    .open = slide_open,
    .changes = slide_changes,
    .begin = slide_begin,
    .end = slide_end,
    .close = slide_close,
};
