/*
 * vexport — export screen recordings into finished videos.
 *
 * Public API. Every function returns 0 on success or a negative errno-style code
 * (VX_ERR(EINVAL), ...); the human-readable reason is passed to the log callback and kept
 * in the context (vx_last_error()). The library never prints on its own.
 *
 * Typical use:
 *     VxSettings s; vx_default_settings(&s); s.log_cb = my_log;
 *     VxContext *ctx; vx_open(&ctx, &s);
 *     VxProject *p; vx_project_load(ctx, "project.json", &p);
 *     VxExportOptions o; vx_default_export_options(&o); o.output_path = "out.mp4";
 *     VxJob *job; vx_job_create(ctx, p, &o, &job);
 *     int ret = vx_job_run(job);          // blocks; vx_job_cancel(job) from elsewhere
 *     vx_job_free(&job); vx_project_free(&p); vx_close(&ctx);
 */
#ifndef VEXPORT_VEXPORT_H
#define VEXPORT_VEXPORT_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>

#include "vexport/convert.h" /* also defines VX_API */
#include "vexport/version.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Negative error codes: VX_ERR(EINVAL) etc. */
#define VX_ERR(e) (-(e))
/** The job was cancelled through vx_job_cancel(). */
#define VX_ECANCELED VX_ERR(ECANCELED)

/** Log levels, most severe first. */
enum VxLogLevel {
    VX_LOG_ERROR = 0,
    VX_LOG_WARNING = 1,
    VX_LOG_INFO = 2,
    VX_LOG_VERBOSE = 3,
    VX_LOG_DEBUG = 4,
};

/** CPU capability bits, for VxSettings.cpu_mask and VEXPORT_CPU. */
enum VxCpuFlags {
    VX_CPU_SSE41 = 1 << 0,
    VX_CPU_AVX2 = 1 << 1,
    VX_CPU_AVX512 = 1 << 2, /**< AVX-512 F, BW, VL, VBMI, VNNI (Ice Lake and later) */
    VX_CPU_NEON = 1 << 3,
    VX_CPU_AVX512VNNI = 1 << 4, /**< AVX512-VNNI on top of VX_CPU_AVX512 (level "avx512") */
};

/** The VxCpuFlags allowed at a SIMD level named "c", "sse4", "avx2", "avx512" or "neon" (the
 *  names VEXPORT_CPU and the tool's --cpu take), for VxSettings.cpu_mask; VX_ERR(EINVAL) for
 *  any other name. */
VX_API long vx_cpu_level_mask(const char *level);

typedef struct VxContext VxContext;
typedef struct VxProject VxProject;
typedef struct VxJob VxJob;

typedef void (*VxLogCallback)(void *opaque, int level, const char *message);

typedef struct VxSettings {
    /** The thread budget: CPU threads for all stages together, the decoder's and the
     *  encoder's own threads included. 0 (default) = the number of online CPUs. An export
     *  of N splits it as: decoding max(1, N/8) threads (at most 4; 1 = the decode thread
     *  itself), encoding 3N/2 - (decoding - 1) frame threads (x264's own 1.5 per core: they
     *  wait on each other, the extra half keeps the cores busy; 1 when N = 1), composing on
     *  the job's thread while it waits for the encoder. VX_LOG_VERBOSE logs the split, VxStats reports it.
     *  The output is the same for the same budget (x264's depends on its thread count). */
    int threads;
    /** Capabilities allowed (VxCpuFlags). Default: all (~0u). The VEXPORT_CPU environment
     *  variable ("c", "sse4", "avx2", "avx512", "neon") lowers it further. */
    unsigned cpu_mask;
    /** Messages up to this level reach log_cb. Default VX_LOG_INFO. */
    int log_level;
    /** Receives every log line (without trailing newline). Default NULL: messages are kept
     *  for vx_last_error() only. Called from any of the library's threads. */
    VxLogCallback log_cb;
    void *log_opaque;
    uint8_t reserved[64];
} VxSettings;

