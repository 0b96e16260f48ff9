/* Incremental compose (src/compose.c) against a full redraw of every frame. A synthetic
 * recording changes a few rectangles a frame (some frames unchanged, some the very same
 * decoded frame again), a small overlay moves or holds still over it, and a zoom holds and
 * then pans. The outputs are held for a varying number of frames, the way an encoder or a
 * queue may hold them, so the pooled buffers they are drawn into come back holding outputs
 * from 2 to over 12 frames old. Every output must equal the full redraw's, byte for byte,
 * in NV12 and in I420, drawn on one thread and in slices on three. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libavutil/frame.h>
#include <libavutil/pixfmt.h>

#include "compose.h"
#include "internal.h"
#include "layer.h"
#include "media_picture.h"
#include "source.h"

#include "check.h"

#define SW 800
#define SH 450
#define FRAMES 240

static unsigned rng = 12345;
static int rnd(int n)
{
    rng = rng * 1103515245u + 12345u;
    return (int)((rng >> 8) % (unsigned)n);
}

/* The overlay: a 9x7 block whose position follows t (still for a while), clipped to the
 * screen rectangle; it reports what it touched. */
static int draw_block(double t, const VxView *v, VxPicture *dst, VxRect *drawn)
{
    const int still = t >= 1.0 && t < 1.5;
    const int x0 = v->clip_x0 + 20 + (still ? 100 : (int)(t * 97) % 300);
    const int y0 = v->clip_y0 + 10 + (still ? 50 : (int)(t * 61) % 200);
    VxRect r = {x0, y0, x0 + 9, y0 + 7};
    r.x1 = r.x1 > v->clip_x1 ? v->clip_x1 : r.x1, r.y1 = r.y1 > v->clip_y1 ? v->clip_y1 : r.y1;
    for (int y = r.y0; y < r.y1; y++)
        memset(dst->data[0] + (ptrdiff_t)y * dst->stride[0] + r.x0, 235, (size_t)(r.x1 - r.x0));
    const int nv12 = dst->layout == VX_LAYOUT_NV12;
    for (int y = r.y0 / 2; y < (r.y1 + 1) / 2; y++)
        for (int x = r.x0 / 2; x < (r.x1 + 1) / 2; x++) {
            if (nv12) {
                dst->data[1][(ptrdiff_t)y * dst->stride[1] + 2 * x] = 40;
                dst->data[1][(ptrdiff_t)y * dst->stride[1] + 2 * x + 1] = 220;
            } else {
                dst->data[1][(ptrdiff_t)y * dst->stride[1] + x] = 40;
                dst->data[2][(ptrdiff_t)y * dst->stride[2] + x] = 220;
            }
        }
    *drawn = r;
    return 0;
}

/* The block as a layer above the screen, drawn until t = 200 / 60 (then it goes away). */
#define BLOCK_END (200 / 60.0)
static int block_open(VxLayer *ly, const VxLayerOpen *o)
{
    (void)o;
    ly->priv = ly;
    return 0;
}

static int block_changes(VxLayer *ly, const VxLayerFrame *fr, VxRect *r, int max)
{
    (void)ly, (void)max;
    if (fr->t >= BLOCK_END - 1e-9)
        return 0;
    r[0] = (VxRect){fr->v.clip_x0, fr->v.clip_y0, fr->v.clip_x1, fr->v.clip_y1};
    return 1;
}

static int block_end(VxLayer *ly, const VxLayerFrame *fr, VxRect *drawn)
{
    (void)ly;
    return fr->t >= BLOCK_END - 1e-9 ? 0 : draw_block(fr->t_rec, &fr->v, fr->dst, drawn);
}

static void block_close(VxLayer *ly)
{
    ly->priv = NULL;
}

static const VxLayerClass block_layer = {
    .name = "test-block",
    .open = block_open,
    .changes = block_changes,
    .end = block_end,
    .close = block_close,
};

extern const VxLayerClass vx_layer_background, vx_layer_screen;
static const VxLayerClass *const stack[] = {&vx_layer_background, &vx_layer_screen,
                                            &block_layer};

/* A new source frame: the previous one's picture with up to three rectangles repainted
 * (none for some frames). */
