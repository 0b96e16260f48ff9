/* The scene: what the output shows at each output time (docs/architecture.md, Data flow:
 * output frame n -> recording time, zoom, cursor, camera). It owns the timeline, the zoom
 * path and the overlays, so the export and the single-frame render agree exactly. */
#include <stdlib.h>

#include "internal.h"

struct VxScene {
    VxTimeline tl;
    VxZoomPath *zoom;
    VxOverlay ov[VX_MAX_OVERLAYS];
    int n_ov;
    int sw, sh;
    VxCursor *cursor;
    VxCamera *camera;
    int matrix;
};

static void cursor_pos(void *opaque, double t, double *x, double *y, int *visible)
{
    vx_cursor_pos(opaque, t, x, y, visible);
}

static int cursor_draw(void *opaque, double t, const VxView *v, AVFrame *dst, VxRect *drawn)
{
    const VxScene *sc = opaque;
    return vx_cursor_draw(sc->cursor, t, v, sc->matrix, dst, drawn);
}

/* The bubble sits in output pixels: the view does not move it; what it touches is fixed. */
static int camera_draw(void *opaque, double t, const VxView *v, AVFrame *dst, VxRect *drawn)
{
    (void)v;
    *drawn = vx_camera_rect(opaque);
    return vx_camera_draw(opaque, t, dst);
}

int vx_scene_open(VxContext *ctx, const VxProject *p, const VxSourceInfo *si,
                  const VxLayout *l, VxScene **out)
{
    *out = NULL;
    VxScene *sc = calloc(1, sizeof(*sc));
    if (!sc)
        return VX_ERR(ENOMEM);
    sc->sw = si->width, sc->sh = si->height;
    sc->matrix = l->matrix;
    int ret = vx_timeline_init(ctx, p, si, &sc->tl);
    if (ret >= 0 && p->cursor.track)
        ret = vx_cursor_open(ctx, &p->cursor, si->width, si->height, &sc->cursor);
    if (ret >= 0)
        ret = vx_zoom_path_create(ctx, p, si->width, si->height,
                                  sc->cursor ? cursor_pos : NULL, sc->cursor, &sc->zoom);
    if (ret >= 0 && sc->cursor && p->cursor.draw) /* clipped to the screen: nothing outside */
        sc->ov[sc->n_ov++] = (VxOverlay){cursor_draw, sc, {0, 0, 0, 0}};
    /* the camera last: its bubble is above the screen and the cursor */
    if (ret >= 0 && p->camera.path &&
        (ret = vx_camera_open(ctx, &p->camera, l->W, l->H, l->matrix, &sc->camera)) >= 0)
        sc->ov[sc->n_ov++] =
            (VxOverlay){camera_draw, sc->camera, vx_camera_rect(sc->camera)};
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

void vx_scene_at(const VxScene *sc, double t, double *t_rec, VxZoomView *view)
{
    *t_rec = vx_timeline_src_time(&sc->tl, t, NULL);
    if (sc->zoom)
        vx_zoom_path_view(sc->zoom, *t_rec, view);
    else
        *view = (VxZoomView){0, 0, sc->sw, sc->sh};
}

int vx_scene_overlays(const VxScene *sc, const VxOverlay **ov)
{
    *ov = sc->ov;
    return sc->n_ov;
}

void vx_scene_close(VxScene **psc)
{
    if (!psc || !*psc)
        return;
    VxScene *sc = *psc;
    vx_zoom_path_free(&sc->zoom);
    vx_cursor_free(&sc->cursor);
    vx_camera_free(&sc->camera);
    vx_timeline_free(&sc->tl);
    free(sc);
    *psc = NULL;
}
