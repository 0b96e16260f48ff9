/* The camera bubble: a second recording (a webcam) drawn over the composed frame as a circle,
 * a rounded rectangle or a square, with an optional border and a drop shadow
 * (docs/project-format.md, "Camera bubble", gives the geometry and the formulas).
 *
 * The bubble does not move, so all but the camera picture is prepared once: 8-bit coverage
 * masks of the shape's outer edge, of its inner edge (inside the border) and of the shadow,
 * per luma and per chroma sample, each row with the span that needs blending and the span
 * inside it that is fully covered (copied, or skipped for the shadow under the bubble).
 *
 * A decode thread reads the camera and renders each frame into a bubble picture (scaled from a
 * centre crop, mirrored, the border blended into its inner edge, laid out like the output's
 * planes), keeping up to CAM_QUEUE ready in a bounded queue (mutex + condition variable, no
 * polling). Drawing an output frame takes the picture due at its time from the queue and
 * blends the shadow and the bubble over the frame in Y'CbCr: the export thread only blends.
 *
 * Scenes transitions move the camera between layouts (layers/camera.c): the camera is then
 * opened with keep_frames, each picture keeps its decoded frame, and vx_camera_draw_box fits
 * that frame into the output's box of the moment on the compositor's thread (a scale, the
 * corners blended, the rest copied).
 *
 * Contract: vx_camera_draw is called from one thread at a time; within vx_camera_rect, dst
 * must hold the composed picture without the bubble (it blends over it: the shadow and the
 * anti-aliased edge read what is under them). Before the camera's first frame the first is
 * shown, after its last the last: the bubble is always drawn. */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libavutil/pixdesc.h>

#include "dsp/blend.h"
#include "camera.h"
#include "internal.h"
#include "layer.h"
#include "pipeline.h"
#include "source.h"
#include "layers/shadow.h"
#include "scale.h"

#define CAM_QUEUE 3      /* decoded camera frames kept ahead */
#define CAM_EPS 1e-4     /* seconds: times this close count as equal (float rounding) */
#define SEEK_AHEAD 3.0   /* seconds: a forward jump further than this seeks (a cut) */

/* Shadow of the bubble, relative to the bubble's smaller side S: gaussian blur sigma, downward
 * offset and opacity (black). Small enough that with the default margin it stays in the
 * frame. */
#define SH_SIGMA 0.04
#define SH_DY 0.02
#define SH_OPACITY 0.35

typedef VxMask Mask;
typedef VxPlane Plane;

/* Blends under through mk into the whole plane dst (geom.h, vx_mask_blend). */
static void blend_pass(const VxBlendDSP *d, const Mask *mk, const Plane *dst,
                       const uint8_t *under, ptrdiff_t ustride, int copy)
{
    vx_mask_blend(d, mk, dst, under, ustride, copy, 0, dst->h);
}

/* A rendered bubble picture: luma bw x bh (stride bw); chroma, by step, one interleaved
 * plane (2: NV12, stride bw) or u then v (1: I420, stride bw / 2). */
typedef struct Pic {
    uint8_t *y, *c;
    int step;
    AVFrame *frame;   /* the camera frame it shows, kept for vx_camera_draw_box (keep_frames) */
    struct Pic *next; /* free list */
} Pic;

/* A picture box the camera is fitted into: bw x bh, the camera picture scaled into the inner
 * box ib inside its edge (the bubble's, or a scenes transition's box), by these scalers; tmp
 * holds the scaled planes when the matrix changes (convert_scaled). */
typedef struct Fit {
    int bw, bh, ib;
    VxPlaneScaler sy, sc, syc, scy;
    uint8_t *tmp;
} Fit;

typedef struct CamItem {
    Pic *p;
    double t;
} CamItem;

struct VxCamera {
    VxContext *ctx;
    char *path;
    double offset;
    int mirror;
    int W, H;
    /* geometry: bubble box (even origin and size, output luma pixels), inner box (inset by
     * ib on every side) that the camera picture is scaled into, shadow canvas */
    int bx, by, bw, bh, ib;
    double border, R; /* border width, the outer edge's corner radius */
    Fit fit;          /* the bubble's */
    VxRect rect;
    Mask out_y, out_c; /* outer edge, m = 255 - coverage */
    Mask in_y, in_c;   /* inner edge (border > 0), m = coverage; in the bubble box */
    Mask sh_y, sh_c;   /* shadow, m = 255 - alpha */
    int has_shadow;
    /* constant rows (shadow colour, border colour) used as the blend's "under" */
    uint8_t *sh_row_y, *sh_row_c, *bd_row_y, *bd_row_uv, *bd_row_u, *bd_row_v;
    uint8_t bY, bU, bV; /* border colour */
    /* pictures: the first frame's, the pool the decode thread renders into, and a chroma
     * buffer for a change of the output's layout */
    Pic first_pic, pics[CAM_QUEUE + 2], conv;
    Pic *free_pics;
    int layout; /* chroma step the decode thread renders for (the last draw's) */
    VxScaleDSP sdsp;
    VxBlendDSP bdsp;
    int cam_w, cam_h, sub_x, sub_y;
    double chroma_x, chroma_y; /* the camera's chroma siting */
    /* a camera in another matrix than the output's: converted after scaling, on the bubble's
     * samples (see render_picture); syc scales the camera's chroma onto the bubble's luma
     * grid, scy its luma onto the bubble's chroma grid; tmp holds the scaled planes */
    int convert;
    int32_t mx[3][3];
    /* scenes transitions (keep_frames): the decoded frames stay with their pictures, and a
     * box of any size is fitted and drawn from them on the compositor's thread */
    int keep;
    Fit box_fit;
    Pic box_pic;
    size_t box_cap;
    /* decode thread and its queue */
    VxSource *src;
    VxThread th;
    const VxCancel *cancel; /* the job's (NULL outside one): the waits below end on it */
    pthread_mutex_t mu;
    pthread_cond_t cv;
    CamItem q[CAM_QUEUE];
    int qh, qn;
    int done, err, abort;
    unsigned gen;  /* seek requests; frames decoded for an older one are dropped */
    double seek_t;
    int64_t rendered, seeks, draws;
    double render_s; /* decode thread's time spent rendering pictures */
    Pic *cur;    /* shown: the last taken from the queue (the first frame's at the start) */
    double first_t, cur_t;
    /* the picture the last draw showed: its time and seek generation (have_drawn: one did) */
    double drawn_t;
    unsigned drawn_gen;
    int have_drawn;
    VxCameraShape shape; /* what drawing needs, for the layer */
};

