/* Still images (source.c, on the media side), declared apart so that the layers that load one
 * build without FFmpeg. */
#ifndef VX_IMAGE_H
#define VX_IMAGE_H

#include "context.h"
#include "vexport/convert.h"

/* Decodes a still image to RGBA. */
int vx_image_load(VxContext *ctx, const char *path, VxImage **out);

#endif
