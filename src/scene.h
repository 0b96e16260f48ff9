/* The scene (scene.c): what the output shows at each output time: the timeline, the zoom
 * path and the cursor, so the export and the single-frame render agree exactly. */
#ifndef VX_SCENE_H
#define VX_SCENE_H

#include "internal.h"
#include "geom.h"
#include "project.h"

typedef struct VxScene VxScene;
struct VxSourceInfo;
struct VxTimeline;
struct VxCursor;

/* Timeline, zoom path and cursor of the project for this recording. */
int vx_scene_open(VxContext *ctx, const VxProject *p, const struct VxSourceInfo *si,
                  VxScene **out);
const struct VxTimeline *vx_scene_timeline(const VxScene *sc);
/* At output time t: the recording time shown and the view of the recording. */
void vx_scene_at(const VxScene *sc, double t, double *t_rec, VxZoomView *view);
/* The same for range seg of the timeline (a cross-fade shows two at once). */
void vx_scene_at_range(const VxScene *sc, int seg, double t, double *t_rec, VxZoomView *view);
/* The view at recording time t_rec. */
void vx_scene_view_at(const VxScene *sc, double t_rec, VxZoomView *view);
/* The output's frame interval, seconds. */
double vx_scene_frame_interval(const VxScene *sc);
/* The cursor (track, smoothing), NULL without a track. */
struct VxCursor *vx_scene_cursor(const VxScene *sc);
void vx_scene_close(VxScene **sc);

#endif
