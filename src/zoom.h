/* The zoom path (zoom.c): FFmpeg-free. */
#ifndef VX_ZOOM_H
#define VX_ZOOM_H

#include "context.h"
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

#endif
