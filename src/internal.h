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
#include "image.h"

#include "geom.h"

#include "zoom.h"

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
    int closed_gop; /* every GOP closed (a chunk of an export: src/chunk.c) */
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
/* A tag written in the file's metadata (before vx_muxer_start), readable back by key. */
int vx_muxer_set_tag(VxMuxer *m, const char *key, const char *value);
int vx_muxer_start(VxMuxer *m);
/* Writes a packet of stream idx (0 video, 1 audio), with pts in src_tb. */
int vx_muxer_write(VxMuxer *m, int idx, AVPacket *pkt, AVRational src_tb);
/* Finishes the file and renames it onto the target. */
int vx_muxer_finish(VxMuxer *m);
/* Removes the temporary unless finished. */
void vx_muxer_close(VxMuxer **m);

/* ---- pipeline.c ---- */
#include "thread.h"
int vx_pipeline_run(VxContext *ctx, const VxProject *p, const VxExportOptions *o,
                    const VxCancel *cancel, VxStats *stats);
/* join.c: vx_join's work, stopped by cancel (VX_ECANCELED, nothing left behind). */
int vx_join_run(VxContext *ctx, const VxProject *p, const char *const *chunks, int n,
                const VxExportOptions *o, const VxCancel *cancel);

/* remux.c: remux.h */

/* ---- chunk.c ---- */
/* The MP4 tags of a chunk: "I/N", its fingerprint (project and settings), the project's
 * digest, and "FIRST-END" (its output frames). */
#define VX_TAG_CHUNK "vexport_chunk"
#define VX_TAG_FINGERPRINT "vexport_fingerprint"
#define VX_TAG_PROJECT "vexport_project"
#define VX_TAG_FRAMES "vexport_frames"
/* Chunk i of n of an export of `frames` frames: output frames [*first, *end), i.e.
 * floor(i * frames / n) to floor((i + 1) * frames / n): from the project alone. */
void vx_chunk_range(int64_t frames, int i, int n, int64_t *first, int64_t *end);
/* SHA-256 of a JSON document in canonical form (keys sorted, numbers as %.17g, strings
 * escaped one way, no spaces): json_digest.c (av_sha: the media side). 0 or an error. */
int vx_json_digest(struct json_object *root, uint8_t out[32]);
/* Hex SHA-256 of the project as read (p->json, canonical): what ties a chunk to it. */
int vx_project_digest_hex(const VxProject *p, char out[65]);
/* Hex SHA-256 of the project, the encoder settings of o, the library version and n. */
int vx_chunk_fingerprint(const VxProject *p, const VxExportOptions *o, int n, char out[65]);
/* For an export with o->chunk_count > 0: its frames [*first, *end) of tl, and the tags above
 * set on mux. */
struct VxTimeline;
int vx_chunk_begin(VxContext *ctx, const VxProject *p, const VxExportOptions *o,
                   const struct VxTimeline *tl, VxMuxer *mux, int64_t *first, int64_t *end);

#include "timeline.h"

#include "cursor.h"

#include "camera.h"

#include "scene.h"


#endif
