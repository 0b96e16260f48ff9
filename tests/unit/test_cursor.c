/* Cursor: track parsing (good files, and errors that name file:line and the problem),
 * smoothing off = linear interpolation, filters that settle and do not depend on the order of
 * calls, idle fade, and drawing into NV12/I420 frames (arrow tip where the track says,
 * sub-pixel placement, clipping, click ring). Prints the drawing cost in us/frame. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libavcodec/avcodec.h>
#include <libavutil/frame.h>

#include "cursor.h"
#include "media_picture.h"

#include "check.h"

static char dir[256];

static void expect_bad(VxContext *ctx, const char *text, const char *needle)
{
    VxCursorTrack *t = NULL;
    int ret = vx_cursor_track_parse(ctx, "trk.jsonl", text, strlen(text), &t);
    CHECK(ret == VX_ERR(EINVAL) && !t, "%s: expected EINVAL, got %d", text, ret);
    CHECK(strstr(vx_last_error(ctx), needle) != NULL, "%s: message '%s' lacks '%s'", text,
          vx_last_error(ctx), needle);
    vx_cursor_track_free(&t);
}

static void write_file(const char *name, const char *text)
{
    char p[512];
    snprintf(p, sizeof(p), "%s/%s", dir, name);
    FILE *f = fopen(p, "w");
    fputs(text, f);
    fclose(f);
}

static VxCursor *open_track(VxContext *ctx, const char *text, VxCursorOpts *o)
{
    char p[512];
    snprintf(p, sizeof(p), "%s/t.jsonl", dir);
    write_file("t.jsonl", text);
    o->track = p;
    VxCursor *c = NULL;
    int ret = vx_cursor_open(ctx, o, 640, 360, &c);
    CHECK(ret == 0 && c, "open: %d %s", ret, vx_last_error(ctx));
    return c;
}

static VxCursorOpts defaults(void)
{
    VxCursorOpts o = {0};
    o.draw = 1;
    o.size = 1;
    o.smoothing = VX_SMOOTH_ONE_EURO;
    o.min_cutoff = 1.0;
    o.beta = 0.01;
    o.stiffness = 300;
    o.damping = 30;
    o.click = VX_CLICK_RING;
    o.click_color = (VxRGB){1, 1, 1};
    return o;
}

static void test_parse(VxContext *ctx)
{
    const char *good =
        "{\"t\": 0, \"x\": 10, \"y\": 20}\n"
        "\n"
        "  {\"t\": 0.5, \"x\": 11.5, \"y\": 20}\r\n"
        "{\"t\": 0.5, \"x\": 12, \"y\": 21}\n"
        "{\"t\": 0.6, \"down\": \"left\"}\n"
        "{\"t\": 0.7, \"up\": \"left\", \"x\": 13, \"y\": 22}\n"
        "{\"t\": 0.8, \"image\": \"hand.png\", \"hotspot\": [3, 1]}\n"
        "{\"t\": 0.9, \"image\": \"hand.png\"}\n"
        "{\"t\": 1.0, \"image\": \"default\"}";
    VxCursorTrack *t = NULL;
    int ret = vx_cursor_track_parse(ctx, "trk.jsonl", good, strlen(good), &t);
    CHECK(ret == 0 && t, "good track: %d %s", ret, vx_last_error(ctx));
    if (t) {
        CHECK(t->n_moves == 3, "moves %d (same-time move replaces)", t->n_moves);
        CHECK(t->moves[1].x == 12 && t->moves[1].y == 21, "later same-time move wins");
        CHECK(t->n_buttons == 2 && t->buttons[0].down && !t->buttons[1].down &&
              t->buttons[0].button == VX_BUTTON_LEFT, "buttons");
        CHECK(t->n_images == 3 && t->n_paths == 1 && t->images[0].image == 0 &&
              t->images[0].hx == 3 && t->images[0].hy == 1 && t->images[2].image == -1,
              "image events");
    }
    vx_cursor_track_free(&t);

    expect_bad(ctx, "{\"t\":0,\"x\":1,\"y\":2}\n{\"t\":1,\"x\":1,\"y\":2,\"z\":3}",
               "trk.jsonl:2: unknown key \"z\"");
    expect_bad(ctx, "{\"t\":1,\"x\":1,\"y\":2}\n\n{\"t\":0.5,\"x\":1,\"y\":2}",
               "trk.jsonl:3: time 0.5 is before the previous event's 1");
    expect_bad(ctx, "{\"t\":NaN,\"x\":1,\"y\":2}", "trk.jsonl:1: \"t\": expected a finite number");
    expect_bad(ctx, "{\"t\":0,\"x\":1,\"y\":Infinity}", "trk.jsonl:1: \"y\": expected a finite");
    expect_bad(ctx, "{\"t\":\"0\",\"x\":1,\"y\":2}", "trk.jsonl:1: \"t\": expected a number");
    expect_bad(ctx, "{\"x\":1,\"y\":2}", "trk.jsonl:1: missing \"t\"");
    expect_bad(ctx, "{\"t\":0,\"x\":1}", "trk.jsonl:1: \"x\" and \"y\" go together");
    expect_bad(ctx, "{\"t\":0}", "trk.jsonl:1: a move needs \"x\" and \"y\"");
    expect_bad(ctx, "{\"t\":0,\"x\":1,\"y\":2}\n{\"t\":1,\"down\":\"thumb\"}",
               "trk.jsonl:2: \"down\": unknown button \"thumb\"");
    expect_bad(ctx, "{\"t\":0,\"x\":1,\"y\":2}\n{\"t\":1,\"x\":1,", "trk.jsonl:2: not valid JSON");
    expect_bad(ctx, "{\"t\":0,\"x\":1,\"y\":2} x", "trk.jsonl:1: text after the JSON object");
    expect_bad(ctx, "[1,2]", "trk.jsonl:1: expected a JSON object per line");
    expect_bad(ctx, "{\"t\":-1,\"x\":1,\"y\":2}", "trk.jsonl:1: \"t\": -1 is out of range");
    expect_bad(ctx, "{\"t\":0,\"x\":1,\"y\":2,\"hotspot\":[1,1]}",
               "trk.jsonl:1: \"hotspot\" belongs to an \"image\" event");
    expect_bad(ctx, "{\"t\":0,\"x\":1,\"y\":2}\n{\"t\":1,\"image\":\"a.png\",\"hotspot\":[1]}",
               "trk.jsonl:2: \"hotspot\": expected [x, y]");
    expect_bad(ctx, "{\"t\":0,\"down\":\"left\",\"up\":\"left\"}", "trk.jsonl:1: one event per line");
    expect_bad(ctx, "\n\n", "trk.jsonl:2: the track has no moves");
    expect_bad(ctx, "{\"t\":0,\"down\":\"left\"}", "trk.jsonl:1: the track has no moves");
    /* missing image: named with the track's line */
    VxCursorOpts o = defaults();
    char p[512];
    snprintf(p, sizeof(p), "%s/t.jsonl", dir);
    write_file("t.jsonl", "{\"t\":0,\"x\":1,\"y\":2}\n{\"t\":1,\"image\":\"nope.png\"}\n");
    o.track = p;
    VxCursor *c = NULL;
    ret = vx_cursor_open(ctx, &o, 640, 360, &c);
    CHECK(ret < 0 && !c, "missing image accepted");
    CHECK(strstr(vx_last_error(ctx), "t.jsonl:2: image \"nope.png\"") != NULL,
          "message '%s'", vx_last_error(ctx));
    snprintf(p, sizeof(p), "%s/none.jsonl", dir);
    ret = vx_cursor_open(ctx, &o, 640, 360, &c);
    CHECK(ret == VX_ERR(ENOENT) && strstr(vx_last_error(ctx), "none.jsonl"), "missing track: %s",
          vx_last_error(ctx));
}

