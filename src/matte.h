/* Difference matting (matte.c, core, FFmpeg-free): the alpha and the colour of a frame
 * composed twice, over black and over white, as the transparent export writes them
 * (background "transparent": ProRes 4444 with alpha, docs/project-format.md#formats). */
#ifndef VX_MATTE_H
#define VX_MATTE_H

#include <stddef.h>
#include <stdint.h>

#include "picture.h"

/* Reciprocal tables (built by vx_matte_init, read-only after: one may serve many threads). */
typedef struct VxMatte {
    float rcp_y[220], rcp_c[877];
    uint16_t alpha10[220];
} VxMatte;
void vx_matte_init(VxMatte *m);

/* black and white: the same output composed over a background of Y'CbCr (16, 128, 128) and
 * (235, 128, 128), 8-bit 4:2:0 limited range (NV12 or planar), of equal size. Writes rows
 * [y0, y1) of 10-bit 4:4:4 planes y, u, v and a (alpha 0..1023), strides in samples:
 * alpha = 1 - (Y_white - Y_black) / 219 per luma sample, the colour un-premultiplied from
 * the black composite (chroma with the mean alpha of its 2 x 2 block, repeated over it),
 * neutral where alpha is 0. */
void vx_matte_rows(const VxMatte *m, const VxPicture *black, const VxPicture *white,
                   uint16_t *const dst[4], const ptrdiff_t stride[4], int y0, int y1);

#endif
