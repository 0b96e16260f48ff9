/* The compositor: the loop over the stack of layers (layer.h) that draws each output, in the
 * encoder's layout (NV12 or I420), into pooled pictures. FFmpeg-free. */
#ifndef VX_COMPOSE_H
#define VX_COMPOSE_H

#include "layer.h"

typedef struct VxCompose VxCompose;

/* A compositor for the project's layers (vx_layers) in output geometry l; layout is
 * VX_LAYOUT_NV12 or VX_LAYOUT_PLANAR (I420). scene may be NULL (no cursor, no zoom). */
int vx_compose_create(VxContext *ctx, const VxProject *p, const VxScene *scene,
                      const VxLayout *l, int layout, VxCompose **out);
/* The same with another stack (n classes, bottom first): tests and benchmarks. */
int vx_compose_create_stack(VxContext *ctx, const VxProject *p, const VxScene *scene,
                            const VxLayout *l, int layout, const VxLayerClass *const *stack,
                            int n, VxCompose **out);
/* The output for output time t from src, the recording's picture at the time the scene shows
 * then: the zoom view and recording time come from the scene. *out gets a reference. */
int vx_compose_frame(VxCompose *c, double t, const VxPicture *src, VxPicture *out);
/* The same with the view (NULL = the whole recording) and the recording time given. */
int vx_compose_next(VxCompose *c, const VxPicture *src, const VxZoomView *view, double t_rec,
                    double t, VxPicture *out);
/* *out = a + (b - a) * w, sample by sample (a cross-fade; docs/project-format.md, "Transitions
 * at cuts"), two of this compositor's outputs, into a new picture. */
int vx_compose_mix(VxCompose *c, const VxPicture *a, const VxPicture *b, double w,
                   VxPicture *out);
/* Draws in slices of rows on n threads (the caller's included; at most 16); 0 or a negative
 * error. */
int vx_compose_set_threads(VxCompose *c, int n);
/* The threads it draws on (1 unless vx_compose_set_threads gave more and it uses them). */
int vx_compose_threads(const VxCompose *c);
/* Frames composed, of which reused whole, and the shares of rectangle rows rescaled and of
 * rows copied (in part) from the previous output. */
void vx_compose_stats(const VxCompose *c, int64_t *frames, int64_t *reused, double *rows_scaled,
                      double *rows_copied);
void vx_compose_free(VxCompose **c);

#endif
