/* Public entry points: context, settings, jobs, preview frames, probing. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <libavutil/display.h>
#include <libavutil/hwcontext.h>
#include <libavutil/pixdesc.h>

#include "internal.h"
#include "media.h"
#include "media_picture.h"
#include "mux.h"
#include "pipeline.h"


struct VxJob {
    VxContext *ctx;   /* the embedder's context */
    VxContext jctx;   /* the job's copy of it: its own last error (vx_job_error) */
    VxProject *p;
    VxExportOptions o;
    char *output, *encoder, *preset, *hwaccel;
    char **opts;
    char **chunks; /* a join's (vx_job_create_join), n_chunks of them; NULL for an export */
    int n_chunks;
    VxCancel cancel;
    VxStats stats;
};

void vx_default_settings(VxSettings *s)
{
    if (!s)
        return;
    memset(s, 0, sizeof(*s));
    s->cpu_mask = ~0u;
    s->log_level = VX_LOG_INFO;
}

const char *vx_version(void)
{
    return VEXPORT_VERSION_STRING;
}

int vx_version_api(void)
{
    return VX_API_VERSION;
}

/* The context FFmpeg's log goes to (VX_FFMPEG_LOG_ROUTE): FFmpeg has one log callback per
 * process, so the last context opened with ROUTE gets it, until it is closed. */
static _Atomic(VxContext *) g_av_log_ctx;