static void test_smoothing(VxContext *ctx)
{
    /* moves at 60 Hz along a curve, then a 2 s pause, a jump after a long gap */
    char *text = malloc(1 << 16);
    size_t n = 0;
    for (int i = 0; i <= 60; i++)
        n += (size_t)sprintf(text + n, "{\"t\": %.6f, \"x\": %.3f, \"y\": %.3f}\n", i / 60.0,
                             100 + 300 * sin(i / 20.0), 100 + 3.0 * i);
    n += (size_t)sprintf(text + n, "{\"t\": 4.0, \"x\": 500, \"y\": 50}\n");
    VxCursorOpts o = defaults();
    o.smoothing = VX_SMOOTH_NONE;
    VxCursor *c = open_track(ctx, text, &o);
    if (c) {
        double x, y, maxe = 0;
        int vis;
        for (double t = 0; t < 1; t += 0.0123) {
            int i = (int)floor(t * 60);
            double f = t * 60 - i;
            double ex = 100 + 300 * sin(i / 20.0) * (1 - f) + 300 * sin((i + 1) / 20.0) * f;
            double ey = 100 + 3.0 * (i + f);
            vx_cursor_pos(c, t, &x, &y, &vis);
            double e = hypot(x - ex, y - ey);
            maxe = e > maxe ? e : maxe;
            CHECK(vis, "visible at %g", t);
        }
        CHECK(maxe < 0.01, "smoothing none: max error %g px from linear interpolation", maxe);
        double lx = 100 + 300 * sin(3.0), ly = 280;
        vx_cursor_pos(c, 3.85, &x, &y, &vis);
        CHECK(fabs(x - lx) < 2e-3 && fabs(y - ly) < 2e-3, "long gap: holds (%g,%g)", x, y);
        vx_cursor_pos(c, 3.95, &x, &y, &vis);
        CHECK(fabs(x - (lx + 500) / 2) < 2e-3, "long gap: moves in the last 0.1 s (%g)", x);
        vx_cursor_pos(c, 9, &x, &y, &vis);
        CHECK(x == 500 && y == 50 && vis, "after the track: last position");
        vx_cursor_pos(c, -1, &x, &y, &vis);
        CHECK(!vis, "before the track: hidden");
        vx_cursor_free(&c);
    }
    for (int mode = VX_SMOOTH_ONE_EURO; mode <= VX_SMOOTH_SPRING; mode++) {
        o = defaults();
        o.smoothing = mode;
        c = open_track(ctx, text, &o);
        if (!c)
            continue;
        double x, y, x2, y2, maxd = 0, rough = 0, px = 0, py = 0, pvx = 0, pvy = 0;
        int vis;
        /* same answer whatever the order of calls */
        vx_cursor_pos(c, 0.7371, &x, &y, &vis);
        vx_cursor_pos(c, 3.5, &x2, &y2, &vis);
        vx_cursor_pos(c, 0.7371, &x2, &y2, &vis);
        CHECK(x == x2 && y == y2, "mode %d: order of calls changes the answer", mode);
        {
            double fx[500], fy[500];
            int same = 1;
            for (int i = 0; i < 500; i++) /* in time order (each continues the last) */
                vx_cursor_pos(c, i * 0.00417, &fx[i], &fy[i], &vis);
            for (int i = 499; i >= 0; i--) { /* backwards (each from a checkpoint) */
                vx_cursor_pos(c, i * 0.00417, &x, &y, &vis);
                same &= x == fx[i] && y == fy[i];
            }
            CHECK(same, "mode %d: positions asked in time order differ from backwards", mode);
        }
        /* follows the path (lags a little), and is smoother than it */
        for (int i = 0; i < 600; i++) {
            double t = i / 600.0;
            vx_cursor_pos(c, t, &x, &y, &vis);
            int k = (int)floor(t * 60);
            double f = t * 60 - k;
            double ex = 100 + 300 * sin(k / 20.0) * (1 - f) + 300 * sin((k + 1) / 20.0) * f;
            double d = fabs(x - ex);
            maxd = d > maxd ? d : maxd;
            if (i > 1) {
                double vx = x - px, vy = y - py;
                rough += hypot(vx - pvx, vy - pvy);
                pvx = vx, pvy = vy;
            }
            px = x, py = y;
        }
        CHECK(maxd < 120, "mode %d: lags %g px behind the path", mode, maxd);
        vx_cursor_pos(c, 2.9, &x, &y, &vis);
        CHECK(hypot(x - (100 + 300 * sin(3.0)), y - 280) < 0.5, "mode %d: settled at (%g,%g)",
              mode, x, y);
        vx_cursor_pos(c, 14.5, &x, &y, &vis);
        CHECK(hypot(x - 500, y - 50) < 0.01, "mode %d: end (%g,%g)", mode, x, y);
        printf("smoothing %d: max lag %.1f px, roughness %.2f\n", mode, maxd, rough);
        vx_cursor_free(&c);
    }
    /* a very stiff, very damped spring stays stable */
    o = defaults();
    o.smoothing = VX_SMOOTH_SPRING;
    o.stiffness = 10000;
    o.damping = 1000;
    c = open_track(ctx, text, &o);
    if (c) {
        double x, y;
        int vis;
        vx_cursor_pos(c, 2.5, &x, &y, &vis);
        CHECK(isfinite(x) && fabs(x - (100 + 300 * sin(3.0))) < 1, "stiff spring: %g", x);
        vx_cursor_free(&c);
    }
    free(text);
}

