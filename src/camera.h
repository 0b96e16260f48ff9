/* The camera bubble's source (camera.c, on the media side: decoding, the bubble's pictures
 * and masks) as the camera layer (layers/camera.c) uses it. */
#ifndef VX_CAMERA_H
#define VX_CAMERA_H

#include "internal.h"
#include "dsp/blend.h"
#include "geom.h"
#include "picture.h"
#include "project.h"

typedef struct VxCamera VxCamera;
/* Opens the camera recording and prepares the bubble for a W x H output in `matrix`. */
int vx_camera_open(VxContext *ctx, const VxCameraOpts *o, int W, int H, int matrix,
                   VxCamera **out);
/* The bubble's place in the output (fixed for the export). */
VxRect vx_camera_rect(const VxCamera *c);
/* Moves to the camera picture shown at recording time t (outputs of the layout given): 1 when
 * it is not the one the last draw showed, 0 when it is, or a negative error. */
int vx_camera_advance(VxCamera *c, double t, int layout);
/* The bubble's picture shown at recording time t, laid out for outputs of `layout`: its luma
 * (stride ys) and chroma planes (stride cs, samples 2 apart for NV12), in the bubble box. */
typedef struct VxCameraPic {
    const uint8_t *y, *u, *v;
    ptrdiff_t ys, cs;
} VxCameraPic;
int vx_camera_picture(VxCamera *c, double t, int layout, VxCameraPic *pic);
/* The masks the bubble is drawn through (fixed for the export): its edge (out_*, m = 255 -
 * coverage) and its shadow (sh_*, blended with the constant rows sh_row_*). */
typedef struct VxCameraShape {
    const VxMask *out_y, *out_c, *sh_y, *sh_c;
    const uint8_t *sh_row_y, *sh_row_c;
    int has_shadow;
    int W, H;
    const VxBlendDSP *bdsp;
} VxCameraShape;
const VxCameraShape *vx_camera_shape(const VxCamera *c);
/* The bubble's box and its outer corner radius (output pixels): x, y, w, h, r. */
void vx_camera_bubble(const VxCamera *c, double box[5]);
/* A scenes transition (opened with keep_frames): the camera frame shown at recording time t
 * drawn over dst as a rounded rectangle box = x, y, w, h (each rounded to even, kept in the
 * output), corner radius r: the largest centred crop of the camera with the box's aspect,
 * mirrored like the bubble, no border and no shadow. *drawn: the box (empty when it is under
 * 2 pixels a side). On the compositor's thread. 0 or an error. */
int vx_camera_draw_box(VxCamera *c, double t, const double box[5], VxPicture *dst,
                       VxRect *drawn);
/* Draws the camera frame shown at recording time t into dst (NV12/I420): layers/camera.c. */
int vx_camera_draw(VxCamera *c, double t, VxPicture *dst);
void vx_camera_free(VxCamera **c);

#endif
