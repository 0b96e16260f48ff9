/*
 * vexport — export screen recordings into finished videos.
 *
 * Public API, version 1 (vx_version_api(), VX_API_VERSION). Every function returns 0 on
 * success or a negative errno-style code (VX_ERR(EINVAL), ...); the human-readable reason is
 * passed to the log callback and kept: for a job's calls in the job (vx_job_error()), for the
 * others in the context (vx_last_error(), vx_last_error_info()). The library never prints on
 * its own and changes nothing process-wide unless a VxSettings field asks it to.
 *
 * Thread-safety, in general: a VxContext may be used from several threads at once (jobs and
 * projects made from it run independently); a VxJob is run by one thread at a time, and only
 * vx_job_cancel() may be called on it from any thread meanwhile; a VxProject is read-only once
 * loaded and may be shared between threads and jobs. Each call below says its own rule after
 * "Thread-safety:". Callbacks are called from the library's threads as each one says, never
 * after the call that runs them (vx_job_run(), vx_probe(), ...) has returned.
 *
 * ABI: the structs below are laid out for API major 1 and checked by _Static_assert (64-bit
 * targets) and by the test suite (tests/api/abi.c). Their reserved slots are pointer-sized and
 * must be zero (NULL): start from vx_default_settings() / vx_default_export_options(), and a
 * later minor version carves new fields out of them. A non-zero slot is refused (EINVAL).
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
    VX_CPU_AVX512 = 1 << 2, /**< AVX-512 F, BW and VL (Skylake-SP and later) */
    VX_CPU_NEON = 1 << 3,
    VX_CPU_AVX512VNNI = 1 << 4, /**< AVX-512 VNNI and VBMI on top of VX_CPU_AVX512 (Ice Lake
                                     and later; the scaler's AVX-512 kernels need them; level
                                     "avx512" allows both bits) */
};

/** The VxCpuFlags allowed at a SIMD level named "c", "sse4", "avx2", "avx512" or "neon" (the
 *  names VEXPORT_CPU and the tool's --cpu take), for VxSettings.cpu_mask; VX_ERR(EINVAL) for
 *  any other name. Thread-safety: any thread. */
VX_API long vx_cpu_level_mask(const char *level);

/** The library's state for one embedder: settings, log routing, the last error of the calls
 *  made on it outside jobs. Thread-safety: calls on one context may come from several threads;
 *  vx_close() only once nothing else uses it (no job, project or preview alive). */
typedef struct VxContext VxContext;
/** A loaded, validated project. Thread-safety: immutable once loaded: any number of threads
 *  and jobs may read it at once; vx_project_free() once none does. */
typedef struct VxProject VxProject;
/** One export. Thread-safety: one thread runs it (vx_job_run()); vx_job_cancel() from any
 *  thread or signal handler meanwhile; the other calls not while it runs. */
typedef struct VxJob VxJob;

/** Receives every log line (without trailing newline). Thread-safety: called from whichever
 *  library thread logs (the caller's thread, a job's decode, audio or camera thread), possibly
 *  from several at once: it must be thread-safe and must not call back into the library. */
typedef void (*VxLogCallback)(void *opaque, int level, const char *message);

/** What VxSettings.ffmpeg_log does with FFmpeg's own log (process-wide by FFmpeg's design). */
enum VxFfmpegLog {
    VX_FFMPEG_LOG_UNTOUCHED = 0, /**< default: FFmpeg's log level and callback are left alone */
    VX_FFMPEG_LOG_QUIET = 1,     /**< av_log_set_level(AV_LOG_QUIET): FFmpeg prints nothing */
    VX_FFMPEG_LOG_ROUTE = 2,     /**< FFmpeg's messages go to this context's log_cb (errors
                                      as VX_LOG_WARNING, the rest as VX_LOG_DEBUG); the last
                                      context opened with ROUTE receives them */
};