/* A rounded rectangle: a circle is the rounded square with r = w / 2, a square has r = 0. */
typedef struct Shape {
    double x, y, w, h, r;
} Shape;

static int even(double v)
{
    return 2 * (int)floor(v / 2 + 0.5);
}

static double shape_cov(const Shape *s, double px, double py)
{
    return vx_rrect_coverage(px, py, s->x, s->y, s->w, s->h, s->r);
}





/* Builds the masks of the bubble (outer and inner edge) and of its shadow. */
static int build_masks(VxCamera *c, const Shape *outer, const Shape *inner)
{
    const int bw = c->bw, bh = c->bh, cw = bw / 2, ch = bh / 2;
    int ret = VX_ERR(ENOMEM);
    int pad = 0;
    double sigma = 0, dy = 0;
    if (c->has_shadow) {
        const double S = bw < bh ? bw : bh;
        sigma = SH_SIGMA * S, dy = SH_DY * S;
        pad = ((int)ceil(3 * sigma + dy) + 3) & ~1;
    }
    const int sw = bw + 2 * pad, shh = bh + 2 * pad;
    uint8_t *act = malloc((size_t)sw), *hole = malloc((size_t)sw);
    float *sa = NULL;
    if (!act || !hole)
        goto end;
    if (vx_mask_alloc(&c->out_y, bw, bh, c->bx, c->by) < 0 ||
        vx_mask_alloc(&c->out_c, cw, ch, c->bx / 2, c->by / 2) < 0)
        goto end;
    /* luma sample (i, j) is centred at (i + 0.5, j + 0.5); chroma (i, j), left-sited 4:2:0,
     * at luma (2i + 0.5, 2j + 1.0) */
    for (int pl = 0; pl < 2; pl++) {
        Mask *mk = pl ? &c->out_c : &c->out_y;
        const double f = pl ? 2 : 1, oy = pl ? 1.0 : 0.5;
        for (int j = 0; j < mk->h; j++) {
            uint8_t *m = mk->m + (size_t)j * mk->w;
            for (int i = 0; i < mk->w; i++) {
                m[i] = (uint8_t)(255 - vx_q8(255 * shape_cov(outer, f * i + 0.5, f * j + oy)));
                act[i] = m[i] < 255, hole[i] = m[i] == 0;
            }
            vx_mask_set_row(&mk->rows[j], act, hole, mk->w);
        }
    }
    if (c->border > 0) {
        if (vx_mask_alloc(&c->in_y, bw, bh, 0, 0) < 0 || vx_mask_alloc(&c->in_c, cw, ch, 0, 0) < 0)
            goto end;
        for (int pl = 0; pl < 2; pl++) {
            Mask *mk = pl ? &c->in_c : &c->in_y;
            const double f = pl ? 2 : 1, oy = pl ? 1.0 : 0.5;
            const int b0 = pl ? c->ib / 2 : c->ib; /* the inner box the picture fills */
            for (int j = 0; j < mk->h; j++) {
                uint8_t *m = mk->m + (size_t)j * mk->w;
                const int in_rows = j >= b0 && j < mk->h - b0;
                for (int i = 0; i < mk->w; i++) {
                    m[i] = vx_q8(255 * shape_cov(inner, f * i + 0.5, f * j + oy));
                    act[i] = in_rows && i >= b0 && i < mk->w - b0;
                    hole[i] = m[i] == 255;
                }
                vx_mask_set_row(&mk->rows[j], act, hole, mk->w);
            }
        }
    }
    if (c->has_shadow) {
        sa = malloc(sizeof(*sa) * (size_t)sw * shh);
        if (!sa)
            goto end;
        const Shape s = {outer->x + pad, outer->y + pad + dy, outer->w, outer->h, outer->r};
        for (int j = 0; j < shh; j++)
            for (int i = 0; i < sw; i++)
                sa[(size_t)j * sw + i] = (float)shape_cov(&s, i + 0.5, j + 0.5);
        if ((ret = vx_shadow_blur(sa, sw, shh, sigma, (VxRect){0, 0, 0, 0})) < 0)
            goto end;
        ret = VX_ERR(ENOMEM);
        if (vx_mask_alloc(&c->sh_y, sw, shh, c->bx - pad, c->by - pad) < 0 ||
            vx_mask_alloc(&c->sh_c, sw / 2, shh / 2, (c->bx - pad) / 2, (c->by - pad) / 2) < 0)
            goto end;
        for (int pl = 0; pl < 2; pl++) {
            Mask *mk = pl ? &c->sh_c : &c->sh_y;
            const Mask *bub = pl ? &c->out_c : &c->out_y;
            const int bp = pl ? pad / 2 : pad;
            for (int j = 0; j < mk->h; j++) {
                uint8_t *m = mk->m + (size_t)j * mk->w;
                for (int i = 0; i < mk->w; i++) {
                    /* chroma: luma column 2i, rows 2j and 2j + 1 averaged (left-sited) */
                    double a = pl ? 0.5 * (sa[(size_t)(2 * j) * sw + 2 * i] +
                                           sa[(size_t)(2 * j + 1) * sw + 2 * i])
                                  : sa[(size_t)j * sw + i];
                    m[i] = (uint8_t)(255 - vx_q8(255 * SH_OPACITY * a));
                    const int bi = i - bp, bj = j - bp;
                    act[i] = m[i] < 255;
                    hole[i] = bi >= 0 && bj >= 0 && bi < bub->w && bj < bub->h &&
                              bub->m[(size_t)bj * bub->w + bi] == 0;
                }
                vx_mask_set_row(&mk->rows[j], act, hole, mk->w);
            }
        }
    }
    ret = 0;
end:
    free(act), free(hole), free(sa);
    return ret;
}

