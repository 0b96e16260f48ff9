/* The screen layer: the recording scaled into its rectangle (through the zoom view), with
 * rounded corners blended over the static picture through coverage masks.
 *
 * Incrementally, only what changed since the previous source frame is rescaled. The pooled
 * buffer an output is drawn into still holds an older output (its generation), so what the
 * outputs in between changed (remembered for VX_HISTORY outputs) is copied over from the
 * previous output, and nothing else: a still screen costs no copy at all. What the layers
 * above drew over the previous output is brought back under them, but where one of them
 * overwrites it whole again in this output (fr->covered: a mask that writes back the box it
 * kept): from what the screen drew there in the previous output, kept at its end (the layers
 * above draw where they drew before, mostly), where that covers it and the view is the same,
 * and the outputs that read changed source samples are rescaled as everywhere; else by
 * rescaling it.
 *
 * With threads, an output is drawn in slices of rows: first each slice's source rows (change
 * search, horizontal pass), then, once all are done, each slice's output rows (vertical pass,
 * copies). A scaled screen only; bit-exact either way. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../dsp/blend.h"
#include "../dsp/diff.h"
#include "../layer.h"
#include "../scale.h"
#include "../scene.h"

#define VX_MAX_SLICES 16

typedef VxPlanes Planes;

/* The screen's corner radius, at most half its smaller side. */
static double clamp_radius(const VxProject *p, const VxLayout *l)
{
    double r = p->radius, lim = (l->rw < l->rh ? l->rw : l->rh) / 2.0;
    return r > lim ? lim : r;
}

/* Outputs whose changes are remembered: a pooled buffer at most this many outputs old is
 * brought up to date by copying only what changed since; an older one, whole. */
#define VX_HISTORY 8

/* Where an output differs from the one before it, inside the screen rectangle. */
typedef struct Change {
    int64_t seq;  /* the output (VxCompose.frames) this describes; 0: none */
    int full;     /* all of it may have */
    VxSpans y, c; /* per rectangle row, luma and chroma samples: [lo, hi), empty when lo >= hi */
} Change;



#define VX_BLUR_MAX 16 /* views per output at most */

/* A motion-blurred output's views (blur_begin). */
typedef struct Blur {
    int n;
    VxZoomView view[VX_BLUR_MAX];
    VxPlaneScaler y[VX_BLUR_MAX], c[VX_BLUR_MAX]; /* each view's luma and chroma scalers */
    uint8_t built[VX_BLUR_MAX];
    uint8_t err[2 * VX_MAX_SLICES]; /* by slice: a scaler (phase 0) or a ring (phase 1) failed */
    VxScaleRing ring[VX_MAX_SLICES]; /* by slice, kept between outputs */
} Blur;

/* A rectangle of what the screen drew, kept (see Screen.under). */
typedef struct Kept {
    VxRect y, uv; /* luma and chroma samples, rectangle-relative */
    size_t at;    /* where its bytes start in under */
} Kept;

typedef struct Screen {
    VxContext *ctx;
    VxLayout l;
    VxComposeRows *rows;
    VxPlanes sp;          /* planes of the static picture */
    VxScaleDSP sdsp;
    VxBlendDSP bdsp;
    VxDiffDSP ddsp;
    VxPlaneScaler sy, sc; /* luma and chroma scalers (chroma used for u and v) */
    /* zoom: scalers for the current zoomed view (zoomed), and what the previous output used */
    VxPlaneScaler zy, zc;
    VxZoomView zview;     /* the view zy/zc were built for */
    int have_zoom;
    VxZoomView prev_view;
    int prev_zoomed;      /* previous output used zy/zc */
    int cw, ch;           /* chroma rectangle size */
    /* coverage masks of the corner bands: rows [0, by) and [rh - by, rh) */
    int by, bc;
    uint8_t *my, *mc;     /* (2 * by) x rw and (2 * bc) x cw */
    uint8_t *my_full, *mc_full; /* 1 if that band row is all 255 */
    /* incremental compose: only what changed since the previous source frame is rescaled */
    int incremental;
    VxPicture prev_src;
    VxSpans chg_y, chg_c;   /* changed samples per source row (luma, chroma) */
    VxSpans wr_y, wr_c;     /* samples written per output row of the rectangle */
    VxScaleKeep ky, ku, kv; /* the kept horizontal pass of each plane */
    uint8_t *force_y, *force_c; /* rectangle rows that cross corners: always redrawn */
    Change hist[VX_HISTORY];    /* the last outputs' changes, by seq % VX_HISTORY */
    VxSpans stale_y, stale_c;   /* scratch: what changed since the buffer's output */
    /* the output being drawn */
    int64_t seq;
    const VxRect *above;
    int n_above;
    const VxRect *covered; /* what the layers above overwrite whole in this output */
    int n_covered;
    /* what the screen drew under the layers above (where they drew over the output before),
     * kept at its end for the next output: rectangle-relative luma rectangles, clipped to it,
     * each at its offset into `under` (its luma rows, then its chroma rows: u and v
     * interleaved as NV12 holds them, or the u rows then the v rows) */
    uint8_t *under;
    size_t under_cap;
    struct Kept *kept;
    int n_kept, kept_cap;
    int64_t kept_seq;     /* the output they are from; 0: none */
    int *restore;         /* per rectangle above: the kept one it lies in (brought back), or -1 */
    int restore_cap;
    int changed;  /* drawn incrementally */
    int zoomed;
    struct Slices *f;
    /* motion blur (docs/project-format.md, motion_blur): the views over the shutter */
    const VxScene *scene;
    double shutter;       /* seconds of recording time; 0: off */
    int blurred;          /* the output was averaged over several views: from begin on this
                           * one (blur_begin), before it (changes) the previous one */
    uint16_t *acc;        /* sums of the rectangle's samples: luma rw x rh, then chroma */
    Blur bl;              /* the views of the output being drawn */
} Screen;

/* Coverage masks for the rows of the rectangle that cross rounded corners (or, for chroma of
 * an odd-height rectangle, its half-covered last row). */
static int build_masks(Screen *c, const VxProject *p)
{
    const VxLayout *l = &c->l;
    const double r = clamp_radius(p, l);
    c->by = (int)ceil(r) + 1;
    if (2 * c->by > l->rh)
        c->by = (l->rh + 1) / 2;
    c->bc = (int)ceil(r / 2) + 2;
    if (2 * c->bc > c->ch)
        c->bc = (c->ch + 1) / 2;
    c->my = malloc((size_t)2 * c->by * l->rw);
    c->mc = malloc((size_t)2 * c->bc * c->cw);
    c->my_full = malloc((size_t)2 * c->by);
    c->mc_full = malloc((size_t)2 * c->bc);
    if (!c->my || !c->mc || !c->my_full || !c->mc_full)
        return VX_ERR(ENOMEM);
    for (int b = 0; b < 2 * c->by; b++) {
        int j = b < c->by ? b : l->rh - 2 * c->by + b;
        uint8_t *m = c->my + (size_t)b * l->rw;
        int full = 1;
        for (int i = 0; i < l->rw; i++) {
            m[i] = vx_q8(255 * vx_rrect_coverage(l->x + i + 0.5, l->y + j + 0.5, l->x, l->y, l->rw,
                                           l->rh, r));
            full &= m[i] == 255;
        }
        c->my_full[b] = (uint8_t)full;
    }
    for (int b = 0; b < 2 * c->bc; b++) {
        int j = b < c->bc ? b : c->ch - 2 * c->bc + b;
        uint8_t *m = c->mc + (size_t)b * c->cw;
        int full = 1;
        for (int i = 0; i < c->cw; i++) {
            m[i] = vx_q8(255 * vx_rrect_coverage(l->x + 2 * i + 0.5, l->y + 2 * j + 1.0, l->x, l->y,
                                           l->rw, l->rh, r));
            full &= m[i] == 255;
        }
        c->mc_full[b] = (uint8_t)full;
    }
    return 0;
}