typedef struct VxSettings {
    /** The thread budget: CPU threads for all stages together, the decoder's and the
     *  encoder's own threads included. 0 (default) = the number of online CPUs. An export
     *  of N splits it as (src/pipeline.c, split_threads): decoding max(1, N/8) threads (at
     *  most 4; 1 = the decode thread itself); composing on the job's thread while it waits for
     *  the encoder, plus slices of rows on more threads from N = 8 on (N/4 in all, at most 4);
     *  encoding 3N/2 - (decoding - 1) - (composing - 1) frame threads (x264's own 1.5 per
     *  core: they wait on each other, the extra half keeps the cores busy; 1 when N = 1). VX_LOG_VERBOSE logs the split, VxStats reports it.
     *  The output is the same for the same budget (x264's depends on its thread count). */
    int threads;
    /** Capabilities allowed (VxCpuFlags) for this context's kernels. Default: all (~0u).
     *  The VEXPORT_CPU environment variable ("c", "sse4", "avx2", "avx512", "neon") lowers
     *  it further. */
    unsigned cpu_mask;
    /** Messages up to this level reach log_cb. Default VX_LOG_INFO. */
    int log_level;
    /** Receives every log line. Default NULL: errors are kept for vx_last_error() and
     *  vx_job_error() only. See VxLogCallback for the threads it is called from. */
    VxLogCallback log_cb;
    void *log_opaque;
    /** enum VxFfmpegLog. Default VX_FFMPEG_LOG_UNTOUCHED (nothing process-wide changes). */
    int ffmpeg_log;
    /** 1: after each 5 s of output and at the end of an export, hand the heap's free pages
     *  back to the system (glibc malloc_trim(0), process-wide: it keeps the resident size of
     *  hour-long exports flat, docs/reliability.md). Default 0. */
    int trim_heap;
    /** 1: compose every output frame whole (no incremental redraw of what changed; the
     *  pixels are the same, only slower: for tests and comparisons). Default 0. */
    int no_incremental;
    int reserved_int; /**< must be 0 */
    void *reserved[6]; /**< must be NULL */
} VxSettings;

/** Fills *s with the defaults documented above. Thread-safety: any thread. */
VX_API void vx_default_settings(VxSettings *s);
/** Opens a context. On failure *ctx is NULL; a bad setting (a non-zero reserved slot, threads
 *  out of 0...256) is VX_ERR(EINVAL). Thread-safety: any thread. */
VX_API int vx_open(VxContext **ctx, const VxSettings *s);
/** Closes a context and sets *ctx to NULL. NULL is fine. Thread-safety: once nothing made
 *  from it is in use. */
VX_API void vx_close(VxContext **ctx);
/** The last error message of a call made on this context outside a job ("" if none), e.g. by
 *  vx_project_load(). Owned by the context, valid until its next failing call.
 *  Thread-safety: any thread; when several threads fail on one context at once, the message
 *  is one of theirs: use vx_last_error_info() right after the call, or one context each. */
VX_API const char *vx_last_error(const VxContext *ctx);

/** An error, with what it is about as fields (a copy: the caller owns it). */
typedef struct VxError {
    int code;            /**< the negative error code; 0: no error */
    int line;            /**< line in `file`, 0 if none */
    char message[1024];  /**< the whole message, as logged ("" if none) */
    char key[256];       /**< the project key path ("background.angle", "timeline[2].end"),
                              "" when the error is not about one key */
    char file[1024];     /**< the file it is about (the project, a track, a recording), "" */
    void *reserved[4];
} VxError;
/** Copies the last error of a call made on ctx outside a job into *out (code 0 if none).
 *  Thread-safety: any thread (see vx_last_error()). */
VX_API int vx_last_error_info(const VxContext *ctx, VxError *out);
/** A short text for an error code. Thread-safety: any thread. */
VX_API const char *vx_strerror(int code);
/** The library's version string ("1.2.3"). Thread-safety: any thread. */
VX_API const char *vx_version(void);
/** The i-th preset (from 0) of output.quality, output.resolution and output.aspect: *key is
 *  its project key, *name its value, what[n] gets what it sets. Returns 0, VX_ERR(ENOENT)
 *  past the last one. Thread-safety: any thread. */
VX_API int vx_preset_describe(int i, const char **key, const char **name, char *what, size_t n);
/** The API version of the library in use, as VX_API_VERSION (major * 1000 + minor); compare
 *  it with the VX_API_VERSION the program was built against (same major, minor >= built).
 *  Thread-safety: any thread, at any time. */
VX_API int vx_version_api(void);

/** Reads and validates a project file (docs/project-format.md). Relative paths resolve
 *  against the file's folder. On failure the message names the key and the problem, and
 *  vx_last_error_info() gives the key path, the file and the line as fields.
 *  Thread-safety: any thread. */
VX_API int vx_project_load(VxContext *ctx, const char *path, VxProject **out);
/** Same, from a JSON text; relative paths resolve against base_dir (NULL = current folder).
 *  `name` is used in messages (e.g. the file name). Thread-safety: any thread. */
VX_API int vx_project_parse(VxContext *ctx, const char *json, const char *base_dir,
                            const char *name, VxProject **out);
/** Thread-safety: once no job, preview or call uses it. */
VX_API void vx_project_free(VxProject **p);