/* ---- the bubble picture ---- */

static void fit_free(Fit *ft)
{
    vx_plane_scaler_free(&ft->sy);
    vx_plane_scaler_free(&ft->sc);
    vx_plane_scaler_free(&ft->syc);
    vx_plane_scaler_free(&ft->scy);
    free(ft->tmp);
    memset(ft, 0, sizeof(*ft));
}

/* Fits the camera into a bw x bh box: a centre crop of the camera with the inner shape's
 * aspect (b inside the box's edge) scaled onto the inner shape; the picture's inner box
 * starts ib <= b inside the edge. */
static int fit_init(VxCamera *c, Fit *ft, int bw, int bh, double b, int ib)
{
    fit_free(ft);
    ft->bw = bw, ft->bh = bh, ft->ib = ib;
    const double tw = bw - 2 * b, th = bh - 2 * b, A = tw / th;
    double crw = c->cam_w, crh = c->cam_h;
    if (crw / crh > A)
        crw = crh * A;
    else
        crh = crw / A;
    const double cx0 = (c->cam_w - crw) / 2, cy0 = (c->cam_h - crh) / 2;
    const double rx = crw / tw, ry = crh / th;
    const double ox = cx0 + (ib + 0.5 - b) * rx - 0.5, oy = cy0 + (ib + 0.5 - b) * ry - 0.5;
    const int iw = bw - 2 * ib, ih = bh - 2 * ib;
    const int fx = 1 << c->sub_x, fy = 1 << c->sub_y;
    /* output chroma column i sits at luma 2i of the inner box (2i + 1 when mirrored: the
     * rows are reversed after scaling, and a left-sited sample mirrors onto an odd column),
     * row j at 2j + 0.5; then onto the camera's chroma grid (spacing fx, fy, sample 0 at
     * chroma_x, chroma_y) */
    if (vx_plane_scaler_init(&ft->sy, &c->sdsp, c->cam_w, c->cam_h, iw, ih, rx, ox, ry, oy) < 0 ||
        vx_plane_scaler_init(&ft->sc, &c->sdsp, (c->cam_w + fx - 1) / fx,
                             (c->cam_h + fy - 1) / fy, iw / 2, ih / 2, 2 * rx / fx,
                             (ox + (c->mirror ? rx : 0) - c->chroma_x) / fx, 2 * ry / fy,
                             (oy + 0.5 * ry - c->chroma_y) / fy) < 0)
        return VX_ERR(ENOMEM);
    if (c->convert) {
        /* the chroma at the bubble's luma samples, the luma at its chroma samples (the same
         * positions as sy and sc use) */
        const size_t nl = (size_t)iw * ih, nc = (size_t)(iw / 2) * (ih / 2);
        if (!(ft->tmp = malloc(3 * nl + 3 * nc)) ||
            vx_plane_scaler_init(&ft->syc, &c->sdsp, (c->cam_w + fx - 1) / fx,
                                 (c->cam_h + fy - 1) / fy, iw, ih, rx / fx,
                                 (ox - c->chroma_x) / fx, ry / fy, (oy - c->chroma_y) / fy) < 0 ||
            vx_plane_scaler_init(&ft->scy, &c->sdsp, c->cam_w, c->cam_h, iw / 2, ih / 2, 2 * rx,
                                 ox + (c->mirror ? rx : 0), 2 * ry, oy + 0.5 * ry) < 0)
            return VX_ERR(ENOMEM);
    }
    return 0;
}

static void reverse_rows(uint8_t *p, ptrdiff_t stride, int n, int rows, int step)
{
    for (int j = 0; j < rows; j++) {
        uint8_t *r = p + (ptrdiff_t)j * stride;
        for (int a = 0, b = n - 1; a < b; a++, b--)
            for (int k = 0; k < step; k++) {
                uint8_t t = r[a * step + k];
                r[a * step + k] = r[b * step + k];
                r[b * step + k] = t;
            }
    }
}

/* The chroma planes of a picture in its layout: u, v and their stride. */
static void pic_chroma(const Fit *ft, const Pic *p, uint8_t **u, uint8_t **v, ptrdiff_t *cs)
{
    if (p->step == 2) {
        *cs = ft->bw, *u = p->c, *v = p->c + 1;
    } else {
        *cs = ft->bw / 2, *u = p->c, *v = p->c + (size_t)(ft->bw / 2) * (ft->bh / 2);
    }
}

/* Lays the picture's chroma out for `step`, all border colour (the scaler writes only the
 * inner box). */
static void pic_layout(const VxCamera *c, const Fit *ft, Pic *p, int step)
{
    const size_t n = (size_t)(ft->bw / 2) * (ft->bh / 2);
    p->step = step;
    if (step == 2) {
        for (size_t i = 0; i < 2 * n; i += 2)
            p->c[i] = c->bU, p->c[i + 1] = c->bV;
    } else {
        memset(p->c, c->bU, n);
        memset(p->c + n, c->bV, n);
    }
}

