/* Internal declarations shared by the stages of libvexport. */
#ifndef VX_INTERNAL_H
#define VX_INTERNAL_H

#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>

#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/frame.h>

#include "vexport/vexport.h"

#define VX_ERRBUF 1024

struct VxContext {
    VxSettings s;
    unsigned cpu_flags; /* detected & allowed */
    char last_error[VX_ERRBUF];
};

/* ---- log.c ---- */
void vx_log(VxContext *ctx, int level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Logs at error level, keeps it as the last error, returns code. */
int vx_fail(VxContext *ctx, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Text for an AVERROR / negative errno. */
const char *vx_averr(int code, char *buf, size_t len);
/* Maps an AVERROR to our negative errno-style code. */
int vx_from_averror(int code);

#include "cpu.h"

/* ---- project.c ---- */
typedef struct VxRGB { double r, g, b; } VxRGB; /* gamma-encoded R'G'B', 0..1 */

enum { VX_BG_SOLID, VX_BG_GRADIENT, VX_BG_IMAGE };
enum { VX_AUDIO_SOURCE, VX_AUDIO_FILE, VX_AUDIO_NONE };
enum { VX_CODEC_H264, VX_CODEC_HEVC };

typedef struct VxGradStop { double at; VxRGB c; } VxGradStop;

struct VxProject {
    int width, height; /* 0 = native canvas */
    double fps;        /* 0 = source */
    int codec;
    double quality;
    char *screen;
    int audio_mode;
    char *audio;
    int bg_type;
    VxRGB bg_color;
    double bg_angle;
    VxGradStop *stops;
    int n_stops;
    char *bg_image;
    double padding, radius;
    int shadow;
    double sh_blur, sh_dx, sh_dy, sh_opacity;
    VxRGB sh_color;
};
int vx_project_clone(const VxProject *p, VxProject **out);

/* ---- source.c ---- */
typedef struct VxSource VxSource;
typedef struct VxSourceInfo {
    int width, height;  /* as displayed (rotation applied) */
    int rotation;       /* 0, 90, 180, 270 (clockwise display rotation) */
    double duration;    /* seconds */
    AVRational fps;     /* average frame rate, {0,1} if unknown */
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
/* Decodes a still image to RGBA. */
int vx_image_load(VxContext *ctx, const char *path, VxImage **out);

/* ---- compose.c ---- */
typedef struct VxCompose VxCompose;
typedef struct VxLayout {
    int W, H;          /* output size */
    int x, y, rw, rh;  /* screen rectangle */
    int sw, sh;        /* screen source size */
    int sub_x, sub_y;  /* source chroma subsampling and siting, from VxSourceInfo once */
    double cx, cy;     /* the output colour is set on the source */
    int matrix;        /* output matrix */
} VxLayout;

int vx_layout_compute(VxContext *ctx, const VxProject *p, const VxSourceInfo *si, VxLayout *l);
int vx_compose_create(VxContext *ctx, const VxProject *p, const VxLayout *l, int out_fmt,
                      VxCompose **out);
/* Allocates an output frame (from the pool) whose static layer is already drawn. */
int vx_compose_get_frame(VxCompose *c, AVFrame **out);
/* The output frame for the normalised source frame src: a pooled frame with only what changed
 * since the previous call redrawn, or the previous output again when src is the same frame. */
int vx_compose_next(VxCompose *c, const AVFrame *src, AVFrame **out);
/* Frames composed, of which reused whole, and the share of rectangle rows rescaled. */
void vx_compose_stats(const VxCompose *c, int64_t *frames, int64_t *reused, double *rows_scaled);
void vx_compose_free(VxCompose **c);

/* ---- encode.c ---- */
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
} VxEncodeParams;
int vx_encoder_open(VxContext *ctx, const VxEncodeParams *p, VxEncoder **out);
AVCodecContext *vx_encoder_avctx(VxEncoder *e);
/* Preferred input format (AV_PIX_FMT_NV12 or AV_PIX_FMT_YUV420P). */
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

/* ---- audio.c ---- */
typedef struct VxAudio VxAudio;
/* Opens the audio input (a file's first audio stream). start = seconds of the screen's first
 * frame in that file's timeline (0 for a separate file), duration = video duration. */
int vx_audio_open(VxContext *ctx, const char *path, double start, double duration,
                  const AVOutputFormat *ofmt, VxAudio **out);
/* Parameters for the output stream. */
const AVCodecParameters *vx_audio_codecpar(const VxAudio *a);
AVRational vx_audio_time_base(const VxAudio *a);
/* Produces packets (time base vx_audio_time_base) with pts < until seconds; *eof set at end. */
int vx_audio_pull(VxAudio *a, double until, int (*cb)(void *opaque, AVPacket *pkt),
                  void *opaque);
void vx_audio_close(VxAudio **a);

/* ---- mux.c ---- */
typedef struct VxMuxer VxMuxer;
int vx_muxer_open(VxContext *ctx, const char *target, VxMuxer **out);
const AVOutputFormat *vx_muxer_format(const VxMuxer *m);
int vx_muxer_add_video(VxMuxer *m, const AVCodecContext *enc);
/* A stream copied from (or encoded to) par, with time base tb. */
int vx_muxer_add_stream(VxMuxer *m, const AVCodecParameters *par, AVRational tb);
int vx_muxer_start(VxMuxer *m);
/* Writes a packet of stream idx (0 video, 1 audio), with pts in src_tb. */
int vx_muxer_write(VxMuxer *m, int idx, AVPacket *pkt, AVRational src_tb);
/* Finishes the file and renames it onto the target. */
int vx_muxer_finish(VxMuxer *m);
/* Removes the temporary unless finished. */
void vx_muxer_close(VxMuxer **m);

/* ---- pipeline.c ---- */
int vx_pipeline_run(VxContext *ctx, const VxProject *p, const VxExportOptions *o,
                    atomic_int *cancel, VxStats *stats);

/* ---- timeline.c ---- */
typedef struct VxTimeline {
    AVRational fps;
    int64_t frames;
    double duration;
} VxTimeline;
int vx_timeline_init(VxContext *ctx, const VxProject *p, const VxSourceInfo *si,
                     VxTimeline *tl);
double vx_timeline_time(const VxTimeline *tl, int64_t n);

/* ---- color helpers (compose.c) ---- */
void vx_matrix_coefs(int matrix, double *kr, double *kb);
int vx_output_matrix(int height);

#endif