/** What an export of a project will be (from the project and the recording's header; nothing
 *  is decoded). */
typedef struct VxOutputInfo {
    int width, height;    /**< the output's size in pixels */
    int fps_num, fps_den; /**< its constant frame rate */
    int64_t frames;       /**< the frames a whole export writes (VxProgress.total) */
    double duration_s;    /**< its duration in seconds */
    int has_audio;        /**< 1 when the export has an audio track */
    int reserved_int;
    void *reserved[6];
} VxOutputInfo;
/** Fills *out for an export of p. Thread-safety: any thread. */
VX_API int vx_project_output(VxContext *ctx, const VxProject *p, VxOutputInfo *out);
/** The project as JSON text (UTF-8, pretty-printed), as it was read with what the library
 *  resolved filled in: relative paths made absolute, and `output.width`, `output.height` and
 *  `output.fps` set to what an export writes (vx_project_output()). Loading it again gives the
 *  same export. *json is allocated: free it with vx_free(). Thread-safety: any thread. */
VX_API int vx_project_json(VxContext *ctx, const VxProject *p, char **json);
/** Frees memory the library returned (vx_project_json()). NULL is fine. Thread-safety: any. */
VX_API void vx_free(void *ptr);

/** Progress of a running job. Allocated by the library and valid during the callback only;
 *  later minor versions may add fields at its end (never allocate one). */
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

/** Thread-safety: called on the thread that runs vx_job_run() (or vx_join()), between frames,
 *  at most about 10 times a second and once more at the end; it may call vx_job_cancel(). */
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
    /** Constant rate factor; < 0 (default) = the project's output.quality (a number; a
     *  preset name there sets a bitrate instead, see docs/project-format.md). */
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
    void *reserved[6]; /**< must be NULL */
} VxExportOptions;

/** Fills *o with the defaults documented above. Thread-safety: any thread. */
VX_API void vx_default_export_options(VxExportOptions *o);

/** Prepares an export of project p with options o (both may be freed after this returns).
 *  A non-zero reserved slot is VX_ERR(EINVAL). The job has its own error (vx_job_error()):
 *  jobs of one context running at once on several threads do not mix their messages; a
 *  failure of vx_job_create() itself is the context's (vx_last_error_info()).
 *  Thread-safety: any thread. */
VX_API int vx_job_create(VxContext *ctx, const VxProject *p, const VxExportOptions *o,
                         VxJob **job);
/** Runs the export in the calling thread. Returns 0, VX_ECANCELED, or another error. On any
 *  error the output path is left untouched and the temporary removed. A job may be run again
 *  after it returned (cancelled or not): a cancel ends the run it stopped. A vx_job_cancel()
 *  made before vx_job_run() begins cancels that coming run.
 *  Thread-safety: one thread at a time per job; jobs run in parallel on other threads. */
VX_API int vx_job_run(VxJob *job);
/** Asks a running job to stop: its vx_job_run() returns VX_ECANCELED soon after (a file
 *  being opened or read is interrupted, the encoder's flush abandoned), nothing written.
 *  Thread-safety: any thread, and async-signal-safe. */
VX_API void vx_job_cancel(VxJob *job);
/** Copies the job's last error (from its last vx_job_run()) into *out; code 0 if it had none.
 *  Thread-safety: not while the job runs (the error is final once vx_job_run() returned). */
VX_API int vx_job_error(const VxJob *job, VxError *out);

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
    void *reserved[8];       /**< zero */
} VxStats;

/** Copies the statistics of the job's last vx_job_run() (zeros before it), once it has
 *  returned. Thread-safety: not while the job runs. */
VX_API int vx_job_stats(const VxJob *job, VxStats *out);
/** Thread-safety: not while the job runs. NULL is fine. */
VX_API void vx_job_free(VxJob **job);

/** Joins the chunks of an export of p (rendered with VxExportOptions.chunk_count = n_chunks,
 *  given in order, chunk 0 first) into o->output_path without re-encoding them: their video
 *  stream-copied with continuous timestamps, the audio rendered once for the whole timeline,
 *  faststart, the colour tags. Of o only output_path and the progress callback are used.
 *  Refuses (VX_ERR(EINVAL), naming the file) a missing, duplicated or misplaced chunk, and a
 *  chunk of another project or rendered with other settings. Atomic like an export.
 *  Thread-safety: any thread; the progress callback is called on it. */
VX_API int vx_join(VxContext *ctx, const VxProject *p, const char *const *chunks, int n_chunks,
                   const VxExportOptions *o);