static AVFrame *next_source(const AVFrame *prev, int n)
{
    AVFrame *f = av_frame_alloc();
    f->format = AV_PIX_FMT_YUV420P, f->width = SW, f->height = SH;
    if (!f || av_frame_get_buffer(f, 64) < 0)
        exit(2);
    if (prev) {
        if (av_frame_copy(f, prev) < 0)
            exit(2);
    } else {
        for (int p = 0; p < 3; p++)
            for (int y = 0; y < (p ? SH / 2 : SH); y++)
                for (int x = 0; x < (p ? SW / 2 : SW); x++)
                    f->data[p][(ptrdiff_t)y * f->linesize[p] + x] = (uint8_t)(x * 7 + y * 3 + p * 50);
    }
    const int rects = n % 9 == 4 ? 0 : 1 + rnd(3);
    for (int i = 0; i < rects; i++) {
        const int w = 1 + rnd(n % 5 == 0 ? SW : 120), h = 1 + rnd(n % 7 == 0 ? SH : 60);
        const int x = rnd(SW - w + 1), y = rnd(SH - h + 1), v = rnd(256);
        for (int yy = y; yy < y + h; yy++)
            for (int xx = x; xx < x + w; xx++)
                f->data[0][(ptrdiff_t)yy * f->linesize[0] + xx] = (uint8_t)(v + xx);
        for (int yy = y / 2; yy < (y + h + 1) / 2; yy++)
            for (int xx = x / 2; xx < (x + w + 1) / 2; xx++) {
                f->data[1][(ptrdiff_t)yy * f->linesize[1] + xx] = (uint8_t)(v ^ yy);
                f->data[2][(ptrdiff_t)yy * f->linesize[2] + xx] = (uint8_t)(v + 3 * xx);
            }
    }
    return f;
}

static int same_picture(const VxPicture *a, const VxPicture *b)
{
    const int nv12 = a->layout == VX_LAYOUT_NV12;
    for (int y = 0; y < a->h; y++)
        if (memcmp(a->data[0] + (ptrdiff_t)y * a->stride[0],
                   b->data[0] + (ptrdiff_t)y * b->stride[0], (size_t)a->w))
            return 0;
    const int cw = (a->w + 1) / 2;
    for (int p = 1; p < (nv12 ? 2 : 3); p++)
        for (int y = 0; y < (a->h + 1) / 2; y++)
            if (memcmp(a->data[p] + (ptrdiff_t)y * a->stride[p],
                       b->data[p] + (ptrdiff_t)y * b->stride[p], (size_t)(nv12 ? 2 * cw : cw)))
                return 0;
    return 1;
}

static void run(VxContext *ctx, const VxProject *p, int fmt, int threads)
{
    const VxSourceInfo si = {.width = SW, .height = SH, .sub_x = 1, .sub_y = 1,
                             .chroma_x = 0, .chroma_y = 0.5};
    VxLayout l;
    if (vx_layout_compute(ctx, p, si.width, si.height, &l) < 0)
        exit(2);
    l.sub_x = si.sub_x, l.sub_y = si.sub_y, l.cx = si.chroma_x, l.cy = si.chroma_y;
    VxCompose *full = NULL, *inc = NULL;
    ctx->s.no_incremental = 1; /* VxSettings.no_incremental: whole frames */
    const int layout = fmt == AV_PIX_FMT_NV12 ? VX_LAYOUT_NV12 : VX_LAYOUT_PLANAR;
    int ret = vx_compose_create_stack(ctx, p, NULL, &l, layout, stack, 3, &full);
    ctx->s.no_incremental = 0;
    if (ret < 0 || vx_compose_create_stack(ctx, p, NULL, &l, layout, stack, 3, &inc) < 0 ||
        vx_compose_set_threads(inc, threads) < 0)
        exit(2);
    CHECK(vx_compose_threads(inc) == threads, "compose on %d threads, not %d",
          vx_compose_threads(inc), threads);
    AVFrame *src = NULL;
    VxPicture held[16] = {0};
    int n_held = 0, mismatches = 0, first_bad = -1, max_held = 0;
    for (int n = 0; n < FRAMES; n++) {
        const double t = n / 60.0;
        if (!src || n % 6 != 3) { /* every sixth frame: the very same decoded frame again */
            AVFrame *s = next_source(src, n);
            av_frame_free(&src);
            src = s;
        }
        /* the whole recording; 80..120 a zoom that holds, 120..140 one that pans, and a few
         * single zoomed frames (each output after a changed view is redrawn whole) */
        VxZoomView view = {0, 0, SW, SH};
        if (n >= 80 && n < 140)
            view = (VxZoomView){100.25 + (n >= 120 ? 3.5 * (n - 120) : 0), 60.5, SW / 2.0,
                                SH / 2.0};
        if (n == 45 || n == 173 || n == 214)
            view = (VxZoomView){10, 20, SW - 30, SH - 40};
        /* the overlay goes away for the last frames (block_layer) */
        VxPicture a, b, sp;
        if (vx_picture_from_frame(&sp, src) < 0 ||
            vx_compose_next(full, &sp, &view, t, t, &a) < 0 ||
            vx_compose_next(inc, &sp, &view, t, t, &b) < 0)
            exit(2);
        vx_picture_unref(&sp);
        if (!same_picture(&a, &b)) {
            mismatches++;
            first_bad = first_bad < 0 ? n : first_bad;
        }
        vx_picture_unref(&a);
        /* hold the output for a while: 0 to 12 outputs are held at any time */
        held[n_held++] = b;
        const int phase = (n / 10) % 4;
        const int keep = phase == 0 ? rnd(3) : phase == 1 ? 5 : phase == 2 ? 12 : rnd(8);
        max_held = n_held > max_held ? n_held : max_held;
        while (n_held > keep) {
            vx_picture_unref(&held[0]);
            memmove(held, held + 1, sizeof(*held) * (size_t)--n_held);
        }
    }
    int64_t frames, reused;
    double scaled, copied;
    vx_compose_stats(inc, &frames, &reused, &scaled, &copied);
    char name[32];
    snprintf(name, sizeof(name), "%s, %d thread%s", fmt == AV_PIX_FMT_NV12 ? "nv12" : "i420",
             threads, threads > 1 ? "s" : "");
    CHECK(!mismatches, "%s: %d of %d incremental outputs differ from the full redraw (first: "
          "output %d)", name, mismatches, FRAMES, first_bad);
    CHECK(max_held >= 12, "%s: outputs were held %d at most, not the 12 meant", name, max_held);
    /* the test means something only if both shortcuts were taken: only part rescaled, and
     * only part of the rest copied */
    CHECK(scaled < 0.9 && copied > 0.02 && scaled + copied < 1, "%s: %.0f%% of rows "
          "rescaled, %.0f%% copied: the incremental path was not exercised", name, 100 * scaled,
          100 * copied);
    printf("%s: %d outputs identical, %.0f%% of rows rescaled, %.0f%% copied, up to %d held\n",
           name, FRAMES - mismatches, 100 * scaled, 100 * copied, max_held);
    while (n_held)
        vx_picture_unref(&held[--n_held]);
    av_frame_free(&src);
    vx_compose_free(&full);
    vx_compose_free(&inc);
}

