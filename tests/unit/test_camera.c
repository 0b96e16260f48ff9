/* Camera bubble (src/camera.c) through its internal API: a camera clip made with the ffmpeg
 * tool (left half a luma ramp by frame number, right half a fixed colour) is drawn over flat
 * frames, and the result is checked against the geometry of docs/project-format.md ("Camera
 * bubble"): untouched outside the bubble's rectangle, camera content inside, the border
 * colour on the ring, the shadow below, the frame shown by its time, mirroring, NV12 = I420.
 *
 * test_camera DIR          runs the checks (DIR: scratch directory for the clip)
 * test_camera DIR --bench  also times the drawing of a 1080p output's bubble */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libavutil/frame.h>

#include "camera.h"
#include "internal.h"
#include "media_picture.h"

#include "check.h"

#define BG_Y 100
#define BG_U 90
#define BG_V 160
#define FPS 24
#define FRAMES 144 /* 6 s */
#define RIGHT_Y 200
#define RIGHT_U 90
#define RIGHT_V 170

static int ramp(int n) { return 20 + n; } /* luma of the left half in camera frame n */

static AVFrame *flat_frame(int fmt, int W, int H)
{
    AVFrame *f = av_frame_alloc();
    f->format = fmt, f->width = W, f->height = H;
    if (av_frame_get_buffer(f, 64) < 0)
        exit(2);
    for (int y = 0; y < H; y++)
        memset(f->data[0] + y * f->linesize[0], BG_Y, W);
    for (int y = 0; y < (H + 1) / 2; y++) {
        if (fmt == AV_PIX_FMT_NV12) {
            for (int x = 0; x < (W + 1) / 2; x++)
                f->data[1][y * f->linesize[1] + 2 * x] = BG_U,
                f->data[1][y * f->linesize[1] + 2 * x + 1] = BG_V;
        } else {
            memset(f->data[1] + y * f->linesize[1], BG_U, (W + 1) / 2);
            memset(f->data[2] + y * f->linesize[2], BG_V, (W + 1) / 2);
        }
    }
    return f;
}

static int Y(const AVFrame *f, int x, int y) { return f->data[0][y * f->linesize[0] + x]; }
static int U(const AVFrame *f, int x, int y)
{
    return f->format == AV_PIX_FMT_NV12 ? f->data[1][y * f->linesize[1] + 2 * x]
                                        : f->data[1][y * f->linesize[1] + x];
}
static int V(const AVFrame *f, int x, int y)
{
    return f->format == AV_PIX_FMT_NV12 ? f->data[1][y * f->linesize[1] + 2 * x + 1]
                                        : f->data[2][y * f->linesize[2] + x];
}

static int frames_equal(const AVFrame *a, const AVFrame *b)
{
    for (int y = 0; y < a->height; y++)
        for (int x = 0; x < a->width; x++)
            if (Y(a, x, y) != Y(b, x, y))
                return 0;
    for (int y = 0; y < (a->height + 1) / 2; y++)
        for (int x = 0; x < (a->width + 1) / 2; x++)
            if (U(a, x, y) != U(b, x, y) || V(a, x, y) != V(b, x, y))
                return 0;
    return 1;
}

static VxCameraOpts defaults(const char *path)
{
    VxCameraOpts o = {0};
    o.path = (char *)path;
    o.shape = VX_SHAPE_CIRCLE;
    o.radius = 0.2;
    o.corner = VX_CORNER_BR;
    o.size = 0.22;
    o.margin = 0.04;
    o.border_color = (VxRGB){1, 1, 1};
    o.shadow = 1;
    return o;
}

/* The documented placement: size and origin rounded to even pixels. */
static void geometry(const VxCameraOpts *o, int W, int H, double aspect, int *x0, int *y0,
                     int *bw, int *bh)
{
    int M = W < H ? W : H;
    *bw = 2 * (int)floor(o->size * M / 2 + 0.5);
    *bh = o->shape == VX_SHAPE_ROUNDED ? 2 * (int)floor(*bw / aspect / 2 + 0.5) : *bw;
    double m = o->margin * M;
    double x = o->corner == VX_CORNER_BL || o->corner == VX_CORNER_TL ? m : W - m - *bw;
    double y = o->corner == VX_CORNER_TR || o->corner == VX_CORNER_TL ? m : H - m - *bh;
    *x0 = 2 * (int)floor(x / 2 + 0.5), *y0 = 2 * (int)floor(y / 2 + 0.5);
}

