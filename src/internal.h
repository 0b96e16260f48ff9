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
/* Makes room in the array *p (*cap elements of `size` bytes) for element n: doubles the
 * capacity (from 64) when n has reached it. VX_ERR(ENOMEM) when the allocation fails or the
 * capacity would pass max elements; the array is unchanged then. */
int vx_grow(void **p, int64_t *cap, int64_t n, size_t size, int64_t max);

#include "cpu.h"

/* ---- project.c ---- */
typedef struct VxRGB { double r, g, b; } VxRGB; /* gamma-encoded R'G'B', 0..1 */

enum { VX_BG_SOLID, VX_BG_GRADIENT, VX_BG_IMAGE };
enum { VX_AUDIO_SOURCE, VX_AUDIO_FILE, VX_AUDIO_NONE };
enum { VX_CODEC_H264, VX_CODEC_HEVC };

typedef struct VxGradStop { double at; VxRGB c; } VxGradStop;

/* Times are seconds of the recording (source time) unless named otherwise. */
enum { VX_SEG_AUDIO_AUTO, VX_SEG_AUDIO_KEEP, VX_SEG_AUDIO_MUTE };
typedef struct VxSegment {
    double start, end;  /* kept range of the recording, start < end */
    double speed;       /* 0.25..16 */
    int audio;          /* VX_SEG_AUDIO_*: auto = tempo-preserving for 0.5..2, muted beyond */
} VxSegment;

enum { VX_ZOOM_RECT, VX_ZOOM_CENTER, VX_ZOOM_FOLLOW };
enum { VX_EASE_INOUT, VX_EASE_SPRING, VX_EASE_LINEAR };
typedef struct VxZoom {
    double start, end;   /* when the zoom is fully in: it eases in before start ... */
    int mode;            /* VX_ZOOM_* */
    double x, y, w, h;   /* RECT: source rectangle (source pixels) */
    double cx, cy;       /* CENTER: centre (source pixels) */
    double scale;        /* CENTER/FOLLOW: magnification >= 1 */
    double transition;   /* seconds of easing in (before start) and out (after end) */
    int ease;            /* VX_EASE_* */
    double stiffness, damping; /* spring parameters */
    double dead_zone;    /* FOLLOW: fraction of the zoomed view the cursor may move in freely */
} VxZoom;

enum { VX_SMOOTH_NONE, VX_SMOOTH_ONE_EURO, VX_SMOOTH_SPRING };
enum { VX_CLICK_NONE, VX_CLICK_RING };
typedef struct VxCursorOpts {
    char *track;         /* cursor track file (docs/cursor-track.md); NULL = no cursor data */
    int draw;            /* 1 = draw the cursor (default when a track is given) */
    double size;         /* scale of the cursor image relative to its source size; 1 */
    int smoothing;       /* VX_SMOOTH_*; default one-euro */
    double min_cutoff, beta; /* one-euro filter parameters (Hz, 1/(px/s)) */
    double stiffness, damping; /* spring smoothing */
    double hide_idle;    /* hide after this many seconds without motion; 0 = never */
    int click;           /* VX_CLICK_* highlight on button down */
    VxRGB click_color;
} VxCursorOpts;

enum { VX_SHAPE_CIRCLE, VX_SHAPE_ROUNDED, VX_SHAPE_SQUARE };
enum { VX_CORNER_BR, VX_CORNER_BL, VX_CORNER_TR, VX_CORNER_TL, VX_CORNER_POS };
typedef struct VxCameraOpts {
    char *path;          /* NULL = no camera */
    int shape;           /* VX_SHAPE_* */
    double radius;       /* ROUNDED: corner radius as a fraction of the bubble's size */
    int corner;          /* VX_CORNER_*; POS = at (px, py) */
    double px, py;       /* POS: centre as fractions of the output */
    double size;         /* bubble width/diameter as a fraction of the output's smaller side */
    double margin;       /* distance from the corner as a fraction of the smaller side */
    int mirror;
    double border;       /* border width in output pixels, 0 = none */
    VxRGB border_color;
    int shadow;          /* drop shadow under the bubble */
    double offset;       /* camera time = recording time - offset */
} VxCameraOpts;