/* One output channel k of the matrix change (vx_matrix_q16) over a row of scaled samples. */
static void matrix_row(uint8_t *out, int step, const uint8_t *restrict a,
                       const uint8_t *restrict u, const uint8_t *restrict v, int w,
                       const int32_t *ck, int32_t off)
{
    const int32_t c0 = ck[0], c1 = ck[1], c2 = ck[2];
    for (int x = 0; x < w; x++) {
        const int32_t q = (c0 * (a[x] - 16) + c1 * (u[x] - 128) + c2 * (v[x] - 128) + off) >> 16;
        out[x * step] = (uint8_t)(q < 0 ? 0 : q > 255 ? 255 : q);
    }
}

/* The camera's picture in the output's matrix: the change of matrix is per sample and affine,
 * so it commutes with the (linear) scaling: each plane is scaled onto the bubble's luma grid
 * and onto its chroma grid, and the matrix is applied there, on the bubble's few samples
 * instead of the camera's full 4:4:4 frame. Same results as converting first up to the
 * rounding of the scaled planes: on the demo's camera 99.4 % of samples are identical, the
 * rest within 1, except 150 of 61.7 M within 2 at chroma edges, where converting first had
 * resampled the chroma twice (swscale's upsampling, then the bubble's scaler). */
static void convert_scaled(const VxCamera *c, Fit *ft, const uint8_t *sy, ptrdiff_t ssy,
                           const uint8_t *su, const uint8_t *sv, ptrdiff_t ssc, int sstep,
                           uint8_t *y, ptrdiff_t ys, uint8_t *u, uint8_t *v, ptrdiff_t cs, int step)
{
    const int iw = ft->bw - 2 * ft->ib, ih = ft->bh - 2 * ft->ib, ciw = iw / 2, cih = ih / 2;
    const size_t nl = (size_t)iw * ih, nc = (size_t)ciw * cih;
    uint8_t *ty = ft->tmp, *tu = ty + nl, *tv = tu + nl, *cy = tv + nl, *cu = cy + nc;
    uint8_t *cv = cu + nc;
    vx_plane_scale(&ft->sy, sy, ssy, 1, ty, iw, 1);
    vx_plane_scale(&ft->syc, su, ssc, sstep, tu, iw, 1);
    vx_plane_scale(&ft->syc, sv, ssc, sstep, tv, iw, 1);
    vx_plane_scale(&ft->scy, sy, ssy, 1, cy, ciw, 1);
    vx_plane_scale(&ft->sc, su, ssc, sstep, cu, ciw, 1);
    vx_plane_scale(&ft->sc, sv, ssc, sstep, cv, ciw, 1);
    const int32_t r = 1 << 15;
    for (int j = 0; j < ih; j++) {
        const size_t o = (size_t)j * iw;
        matrix_row(y + j * ys, 1, ty + o, tu + o, tv + o, iw, c->mx[0], (16 << 16) + r);
    }
    for (int j = 0; j < cih; j++) {
        const size_t o = (size_t)j * ciw;
        matrix_row(u + j * cs, step, cy + o, cu + o, cv + o, ciw, c->mx[1], (128 << 16) + r);
        matrix_row(v + j * cs, step, cy + o, cu + o, cv + o, ciw, c->mx[2], (128 << 16) + r);
    }
}

/* Scales camera frame f into picture p of box ft (chroma laid out for steps of `step`),
 * mirrors it and, for the bubble, blends the border into its inner edge. Runs on the decode
 * thread (and once in open); for a transition's box, on the compositor's. */
static int render_picture(VxCamera *c, Fit *ft, const AVFrame *f, Pic *p, int step)
{
    const AVPixFmtDescriptor *fd = av_pix_fmt_desc_get(f->format);
    if (f->width != c->cam_w || f->height != c->cam_h || !fd ||
        fd->log2_chroma_w != c->sub_x || fd->log2_chroma_h != c->sub_y)
        return vx_fail(c->ctx, VX_ERR(EINVAL), "%s: the camera recording changes size or "
                       "format mid-stream (%dx%d, was %dx%d); not supported", c->path,
                       f->width, f->height, c->cam_w, c->cam_h);
    if (p->step != step)
        pic_layout(c, ft, p, step);
    const int bw = ft->bw, bh = ft->bh, ib = ft->ib, iw = bw - 2 * ib, ih = bh - 2 * ib;
    const int ci = ib / 2, ciw = iw / 2, cih = ih / 2;
    const int nv12 = f->format == AV_PIX_FMT_NV12;
    const uint8_t *su = f->data[1], *sv = nv12 ? f->data[1] + 1 : f->data[2];
    const ptrdiff_t ssu = f->linesize[1], ssv = nv12 ? f->linesize[1] : f->linesize[2];
    const int sstep = nv12 ? 2 : 1;
    uint8_t *y = p->y + (ptrdiff_t)ib * bw + ib, *u, *v;
    ptrdiff_t cs;
    pic_chroma(ft, p, &u, &v, &cs);
    u += (ptrdiff_t)ci * cs + ci * step, v += (ptrdiff_t)ci * cs + ci * step;
    if (c->convert) {
        convert_scaled(c, ft, f->data[0], f->linesize[0], su, sv, ssu, sstep, y, bw, u, v, cs,
                       step);
    } else {
        vx_plane_scale(&ft->sy, f->data[0], f->linesize[0], 1, y, bw, 1);
        vx_plane_scale(&ft->sc, su, ssu, sstep, u, cs, step);
        vx_plane_scale(&ft->sc, sv, ssv, sstep, v, cs, step);
    }
    if (c->mirror) {
        reverse_rows(y, bw, iw, ih, 1);
        if (step == 2) {
            reverse_rows(u, cs, ciw, cih, 2);
        } else {
            reverse_rows(u, cs, ciw, cih, 1);
            reverse_rows(v, cs, ciw, cih, 1);
        }
    }
    if (c->border > 0 && ft == &c->fit) {
        const Plane py = {p->y, bw, 1, bw, bh};
        blend_pass(&c->bdsp, &c->in_y, &py, c->bd_row_y, 0, 0);
        pic_chroma(ft, p, &u, &v, &cs);
        const Plane pu = {u, cs, step, bw / 2, bh / 2}, pv = {v, cs, step, bw / 2, bh / 2};
        blend_pass(&c->bdsp, &c->in_c, &pu, step == 2 ? c->bd_row_uv : c->bd_row_u, 0, 0);
        blend_pass(&c->bdsp, &c->in_c, &pv, step == 2 ? c->bd_row_uv + 1 : c->bd_row_v, 0, 0);
    }
    return 0;
}