static int spans_alloc(VxSpans *s, int rows)
{
    s->lo = calloc((size_t)rows, sizeof(int));
    s->hi = calloc((size_t)rows, sizeof(int));
    return s->lo && s->hi ? 0 : VX_ERR(ENOMEM);
}

static void spans_free(VxSpans *s)
{
    free(s->lo), free(s->hi);
    s->lo = s->hi = NULL;
}

/* Empties rows [a, b) of s. */
static void spans_clear(VxSpans *s, int a, int b)
{
    memset(s->lo + a, 0, sizeof(int) * (b - a));
    memset(s->hi + a, 0, sizeof(int) * (b - a));
}

/* Widens row j of s to cover [lo, hi). */
static void span_add(VxSpans *s, int j, int lo, int hi)
{
    if (lo >= hi)
        return;
    if (s->lo[j] >= s->hi[j]) {
        s->lo[j] = lo, s->hi[j] = hi;
    } else {
        s->lo[j] = s->lo[j] < lo ? s->lo[j] : lo;
        s->hi[j] = s->hi[j] > hi ? s->hi[j] : hi;
    }
}

/* Luma and chroma scalers that map the source rectangle v (source pixels, fractional) onto
 * the screen rectangle. */
static int scalers_init(Screen *c, const VxZoomView *v, VxPlaneScaler *sy, VxPlaneScaler *sc)
{
    const VxLayout *l = &c->l;
    const double rx = v->w / l->rw, ry = v->h / l->rh;
    const double ox = v->x + 0.5 * rx - 0.5, oy = v->y + 0.5 * ry - 0.5;
    if (vx_plane_scaler_init(sy, &c->sdsp, l->sw, l->sh, l->rw, l->rh, rx, ox, ry, oy) < 0)
        return VX_ERR(ENOMEM);
    /* output chroma column i sits at luma 2i (left-sited), row j at luma 2j + 0.5; mapped to
     * source luma by the luma rule, then onto the source's chroma grid (spacing fx, fy,
     * sample 0 at cx, cy): a left-sited 4:2:0 source at native size is exactly a copy */
    const int fx = 1 << l->sub_x, fy = 1 << l->sub_y;
    if (vx_plane_scaler_init(sc, &c->sdsp, (l->sw + fx - 1) / fx, (l->sh + fy - 1) / fy, c->cw,
                             c->ch, 2 * rx / fx, (ox - l->cx) / fx, 2 * ry / fy,
                             (oy + 0.5 * ry - l->cy) / fy) < 0) {
        vx_plane_scaler_free(sy);
        return VX_ERR(ENOMEM);
    }
    return 0;
}


/* The corner band rows in [r0, r1) of a plane of `rows` rows. */
static void blend_bands(Screen *c, uint8_t *dst, const uint8_t *under, ptrdiff_t stride,
                        int step, const uint8_t *masks, const uint8_t *full, int bands,
                        int rows, int w, int r0, int r1)
{
    for (int b = 0; b < 2 * bands; b++) {
        int j = b < bands ? b : rows - 2 * bands + b;
        if (full[b] || j < r0 || j >= r1)
            continue;
        c->bdsp.mask(dst + j * stride, under + j * stride, masks + (size_t)b * w, step, w);
    }
}

/* Planes of a source frame: y, u, v with their strides, and the chroma step (NV12
 * interleaves u and v). */
typedef struct SrcPlanes {
    const uint8_t *y, *u, *v;
    ptrdiff_t sy, su, sv;
    int step;
} SrcPlanes;

static SrcPlanes src_planes(const VxPicture *f)
{
    SrcPlanes p = {f->data[0], f->data[1], f->data[2],
                   f->stride[0], f->stride[1], f->stride[2], 1};
    if (f->layout == VX_LAYOUT_NV12)
        p.v = f->data[1] + 1, p.sv = f->stride[1], p.step = 2;
    return p;
}

/* Planes of an output frame, and the offsets of the screen rectangle in them. */
static Planes dst_planes(const Screen *c, const VxPicture *dst, ptrdiff_t *oy, ptrdiff_t *ouv)
{
    Planes d = vx_planes(dst);
    *oy = c->l.y * d.sy + c->l.x;
    *ouv = (c->l.y / 2) * d.suv + (c->l.x / 2) * d.step;
    return d;
}

/* Blends the rows that cross rounded corners with the static layer (each such row must have
 * been drawn whole, so it blends once), of luma rows [a, b) and chroma rows [ca, cb). */
static void blend_corners(Screen *c, const Planes *d, ptrdiff_t oy, ptrdiff_t ouv, int a, int b,
                          int ca, int cb)
{
    const VxLayout *l = &c->l;
    blend_bands(c, d->y + oy, c->sp.y + oy, d->sy, 1, c->my, c->my_full, c->by, l->rh, l->rw,
                a, b);
    blend_bands(c, d->u + ouv, c->sp.u + ouv, d->suv, d->step, c->mc, c->mc_full, c->bc, c->ch,
                c->cw, ca, cb);
    blend_bands(c, d->v + ouv, c->sp.v + ouv, d->suv, d->step, c->mc, c->mc_full, c->bc, c->ch,
                c->cw, ca, cb);
}

/* Whether d's u and v are interleaved, as NV12 holds them. */
static int interleaved(const Planes *d)
{
    return d->step == 2 && d->v == d->u + 1;
}

/* The channels the chroma scaler works in: 2 from NV12 into NV12, else 1. */
static int chroma_channels(const SrcPlanes *s, const Planes *d)
{
    return s->step == 2 && d->step == 2 ? 2 : 1;
}

/* Luma rows [a, b) and chroma rows [ca, cb) of the screen rectangle scaled from src into dst
 * with the rings ry and rc (the scalers prepared for the layout: compose_full). */