static AVFrame *make_frame(int fmt, int w, int h)
{
    AVFrame *f = av_frame_alloc();
    f->format = fmt, f->width = w, f->height = h;
    av_frame_get_buffer(f, 0);
    for (int y = 0; y < h; y++)
        memset(f->data[0] + y * f->linesize[0], 97, (size_t)w);
    for (int y = 0; y < h / 2; y++) {
        if (fmt == AV_PIX_FMT_NV12)
            for (int x = 0; x < w / 2; x++)
                f->data[1][y * f->linesize[1] + 2 * x] = 152,
                f->data[1][y * f->linesize[1] + 2 * x + 1] = 104;
        else
            memset(f->data[1] + y * f->linesize[1], 152, (size_t)w / 2),
            memset(f->data[2] + y * f->linesize[2], 104, (size_t)w / 2);
    }
    return f;
}

static int Y(const AVFrame *f, int x, int y) { return f->data[0][y * f->linesize[0] + x]; }

static void test_idle(VxContext *ctx)
{
    const char *text = "{\"t\":0,\"x\":10,\"y\":10}\n{\"t\":0.05,\"x\":20,\"y\":10}\n"
                       "{\"t\":1,\"x\":20,\"y\":10}\n" /* no motion */
                       "{\"t\":3,\"down\":\"left\"}\n"
                       "{\"t\":6,\"x\":20,\"y\":10}\n{\"t\":6.05,\"x\":30,\"y\":10}\n";
    VxCursorOpts o = defaults();
    o.smoothing = VX_SMOOTH_NONE;
    o.hide_idle = 1.0;
    VxCursor *c = open_track(ctx, text, &o);
    if (!c)
        return;
    static const struct { double t; int vis; } cases[] = {
        {0.5, 1}, {1.0, 1}, {1.2, 1}, {1.36, 0}, {2.9, 0}, {3.0, 1}, {4.0, 1},
        {4.2, 1}, {4.36, 0}, {5.99, 0}, {6.0, 1}, {6.02, 1},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        double x, y;
        int vis;
        vx_cursor_pos(c, cases[i].t, &x, &y, &vis);
        CHECK(vis == cases[i].vis, "idle: at %g visible %d, expected %d", cases[i].t, vis,
              cases[i].vis);
    }
    /* the fade: halfway through it (idle 1.15 s, 0.15 s into the fade) the black arrow is half
     * transparent; gone at idle 1.31 s */
    VxView v = {0, 0, 1, 0, 0, 0, 0, 640, 360};
    VxRect r;
    int ys[3];
    const double ts[3] = {1.0, 1.2, 1.36};
    for (int i = 0; i < 3; i++) {
        AVFrame *f = make_frame(AV_PIX_FMT_NV12, 640, 360);
        vx_cursor_draw(c, ts[i], &v, VX_MATRIX_BT601, VX_BORROW(f), &r);
        ys[i] = Y(f, 21, 15); /* inside the arrow at (20, 10) */
        av_frame_free(&f);
    }
    /* opacity 1, 1 - 0.15 / 0.3 = 0.5, 0 */
    CHECK(ys[0] == 16 && abs(ys[1] - (16 + 97) / 2) <= 2 && ys[2] == 97,
          "fade: arrow body %d, %d, %d; expected 16, 56, 97", ys[0], ys[1], ys[2]);
    vx_cursor_free(&c);
}


