/* The scene (src/scene.c): at output time t, the recording time shown and the view of the
 * recording, through the timeline's cuts and speeds and the zoom segments (which are placed
 * in recording time, so a cut moves them in the output). */
#include <math.h>
#include <string.h>

#include "internal.h"
#include "layer.h"
#include "scene.h"
#include "source.h"

#include "check.h"
#include "unit.h"

#define SW 1280
#define SH 720

static int same(const VxZoomView *v, double x, double y, double w, double h)
{
    return fabs(v->x - x) < 1e-6 && fabs(v->y - y) < 1e-6 && fabs(v->w - w) < 1e-6 &&
           fabs(v->h - h) < 1e-6;
}

/* The scenes layouts' rectangles (compose.c, vx_scene_layout), worked out by hand from
 * docs/project-format.md, "Scenes": a 320x200 screen, padding 0.05, radius 12. */
static void test_layouts(VxContext *ctx)
{
    VxProject p;
    memset(&p, 0, sizeof(p));
    p.padding = 0.05, p.radius = 12;
    p.camera = (VxCameraOpts){.path = "cam.mp4", .shape = VX_SHAPE_CIRCLE, .size = 0.22,
                              .border = 3, .shadow = 1, .mirror = 1};
    for (int portrait = 0; portrait < 2; portrait++) {
        p.width = portrait ? 360 : 640, p.height = portrait ? 640 : 360;
        VxLayout d, l;
        VxCameraOpts cam;
        CHECK(vx_layout_compute(ctx, &p, 320, 200, &d) == 0, "layout: %s", vx_last_error(ctx));
        for (int k = 0; k < VX_SCENE_LAYOUTS; k++) {
            CHECK(vx_scene_layout(ctx, &p, &d, k, &l, &cam) == 0, "layout %d: %s", k,
                  vx_last_error(ctx));
            if (k != VX_SCENE_SPLIT)
                CHECK(l.x == d.x && l.y == d.y && l.rw == d.rw && l.rh == d.rh,
                      "layout %d moved the screen", k);
        }
        vx_scene_layout(ctx, &p, &d, VX_SCENE_DEFAULT, &l, &cam);
        CHECK(!cam.box && cam.path && cam.shape == VX_SHAPE_CIRCLE, "default: the bubble");
        vx_scene_layout(ctx, &p, &d, VX_SCENE_SCREEN, &l, &cam);
        CHECK(!cam.path, "screen: a camera");
        vx_scene_layout(ctx, &p, &d, VX_SCENE_CAMERA, &l, &cam);
        CHECK(cam.box && cam.bx == 0 && cam.by == 0 && cam.bw == p.width &&
              cam.bh == p.height && cam.shape == VX_SHAPE_SQUARE && !cam.border &&
              !cam.shadow && cam.mirror, "camera: box %d,%d %dx%d shape %d", cam.bx, cam.by,
              cam.bw, cam.bh, cam.shape);
        vx_scene_layout(ctx, &p, &d, VX_SCENE_SPLIT, &l, &cam);
        /* m = 18; landscape: cells 292x324 at x 18 and 330; the screen 292x183 (s = 0.9125)
         * centred: y = 18 + 2 round(141 / 4) = 88. Portrait: cells 324x292 at y 18 and 330;
         * the screen 324x203 (s = 1.0125): y = 18 + 2 round(89 / 4) = 62 */
        const int want[2][8] = {{18, 88, 292, 183, 330, 18, 292, 324},
                                {18, 62, 324, 203, 18, 330, 324, 292}};
        const int *w = want[portrait];
        CHECK(l.x == w[0] && l.y == w[1] && l.rw == w[2] && l.rh == w[3],
              "split %s: screen %d,%d %dx%d", portrait ? "portrait" : "landscape", l.x, l.y,
              l.rw, l.rh);
        CHECK(cam.box && cam.bx == w[4] && cam.by == w[5] && cam.bw == w[6] && cam.bh == w[7] &&
              cam.shape == VX_SHAPE_ROUNDED && fabs(cam.radius - 12.0 / 292) < 1e-12 &&
              cam.border == 3 && cam.shadow, "split %s: camera %d,%d %dx%d r %g",
              portrait ? "portrait" : "landscape", cam.bx, cam.by, cam.bw, cam.bh, cam.radius);
    }
    /* cells under 2 pixels: refused, naming the key */
    p.width = 40, p.height = 36, p.padding = 0.45; /* m = 16: cells (40 - 48) / 2 wide */
    VxLayout d, l;
    VxCameraOpts cam;
    vx_layout_compute(ctx, &p, 320, 200, &d);
    CHECK(vx_scene_layout(ctx, &p, &d, VX_SCENE_SPLIT, &l, &cam) < 0 &&
          strstr(vx_last_error(ctx), "scenes"), "tiny split cells accepted");
}

