/* The persistent preview (vx_preview_*): a project opened once for frames at any time, as an
 * editor scrubs. It keeps what a frame costs to set up between calls: the recording's decoder
 * where it stopped (a frame later decodes forward from there; going back or far ahead seeks),
 * the scene, and the compositor with its static picture (background, shadow) and its last
 * output (only what changed is redrawn). vx_render_frame is an open, one render and a free, so
 * a preview shows exactly what `vexport frame` and the export show. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "compose.h"
#include "image.h"
#include "internal.h"
#include "media_picture.h"
#include "scene.h"
#include "source.h"
#include "thread.h"

/* Further ahead than this, seek rather than decode forward (frames in between cost a decode
 * each; a seek costs the frames from the keyframe before). */
#define PREVIEW_SEEK_AHEAD_S 1.0
#define PREVIEW_EPS 1e-4

/* A decoder of the recording where it stopped. */
typedef struct Reader {
    VxSource *src;
    AVFrame *cur, *next; /* the source frame shown last, and the one decoded after it */
    double cur_t, next_t;
    int eof;
} Reader;

struct VxPreview {
    VxContext ctx;     /* the caller's settings, this preview's own last error */
    VxProject *p;      /* a copy: the caller may free theirs */
    VxCancel cancel;
    /* ranges of the timeline alternate between two decoders (range i: rd[i & 1]), so that a
     * cross-fade, which shows two ranges at once, reads each side forward without seeking;
     * the second opens with the first cross-fade shown; without cross-fades, rd[0] alone */
    Reader rd[2];
    VxScene *scene;
    VxCompose *comp;
    VxLayout l;
};

static void reader_close(Reader *r)
{
    av_frame_free(&r->cur);
    av_frame_free(&r->next);
    vx_source_close(&r->src);
}

static void teardown(VxPreview *pv)
{
    vx_compose_free(&pv->comp);
    vx_scene_close(&pv->scene);
    reader_close(&pv->rd[0]);
    reader_close(&pv->rd[1]);
}

/* Opens the recording, the scene and the compositor (under the preview's cancel token: the
 * containers and the camera's thread take it). */
static int setup(VxPreview *pv)
{
    VxContext *ctx = &pv->ctx;
    const VxProject *p = pv->p;
    int ret = vx_source_open(ctx, p->screen, &pv->rd[0].src);
    if (ret < 0)
        return ret;
    const VxSourceInfo *si = vx_source_info(pv->rd[0].src);
    if ((ret = vx_layout_compute(ctx, p, si->width, si->height, &pv->l)) < 0 ||
        (ret = vx_scene_open(ctx, p, si, &pv->scene)) < 0)
        return ret;
    vx_source_set_output_color(pv->rd[0].src, pv->l.matrix, VX_RANGE_LIMITED);
    /* the frames' chroma layout depends on the colour conversion */
    pv->l.sub_x = si->sub_x, pv->l.sub_y = si->sub_y;
    pv->l.cx = si->chroma_x, pv->l.cy = si->chroma_y;
    if ((ret = vx_compose_create(ctx, p, pv->scene, &pv->l, VX_LAYOUT_NV12, &pv->comp)) < 0)
        return ret;
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    int n = ctx->s.threads > 0 ? ctx->s.threads : cpus > 0 ? (int)cpus : 1;
    return vx_compose_set_threads(pv->comp, n > 4 ? 4 : n);
}

int vx_preview_open(VxContext *ctx, const VxProject *p, VxPreview **out)
{
    if (!ctx || !p || !out)
        return VX_ERR(EINVAL);
    *out = NULL;
    VxPreview *pv = calloc(1, sizeof(*pv));
    if (!pv)
        return VX_ERR(ENOMEM);
    pv->ctx = *ctx;
    memset(&pv->ctx.err, 0, sizeof(pv->ctx.err));
    vx_cancel_init(&pv->cancel);
    int ret = vx_project_clone(p, &pv->p);
    if (ret >= 0) {
        const VxCancel *outer = vx_cancel_enter(&pv->cancel);
        ret = setup(pv);
        vx_cancel_enter(outer);
    }
    if (ret < 0) {
        ctx->err = pv->ctx.err;
        vx_preview_free(&pv);
        return ret;
    }
    *out = pv;
    return 0;
}