static void compose_band(Screen *c, const VxPlaneScaler *sy, const VxPlaneScaler *sc,
                         VxScaleRing *ry, VxScaleRing *rc, const VxPicture *src, VxPicture *dst,
                         int a, int b, int ca, int cb)
{
    ptrdiff_t oy, ouv;
    const Planes d = dst_planes(c, dst, &oy, &ouv);
    const SrcPlanes s = src_planes(src);
    vx_plane_scale_band(sy, ry, a, b, s.y, s.sy, 1, d.y + oy, d.sy, 1);
    if (s.step == 2 && d.step == 2) { /* NV12 into NV12: both chroma channels in one pass */
        vx_plane_scale_uv_band(sc, rc, ca, cb, s.u, s.su, d.u + ouv, d.suv);
    } else if (s.step == 1 && d.step == 2) { /* I420 into NV12 */
        vx_plane_scale_to_uv_band(sc, rc, ca, cb, s.u, s.su, s.v, s.sv, d.u + ouv, d.suv);
    } else {
        vx_plane_scale_band(sc, rc, ca, cb, s.u, s.su, s.step, d.u + ouv, d.suv, d.step);
        vx_plane_scale_band(sc, rc, ca, cb, s.v, s.sv, s.step, d.v + ouv, d.suv, d.step);
    }
    blend_corners(c, &d, oy, ouv, a, b, ca, cb);
}

/* The scalers' tables for the layout of src into dst (before bands share them). */
static void prepare_scalers(VxPlaneScaler *sy, VxPlaneScaler *sc, const VxPicture *src,
                            const VxPicture *dst)
{
    const SrcPlanes s = src_planes(src);
    const Planes d = vx_planes(dst);
    /* if it fails, the kernels take their other path */
    vx_plane_scaler_prepare(sy, 1);
    vx_plane_scaler_prepare(sc, chroma_channels(&s, &d));
}

static void compose_full(Screen *c, VxPlaneScaler *sy, VxPlaneScaler *sc,
                         const VxPicture *src, VxPicture *dst)
{
    prepare_scalers(sy, sc, src, dst);
    compose_band(c, sy, sc, &sy->ring, &sc->ring, src, dst, 0, c->l.rh, 0, c->ch);
}

/* Widens the changed spans of source rows [lo, hi) so that every output of the plane in
 * columns [a, b) and rows [r0, r1) (rectangle-relative, in that plane's samples) is
 * recomputed: each of them reads at least one sample marked changed. */
static void mark_outputs(const VxPlaneScaler *s, VxSpans *chg, int a, int b, int r0, int r1,
                         int lo, int hi)
{
    if (a >= b || r0 >= r1)
        return;
    const int x0 = s->h.pos[a], x1 = s->h.pos[b - 1] + s->h.taps;
    int y0 = s->v.pos[r0], y1 = s->v.pos[r1 - 1] + s->v.taps;
    y0 = y0 > lo ? y0 : lo, y1 = y1 < hi ? y1 : hi;
    for (int y = y0; y < y1; y++)
        span_add(chg, y, x0, x1);
}

/* Whether r lies inside one of the rectangles the layers above overwrite in this output. */
static int covered(const Screen *c, const VxRect *r)
{
    for (int i = 0; i < c->n_covered; i++)
        if (vx_rect_contains(c->covered[i], *r))
            return 1;
    return 0;
}

/* What a layer above drew, r (output pixels), in the rectangle (rectangle-relative): the luma
 * samples, y, and the chroma samples it may have changed, uv (chroma sample i covers luma
 * columns 2i - 1 .. 2i + 1, left-sited, rows 2j and 2j + 1). Returns 0 when it lies outside. */
static int overlay_box(const Screen *c, const VxRect *r, VxRect *y, VxRect *uv)
{
    const VxLayout *l = &c->l;
    int a = r->x0 - l->x, b = r->x1 - l->x, r0 = r->y0 - l->y, r1 = r->y1 - l->y;
    a = a < 0 ? 0 : a, r0 = r0 < 0 ? 0 : r0;
    b = b > l->rw ? l->rw : b, r1 = r1 > l->rh ? l->rh : r1;
    if (a >= b || r0 >= r1)
        return 0;
    const int cb = (b + 2) / 2, cr1 = (r1 + 1) / 2;
    *y = (VxRect){a, r0, b, r1};
    *uv = (VxRect){a / 2, r0 / 2, cb > c->cw ? c->cw : cb, cr1 > c->ch ? c->ch : cr1};
    return 1;
}

/* The screen under what the overlays drew over the previous output must be redrawn (but where
 * a layer above overwrites it whole again: a kept mask, or where what the screen drew there
 * is brought back: c->restore): marks source rows [y0, y1) and chroma rows [c0, c1). */
static void mark_overlays(Screen *c, const VxPlaneScaler *sy, const VxPlaneScaler *sc,
                          int y0, int y1, int c0, int c1)
{
    for (int i = 0; i < c->n_above; i++) {
        VxRect by, buv;
        if (c->restore[i] >= 0 || covered(c, &c->above[i]) ||
            !overlay_box(c, &c->above[i], &by, &buv))
            continue;
        mark_outputs(sy, &c->chg_y, by.x0, by.x1, by.y0, by.y1, y0, y1);
        mark_outputs(sc, &c->chg_c, buv.x0, buv.x1, buv.y0, buv.y1, c0, c1);
    }
}

/* The bytes of kept rectangle y (luma) with chroma uv: nv12, u and v interleaved. */
static size_t kept_size(VxRect y, VxRect uv)
{
    return (size_t)(y.x1 - y.x0) * (y.y1 - y.y0) + (size_t)2 * (uv.x1 - uv.x0) * (uv.y1 - uv.y0);
}

/* Keeps what the screen drew under the rectangles of the layers above (they mostly draw there
 * again over this output), for the next output; none when out of memory. */
static void keep_under(Screen *c, const VxPicture *dst)
{
    ptrdiff_t oy, ouv;
    const Planes d = dst_planes(c, dst, &oy, &ouv);
    const int nv12 = interleaved(&d);
    c->kept_seq = 0, c->n_kept = 0;
    size_t need = 0;
    for (int i = 0; i < c->n_above; i++) {
        VxRect by, buv;
        if (!covered(c, &c->above[i]) && overlay_box(c, &c->above[i], &by, &buv))
            need += kept_size(by, buv);
    }
    if (!need)
        return;
    if (c->kept_cap < c->n_above) {
        Kept *k = realloc(c->kept, sizeof(*k) * (size_t)c->n_above);
        if (!k)
            return;
        c->kept = k, c->kept_cap = c->n_above;
    }
    if (need > c->under_cap) {
        uint8_t *u = realloc(c->under, need);
        if (!u)
            return;
        c->under = u, c->under_cap = need;
    }
    size_t at = 0;
    for (int i = 0; i < c->n_above; i++) {
        VxRect by, buv;
        if (covered(c, &c->above[i]) || !overlay_box(c, &c->above[i], &by, &buv))
            continue;
        c->kept[c->n_kept++] = (Kept){by, buv, at};
        const int w = by.x1 - by.x0, cw = buv.x1 - buv.x0;
        for (int j = by.y0; j < by.y1; j++, at += (size_t)w)
            memcpy(c->under + at, d.y + oy + j * d.sy + by.x0, (size_t)w);
        for (int j = buv.y0; j < buv.y1; j++) {
            const ptrdiff_t o = ouv + j * d.suv;
            if (nv12) {
                memcpy(c->under + at, d.u + o + 2 * buv.x0, (size_t)2 * cw);
            } else {
                for (int x = 0; x < cw; x++)
                    c->under[at + x] = d.u[o + (ptrdiff_t)(buv.x0 + x) * d.step];
                for (int x = 0; x < cw; x++)
                    c->under[at + cw + x] = d.v[o + (ptrdiff_t)(buv.x0 + x) * d.step];
            }
            at += (size_t)2 * cw;
        }
    }
    c->kept_seq = c->seq;
}