static AVFrame *make_frame_y(int w, int h, int yv)
{
    AVFrame *f = make_frame(AV_PIX_FMT_NV12, w, h);
    for (int y = 0; y < h; y++)
        memset(f->data[0] + y * f->linesize[0], yv, (size_t)w);
    return f;
}

/* Centroid of the cursor's coverage at t: drawn over two backgrounds, alpha = 1 + (Y1 - Y2) /
 * (bg2 - bg1) whatever the colours. */
static void alpha_centroid(VxCursor *c, double t, const VxView *v, double *cx, double *cy)
{
    AVFrame *f1 = make_frame_y(640, 360, 97), *f2 = make_frame_y(640, 360, 200);
    VxRect r;
    vx_cursor_draw(c, t, v, VX_MATRIX_BT601, VX_BORROW(f1), &r);
    vx_cursor_draw(c, t, v, VX_MATRIX_BT601, VX_BORROW(f2), &r);
    double s = 0, sx = 0, sy = 0;
    for (int y = 0; y < 360; y++)
        for (int x = 0; x < 640; x++) {
            double a = 1 + (Y(f1, x, y) - Y(f2, x, y)) / 103.0;
            s += a, sx += a * (x + 0.5), sy += a * (y + 0.5);
        }
    *cx = sx / s, *cy = sy / s;
    av_frame_free(&f1);
    av_frame_free(&f2);
}

