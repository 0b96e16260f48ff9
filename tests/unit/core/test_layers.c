/* The compositor and its layers (src/compose.c, src/layers/) built without FFmpeg, on
 * pictures made here: the static background against the BT.601 formulas, the screen's place
 * and rounded corners, incremental compose against a full redraw (one thread and three), and
 * that an output nothing changes in is the previous one again, with no layer drawing. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "compose.h"
#include "cpu.h"

#include "../check.h"

#define SW 320
#define SH 180
#define FRAMES 90

static unsigned rng = 777;
static int rnd(int n)
{
    rng = rng * 1103515245u + 12345u;
    return (int)((rng >> 8) % (unsigned)n);
}

/* An I420 SW x SH picture of its own: the previous one's samples with a few rectangles
 * repainted, or (no previous) a ramp. */
static VxPicture source(const VxPicture *prev)
{
    const ptrdiff_t sy = SW, sc = SW / 2;
    VxPicture p = {0};
    p.buf = vx_picbuf_alloc((size_t)SW * SH * 3 / 2);
    if (!p.buf)
        exit(2);
    p.data[0] = p.buf->data, p.data[1] = p.data[0] + sy * SH, p.data[2] = p.data[1] + sc * SH / 2;
    p.stride[0] = sy, p.stride[1] = p.stride[2] = sc;
    p.w = SW, p.h = SH, p.layout = VX_LAYOUT_PLANAR, p.sub_x = p.sub_y = 1;
    p.id = p.buf;
    if (prev) {
        memcpy(p.buf->data, prev->buf->data, p.buf->size);
    } else {
        for (int y = 0; y < SH; y++)
            for (int x = 0; x < SW; x++)
                p.data[0][y * sy + x] = (uint8_t)(16 + (x * 3 + y) % 200);
        for (int y = 0; y < SH / 2; y++)
            for (int x = 0; x < SW / 2; x++)
                p.data[1][y * sc + x] = (uint8_t)(100 + x % 50), p.data[2][y * sc + x] = 140;
    }
    for (int r = 1 + rnd(3); r > 0; r--) {
        const int w = 2 + rnd(60), h = 2 + rnd(40), x = rnd(SW - w), y = rnd(SH - h), v = rnd(220);
        for (int j = y; j < y + h; j++)
            memset(p.data[0] + j * sy + x, 16 + v, (size_t)w);
        for (int j = y / 2; j < (y + h) / 2; j++)
            memset(p.data[1] + j * sc + x / 2, 40 + v / 2, (size_t)w / 2);
    }
    return p;
}

static int same(const VxPicture *a, const VxPicture *b)
{
    for (int y = 0; y < a->h; y++)
        if (memcmp(a->data[0] + y * a->stride[0], b->data[0] + y * b->stride[0], (size_t)a->w))
            return 0;
    for (int y = 0; y < (a->h + 1) / 2; y++)
        if (memcmp(a->data[1] + y * a->stride[1], b->data[1] + y * b->stride[1], (size_t)a->w))
            return 0; /* NV12: u and v interleaved, a->w bytes */
    return 1;
}

static VxProject *project(VxContext *ctx)
{
    static const char json[] =
        "{\"sources\": {\"screen\": \"screen.mp4\"}, \"output\": {\"width\": 640, \"height\": "
        "360}, \"background\": \"#336699\", \"padding\": 0.1, \"radius\": 16, \"shadow\": null}";
    VxProject *p = NULL;
    if (vx_project_parse(ctx, json, ".", "test.json", &p) < 0) {
        printf("FAIL: the project does not parse: %s\n", ctx->err.message);
        exit(1);
    }
    return p;
}

/* Limited-range BT.601 Y'CbCr of an 8-bit R'G'B' colour, worked out here. */
static void bt601(int R, int G, int B, int *y, int *cb, int *cr)
{
    const double r = R / 255.0, g = G / 255.0, b = B / 255.0;
    const double Y = 0.299 * r + 0.587 * g + 0.114 * b;
    *y = (int)lrint(16 + 219 * Y);
    *cb = (int)lrint(128 + 224 * (b - Y) / 1.772);
    *cr = (int)lrint(128 + 224 * (r - Y) / 1.402);
}

