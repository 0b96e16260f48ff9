/* Geometry and colour shared by the compositor and the layers: rectangles, views, the
 * rounded-rectangle coverage, 8-bit coverage masks and their blending, the Y'CbCr matrices.
 * FFmpeg-free (geom.c). */
#ifndef VX_GEOM_H
#define VX_GEOM_H

#include <stddef.h>
#include <stdint.h>

#include "dsp/blend.h"

/* Maps recording pixels to output pixels: out = ox + (src - sx0) * scale; drawing is clipped
 * to [clip_x0, clip_x1) x [clip_y0, clip_y1) (the screen rectangle). */
typedef struct VxView {
    double sx0, sy0, scale;
    double ox, oy;
    int clip_x0, clip_y0, clip_x1, clip_y1;
} VxView;
/* A rectangle of output pixels [x0, x1) x [y0, y1); empty when x0 >= x1. */
typedef struct VxRect { int x0, y0, x1, y1; } VxRect;
/* The part of the recording shown in the screen rectangle (source pixels, fractional). */
typedef struct VxZoomView { double x, y, w, h; } VxZoomView;

static inline int vx_rect_empty(VxRect r) { return r.x0 >= r.x1 || r.y0 >= r.y1; }
/* Whether r lies inside q (q not empty). */
static inline int vx_rect_contains(VxRect q, VxRect r)
{
    return !vx_rect_empty(q) && q.x0 <= r.x0 && q.y0 <= r.y0 && q.x1 >= r.x1 && q.y1 >= r.y1;
}
/* Widens *r to cover [x0, x1) x [y0, y1) (nothing for an empty one). */
void vx_rect_union(VxRect *r, int x0, int y0, int x1, int y1);
/* r within [0, W) x [0, H); empty ({0}) when nothing is left. */
VxRect vx_rect_clip(VxRect r, int W, int H);

/* Coverage of the sample centred at (px, py) by the rounded rectangle (x, y, w, h, corner
 * radius r): clamp(0.5 - d, 0, 1), d the signed distance to its edge (negative inside). A
 * circle is the rounded square with r = w / 2. The screen's corners and the camera bubble. */
double vx_rrect_coverage(double px, double py, double x, double y, double w, double h, double r);
/* v rounded to the nearest integer and clamped to 0..255. */
uint8_t vx_q8(double v);
/* The "ease-in-out" of zooms and scene transitions for progress a (clamped to [0, 1]):
 * cubic, zero speed at both ends, 4a^3 below 1/2, else 1 - (2 - 2a)^3 / 2. */
double vx_ease_in_out(double a);

/* ---- colour ---- */
void vx_matrix_coefs(int matrix, double *kr, double *kb);
/* Limited-range Y'CbCr of matrix `from` re-expressed in matrix `to`, through unclipped R'G'B':
 * affine in (Y' - 16, Cb - 128, Cr - 128), so one 3x3 matrix, worked out in double and given
 * with 16-bit fractions: out_i = (16 or 128) + sum_k c[i][k] * in_k / 65536. */
void vx_matrix_q16(int from, int to, int32_t c[3][3]);
/* "#rrggbb" (exactly) into rgb[0..2], 0..255: 0, or -1 for anything else. */
int vx_hex_rgb(const char *s, int rgb[3]);
/* The limited-range Y'CbCr of an 8-bit R'G'B' colour in `matrix`: round(16 + 219 Y'),
 * round(128 + 224 (B' - Y') / (2 (1 - Kb))), round(128 + 224 (R' - Y') / (2 (1 - Kr))). */
void vx_rgb_ycbcr(int matrix, const int rgb[3], uint8_t ycc[3]);
/* The output's matrix for its height: BT.709 from 720 lines, else BT.601. */
int vx_output_matrix(int height);

/* ---- 8-bit coverage masks (the camera bubble's edges and shadow) ---- */
/* One mask row: blend [lo, ilo) and [ihi, hi); [ilo, ihi) is fully covered (copied, or
 * skipped where something opaque covers it). */
typedef struct VxMaskRow {
    int lo, ilo, ihi, hi;
} VxMaskRow;
/* Values as the blend kernel's m (the share of the destination kept), w x h, placed at
 * (ox, oy) in its plane. */
typedef struct VxMask {
    uint8_t *m;
    VxMaskRow *rows;
    int w, h, ox, oy;
} VxMask;
/* One plane of samples `step` bytes apart. */
typedef struct VxPlane {
    uint8_t *p;
    ptrdiff_t stride;
    int step, w, h;
} VxPlane;
int vx_mask_alloc(VxMask *mk, int w, int h, int ox, int oy);
void vx_mask_free(VxMask *mk);
/* Sets the row's spans from its active (m != 255) and hole (m == 0) flags. */
void vx_mask_set_row(VxMaskRow *r, const uint8_t *act, const uint8_t *hole, int w);
/* Blends under (mask-local, ustride 0 for a constant row) into dst through mk, rows [j0, j1)
 * of the plane only, clipped to the plane; the fully covered span is copied from under
 * (copy = 1) or left alone. For NV12 chroma the copy of the u pass moves both channels
 * (copy = 1 on u, 0 on v). */
void vx_mask_blend(const VxBlendDSP *d, const VxMask *mk, const VxPlane *dst,
                   const uint8_t *under, ptrdiff_t ustride, int copy, int j0, int j1);
/* Rows of a box picture src over dst through the rounded rectangle (0, 0, W, H, r) of the
 * box, in box luma pixels: n samples a row (`step` bytes apart, 2: NV12 chroma pairs), `rows`
 * rows, f = 1 luma or 2 chroma per box pixel, row j at box y = f j + oy. Coverage is
 * clamp(0.5 - distance): inside copied, outside left alone, the edge blended. cov: n bytes
 * of scratch. The camera's moving box and the screen sliding into a "split" cell. */
void vx_rrect_cover_plane(const VxBlendDSP *bd, uint8_t *dst, ptrdiff_t ds, const uint8_t *src,
                          ptrdiff_t ss, int n, int rows, int step, int f, double oy, double W,
                          double H, double r, uint8_t *cov);

#endif