/* Circle bubble, BR corner, border and shadow; content, ring, shadow and untouched pixels. */
static void check_circle(VxContext *ctx, const char *clip, int fmt, int mirror)
{
    const int W = 1280, H = 720;
    VxCameraOpts o = defaults(clip);
    o.border = 6;
    o.mirror = mirror;
    o.offset = 0.5;
    VxCamera *cam = NULL;
    int ret = vx_camera_open(ctx, &o, W, H, VX_MATRIX_BT709, &cam);
    CHECK(ret == 0, "open: %d %s", ret, vx_last_error(ctx));
    if (ret < 0)
        return;
    int x0, y0, bw, bh;
    geometry(&o, W, H, 1, &x0, &y0, &bw, &bh);
    const double cx = x0 + bw / 2.0, cy = y0 + bh / 2.0, R = bw / 2.0;
    VxRect r = vx_camera_rect(cam);
    CHECK(r.x0 <= x0 && r.y0 <= y0 && r.x1 >= x0 + bw && r.y1 >= y0 + bh && r.x1 <= W &&
              r.y1 <= H && r.x0 >= x0 - bw / 4 && r.y0 >= y0 - bh / 4,
          "rect %d,%d-%d,%d for bubble %d,%d %dx%d", r.x0, r.y0, r.x1, r.y1, x0, y0, bw, bh);
    AVFrame *f = flat_frame(fmt, W, H);
    const int n = 30; /* camera frame 30 is shown from 0.5 + 30/24 s on */
    ret = vx_camera_draw(cam, 0.5 + n / (double)FPS + 0.01, VX_BORROW(f));
    CHECK(ret == 0, "draw: %d", ret);
    const char *dump = getenv("CAMERA_TEST_DUMP"); /* raw frame, to look at */
    if (dump && fmt == AV_PIX_FMT_YUV420P && !mirror) {
        FILE *fp = fopen(dump, "wb");
        for (int y = 0; fp && y < H; y++)
            fwrite(f->data[0] + y * f->linesize[0], 1, W, fp);
        for (int p = 1; fp && p < 3; p++)
            for (int y = 0; y < H / 2; y++)
                fwrite(f->data[p] + y * f->linesize[p], 1, W / 2, fp);
        if (fp)
            fclose(fp);
    }
    int bad_out = 0, bad_in = 0, bad_ring = 0, shadowed = 0, in_n = 0, ring_n = 0;
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) {
            const double d = hypot(x + 0.5 - cx, y + 0.5 - cy) - R;
            const int v = Y(f, x, y);
            if (x < r.x0 || x >= r.x1 || y < r.y0 || y >= r.y1) {
                bad_out += v != BG_Y;
            } else if (d < -(o.border + 2)) {
                const double dx = x + 0.5 - cx;
                if (fabs(dx) < 4)
                    continue; /* the camera's own left/right edge, filtered */
                const int left = (dx < 0) != mirror;
                const int want = left ? ramp(n) : RIGHT_Y;
                in_n++;
                if (abs(v - want) > 1 && bad_in++ < 3)
                    printf("  inside (%d,%d): Y %d, want %d\n", x, y, v, want);
            } else if (d > -o.border + 1.5 && d < -1.5) {
                ring_n++;
                if (abs(v - 235) > 1 && bad_ring++ < 3)
                    printf("  ring (%d,%d): Y %d, want 235\n", x, y, v);
            } else if (d > 2 && y > cy + R * 0.5 && fabs(x + 0.5 - cx) < R * 0.3) {
                shadowed += v < BG_Y - 3; /* just below the bubble: darker */
            }
        }
    CHECK(!bad_out, "%d pixels outside the bubble's rect changed", bad_out);
    CHECK(in_n > 10000 && !bad_in, "%d of %d inside pixels are not camera content", bad_in, in_n);
    CHECK(ring_n > 1000 && !bad_ring, "%d of %d ring pixels are not the border", bad_ring, ring_n);
    CHECK(shadowed > 100, "no shadow below the bubble (%d darker pixels)", shadowed);
    /* chroma: left-sited samples at luma (2i + 0.5, 2j + 1) */
    int bad_c = 0, c_n = 0;
    for (int j = 0; j < H / 2; j++)
        for (int i = 0; i < W / 2; i++) {
            const double px = 2 * i + 0.5, py = 2 * j + 1.0;
            const double d = hypot(px - cx, py - cy) - R;
            const int u = U(f, i, j), v = V(f, i, j);
            if (2 * i < r.x0 - 1 || 2 * i >= r.x1 || 2 * j < r.y0 - 1 || 2 * j >= r.y1) {
                bad_c += u != BG_U || v != BG_V;
            } else if (d < -(o.border + 3) && fabs(px - cx) > 6) {
                const int left = (px < cx) != mirror;
                c_n++;
                bad_c += abs(u - (left ? 128 : RIGHT_U)) > 1 || abs(v - (left ? 128 : RIGHT_V)) > 1;
            } else if (d > -o.border + 2 && d < -2) {
                c_n++;
                bad_c += abs(u - 128) > 1 || abs(v - 128) > 1; /* white border */
            }
        }
    CHECK(c_n > 2000 && !bad_c, "%d of %d chroma samples wrong (fmt %d mirror %d)", bad_c, c_n,
          fmt, mirror);
    av_frame_free(&f);
    vx_camera_free(&cam);
    CHECK(cam == NULL, "free does not clear the pointer");
}