/** Fills *s with the defaults documented above. */
VX_API void vx_default_settings(VxSettings *s);
/** Opens a context. On failure *ctx is NULL. */
VX_API int vx_open(VxContext **ctx, const VxSettings *s);
/** Closes a context and sets *ctx to NULL. NULL is fine. */
VX_API void vx_close(VxContext **ctx);
/** The last error message on this context ("" if none). Owned by the context. */
VX_API const char *vx_last_error(const VxContext *ctx);
/** A short text for an error code. */
VX_API const char *vx_strerror(int code);
/** The library's version string ("1.2.3"). */
VX_API const char *vx_version(void);
/** The API version of the library in use, as VX_API_VERSION (major * 1000 + minor); compare
 *  it with the VX_API_VERSION the program was built against (same major, minor >= built).
 *  Thread-safety: any thread, at any time. */
VX_API int vx_version_api(void);

/** Reads and validates a project file (docs/project-format.md). Relative paths resolve
 *  against the file's folder. On failure the message names the key and the problem. */
VX_API int vx_project_load(VxContext *ctx, const char *path, VxProject **out);
/** Same, from a JSON text; relative paths resolve against base_dir (NULL = current folder).
 *  `name` is used in messages (e.g. the file name). */
VX_API int vx_project_parse(VxContext *ctx, const char *json, const char *base_dir,
                            const char *name, VxProject **out);
VX_API void vx_project_free(VxProject **p);

/** Progress of a running job. */
typedef struct VxProgress {
    int64_t frame;       /**< frames written so far */
    int64_t total;       /**< frames the export will have */
    double fps;          /**< average frames per second so far */
    double eta_s;        /**< estimated seconds left (-1 if unknown) */
    double elapsed_s;    /**< seconds since the job started */
    int done;            /**< 1 on the final call after a successful export */
    double duration_s;   /**< duration of the output video in seconds */
    const char *mode;    /**< "composite" (decode, compose, encode), "remux" (stream copy) or
                              "remux-cuts" (stream copy of the timeline's ranges) */
} VxProgress;

typedef void (*VxProgressCallback)(void *opaque, const VxProgress *p);

typedef struct VxExportOptions {
    /** Output file (MP4). Written to a temporary beside it and renamed at the end. Required. */
    const char *output_path;
    /** libavcodec encoder name. NULL or "auto" (default): the platform's hardware encoder
     *  when one opens (h264_videotoolbox on Apple; h264_nvenc, h264_qsv, h264_vaapi
     *  elsewhere; hevc_* for "hevc"), else libx264 (libx265), with the reason logged at
     *  VX_LOG_INFO. A name: that encoder, or an error naming why it cannot be opened. */
    const char *encoder;
    /** Encoder preset. NULL (default) = "veryfast" for libx264/libx265. */
    const char *preset;
    /** Constant rate factor; < 0 (default) = the project's output.quality. */
    double crf;
    /** Target bit rate in bit/s; > 0 overrides crf. Default 0. */
    int64_t bitrate;
    /** "key=value" options passed to the encoder, n_encoder_opts of them. Not copied. */
    const char *const *encoder_opts;
    int n_encoder_opts;
    /** Threads for this job; 0 (default) = the context's setting. */
    int threads;
    VxProgressCallback progress_cb;
    void *progress_opaque;
    /** 1 = always decode, compose and encode, even when the recording could be copied as it
     *  is (passthrough). Default 0: copy when nothing would change. */
    int no_passthrough;
    /** Hardware decoding: "auto" (or NULL, default): the first of this FFmpeg's device
     *  types that opens (cuda, vaapi, qsv, videotoolbox, d3d11va, dxva2), else software;
     *  "none": software; a type name ("vaapi", "cuda", ...): that one, else software with a
     *  warning. Why each was not used is logged at VX_LOG_INFO. Decoded hardware frames are
     *  downloaded as NV12. Not copied. */
    const char *hwaccel;
    /** Renders chunk chunk_index (0-based) of chunk_count: output frames
     *  floor(i * F / n) to floor((i + 1) * F / n) - 1 of the export's F, video only, starting
     *  with an IDR frame, every GOP closed, its fingerprint in the MP4's metadata; vx_join()
     *  makes the export of them. chunk_count 0 (default): the whole export. */
    int chunk_index;
    int chunk_count;
    uint8_t reserved[44];
} VxExportOptions;

