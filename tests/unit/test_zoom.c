/* The cursor-following zoom (src/zoom.c, docs/project-format.md "Following the cursor"),
 * driven by a scripted cursor at 60 fps output times: the view stays exactly still while the
 * cursor moves inside the dead zone; when the cursor leaves it, the view glides after it
 * without overshooting, keeps the cursor in view, moves by no more per frame than the cursor
 * did, and comes to rest exactly once the cursor stops; it never leaves the recording. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "internal.h"
#include "zoom.h"

#include "check.h"

#define SW 1920
#define SH 1080

/* t < 1: small circles around the start (inside the dead zone); 1..2: a straight run to the
 * right; then still. */
static void script(void *opaque, double t, double *x, double *y, int *visible)
{
    (void)opaque;
    const double x0 = 700, y0 = 500;
    if (t < 1)
        *x = x0 + 60 * cos(6 * t), *y = y0 + 40 * sin(6 * t);
    else if (t < 2)
        *x = x0 + 60 * cos(6.0) + 900 * (t - 1), *y = y0 + 40 * sin(6.0);
    else
        *x = x0 + 60 * cos(6.0) + 900, *y = y0 + 40 * sin(6.0);
    *visible = 1;
}

int main(void)
{
    VxContext *ctx = NULL;
    VxSettings s = {0};
    if (vx_open(&ctx, &s) < 0)
        return 1;
    VxZoom z = {0};
    z.mode = VX_ZOOM_FOLLOW;
    z.start = 0, z.end = 6, z.transition = 0;
    z.scale = 2, z.stiffness = 170, z.damping = 26, z.dead_zone = 0.5;
    VxProject p = {0};
    p.zooms = &z, p.n_zooms = 1;
    VxZoomPath *zp = NULL;
    int ret = vx_zoom_path_create(ctx, &p, SW, SH, script, NULL, &zp);
    CHECK(ret == 0 && zp, "create: %d %s", ret, vx_last_error(ctx));
    if (!zp)
        return 1;
    const double w = SW / 2.0, h = SH / 2.0;
    /* where the centre settles: the cursor's last x less half the dead zone (0.5 * w / 2) */
    const double settled = 700 + 60 * cos(6.0) + 900 - 0.5 * w / 2;
    VxZoomView prev = {0}, v;
    double rest_at = -1, max_step = 0, prev_cx = 0;
    int still_breaks = 0, out_of_view = 0, outside = 0, overshoot = 0;
    for (int n = 0; n <= 6 * 60; n++) {
        const double t = n / 60.0;
        vx_zoom_path_view(zp, t, &v);
        double cx, cy;
        int vis;
        script(NULL, t, &cx, &cy, &vis);
        CHECK(fabs(v.w - w) < 1e-9 && fabs(v.h - h) < 1e-9, "t %.3f: view %gx%g, not 2x",
              t, v.w, v.h);
        if (v.x < -1e-9 || v.y < -1e-9 || v.x + v.w > SW + 1e-9 || v.y + v.h > SH + 1e-9)
            outside++;
        if (cx < v.x || cx > v.x + v.w || cy < v.y || cy > v.y + v.h)
            out_of_view++;
        if (n) {
            const double step = hypot(v.x - prev.x, v.y - prev.y);
            if (t < 1 && step != 0)
                still_breaks++;
            /* the cursor runs at 15 px a frame; the spring may not outrun it */
            max_step = step > max_step ? step : max_step;
            /* critically damped: the centre only moves right, and never past where it
             * settles */
            if (v.x + w / 2 < prev_cx - 1e-9 || v.x + w / 2 > settled + 1e-6)
                overshoot++;
            if (t >= 2 && step == 0 && rest_at < 0)
                rest_at = t;
            if (t >= 2 && step != 0)
                rest_at = -1;
        }
        prev = v;
        prev_cx = v.x + w / 2;
    }
    CHECK(still_breaks == 0, "the view moved in %d frames while the cursor stayed in the dead "
          "zone", still_breaks);
    CHECK(outside == 0, "the view left the recording in %d frames", outside);
    CHECK(out_of_view == 0, "the cursor was out of view in %d frames", out_of_view);
    CHECK(max_step <= 15.0 + 1e-6, "the view moved %.2f px in one frame, faster than the "
          "cursor (15 px)", max_step);
    CHECK(overshoot == 0, "the view passed its target in %d frames", overshoot);
    CHECK(rest_at >= 2 && rest_at < 3.5, "the view came to rest at %.2f s (-1: never), the "
          "cursor stopped at 2 s", rest_at);
    printf("follow: max step %.2f px/frame, at rest from %.3f s\n", max_step, rest_at);
    vx_zoom_path_free(&zp);
    vx_close(&ctx);
    return failures != 0;
}
