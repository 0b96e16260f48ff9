/* The zoom path (zoom.c): FFmpeg-free. */
#ifndef VX_ZOOM_H
#define VX_ZOOM_H

#include "internal.h"
#include "geom.h"
#include "project.h"

typedef struct VxZoomPath VxZoomPath;
/* Cursor position (recording pixels) at recording time t; *visible = 0 when unknown. */
typedef void (*VxCursorPosFn)(void *opaque, double t, double *x, double *y, int *visible);
/* The zoom path of the project over a sw x sh recording; *out = NULL when nothing zooms.
 * pos (may be NULL without "follow" segments) gives the cursor for "follow": "cursor". */
int vx_zoom_path_create(VxContext *ctx, const VxProject *p, int sw, int sh, VxCursorPosFn pos,
                        void *opaque, VxZoomPath **out);
/* The view at recording time t (the whole recording while nothing zooms). */
void vx_zoom_path_view(const VxZoomPath *zp, double t, VxZoomView *v);
void vx_zoom_path_free(VxZoomPath **zp);

/* A button press of the cursor track: recording time and pointer position (recording px). */
typedef struct VxClick { double t, x, y; } VxClick;
/* "auto_zoom" (docs/project-format.md "Zooms from clicks"): the clicks (increasing t) grouped
 * into "center" zoom segments, sorted by start, none overlapping another or any of the
 * hand-written segments `manual` (sorted, transitions included). *out (malloc'd, NULL when
 * none) receives *n_out segments. A pure function: 0 or VX_ERR(ENOMEM). */
int vx_auto_zoom(const VxAutoZoomOpts *o, const VxClick *clicks, int n_clicks,
                 const VxZoom *manual, int n_manual, int sw, int sh, VxZoom **out,
                 int *n_out);

#endif