/* Which rectangles above this output brings back from what was kept (c->restore): those that
 * lie inside one kept at the output before, drawn through the same view (c->changed). */
static int plan_restore(Screen *c)
{
    if (c->restore_cap < c->n_above) {
        int *r = realloc(c->restore, sizeof(*r) * (size_t)c->n_above);
        if (!r)
            return VX_ERR(ENOMEM);
        c->restore = r, c->restore_cap = c->n_above;
    }
    for (int i = 0; i < c->n_above; i++) {
        VxRect by, buv;
        c->restore[i] = -1;
        if (!c->changed || c->kept_seq != c->seq - 1 || covered(c, &c->above[i]) ||
            !overlay_box(c, &c->above[i], &by, &buv))
            continue;
        for (int k = 0; k < c->n_kept && c->restore[i] < 0; k++)
            if (vx_rect_contains(c->kept[k].y, by))
                c->restore[i] = k;
    }
    return 0;
}

/* Copies samples [a, b) of an output row (`step` bytes apart) from row k, whose first sample
 * is sample k0 of the row (the previous output's row: 0; a kept rectangle's: its left edge),
 * except those in [lo, hi), just written. */
static void copy_around(uint8_t *d, const uint8_t *k, int k0, int step, int a, int b, int lo,
                        int hi)
{
    const int e = lo < hi && lo < b ? lo : b, s = lo < hi ? (hi > a ? hi : a) : b;
    if (a < e) /* left of [lo, hi), or all */
        memcpy(d + (ptrdiff_t)a * step, k + (ptrdiff_t)(a - k0) * step, (size_t)(e - a) * step);
    if (s < b) /* right of it */
        memcpy(d + (ptrdiff_t)s * step, k + (ptrdiff_t)(s - k0) * step, (size_t)(b - s) * step);
}

/* Output rows [j0, j1) and chroma rows [q0, q1) of the rectangles brought back: what was kept,
 * but the samples just rescaled (those read changed source samples); then they count as
 * written (this output differs from the one before there). */
static void restore_rows(Screen *c, const Planes *d, ptrdiff_t oy, ptrdiff_t ouv, int j0, int j1,
                         int q0, int q1)
{
    const int nv12 = interleaved(d);
    for (int i = 0; i < c->n_above; i++) {
        VxRect by, buv;
        if (c->restore[i] < 0 || !overlay_box(c, &c->above[i], &by, &buv))
            continue;
        const Kept *kp = &c->kept[c->restore[i]];
        const int kw = kp->y.x1 - kp->y.x0, kcw = kp->uv.x1 - kp->uv.x0;
        const uint8_t *ku = c->under + kp->at + (size_t)kw * (kp->y.y1 - kp->y.y0);
        const int ya = by.y0 > j0 ? by.y0 : j0, yb = by.y1 < j1 ? by.y1 : j1;
        for (int j = ya; j < yb; j++) {
            const uint8_t *k = c->under + kp->at + (size_t)(j - kp->y.y0) * kw;
            copy_around(d->y + oy + j * d->sy, k, kp->y.x0, 1, by.x0, by.x1, c->wr_y.lo[j],
                        c->wr_y.hi[j]);
        }
        const int qa = buv.y0 > q0 ? buv.y0 : q0, qb = buv.y1 < q1 ? buv.y1 : q1;
        for (int j = qa; j < qb; j++) {
            const uint8_t *k = ku + (size_t)(j - kp->uv.y0) * 2 * kcw;
            const ptrdiff_t o = ouv + j * d->suv;
            const int lo = c->wr_c.lo[j], hi = c->wr_c.hi[j];
            if (nv12) {
                copy_around(d->u + o, k, kp->uv.x0, 2, buv.x0, buv.x1, lo, hi);
            } else {
                for (int x = buv.x0; x < buv.x1; x++)
                    if (lo >= hi || x < lo || x >= hi) {
                        d->u[o + (ptrdiff_t)x * d->step] = k[x - kp->uv.x0];
                        d->v[o + (ptrdiff_t)x * d->step] = k[kcw + x - kp->uv.x0];
                    }
            }
        }
    }
    /* then, all brought back, what this output wrote (the spans above are what it rescaled) */
    for (int i = 0; i < c->n_above; i++) {
        VxRect by, buv;
        if (c->restore[i] < 0 || !overlay_box(c, &c->above[i], &by, &buv))
            continue;
        for (int j = by.y0 > j0 ? by.y0 : j0; j < (by.y1 < j1 ? by.y1 : j1); j++)
            span_add(&c->wr_y, j, by.x0, by.x1);
        for (int j = buv.y0 > q0 ? buv.y0 : q0; j < (buv.y1 < q1 ? buv.y1 : q1); j++)
            span_add(&c->wr_c, j, buv.x0, buv.x1);
    }
}

/* The samples among [x0, x1) of row a that differ from row b (samples `step` bytes apart), as
 * [lo, hi); [0, 0) when none. */
static void changed_span(const Screen *c, const uint8_t *a, const uint8_t *b, int x0, int x1,
                         int step, int *lo, int *hi)
{
    *lo = *hi = 0;
    if (x0 >= x1)
        return;
    int l, r;
    c->ddsp.span(a + (ptrdiff_t)x0 * step, b + (ptrdiff_t)x0 * step, (x1 - x0 - 1) * step + 1,
                 &l, &r);
    if (l < r)
        *lo = l / step + x0, *hi = (r - 1) / step + 1 + x0;
}

/* Into stale_y/stale_c: what the outputs after `gen` (the one a pooled buffer holds) up to the
 * previous one changed, that is where the buffer differs from the previous output. Returns 0
 * when that is not known: a fresh buffer, one older than the history, or a change of all. */
static int stale_since(Screen *c, int64_t gen)
{
    const int64_t n = c->seq; /* the output being drawn */
    if (gen < 1 || n - 1 - gen > VX_HISTORY)
        return 0;
    spans_clear(&c->stale_y, 0, c->l.rh);
    spans_clear(&c->stale_c, 0, c->ch);
    for (int64_t k = gen + 1; k < n; k++) {
        const Change *h = &c->hist[k % VX_HISTORY];
        if (h->seq != k || h->full)
            return 0;
        for (int j = 0; j < c->l.rh; j++)
            span_add(&c->stale_y, j, h->y.lo[j], h->y.hi[j]);
        for (int j = 0; j < c->ch; j++)
            span_add(&c->stale_c, j, h->c.lo[j], h->c.hi[j]);
    }
    return 1;
}