/* A camera in another matrix than the output's (the clip is BT.709, the output BT.601): the
 * bubble shows the camera's colours re-expressed in the output's matrix, within one code value
 * of the double-precision conversion (through unclipped R'G'B'), on both halves, both chroma
 * layouts, mirrored or not. */
static void check_matrix(VxContext *ctx, const char *clip, int fmt, int mirror)
{
    const int W = 1280, H = 720;
    VxCameraOpts o = defaults(clip);
    o.border = 6;
    o.mirror = mirror;
    VxCamera *cam = NULL;
    if (vx_camera_open(ctx, &o, W, H, VX_MATRIX_BT601, &cam) < 0) {
        CHECK(0, "open: %s", vx_last_error(ctx));
        return;
    }
    /* BT.709 (RIGHT_Y, RIGHT_U, RIGHT_V) -> R'G'B' -> BT.601 */
    const double y7 = (RIGHT_Y - 16) / 219.0, pb = (RIGHT_U - 128) / 224.0,
                 pr = (RIGHT_V - 128) / 224.0;
    const double R = y7 + 1.5748 * pr, B = y7 + 1.8556 * pb;
    const double G = (y7 - 0.2126 * R - 0.0722 * B) / 0.7152;
    const double y6 = 0.299 * R + 0.587 * G + 0.114 * B;
    const double wy = 16 + 219 * y6, wu = 128 + 224 * (B - y6) / 1.772,
                 wv = 128 + 224 * (R - y6) / 1.402;
    int x0, y0, bw, bh;
    geometry(&o, W, H, 1, &x0, &y0, &bw, &bh);
    const double cx = x0 + bw / 2.0, cy = y0 + bh / 2.0, rad = bw / 2.0 - o.border - 3;
    AVFrame *f = flat_frame(fmt, W, H);
    const int n = 12;
    CHECK(vx_camera_draw(cam, n / (double)FPS + 0.01, VX_BORROW(f)) == 0, "draw");
    int bad = 0, cnt = 0;
    for (int y = y0; y < y0 + bh; y++)
        for (int x = x0; x < x0 + bw; x++) {
            const double dx = x + 0.5 - cx;
            if (hypot(dx, y + 0.5 - cy) > rad || fabs(dx) < 4)
                continue;
            const int right = (dx > 0) != mirror;
            const double want = right ? wy : ramp(n);
            cnt++;
            if (fabs(Y(f, x, y) - want) > 1 && bad++ < 3)
                printf("  601 luma (%d,%d): %d, want %.2f\n", x, y, Y(f, x, y), want);
        }
    for (int j = y0 / 2; j < (y0 + bh) / 2; j++)
        for (int i = x0 / 2; i < (x0 + bw) / 2; i++) {
            const double px = 2 * i + 0.5 - cx, py = 2 * j + 1.0 - cy;
            if (hypot(px, py) > rad - 2 || fabs(px) < 6)
                continue;
            const int right = (px > 0) != mirror;
            const double wu_ = right ? wu : 128, wv_ = right ? wv : 128;
            cnt++;
            if ((fabs(U(f, i, j) - wu_) > 1 || fabs(V(f, i, j) - wv_) > 1) && bad++ < 6)
                printf("  601 chroma (%d,%d): %d %d, want %.2f %.2f\n", i, j, U(f, i, j),
                       V(f, i, j), wu_, wv_);
        }
    CHECK(cnt > 10000 && !bad, "%d of %d samples not in the output's matrix (fmt %d mirror %d)",
          bad, cnt, fmt, mirror);
    av_frame_free(&f);
    vx_camera_free(&cam);
}

