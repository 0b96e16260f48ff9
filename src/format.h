/* The output's container and codec (format.c): from output.format / output.codec in the
 * project, else from the output file's name. FFmpeg-free (core). */
#ifndef VX_FORMAT_H
#define VX_FORMAT_H

#include <stddef.h>

#include "project.h"

typedef struct VxOutputFormat {
    int format;         /* VX_FMT_* (never AUTO) */
    int codec;          /* VX_CODEC_* (never AUTO) */
    const char *muxer;  /* libavformat short name; NULL = guessed from the file's name */
    int audio;          /* 1 when the container carries the project's audio */
    int opus;           /* audio coded as Opus (WebM), else AAC */
    int alpha;          /* background "transparent": ProRes 4444 with its alpha channel */
} VxOutputFormat;

/* Names as written in the project ("mp4", "h264"), NULL for an unknown value. */
const char *vx_format_name(int format);
const char *vx_codec_name(int codec);
/* The value for a name, -1 when unknown. */
int vx_format_from_name(const char *name);
int vx_codec_from_name(const char *name);
/* The format a file name's extension stands for (case-insensitive), VX_FMT_AUTO for another
 * extension (the container is then guessed from the name, codec H.264 or HEVC). */
int vx_format_from_path(const char *path);

/* Resolves the output of p written to path. Returns 0, or -EINVAL with why (naming the
 * project key: output.format, output.codec, sources.audio, background) for an impossible pair
 * (a transparent background anywhere but ProRes in MOV). */
int vx_output_resolve(const VxProject *p, const char *path, VxOutputFormat *out, char *why,
                      size_t why_len);

#endif
