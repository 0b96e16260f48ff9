/* vexport join: the chunks of an export (rendered apart with --chunk I/N, src/chunk.c) made
 * into the export, without re-encoding: their video packets copied with their timestamps moved
 * to the chunk's place on the timeline, the audio rendered once for the whole timeline
 * (audio.c, as a one-machine export does), faststart and the colour tags (copied with the
 * codec parameters). What is not a complete, ordered set of chunks of this project with the
 * same settings is refused, naming the file. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "audio.h"
#include "averror.h"
#include "chunk.h"
#include "internal.h"
#include "media.h"
#include "pipeline.h"
#include "source.h"

typedef struct Part {
    const char *path;
    AVFormatContext *in;
    int vidx;           /* its video stream */
    int idx, cnt;       /* chunk idx of cnt */
    const char *fp;     /* its fingerprint (project and settings) */
    int64_t first, end; /* the output frames it holds, by its tag */
} Part;

typedef struct Out {
    VxMuxer *mux;
    AVRational tb;
    int idx;
    const VxCancel *cancel; /* a cancelled join takes no more packets */
} Out;

static int write_out(void *opaque, AVPacket *pkt)
{
    Out *o = opaque;
    if (vx_cancel_is_set(o->cancel))
        return VX_ECANCELED;
    return vx_muxer_write(o->mux, o->idx, pkt, o->tb);
}

/* Opens chunk file pt->path and reads its tags; checks that it is a chunk of p. */
static int open_part(VxContext *ctx, const char *project_hex, Part *pt)
{
    char eb[128];
    int ret = vx_media_alloc_input(&pt->in);
    if (ret >= 0)
        ret = avformat_open_input(&pt->in, pt->path, NULL, NULL);
    if (ret < 0 && vx_cancel_is_set(vx_cancel_current()))
        return VX_ECANCELED;
    if (ret < 0 || (ret = avformat_find_stream_info(pt->in, NULL)) < 0)
        return vx_fail(ctx, ret == AVERROR(ENOENT) ? VX_ERR(ENOENT) : VX_ERR(EINVAL),
                       "%s: cannot read the chunk: %s", pt->path,
                       ret == AVERROR(ENOENT) ? "file not found" : vx_averr(ret, eb, sizeof(eb)));
    const AVDictionaryEntry *c = av_dict_get(pt->in->metadata, VX_TAG_CHUNK, NULL, 0),
                            *f = av_dict_get(pt->in->metadata, VX_TAG_FINGERPRINT, NULL, 0),
                            *pr = av_dict_get(pt->in->metadata, VX_TAG_PROJECT, NULL, 0),
                            *fr = av_dict_get(pt->in->metadata, VX_TAG_FRAMES, NULL, 0);
    char tail;
    if (!c || !f || !pr || !fr || sscanf(c->value, "%d/%d%c", &pt->idx, &pt->cnt, &tail) != 2 ||
        pt->cnt < 1 || pt->idx < 0 || pt->idx >= pt->cnt ||
        sscanf(fr->value, "%" SCNd64 "-%" SCNd64 "%c", &pt->first, &pt->end, &tail) != 2)
        return vx_fail(ctx, VX_ERR(EINVAL), "%s: not a chunk of an export (no %s tag: chunks "
                       "are made by `vexport render PROJECT --chunk I/N`)", pt->path, VX_TAG_CHUNK);
    if (strcmp(pr->value, project_hex))
        return vx_fail(ctx, VX_ERR(EINVAL), "%s: a chunk of another project (project "
                       "fingerprint %.12s, this project's %.12s): render it again from this "
                       "project", pt->path, pr->value, project_hex);
    pt->fp = f->value;
    pt->vidx = av_find_best_stream(pt->in, AVMEDIA_TYPE_VIDEO, -1, -1, NULL, 0);
    if (pt->vidx < 0)
        return vx_fail(ctx, VX_ERR(EINVAL), "%s: the chunk has no video", pt->path);
    return 0;
}

