/* The compositor alone (src/compose.c, no decoder or encoder): milliseconds per output frame
 * of a 1920x1080 4:2:0 recording into a 1920x1080 NV12 output with 6% padding and rounded
 * corners, drawn on 1, 2, ... threads (slices of rows). Each source frame scrolls a band of
 * rows by one line, so most rows change, as in the synthetic desktop of bench/floor.py; with
 * --still only a small rectangle changes (a calm screen). With --blur the view zooms in over
 * the frames' whole span ("transition" as long as the span) under "motion_blur" with a whole
 * frame's shutter: every output is the mean of several views (docs/project-format.md,
 * "Motion blur"), drawn in bands of rows on the threads.
 *
 *   build/bench/compose_bench [--runs 7] [--frames 120] [--max-threads N] [--size WxH]
 *                             [--still] [--blur]
 *
 * Prints the median over the runs for each thread count and its speed-up over one thread. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libavutil/frame.h>

#include "bench.h"
#include "compose.h"
#include "internal.h"
#include "media_picture.h"
#include "scene.h"
#include "source.h"
#include "source_info.h"

static double now(void)
{
    return bench_clock_s(CLOCK_MONOTONIC);
}

/* Source frame n: text-like stripes; rows [h/8, 7h/8) scroll by n lines (or, still, only a
 * 64x32 block changes). */
static void fill(AVFrame *f, int n, int still)
{
    const int w = f->width, h = f->height;
    for (int y = 0; y < h; y++) {
        const int scroll = !still && y >= h / 8 && y < 7 * h / 8;
        const int sy = scroll ? y + n : y;
        uint8_t *r = f->data[0] + (ptrdiff_t)y * f->linesize[0];
        for (int x = 0; x < w; x++)
            r[x] = (uint8_t)((sy % 12 < 8 && (x / 6 + sy / 12) % 7 != 0) ? 40 + (x * 37 + sy) % 50
                                                                         : 235);
    }
    if (still)
        for (int y = 100; y < 132; y++)
            memset(f->data[0] + (ptrdiff_t)y * f->linesize[0] + 200, (uint8_t)(n * 13), 64);
    for (int p = 1; p < 3; p++)
        for (int y = 0; y < h / 2; y++)
            memset(f->data[p] + (ptrdiff_t)y * f->linesize[p], 128 + (p == 1 ? 4 : -4), w / 2);
}

int main(int argc, char **argv)
{
    int runs = 7, frames = 120, max_threads = 4, still = 0, blur = 0, W = 1920, H = 1080;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--runs") && i + 1 < argc)
            runs = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--frames") && i + 1 < argc)
            frames = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--max-threads") && i + 1 < argc)
            max_threads = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--size") && i + 1 < argc)
            sscanf(argv[++i], "%dx%d", &W, &H);
        else if (!strcmp(argv[i], "--still"))
            still = 1;
        else if (!strcmp(argv[i], "--blur"))
            blur = 1;
        else {
            fprintf(stderr, "usage: compose_bench [--runs N] [--frames N] [--max-threads N] "
                            "[--size WxH] [--still] [--blur]\n");
            return 1;
        }
    }
    if (runs < 1 || frames < 2 || max_threads < 1 || max_threads > 16 || W < 16 || H < 16) {
        fprintf(stderr, "compose_bench: bad arguments\n");
        return 1;
    }
    VxContext *ctx = NULL;
    VxSettings s;
    vx_default_settings(&s);
    if (vx_open(&ctx, &s) < 0)
        return 2;
    char json[1024], zoom[256] = "";
    const double span = frames / 60.0;
    if (blur)
        snprintf(zoom, sizeof(zoom), ", \"zoom\": [{ \"start\": %.4f, \"end\": %.4f, "
                 "\"scale\": 2, \"center\": [0.3, 0.4], \"transition\": %.4f }], "
                 "\"motion_blur\": { \"screen\": 1 }", span, span + 1, span);
    snprintf(json, sizeof(json),
             "{ \"sources\": { \"screen\": \"rec.mp4\", \"audio\": [] }, \"output\": "
             "{ \"width\": %d, \"height\": %d, \"fps\": 60 }, \"padding\": 0.06, "
             "\"radius\": 18, \"background\": \"#203040\"%s }", W, H, zoom);
    VxProject *p = NULL;
    if (vx_project_parse(ctx, json, NULL, "bench project", &p) < 0) {
        fprintf(stderr, "compose_bench: %s\n", vx_last_error(ctx));
        return 2;
    }
    const VxSourceInfo si = {.width = W, .height = H, .duration = span + 2, .fps = {60, 1},
                             .sub_x = 1, .sub_y = 1, .chroma_x = 0, .chroma_y = 0.5};
    VxScene *scene = NULL;
    if (blur && vx_scene_open(ctx, p, &si, &scene) < 0) {
        fprintf(stderr, "compose_bench: %s\n", vx_last_error(ctx));
        return 2;
    }
    VxLayout l;
    if (vx_layout_compute(ctx, p, si.width, si.height, &l) < 0)
        return 2;
    l.sub_x = 1, l.sub_y = 1, l.cx = 0, l.cy = 0.5;
    /* the source frames, made once: frames distinct ones */
    AVFrame **src = calloc((size_t)frames, sizeof(*src));
    for (int n = 0; n < frames; n++) {
        src[n] = av_frame_alloc();
        src[n]->format = AV_PIX_FMT_YUV420P, src[n]->width = W, src[n]->height = H;
        if (av_frame_get_buffer(src[n], 64) < 0)
            return 2;
        fill(src[n], n, still);
    }
    VxPicture *pics = calloc((size_t)frames, sizeof(*pics));
    for (int n = 0; n < frames; n++)
        if (vx_picture_from_frame(&pics[n], src[n]) < 0)
            return 2;
    printf("compose %dx%d 4:2:0 -> %dx%d NV12 (screen %dx%d), %s%s, %d frames, median of %d "
           "runs\n", W, H, l.W, l.H, l.rw, l.rh, still ? "a small block changes" :
           "75% of the rows scroll", blur ? ", zooming in under motion blur" : "", frames, runs);
    double one = 0;
    for (int t = 1; t <= max_threads; t++) {
        double *ms = calloc((size_t)runs, sizeof(*ms));
        for (int r = 0; r < runs; r++) {
            VxCompose *c = NULL;
            if (vx_compose_create(ctx, p, scene, &l, VX_LAYOUT_NV12, &c) < 0 ||
                vx_compose_set_threads(c, t) < 0)
                return 2;
            VxPicture out;
            /* the scene's view at each time (a still view without --blur) */
            if (vx_compose_frame(c, 0, &pics[0], &out) < 0) /* pool, kept passes */
                return 2;
            vx_picture_unref(&out);
            const double t0 = now();
            for (int n = 1; n < frames; n++) {
                if (vx_compose_frame(c, n / 60.0, &pics[n], &out) < 0)
                    return 2;
                vx_picture_unref(&out);
            }
            ms[r] = (now() - t0) * 1e3 / (frames - 1);
            vx_compose_free(&c);
        }
        const double med = bench_median(ms, runs);
        if (t == 1)
            one = med;
        printf("%2d thread%s %7.3f ms/frame  %.2fx one thread\n", t, t > 1 ? "s" : " ", med,
               one / med);
        free(ms);
    }
    for (int n = 0; n < frames; n++)
        vx_picture_unref(&pics[n]), av_frame_free(&src[n]);
    free(pics);
    free(src);
    vx_scene_close(&scene);
    vx_project_free(&p);
    vx_close(&ctx);
    return 0;
}