static void test_draw(VxContext *ctx)
{
    const char *text = "{\"t\":0,\"x\":100,\"y\":80}\n{\"t\":1,\"x\":100.5,\"y\":80.25}\n"
                       "{\"t\":2,\"x\":300,\"y\":200}\n{\"t\":2.5,\"down\":\"left\"}\n"
                       "{\"t\":10,\"x\":300,\"y\":200}\n";
    VxCursorOpts o = defaults();
    o.smoothing = VX_SMOOTH_NONE;
    VxCursor *c = open_track(ctx, text, &o);
    if (!c)
        return;
    VxView v = {0, 0, 1, 0, 0, 0, 0, 640, 360};
    AVFrame *a = make_frame(AV_PIX_FMT_NV12, 640, 360);
    AVFrame *b = make_frame(AV_PIX_FMT_YUV420P, 640, 360);
    VxRect r;
    int ret = vx_cursor_draw(c, 0, &v, VX_MATRIX_BT601, VX_BORROW(a), &r);
    CHECK(ret == 0, "draw: %d", ret);
    CHECK(r.x0 < 100 && r.y0 < 80 && r.x1 > 110 && r.y1 > 96 && r.x1 - r.x0 < 24 &&
          r.y1 - r.y0 < 30 && !(r.x0 & 1) && !(r.y0 & 1) && !(r.x1 & 1) && !(r.y1 & 1),
          "drawn rect %d,%d-%d,%d", r.x0, r.y0, r.x1, r.y1);
    CHECK(Y(a, 101, 85) < 24, "arrow body black: %d", Y(a, 101, 85));
    CHECK(Y(a, 99, 85) > 225, "outline white: %d", Y(a, 99, 85));
    CHECK(Y(a, 100, 79) > 200 && Y(a, 100, 77) == 97, "tip at (100, 80): above %d, %d",
          Y(a, 100, 79), Y(a, 100, 77));
    CHECK(Y(a, 130, 85) == 97 && Y(a, 95, 85) == 97, "outside untouched");
    /* chroma: black/white are neutral, so chroma moves towards 128 inside the arrow */
    int cu = a->data[1][(88 / 2) * a->linesize[1] + 102];
    CHECK(cu < 150 && cu > 120, "chroma blended towards neutral: %d", cu);
    /* I420 gives the same pixels */
    vx_cursor_draw(c, 0, &v, VX_MATRIX_BT601, VX_BORROW(b), &r);
    int same = 1;
    for (int y = 0; y < 360; y++)
        same &= !memcmp(a->data[0] + y * a->linesize[0], b->data[0] + y * b->linesize[0], 640);
    for (int y = 0; y < 180; y++)
        for (int x = 0; x < 320; x++)
            same &= a->data[1][y * a->linesize[1] + 2 * x] == b->data[1][y * b->linesize[1] + x] &&
                    a->data[1][y * a->linesize[1] + 2 * x + 1] == b->data[2][y * b->linesize[2] + x];
    CHECK(same, "NV12 and I420 differ");
    /* sub-pixel: half a pixel right, a quarter down moves the arrow by that much */
    double x0, y0, x1, y1;
    alpha_centroid(c, 0, &v, &x0, &y0);
    alpha_centroid(c, 1, &v, &x1, &y1);
    CHECK(fabs(x1 - x0 - 0.5) < 0.03 && fabs(y1 - y0 - 0.25) < 0.03,
          "sub-pixel shift (%.3f, %.3f), expected (0.5, 0.25)", x1 - x0, y1 - y0);
    AVFrame *d;
    /* view: zoom 2x around (50, 40) -> tip at 2 * (100 - 50) + 10 = 110, 2 * (80 - 40) + 20 = 100 */
    d = make_frame(AV_PIX_FMT_NV12, 640, 360);
    VxView z = {50, 40, 2, 10, 20, 0, 0, 640, 360};
    vx_cursor_draw(c, 0, &z, VX_MATRIX_BT709, VX_BORROW(d), &r);
    CHECK(Y(d, 111, 110) < 24 && Y(d, 108, 110) > 200 && Y(d, 110, 96) == 97,
          "zoomed arrow: %d %d %d", Y(d, 111, 110), Y(d, 108, 110), Y(d, 110, 96));
    CHECK(r.y1 - r.y0 > 40, "zoomed arrow is twice as big: %d rows", r.y1 - r.y0);
    av_frame_free(&d);
    /* clipped away: nothing drawn */
    d = make_frame(AV_PIX_FMT_NV12, 640, 360);
    VxView cl = {0, 0, 1, 0, 0, 200, 0, 640, 360};
    vx_cursor_draw(c, 0, &cl, VX_MATRIX_BT601, VX_BORROW(d), &r);
    CHECK(r.x0 >= r.x1, "clipped cursor drew %d,%d-%d,%d", r.x0, r.y0, r.x1, r.y1);
    /* partly clipped: the left part stays */
    VxView cl2 = {0, 0, 1, 0, 0, 0, 0, 103, 360};
    vx_cursor_draw(c, 0, &cl2, VX_MATRIX_BT601, VX_BORROW(d), &r);
    CHECK(Y(d, 101, 85) < 24 && Y(d, 104, 90) == 97 && r.x1 <= 104, "partly clipped: %d %d",
          Y(d, 101, 85), Y(d, 104, 90));
    av_frame_free(&d);
    /* click ring at 2.5 s around (300, 200): visible at 2.6, gone at 2.9 */
    d = make_frame(AV_PIX_FMT_NV12, 640, 360);
    vx_cursor_draw(c, 2.6, &v, VX_MATRIX_BT601, VX_BORROW(d), &r);
    int ring = 0;
    for (int ang = 100; ang < 260; ang += 5) { /* left side: away from the arrow */
        double ra = ang * M_PI / 180;
        for (double rr = 4; rr < 26; rr += 0.5)
            ring |= Y(d, (int)(300 + rr * cos(ra)), (int)(200 - rr * sin(ra))) > 150;
    }
    CHECK(ring, "no click ring at 2.6 s");
    av_frame_free(&d);
    d = make_frame(AV_PIX_FMT_NV12, 640, 360);
    vx_cursor_draw(c, 2.9, &v, VX_MATRIX_BT601, VX_BORROW(d), &r);
    CHECK(Y(d, 280, 200) == 97 && Y(d, 300, 178) == 97 && r.x0 >= 296, "ring left at 2.9 s");
    av_frame_free(&d);
    /* draw off: nothing */
    vx_cursor_free(&c);
    o.draw = 0;
    c = open_track(ctx, text, &o);
    d = make_frame(AV_PIX_FMT_NV12, 640, 360);
    vx_cursor_draw(c, 0, &v, VX_MATRIX_BT601, VX_BORROW(d), &r);
    CHECK(r.x0 >= r.x1 && Y(d, 101, 85) == 97, "draw=false drew");
    av_frame_free(&d);
    vx_cursor_free(&c);

    /* cost: a moving cursor (new phase every frame) at 1x and 2x, one-euro, with clicks */
    char *text2 = malloc(1 << 20);
    size_t n = 0;
    for (int i = 0; i <= 600; i++) {
        n += (size_t)sprintf(text2 + n, "{\"t\": %.6f, \"x\": %.3f, \"y\": %.3f}\n", i / 60.0,
                             960 + 400 * sin(i / 37.0), 540 + 220 * cos(i / 23.0));
        if (i % 60 == 30)
            n += (size_t)sprintf(text2 + n, "{\"t\": %.6f, \"down\": \"left\"}\n", i / 60.0);
    }
    o = defaults();
    c = open_track(ctx, text2, &o);
    free(text2);
    AVFrame *big = make_frame(AV_PIX_FMT_NV12, 1920, 1080);
    for (int zoom = 1; zoom <= 2 && c; zoom++) {
        /* 2x: the middle of the recording, so the cursor stays in view */
        VxView bv = {zoom == 2 ? 480 : 0, zoom == 2 ? 270 : 0, zoom, 0, 0, 0, 0, 1920, 1080};
        const int frames = 600;
        double us = 1e30, cold = 0;
        int drawn = 0;
        for (int rep = 0; rep < 5; rep++) { /* fastest of 5: the machine is shared */
            struct timespec t0, t1;
            drawn = 0;
            clock_gettime(CLOCK_MONOTONIC, &t0);
            for (int i = 0; i < frames; i++) {
                vx_cursor_draw(c, i / 60.0, &bv, VX_MATRIX_BT709, VX_BORROW(big), &r);
                drawn += r.x0 < r.x1;
            }
            clock_gettime(CLOCK_MONOTONIC, &t1);
            double u = ((t1.tv_sec - t0.tv_sec) * 1e9 + (t1.tv_nsec - t0.tv_nsec)) / 1e3 / frames;
            if (!rep)
                cold = u;
            us = u < us ? u : us;
        }
        printf("cursor draw, 1080p NV12, moving, one-euro, 10 clicks, view scale %d: %.1f us/frame "
               "(%.1f with the sprite cache cold; drawn in %d/%d frames)\n", zoom, us, cold,
               drawn, frames);
        CHECK(drawn > frames * 3 / 4, "cursor drawn in %d/%d frames", drawn, frames);
        CHECK(us < 2000, "drawing the cursor takes %.0f us/frame", us);
    }
    if (c) { /* zoom transition: a new scale every frame, so the shape is re-rendered */
        const int frames = 60;
        double us = 1e30;
        for (int rep = 0; rep < 5; rep++) {
            struct timespec t0, t1;
            clock_gettime(CLOCK_MONOTONIC, &t0);
            for (int i = 0; i < frames; i++) {
                VxView bv = {0, 0, 1 + (i + rep * 0.1) / 60.0, 0, 0, 0, 0, 1920, 1080};
                vx_cursor_draw(c, i / 60.0, &bv, VX_MATRIX_BT709, VX_BORROW(big), &r);
            }
            clock_gettime(CLOCK_MONOTONIC, &t1);
            double u = ((t1.tv_sec - t0.tv_sec) * 1e9 + (t1.tv_nsec - t0.tv_nsec)) / 1e3 / frames;
            us = u < us ? u : us;
        }
        printf("cursor draw, 1080p NV12, during a zoom (scale 1 -> 2): %.1f us/frame\n", us);
    }
    av_frame_free(&big);
    vx_cursor_free(&c);
    av_frame_free(&a);
    av_frame_free(&b);
}