/* The frame shown at recording time t is the last camera frame at or before t - offset;
 * before the first the first is held, after the last the last. Jumps back and far forward
 * (cuts) seek. */
static void check_timing(VxContext *ctx, const char *clip)
{
    const int W = 640, H = 360;
    VxCameraOpts o = defaults(clip);
    o.offset = 0.5;
    o.shadow = 0;
    o.size = 0.5;
    VxCamera *cam = NULL;
    if (vx_camera_open(ctx, &o, W, H, VX_MATRIX_BT601, &cam) < 0) {
        CHECK(0, "open: %s", vx_last_error(ctx));
        return;
    }
    int x0, y0, bw, bh;
    geometry(&o, W, H, 1, &x0, &y0, &bw, &bh);
    const int px = x0 + bw / 4, py = y0 + bh / 2; /* left half of the bubble */
    AVFrame *f = flat_frame(AV_PIX_FMT_NV12, W, H);
    static const struct { double t; int n; } cases[] = {
        {0.0, 0},            /* before the camera starts: its first frame */
        {0.5, 0},
        {0.5 + 1.0 / FPS - 0.002, 0},
        {0.5 + 1.0 / FPS + 0.002, 1},
        {0.5 + 10.0 / FPS, 10},  /* exactly on a frame's time */
        {0.5 + 10.5 / FPS, 10},
        {1.0 + 1.0 / 30, 13},    /* screen frame 31 at 30 fps: camera 0.5333 s -> frame 12.8 */
        {0.5 + 11.0 / FPS, 11},
        {0.5 + 100.2 / FPS, 100}, /* a cut: 3.7 s ahead, seeks */
        {0.5 + 40.2 / FPS, 40},   /* back */
        {0.5 + 41.2 / FPS, 41},
        {0.1, 0},                 /* back before the start */
        {0.5 + 2.2 / FPS, 2},
        {30.0, FRAMES - 1},       /* after the end: the last frame */
        {0.5 + 5.2 / FPS, 5},
    };
    for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
        int ret = vx_camera_draw(cam, cases[k].t, VX_BORROW(f));
        int want = ramp(cases[k].n == 13 ? 12 : cases[k].n);
        CHECK(ret == 0 && abs(Y(f, px, py) - want) <= 1,
              "t %.4f: luma %d, want camera frame %d (%d); ret %d", cases[k].t, Y(f, px, py),
              cases[k].n == 13 ? 12 : cases[k].n, want, ret);
    }
    av_frame_free(&f);
    vx_camera_free(&cam);
}

/* NV12 and I420 outputs get the same pixels; a rounded bubble at the top-left has the
 * camera's aspect and no shadow, so its rect is its box and its corners stay untouched. */
static void check_formats(VxContext *ctx, const char *clip)
{
    const int W = 854, H = 480; /* odd chroma width */
    VxCameraOpts o = defaults(clip);
    o.shape = VX_SHAPE_ROUNDED;
    o.corner = VX_CORNER_TL;
    o.shadow = 0;
    o.border = 3;
    o.border_color = (VxRGB){1, 0, 0};
    VxCamera *cam = NULL;
    if (vx_camera_open(ctx, &o, W, H, VX_MATRIX_BT601, &cam) < 0) {
        CHECK(0, "open: %s", vx_last_error(ctx));
        return;
    }
    int x0, y0, bw, bh;
    geometry(&o, W, H, 320.0 / 240, &x0, &y0, &bw, &bh);
    VxRect r = vx_camera_rect(cam);
    CHECK(r.x0 == x0 && r.y0 == y0 && r.x1 == x0 + bw && r.y1 == y0 + bh,
          "rounded rect %d,%d-%d,%d, want %d,%d-%d,%d", r.x0, r.y0, r.x1, r.y1, x0, y0,
          x0 + bw, y0 + bh);
    AVFrame *a = flat_frame(AV_PIX_FMT_NV12, W, H), *b = flat_frame(AV_PIX_FMT_YUV420P, W, H);
    for (int k = 0; k < 3; k++) {
        double t = 1.0 + k * 0.3;
        int ra = vx_camera_draw(cam, t, VX_BORROW(a)), rb = vx_camera_draw(cam, t, VX_BORROW(b));
        CHECK(ra == 0 && rb == 0, "draw %d %d", ra, rb);
        CHECK(frames_equal(a, b), "NV12 and I420 bubbles differ at t %.1f", t);
    }
    CHECK(Y(a, x0 + 1, y0 + 1) == BG_Y && Y(a, x0 + bw - 2, y0 + bh - 2) == BG_Y,
          "the rounded corners are drawn over");
    /* red border, BT.601: Y 81, Cb 90, Cr 240 */
    const int ry = Y(a, x0 + bw / 2, y0 + 1);
    CHECK(abs(ry - 81) <= 1, "top border luma %d, want 81 (red)", ry);
    CHECK(abs(V(a, (x0 + bw / 2) / 2, y0 / 2) - 240) <= 1, "border Cr %d, want 240",
          V(a, (x0 + bw / 2) / 2, y0 / 2));
    av_frame_free(&a);
    av_frame_free(&b);
    vx_camera_free(&cam);
}