static void av_log_route(void *avcl, int level, const char *fmt, va_list ap)
{
    (void)avcl;
    VxContext *ctx = atomic_load(&g_av_log_ctx);
    if (!ctx || level > av_log_get_level())
        return;
    char buf[VX_ERRBUF];
    vsnprintf(buf, sizeof(buf), fmt, ap);
    size_t n = strlen(buf);
    while (n && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
        buf[--n] = 0;
    if (n)
        vx_log(ctx, level <= AV_LOG_ERROR ? VX_LOG_WARNING : VX_LOG_DEBUG, "ffmpeg: %s", buf);
}

/* Reserved slots must be zero, so that a later minor version can give them a meaning. */
static int reserved_zero(void *const *slots, int n)
{
    for (int i = 0; i < n; i++)
        if (slots[i])
            return 0;
    return 1;
}

int vx_open(VxContext **pctx, const VxSettings *s)
{
    if (!pctx)
        return VX_ERR(EINVAL);
    *pctx = NULL;
    if (s && (s->threads < 0 || s->threads > 256 || s->reserved_int ||
              !reserved_zero(s->reserved, 6) || s->ffmpeg_log < VX_FFMPEG_LOG_UNTOUCHED ||
              s->ffmpeg_log > VX_FFMPEG_LOG_ROUTE))
        return VX_ERR(EINVAL);
    VxContext *ctx = calloc(1, sizeof(*ctx));
    if (!ctx)
        return VX_ERR(ENOMEM);
    if (s)
        ctx->s = *s;
    else
        vx_default_settings(&ctx->s);
    ctx->cpu_flags = vx_cpu_effective(ctx->s.cpu_mask);
    if (ctx->s.ffmpeg_log == VX_FFMPEG_LOG_QUIET) {
        av_log_set_level(AV_LOG_QUIET);
    } else if (ctx->s.ffmpeg_log == VX_FFMPEG_LOG_ROUTE) {
        atomic_store(&g_av_log_ctx, ctx);
        av_log_set_callback(av_log_route);
    }
    *pctx = ctx;
    return 0;
}

void vx_close(VxContext **ctx)
{
    if (!ctx || !*ctx)
        return;
    VxContext *expected = *ctx;
    if (atomic_compare_exchange_strong(&g_av_log_ctx, &expected, NULL))
        av_log_set_callback(av_log_default_callback);
    free(*ctx);
    *ctx = NULL;
}

const char *vx_last_error(const VxContext *ctx)
{
    return ctx ? ctx->err.message : "";
}

int vx_last_error_info(const VxContext *ctx, VxError *out)
{
    if (!ctx || !out)
        return VX_ERR(EINVAL);
    *out = ctx->err;
    return 0;
}

int vx_job_error(const VxJob *j, VxError *out)
{
    if (!j || !out)
        return VX_ERR(EINVAL);
    *out = j->jctx.err;
    return 0;
}

void vx_default_export_options(VxExportOptions *o)
{
    if (!o)
        return;
    memset(o, 0, sizeof(*o));
    o->crf = -1;
}

static char *dup_or_null(const char *s, int *bad)
{
    if (!s)
        return NULL;
    char *d = strdup(s);
    if (!d)
        *bad = 1;
    return d;
}

/* Refuses to overwrite one of the inputs. */
static int check_not_input(VxContext *ctx, const char *out, const char *in)
{
    struct stat a, b;
    if (in && stat(out, &a) == 0 && stat(in, &b) == 0 && a.st_dev == b.st_dev &&
        a.st_ino == b.st_ino)
        return vx_fail(ctx, VX_ERR(EINVAL), "%s: the output would overwrite the input %s", out, in);
    return 0;
}

/* A file the project names must exist and be readable, whatever path the export takes. */
static int check_input(VxContext *ctx, const char *key, const char *path)
{
    struct stat st;
    if (!path)
        return 0;
    if (stat(path, &st) != 0)
        return vx_fail(ctx, VX_ERR(errno), "%s: %s: %s", key, path,
                       errno == ENOENT ? "file not found" : strerror(errno));
    if (S_ISDIR(st.st_mode))
        return vx_fail(ctx, VX_ERR(EISDIR), "%s: %s: is a folder, not a file", key, path);
    return 0;
}

/* A job of ctx on a copy of p, with its own error and cancel token; *bad set when the copy
 * failed (the job is freed by the caller then). */
static VxJob *job_alloc(VxContext *ctx, const VxProject *p, int *bad)
{
    VxJob *j = calloc(1, sizeof(*j));
    if (!j)
        return NULL;
    j->ctx = ctx;
    j->jctx = *ctx;
    memset(&j->jctx.err, 0, sizeof(j->jctx.err));
    vx_cancel_init(&j->cancel);
    *bad |= vx_project_clone(p, &j->p) < 0;
    return j;
}

int vx_job_create(VxContext *ctx, const VxProject *p, const VxExportOptions *o, VxJob **out)
{
    if (!ctx || !p || !o || !out)
        return VX_ERR(EINVAL);
    *out = NULL;
    if (!reserved_zero(o->reserved, 6))
        return vx_fail(ctx, VX_ERR(EINVAL), "export options: a reserved slot is not zero "
                       "(start from vx_default_export_options())");
    if (!o->output_path || !*o->output_path)
        return vx_fail(ctx, VX_ERR(EINVAL), "no output file given (output_path)");
    if (o->n_encoder_opts < 0 || (o->n_encoder_opts && !o->encoder_opts))
        return vx_fail(ctx, VX_ERR(EINVAL), "export options: n_encoder_opts %d without as "
                       "many encoder_opts", o->n_encoder_opts);
    if (o->threads < 0 || o->bitrate < 0)
        return vx_fail(ctx, VX_ERR(EINVAL), "export options: threads %d, bitrate %lld: neither "
                       "may be negative", o->threads, (long long)o->bitrate);
    if (o->chunk_count < 0 || (o->chunk_count && (o->chunk_index < 0 ||
                                                  o->chunk_index >= o->chunk_count)))
        return vx_fail(ctx, VX_ERR(EINVAL), "chunk %d/%d: expected 0 <= I < N", o->chunk_index,
                       o->chunk_count);
    if (o->hwaccel && strcmp(o->hwaccel, "auto") && strcmp(o->hwaccel, "none") &&
        av_hwdevice_find_type_by_name(o->hwaccel) == AV_HWDEVICE_TYPE_NONE) {
        char names[256] = "";
        for (enum AVHWDeviceType t = AV_HWDEVICE_TYPE_NONE;
             (t = av_hwdevice_iterate_types(t)) != AV_HWDEVICE_TYPE_NONE;)
            snprintf(names + strlen(names), sizeof(names) - strlen(names), " %s",
                     av_hwdevice_get_type_name(t));
        return vx_fail(ctx, VX_ERR(EINVAL), "hwaccel '%s' is unknown: use auto, none or one "
                       "this FFmpeg supports:%s", o->hwaccel, *names ? names : " (none)");
    }
    int ret;
    const char *inputs[4 + 16] = {p->screen, p->bg_image, p->cursor.track, p->camera.path};
    const char *keys[4 + 16] = {"sources.screen", "background.path", "sources.cursor",
                                "sources.camera"};
    char track_keys[16][32];
    int n_in = 4;
    for (int i = 0; i < p->n_tracks && i < 16; i++) {
        snprintf(track_keys[i], sizeof(track_keys[i]), "sources.audio[%d]", i);
        keys[n_in] = track_keys[i];
        inputs[n_in++] = p->tracks[i].path;
    }
    for (int i = 0; i < n_in; i++)
        if ((ret = check_input(ctx, keys[i], inputs[i])) < 0)
            return ret;
    for (int i = 0; i < n_in; i++)
        if ((ret = check_not_input(ctx, o->output_path, inputs[i])) < 0)
            return ret;
    struct stat ost;
    if (stat(o->output_path, &ost) == 0 && S_ISDIR(ost.st_mode))
        return vx_fail(ctx, VX_ERR(EISDIR), "%s: is a folder; the output must be a file name",
                       o->output_path);
    int bad = 0;
    VxJob *j = job_alloc(ctx, p, &bad);
    if (!j)
        return VX_ERR(ENOMEM);
    j->o = *o;
    j->output = dup_or_null(o->output_path, &bad);
    j->encoder = dup_or_null(o->encoder, &bad);
    j->preset = dup_or_null(o->preset, &bad);
    j->hwaccel = dup_or_null(o->hwaccel, &bad);
    if (o->n_encoder_opts) {
        j->opts = calloc((size_t)o->n_encoder_opts, sizeof(*j->opts));
        bad |= !j->opts;
        for (int i = 0; j->opts && i < o->n_encoder_opts; i++)
            j->opts[i] = dup_or_null(o->encoder_opts[i], &bad);
    }
    if (bad) {
        vx_job_free(&j);
        return VX_ERR(ENOMEM);
    }
    j->o.output_path = j->output;
    j->o.encoder = j->encoder;
    j->o.preset = j->preset;
    j->o.hwaccel = j->hwaccel;
    j->o.encoder_opts = (const char *const *)j->opts;
    *out = j;
    return 0;
}

int vx_job_create_join(VxContext *ctx, const VxProject *p, const char *const *chunks,
                       int n_chunks, const VxExportOptions *o, VxJob **out)
{
    if (!ctx || !p || !o || !out || n_chunks < 0 || (n_chunks > 0 && !chunks))
        return VX_ERR(EINVAL);
    *out = NULL;
    if (!o->output_path || !*o->output_path)
        return vx_fail(ctx, VX_ERR(EINVAL), "no output file given");
    if (n_chunks < 1)
        return vx_fail(ctx, VX_ERR(EINVAL), "no chunks given to join");
    int bad = 0;
    VxJob *j = job_alloc(ctx, p, &bad);
    if (!j)
        return VX_ERR(ENOMEM);
    vx_default_export_options(&j->o); /* of o, only the output and the progress are used */
    j->output = dup_or_null(o->output_path, &bad);
    j->o.output_path = j->output;
    j->o.progress_cb = o->progress_cb;
    j->o.progress_opaque = o->progress_opaque;
    j->chunks = calloc((size_t)n_chunks, sizeof(*j->chunks));
    j->n_chunks = j->chunks ? n_chunks : 0;
    bad |= !j->chunks;
    for (int i = 0; i < j->n_chunks; i++)
        j->chunks[i] = dup_or_null(chunks[i], &bad);
    if (bad) {
        vx_job_free(&j);
        return VX_ERR(ENOMEM);
    }
    *out = j;
    return 0;
}

int vx_join(VxContext *ctx, const VxProject *p, const char *const *chunks, int n_chunks,
            const VxExportOptions *o)
{
    VxJob *j = NULL;
    int ret = vx_job_create_join(ctx, p, chunks, n_chunks, o, &j);
    if (ret >= 0)
        ret = vx_job_run(j);
    if (ret < 0 && j)
        ctx->err = j->jctx.err; /* the caller reads it with vx_last_error(ctx) */
    vx_job_free(&j);
    return ret;
}

int vx_job_run(VxJob *j)
{
    if (!j)
        return VX_ERR(EINVAL);
    memset(&j->jctx.err, 0, sizeof(j->jctx.err));
    /* what the run opens on this thread (containers, the camera's and audio's threads) takes
     * the job's token from here: a stalled read or wait returns on cancel */
    const VxCancel *outer = vx_cancel_enter(&j->cancel);
    int ret;
    if (j->chunks) {
        const double t0 = vx_now_s();
        memset(&j->stats, 0, sizeof(j->stats));
        ret = vx_join_run(&j->jctx, j->p, (const char *const *)j->chunks, j->n_chunks, &j->o,
                          &j->cancel);
        j->stats.mode = "join";
        j->stats.wall_s = vx_now_s() - t0;
    } else {
        ret = vx_pipeline_run(&j->jctx, j->p, &j->o, &j->cancel, &j->stats);
    }
    vx_cancel_enter(outer);
    /* a read interrupted by the cancel fails where it was (a stream's probe, a track, the
     * camera) with that stage's error: the run was cancelled all the same */
    if (ret < 0 && ret != VX_ECANCELED && vx_cancel_is_set(&j->cancel))
        ret = vx_fail(&j->jctx, VX_ECANCELED, "%s cancelled", j->chunks ? "join" : "export");
    /* a cancel ends one run: the job can be run again afterwards. Cleared at the end, not at
     * the start, so that a cancel made just before the run begins (a signal) is not lost. */
    vx_cancel_reset(&j->cancel);
    return ret;
}

int vx_job_stats(const VxJob *j, VxStats *out)
{
    if (!j || !out)
        return VX_ERR(EINVAL);
    *out = j->stats;
    return 0;
}

void vx_job_cancel(VxJob *j)
{
    if (j)
        vx_cancel_set(&j->cancel);
}

void vx_job_free(VxJob **pj)
{
    if (!pj || !*pj)
        return;
    VxJob *j = *pj;
    vx_project_free(&j->p);
    free(j->output);
    free(j->encoder);
    free(j->preset);
    free(j->hwaccel);
    for (int i = 0; j->opts && i < j->o.n_encoder_opts; i++)
        free(j->opts[i]);
    free(j->opts);
    for (int i = 0; j->chunks && i < j->n_chunks; i++)
        free(j->chunks[i]);
    free(j->chunks);
    free(j);
    *pj = NULL;
}

static const char *color_desc(int v, const char *(*name)(int))
{
    const char *n = name(v);
    return n ? n : "unknown";
}

static const char *prim_name(int v) { return av_color_primaries_name(v); }
static const char *trc_name(int v) { return av_color_transfer_name(v); }
static const char *spc_name(int v) { return av_color_space_name(v); }
static const char *rng_name(int v) { return av_color_range_name(v); }

int vx_probe(VxContext *ctx, const char *path, void (*line_cb)(void *, const char *), void *opaque)
{
    char line[512];
    if (!ctx || !path || !line_cb)
        return VX_ERR(EINVAL);
    AVFormatContext *fmt = NULL;
    int ret = vx_media_open_input(ctx, path, "a media file", &fmt);
    if (ret < 0)
        return ret;
    if ((ret = avformat_find_stream_info(fmt, NULL)) < 0) {
        avformat_close_input(&fmt);
        return vx_fail(ctx, VX_ERR(EINVAL), "%s: cannot read stream information", path);
    }
    snprintf(line, sizeof(line), "%s: %s, duration %.3f s, %u stream%s", path,
             fmt->iformat->long_name ? fmt->iformat->long_name : fmt->iformat->name,
             fmt->duration > 0 ? fmt->duration / (double)AV_TIME_BASE : 0.0, fmt->nb_streams,
             fmt->nb_streams == 1 ? "" : "s");
    line_cb(opaque, line);
    for (unsigned i = 0; i < fmt->nb_streams; i++) {
        const AVStream *st = fmt->streams[i];
        const AVCodecParameters *cp = st->codecpar;
        double dur = st->duration > 0 ? st->duration * av_q2d(st->time_base) : 0;
        if (cp->codec_type == AVMEDIA_TYPE_VIDEO) {
            AVRational fr = st->avg_frame_rate.num ? st->avg_frame_rate : st->r_frame_rate;
            const uint8_t *dm = av_stream_get_side_data(st, AV_PKT_DATA_DISPLAYMATRIX, NULL);
            char rot[48] = "";
            if (dm)
                snprintf(rot, sizeof(rot), ", rotation %.0f",
                         -av_display_rotation_get((const int32_t *)dm));
            snprintf(line, sizeof(line),
                     "  stream %u: video %s %dx%d %s, %.3f fps, %.3f s, primaries %s, transfer %s, "
                     "matrix %s, range %s%s",
                     i, avcodec_get_name(cp->codec_id), cp->width, cp->height,
                     cp->format >= 0 ? av_get_pix_fmt_name(cp->format) : "?",
                     fr.den ? av_q2d(fr) : 0.0, dur, color_desc(cp->color_primaries, prim_name),
                     color_desc(cp->color_trc, trc_name), color_desc(cp->color_space, spc_name),
                     color_desc(cp->color_range, rng_name), rot);
        } else if (cp->codec_type == AVMEDIA_TYPE_AUDIO) {
            snprintf(line, sizeof(line), "  stream %u: audio %s %d Hz, %d channel%s, %.3f s", i,
                     avcodec_get_name(cp->codec_id), cp->sample_rate, cp->ch_layout.nb_channels,
                     cp->ch_layout.nb_channels == 1 ? "" : "s", dur);
        } else {
            snprintf(line, sizeof(line), "  stream %u: %s %s", i,
                     av_get_media_type_string(cp->codec_type) ? av_get_media_type_string(cp->codec_type) : "data",
                     avcodec_get_name(cp->codec_id));
        }
        line_cb(opaque, line);
    }
    avformat_close_input(&fmt);
    return 0;
}