static void check_static(VxContext *ctx, const VxProject *p, const VxLayout *l)
{
    VxCompose *c = NULL;
    CHECK(vx_compose_create(ctx, p, NULL, l, VX_LAYOUT_NV12, &c) == 0, "create: %s",
          ctx->err.message);
    if (!c)
        return;
    /* a flat grey recording: the screen shows Y 100 in its middle */
    VxPicture src = source(NULL), out;
    memset(src.data[0], 100, (size_t)SW * SH);
    memset(src.data[1], 128, (size_t)SW * SH / 2);
    CHECK(vx_compose_next(c, &src, NULL, 0, 0, &out) == 0, "compose: %s", ctx->err.message);
    int y, cb, cr;
    bt601(0x33, 0x66, 0x99, &y, &cb, &cr);
    const uint8_t *Y = out.data[0], *UV = out.data[1];
    const ptrdiff_t s = out.stride[0], su = out.stride[1];
    CHECK(Y[2 * s + 2] == y && UV[su + 2] == cb && UV[su + 3] == cr,
          "background at (2, 2): %d %d %d, expected %d %d %d", Y[2 * s + 2], UV[su + 2],
          UV[su + 3], y, cb, cr);
    const int mx = l->x + l->rw / 2, my = l->y + l->rh / 2;
    CHECK(Y[my * s + mx] == 100, "screen middle (%d, %d): Y %d, expected 100", mx, my,
          Y[my * s + mx]);
    /* the rounded corner's outermost pixel is background; just inside the edge, screen */
    CHECK(Y[l->y * s + l->x] == y, "corner pixel (%d, %d): Y %d, expected the background's %d",
          l->x, l->y, Y[l->y * s + l->x], y);
    CHECK(Y[my * s + l->x] == 100 && Y[my * s + l->x - 1] == y,
          "screen's left edge at x = %d not where the layout puts it", l->x);
    vx_picture_unref(&out);
    vx_picture_unref(&src);
    vx_compose_free(&c);
}

static void check_incremental(VxContext *ctx, const VxProject *p, const VxLayout *l, int threads)
{
    VxCompose *full = NULL, *inc = NULL;
    ctx->s.no_incremental = 1; /* VxSettings.no_incremental: whole frames */
    int ret = vx_compose_create(ctx, p, NULL, l, VX_LAYOUT_NV12, &full);
    ctx->s.no_incremental = 0;
    if (ret < 0 || vx_compose_create(ctx, p, NULL, l, VX_LAYOUT_NV12, &inc) < 0 ||
        vx_compose_set_threads(inc, threads) < 0) {
        printf("FAIL: create: %s\n", ctx->err.message);
        exit(1);
    }
    VxPicture src = {0}, prev_out = {0};
    int bad = -1, repeats = 0, same_buffer = 0;
    VxZoomView prev_view = {0, 0, SW, SH};
    for (int n = 0; n < FRAMES; n++) {
        VxZoomView view = {0, 0, SW, SH};
        if (n >= 40 && n < 60) /* a zoom that holds, then pans */
            view = (VxZoomView){40.5 + (n >= 50 ? 2 * (n - 50) : 0), 20.25, SW / 2.0, SH / 2.0};
        const int still_view = !memcmp(&view, &prev_view, sizeof(view));
        prev_view = view;
        if (!src.buf || n % 4 != 2) { /* every fourth frame: the very same picture again */
            VxPicture s = source(src.buf ? &src : NULL);
            vx_picture_unref(&src);
            src = s;
        } else {
            repeats += still_view; /* nothing changes: the previous output again */
        }
        VxPicture a, b;
        if (vx_compose_next(full, &src, &view, n / 30.0, n / 30.0, &a) < 0 ||
            vx_compose_next(inc, &src, &view, n / 30.0, n / 30.0, &b) < 0) {
            printf("FAIL: compose: %s\n", ctx->err.message);
            exit(1);
        }
        if (bad < 0 && !same(&a, &b))
            bad = n;
        same_buffer += b.data[0] == prev_out.data[0];
        vx_picture_unref(&a);
        vx_picture_unref(&prev_out);
        prev_out = b;
    }
    int64_t frames, reused;
    double scaled, copied;
    vx_compose_stats(inc, &frames, &reused, &scaled, &copied);
    CHECK(bad < 0, "%d threads: incremental output %d differs from the full redraw", threads, bad);
    CHECK(reused == repeats && same_buffer == repeats,
          "%d threads: %d outputs with nothing changed, %lld reused, %d the same buffer", threads,
          repeats, (long long)reused, same_buffer);
    CHECK(scaled < 0.9 && copied > 0.02, "%d threads: %.0f%% rescaled, %.0f%% copied: the "
          "incremental path was not taken", threads, 100 * scaled, 100 * copied);
    printf("%d thread%s: %d outputs identical to the full redraw, %lld reused whole, %.0f%% of "
           "rows rescaled\n", threads, threads > 1 ? "s" : "", FRAMES, (long long)reused,
           100 * scaled);
    vx_picture_unref(&prev_out);
    vx_picture_unref(&src);
    vx_compose_free(&full);
    vx_compose_free(&inc);
}

int main(void)
{
    VxContext ctx = {0};
    ctx.cpu_flags = vx_cpu_effective(~0u);
    ctx.s.log_level = VX_LOG_ERROR;
    VxProject *p = project(&ctx);
    VxLayout l;
    if (vx_layout_compute(&ctx, p, SW, SH, &l) < 0)
        return 2;
    l.sub_x = l.sub_y = 1, l.cx = 0, l.cy = 0.5;
    check_static(&ctx, p, &l);
    check_incremental(&ctx, p, &l, 1);
    check_incremental(&ctx, p, &l, 3);
    vx_project_free(&p);
    return failures != 0;
}