/* The set of chunks: one of each, in order, all rendered alike. */
static int check_set(VxContext *ctx, const Part *pt, int n, const VxTimeline *tl)
{
    const int cnt = pt[0].cnt;
    for (int i = 1; i < n; i++) {
        if (pt[i].cnt != cnt)
            return vx_fail(ctx, VX_ERR(EINVAL), "%s: chunk %d of %d, but %s is a chunk of %d: "
                           "all chunks must come from one split", pt[i].path, pt[i].idx,
                           pt[i].cnt, pt[0].path, cnt);
        if (strcmp(pt[i].fp, pt[0].fp))
            return vx_fail(ctx, VX_ERR(EINVAL), "%s: rendered with other settings than %s "
                           "(fingerprint %.12s, not %.12s: the encoder, preset, quality, "
                           "encoder options or vexport version differ)", pt[i].path,
                           pt[0].path, pt[i].fp, pt[0].fp);
    }
    for (int i = 1; i < n; i++)
        for (int j = 0; j < i; j++)
            if (pt[i].idx == pt[j].idx)
                return vx_fail(ctx, VX_ERR(EINVAL), "%s: duplicates chunk %d/%d, already given "
                               "as %s", pt[i].path, pt[i].idx, cnt, pt[j].path);
    for (int k = 0; k < cnt; k++) {
        int found = -1, before = -1, after = -1;
        for (int i = 0; i < n; i++) {
            if (pt[i].idx == k)
                found = i;
            if (pt[i].idx < k && (before < 0 || pt[i].idx > pt[before].idx))
                before = i;
            if (pt[i].idx > k && (after < 0 || pt[i].idx < pt[after].idx))
                after = i;
        }
        if (found < 0) {
            char where[512];
            if (before >= 0 && after >= 0)
                snprintf(where, sizeof(where), "between %s (chunk %d) and %s (chunk %d)",
                         pt[before].path, pt[before].idx, pt[after].path, pt[after].idx);
            else if (before >= 0)
                snprintf(where, sizeof(where), "after %s (chunk %d), the last given",
                         pt[before].path, pt[before].idx);
            else
                snprintf(where, sizeof(where), "before %s (chunk %d), the first given",
                         pt[after].path, pt[after].idx);
            return vx_fail(ctx, VX_ERR(EINVAL), "chunk %d/%d is missing, %s: none of the %d "
                           "files given is it", k, cnt, where, n);
        }
    }
    for (int i = 0; i < n; i++)
        if (pt[i].idx != i)
            return vx_fail(ctx, VX_ERR(EINVAL), "%s: chunk %d/%d given in place %d: give the "
                           "chunks in order, chunk 0 first", pt[i].path, pt[i].idx, cnt, i);
    if (cnt > tl->frames)
        return vx_fail(ctx, VX_ERR(EINVAL), "%s: one of %d chunks, but this project's export "
                       "has only %" PRId64 " frames", pt[0].path, cnt, tl->frames);
    const AVCodecParameters *c0 = pt[0].in->streams[pt[0].vidx]->codecpar;
    for (int i = 0; i < n; i++) {
        int64_t first, end;
        vx_chunk_range(tl->frames, i, cnt, &first, &end);
        if (pt[i].first != first || pt[i].end != end)
            return vx_fail(ctx, VX_ERR(EINVAL), "%s: holds output frames %" PRId64 "-%" PRId64
                           ", but chunk %d/%d of this project is frames %" PRId64 "-%" PRId64
                           " (did the recording change?)", pt[i].path, pt[i].first,
                           pt[i].end - 1, i, cnt, first, end - 1);
        const AVCodecParameters *c = pt[i].in->streams[pt[i].vidx]->codecpar;
        if (c->codec_id != c0->codec_id || c->width != c0->width || c->height != c0->height ||
            c->extradata_size != c0->extradata_size ||
            (c->extradata_size && memcmp(c->extradata, c0->extradata, (size_t)c->extradata_size)))
            return vx_fail(ctx, VX_ERR(EINVAL), "%s: its video was encoded with other "
                           "parameters than %s's (another encoder, or its settings differ): "
                           "render the chunks with the same encoder", pt[i].path, pt[0].path);
    }
    return 0;
}

/* Copies the video packets of chunk pt, moved to its place (frame pt->first), and the audio
 * up to where they reach. */