/* A bubble placed half outside the output (position [1, 0.5]) is clipped: its visible half is
 * drawn, nothing is written beyond the frame (the frames' padding is checked). */
static void check_clipped(VxContext *ctx, const char *clip)
{
    const int W = 640, H = 360;
    VxCameraOpts o = defaults(clip);
    o.corner = VX_CORNER_POS, o.px = 1.0, o.py = 0.5;
    o.size = 0.5;
    VxCamera *cam = NULL;
    if (vx_camera_open(ctx, &o, W, H, VX_MATRIX_BT601, &cam) < 0) {
        CHECK(0, "open: %s", vx_last_error(ctx));
        return;
    }
    const int bw = 180, x0 = 640 - 90, y0 = 180 - 90; /* even already */
    VxRect r = vx_camera_rect(cam);
    CHECK(r.x1 == W && r.x0 < x0 && r.y0 < y0 && r.y1 > y0 + bw, "clipped rect %d,%d-%d,%d",
          r.x0, r.y0, r.x1, r.y1);
    AVFrame *f = flat_frame(AV_PIX_FMT_NV12, W, H);
    /* guard bytes after each row: linesize is padded past the width */
    const int pad = f->linesize[0] - W;
    for (int y = 0; y < H && pad > 0; y++)
        memset(f->data[0] + y * f->linesize[0] + W, 0xA5, pad);
    int ret = vx_camera_draw(cam, 2.0, VX_BORROW(f));
    CHECK(ret == 0, "draw %d", ret);
    /* mirror off: the visible (left) half of the bubble shows the camera's left half */
    CHECK(abs(Y(f, x0 + 30, y0 + 90) - ramp(2 * FPS - 1)) <= 1 ||
              abs(Y(f, x0 + 30, y0 + 90) - ramp(2 * FPS)) <= 1,
          "clipped bubble: luma %d", Y(f, x0 + 30, y0 + 90));
    int guard = 0;
    for (int y = 0; y < H && pad > 0; y++)
        for (int x = W; x < W + pad; x++)
            guard += f->data[0][y * f->linesize[0] + x] != 0xA5;
    CHECK(!guard, "%d bytes written past the frame's width", guard);
    av_frame_free(&f);
    vx_camera_free(&cam);
}

/* A 4:2:2 full-range camera (MJPEG, as many webcams give) comes out in limited range with
 * its colours. */
