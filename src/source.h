/* A recording opened for decoding (source.c, the media side): demux, decode (hwaccel),
 * normalisation (matrix, range, siting, rotation). */
#ifndef VX_SOURCE_H
#define VX_SOURCE_H

#include <stddef.h>
#include <libavutil/frame.h>

#include "internal.h"
#include "source_info.h"

int vx_source_open(VxContext *ctx, const char *path, VxSource **out);
const VxSourceInfo *vx_source_info(const VxSource *s);
/* Next decoded frame, normalised to the layout VxSourceInfo describes, in the output matrix
 * and range, rotation applied; *t = seconds from the first frame. Returns 0, AVERROR_EOF at the
 * end, or a negative error. The frame is a new reference owned by the caller. */
int vx_source_read(VxSource *s, AVFrame **frame, double *t);
/* Reopens the decoder (before the first read) with `threads` threads (0 = libavcodec's
 * choice) and, per hwaccel ("auto", "none" or a device type name, NULL = "auto"), a hardware
 * device; hardware frames are then downloaded as NV12. Falling back to software is logged
 * (INFO, WARNING for a type asked by name); it fails only when no decoder opens at all.
 * Returns 0 or a negative error; *used gets the device type's name, "" for software. */
int vx_source_setup_decoder(VxSource *s, const char *hwaccel, int threads, char *used,
                            size_t used_len);
/* Seek so that the next frames start at or before t. */
int vx_source_seek(VxSource *s, double t);
/* Sets the matrix/range the frames must be delivered in (defaults: the source's own). */
void vx_source_set_output_color(VxSource *s, int matrix, int range);
void vx_source_close(VxSource **s);

#endif