/* Remembers where output c->seq differs from the one before: anywhere (full), the spans
 * just written (written), or nowhere. What the overlays drew needs no entry of its own: the
 * next output redraws the screen under it (mark_overlays), so it is in that output's spans,
 * unless a layer above overwrites it whole again then (covered), and so on, until the first
 * output that does not. */
static void remember(Screen *c, int full, int written)
{
    Change *h = &c->hist[c->seq % VX_HISTORY];
    h->seq = c->seq;
    h->full = full;
    if (full)
        return;
    if (written) {
        memcpy(h->y.lo, c->wr_y.lo, sizeof(int) * c->l.rh);
        memcpy(h->y.hi, c->wr_y.hi, sizeof(int) * c->l.rh);
        memcpy(h->c.lo, c->wr_c.lo, sizeof(int) * c->ch);
        memcpy(h->c.hi, c->wr_c.hi, sizeof(int) * c->ch);
    } else {
        spans_clear(&h->y, 0, c->l.rh);
        spans_clear(&h->c, 0, c->ch);
    }
}


/* The changed span of source rows [y0, y1) and chroma rows [c0, c1) (u and v share theirs:
 * NV12 rows hold both anyway), searched only where the scalers read (a zoomed view reads a
 * part of the source; elsewhere the spans are empty). */
static void find_changes(Screen *c, const SrcPlanes *s, const SrcPlanes *p,
                         const VxPlaneScaler *sy, const VxPlaneScaler *sc, int y0, int y1,
                         int c0, int c1)
{
    int x0, x1, r0, r1;
    vx_plane_scaler_reach(sy, &x0, &x1, &r0, &r1);
    for (int y = y0; y < y1; y++) {
        c->chg_y.lo[y] = c->chg_y.hi[y] = 0;
        if (y >= r0 && y < r1)
            changed_span(c, s->y + y * s->sy, p->y + y * p->sy, x0, x1, 1, &c->chg_y.lo[y],
                         &c->chg_y.hi[y]);
    }
    vx_plane_scaler_reach(sc, &x0, &x1, &r0, &r1);
    for (int y = c0; y < c1; y++) {
        int lo, hi, lo2, hi2;
        c->chg_c.lo[y] = c->chg_c.hi[y] = 0;
        if (y < r0 || y >= r1)
            continue;
        if (s->step == 2) { /* NV12: one pass over the interleaved row */
            changed_span(c, s->u + y * s->su, p->u + y * p->su, 2 * x0, 2 * x1, 1, &lo, &hi);
            c->chg_c.lo[y] = lo / 2, c->chg_c.hi[y] = (hi + 1) / 2; /* [0, 0): none */
            continue;
        }
        changed_span(c, s->u + y * s->su, p->u + y * p->su, x0, x1, s->step, &c->chg_c.lo[y],
                     &c->chg_c.hi[y]);
        changed_span(c, s->v + y * s->sv, p->v + y * p->sv, x0, x1, s->step, &lo2, &hi2);
        span_add(&c->chg_c, y, lo2, hi2);
    }
}


/* One output drawn incrementally (or whole, through the kept passes), in slices of rows: the
 * source rows' change search and horizontal passes, then the output rows' vertical passes and
 * copies. Each slice runs on its own thread. */
typedef struct Slices {
    Screen *c;
    SrcPlanes s, p;
    int sch;
    int whole; /* every sample is redrawn: no change search, nothing copied */
    int same;  /* the same source frame as the previous output's */
    VxScaleJob job[3]; /* luma, then one (NV12 pairs) or two chroma planes */
    int n_jobs;
    Planes d;
    ptrdiff_t oy, ouv;
    int aged; /* stale_y/stale_c tell what to copy; else all that was not written */
    const VxPicture *prev; /* the previous output */
    int active; /* this output is drawn in slices */
    int64_t scaled[VX_MAX_SLICES], copied[VX_MAX_SLICES];
} Slices;


static void slice_source(void *opaque, int i, int k)
{
    Slices *f = opaque;
    Screen *c = f->c;
    int y0, y1, c0, c1;
    vx_slice_rows(c->l.sh, i, k, &y0, &y1);
    vx_slice_rows(f->sch, i, k, &c0, &c1);
    if (!f->whole) {
        if (f->same) { /* redrawn only for the overlays: nothing to compare */
            spans_clear(&c->chg_y, y0, y1);
            spans_clear(&c->chg_c, c0, c1);
        } else {
            find_changes(c, &f->s, &f->p, f->job[0].s, f->job[1].s, y0, y1, c0, c1);
        }
        mark_overlays(c, f->job[0].s, f->job[1].s, y0, y1, c0, c1);
    }
    vx_scale_job_h(&f->job[0], y0, y1);
    for (int q = 1; q < f->n_jobs; q++)
        vx_scale_job_h(&f->job[q], c0, c1);
}

static void slice_output(void *opaque, int i, int k)
{
    Slices *f = opaque;
    Screen *c = f->c;
    const VxLayout *l = &c->l;
    int j0, j1, q0, q1;
    vx_slice_rows(l->rh, i, k, &j0, &j1);
    vx_slice_rows(c->ch, i, k, &q0, &q1);
    vx_scale_job_v(&f->job[0], j0, j1);
    for (int q = 1; q < f->n_jobs; q++)
        vx_scale_job_v(&f->job[q], q0, q1);
    if (f->whole)
        return;
    /* what was not rewritten comes from the previous output, where the buffer's older output
     * differs from it (u and v were written over the same spans, so for NV12 one copy per row
     * keeps both) */
    const Planes *d = &f->d;
    const VxPicture *po = f->prev;
    const uint8_t *py = po->data[0] + f->oy;
    for (int j = j0; j < j1; j++) {
        const int a = f->aged ? c->stale_y.lo[j] : 0, b = f->aged ? c->stale_y.hi[j] : l->rw;
        const int lo = c->wr_y.lo[j], hi = c->wr_y.hi[j];
        copy_around(d->y + f->oy + j * d->sy, py + j * d->sy, 0, 1, a, b, lo, hi);
        f->scaled[i] += lo < hi;
        f->copied[i] += a < b && (lo >= hi || a < lo || b > hi);
    }
    for (int j = q0; j < q1; j++) {
        const ptrdiff_t o = f->ouv + j * d->suv;
        const int a = f->aged ? c->stale_c.lo[j] : 0, b = f->aged ? c->stale_c.hi[j] : c->cw;
        if (d->step == 2) {
            copy_around(d->u + o, po->data[1] + o, 0, 2, a, b, c->wr_c.lo[j], c->wr_c.hi[j]);
        } else {
            copy_around(d->u + o, po->data[1] + o, 0, 1, a, b, c->wr_c.lo[j], c->wr_c.hi[j]);
            copy_around(d->v + o, po->data[2] + o, 0, 1, a, b, c->wr_c.lo[j], c->wr_c.hi[j]);
        }
    }
    restore_rows(c, d, f->oy, f->ouv, j0, j1, q0, q1); /* after the copies: over them */
}