typedef struct VxAudioTrack {
    char *path;          /* NULL = the screen recording's own audio */
    double gain_db;      /* -60..+24 */
    int mute;
    double offset;       /* the track's time 0 sits at this recording time */
} VxAudioTrack;

struct VxProject {
    int width, height; /* 0 = native canvas */
    double fps;        /* 0 = source */
    int codec;
    double quality;
    char *screen;
    int audio_mode;      /* SOURCE: the recording's own; FILE: tracks below; NONE */
    VxAudioTrack *tracks;
    int n_tracks;
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
    VxSegment *segs;     /* kept ranges in output order; NULL = the whole recording at 1x */
    int n_segs;
    VxZoom *zooms;       /* sorted by start, not overlapping (transitions included) */
    int n_zooms;
    VxCursorOpts cursor;
    VxCameraOpts camera;
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

/* ---- geometry shared by the compositor and the overlays ---- */
/* Maps recording pixels to output pixels: out = ox + (src - sx0) * scale; drawing is clipped
 * to [clip_x0, clip_x1) x [clip_y0, clip_y1) (the screen rectangle). */
typedef struct VxView {
    double sx0, sy0, scale;
    double ox, oy;
    int clip_x0, clip_y0, clip_x1, clip_y1;
} VxView;
/* A rectangle of output pixels [x0, x1) x [y0, y1); empty when x0 >= x1. */
typedef struct VxRect { int x0, y0, x1, y1; } VxRect;
/* The part of the recording shown in the screen rectangle (source pixels, fractional). */
typedef struct VxZoomView { double x, y, w, h; } VxZoomView;

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
/* Something drawn over the composed frame (cursor, camera bubble). */
#define VX_MAX_OVERLAYS 4
typedef struct VxOverlay {
    /* Draws at recording time t through view v into dst; *drawn = the pixels touched. */
    int (*draw)(void *opaque, double t, const VxView *v, AVFrame *dst, VxRect *drawn);
    void *opaque;
    /* Everything it may draw outside the screen rectangle (restored from the background
     * before it draws); empty if it stays inside. */
    VxRect outside;
} VxOverlay;
/* The output frame for the normalised source frame src shown through view (NULL = the whole
 * recording) with the overlays drawn at recording time t: a pooled frame with only what
 * changed since the previous call redrawn, or the previous output again when nothing
 * changed. */
int vx_compose_next(VxCompose *c, const AVFrame *src, const VxZoomView *view,
                    const VxOverlay *ov, int n_ov, double t, AVFrame **out);
/* Draws in slices of rows on n threads (the caller's included; at most 16) when the screen
 * is scaled; 0 or a negative error. */
int vx_compose_set_threads(VxCompose *c, int n);
/* The threads it draws on (1 unless vx_compose_set_threads gave more and it uses them). */
int vx_compose_threads(const VxCompose *c);
/* Frames composed, of which reused whole, and the shares of rectangle rows rescaled and of
 * rows copied (in part) from the previous output. */
void vx_compose_stats(const VxCompose *c, int64_t *frames, int64_t *reused, double *rows_scaled,
                      double *rows_copied);
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
/* A parallel for: n - 1 threads, and the caller as the n-th. */
typedef struct VxWorkers VxWorkers;
typedef void (*VxTaskFn)(void *opaque, int i, int k);
/* *out = NULL for n <= 1 (everything then runs on the caller). Fewer threads than asked when
 * the system gives fewer; 0 or a negative error. */
int vx_workers_create(int n, VxWorkers **out);
/* Runs fn[0](opaque, i, k) for every i < k (k = vx_workers_count(w)), i = 0 on the calling
 * thread, then, once all of those have returned, fn[1] likewise, and so on for the phases;
 * returns when all are done. w may be NULL (k = 1). */
void vx_workers_run(VxWorkers *w, VxTaskFn const *fn, int phases, void *opaque);
int vx_workers_count(const VxWorkers *w);
void vx_workers_free(VxWorkers **w);
int vx_pipeline_run(VxContext *ctx, const VxProject *p, const VxExportOptions *o,
                    atomic_int *cancel, VxStats *stats);

/* remux.c: remux.h */

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

/* ---- overlays drawn over the composed frame (cursor.c, camera.c) ---- */
typedef struct VxCursor VxCursor;
/* Loads the track (and cursor images). src_w/src_h: the recording's size. */
int vx_cursor_open(VxContext *ctx, const VxCursorOpts *o, int src_w, int src_h,
                   VxCursor **out);
/* Smoothed cursor position (recording pixels) at recording time t; *visible = 0 while hidden
 * (idle, or outside the track). */
void vx_cursor_pos(VxCursor *c, double t, double *x, double *y, int *visible);
/* Draws the cursor at recording time t into the NV12/I420 frame dst (output colour `matrix`,
 * limited range) through view v; *drawn receives the pixels touched (empty if none). */
int vx_cursor_draw(VxCursor *c, double t, const VxView *v, int matrix, AVFrame *dst,
                   VxRect *drawn);
void vx_cursor_free(VxCursor **c);

typedef struct VxCamera VxCamera;
/* Opens the camera recording and prepares the bubble for a W x H output in `matrix`. */
int vx_camera_open(VxContext *ctx, const VxCameraOpts *o, int W, int H, int matrix,
                   VxCamera **out);
/* The bubble's place in the output (fixed for the export). */
VxRect vx_camera_rect(const VxCamera *c);
/* Draws the camera frame shown at recording time t into dst (NV12/I420). */
int vx_camera_draw(VxCamera *c, double t, AVFrame *dst);
void vx_camera_free(VxCamera **c);

/* ---- scene.c ---- */
typedef struct VxScene VxScene;
/* Timeline, zoom path and overlays of the project for this recording and layout. */
int vx_scene_open(VxContext *ctx, const VxProject *p, const VxSourceInfo *si,
                  const VxLayout *l, VxScene **out);
const VxTimeline *vx_scene_timeline(const VxScene *sc);
/* At output time t: the recording time shown and the view of the recording. */
void vx_scene_at(const VxScene *sc, double t, double *t_rec, VxZoomView *view);
/* The overlays to draw (count returned). */
int vx_scene_overlays(const VxScene *sc, const VxOverlay **ov);
void vx_scene_close(VxScene **sc);

/* ---- color and shape helpers (compose.c) ---- */
void vx_matrix_coefs(int matrix, double *kr, double *kb);
/* Limited-range Y'CbCr of matrix `from` re-expressed in matrix `to`, through unclipped R'G'B':
 * affine in (Y' - 16, Cb - 128, Cr - 128), so one 3x3 matrix, worked out in double and given
 * with 16-bit fractions: out_i = (16 or 128) + sum_k c[i][k] * in_k / 65536 (src/convert.c). */
void vx_matrix_q16(int from, int to, int32_t c[3][3]);
/* Coverage of the sample centred at (px, py) by the rounded rectangle (x, y, w, h, corner
 * radius r): clamp(0.5 - d, 0, 1), d the signed distance to its edge (negative inside). A
 * circle is the rounded square with r = w / 2. The screen's corners and the camera bubble. */
double vx_rrect_coverage(double px, double py, double x, double y, double w, double h, double r);
/* v rounded to the nearest integer and clamped to 0..255. */
uint8_t vx_q8(double v);
/* vx_convert_rows with the streaming-store choice forced: nt 1 = streaming stores for the
 * RGB -> YUV output, 0 = plain stores, -1 = by frame size (what vx_convert_rows does). */
int vx_convert_rows_nt(const VxImage *src, VxImage *dst, const VxColorSpec *spec, int y0,
                       int y1, int nt);
int vx_output_matrix(int height);

#endif