VX_API void vx_default_export_options(VxExportOptions *o);

/** Prepares an export of project p with options o (both may be freed after this returns). */
VX_API int vx_job_create(VxContext *ctx, const VxProject *p, const VxExportOptions *o,
                         VxJob **job);
/** Runs the export in the calling thread. Returns 0, VX_ECANCELED, or another error. On any
 *  error the output path is left untouched and the temporary removed. A job may be run again
 *  after it returned (cancelled or not): a cancel ends the run it stopped. A vx_job_cancel()
 *  made before vx_job_run() begins cancels that coming run. */
VX_API int vx_job_run(VxJob *job);
/** Asks a running job to stop. Safe from any thread and from a signal handler. */
VX_API void vx_job_cancel(VxJob *job);

/** What a finished (or failed) vx_job_run() measured. Times are wall-clock seconds spent
 *  inside each stage's work, summed over the export; the stages overlap (decoding runs in its
 *  own thread), so the busy times may add up to more than wall_s. */
typedef struct VxStats {
    const char *mode;        /**< "composite", "remux" or "remux-cuts" (as VxProgress.mode);
                                  NULL before the job ran */
    double wall_s;           /**< the whole vx_job_run() */
    double setup_s;          /**< opening the files, encoder, background layer: until the
                                  first frame (it overlaps the decoder's start) */
    double decode_s;         /**< demux + decode + normalisation (decode thread) */
    double compose_s;        /**< compositing output frames */
    double encode_s;         /**< in the video encoder (its packets' muxing not included) */
    double audio_s;          /**< audio decode, resample, encode (muxing not included) */
    double mux_s;            /**< writing packets, video and audio (remux: reading too) */
    /** The decoded-frame queue between the decode thread and compose: seconds its producer
     *  waited because it was full, and its consumer waited because it was empty. Compose,
     *  encode and mux hand frames and packets to each other directly, without queues. */
    double decode_wait_full_s;
    double compose_wait_empty_s;
    int64_t frames_decoded;  /**< source frames decoded */
    int64_t frames_composed; /**< output frames handed to the encoder */
    /** Whole frames copied between compose and the encoder (a hardware encoder's upload,
     *  or a frame the encoder had to copy because it did not own its buffers). 0 on the
     *  software path: the pooled composed frame is the encoder's input. */
    int64_t frames_copied;
    int64_t peak_rss_kib;    /**< the process's peak resident memory (getrusage) */
    int threads;             /**< the thread budget used, and its split: */
    int decode_threads, compose_threads, encode_threads;
    char hwaccel[16];        /**< hardware decoder device type used, "" = software */
    char encoder[32];        /**< encoder used ("libx264", "h264_vaapi", ...), "" = remux */
    uint8_t reserved[64];
} VxStats;

/** Copies the statistics of the job's last vx_job_run() (zeros before it), once it has
 *  returned. */
VX_API int vx_job_stats(const VxJob *job, VxStats *out);
VX_API void vx_job_free(VxJob **job);

/** Joins the chunks of an export of p (rendered with VxExportOptions.chunk_count = n_chunks,
 *  given in order, chunk 0 first) into o->output_path without re-encoding them: their video
 *  stream-copied with continuous timestamps, the audio rendered once for the whole timeline,
 *  faststart, the colour tags. Of o only output_path and the progress callback are used.
 *  Refuses (VX_ERR(EINVAL), naming the file) a missing, duplicated or misplaced chunk, and a
 *  chunk of another project or rendered with other settings. Atomic like an export. */
VX_API int vx_join(VxContext *ctx, const VxProject *p, const char *const *chunks, int n_chunks,
                   const VxExportOptions *o);

/** Renders the composed output frame shown at time t (seconds) as RGBA into a newly
 *  allocated image (free with vx_image_free). */
VX_API int vx_render_frame(VxContext *ctx, const VxProject *p, double t, VxImage **out);

/** Prints what vexport sees of a media file, as text, through the callback (one line per
 *  call). */
VX_API int vx_probe(VxContext *ctx, const char *path,
                    void (*line_cb)(void *opaque, const char *line), void *opaque);

#ifdef __cplusplus
}
#endif

#endif