/* Draws src into dst: only what changed since the previous source frame, and the rest kept
 * from the previous output (bit-exact with compose_full), or, whole = 1, all of it through the
 * kept horizontal passes (which then hold this frame). In slices on the compositor's threads
 * when it has them. */
/* Sets up f to draw src into dst: only what changed since the previous source frame, and the
 * rest kept from the previous output (bit-exact with compose_full), or, whole = 1, all of it
 * through the kept horizontal passes (which then hold this frame). */
static int sliced_begin(Screen *c, Slices *f, VxPlaneScaler *sy, VxPlaneScaler *sc,
                        const VxLayerFrame *fr, int whole)
{
    const VxLayout *l = &c->l;
    const VxPicture *src = fr->src;
    *f = (Slices){.c = c, .whole = whole, .prev = fr->prev};
    f->s = src_planes(src);
    f->p = whole ? f->s : src_planes(&c->prev_src);
    const int fy = 1 << l->sub_y;
    f->sch = (l->sh + fy - 1) / fy;
    f->same = !whole && vx_picture_same(src, &c->prev_src);
    f->d = dst_planes(c, fr->dst, &f->oy, &f->ouv);
    if (whole)
        c->ky.valid = c->ku.valid = c->kv.valid = 0;
    const SrcPlanes *s = &f->s;
    const Planes *d = &f->d;
    f->job[0] = (VxScaleJob){sy, &c->ky, s->y, s->sy, 1, 1, &c->chg_y, c->force_y, d->y + f->oy,
                             d->sy, 1, &c->wr_y, 0};
    if (s->step == 2 && d->step == 2) { /* NV12 into NV12: u and v in one pass */
        f->job[1] = (VxScaleJob){sc, &c->ku, s->u, s->su, 2, 2, &c->chg_c, c->force_c,
                                 d->u + f->ouv, d->suv, 1, &c->wr_c, 0};
        f->n_jobs = 2;
    } else {
        f->job[1] = (VxScaleJob){sc, &c->kv, s->v, s->sv, s->step, 1, &c->chg_c, c->force_c,
                                 d->v + f->ouv, d->suv, d->step, &c->wr_c, 0};
        f->job[2] = (VxScaleJob){sc, &c->ku, s->u, s->su, s->step, 1, &c->chg_c, c->force_c,
                                 d->u + f->ouv, d->suv, d->step, &c->wr_c, 0};
        f->n_jobs = 3;
    }
    for (int q = 0; q < f->n_jobs; q++)
        if (vx_scale_job_begin(&f->job[q]) < 0) {
            for (int r = 0; r < q; r++)
                vx_scale_job_end(&f->job[r]);
            f->n_jobs = 0;
            return VX_ERR(ENOMEM);
        }
    f->aged = !whole && stale_since(c, fr->gen);
    return 0;
}

static void sliced_end(Screen *c, Slices *f)
{
    const VxLayout *l = &c->l;
    for (int q = 0; q < f->n_jobs; q++)
        vx_scale_job_end(&f->job[q]);
    if (!f->whole) {
        for (int i = 0; i < VX_MAX_SLICES; i++)
            c->rows->scaled += f->scaled[i], c->rows->copied += f->copied[i];
        c->rows->total += l->rh;
    }
    /* corner rows were redrawn whole (force) */
    blend_corners(c, &f->d, f->oy, f->ouv, 0, c->l.rh, 0, c->ch);
}

static int same_view(const VxZoomView *a, const VxZoomView *b)
{
    return a->x == b->x && a->y == b->y && a->w == b->w && a->h == b->h;
}

/* The motion blur's sample count at recording time t_rec (1: one view, fr->view): the
 * largest move of an edge of the view between the shutter's ends, in output pixels, rounded
 * up, at most VX_BLUR_MAX. */
static int blur_count(const Screen *c, double t_rec)
{
    if (c->shutter <= 0)
        return 1;
    VxZoomView a, b;
    vx_scene_view_at(c->scene, t_rec - c->shutter / 2, &a);
    vx_scene_view_at(c->scene, t_rec + c->shutter / 2, &b);
    const double sx = c->l.rw / (a.w < b.w ? a.w : b.w), sy = c->l.rh / (a.h < b.h ? a.h : b.h);
    double d = fabs(a.x - b.x) * sx, e;
    e = fabs(a.x + a.w - b.x - b.w) * sx, d = e > d ? e : d;
    e = fabs(a.y - b.y) * sy, d = e > d ? e : d;
    e = fabs(a.y + a.h - b.y - b.h) * sy, d = e > d ? e : d;
    const double n = ceil(d);
    return n < 1 ? 1 : n > VX_BLUR_MAX ? VX_BLUR_MAX : (int)n;
}

/* Sums: acc[i] += r[i], in one pass the compiler vectorizes. */
static void acc_add(uint16_t *restrict acc, const uint8_t *restrict r, int len)
{
    for (int i = 0; i < len; i++)
        acc[i] = (uint16_t)(acc[i] + r[i]);
}

/* The mean of n sums, rounded half up, (acc[i] + n / 2) / n, as a multiply and a shift:
 * with m = ceil(65536 / n), ((x * m) >> 16) equals x / n for every x below 65536 / (n - 1),
 * and x <= 16 * 255 + 8 here (VX_BLUR_MAX samples of 8 bits) for n <= 16. */
static void acc_mean(uint8_t *restrict r, const uint16_t *restrict acc, int len, int n)
{
    const uint32_t half = (uint32_t)n / 2, m = (65536u + (uint32_t)n - 1) / (uint32_t)n;
    for (int i = 0; i < len; i++)
        r[i] = (uint8_t)(((acc[i] + half) * m) >> 16);
}

/* Adds luma rows [a, b) and chroma rows [ca, cb) of the rectangle of dst to the sums
 * (add = 1), or writes (sums + n / 2) / n into them. Each row is one contiguous run: luma,
 * then chroma, interleaved as NV12 keeps it (u and v of sample i at 2i and 2i + 1, as the sums
 * are), or u and v apart. */
static void blur_rows(Screen *c, VxPicture *dst, int add, int n, int a, int b, int ca, int cb)
{
    ptrdiff_t oy, ouv;
    const Planes d = dst_planes(c, dst, &oy, &ouv);
    const int rw = c->l.rw, rh = c->l.rh, cw = c->cw;
    for (int j = a; j < b; j++) {
        uint16_t *s = c->acc + (size_t)j * rw;
        uint8_t *r = d.y + oy + j * d.sy;
        if (add)
            acc_add(s, r, rw);
        else
            acc_mean(r, s, rw, n);
    }
    const int nv12 = interleaved(&d);
    for (int j = ca; j < cb; j++) {
        uint16_t *s = c->acc + (size_t)rw * rh + (size_t)j * 2 * cw;
        uint8_t *u = d.u + ouv + j * d.suv, *v = d.v + ouv + j * d.suv;
        if (nv12) {
            if (add)
                acc_add(s, u, 2 * cw);
            else
                acc_mean(u, s, 2 * cw, n);
            continue;
        }
        for (int i = 0; i < cw; i++) {
            uint8_t *pu = u + (ptrdiff_t)i * d.step, *pv = v + (ptrdiff_t)i * d.step;
            if (add) {
                s[2 * i] += *pu, s[2 * i + 1] += *pv;
            } else {
                *pu = (uint8_t)((s[2 * i] + n / 2) / n);
                *pv = (uint8_t)((s[2 * i + 1] + n / 2) / n);
            }
        }
    }
}