static int copy_part(VxContext *ctx, const Part *pt, Out *vout, VxAudio *aud, Out *aout,
                     int64_t *last_dts, int64_t *frames, const VxExportOptions *o,
                     VxProgress *pr, double t0)
{
    AVPacket *pkt = av_packet_alloc();
    if (!pkt)
        return VX_ERR(ENOMEM);
    const AVRational itb = pt->in->streams[pt->vidx]->time_base;
    int64_t count = 0;
    int ret;
    while ((ret = av_read_frame(pt->in, pkt)) >= 0) {
        if (pkt->stream_index != pt->vidx) {
            av_packet_unref(pkt);
            continue;
        }
        if (count == 0 && !(pkt->flags & AV_PKT_FLAG_KEY)) {
            av_packet_unref(pkt);
            ret = vx_fail(ctx, VX_ERR(EINVAL), "%s: does not start with a keyframe", pt->path);
            goto end;
        }
        const enum AVRounding rnd = AV_ROUND_NEAR_INF | AV_ROUND_PASS_MINMAX;
        pkt->pts = av_rescale_q_rnd(pkt->pts, itb, vout->tb, rnd);
        pkt->dts = av_rescale_q_rnd(pkt->dts, itb, vout->tb, rnd);
        pkt->duration = av_rescale_q(pkt->duration, itb, vout->tb);
        if (pkt->pts != AV_NOPTS_VALUE)
            pkt->pts += pt->first;
        if (pkt->dts != AV_NOPTS_VALUE)
            pkt->dts += pt->first;
        if (pkt->dts != AV_NOPTS_VALUE && *last_dts != AV_NOPTS_VALUE && pkt->dts <= *last_dts) {
            av_packet_unref(pkt);
            ret = vx_fail(ctx, VX_ERR(EINVAL), "%s: its frames would be decoded before the "
                          "previous chunk's last (decoding delays differ between the chunks)",
                          pt->path);
            goto end;
        }
        if (pkt->dts != AV_NOPTS_VALUE)
            *last_dts = pkt->dts;
        const double t = pkt->pts * av_q2d(vout->tb);
        pkt->pos = -1;
        ret = write_out(vout, pkt);
        av_packet_unref(pkt);
        if (ret < 0)
            goto end;
        count++;
        if (aud && (ret = vx_audio_pull(aud, t + 0.5, write_out, aout)) < 0)
            goto end;
        if (o->progress_cb) {
            pr->frame = *frames + count;
            pr->elapsed_s = vx_now_s() - t0;
            pr->fps = pr->elapsed_s > 0 ? pr->frame / pr->elapsed_s : 0;
            pr->eta_s = pr->fps > 0 ? (pr->total - pr->frame) / pr->fps : -1;
            o->progress_cb(o->progress_opaque, pr);
        }
    }
    if (ret != AVERROR_EOF && vx_cancel_is_set(aout->cancel)) {
        ret = VX_ECANCELED; /* the read was interrupted */
        goto end;
    }
    if (ret != AVERROR_EOF) {
        char eb[128];
        ret = vx_fail(ctx, VX_ERR(EIO), "%s: read error: %s", pt->path,
                      vx_averr(ret, eb, sizeof(eb)));
        goto end;
    }
    if (count != pt->end - pt->first) {
        ret = vx_fail(ctx, VX_ERR(EINVAL), "%s: holds %" PRId64 " frames, not the %" PRId64
                      " of chunk %d/%d (a damaged or unfinished chunk)", pt->path, count,
                      pt->end - pt->first, pt->idx, pt->cnt);
        goto end;
    }
    *frames += count;
    ret = 0;
end:
    av_packet_free(&pkt);
    return ret;
}

/* The output must not be one of the chunks (nor the project's inputs: vx_job_create's
 * rule). */