static void check_422(VxContext *ctx, const char *clip)
{
    const int W = 640, H = 360;
    VxCameraOpts o = defaults(clip);
    o.shadow = 0;
    o.size = 0.5;
    VxCamera *cam = NULL;
    /* JPEG is BT.601: a BT.601 output keeps the chroma at 4:2:2 up to the bubble's scaler */
    if (vx_camera_open(ctx, &o, W, H, VX_MATRIX_BT601, &cam) < 0) {
        CHECK(0, "open 4:2:2: %s", vx_last_error(ctx));
        return;
    }
    int x0, y0, bw, bh;
    geometry(&o, W, H, 1, &x0, &y0, &bw, &bh);
    AVFrame *f = flat_frame(AV_PIX_FMT_YUV420P, W, H);
    int ret = vx_camera_draw(cam, 10.0 / FPS + 0.001, VX_BORROW(f));
    CHECK(ret == 0, "draw %d", ret);
    const int lx = x0 + bw / 4, rx = x0 + 3 * bw / 4, y = y0 + bh / 2;
    CHECK(abs(Y(f, lx, y) - ramp(10)) <= 2 && abs(Y(f, rx, y) - RIGHT_Y) <= 2,
          "4:2:2 camera luma %d %d, want %d %d", Y(f, lx, y), Y(f, rx, y), ramp(10), RIGHT_Y);
    CHECK(abs(U(f, rx / 2, y / 2) - RIGHT_U) <= 2 && abs(V(f, rx / 2, y / 2) - RIGHT_V) <= 2 &&
              abs(U(f, lx / 2, y / 2) - 128) <= 2 && abs(V(f, lx / 2, y / 2) - 128) <= 2,
          "4:2:2 camera chroma (%d %d) (%d %d)", U(f, lx / 2, y / 2), V(f, lx / 2, y / 2),
          U(f, rx / 2, y / 2), V(f, rx / 2, y / 2));
    av_frame_free(&f);
    vx_camera_free(&cam);
}

/* Degenerate sizes draw without faults: a 16x16 output with the smallest bubble and a border
 * wider than it, and a bubble as big as the output. */
static void check_tiny(VxContext *ctx, const char *clip)
{
    const int sizes[][2] = {{16, 16}, {18, 40}, {64, 36}};
    for (int k = 0; k < 3; k++) {
        VxCameraOpts o = defaults(clip);
        o.size = k == 2 ? 1 : 0.05;
        o.border = 12;
        o.shape = k == 1 ? VX_SHAPE_ROUNDED : VX_SHAPE_CIRCLE;
        VxCamera *cam = NULL;
        int ret = vx_camera_open(ctx, &o, sizes[k][0], sizes[k][1], VX_MATRIX_BT601, &cam);
        CHECK(ret == 0, "open %dx%d: %s", sizes[k][0], sizes[k][1], vx_last_error(ctx));
        if (ret < 0)
            continue;
        AVFrame *f = flat_frame(AV_PIX_FMT_YUV420P, sizes[k][0], sizes[k][1]);
        CHECK(vx_camera_draw(cam, 1.0, VX_BORROW(f)) == 0, "draw %dx%d", sizes[k][0], sizes[k][1]);
        av_frame_free(&f);
        vx_camera_free(&cam);
    }
}

static void check_errors(VxContext *ctx, const char *dir)
{
    char path[1024];
    snprintf(path, sizeof(path), "%s/missing-camera.mp4", dir);
    VxCameraOpts o = defaults(path);
    VxCamera *cam = NULL;
    int ret = vx_camera_open(ctx, &o, 640, 360, VX_MATRIX_BT601, &cam);
    CHECK(ret < 0 && !cam && strstr(vx_last_error(ctx), "missing-camera.mp4"),
          "missing camera: %d '%s'", ret, vx_last_error(ctx));
}

static double now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e6 + ts.tv_nsec * 1e-3;
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void bench_log(void *opaque, int level, const char *msg)
{
    (void)opaque, (void)level;
    if (strstr(msg, "pictures rendered"))
        printf("bench: %s\n", msg);
}

/* Median µs per draw into a 1080p NV12 frame (size 0.22, border 4, shadow) as the export calls
 * it: 30 fps output times over a 1280x720 30 fps camera, so a new camera picture is due every
 * frame. The scaling runs on the decode thread; its cost is logged when the camera closes. */
