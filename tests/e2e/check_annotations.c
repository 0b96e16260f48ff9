/* check_annotations: checks real exports with annotations against the same export without
 * them, by decoding both. Independent of the library: FFmpeg's libraries and libc; where the
 * recording shows in the output through a zoom is worked out here from docs/project-format.md
 * ("Zoom": the view blends the whole recording and the target with the ease-in-out curve).
 *
 *   check_annotations place OUT REF RW RH ZOOM RECT ARROWBOX
 *   check_annotations spot  OUT REF RW RH ZOOM LIT FADE
 *   check_annotations text  OUT REF RW RH ZOOM BOX TEXT
 *   ZOOM = x,y,w,h,start,end,transition (recording pixels and seconds; the target has the
 *          output's aspect ratio), RECT = x,y,w,h,width (a magenta rectangle in recording
 *          pixels), ARROWBOX = x0,y0,x1,y1 (where a green arrow placed in output pixels lies),
 *          LIT = x,y,w,h (recording pixels), FADE = start,end,fade_in,fade_out,opacity,
 *          BOX = x,y,w,h,size,start,end,space (a text box with the default colours, radius 0
 *          and no fade; space 0: recording pixels, 1: output pixels), TEXT its text.
 *
 * The recording RW x RH fills the output (no padding, no corners); recording time = output
 * time (no cuts), frame n at n / 30 s. Both files are lossless 4:2:0.
 *   place: on every frame, the samples whose Cr rose by more than 40 (magenta) span the
 *     rectangle's stroke as mapped through the view (outer edge: the rectangle grown by half the
 *     width), within 3 pixels; those whose Cr fell by more than 40 (green) lie in ARROWBOX, and
 *     span the same box on every frame (the arrow does not move with the zoom).
 *   spot: outside the lit rectangle (as mapped, grown by 2 pixels) every luma sample of the
 *     screen is REF's dimmed towards black (16) by opacity x the fade (linear in over fade_in
 *     from start, out over fade_out to end), within 2; inside it (narrowed by 2), REF's exactly;
 *     frames outside [start, end) equal REF's.
 *   text: the box as mapped (recording pixels: through the view) and rounded to even samples
 *     as the document says; while shown, the export matches this checker's own libass
 *     rendering (ass_ref.h, shared with check_captions) of the text (laid out in a frame the
 *     box's size, centred, font size `size` x the scale, margins of half of it) over the box
 *     (#111827 at 0.8), >= 35 dB in each plane over the box (the best of the box moved by
 *     up to 2 samples: the view's rounding); outside [start, end) the box equals REF's.
 * Exit 0 when all hold, 1 otherwise. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECKER "check_annotations"
#include "decode.h"
#include "report.h"
#ifdef HAVE_LIBASS
#include "ass_ref.h"
#endif

static double zoom[7];
static int RW, RH;

static double ease(double a) { return a < 0.5 ? 4 * a * a * a : 1 - pow(2 - 2 * a, 3) / 2; }

/* The part of the recording shown at time t: vx, vy, vw (vh follows the aspect ratio). */
static void view_at(double t, double v[3])
{
    const double s = zoom[4], e = zoom[5], tr = zoom[6];
    double k = 0;
    if (t >= s && t <= e)
        k = 1;
    else if (t > s - tr && t < s)
        k = ease((t - (s - tr)) / tr);
    else if (t > e && t < e + tr)
        k = ease((e + tr - t) / tr);
    v[0] = zoom[0] * k, v[1] = zoom[1] * k, v[2] = RW + (zoom[2] - RW) * k;
}

static int nums(const char *s, double *out, int n)
{
    for (int i = 0; i < n; i++) {
        char *end;
        out[i] = strtod(s, &end);
        if (end == s || (i + 1 < n && *end != ','))
            return -1;
        s = end + 1;
    }
    return 0;
}

/* The sizes, the zoom, na numbers of argv[7] into a and nb of argv[8] into b, and both files
 * opened: 0, or the exit status (2: bad numbers, 1: a file cannot be read). */
