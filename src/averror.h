/* FFmpeg's error codes in ours (averror.c, the media side). */
#ifndef VX_AVERROR_H
#define VX_AVERROR_H

#include <stddef.h>

/* Text for an AVERROR / negative errno. */
const char *vx_averr(int code, char *buf, size_t len);
/* Maps an AVERROR to our negative errno-style code. */
int vx_from_averror(int code);

#endif