/* A w x h PNG of one opaque colour, written with libavcodec's encoder. */
static int write_png(const char *name, int w, int h, const uint8_t rgba[4])
{
    const AVCodec *codec = avcodec_find_encoder(AV_CODEC_ID_PNG);
    if (!codec)
        return -1;
    AVCodecContext *enc = avcodec_alloc_context3(codec);
    enc->width = w, enc->height = h, enc->pix_fmt = AV_PIX_FMT_RGBA;
    enc->time_base = (AVRational){1, 25};
    AVFrame *f = av_frame_alloc();
    f->format = AV_PIX_FMT_RGBA, f->width = w, f->height = h;
    AVPacket *pkt = av_packet_alloc();
    int ret = -1;
    if (avcodec_open2(enc, codec, NULL) >= 0 && av_frame_get_buffer(f, 0) >= 0) {
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                memcpy(f->data[0] + y * f->linesize[0] + 4 * x, rgba, 4);
        if (avcodec_send_frame(enc, f) >= 0 && avcodec_send_frame(enc, NULL) >= 0 &&
            avcodec_receive_packet(enc, pkt) >= 0) {
            char p[512];
            snprintf(p, sizeof(p), "%s/%s", dir, name);
            FILE *fp = fopen(p, "wb");
            fwrite(pkt->data, 1, pkt->size, fp);
            fclose(fp);
            ret = 0;
        }
    }
    av_packet_free(&pkt);
    av_frame_free(&f);
    avcodec_free_context(&enc);
    return ret;
}

