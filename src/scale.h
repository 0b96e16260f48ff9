/* Plane scaler: drives the separable kernels of dsp/scale.h over a whole plane, keeping the
 * horizontally filtered rows in a small ring so each source row is filtered once. */
#ifndef VX_SCALE_H
#define VX_SCALE_H

#include <stddef.h>
#include <stdint.h>

#include "dsp/scale.h"

typedef struct VxPlaneScaler {
    VxScaleFilter h, v;
    int src_w, src_h;
    const VxScaleDSP *dsp;
    int16_t *ring;        /* ring_rows rows of h.n_out values */
    int *ring_tag;        /* source row held by each ring slot, -1 if none */
    int ring_rows;
    const int16_t **rows; /* v.taps row pointers */
} VxPlaneScaler;

/* dst (dst_w x dst_h) sample i reads source position rx * i + ox (x) and ry * j + oy (y). */
int vx_plane_scaler_init(VxPlaneScaler *s, const VxScaleDSP *dsp, int src_w, int src_h,
                         int dst_w, int dst_h, double rx, double ox, double ry, double oy);
/* Scales the whole plane; steps are the distances between samples (2 for NV12 chroma). */
void vx_plane_scale(VxPlaneScaler *s, const uint8_t *src, ptrdiff_t src_stride, int src_step,
                    uint8_t *dst, ptrdiff_t dst_stride, int dst_step);
void vx_plane_scaler_free(VxPlaneScaler *s);

#endif
