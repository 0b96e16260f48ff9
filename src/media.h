/* Opening containers: the one place that calls avformat_open_input and
 * avformat_alloc_output_context2 (source, camera source, image, audio, probe, remux, mux), so
 * that options given to the demuxers and muxers, and the messages naming the file when one
 * cannot be opened, are the same everywhere. */
#ifndef VX_MEDIA_H
#define VX_MEDIA_H

#include <libavformat/avformat.h>

#include "internal.h"

/* A demuxer context for avformat_open_input, with the running job's cancel token as its
 * interrupt callback (what every container opened here gets): 0 or VX_ERR(ENOMEM). */
int vx_media_alloc_input(AVFormatContext **fmt);
/* Opens path for reading into *fmt. On failure *fmt stays NULL and the error is reported
 * naming the file: not found, empty, an unfinished MP4 (no index), not `what` ("a video
 * file", "an audio file", "an image", ...) vexport can read, or the system's reason. */
int vx_media_open_input(VxContext *ctx, const char *path, const char *what,
                        AVFormatContext **fmt);
/* Opens the file `path` for writing in the container `muxer` (a libavformat short name), or
 * when NULL the one that `name`'s extension implies (MP4 when it implies none), into *oc;
 * errors name `name` (the file the user asked for, where path may be a temporary beside it). */
int vx_media_open_output(VxContext *ctx, const char *name, const char *muxer,
                         const char *path, AVFormatContext **oc);
/* Closes what vx_media_open_output opened (the file, then the context); *oc = NULL. */
void vx_media_close_output(AVFormatContext **oc);

#endif