/* ---- decoding ---- */


/* Picture pool, under mu. */
static Pic *pic_get(VxCamera *c)
{
    Pic *p = c->free_pics;
    if (p)
        c->free_pics = p->next;
    return p;
}

static void pic_put(VxCamera *c, Pic *p)
{
    if (p && p != &c->first_pic) {
        p->next = c->free_pics;
        c->free_pics = p;
    }
}

/* Decodes camera frames in order and renders each into a picture, keeping up to CAM_QUEUE
 * ready; restarts where a seek request (gen) says. */
static void *decode_thread(void *arg)
{
    VxCamera *c = arg;
    pthread_mutex_lock(&c->mu);
    unsigned gen = c->gen;
    for (;;) {
        int cancelled = 0;
        while (!c->abort && c->gen == gen && (c->qn == CAM_QUEUE || c->done) && !cancelled)
            cancelled = vx_cond_wait(&c->cv, &c->mu, c->cancel) < 0;
        if (c->abort || cancelled)
            break;
        if (c->gen != gen) {
            gen = c->gen;
            const double t = c->seek_t;
            pthread_mutex_unlock(&c->mu);
            int ret = vx_source_seek(c->src, t);
            pthread_mutex_lock(&c->mu);
            if (ret < 0 && c->gen == gen) {
                c->err = vx_fail(c->ctx, ret, "%s: cannot seek to %.3f s", c->path, t);
                c->done = 1;
                pthread_cond_broadcast(&c->cv);
            }
            continue;
        }
        /* the pool holds CAM_QUEUE + 2: the queue is not full, one is shown, one is ours */
        Pic *p = pic_get(c);
        const int step = c->layout;
        pthread_mutex_unlock(&c->mu);
        AVFrame *f = NULL;
        double t = 0;
        int ret = p ? vx_source_read(c->src, &f, &t) : VX_ERR(EFAULT);
        double dt = 0;
        if (ret >= 0) {
            dt = vx_now_s();
            ret = render_picture(c, &c->fit, f, p, step);
            dt = vx_now_s() - dt;
            if (c->keep) { /* p is this thread's until it is queued */
                av_frame_free(&p->frame);
                p->frame = f, f = NULL;
            }
            av_frame_free(&f);
        }
        pthread_mutex_lock(&c->mu);
        c->rendered += ret >= 0, c->render_s += dt;
        if (c->gen != gen || c->abort) {
            pic_put(c, p); /* decoded for a position no longer wanted */
            continue;
        }
        if (ret < 0) {
            pic_put(c, p);
            c->err = ret == AVERROR_EOF ? 0 : ret;
            c->done = 1;
        } else {
            c->q[(c->qh + c->qn) % CAM_QUEUE] = (CamItem){p, t};
            c->qn++;
        }
        pthread_cond_broadcast(&c->cv);
    }
    pthread_mutex_unlock(&c->mu);
    return NULL;
}

static void queue_flush(VxCamera *c)
{
    while (c->qn) {
        pic_put(c, c->q[c->qh].p);
        c->qh = (c->qh + 1) % CAM_QUEUE;
        c->qn--;
    }
}

/* Makes c->cur the last camera frame at or before camera time target (called with mu held):
 * frames are taken from the queue in order; a jump back, or forward by more than SEEK_AHEAD,
 * restarts the decoder there. */
static int advance(VxCamera *c, double target)
{
    double known = c->qn ? c->q[(c->qh + c->qn - 1) % CAM_QUEUE].t : c->cur_t;
    int seek = c->cur && target < c->cur_t - CAM_EPS;
    if (!seek && !(c->done && !c->qn) && target > known + SEEK_AHEAD)
        seek = 1;
    if (seek) {
        c->seeks++;
        queue_flush(c);
        c->gen++;
        c->seek_t = target;
        c->done = 0, c->err = 0;
        pic_put(c, c->cur);
        c->cur = NULL;
        pthread_cond_broadcast(&c->cv);
    }
    for (;;) {
        while (!c->qn && !c->done)
            if (vx_cond_wait(&c->cv, &c->mu, c->cancel) < 0)
                return VX_ECANCELED;
        if (!c->qn)
            break;
        const CamItem h = c->q[c->qh];
        if (c->cur && h.t > target + CAM_EPS)
            break;
        pic_put(c, c->cur);
        c->cur = h.p, c->cur_t = h.t;
        c->qh = (c->qh + 1) % CAM_QUEUE;
        c->qn--;
        pthread_cond_broadcast(&c->cv);
        if (h.t > target + CAM_EPS)
            break; /* a seek landed after the target: the nearest frame there is */
    }
    if (c->err < 0)
        return c->err;
    if (!c->cur) /* a seek found nothing (past the end of a damaged file): hold the first */
        c->cur = &c->first_pic, c->cur_t = c->first_t;
    return 0;
}

/* ---- drawing ---- */

/* p's chroma in the other layout, in c->conv (the output's format changed between calls). */
static const Pic *pic_convert(VxCamera *c, const Pic *p)
{
    const int n = c->bw / 2, rows = c->bh / 2;
    const size_t plane = (size_t)n * rows;
    c->conv.y = p->y;
    c->conv.step = 3 - p->step;
    for (int j = 0; j < rows; j++)
        for (int i = 0; i < n; i++) {
            uint8_t *il = (p->step == 2 ? p->c : c->conv.c) + (size_t)j * 2 * n + 2 * i;
            uint8_t *pu = (p->step == 1 ? p->c : c->conv.c) + (size_t)j * n + i;
            if (p->step == 2)
                pu[0] = il[0], pu[plane] = il[1];
            else
                il[0] = pu[0], il[1] = pu[plane];
        }
    return &c->conv;
}

