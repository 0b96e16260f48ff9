/* The video encoder (encode.c, the media side): libavcodec, `auto` hardware choice. */
#ifndef VX_ENCODE_H
#define VX_ENCODE_H

#include <stdint.h>
#include <libavcodec/avcodec.h>

#include "internal.h"

typedef struct VxEncoder VxEncoder;
typedef struct VxEncodeParams {
    const char *encoder;
    const char *preset;
    double crf;
    int64_t bitrate;
    const char *const *opts;
    int n_opts;
    int threads;
    int width, height;
    AVRational fps;
    int matrix;
    int global_header;
    /* set when encoder was NULL or "auto": the hardware encoders this platform may have are
     * tried first, then `encoder` (the software default) */
    int try_hw;
    int closed_gop; /* every GOP closed (a chunk of an export: src/chunk.c) */
    int alpha;      /* frames in yuva444p10le, with alpha: ProRes 4444 (background
                     * "transparent"); the encoder takes them as they are */
} VxEncodeParams;
int vx_encoder_open(VxContext *ctx, const VxEncodeParams *p, VxEncoder **out);
AVCodecContext *vx_encoder_avctx(VxEncoder *e);
/* Preferred input format (AV_PIX_FMT_NV12 or AV_PIX_FMT_YUV420P; AV_PIX_FMT_YUVA444P10LE
 * with alpha). */
enum AVPixelFormat vx_encoder_pix_fmt(const VxEncoder *e);
/* Sends a frame (NULL = flush) and passes every packet produced to cb. */
int vx_encoder_send(VxEncoder *e, AVFrame *f,
                    int (*cb)(void *opaque, AVPacket *pkt), void *opaque);
/* Whole frames copied on their way into the encoder (hardware upload, or a frame without
 * its own buffers, which libavcodec copies). */
int64_t vx_encoder_frames_copied(const VxEncoder *e);
/* The libavcodec name of the encoder opened. */
const char *vx_encoder_name(const VxEncoder *e);
void vx_encoder_close(VxEncoder **e);
/* Why the hardware device behind a decoder device type ("vaapi", "cuda") or an encoder name
 * ("h264_nvenc") cannot work here, found without opening it; NULL if it may. */
const char *vx_hw_missing(const char *name);

#endif