int main(void)
{
    VxContext *ctx = unit_context();
    VxProject p;
    memset(&p, 0, sizeof(p));
    p.screen = "rec.mp4";
    VxSourceInfo si;
    memset(&si, 0, sizeof(si));
    si.width = SW, si.height = SH, si.duration = 10, si.fps.num = 30, si.fps.den = 1;

    /* two zooms in recording time: a rectangle 2..3 s (0.5 s transitions), a 2x centre
     * 6..7 s (no transition); the timeline cuts 1..5 s out and plays 5..9 s at 2x */
    VxZoom z[2];
    memset(z, 0, sizeof(z));
    z[0].mode = VX_ZOOM_RECT, z[0].start = 2, z[0].end = 3, z[0].transition = 0.5;
    z[0].x = 100, z[0].y = 50, z[0].w = 320, z[0].h = 90; /* wider than 16:9: grows in h */
    z[0].ease = VX_EASE_LINEAR;
    z[1].mode = VX_ZOOM_CENTER, z[1].start = 6, z[1].end = 7, z[1].scale = 2;
    z[1].cx = 1200, z[1].cy = 700; /* near the corner: the view is pushed back inside */
    p.zooms = z, p.n_zooms = 2;
    VxScene *sc = NULL;
    CHECK(vx_scene_open(ctx, &p, &si, &sc) == 0, "scene refused: %s", vx_last_error(ctx));
    if (!sc)
        return 1;
    double rec;
    VxZoomView v;
    /* no zoom: the whole recording */
    vx_scene_at(sc, 0.5, &rec, &v);
    CHECK(fabs(rec - 0.5) < 1e-9 && same(&v, 0, 0, SW, SH), "0.5 s: rec %g, view %g,%g %gx%g",
          rec, v.x, v.y, v.w, v.h);
    /* fully in: the rectangle grown to 16:9 around its centre (260, 95): 320x180 -> y 5 */
    vx_scene_at(sc, 2.5, &rec, &v);
    CHECK(same(&v, 100, 5, 320, 180), "2.5 s: view %g,%g %gx%g, expected 100,5 320x180",
          v.x, v.y, v.w, v.h);
    /* half-way through the linear transition in: half-way between whole and rectangle */
    vx_scene_at(sc, 1.75, &rec, &v);
    CHECK(same(&v, 50, 2.5, (SW + 320) / 2.0, (SH + 180) / 2.0), "1.75 s: view %g,%g %gx%g",
          v.x, v.y, v.w, v.h);
    /* 2x centred at (1200, 700): 640x360, pushed inside: 640,360 */
    vx_scene_at(sc, 6.5, &rec, &v);
    CHECK(same(&v, 640, 360, 640, 360), "6.5 s: view %g,%g %gx%g, expected 640,360 640x360",
          v.x, v.y, v.w, v.h);
    vx_scene_close(&sc);
    CHECK(!sc, "scene not cleared on close");

    /* with the timeline: output 0..1 s = recording 0..1 s; output 1..3 s = recording 5..9 s
     * at 2x: the rectangle zoom (2..3 s) is cut out, the centre zoom is at output 1.5..2 s */
    VxSegment segs[2] = {{0, 1, 1, VX_SEG_AUDIO_AUTO, VX_TRANS_CUT, 0}, {5, 9, 2, VX_SEG_AUDIO_AUTO, VX_TRANS_CUT, 0}};
    p.segs = segs, p.n_segs = 2;
    CHECK(vx_scene_open(ctx, &p, &si, &sc) == 0, "scene with cuts refused: %s",
          vx_last_error(ctx));
    if (!sc)
        return 1;
    const VxTimeline *tl = vx_scene_timeline(sc);
    CHECK(tl->frames == 90, "%lld frames, expected 90 (3 s at 30 fps)", (long long)tl->frames);
    for (int64_t n = 0; n < tl->frames; n++) {
        const double t = vx_timeline_time(tl, n);
        vx_scene_at(sc, t, &rec, &v);
        const double want = t < 1 ? t : 5 + (t - 1) * 2;
        CHECK(fabs(rec - want) < 1e-9, "frame %lld: recording %g s, expected %g s",
              (long long)n, rec, want);
        const int zoomed = rec >= 6 && rec <= 7;
        CHECK(zoomed ? same(&v, 640, 360, 640, 360) : same(&v, 0, 0, SW, SH),
              "frame %lld (recording %g s): view %g,%g %gx%g", (long long)n, rec, v.x, v.y,
              v.w, v.h);
    }
    vx_scene_close(&sc);
    test_layouts(ctx);
    vx_close(&ctx);
    return failures != 0;
}