/* The picture shown at recording time t, for outputs whose chroma step is `step`, into *out;
 * it counts as drawn. */
static int take_shown(VxCamera *c, double t, int step, const Pic **out)
{
    const double target = t - c->offset;
    /* before the camera's first frame the first is held; after its last, the last */
    const int before = target < c->first_t - CAM_EPS;
    pthread_mutex_lock(&c->mu);
    c->layout = step; /* what the decode thread renders from now on */
    int ret = before ? 0 : advance(c, target);
    c->draws++;
    *out = before ? &c->first_pic : c->cur;
    c->drawn_t = before ? c->first_t : c->cur_t;
    c->drawn_gen = c->gen;
    c->have_drawn = 1;
    pthread_mutex_unlock(&c->mu);
    return ret;
}

int vx_camera_picture(VxCamera *c, double t, int layout, VxCameraPic *out)
{
    const Pic *p;
    int ret = take_shown(c, t, layout == VX_LAYOUT_NV12 ? 2 : 1, &p);
    if (ret < 0)
        return ret;
    if (p->step != (layout == VX_LAYOUT_NV12 ? 2 : 1))
        p = pic_convert(c, p);
    uint8_t *pu, *pv;
    ptrdiff_t cs;
    pic_chroma(&c->fit, p, &pu, &pv, &cs);
    *out = (VxCameraPic){p->y, pu, pv, c->bw, cs};
    return 0;
}

void vx_camera_bubble(const VxCamera *c, double box[5])
{
    box[0] = c->bx, box[1] = c->by, box[2] = c->bw, box[3] = c->bh, box[4] = c->R;
}

int vx_camera_draw_box(VxCamera *c, double t, const double box[5], VxPicture *dst,
                       VxRect *drawn)
{
    *drawn = (VxRect){0, 0, 0, 0};
    if (!c->keep || dst->sub_x != 1 || dst->sub_y != 1)
        return VX_ERR(EINVAL);
    int bw = even(box[2]), bh = even(box[3]);
    bw = bw > (c->W & ~1) ? c->W & ~1 : bw, bh = bh > (c->H & ~1) ? c->H & ~1 : bh;
    int bx = even(box[0]), by = even(box[1]);
    bx = bx < 0 ? 0 : bx + bw > c->W ? (c->W - bw) & ~1 : bx;
    by = by < 0 ? 0 : by + bh > c->H ? (c->H - bh) & ~1 : by;
    const int step = dst->layout == VX_LAYOUT_NV12 ? 2 : 1;
    const Pic *shown;
    int ret = take_shown(c, t, step, &shown);
    if (ret < 0 || bw < 2 || bh < 2)
        return ret;
    if (!shown->frame)
        return vx_fail(c->ctx, VX_ERR(EINVAL), "internal: camera frame not kept");
    const size_t luma = (size_t)bw * bh, chroma = (size_t)(bw / 2) * (bh / 2);
    if (luma + 2 * chroma + bw > c->box_cap) {
        /* room for the largest box at once (the whole output): a box that grows on every
         * output would otherwise get fresh pages every time */
        free(c->box_pic.y);
        c->box_cap = (size_t)c->W * c->H + 2 * (size_t)(c->W / 2) * (c->H / 2) + c->W;
        c->box_cap = c->box_cap < luma + 2 * chroma + bw ? luma + 2 * chroma + bw : c->box_cap;
        if (!(c->box_pic.y = malloc(c->box_cap))) {
            c->box_cap = 0;
            return VX_ERR(ENOMEM);
        }
    }
    c->box_pic.c = c->box_pic.y + luma;
    /* the scaler writes the whole box (no border), so its chroma need not be laid out anew
     * when only the box's size changed: render_picture does it when the step changes */
    if (c->box_fit.bw != bw || c->box_fit.bh != bh || !c->box_fit.sy.dsp)
        if ((ret = fit_init(c, &c->box_fit, bw, bh, 0, 0)) < 0)
            return ret;
    if ((ret = render_picture(c, &c->box_fit, shown->frame, &c->box_pic, step)) < 0)
        return ret;
    const double r = fmin(fmax(box[4], 0), fmin(bw, bh) / 2.0);
    uint8_t *cov = c->box_pic.y + luma + 2 * chroma; /* bw bytes of scratch */
    const VxPlanes d = vx_planes(dst);
    uint8_t *pu, *pv;
    ptrdiff_t cs;
    pic_chroma(&c->box_fit, &c->box_pic, &pu, &pv, &cs);
    const VxBlendDSP *bd = &c->bdsp;
    vx_rrect_cover_plane(bd, d.y + by * d.sy + bx, d.sy, c->box_pic.y, bw, bw, bh, 1, 1, 0.5, bw, bh, r,
                cov);
    const ptrdiff_t co = (by / 2) * d.suv + (bx / 2) * d.step;
    if (step == 2) { /* u and v interleaved: one plane of pairs */
        vx_rrect_cover_plane(bd, d.u + co, d.suv, pu, cs, bw / 2, bh / 2, 2, 2, 1.0, bw, bh, r, cov);
    } else {
        vx_rrect_cover_plane(bd, d.u + co, d.suv, pu, cs, bw / 2, bh / 2, 1, 2, 1.0, bw, bh, r, cov);
        vx_rrect_cover_plane(bd, d.v + co, d.suv, pv, cs, bw / 2, bh / 2, 1, 2, 1.0, bw, bh, r, cov);
    }
    *drawn = (VxRect){bx, by, bx + bw, by + bh};
    return 0;
}

