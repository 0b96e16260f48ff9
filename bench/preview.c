/* Preview speed through the public API: median milliseconds per 1080p frame of one persistent
 * preview (vx_preview_render, RGBA) over times that step forward across a zoom and a cut, after
 * the first frame, on one thread (VxSettings.threads = 1); then random jumps (seeks); against
 * vx_render_frame (everything opened for each frame) at the same times, in the same run.
 *   bench/preview CLIP.mp4 [--steps N] [--anchor N]
 * CLIP: a 1920x1080 recording, e.g. `build/vexport synth -o clip.mp4 --seconds 10`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "vexport/vexport.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof(*v), cmp);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: preview CLIP.mp4 [--steps N] [--anchor N]\n");
        return 2;
    }
    int steps = 150, anchor = 8;
    for (int i = 2; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--steps"))
            steps = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--anchor"))
            anchor = atoi(argv[i + 1]);
    }
    if (steps < 2 || anchor < 1)
        return 2;
    char json[2048];
    /* the styled export of the floor benchmark, with a zoom (1-3 s) and a cut at 4 s */
    snprintf(json, sizeof(json),
             "{\"version\": 1, \"sources\": {\"screen\": \"%s\", \"audio\": []},"
             " \"output\": {\"width\": 1920, \"height\": 1080, \"fps\": 60},"
             " \"background\": {\"type\": \"gradient\", \"angle\": 135, \"stops\": ["
             "{\"at\": 0, \"color\": \"#4f46e5\"}, {\"at\": 0.5, \"color\": \"#9333ea\"},"
             " {\"at\": 1, \"color\": \"#ec4899\"}]},"
             " \"padding\": 0.06, \"radius\": 18, \"shadow\": {\"blur\": 48, \"opacity\": 0.5},"
             " \"timeline\": [{\"start\": 0, \"end\": 4}, {\"start\": 5, \"end\": 10, \"speed\": 2}],"
             " \"zoom\": [{\"start\": 1, \"end\": 3, \"scale\": 2, \"center\": [0.3, 0.3]}]}",
             argv[1]);
    VxSettings s;
    vx_default_settings(&s);
    s.threads = 1;
    s.ffmpeg_log = VX_FFMPEG_LOG_QUIET;
    VxContext *ctx = NULL;
    VxProject *p = NULL;
    VxPreview *pv = NULL;
    double t0 = now();
    if (vx_open(&ctx, &s) < 0 || vx_project_parse(ctx, json, ".", "bench", &p) < 0 ||
        vx_preview_open(ctx, p, &pv) < 0) {
        fprintf(stderr, "open: %s\n", ctx ? vx_last_error(ctx) : "no context");
        return 1;
    }
    const double open_ms = (now() - t0) * 1e3;
    int W, H;
    vx_preview_output(pv, &W, &H);
    VxImage *img = vx_image_alloc(VX_PIX_RGBA, W, H);
    double *ms = malloc(sizeof(*ms) * (size_t)(steps > anchor ? steps : anchor));
    if (!img || !ms)
        return 2;
    /* forward at 30 steps a second of output: 0 .. steps/30 s, across the zoom and the cut */
    double first = 0;
    for (int i = 0; i < steps; i++) {
        double t = i / 30.0, a = now();
        if (vx_preview_render(pv, t, img) < 0) {
            fprintf(stderr, "render %.3f: %s\n", t, vx_last_error(ctx));
            return 1;
        }
        ms[i] = (now() - a) * 1e3;
        if (!i)
            first = ms[0];
    }
    const double fwd = median(ms + 1, steps - 1);
    /* random jumps over the output's 6.5 s */
    srand(1);
    for (int i = 0; i < anchor * 4; i++) {
        double t = (rand() % 650) / 100.0, a = now();
        vx_preview_render(pv, t, img);
        ms[i] = (now() - a) * 1e3;
    }
    const double jump = median(ms, anchor * 4);
    /* the anchor: everything opened for each frame */
    for (int i = 0; i < anchor; i++) {
        double t = (i * 37 % 65) / 10.0, a = now();
        VxImage *out = NULL;
        if (vx_render_frame(ctx, p, t, &out) < 0)
            return 1;
        vx_image_free(&out);
        ms[i] = (now() - a) * 1e3;
    }
    const double one = median(ms, anchor);
    printf("1080p preview on one thread: open %.1f ms, first frame %.1f ms\n", open_ms, first);
    printf("  stepping forward (%d frames at 30 steps/s, a zoom and a cut): median %.2f ms/frame\n",
           steps - 1, fwd);
    printf("  random jumps (%d): median %.2f ms/frame\n", anchor * 4, jump);
    printf("  vx_render_frame (%d, everything opened each time): median %.2f ms/frame: the preview "
           "steps %.1fx faster\n", anchor, one, one / fwd);
    vx_image_free(&img);
    free(ms);
    vx_preview_free(&pv);
    vx_project_free(&p);
    vx_close(&ctx);
    return 0;
}