/* The screen drawn with the views at the n sample times of the shutter, averaged: begin
 * picks the views, phase 0 builds their scalers (slice i the views i, i + k, ...), phase 1
 * draws bands of rows (slice i the rows of slice i of k, of every view, with a ring of its
 * own: each band reads the source rows its outputs need, so bands need no order). */
static int blur_begin(Screen *c, const VxLayerFrame *fr, int n)
{
    Blur *bl = &c->bl;
    const size_t len = (size_t)c->l.rw * c->l.rh + (size_t)2 * c->cw * c->ch;
    if (!c->acc && !(c->acc = malloc(len * sizeof(*c->acc))))
        return VX_ERR(ENOMEM);
    bl->n = n;
    memset(bl->built, 0, sizeof(bl->built));
    memset(bl->err, 0, sizeof(bl->err));
    for (int k = 0; k < n; k++)
        vx_scene_view_at(c->scene, fr->t_rec + c->shutter * ((k + 0.5) / n - 0.5), &bl->view[k]);
    return 0;
}

/* View v's scalers, prepared for the layout of fr; 0 or -1. */
static int blur_view(Screen *c, const VxLayerFrame *fr, int v)
{
    Blur *bl = &c->bl;
    if (scalers_init(c, &bl->view[v], &bl->y[v], &bl->c[v]) < 0)
        return -1;
    bl->built[v] = 1;
    prepare_scalers(&bl->y[v], &bl->c[v], fr->src, fr->dst);
    return 0;
}

static void blur_view_free(Screen *c, int v)
{
    Blur *bl = &c->bl;
    if (bl->built[v]) {
        vx_plane_scaler_free(&bl->y[v]);
        vx_plane_scaler_free(&bl->c[v]);
        bl->built[v] = 0;
    }
}

/* On one thread, blur_band builds each view just before drawing it, while its tables are in
 * the cache (built all first, they were 4 % slower: a view's tables are about 0.2 MB). */
static void blur_build(Screen *c, const VxLayerFrame *fr, int i, int k)
{
    for (int v = i; k > 1 && v < c->bl.n; v += k)
        if (blur_view(c, fr, v) < 0)
            c->bl.err[i] = 1;
}

static void blur_band(Screen *c, const VxLayerFrame *fr, int i, int k)
{
    Blur *bl = &c->bl;
    VxScaleRing *r = &bl->ring[i];
    for (int q = 0; q < VX_MAX_SLICES; q++)
        if (bl->err[q])
            return; /* a view is missing: blur_end says so */
    int a, b, ca, cb;
    vx_slice_rows(c->l.rh, i, k, &a, &b);
    vx_slice_rows(c->ch, i, k, &ca, &cb);
    memset(c->acc + (size_t)a * c->l.rw, 0, sizeof(*c->acc) * (size_t)(b - a) * c->l.rw);
    memset(c->acc + (size_t)c->l.rw * c->l.rh + (size_t)ca * 2 * c->cw, 0,
           sizeof(*c->acc) * (size_t)(cb - ca) * 2 * c->cw);
    for (int v = 0; v < bl->n; v++) {
        if ((k == 1 && blur_view(c, fr, v) < 0) || vx_scale_ring_fit(r, &bl->y[v], 1) < 0 ||
            vx_scale_ring_fit(r, &bl->c[v], 2) < 0) {
            bl->err[VX_MAX_SLICES + i] = 1;
            return;
        }
        compose_band(c, &bl->y[v], &bl->c[v], r, r, fr->src, fr->dst, a, b, ca, cb);
        blur_rows(c, fr->dst, 1, bl->n, a, b, ca, cb);
        if (k == 1)
            blur_view_free(c, v);
    }
    blur_rows(c, fr->dst, 0, bl->n, a, b, ca, cb);
}

static int blur_end(Screen *c)
{
    Blur *bl = &c->bl;
    int err = 0;
    for (int v = 0; v < bl->n; v++)
        blur_view_free(c, v);
    for (int q = 0; q < 2 * VX_MAX_SLICES; q++)
        err |= bl->err[q];
    return err ? VX_ERR(ENOMEM) : 0;
}

static int screen_changes(VxLayer *ly, const VxLayerFrame *fr, VxRect *r, int max)
{
    const Screen *c = ly->priv;
    if (max < 1)
        return VX_ERR(EINVAL);
    if (c->prev_src.buf && vx_picture_same(fr->src, &c->prev_src) &&
        same_view(&fr->view, &c->prev_view) && !c->blurred && blur_count(c, fr->t_rec) == 1)
        return 0;
    r[0] = (VxRect){c->l.x, c->l.y, c->l.x + c->l.rw, c->l.y + c->l.rh};
    return 1;
}

static void screen_reused(VxLayer *ly, const VxLayerFrame *fr)
{
    Screen *c = ly->priv;
    c->seq = fr->seq;
    remember(c, 0, 0);
    if (c->kept_seq == fr->seq - 1) /* the same output again: the same under the overlays */
        c->kept_seq = fr->seq;
}

/* Picks the scalers for the view and draws what is not drawn in slices (compose_full). */
static int screen_begin(VxLayer *ly, const VxLayerFrame *fr)
{
    Screen *c = ly->priv;
    const VxLayout *l = &c->l;
    const VxZoomView full = {0, 0, l->sw, l->sh};
    const VxZoomView *view = &fr->view;
    const int zoomed = !same_view(view, &full);
    /* after an averaged output, nothing of the previous output can be kept */
    const int view_changed = !same_view(view, &c->prev_view) || c->blurred;
    const int n_blur = blur_count(c, fr->t_rec);
    c->seq = fr->seq;
    c->above = fr->above, c->n_above = fr->n_above;
    c->covered = fr->covered, c->n_covered = fr->n_covered;
    c->zoomed = zoomed;
    c->blurred = n_blur > 1;
    if (c->blurred) {
        c->ky.valid = c->ku.valid = c->kv.valid = 0;
        c->changed = 0;
        ly->sliced = 1;
        c->f->active = 0;
        return blur_begin(c, fr, n_blur);
    }
    if (zoomed && (!c->have_zoom || !same_view(view, &c->zview))) {
        if (c->have_zoom) {
            vx_plane_scaler_free(&c->zy);
            vx_plane_scaler_free(&c->zc);
            c->have_zoom = 0;
        }
        if (scalers_init(c, view, &c->zy, &c->zc) < 0)
            return VX_ERR(ENOMEM);
        c->have_zoom = 1;
        c->zview = *view;
    }
    VxPlaneScaler *sy = zoomed ? &c->zy : &c->sy, *sc = zoomed ? &c->zc : &c->sc;
    if (view_changed || zoomed != c->prev_zoomed)
        c->ky.valid = c->ku.valid = c->kv.valid = 0; /* kept passes of another scaler */
    c->changed = c->incremental && !view_changed && fr->prev && c->prev_src.buf &&
                 c->prev_src.layout == fr->src->layout;
    if (plan_restore(c) < 0)
        return VX_ERR(ENOMEM);
    ly->sliced = 0;
    if (c->changed || (c->incremental && fr->threads > 1)) {
        int ret = sliced_begin(c, c->f, sy, sc, fr, !c->changed);
        if (ret < 0)
            return ret;
        /* the vertical pass keeps its row pointers on the stack up to VX_SCALE_JOB_MAX_TAPS */
        ly->sliced = sy->v.taps <= VX_SCALE_JOB_MAX_TAPS && sc->v.taps <= VX_SCALE_JOB_MAX_TAPS;
        c->f->active = 1;
    } else {
        c->f->active = 0;
        compose_full(c, sy, sc, fr->src, fr->dst);
    }
    return 0;
}