/* Makes the reader's cur the source frame shown at recording time ts: the last one at or
 * before it (the first one when none is). */
static int source_at(VxPreview *pv, Reader *r, double ts)
{
    if (!r->src) { /* the second decoder, at the first cross-fade */
        int ret = vx_source_open(&pv->ctx, pv->p->screen, &r->src);
        if (ret < 0)
            return ret;
        vx_source_set_output_color(r->src, pv->l.matrix, VX_RANGE_LIMITED);
    }
    if (!r->cur || ts < r->cur_t - PREVIEW_EPS || ts > r->cur_t + PREVIEW_SEEK_AHEAD_S) {
        av_frame_free(&r->cur);
        av_frame_free(&r->next);
        r->eof = 0;
        vx_source_seek(r->src, ts);
    }
    for (;;) {
        if (vx_cancel_is_set(&pv->cancel))
            return VX_ECANCELED;
        if (!r->next && !r->eof) {
            int ret = vx_source_read(r->src, &r->next, &r->next_t);
            if (ret == AVERROR_EOF)
                r->eof = 1;
            else if (ret < 0)
                return vx_cancel_is_set(&pv->cancel) ? VX_ECANCELED : ret;
        }
        if (r->next && (!r->cur || r->next_t <= ts + PREVIEW_EPS)) {
            av_frame_free(&r->cur);
            r->cur = r->next, r->cur_t = r->next_t;
            r->next = NULL;
            continue;
        }
        break;
    }
    if (!r->cur)
        return vx_fail(&pv->ctx, VX_ERR(EINVAL), "%s: no video frame could be decoded",
                       pv->p->screen);
    return 0;
}

/* The composed output for recording time ts (in range seg of the timeline) through view, at
 * output time t. */
static int compose_at(VxPreview *pv, int seg, double ts, const VxZoomView *view, double t,
                      VxPicture *frame)
{
    Reader *r = &pv->rd[vx_scene_timeline(pv->scene)->xfades ? seg & 1 : 0];
    int ret = source_at(pv, r, ts);
    if (ret < 0)
        return ret;
    VxPicture spic;
    if ((ret = vx_picture_from_frame(&spic, r->cur)) < 0)
        return ret;
    ret = vx_compose_next(pv->comp, &spic, view, ts, t, frame);
    vx_picture_unref(&spic);
    return ret;
}

/* The output frame shown at t (the last that starts at or before it), as the export has it. */
static int render(VxPreview *pv, double t, VxPicture *frame)
{
    const VxTimeline *tl = vx_scene_timeline(pv->scene);
    const double last = vx_timeline_time(tl, tl->frames - 1);
    t = vx_timeline_time(tl, (int64_t)(t * vx_q2d(tl->fps) + 1e-6));
    if (t > last)
        t = last;
    double ts, w;
    VxZoomView view;
    int seg;
    if (tl->xfades && vx_timeline_crossfade(tl, t, &seg, &w)) {
        /* a cross-fade: both sides, mixed as in the export */
        VxPicture a = {0}, b = {0};
        vx_scene_at_range(pv->scene, seg - 1, t, &ts, &view);
        int ret = compose_at(pv, seg - 1, ts, &view, t, &a);
        vx_scene_at_range(pv->scene, seg, t, &ts, &view);
        if (ret >= 0)
            ret = compose_at(pv, seg, ts, &view, t, &b);
        if (ret >= 0)
            ret = vx_compose_mix(pv->comp, &a, &b, w, frame);
        vx_picture_unref(&a);
        vx_picture_unref(&b);
        return ret;
    }
    vx_timeline_src_time(tl, t, &seg); /* the range shown: its decoder */
    vx_scene_at(pv->scene, t, &ts, &view);
    return compose_at(pv, seg, ts, &view, t, frame);
}