/** vx_join() as a job: vx_job_run() joins, vx_job_cancel() stops it (VX_ECANCELED, nothing
 *  written), vx_job_stats() gives its mode ("join") and wall_s, vx_job_error() its error.
 *  vx_join() is create, run, free. Thread-safety: any thread. */
VX_API int vx_job_create_join(VxContext *ctx, const VxProject *p, const char *const *chunks,
                              int n_chunks, const VxExportOptions *o, VxJob **job);

/** Renders the composed output frame shown at time t (seconds) as RGBA into a newly
 *  allocated image (free with vx_image_free): a preview opened for this one frame; for many
 *  frames, keep a VxPreview (below). Thread-safety: any thread. */
VX_API int vx_render_frame(VxContext *ctx, const VxProject *p, double t, VxImage **out);

/** A project opened for frames at any time, as an editor scrubs (the persistent preview): it
 *  keeps the recording's decoder where it stopped (a later frame decodes forward from there;
 *  going back or far ahead seeks), the scene, and the compositor with its static picture
 *  (background, shadow) and its last output (only what changed is redrawn). Its frames are
 *  the export's. Thread-safety: one thread renders at a time per preview; vx_preview_cancel()
 *  from any thread meanwhile; previews of one context run in parallel on other threads. */
typedef struct VxPreview VxPreview;
/** Opens a preview of p (p may be freed afterwards). On failure *out is NULL and the error is
 *  the context's. Thread-safety: any thread. */
VX_API int vx_preview_open(VxContext *ctx, const VxProject *p, VxPreview **out);
/** The output's size: what vx_preview_render() wants in dst. Thread-safety: any thread. */
VX_API int vx_preview_output(const VxPreview *pv, int *width, int *height);
/** Renders the output frame shown at time t (seconds of the output; the frame that starts at
 *  or before t) into dst, which the caller owns: VX_PIX_RGBA (R, G, B, 255) or VX_PIX_NV12
 *  (the compositor's own samples), the output's width and height, any stride at least the
 *  width's bytes. VX_ECANCELED when vx_preview_cancel() stopped it (the preview stays usable:
 *  the next render opens its decoders again); other errors are in vx_preview_error().
 *  Thread-safety: one call at a time per preview. */
VX_API int vx_preview_render(VxPreview *pv, double t, VxImage *dst);
/** Makes a running (or the next) vx_preview_render() return VX_ECANCELED soon.
 *  Thread-safety: any thread, and async-signal-safe. */
VX_API void vx_preview_cancel(VxPreview *pv);
/** Copies the error of the preview's last render (code 0 if none). Thread-safety: not while
 *  it renders. */
VX_API int vx_preview_error(const VxPreview *pv, VxError *out);
/** Thread-safety: once no render runs. NULL is fine. */
VX_API void vx_preview_free(VxPreview **pv);

/** Prints what vexport sees of a media file, as text, through the callback (one line per
 *  call). Thread-safety: any thread; line_cb is called on the calling thread. */
VX_API int vx_probe(VxContext *ctx, const char *path,
                    void (*line_cb)(void *opaque, const char *line), void *opaque);

/* The layout of API major 1 on 64-bit targets (also checked by tests/api/abi.c). */
#if defined(__cplusplus) && __cplusplus >= 201103L
#define VX_STATIC_ASSERT(c, m) static_assert(c, m)
#elif !defined(__cplusplus) && defined(__STDC_VERSION__) && __STDC_VERSION__ >= 201112L
#define VX_STATIC_ASSERT(c, m) _Static_assert(c, m)
#else /* C99: checked by tests/api/abi.c only; a declaration that does nothing */
#define VX_STATIC_ASSERT(c, m) struct vx_static_assert_unchecked
#endif
#if UINTPTR_MAX == 0xffffffffffffffffu
VX_STATIC_ASSERT(sizeof(VxSettings) == 96, "VxSettings changed size: ABI break (API major)");
VX_STATIC_ASSERT(sizeof(VxExportOptions) == 144, "VxExportOptions changed size: ABI break");
VX_STATIC_ASSERT(sizeof(VxStats) == 240, "VxStats changed size: ABI break");
VX_STATIC_ASSERT(sizeof(VxError) == 2344, "VxError changed size: ABI break");
VX_STATIC_ASSERT(sizeof(VxOutputInfo) == 88, "VxOutputInfo changed size: ABI break");
VX_STATIC_ASSERT(sizeof(VxImage) == 80, "VxImage changed size: ABI break");
VX_STATIC_ASSERT(sizeof(VxColorSpec) == 12, "VxColorSpec changed size: ABI break");
#endif

#ifdef __cplusplus
}
#endif

#endif