/* The transitions' windows (docs/project-format.md, "Scenes"): in at a scene's start unless
 * it is 0, out at its end into "default" unless the next scene starts there; each clamped to
 * the scene or the gap it runs in; eased. */
static void scene_transitions(void)
{
    const VxSceneSpec sc[] = {
        {0, 2, VX_SCENE_CAMERA, 0.5},   /* starts at 0: no way in; out over [2, 2.5) */
        {3, 3.2, VX_SCENE_SCREEN, 0.5}, /* in over [3, 3.2) only; the next starts at its end */
        {3.2, 5, VX_SCENE_SPLIT, 1},    /* in over [3.2, 4.2), out over [5, 5.3): the gap */
        {5.3, 6, VX_SCENE_CAMERA, 0},   /* a switch */
    };
    static const struct {
        double t;
        int moving, from, to;
        double e;
    } want[] = {
        {0.0, 0, 0, 0, 0},  {1.9, 0, 0, 0, 0},     {2.0, 1, VX_SCENE_CAMERA, VX_SCENE_DEFAULT, 0},
        {2.25, 1, VX_SCENE_CAMERA, VX_SCENE_DEFAULT, 0.5},
        {2.5, 0, 0, 0, 0},  {3.1, 1, VX_SCENE_DEFAULT, VX_SCENE_SCREEN, 0.5},
        {3.2, 1, VX_SCENE_SCREEN, VX_SCENE_SPLIT, 0},
        {3.45, 1, VX_SCENE_SCREEN, VX_SCENE_SPLIT, 4 * 0.25 * 0.25 * 0.25},
        {4.2, 0, 0, 0, 0},  {5.15, 1, VX_SCENE_SPLIT, VX_SCENE_DEFAULT, 0.5},
        {5.3, 0, 0, 0, 0},  {5.5, 0, 0, 0, 0},     {6.2, 0, 0, 0, 0},
    };
    for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
        int from = -1, to = -1;
        double e = -1;
        const int m = vx_scenes_transition(sc, 4, want[i].t, &from, &to, &e);
        CHECK(m == want[i].moving, "scenes at %g s: transition %d, expected %d", want[i].t, m,
              want[i].moving);
        if (m && want[i].moving)
            CHECK(from == want[i].from && to == want[i].to && fabs(e - want[i].e) < 1e-9,
                  "scenes at %g s: from %d to %d at %g, expected %d to %d at %g", want[i].t,
                  from, to, e, want[i].from, want[i].to, want[i].e);
    }
}

int main(void)
{
    scene_transitions();
    VxContext *ctx = NULL;
    VxSettings s;
    vx_default_settings(&s);
    if (vx_open(&ctx, &s) < 0)
        return 2;
    VxProject *p = NULL;
    const char *json = "{ \"sources\": { \"screen\": \"rec.mp4\", \"audio\": [] },"
                       "  \"output\": { \"width\": 640, \"height\": 360 },"
                       "  \"padding\": 0.06, \"radius\": 14, \"background\": \"#203040\" }";
    if (vx_project_parse(ctx, json, NULL, "test project", &p) < 0) {
        printf("FAIL project: %s\n", vx_last_error(ctx));
        return 2;
    }
    for (int threads = 1; threads <= 3; threads += 2) {
        run(ctx, p, AV_PIX_FMT_NV12, threads);
        run(ctx, p, AV_PIX_FMT_YUV420P, threads);
    }
    vx_project_free(&p);
    vx_close(&ctx);
    return failures != 0;
}
