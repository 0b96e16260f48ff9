/* The scene: what the output shows at each output time (docs/architecture.md, Data flow:
 * output frame n -> recording time, zoom, cursor, camera). It owns the timeline, the zoom
 * path and the cursor, so the export and the single-frame render agree exactly; the layers
 * draw. */
#include <stdlib.h>
#include <string.h>

#include "cursor.h"
#include "scene.h"
#include "source_info.h"
#include "timeline.h"
#include "zoom.h"

struct VxScene {
    VxTimeline tl;
    VxZoomPath *zoom;
    int sw, sh;
    VxCursor *cursor;
    VxZoom *zooms;       /* the project's segments and auto_zoom's, when auto_zoom made any */
};

/* The track's button presses, each where the pointer last moved to (the raw track). */
static int track_clicks(const VxCursorTrack *tr, VxClick **out, int *n_out)
{
    *out = NULL, *n_out = 0;
    if (!tr->n_buttons || !tr->n_moves)
        return 0;
    VxClick *c = malloc(sizeof(*c) * (size_t)tr->n_buttons);
    if (!c)
        return VX_ERR(ENOMEM);
    int n = 0, m = 0;
    for (int i = 0; i < tr->n_buttons; i++) {
        if (!tr->buttons[i].down)
            continue;
        const double t = tr->buttons[i].t;
        while (m + 1 < tr->n_moves && tr->moves[m + 1].t <= t)
            m++;
        c[n++] = (VxClick){t, tr->moves[m].x, tr->moves[m].y};
    }
    *out = c, *n_out = n;
    return 0;
}

/* auto_zoom: the segments made from the clicks, merged with the project's into sc->zooms;
 * *q is the project with those segments (q->zooms stays p's when none were made). */
static int auto_zoom(VxContext *ctx, VxScene *sc, const VxProject *p, VxProject *q)
{
    *q = *p;
    if (!p->auto_zoom.on || !sc->cursor)
        return 0;
    VxClick *clicks = NULL;
    VxZoom *az = NULL;
    int nc = 0, na = 0;
    int ret = track_clicks(sc->cursor->tr, &clicks, &nc);
    if (ret >= 0)
        ret = vx_auto_zoom(&p->auto_zoom, clicks, nc, p->zooms, p->n_zooms, sc->sw, sc->sh,
                           &az, &na);
    free(clicks);
    if (ret < 0 || !na) {
        if (ret >= 0)
            vx_log(ctx, VX_LOG_VERBOSE, "auto_zoom: %d clicks, no segment made", nc);
        return ret;
    }
    const int n = p->n_zooms + na;
    if (!(sc->zooms = malloc(sizeof(*sc->zooms) * (size_t)n))) {
        free(az);
        return VX_ERR(ENOMEM);
    }
    for (int i = 0, j = 0, k = 0; k < n; k++) /* both sorted by start: merge */
        sc->zooms[k] = j >= na || (i < p->n_zooms && p->zooms[i].start < az[j].start)
                           ? p->zooms[i++] : az[j++];
    vx_log(ctx, VX_LOG_VERBOSE, "auto_zoom: %d click%s -> %d segment%s", nc, nc == 1 ? "" : "s", na,
           na == 1 ? "" : "s");
    static const char *const eases[] = {"ease-in-out", "spring", "linear"};
    for (int j = 0; j < na; j++) /* in the project's zoom syntax (--project-out reads it) */
        vx_log(ctx, VX_LOG_VERBOSE, "auto_zoom: {\"start\": %.3f, \"end\": %.3f, \"center\": "
               "[%.1f, %.1f], \"scale\": %g, \"transition\": %g, \"ease\": \"%s\", "
               "\"stiffness\": %g, \"damping\": %g}", az[j].start, az[j].end, az[j].cx,
               az[j].cy, az[j].scale, az[j].transition, eases[az[j].ease], az[j].stiffness,
               az[j].damping);
    free(az);
    q->zooms = sc->zooms, q->n_zooms = n;
    return 0;
}

static void cursor_pos(void *opaque, double t, double *x, double *y, int *visible)
{
    vx_cursor_pos(opaque, t, x, y, visible);
}

int vx_scene_open(VxContext *ctx, const VxProject *p, const VxSourceInfo *si, VxScene **out)
{
    *out = NULL;
    VxScene *sc = calloc(1, sizeof(*sc));
    if (!sc)
        return VX_ERR(ENOMEM);
    sc->sw = si->width, sc->sh = si->height;
    int ret = vx_timeline_init(ctx, p, si, &sc->tl);
    if (ret >= 0 && p->cursor.track)
        ret = vx_cursor_open(ctx, &p->cursor, si->width, si->height, &sc->cursor);
    VxProject q;
    if (ret >= 0)
        ret = auto_zoom(ctx, sc, p, &q);
    if (ret >= 0)
        ret = vx_zoom_path_create(ctx, &q, si->width, si->height,
                                  sc->cursor ? cursor_pos : NULL, sc->cursor, &sc->zoom);
    if (ret < 0) {
        vx_scene_close(&sc);
        return ret;
    }
    *out = sc;
    return 0;
}

const VxTimeline *vx_scene_timeline(const VxScene *sc)
{
    return &sc->tl;
}

static void view_at(const VxScene *sc, double t_rec, VxZoomView *view)
{
    if (sc->zoom)
        vx_zoom_path_view(sc->zoom, t_rec, view);
    else
        *view = (VxZoomView){0, 0, sc->sw, sc->sh};
}

void vx_scene_at(const VxScene *sc, double t, double *t_rec, VxZoomView *view)
{
    *t_rec = vx_timeline_src_time(&sc->tl, t, NULL);
    view_at(sc, *t_rec, view);
}

void vx_scene_at_range(const VxScene *sc, int seg, double t, double *t_rec, VxZoomView *view)
{
    *t_rec = vx_timeline_range_time(&sc->tl, seg, t);
    view_at(sc, *t_rec, view);
}

void vx_scene_view_at(const VxScene *sc, double t_rec, VxZoomView *view)
{
    view_at(sc, t_rec, view);
}

double vx_scene_frame_interval(const VxScene *sc)
{
    return (double)sc->tl.fps.den / sc->tl.fps.num;
}

VxCursor *vx_scene_cursor(const VxScene *sc)
{
    return sc ? sc->cursor : NULL;
}

void vx_scene_close(VxScene **psc)
{
    if (!psc || !*psc)
        return;
    VxScene *sc = *psc;
    vx_zoom_path_free(&sc->zoom);
    free(sc->zooms);
    vx_cursor_free(&sc->cursor);
    vx_timeline_free(&sc->tl);
    free(sc);
    *psc = NULL;
}
