/* The persistent preview (vx_preview_*) through the public API alone: one preview asked for
 * frames forwards, backwards, across a cut, a 2x range and a zoom gives, byte for byte, what a
 * fresh vx_render_frame gives at each time (RGBA) and what a fresh preview gives (NV12); a
 * wrong image is refused with a message; a cancel (before a render, and from another thread
 * during renders) returns VX_ECANCELED and the preview keeps giving the right frames.
 *   preview SCREEN.mp4 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "vexport/vexport.h"

#include "../unit/check.h"

/* rows of w*bpp bytes of two images equal? */
static int same_rows(const VxImage *a, const VxImage *b, int plane, int rows, int bytes)
{
    for (int y = 0; y < rows; y++)
        if (memcmp(a->data[plane] + y * a->stride[plane], b->data[plane] + y * b->stride[plane],
                   (size_t)bytes))
            return 0;
    return 1;
}

typedef struct Canceller {
    VxPreview *pv;
    volatile int stop;
    int sent;
} Canceller;

static void *cancel_thread(void *arg)
{
    Canceller *c = arg;
    while (!c->stop) {
        struct timespec ts = {0, 25 * 1000 * 1000};
        nanosleep(&ts, NULL);
        vx_preview_cancel(c->pv);
        c->sent++;
    }
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: preview SCREEN.mp4\n");
        return 2;
    }
    char json[2048];
    /* 320x180 at 30 fps; a cut (1.5 s, then from 2 s at 2x), a zoom over the first range */
    snprintf(json, sizeof(json),
             "{\"version\": 1, \"sources\": {\"screen\": \"%s\", \"audio\": []},"
             " \"output\": {\"width\": 320, \"height\": 180, \"fps\": 30},"
             " \"background\": \"#336699\", \"padding\": 0.08, \"radius\": 12,"
             " \"shadow\": {\"blur\": 10, \"opacity\": 0.5},"
             " \"timeline\": [{\"start\": 0, \"end\": 1.5}, {\"start\": 2, \"end\": 4, \"speed\": 2}],"
             " \"zoom\": [{\"start\": 0.3, \"end\": 1.2, \"scale\": 2, \"center\": [0.3, 0.4]}]}",
             argv[1]);
    VxSettings s;
    vx_default_settings(&s);
    s.ffmpeg_log = VX_FFMPEG_LOG_QUIET;
    s.threads = 1;
    VxContext *ctx = NULL;
    VxProject *p = NULL;
    VxPreview *pv = NULL;
    if (vx_open(&ctx, &s) < 0 || vx_project_parse(ctx, json, ".", "preview.json", &p) < 0 ||
        vx_preview_open(ctx, p, &pv) < 0) {
        printf("FAIL: open: %s\n", ctx ? vx_last_error(ctx) : "no context");
        return 1;
    }
    int W = 0, H = 0;
    CHECK(vx_preview_output(pv, &W, &H) == 0 && W == 320 && H == 180, "output %dx%d", W, H);
    VxImage *rgba = vx_image_alloc(VX_PIX_RGBA, W, H);
    VxImage *nv12 = vx_image_alloc(VX_PIX_NV12, W, H);
    VxImage *nv12b = vx_image_alloc(VX_PIX_NV12, W, H);
    if (!rgba || !nv12 || !nv12b)
        return 2;
    /* forwards, inside the zoom, back to the start, across the cut, far ahead, back again */
    const double times[] = {0, 0.1, 0.2, 0.5, 0.8, 0.9, 0.0333, 1.4, 1.5, 1.6, 2.4, 0.7,
                            2.45, 0.4, 1.0, 1.0, 2.0, 0.05};
    const int n = (int)(sizeof(times) / sizeof(times[0]));
    for (int i = 0; i < n; i++) {
        const double t = times[i];
        VxImage *ref = NULL;
        CHECK(vx_preview_render(pv, t, rgba) == 0, "render %.4f: %s", t, vx_last_error(ctx));
        CHECK(vx_render_frame(ctx, p, t, &ref) == 0 && ref, "vx_render_frame %.4f: %s", t,
              vx_last_error(ctx));
        if (ref)
            CHECK(same_rows(rgba, ref, 0, H, 4 * W), "t = %.4f (call %d): the preview's RGBA "
                  "differs from vx_render_frame's", t, i);
        vx_image_free(&ref);
        /* NV12: the same preview against a fresh one */
        VxPreview *fresh = NULL;
        CHECK(vx_preview_render(pv, t, nv12) == 0, "NV12 render %.4f", t);
        CHECK(vx_preview_open(ctx, p, &fresh) == 0 && vx_preview_render(fresh, t, nv12b) == 0,
              "fresh preview %.4f", t);
        CHECK(same_rows(nv12, nv12b, 0, H, W) && same_rows(nv12, nv12b, 1, H / 2, W),
              "t = %.4f: NV12 differs from a fresh preview's", t);
        vx_preview_free(&fresh);
    }
    /* the frames differ over time (the test would pass on a frozen preview otherwise) */
    VxImage *a = vx_image_alloc(VX_PIX_RGBA, W, H);
    CHECK(a && vx_preview_render(pv, 0.1, a) == 0 && vx_preview_render(pv, 0.8, rgba) == 0 &&
          !same_rows(a, rgba, 0, H, 4 * W), "0.1 s and 0.8 s (zoomed) show the same picture");
    vx_image_free(&a);

    /* wrong images */
    VxImage *small = vx_image_alloc(VX_PIX_RGBA, W / 2, H);
    VxError e;
    CHECK(vx_preview_render(pv, 0.5, small) == VX_ERR(EINVAL), "a half-width image accepted");
    vx_preview_error(pv, &e);
    CHECK(strstr(e.message, "320x180") != NULL, "the refusal does not give the size: '%s'",
          e.message);
    vx_image_free(&small);
    VxImage *i420 = vx_image_alloc(VX_PIX_I420, W, H);
    CHECK(vx_preview_render(pv, 0.5, i420) == VX_ERR(EINVAL), "an I420 image accepted");
    vx_preview_error(pv, &e);
    CHECK(strstr(e.message, "RGBA") != NULL, "the refusal does not name the formats: '%s'",
          e.message);
    vx_image_free(&i420);

    /* a cancel before the render stops that render; the next one is right again */
    vx_preview_cancel(pv);
    CHECK(vx_preview_render(pv, 1.6, rgba) == VX_ECANCELED, "a cancelled render succeeded");
    VxImage *ref = NULL;
    CHECK(vx_preview_render(pv, 1.6, rgba) == 0 && vx_render_frame(ctx, p, 1.6, &ref) == 0 &&
          same_rows(rgba, ref, 0, H, 4 * W), "after a cancel: not the right frame");
    vx_image_free(&ref);
    /* cancels from another thread during renders far apart (seeks): each render either
     * finishes right or returns VX_ECANCELED */
    Canceller c = {pv, 0, 0};
    pthread_t th;
    pthread_create(&th, NULL, cancel_thread, &c);
    int cancelled = 0, done = 0;
    for (int i = 0; i < 60; i++) {
        const double t = (i * 7 % 24) / 10.0;
        int r = vx_preview_render(pv, t, rgba);
        CHECK(r == 0 || r == VX_ECANCELED, "render %.1f under cancels: %d", t, r);
        cancelled += r == VX_ECANCELED;
        done += r == 0;
    }
    c.stop = 1;
    pthread_join(th, NULL);
    CHECK(cancelled > 0, "%d cancels sent, no render was cancelled", c.sent);
    /* a cancel sent after the last render and before the thread stopped holds for the next */
    int r = vx_preview_render(pv, 2.4, rgba);
    if (r == VX_ECANCELED)
        r = vx_preview_render(pv, 2.4, rgba);
    CHECK(r == 0 && vx_render_frame(ctx, p, 2.4, &ref) == 0 &&
          same_rows(rgba, ref, 0, H, 4 * W), "after the cancels: not the right frame (%d)", r);
    vx_image_free(&ref);
    vx_image_free(&rgba);
    vx_image_free(&nv12);
    vx_image_free(&nv12b);
    vx_preview_free(&pv);
    vx_project_free(&p);

    /* a cross-fade (two ranges shown at once, each from its own decoder) */
    snprintf(json, sizeof(json),
             "{\"version\": 1, \"sources\": {\"screen\": \"%s\", \"audio\": []},"
             " \"output\": {\"width\": 320, \"height\": 180, \"fps\": 30},"
             " \"timeline\": [{\"start\": 0, \"end\": 1.5}, {\"start\": 2, \"end\": 4,"
             " \"transition\": {\"type\": \"crossfade\", \"duration\": 0.5}}]}", argv[1]);
    if (vx_project_parse(ctx, json, ".", "xfade.json", &p) < 0 || vx_preview_open(ctx, p, &pv) < 0) {
        printf("FAIL: cross-fade project: %s\n", vx_last_error(ctx));
        return 1;
    }
    rgba = vx_image_alloc(VX_PIX_RGBA, W, H);
    const double xt[] = {0.9, 1.0, 1.1, 1.2, 1.3, 1.45, 1.6, 1.05, 0.5, 1.15};
    for (int i = 0; i < (int)(sizeof(xt) / sizeof(xt[0])); i++) {
        VxImage *ref = NULL;
        CHECK(vx_preview_render(pv, xt[i], rgba) == 0 && vx_render_frame(ctx, p, xt[i], &ref) == 0 &&
              same_rows(rgba, ref, 0, H, 4 * W), "cross-fade at %.2f s: the preview differs from "
              "vx_render_frame", xt[i]);
        vx_image_free(&ref);
    }
    vx_image_free(&rgba);
    vx_preview_free(&pv);
    vx_project_free(&p);
    vx_close(&ctx);
    if (!failures)
        printf("preview: %d times equal vx_render_frame and a fresh preview; %d of 60 renders "
               "cancelled, %d finished\n", n, cancelled, done);
    return failures ? 1 : 0;
}