const VxCameraShape *vx_camera_shape(const VxCamera *c)
{
    return &c->shape;
}

int vx_camera_advance(VxCamera *c, double t, int layout)
{
    const double target = t - c->offset;
    const int before = target < c->first_t - CAM_EPS;
    pthread_mutex_lock(&c->mu);
    c->layout = layout == VX_LAYOUT_NV12 ? 2 : 1;
    int ret = before ? 0 : advance(c, target);
    const double shown = before ? c->first_t : c->cur_t;
    if (ret >= 0)
        ret = !c->have_drawn || shown != c->drawn_t || c->gen != c->drawn_gen;
    pthread_mutex_unlock(&c->mu);
    return ret;
}

VxRect vx_camera_rect(const VxCamera *c)
{
    VxRect r = {0, 0, 0, 0};
    return c ? c->rect : r;
}

/* ---- setup ---- */

int vx_camera_open(VxContext *ctx, const VxCameraOpts *o, int W, int H, int matrix,
                   VxCamera **out)
{
    *out = NULL;
    if (!o || !o->path || W < 2 || H < 2)
        return vx_fail(ctx, VX_ERR(EINVAL), "internal: camera bubble without a camera or "
                       "for a %dx%d output", W, H);
    VxCamera *c = calloc(1, sizeof(*c));
    if (!c)
        return VX_ERR(ENOMEM);
    c->ctx = ctx;
    c->W = W, c->H = H;
    c->offset = o->offset, c->mirror = o->mirror, c->border = o->border;
    c->has_shadow = o->shadow;
    c->cancel = vx_cancel_current();
    pthread_mutex_init(&c->mu, NULL);
    vx_cond_init(&c->cv);
    int ret = VX_ERR(ENOMEM);
    if (!(c->path = strdup(o->path)))
        goto fail;
    if ((ret = vx_source_open(ctx, o->path, &c->src)) < 0)
        goto fail;
    /* decoded on its own thread beside the screen's decoder: with one thread of its own (a
     * budget of 8 or more: its eighth, up to 4), since frame threads cost about 15 % more CPU
     * for the same pictures (1280x720 H.264: 3.9 s against 3.3 s a minute) */
    const long cpus = ctx->s.threads > 0 ? ctx->s.threads : sysconf(_SC_NPROCESSORS_ONLN);
    const int threads = cpus >= 32 ? 4 : cpus >= 8 ? (int)cpus / 8 : 1;
    char used[32];
    if ((ret = vx_source_setup_decoder(c->src, "none", threads, used, sizeof(used))) < 0)
        goto fail;
    /* delivered in the camera's own matrix and subsampling (by reference when it is 4:2:0
     * limited range): a change of matrix is done on the bubble's samples, after scaling */
    const VxSourceInfo *si = vx_source_info(c->src);
    c->convert = si->matrix != matrix;
    if (c->convert)
        vx_matrix_q16(si->matrix, matrix, c->mx);
    vx_source_set_output_color(c->src, si->matrix, VX_RANGE_LIMITED);
    c->cam_w = si->width, c->cam_h = si->height;
    c->sub_x = si->sub_x, c->sub_y = si->sub_y;
    c->chroma_x = si->chroma_x, c->chroma_y = si->chroma_y;
    c->keep = o->keep_frames;

    /* geometry */
    const int M = W < H ? W : H;
    int bw = even(o->size * M), bh = bw;
    if (o->shape == VX_SHAPE_ROUNDED) {
        /* the camera's own aspect, kept between 9:16 and 16:9 */
        double a = (double)c->cam_w / c->cam_h;
        a = a < 9.0 / 16 ? 9.0 / 16 : a > 16.0 / 9 ? 16.0 / 9 : a;
        bh = even(bw / a);
    }
    if (o->box) /* a scenes layout's box (compose.c, vx_scene_layout) */
        bw = o->bw, bh = o->bh;
    bw = bw > (W & ~1) ? W & ~1 : bw < 2 ? 2 : bw;
    bh = bh > (H & ~1) ? H & ~1 : bh < 2 ? 2 : bh;
    const double m = o->margin * M;
    double x0, y0;
    switch (o->corner) {
    case VX_CORNER_BL: x0 = m, y0 = H - m - bh; break;
    case VX_CORNER_TR: x0 = W - m - bw, y0 = m; break;
    case VX_CORNER_TL: x0 = m, y0 = m; break;
    case VX_CORNER_POS: x0 = o->px * W - bw / 2.0, y0 = o->py * H - bh / 2.0; break;
    default: x0 = W - m - bw, y0 = H - m - bh; break;
    }
    if (o->box)
        x0 = o->bx, y0 = o->by;
    c->bx = even(x0), c->by = even(y0), c->bw = bw, c->bh = bh;
    const double S = bw < bh ? bw : bh;
    if (c->border > S / 2 - 1)
        c->border = S / 2 - 1;
    c->ib = (int)floor(c->border) & ~1;
    const double R = o->shape == VX_SHAPE_CIRCLE  ? S / 2
                     : o->shape == VX_SHAPE_SQUARE ? 0
                                                   : o->radius * S;
    c->R = R;
    const Shape outer = {0, 0, bw, bh, R};
    const double b = c->border;
    vx_scale_dsp_init(&c->sdsp, ctx->cpu_flags);
    vx_blend_dsp_init(&c->bdsp, ctx->cpu_flags);
    if ((ret = fit_init(c, &c->fit, bw, bh, b, c->ib)) < 0)
        goto fail;
    const Shape inner = {b, b, bw - 2 * b, bh - 2 * b, R - b > 0 ? R - b : 0};
    if ((ret = build_masks(c, &outer, &inner)) < 0)
        goto fail;
    ret = VX_ERR(ENOMEM); /* what the allocations below fail with */
    const Mask *all = c->has_shadow ? &c->sh_y : &c->out_y;
    VxRect r = {all->ox, all->oy, all->ox + all->w, all->oy + all->h};
    r.x0 = r.x0 < 0 ? 0 : r.x0, r.y0 = r.y0 < 0 ? 0 : r.y0;
    r.x1 = r.x1 > W ? W : r.x1, r.y1 = r.y1 > H ? H : r.y1;
    if (r.x0 >= r.x1 || r.y0 >= r.y1)
        r = (VxRect){0, 0, 0, 0};
    c->rect = r;

    /* colours and buffers */
    double kr, kb;
    vx_matrix_coefs(matrix, &kr, &kb);
    const VxRGB bc = o->border_color;
    const double yy = kr * bc.r + (1 - kr - kb) * bc.g + kb * bc.b;
    const uint8_t bY = vx_q8(16 + 219 * yy), bU = vx_q8(128 + 224 * (bc.b - yy) / (2 * (1 - kb))),
                  bV = vx_q8(128 + 224 * (bc.r - yy) / (2 * (1 - kr)));
    c->bY = bY, c->bU = bU, c->bV = bV;
    const int n = (c->has_shadow ? c->sh_y.w : bw) * 2;
    const size_t luma = (size_t)bw * bh, chroma = (size_t)(bw / 2) * (bh / 2);
    c->sh_row_y = malloc(n), c->sh_row_c = malloc(n), c->bd_row_y = malloc(n);
    c->bd_row_uv = malloc(n), c->bd_row_u = malloc(n), c->bd_row_v = malloc(n);
    if (!c->sh_row_y || !c->sh_row_c || !c->bd_row_y || !c->bd_row_uv || !c->bd_row_u ||
        !c->bd_row_v || !(c->conv.c = malloc(2 * chroma)))
        goto fail;
    for (int i = 0; i <= CAM_QUEUE + 2; i++) {
        Pic *p = i ? &c->pics[i - 1] : &c->first_pic;
        if (!(p->y = malloc(luma + 2 * chroma)))
            goto fail;
        p->c = p->y + luma;
        memset(p->y, bY, luma); /* outside the inner box the picture is the border */
        pic_layout(c, &c->fit, p, 2);
        if (i)
            pic_put(c, p);
    }
    memset(c->sh_row_y, 16, n), memset(c->sh_row_c, 128, n);
    memset(c->bd_row_y, bY, n), memset(c->bd_row_u, bU, n), memset(c->bd_row_v, bV, n);
    for (int i = 0; i < n; i += 2)
        c->bd_row_uv[i] = bU, c->bd_row_uv[i + 1] = bV;

    /* the first frame now: a camera file without pictures fails here, not mid-export */
    AVFrame *first = NULL;
    ret = vx_source_read(c->src, &first, &c->first_t);
    if (ret == AVERROR_EOF)
        ret = vx_fail(ctx, VX_ERR(EINVAL), "%s: the camera recording has no video frames",
                      o->path);
    if (ret >= 0)
        ret = render_picture(c, &c->fit, first, &c->first_pic, 2);
    if (ret >= 0 && c->keep)
        c->first_pic.frame = first, first = NULL;
    av_frame_free(&first);
    if (ret < 0)
        goto fail;
    c->cur = &c->first_pic, c->cur_t = c->first_t;
    c->layout = 2;
    if (vx_thread_start(&c->th, decode_thread, c) < 0) {
        ret = vx_fail(ctx, VX_ERR(EAGAIN), "%s: cannot start the camera's decode thread",
                      o->path);
        goto fail;
    }
    c->shape = (VxCameraShape){&c->out_y, &c->out_c, &c->sh_y, &c->sh_c, c->sh_row_y,
                               c->sh_row_c, c->has_shadow, W, H, &c->bdsp};
    vx_log(ctx, VX_LOG_INFO, "camera %s: %dx%d, bubble %dx%d at (%d, %d)", o->path, c->cam_w,
           c->cam_h, bw, bh, c->bx, c->by);
    *out = c;
    return 0;
fail:
    vx_camera_free(&c);
    return ret;
}

