/* The scene: what the output shows at each output time (docs/architecture.md, Data flow:
 * output frame n -> recording time, zoom, cursor, camera). It owns the timeline, the zoom
 * path and the cursor, so the export and the single-frame render agree exactly; the layers
 * draw. */
#include <stdlib.h>

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
};

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
    if (ret >= 0)
        ret = vx_zoom_path_create(ctx, p, si->width, si->height,
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
    vx_cursor_free(&sc->cursor);
    vx_timeline_free(&sc->tl);
    free(sc);
    *psc = NULL;
}