static int setup(char **argv, double *a, int na, double *b, int nb, Input *out, Input *ref)
{
    RW = atoi(argv[4]), RH = atoi(argv[5]);
    if (nums(argv[6], zoom, 7) < 0 || nums(argv[7], a, na) < 0 || (nb && nums(argv[8], b, nb) < 0)) {
        fprintf(stderr, "check_annotations: bad numbers\n");
        return 2;
    }
    if (open_input(out, argv[2], AVMEDIA_TYPE_VIDEO) < 0 || open_input(ref, argv[3], AVMEDIA_TYPE_VIDEO) < 0)
        return 1;
    return 0;
}

/* The next frame of each: 1, or 0 at the end of both, or -1 (reported) */
static int next_pair(Input *out, Input *ref, AVFrame *fo, AVFrame *fr, long n)
{
    const int go = next_frame(out, fo), gr = next_frame(ref, fr);
    if (go < 0 || gr < 0 || go != gr) {
        check(0, "frame %ld: %s", n, go != gr ? "the frame counts differ" : "cannot decode");
        return -1;
    }
    return go;
}

/* text mode (see the top) */
static int check_text(char **argv)
{
#ifndef HAVE_LIBASS
    (void)argv;
    printf("SKIP: check_annotations was built without libass\n");
    return 77;
#else
    double B[8];
    Input out, ref;
    const int err = setup(argv, B, 8, NULL, 0, &out, &ref);
    if (err)
        return err;
    const int W = out.dec->width, H = out.dec->height;
    double kr, kb;
    ass_ref_coefs(&out, &kr, &kb);
    ASS_Library *lib;
    ASS_Renderer *r = ass_ref_renderer(&lib, W, H);
    double *A = malloc(sizeof(double) * W * H), *E[3];
    for (int p = 0; p < 3; p++)
        E[p] = malloc(sizeof(double) * W * H);
    AVFrame *fo = av_frame_alloc(), *fr = av_frame_alloc();
    long frames = 0, shown = 0, bad_text = 0, bad_off = 0;
    double worst = 99;
    char *script = malloc(4096 + strlen(argv[8]));
    for (; next_pair(&out, &ref, fo, fr, frames) > 0; frames++) {
        const double t = frames / 30.0;
        double v[3];
        view_at(t, v);
        const double sc = B[7] ? 1 : W / v[2], ox = B[7] ? 0 : -v[0] * sc, oy = B[7] ? 0 : -v[1] * sc;
        double g[4] = {ox + B[0] * sc, oy + B[1] * sc, B[2] * sc, B[3] * sc};
        for (int i = 0; i < 4; i++)
            g[i] = fmax(2 * lrint(g[i] / 2), i < 2 ? -65536 : 2);
        const int bx0 = (int)fmax(g[0], 0), by0 = (int)fmax(g[1], 0);
        const int bx1 = (int)fmin(g[0] + g[2], W), by1 = (int)fmin(g[1] + g[3], H);
        if (!(t >= B[5] && t < B[6])) {
            for (int y = by0; y < by1; y++)
                for (int x = bx0; x < bx1; x++)
                    if (fo->data[0][y * fo->linesize[0] + x] != fr->data[0][y * fr->linesize[0] + x] &&
                        bad_off++ < 6)
                        printf("frame %ld (%d, %d): the box changed while not shown\n", frames, x, y);
            continue;
        }
        shown++;
        const int w = (int)g[2], h = (int)g[3];
        const double fs = B[4] * sc;
        char style[256];
        snprintf(style, sizeof(style), "sans-serif,%.2f,&H00FFFFFF,&H00FFFFFF,&H00000000,"
                 "&H00000000,0,0,0,0,100,100,0,0,1,0,0,5,%ld,%ld,0,1", fs, lrint(fs / 2),
                 lrint(fs / 2));
        const int o = ass_ref_head(script, 4096 + strlen(argv[8]), w, h, style);
        snprintf(script + o, 4096 + strlen(argv[8]) - o,
                 "Dialogue: 0,0:00:00.00,0:00:10.00,S,,0,0,0,,%s\n", argv[8]);
        ASS_Track *tr = ass_read_memory(lib, script, strlen(script), NULL);
        ass_set_frame_size(r, w, h);
        ass_set_storage_size(r, w, h);
        ASS_Image *img = tr ? ass_render_frame(r, tr, 1000, NULL) : NULL;
        double best = 0;
        for (int dy = -2; dy <= 2; dy += 2)
            for (int dx = -2; dx <= 2; dx += 2) {
                AssRef ov = {A, {E[0], E[1], E[2]}, W, (int)fmax(g[0] + dx, 0),
                             (int)fmax(g[1] + dy, 0), (int)fmin(g[0] + dx + w, W),
                             (int)fmin(g[1] + dy + h, H)};
                double ps[3];
                ass_ref_fill(&ov, 0x11 / 255.0, 0x18 / 255.0, 0x27 / 255.0, 0.8, kr, kb);
                ass_ref_over(&ov, img, (int)g[0] + dx, (int)g[1] + dy, kr, kb);
                ass_ref_psnr(&ov, fo, fr, ps);
                const double m = fmin(ps[0], fmin(ps[1], ps[2]));
                best = m > best ? m : best;
            }
        worst = best < worst ? best : worst;
        if (best < 35 && bad_text++ < 6)
            printf("frame %ld (t %.2f): %.1f dB over the box [%d, %d) x [%d, %d) against the "
                   "checker's rendering (at least 35)\n", frames, t, best, (int)g[0],
                   (int)(g[0] + w), (int)g[1], (int)(g[1] + h));
        if (tr)
            ass_free_track(tr);
    }
    check(shown > 0 && bad_text == 0, "the text box matches the checker's libass rendering at its "
          "place on all %ld frames it is shown (worst %.1f dB)", shown, worst);
    check(bad_off == 0, "the box's place is untouched while it is not shown");
    free(script), free(A), free(E[0]), free(E[1]), free(E[2]);
    av_frame_free(&fo);
    av_frame_free(&fr);
    close_input(&out);
    close_input(&ref);
    ass_renderer_done(r);
    ass_library_done(lib);
    return g_fail;
#endif
}

