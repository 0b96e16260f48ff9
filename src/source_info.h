/* What the media side tells about a recording (source.c): FFmpeg-free, for the scene and the
 * timeline. */
#ifndef VX_SOURCE_INFO_H
#define VX_SOURCE_INFO_H

#include "timeline.h"

typedef struct VxSource VxSource;
typedef struct VxSourceInfo {
    int width, height;  /* as displayed (rotation applied) */
    int rotation;       /* 0, 90, 180, 270 (clockwise display rotation) */
    double duration;    /* seconds */
    VxRational fps;     /* average frame rate, {0,1} if unknown */
    int matrix, range;  /* VxMatrix / VxRange of the decoded frames */
    int has_audio;
    double start;       /* seconds of the first video frame in the file's timeline */
    int codec_id;       /* enum AVCodecID of the video */
    int pix_fmt;        /* enum AVPixelFormat as stored */
    int audio_codec_id; /* enum AVCodecID of the best audio stream, 0 if none */
    /* Delivered frames: 8-bit planar (or NV12) with chroma subsampled by 2^sub_x, 2^sub_y
     * (4:2:0, 4:2:2, 4:4:0 or 4:4:4), chroma sample (0, 0) sitting at (chroma_x, chroma_y)
     * luma pixels from luma sample (0, 0): (0, 0.5) for left-sited 4:2:0. Set once the output
     * colour is known (vx_source_set_output_color). */
    int sub_x, sub_y;
    double chroma_x, chroma_y;
} VxSourceInfo;

#endif
