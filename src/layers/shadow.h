/* The drop shadows' blurs, for every layer: the screen's (a gaussian, exact or on a coarser
 * grid for a wide one, of a rounded rectangle's coverage) and the camera bubble's (three box
 * blurs; docs/project-format.md specifies each, so the two are kept as they are). FFmpeg-free. */
#ifndef VX_LAYERS_SHADOW_H
#define VX_LAYERS_SHADOW_H

#include "../geom.h"

/* Shadow alpha over the region where it is not zero. */
typedef struct VxShadow {
    float *a;
    int x0, y0, w, h; /* region of the frame covered by a */
} VxShadow;

/* The alpha (opacity included) of the rounded rectangle (sx, sy, rw, rh, corner radius r)
 * blurred with sigma, over an FW x FH frame; the samples of `hidden` (never seen) may be
 * left uninterpolated. sh->a is NULL when nothing shows. 0 or VX_ERR(ENOMEM); free sh->a. */
int vx_shadow_rrect(VxShadow *sh, double sx, double sy, double rw, double rh, double r,
                    double sigma, double opacity, int FW, int FH, VxRect hidden);
/* The alpha at frame pixel (x, y); 0 outside the region. */
double vx_shadow_at(const VxShadow *s, int x, int y);
/* Gaussian blur of a w x h plane in place, as three box blurs of width 2r + 1 (variance
 * 3 * ((2r + 1)^2 - 1) / 12 = sigma^2, r rounded): its cost does not grow with sigma. Zero
 * beyond the edges (pad the plane past the blur's reach, 3r <= 3 sigma + 1). 0 or
 * VX_ERR(ENOMEM). */
/* The one shadow blur every layer uses: a gaussian of sigma samples over a W x H float plane,
 * in place, edge samples repeated beyond it (pad the plane past 3 sigma where the shape must
 * fade to zero). Wide blurs run on a coarser grid (within 0.35 of a code value at full
 * opacity: tests/unit/core/test_shadow.c); the samples
 * inside `skip` (plane coordinates; empty: none), never seen, may be left unblurred. */
int vx_shadow_blur(float *a, int W, int H, double sigma, VxRect skip);

#endif