static void screen_draw(VxLayer *ly, const VxLayerFrame *fr, int phase, int i, int k)
{
    Screen *c = ly->priv;
    if (c->blurred) {
        if (phase == 0)
            blur_build(c, fr, i, k);
        else
            blur_band(c, fr, i, k);
        return;
    }
    if (!c->f->active)
        return;
    if (phase == 0)
        slice_source(c->f, i, k);
    else
        slice_output(c->f, i, k);
}

static int screen_end(VxLayer *ly, const VxLayerFrame *fr, VxRect *drawn)
{
    Screen *c = ly->priv;
    (void)drawn; /* nothing needs redrawing under the screen */
    if (c->f->active)
        sliced_end(c, c->f);
    if (c->blurred) {
        int ret = blur_end(c);
        if (ret < 0)
            return ret;
    }
    c->prev_view = fr->view;
    c->prev_zoomed = c->zoomed;
    c->kept_seq = 0;
    if (c->incremental && !c->blurred)
        keep_under(c, fr->dst);
    if (c->incremental) {
        remember(c, !c->changed, 1);
        vx_picture_unref(&c->prev_src);
        vx_picture_ref(&c->prev_src, fr->src);
    }
    return 0;
}

static void screen_close(VxLayer *ly)
{
    Screen *c = ly->priv;
    if (!c)
        return;
    vx_picture_unref(&c->prev_src);
    spans_free(&c->chg_y), spans_free(&c->chg_c), spans_free(&c->wr_y), spans_free(&c->wr_c);
    free(c->force_y), free(c->force_c);
    free(c->under), free(c->kept), free(c->restore);
    vx_scale_keep_free(&c->ky), vx_scale_keep_free(&c->ku), vx_scale_keep_free(&c->kv);
    spans_free(&c->stale_y), spans_free(&c->stale_c);
    for (int i = 0; i < VX_HISTORY; i++)
        spans_free(&c->hist[i].y), spans_free(&c->hist[i].c);
    vx_plane_scaler_free(&c->sy);
    vx_plane_scaler_free(&c->sc);
    vx_plane_scaler_free(&c->zy);
    vx_plane_scaler_free(&c->zc);
    free(c->my);
    free(c->mc);
    free(c->my_full);
    free(c->mc_full);
    free(c->f);
    free(c->acc);
    for (int i = 0; i < VX_MAX_SLICES; i++)
        vx_scale_ring_free(&c->bl.ring[i]);
    free(c);
    ly->priv = NULL;
}

static int screen_open(VxLayer *ly, const VxLayerOpen *o)
{
    const VxLayout *l = o->l;
    Screen *c = calloc(1, sizeof(*c));
    if (!c)
        return VX_ERR(ENOMEM);
    ly->priv = c;
    c->ctx = o->ctx;
    c->l = *l;
    c->rows = o->rows;
    c->sp = vx_planes(o->stat);
    c->scene = o->scene;
    if (o->scene && o->p->mb_screen > 0)
        c->shutter = o->p->mb_screen * vx_scene_frame_interval(o->scene);
    c->cw = (l->rw + 1) / 2;
    c->ch = (l->rh + 1) / 2;
    vx_scale_dsp_init(&c->sdsp, o->ctx->cpu_flags);
    vx_blend_dsp_init(&c->bdsp, o->ctx->cpu_flags);
    vx_diff_dsp_init(&c->ddsp, o->ctx->cpu_flags);
    int ret = VX_ERR(ENOMEM);
    if (!(c->f = calloc(1, sizeof(*c->f))))
        goto fail;
    if ((ret = build_masks(c, o->p)) < 0)
        goto fail;
    ret = VX_ERR(ENOMEM);
    const VxZoomView full = {0, 0, l->sw, l->sh};
    const int fy = 1 << l->sub_y;
    if (scalers_init(c, &full, &c->sy, &c->sc) < 0)
        goto fail;
    c->prev_view = full;
    /* an unscaled screen is one copy: nothing to gain from redrawing only changes */
    ly->no_incremental = c->sy.h.identity && c->sy.v.identity;
    c->incremental = o->incremental && !ly->no_incremental;
    if (c->incremental) {
        const int sch = (l->sh + fy - 1) / fy;
        c->force_y = calloc((size_t)l->rh, 1), c->force_c = calloc((size_t)c->ch, 1);
        if (!c->force_y || !c->force_c || spans_alloc(&c->chg_y, l->sh) < 0 ||
            spans_alloc(&c->chg_c, sch) < 0 || spans_alloc(&c->wr_y, l->rh) < 0 ||
            spans_alloc(&c->wr_c, c->ch) < 0 || spans_alloc(&c->stale_y, l->rh) < 0 ||
            spans_alloc(&c->stale_c, c->ch) < 0)
            goto fail;
        for (int i = 0; i < VX_HISTORY; i++)
            if (spans_alloc(&c->hist[i].y, l->rh) < 0 || spans_alloc(&c->hist[i].c, c->ch) < 0)
                goto fail;
        for (int b = 0; b < 2 * c->by; b++)
            c->force_y[b < c->by ? b : l->rh - 2 * c->by + b] = !c->my_full[b];
        for (int b = 0; b < 2 * c->bc; b++)
            c->force_c[b < c->bc ? b : c->ch - 2 * c->bc + b] = !c->mc_full[b];
    }
    return 0;
fail:
    screen_close(ly);
    return ret;
}

const VxLayerClass vx_layer_screen = {
    .name = "screen",
    .open = screen_open,
    .changes = screen_changes,
    .begin = screen_begin,
    .phases = 2,
    .draw = screen_draw,
    .end = screen_end,
    .reused = screen_reused,
    .close = screen_close,
};