void vx_camera_free(VxCamera **pc)
{
    if (!pc || !*pc)
        return;
    VxCamera *c = *pc;
    if (c->th.started) {
        pthread_mutex_lock(&c->mu);
        c->abort = 1;
        pthread_cond_broadcast(&c->cv);
        pthread_mutex_unlock(&c->mu);
        vx_thread_join(&c->th);
        vx_log(c->ctx, VX_LOG_VERBOSE, "camera %s: %lld draws, %lld pictures rendered "
               "(%.0f us each, on the decode thread), %lld seeks", c->path,
               (long long)c->draws, (long long)c->rendered,
               c->rendered ? c->render_s * 1e6 / c->rendered : 0.0, (long long)c->seeks);
    }
    queue_flush(c);
    vx_source_close(&c->src);
    pthread_mutex_destroy(&c->mu);
    pthread_cond_destroy(&c->cv);
    vx_mask_free(&c->out_y), vx_mask_free(&c->out_c), vx_mask_free(&c->in_y), vx_mask_free(&c->in_c);
    vx_mask_free(&c->sh_y), vx_mask_free(&c->sh_c);
    fit_free(&c->fit);
    fit_free(&c->box_fit);
    av_frame_free(&c->first_pic.frame);
    for (int i = 0; i < CAM_QUEUE + 2; i++)
        av_frame_free(&c->pics[i].frame);
    free(c->box_pic.y);
    free(c->sh_row_y), free(c->sh_row_c), free(c->bd_row_y), free(c->bd_row_uv);
    free(c->bd_row_u), free(c->bd_row_v);
    free(c->first_pic.y), free(c->conv.c);
    for (int i = 0; i < CAM_QUEUE + 2; i++)
        free(c->pics[i].y);
    free(c->path);
    free(c);
    *pc = NULL;
}