static void test_image(VxContext *ctx)
{
    static const uint8_t red[4] = {255, 0, 0, 255};
    CHECK(write_png("red.png", 6, 6, red) == 0, "cannot write a PNG");
    const char *text = "{\"t\":0,\"x\":200,\"y\":100}\n"
                       "{\"t\":1,\"image\":\"red.png\",\"hotspot\":[2,3]}\n"
                       "{\"t\":2,\"image\":\"default\"}\n";
    VxCursorOpts o = defaults();
    o.smoothing = VX_SMOOTH_NONE;
    VxCursor *c = open_track(ctx, text, &o);
    if (!c)
        return;
    VxView v = {0, 0, 1, 0, 0, 0, 0, 640, 360};
    VxRect r;
    AVFrame *f = make_frame(AV_PIX_FMT_NV12, 640, 360);
    vx_cursor_draw(c, 1.5, &v, VX_MATRIX_BT601, VX_BORROW(f), &r);
    /* pixel (0, 0) of the image at the hotspot minus (2, 3): covers [198, 204) x [97, 103) */
    int cr = f->data[1][(98 / 2) * f->linesize[1] + 200 + 1];
    CHECK(abs(Y(f, 199, 98) - 81) <= 1 && abs(Y(f, 203, 102) - 81) <= 1, "image red: %d %d",
          Y(f, 199, 98), Y(f, 203, 102));
    CHECK(cr > 230, "image red chroma: Cr %d", cr);
    CHECK(Y(f, 197, 98) == 97 && Y(f, 204, 98) == 97 && Y(f, 200, 96) == 97 &&
          Y(f, 200, 103) == 97, "image outside [198, 204) x [97, 103): %d %d %d %d",
          Y(f, 197, 98), Y(f, 204, 98), Y(f, 200, 96), Y(f, 200, 103));
    av_frame_free(&f);
    /* twice the size through a 2x view: 24 x 24 output pixels */
    f = make_frame(AV_PIX_FMT_NV12, 640, 360);
    VxView z = {100, 50, 2, 0, 0, 0, 0, 640, 360};
    o.size = 2;
    vx_cursor_free(&c);
    c = open_track(ctx, text, &o);
    vx_cursor_draw(c, 1.5, &z, VX_MATRIX_BT601, VX_BORROW(f), &r);
    /* hotspot at (200, 100) -> output (200, 100); image from (200 - 8, 100 - 12), 24 px */
    CHECK(abs(Y(f, 193, 89) - 81) <= 1 && abs(Y(f, 215, 111) - 81) <= 1 &&
          Y(f, 191, 89) == 97 && Y(f, 216, 100) == 97 && Y(f, 200, 87) == 97,
          "scaled image: %d %d %d %d %d", Y(f, 193, 89), Y(f, 215, 111), Y(f, 191, 89),
          Y(f, 216, 100), Y(f, 200, 87));
    av_frame_free(&f);
    /* back to the arrow */
    f = make_frame(AV_PIX_FMT_NV12, 640, 360);
    vx_cursor_draw(c, 2.5, &z, VX_MATRIX_BT601, VX_BORROW(f), &r);
    CHECK(Y(f, 202, 110) < 24, "default arrow again: %d", Y(f, 202, 110));
    av_frame_free(&f);
    vx_cursor_free(&c);
}

int main(void)
{
    VxContext *ctx = NULL;
    if (vx_open(&ctx, NULL) < 0)
        return 1;
    snprintf(dir, sizeof(dir), "/tmp/vx-cursor-XXXXXX");
    if (!mkdtemp(dir))
        return 1;
    test_parse(ctx);
    test_smoothing(ctx);
    test_idle(ctx);
    test_draw(ctx);
    test_image(ctx);
    char cmd[300];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    if (system(cmd)) {
    }
    vx_close(&ctx);
    if (failures)
        printf("%d failure(s)\n", failures);
    else
        printf("all cursor tests passed\n");
    return failures != 0;
}