static int check_output(VxContext *ctx, const char *out, const char *const *chunks, int n,
                        const char *screen)
{
    struct stat a, b;
    if (stat(out, &a) != 0)
        return 0;
    if (S_ISDIR(a.st_mode))
        return vx_fail(ctx, VX_ERR(EISDIR), "%s: is a folder; the output must be a file name", out);
    for (int i = 0; i <= n; i++) {
        const char *in = i < n ? chunks[i] : screen;
        if (in && stat(in, &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino)
            return vx_fail(ctx, VX_ERR(EINVAL), "%s: the output would overwrite the input %s",
                           out, in);
    }
    return 0;
}

int vx_join_run(VxContext *ctx, const VxProject *p, const char *const *chunks, int n,
                const VxExportOptions *o, const VxCancel *cancel)
{
    if (!ctx || !p || !o || (n > 0 && !chunks))
        return VX_ERR(EINVAL);
    if (!o->output_path || !*o->output_path)
        return vx_fail(ctx, VX_ERR(EINVAL), "no output file given");
    if (n < 1)
        return vx_fail(ctx, VX_ERR(EINVAL), "no chunks given to join");
    const double t0 = vx_now_s();
    VxSource *src = NULL;
    VxMuxer *mux = NULL;
    VxAudio *aud = NULL;
    VxTimeline tl = {0};
    char ph[65];
    Part *pt = calloc((size_t)n, sizeof(*pt));
    int ret = pt ? 0 : VX_ERR(ENOMEM);
    if (ret < 0)
        return ret;
    if ((ret = vx_project_digest_hex(p, ph)) < 0) {
        free(pt);
        return ret;
    }
    for (int i = 0; i < n; i++) {
        pt[i].path = chunks[i];
        if ((ret = open_part(ctx, ph, &pt[i])) < 0)
            goto end;
    }
    if ((ret = check_output(ctx, o->output_path, chunks, n, p->screen)) < 0 ||
        (ret = vx_source_open(ctx, p->screen, &src)) < 0 ||
        (ret = vx_timeline_init(ctx, p, vx_source_info(src), &tl)) < 0 ||
        (ret = check_set(ctx, pt, n, &tl)) < 0)
        goto end;
    if ((ret = vx_muxer_open(ctx, o->output_path, NULL, &mux)) < 0)
        goto end;
    /* the video's time base is the encoder's, as in a one-machine export: 1/fps */
    Out vout = {mux, (AVRational){tl.fps.den, tl.fps.num}, 0, cancel};
    if ((ret = vx_muxer_add_stream(mux, pt[0].in->streams[pt[0].vidx]->codecpar, vout.tb)) < 0 ||
        (ret = vx_audio_open(ctx, p, vx_source_info(src), &tl, vx_muxer_format(mux), &aud)) < 0)
        goto end;
    Out aout = {mux, aud ? vx_audio_time_base(aud) : (AVRational){1, 1}, 1, cancel};
    if ((aud && (ret = vx_muxer_add_stream(mux, vx_audio_codecpar(aud), aout.tb)) < 0) ||
        (ret = vx_muxer_start(mux)) < 0)
        goto end;
    vx_log(ctx, VX_LOG_VERBOSE, "join: %d chunks, %" PRId64 " frames at %d/%d fps, %s", n,
           tl.frames, tl.fps.num, tl.fps.den, aud ? "the audio rendered for the whole timeline"
                                                   : "no audio");
    VxProgress pr = {0};
    pr.total = tl.frames;
    pr.mode = "join";
    pr.duration_s = tl.frames * ((double)tl.fps.den / tl.fps.num);
    int64_t last_dts = AV_NOPTS_VALUE, frames = 0;
    for (int i = 0; i < n; i++)
        if ((ret = copy_part(ctx, &pt[i], &vout, aud, &aout, &last_dts, &frames, o, &pr, t0)) < 0)
            goto end;
    if ((aud && (ret = vx_audio_pull(aud, tl.duration + 10, write_out, &aout)) < 0))
        goto end;
    if (vx_cancel_is_set(cancel)) {
        ret = VX_ECANCELED;
        goto end;
    }
    if ((ret = vx_muxer_finish(mux)) < 0)
        goto end;
    if (o->progress_cb) {
        pr.frame = frames;
        pr.elapsed_s = vx_now_s() - t0;
        pr.fps = pr.elapsed_s > 0 ? frames / pr.elapsed_s : 0;
        pr.eta_s = 0;
        pr.done = 1;
        o->progress_cb(o->progress_opaque, &pr);
    }
    ret = 0;
end:
    if (ret == VX_ECANCELED)
        vx_fail(ctx, ret, "join cancelled");
    vx_audio_close(&aud);
    vx_muxer_close(&mux);
    vx_timeline_free(&tl);
    vx_source_close(&src);
    for (int i = 0; i < n; i++)
        avformat_close_input(&pt[i].in);
    free(pt);
    return ret;
}