static int put_image(VxPreview *pv, const VxPicture *f, VxImage *dst)
{
    const VxLayout *l = &pv->l;
    if (dst->width != l->W || dst->height != l->H)
        return vx_fail(&pv->ctx, VX_ERR(EINVAL), "preview: the image is %dx%d, the output "
                       "%dx%d", dst->width, dst->height, l->W, l->H);
    if (dst->format == VX_PIX_NV12) {
        if (!dst->data[0] || !dst->data[1] || dst->stride[0] < l->W || dst->stride[1] < l->W)
            return vx_fail(&pv->ctx, VX_ERR(EINVAL), "preview: NV12 image without its two "
                           "planes or with strides below the width");
        for (int y = 0; y < l->H; y++)
            memcpy(dst->data[0] + y * dst->stride[0], f->data[0] + y * f->stride[0],
                   (size_t)l->W);
        for (int y = 0; y < l->H / 2; y++)
            memcpy(dst->data[1] + y * dst->stride[1], f->data[1] + y * f->stride[1],
                   (size_t)l->W);
        return 0;
    }
    if (dst->format != VX_PIX_RGBA)
        return vx_fail(&pv->ctx, VX_ERR(EINVAL), "preview: the image must be VX_PIX_RGBA or "
                       "VX_PIX_NV12 (format %d)", dst->format);
    VxImage yuv = {VX_PIX_NV12, l->W, l->H, {f->data[0], f->data[1]},
                   {f->stride[0], f->stride[1]}};
    VxColorSpec cs = {l->matrix, VX_RANGE_LIMITED, VX_CHROMA_LEFT};
    int ret = vx_convert_cpu(&yuv, dst, &cs, pv->ctx.cpu_flags);
    return ret < 0 ? vx_fail(&pv->ctx, ret, "preview: the RGBA image was refused (its planes "
                             "or stride)") : 0;
}

int vx_preview_render(VxPreview *pv, double t, VxImage *dst)
{
    if (!pv || !dst || !(t >= 0))
        return VX_ERR(EINVAL);
    memset(&pv->ctx.err, 0, sizeof(pv->ctx.err));
    const VxCancel *outer = vx_cancel_enter(&pv->cancel);
    int ret = 0;
    if (!pv->comp) /* a render was cancelled: everything is opened again */
        ret = setup(pv);
    VxPicture frame = {0};
    if (ret >= 0)
        ret = render(pv, t, &frame);
    if (ret >= 0)
        ret = put_image(pv, &frame, dst);
    vx_picture_unref(&frame);
    if (ret == VX_ECANCELED || (ret < 0 && vx_cancel_is_set(&pv->cancel))) {
        /* a cancel may stop the decoders anywhere (the camera's thread ends): open anew */
        ret = VX_ECANCELED;
        vx_fail(&pv->ctx, ret, "preview cancelled");
        teardown(pv);
    }
    vx_cancel_enter(outer);
    vx_cancel_reset(&pv->cancel); /* one cancel ends one render */
    return ret;
}

int vx_preview_error(const VxPreview *pv, VxError *out)
{
    if (!pv || !out)
        return VX_ERR(EINVAL);
    *out = pv->ctx.err;
    return 0;
}

void vx_preview_cancel(VxPreview *pv)
{
    if (pv)
        vx_cancel_set(&pv->cancel);
}

int vx_preview_output(const VxPreview *pv, int *width, int *height)
{
    if (!pv || !width || !height)
        return VX_ERR(EINVAL);
    *width = pv->l.W, *height = pv->l.H;
    return 0;
}

void vx_preview_free(VxPreview **ppv)
{
    if (!ppv || !*ppv)
        return;
    VxPreview *pv = *ppv;
    teardown(pv);
    vx_project_free(&pv->p);
    free(pv);
    *ppv = NULL;
}

int vx_render_frame(VxContext *ctx, const VxProject *p, double t, VxImage **out)
{
    if (!ctx || !p || !out || !(t >= 0))
        return VX_ERR(EINVAL);
    *out = NULL;
    VxPreview *pv = NULL;
    int ret = vx_preview_open(ctx, p, &pv);
    if (ret < 0)
        return ret;
    VxImage *rgba = vx_image_alloc(VX_PIX_RGBA, pv->l.W, pv->l.H);
    ret = rgba ? vx_preview_render(pv, t, rgba) : VX_ERR(ENOMEM);
    if (ret < 0 && pv->ctx.err.code)
        ctx->err = pv->ctx.err; /* a call on the context: its error is the context's */
    vx_preview_free(&pv);
    if (ret < 0)
        vx_image_free(&rgba);
    *out = rgba;
    return ret;
}