static void bench(const char *clip)
{
    VxSettings s;
    vx_default_settings(&s);
    s.log_level = VX_LOG_VERBOSE;
    s.log_cb = bench_log;
    VxContext *ctx = NULL;
    if (vx_open(&ctx, &s) < 0)
        return;
    VxCameraOpts o = defaults(clip);
    o.border = 4;
    VxCamera *cam = NULL;
    /* setting up (masks, shadow), worst case: a 4K output's bubble as big as it gets */
    o.size = 1;
    double t0 = now_us();
    if (vx_camera_open(ctx, &o, 3840, 2160, VX_MATRIX_BT709, &cam) == 0)
        printf("bench: open, 4K output, size 1: %.1f ms\n", (now_us() - t0) / 1000);
    vx_camera_free(&cam);
    o.size = 0.22;
    t0 = now_us();
    if (vx_camera_open(ctx, &o, 1920, 1080, VX_MATRIX_BT709, &cam) < 0) {
        vx_close(&ctx);
        return;
    }
    printf("bench: open, 1080p output, size 0.22: %.1f ms\n", (now_us() - t0) / 1000);
    AVFrame *a = flat_frame(AV_PIX_FMT_NV12, 1920, 1080);
    enum { N = 90 };
    static double us[N], again[N];
    for (int i = 0; i < N; i++) {
        double t0 = now_us();
        vx_camera_draw(cam, i / 30.0, VX_BORROW(a));
        us[i] = now_us() - t0;
        t0 = now_us(); /* the same time again: the blend alone, caches warm */
        vx_camera_draw(cam, i / 30.0, VX_BORROW(a));
        again[i] = now_us() - t0;
        /* the rest of an export's frame (compose + encode, ~10 ms): the decoder runs meanwhile */
        struct timespec ts = {0, 10 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    qsort(us, N, sizeof(double), cmp_d);
    qsort(again, N, sizeof(double), cmp_d);
    VxRect r = vx_camera_rect(cam);
    printf("bench: 1080p bubble (rect with shadow %dx%d), camera 1280x720 30 fps: "
           "draw median %.1f us, max %.1f us; drawn again at once %.1f us (%d frames)\n",
           r.x1 - r.x0, r.y1 - r.y0, us[N / 2], us[N - 1], again[N / 2], N);
    av_frame_free(&a);
    vx_camera_free(&cam);
    vx_close(&ctx);
}

static int make_clip(const char *path, int w, int h, int fps, int frames, const char *extra)
{
    char cmd[2048];
    snprintf(cmd, sizeof(cmd),
             "ffmpeg -nostdin -hide_banner -loglevel error -y -f lavfi -i "
             "\"color=c=black:s=%dx%d:r=%d,format=yuv420p,"
             "geq=lum='if(lt(X,W/2),20+N,%d)':cb='if(lt(X,W/2),128,%d)':"
             "cr='if(lt(X,W/2),128,%d)'\" "
             "-frames:v %d -c:v libx264 -qp 0 -g %d -pix_fmt yuv420p %s "
             "-colorspace bt709 -color_primaries bt709 -color_trc bt709 \"%s\"",
             w, h, fps, RIGHT_Y, RIGHT_U, RIGHT_V, frames, fps, extra, path);
    return system(cmd);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: test_camera DIR [--bench]\n");
        return 2;
    }
    char clip[1024], big[1024];
    snprintf(clip, sizeof(clip), "%s/camera-ramp.mp4", argv[1]);
    if (make_clip(clip, 320, 240, FPS, FRAMES, "")) {
        fprintf(stderr, "cannot make %s with the ffmpeg tool\n", clip);
        return 1;
    }
    VxContext *ctx = NULL;
    VxSettings s;
    vx_default_settings(&s);
    s.log_level = VX_LOG_ERROR;
    if (vx_open(&ctx, &s) < 0)
        return 1;
    for (int mirror = 0; mirror < 2; mirror++) {
        check_circle(ctx, clip, AV_PIX_FMT_NV12, mirror);
        check_circle(ctx, clip, AV_PIX_FMT_YUV420P, mirror);
    }
    for (int mirror = 0; mirror < 2; mirror++) {
        check_matrix(ctx, clip, AV_PIX_FMT_NV12, mirror);
        check_matrix(ctx, clip, AV_PIX_FMT_YUV420P, mirror);
    }
    check_timing(ctx, clip);
    check_formats(ctx, clip);
    check_clipped(ctx, clip);
    check_tiny(ctx, clip);
    char mjpeg[1024];
    snprintf(mjpeg, sizeof(mjpeg), "%s/camera-mjpeg.mkv", argv[1]);
    if (make_clip(mjpeg, 320, 240, FPS, 24, "-c:v mjpeg -q:v 1 -pix_fmt yuvj422p")) {
        printf("FAIL: cannot make %s\n", mjpeg);
        failures++;
    } else {
        check_422(ctx, mjpeg);
    }
    check_errors(ctx, argv[1]);
    if (argc > 2 && !strcmp(argv[2], "--bench")) {
        snprintf(big, sizeof(big), "%s/camera-720p.mp4", argv[1]);
        if (!make_clip(big, 1280, 720, 30, 90, "-preset ultrafast"))
            bench(big);
    }
    vx_close(&ctx);
    printf("%s\n", failures ? "FAILED" : "ok");
    return failures ? 1 : 0;
}
