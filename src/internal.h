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

/* Text for an AVERROR / negative errno. */
const char *vx_averr(int code, char *buf, size_t len);
/* Maps an AVERROR to our negative errno-style code. */
int vx_from_averror(int code);

#include "context.h"
#include "project.h"

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
#include "image.h"

#include "geom.h"

/* ---- zoom.c ---- */
typedef struct VxZoomPath VxZoomPath;
/* Cursor position (recording pixels) at recording time t; *visible = 0 when unknown. */
typedef void (*VxCursorPosFn)(void *opaque, double t, double *x, double *y, int *visible);
/* The zoom path of the project over a sw x sh recording; *out = NULL when nothing zooms.
 * pos (may be NULL without "follow" segments) gives the cursor for "follow": "cursor". */
int vx_zoom_path_create(VxContext *ctx, const VxProject *p, int sw, int sh, VxCursorPosFn pos,
                        void *opaque, VxZoomPath **out);
/* The view at recording time t (the whole recording while nothing zooms). */
void vx_zoom_path_view(const VxZoomPath *zp, double t, VxZoomView *v);
void vx_zoom_path_free(VxZoomPath **zp);

#include "compose.h"
#include "picture.h"

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
/* Why the hardware device behind a decoder device type ("vaapi", "cuda") or an encoder name
 * ("h264_nvenc") cannot work here, found without opening it; NULL if it may. */
const char *vx_hw_missing(const char *name);

/* ---- audio.c ---- */
typedef struct VxAudio VxAudio;
/* Opens the project's audio (p->tracks, or the recording's own audio when audio_mode is
 * SOURCE), laid out on the timeline tl (cuts, speeds) and mixed: copied when nothing changes
 * the one track, else mixed, limited and encoded as AAC 48 kHz stereo on a thread of its own,
 * exactly tl->frames / tl->fps long (docs/project-format.md, Audio). si->start = seconds of
 * the screen's first frame in the recording's own timeline. *out = NULL (and 0 returned) when
 * the export has no audio. */
struct VxTimeline;
int vx_audio_open(VxContext *ctx, const VxProject *p, const VxSourceInfo *si,
                  const struct VxTimeline *tl, const AVOutputFormat *ofmt, VxAudio **out);
/* Parameters for the output stream. */
const AVCodecParameters *vx_audio_codecpar(const VxAudio *a);
AVRational vx_audio_time_base(const VxAudio *a);
/* Passes to cb (on the caller's thread) the packets, in time base vx_audio_time_base, with
 * pts < until seconds; waits for the mixing thread when it has not got that far. Once until is
 * past the end, everything has been passed. Returns 0 or the first error (cb's or the mix's). */
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
#include "workers.h"
int vx_pipeline_run(VxContext *ctx, const VxProject *p, const VxExportOptions *o,
                    atomic_int *cancel, VxStats *stats);

/* ---- remux.c ---- */
/* Which packets a stream copy of the timeline's kept ranges takes, and how it moves them. */
typedef struct VxCutPlan VxCutPlan;
/* Reads the recording's packet timestamps (no decoding) and plans the copy of tl's ranges
 * (video, and with `audio` the recording's own audio): every range at 1x, starting on a
 * keyframe, ending where no later frame is needed, the audio at each cut within a frame.
 * 0 with *out set (and what it copies logged), or 0 with *out = NULL and why naming what
 * stands in the way; < 0 on error. */
int vx_cuts_plan(VxContext *ctx, const char *path, const struct VxTimeline *tl,
                 const VxSourceInfo *si, int audio, VxCutPlan **out, char *why,
                 size_t why_len);
/* The input stream copied as video (k = 0) or audio (k = 1); -1 = none. */
int vx_cuts_stream(const VxCutPlan *pl, int k);
/* Called for every packet of stream vx_cuts_stream(pl, k), in the order av_read_frame gives
 * them: 1 = keep it (its timestamps are moved into place), 0 = drop it. */
int vx_cuts_map(VxCutPlan *pl, int k, AVPacket *pkt);
/* 1 once every kept packet has been mapped. */
int vx_cuts_done(const VxCutPlan *pl);
/* Frames and seconds of the output video. */
void vx_cuts_summary(const VxCutPlan *pl, int64_t *frames, double *duration);
void vx_cuts_free(VxCutPlan **pl);

/* ---- timeline.c ---- */
/* One kept range as placed in the output. */
typedef struct VxTlSeg {
    double src_start, src_end; /* recording time */
    double out_start, out_end; /* output time */
    double speed;
    int audio_keep;            /* 1: audio plays (tempo-preserved), 0: muted */
} VxTlSeg;
typedef struct VxTimeline {
    AVRational fps;
    int64_t frames;
    double duration;   /* output duration, seconds */
    VxTlSeg *segs;     /* at least one */
    int n_segs;
} VxTimeline;
int vx_timeline_init(VxContext *ctx, const VxProject *p, const VxSourceInfo *si,
                     VxTimeline *tl);
/* Output time of frame n. */
double vx_timeline_time(const VxTimeline *tl, int64_t n);
/* Recording time shown at output time t, and the segment index it falls in. */
double vx_timeline_src_time(const VxTimeline *tl, double t, int *seg);
void vx_timeline_free(VxTimeline *tl);

#include "cursor.h"

/* ---- camera.c: the camera bubble's source (decoding, pictures, masks) ---- */
typedef struct VxCamera VxCamera;
/* Opens the camera recording and prepares the bubble for a W x H output in `matrix`. */
int vx_camera_open(VxContext *ctx, const VxCameraOpts *o, int W, int H, int matrix,
                   VxCamera **out);
/* The bubble's place in the output (fixed for the export). */
VxRect vx_camera_rect(const VxCamera *c);
/* Moves to the camera picture shown at recording time t (outputs of the layout given): 1 when
 * it is not the one the last draw showed, 0 when it is, or a negative error. */
int vx_camera_advance(VxCamera *c, double t, int layout);
/* The bubble's picture shown at recording time t, laid out for outputs of `layout`: its luma
 * (stride ys) and chroma planes (stride cs, samples 2 apart for NV12), in the bubble box. */
typedef struct VxCameraPic {
    const uint8_t *y, *u, *v;
    ptrdiff_t ys, cs;
} VxCameraPic;
int vx_camera_picture(VxCamera *c, double t, int layout, VxCameraPic *pic);
/* The masks the bubble is drawn through (fixed for the export): its edge (out_*, m = 255 -
 * coverage) and its shadow (sh_*, blended with the constant rows sh_row_*). */
typedef struct VxCameraShape {
    const VxMask *out_y, *out_c, *sh_y, *sh_c;
    const uint8_t *sh_row_y, *sh_row_c;
    int has_shadow;
    int W, H;
    const VxBlendDSP *bdsp;
} VxCameraShape;
const VxCameraShape *vx_camera_shape(const VxCamera *c);
/* Draws the camera frame shown at recording time t into dst (NV12/I420): layers/camera.c. */
int vx_camera_draw(VxCamera *c, double t, VxPicture *dst);
void vx_camera_free(VxCamera **c);

#include "scene.h"

/* ---- convert.c ---- */
/* vx_convert_rows with the streaming-store choice forced: nt 1 = streaming stores for the
 * RGB -> YUV output, 0 = plain stores, -1 = by frame size (what vx_convert_rows does). */
int vx_convert_rows_nt(const VxImage *src, VxImage *dst, const VxColorSpec *spec, int y0,
                       int y1, int nt);

#endif
