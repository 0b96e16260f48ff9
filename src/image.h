/* Still images: loading (source.c, on the media side), declared apart so that the layers
 * that load one build without FFmpeg; and conversion (convert.c). */
#ifndef VX_IMAGE_H
#define VX_IMAGE_H

#include "internal.h"
#include "vexport/convert.h"

/* Decodes a still image to RGBA. */
int vx_image_load(VxContext *ctx, const char *path, VxImage **out);
/* convert.c */
/* vx_convert_rows with the streaming-store choice forced: nt 1 = streaming stores for the
 * RGB -> YUV output, 0 = plain stores, -1 = by frame size (what vx_convert_rows does). */
int vx_convert_rows_nt(const VxImage *src, VxImage *dst, const VxColorSpec *spec, int y0,
                       int y1, int nt);
/* vx_convert with the kernels a context allows (VxContext.cpu_flags), for the library's own
 * conversions: the public calls have no context and use what VEXPORT_CPU allows. */
int vx_convert_cpu(const VxImage *src, VxImage *dst, const VxColorSpec *spec,
                   unsigned cpu_flags);

#endif
