/* auto_zoom (src/zoom.c vx_auto_zoom, docs/project-format.md "Zooms from clicks"): clicks
 * become "center" zoom segments placed where and when the clicks are; clicks close in time
 * share a segment; a segment whose transitions would touch a neighbour's is merged with it;
 * one that would overlap a hand-written segment is left out; the zoom path built from the
 * result shows the clicked spot magnified while the segment is in. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "internal.h"
#include "zoom.h"

#include "check.h"

#define SW 1920
#define SH 1080

int main(void)
{
    const VxAutoZoomOpts o = {1, 2, 0.6, VX_EASE_INOUT, 170, 26, 1.5, 0.3, 1.2};
    const VxClick clicks[] = {
        {2.0, 400, 300}, {2.5, 420, 320}, {3.0, 440, 340}, /* one group (gaps 0.5 s) */
        {10.0, 1200, 600},                                  /* alone */
        {20.0, 900, 500},                                   /* inside the hand-written one */
        {30.0, 100, 100}, {32.5, 300, 100},  /* 2.5 s apart, but the transitions would touch */
        {40.0, 1900, 1070},                                 /* near the corner */
    };
    const int nc = (int)(sizeof(clicks) / sizeof(clicks[0]));
    VxZoom manual = {0};
    manual.mode = VX_ZOOM_CENTER, manual.start = 19, manual.end = 21, manual.transition = 0.6;
    manual.cx = 960, manual.cy = 540, manual.scale = 1.5;
    VxZoom *z = NULL;
    int n = 0;
    int ret = vx_auto_zoom(&o, clicks, nc, &manual, 1, SW, SH, &z, &n);
    CHECK(ret == 0 && n == 4, "ret %d, %d segments (expected 4)", ret, n);
    if (n != 4)
        return 1;
    for (int i = 0; i < n; i++)
        printf("auto zoom %d: %.2f..%.2f s at (%.0f, %.0f) x%g\n", i, z[i].start, z[i].end,
               z[i].cx, z[i].cy, z[i].scale);
    /* the group of three: fully in 0.3 s before the first click, out 1.2 s after the last,
     * centred on the clicks' mean */
    CHECK(fabs(z[0].start - 1.7) < 1e-9 && fabs(z[0].end - 4.2) < 1e-9, "segment 0: %g..%g",
          z[0].start, z[0].end);
    CHECK(fabs(z[0].cx - 420) < 1e-9 && fabs(z[0].cy - 320) < 1e-9, "segment 0 centre %g,%g",
          z[0].cx, z[0].cy);
    CHECK(z[0].mode == VX_ZOOM_CENTER && z[0].scale == 2 && z[0].transition == 0.6 &&
          z[0].ease == VX_EASE_INOUT, "segment 0 does not take the options' scale and easing");
    CHECK(fabs(z[1].start - 9.7) < 1e-9 && fabs(z[1].cx - 1200) < 1e-9, "segment 1: %g at %g",
          z[1].start, z[1].cx);
    /* 20 s: left out (the hand-written 19..21 s); 30 and 32.5 s: one segment */
    CHECK(fabs(z[2].start - 29.7) < 1e-9 && fabs(z[2].end - 33.7) < 1e-9 &&
          fabs(z[2].cx - 200) < 1e-9, "segment 2: %g..%g at %g", z[2].start, z[2].end,
          z[2].cx);
    CHECK(fabs(z[3].start - 39.7) < 1e-9, "segment 3 starts at %g", z[3].start);
    for (int i = 0; i < n; i++) {
        const double a = z[i].start - z[i].transition, b = z[i].end + z[i].transition;
        CHECK(b <= manual.start - manual.transition + 1e-9 ||
              a >= manual.end + manual.transition - 1e-9, "segment %d overlaps the hand-written "
              "one", i);
        if (i)
            CHECK(a >= z[i - 1].end + z[i - 1].transition - 1e-9, "segments %d and %d overlap",
                  i - 1, i);
    }

    /* the zoom path of the hand-written segment plus these: valid, magnified at the clicks */
    VxContext *ctx = NULL;
    VxSettings s = {0};
    if (vx_open(&ctx, &s) < 0)
        return 1;
    VxZoom all[5] = {z[0], z[1], manual, z[2], z[3]};
    VxProject p = {0};
    p.zooms = all, p.n_zooms = 5;
    VxZoomPath *zp = NULL;
    ret = vx_zoom_path_create(ctx, &p, SW, SH, NULL, NULL, &zp);
    CHECK(ret == 0 && zp, "zoom path: %d %s", ret, vx_last_error(ctx));
    if (zp) {
        VxZoomView v;
        vx_zoom_path_view(zp, 2.5, &v);
        /* centred on (420, 320), moved right to stay in the recording: x 0, y 320 - 270 */
        CHECK(fabs(v.w - SW / 2.0) < 1e-6 && fabs(v.x) < 1e-6 && fabs(v.y - 50) < 1e-6,
              "at 2.5 s the view is %g,%g %gx%g, not 2x around (420, 320)", v.x, v.y, v.w,
              v.h);
        vx_zoom_path_view(zp, 10.5, &v);
        CHECK(fabs(v.w - SW / 2.0) < 1e-6 && fabs(v.x - (1200 - SW / 4.0)) < 1e-6 &&
              fabs(v.y - (600 - SH / 4.0)) < 1e-6, "at 10.5 s the view is %g,%g %gx%g, not 2x "
              "around (1200, 600)", v.x, v.y, v.w, v.h);
        vx_zoom_path_view(zp, 40.0, &v); /* near the corner: the view stays in the recording */
        CHECK(fabs(v.w - SW / 2.0) < 1e-6 && fabs(v.x + v.w - SW) < 1e-6 &&
              fabs(v.y + v.h - SH) < 1e-6, "at 40 s the view is %g,%g %gx%g", v.x, v.y, v.w,
              v.h);
        vx_zoom_path_view(zp, 7.0, &v);
        CHECK(v.x == 0 && v.y == 0 && v.w == SW && v.h == SH, "at 7 s (no click) the view is "
              "%g,%g %gx%g, not the whole recording", v.x, v.y, v.w, v.h);
        vx_zoom_path_free(&zp);
    }
    vx_close(&ctx);
    free(z);

    /* off, or no clicks: nothing */
    VxAutoZoomOpts off = o;
    off.on = 0;
    ret = vx_auto_zoom(&off, clicks, nc, NULL, 0, SW, SH, &z, &n);
    CHECK(ret == 0 && n == 0 && !z, "auto_zoom off made %d segments", n);
    ret = vx_auto_zoom(&o, clicks, 0, NULL, 0, SW, SH, &z, &n);
    CHECK(ret == 0 && n == 0 && !z, "no clicks made %d segments", n);
    return failures != 0;
}