int main(int argc, char **argv)
{
    if (argc == 9 && !strcmp(argv[1], "text"))
        return check_text(argv);
    if (argc != 9 || (strcmp(argv[1], "place") && strcmp(argv[1], "spot"))) {
        fprintf(stderr, "usage: check_annotations place|spot|text OUT REF RW RH ZOOM A B\n");
        return 2;
    }
    const int place = !strcmp(argv[1], "place");
    double A[5], B[5];
    Input out, ref;
    const int err = setup(argv, A, place ? 5 : 4, B, place ? 4 : 5, &out, &ref);
    if (err)
        return err;
    const int W = out.dec->width, H = out.dec->height;
    AVFrame *fo = av_frame_alloc(), *fr = av_frame_alloc();
    long frames = 0, bad_place = 0, bad_arrow = 0, bad_dim = 0, bad_lit = 0, dimmed = 0;
    int arrow0[4] = {0}, have_arrow0 = 0;
    double worst = 0;
    while (next_pair(&out, &ref, fo, fr, frames) > 0) {
        const double t = frames / 30.0;
        double v[3];
        view_at(t, v);
        const double s = W / v[2]; /* output pixels per recording pixel */
        if (place) {
            /* the magenta and green samples' extents, in luma pixels (chroma sample x covers
             * luma 2x, 2x + 1) */
            int m[4] = {W, H, -1, -1}, g[4] = {W, H, -1, -1};
            for (int y = 0; y < H / 2; y++)
                for (int x = 0; x < W / 2; x++) {
                    const int d = fo->data[2][y * fo->linesize[2] + x] -
                                  fr->data[2][y * fr->linesize[2] + x];
                    int *e = d > 40 ? m : d < -40 ? g : NULL;
                    if (!e)
                        continue;
                    e[0] = 2 * x < e[0] ? 2 * x : e[0], e[1] = 2 * y < e[1] ? 2 * y : e[1];
                    e[2] = 2 * x + 2 > e[2] ? 2 * x + 2 : e[2], e[3] = 2 * y + 2 > e[3] ? 2 * y + 2 : e[3];
                }
            const double hw = A[4] / 2;
            const double want[4] = {(A[0] - hw - v[0]) * s, (A[1] - hw - v[1]) * s,
                                    (A[0] + A[2] + hw - v[0]) * s, (A[1] + A[3] + hw - v[1]) * s};
            for (int i = 0; i < 4; i++) {
                const double lim = i < 2 ? 0 : i == 2 ? W : H;
                const double w = i < 2 ? fmax(want[i], lim) : fmin(want[i], lim);
                const double err = fabs(m[i] - w);
                worst = err > worst ? err : worst;
                if (err > 3 && bad_place++ < 6)
                    printf("frame %ld: the rectangle's %s edge at %d, expected %.1f (view x %.1f "
                           "y %.1f w %.1f)\n", frames, (const char *[]){"left", "top", "right",
                           "bottom"}[i], m[i], w, v[0], v[1], v[2]);
            }
            if (!have_arrow0)
                memcpy(arrow0, g, sizeof(g)), have_arrow0 = 1;
            const int inside = g[0] >= B[0] - 3 && g[1] >= B[1] - 3 && g[2] <= B[2] + 3 &&
                               g[3] <= B[3] + 3 && g[2] > g[0];
            if ((!inside || memcmp(g, arrow0, sizeof(g))) && bad_arrow++ < 6)
                printf("frame %ld: the arrow spans [%d, %d) x [%d, %d), expected within "
                       "[%g, %g) x [%g, %g) and the same as in frame 0\n", frames, g[0], g[2],
                       g[1], g[3], B[0], B[2], B[1], B[3]);
        } else {
            double f = 0;
            if (t >= B[0] && t < B[1]) {
                f = 1;
                if (B[2] > 0)
                    f = fmin(f, (t - B[0]) / B[2]);
                if (B[3] > 0)
                    f = fmin(f, (B[1] - t) / B[3]);
                f = fmax(f, 0);
            }
            const double a = B[4] * f;
            const double lx0 = (A[0] - v[0]) * s, ly0 = (A[1] - v[1]) * s;
            const double lx1 = (A[0] + A[2] - v[0]) * s, ly1 = (A[1] + A[3] - v[1]) * s;
            for (int y = 0; y < H; y++)
                for (int x = 0; x < W; x++) {
                    const double px = x + 0.5, py = y + 0.5;
                    const int o = fo->data[0][y * fo->linesize[0] + x];
                    const int r = fr->data[0][y * fr->linesize[0] + x];
                    if (px > lx0 + 2 && px < lx1 - 2 && py > ly0 + 2 && py < ly1 - 2) {
                        if (o != r && bad_lit++ < 6)
                            printf("frame %ld (%d, %d) in the light: %d, without %d\n", frames, x,
                                   y, o, r);
                    } else if (px < lx0 - 2 || px > lx1 + 2 || py < ly0 - 2 || py > ly1 + 2) {
                        const double want = r + (16 - r) * a;
                        dimmed += a > 0;
                        if (fabs(o - want) > 2 && bad_dim++ < 6)
                            printf("frame %ld (%d, %d) t %.3f: %d, expected %.1f (%d dimmed by "
                                   "%.3f)\n", frames, x, y, t, o, want, r, a);
                    }
                }
        }
        frames++;
    }
    check(frames > 0, "%ld frames decoded, %dx%d", frames, W, H);
    if (place) {
        check(bad_place == 0, "the recording-placed rectangle follows the zoom within 3 px on "
              "every frame (%ld edges off; worst %.1f px)", bad_place, worst);
        check(bad_arrow == 0, "the output-placed arrow stays at [%d, %d) x [%d, %d) on every "
              "frame (%ld frames off)", arrow0[0], arrow0[2], arrow0[1], arrow0[3], bad_arrow);
    } else {
        check(bad_dim == 0 && dimmed > 0, "outside the light the screen is dimmed as the fade "
              "says (%ld samples dimmed, %ld off)", dimmed, bad_dim);
        check(bad_lit == 0, "inside the light nothing changes (%ld samples off)", bad_lit);
    }
    av_frame_free(&fo);
    av_frame_free(&fr);
    close_input(&out);
    close_input(&ref);
    return g_fail;
}
