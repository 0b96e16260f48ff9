/* Audio: the recording's own track (or a separate file) carried into the output in sync —
 * copied when the container can hold its codec, otherwise decoded, resampled
 * (libswresample) and encoded as AAC 48 kHz. Trimmed to the video's duration. */
#include <string.h>

#include <libavutil/audio_fifo.h>
#include <libavutil/channel_layout.h>
#include <libswresample/swresample.h>

#include "internal.h"

#define AAC_RATE 48000

struct VxAudio {
    VxContext *ctx;
    char *path;
    AVFormatContext *fmt;
    int idx;
    AVRational itb;
    int64_t start_ts; /* the video's first frame, in itb */
    double duration;
    int copy;
    AVCodecParameters *par;
    AVRational tb;
    AVPacket *pkt;
    int eof;
    /* transcoding */
    AVCodecContext *dec, *enc;
    SwrContext *swr;
    AVAudioFifo *fifo;
    AVFrame *frm, *efrm;
    int64_t next_pts; /* in samples at AAC_RATE */
    int started;
    int flushed;
    int64_t end_samples;
};

void vx_audio_close(VxAudio **pa)
{
    if (!pa || !*pa)
        return;
    VxAudio *a = *pa;
    avformat_close_input(&a->fmt);
    avcodec_parameters_free(&a->par);
    av_packet_free(&a->pkt);
    avcodec_free_context(&a->dec);
    avcodec_free_context(&a->enc);
    swr_free(&a->swr);
    if (a->fifo)
        av_audio_fifo_free(a->fifo);
    av_frame_free(&a->frm);
    av_frame_free(&a->efrm);
    free(a->path);
    free(a);
    *pa = NULL;
}

static int open_transcode(VxAudio *a, AVStream *st)
{
    char eb[128];
    const AVCodec *dc = avcodec_find_decoder(st->codecpar->codec_id);
    const AVCodec *ec = avcodec_find_encoder(AV_CODEC_ID_AAC);
    if (!dc)
        return vx_fail(a->ctx, VX_ERR(EINVAL), "%s: no decoder for its audio codec", a->path);
    if (!ec)
        return vx_fail(a->ctx, VX_ERR(ENOSYS), "no AAC encoder in this FFmpeg");
    a->dec = avcodec_alloc_context3(dc);
    a->enc = avcodec_alloc_context3(ec);
    a->frm = av_frame_alloc();
    a->efrm = av_frame_alloc();
    if (!a->dec || !a->enc || !a->frm || !a->efrm)
        return VX_ERR(ENOMEM);
    avcodec_parameters_to_context(a->dec, st->codecpar);
    a->dec->pkt_timebase = st->time_base;
    int ret = avcodec_open2(a->dec, dc, NULL);
    if (ret < 0)
        return vx_fail(a->ctx, VX_ERR(EINVAL), "%s: cannot decode its audio: %s", a->path,
                       vx_averr(ret, eb, sizeof(eb)));
    int ch = a->dec->ch_layout.nb_channels >= 2 ? 2 : 1;
    av_channel_layout_default(&a->enc->ch_layout, ch);
    a->enc->sample_rate = AAC_RATE;
    a->enc->sample_fmt = AV_SAMPLE_FMT_FLTP;
    a->enc->bit_rate = ch == 2 ? 160000 : 96000;
    a->enc->time_base = (AVRational){1, AAC_RATE};
    a->enc->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
    if ((ret = avcodec_open2(a->enc, ec, NULL)) < 0)
        return vx_fail(a->ctx, VX_ERR(EIO), "cannot open the AAC encoder: %s",
                       vx_averr(ret, eb, sizeof(eb)));
    AVChannelLayout in_layout;
    if (a->dec->ch_layout.order == AV_CHANNEL_ORDER_UNSPEC)
        av_channel_layout_default(&in_layout, a->dec->ch_layout.nb_channels);
    else
        av_channel_layout_copy(&in_layout, &a->dec->ch_layout);
    ret = swr_alloc_set_opts2(&a->swr, &a->enc->ch_layout, AV_SAMPLE_FMT_FLTP, AAC_RATE,
                              &in_layout, a->dec->sample_fmt, a->dec->sample_rate, 0, NULL);
    av_channel_layout_uninit(&in_layout);
    if (ret < 0 || swr_init(a->swr) < 0)
        return vx_fail(a->ctx, VX_ERR(EINVAL), "%s: cannot resample its audio", a->path);
    a->fifo = av_audio_fifo_alloc(AV_SAMPLE_FMT_FLTP, ch, 4096);
    a->par = avcodec_parameters_alloc();
    if (!a->fifo || !a->par || avcodec_parameters_from_context(a->par, a->enc) < 0)
        return VX_ERR(ENOMEM);
    a->tb = a->enc->time_base;
    a->end_samples = (int64_t)(a->duration * AAC_RATE + 0.5);
    return 0;
}

static int audio_open_file(VxContext *ctx, const char *path, double start, double duration,
                           const AVOutputFormat *ofmt, VxAudio **out)
{
    char eb[128];
    *out = NULL;
    VxAudio *a = calloc(1, sizeof(*a));
    if (!a)
        return VX_ERR(ENOMEM);
    a->ctx = ctx;
    a->duration = duration;
    a->path = strdup(path);
    a->pkt = av_packet_alloc();
    int ret = VX_ERR(ENOMEM);
    if (!a->path || !a->pkt)
        goto fail;
    ret = avformat_open_input(&a->fmt, path, NULL, NULL);
    if (ret < 0) {
        ret = vx_fail(ctx, ret == AVERROR(ENOENT) ? VX_ERR(ENOENT) : VX_ERR(EINVAL),
                      "%s: cannot open audio: %s", path, vx_averr(ret, eb, sizeof(eb)));
        goto fail;
    }
    if ((ret = avformat_find_stream_info(a->fmt, NULL)) < 0) {
        ret = vx_fail(ctx, VX_ERR(EINVAL), "%s: cannot read stream information", path);
        goto fail;
    }
    ret = av_find_best_stream(a->fmt, AVMEDIA_TYPE_AUDIO, -1, -1, NULL, 0);
    if (ret < 0) {
        ret = vx_fail(ctx, VX_ERR(EINVAL), "%s: no audio stream", path);
        goto fail;
    }
    a->idx = ret;
    for (unsigned i = 0; i < a->fmt->nb_streams; i++)
        if ((int)i != a->idx)
            a->fmt->streams[i]->discard = AVDISCARD_ALL;
    AVStream *st = a->fmt->streams[a->idx];
    a->itb = st->time_base;
    a->start_ts = (int64_t)(start / av_q2d(a->itb) + 0.5);
    /* copy only what every MP4 player decodes; Opus, AC-3, PCM... are re-encoded as AAC */
    enum AVCodecID id = st->codecpar->codec_id;
    a->copy = (id == AV_CODEC_ID_AAC || id == AV_CODEC_ID_MP3 || id == AV_CODEC_ID_ALAC) &&
              avformat_query_codec(ofmt, id, FF_COMPLIANCE_NORMAL) == 1;
    if (a->copy) {
        a->par = avcodec_parameters_alloc();
        if (!a->par || avcodec_parameters_copy(a->par, st->codecpar) < 0) {
            ret = VX_ERR(ENOMEM);
            goto fail;
        }
        a->tb = a->itb;
    } else if ((ret = open_transcode(a, st)) < 0) {
        goto fail;
    }
    vx_log(ctx, VX_LOG_VERBOSE, "audio from %s: %s %s", path,
           avcodec_get_name(st->codecpar->codec_id), a->copy ? "copied" : "encoded as AAC");
    *out = a;
    return 0;
fail:
    vx_audio_close(&a);
    return ret;
}

const AVCodecParameters *vx_audio_codecpar(const VxAudio *a)
{
    return a->par;
}

AVRational vx_audio_time_base(const VxAudio *a)
{
    return a->tb;
}

/* Encodes whole AAC frames from the fifo (all that is left when flushing). */
static int drain_fifo(VxAudio *a, int flush, int (*cb)(void *, AVPacket *), void *opaque)
{
    const int fs = a->enc->frame_size;
    while (av_audio_fifo_size(a->fifo) >= fs || (flush && av_audio_fifo_size(a->fifo) > 0)) {
        int n = av_audio_fifo_size(a->fifo);
        n = n > fs ? fs : n;
        if (a->next_pts + n > a->end_samples)
            n = (int)(a->end_samples - a->next_pts);
        if (n <= 0) {
            av_audio_fifo_drain(a->fifo, av_audio_fifo_size(a->fifo));
            break;
        }
        av_frame_unref(a->efrm);
        a->efrm->nb_samples = n;
        a->efrm->format = AV_SAMPLE_FMT_FLTP;
        a->efrm->sample_rate = AAC_RATE;
        av_channel_layout_copy(&a->efrm->ch_layout, &a->enc->ch_layout);
        if (av_frame_get_buffer(a->efrm, 0) < 0)
            return VX_ERR(ENOMEM);
        av_audio_fifo_read(a->fifo, (void **)a->efrm->data, n);
        a->efrm->pts = a->next_pts;
        a->next_pts += n;
        if (avcodec_send_frame(a->enc, a->efrm) < 0)
            return vx_fail(a->ctx, VX_ERR(EIO), "AAC encoding failed");
        int ret;
        while ((ret = avcodec_receive_packet(a->enc, a->pkt)) >= 0) {
            ret = cb(opaque, a->pkt);
            av_packet_unref(a->pkt);
            if (ret < 0)
                return ret;
        }
    }
    return 0;
}

static int flush_encoder(VxAudio *a, int (*cb)(void *, AVPacket *), void *opaque)
{
    int ret = drain_fifo(a, 1, cb, opaque);
    if (ret < 0)
        return ret;
    avcodec_send_frame(a->enc, NULL);
    while (avcodec_receive_packet(a->enc, a->pkt) >= 0) {
        ret = cb(opaque, a->pkt);
        av_packet_unref(a->pkt);
        if (ret < 0)
            return ret;
    }
    a->flushed = 1;
    return 0;
}

static int decode_packet(VxAudio *a, AVPacket *pkt)
{
    int ret = avcodec_send_packet(a->dec, pkt);
    if (ret < 0 && ret != AVERROR_EOF && ret != AVERROR(EAGAIN)) {
        vx_log(a->ctx, VX_LOG_WARNING, "%s: damaged audio packet skipped", a->path);
        return 0;
    }
    while ((ret = avcodec_receive_frame(a->dec, a->frm)) >= 0) {
        if (!a->started) {
            /* align the first sample with its time relative to the video's first frame */
            int64_t pts = a->frm->best_effort_timestamp;
            double t = pts == AV_NOPTS_VALUE ? 0 : (pts - a->start_ts) * av_q2d(a->itb);
            int64_t skip = 0;
            if (t < 0)
                skip = (int64_t)(-t * a->frm->sample_rate + 0.5);
            else
                a->next_pts = (int64_t)(t * AAC_RATE + 0.5);
            if (skip >= a->frm->nb_samples) {
                av_frame_unref(a->frm);
                continue;
            }
            if (skip)
                swr_drop_output(a->swr, (int)(skip * AAC_RATE / a->frm->sample_rate));
            a->started = 1;
        }
        uint8_t **buf = NULL;
        int max = swr_get_out_samples(a->swr, a->frm->nb_samples);
        if (av_samples_alloc_array_and_samples(&buf, NULL, a->enc->ch_layout.nb_channels, max,
                                               AV_SAMPLE_FMT_FLTP, 0) < 0) {
            av_frame_unref(a->frm);
            return VX_ERR(ENOMEM);
        }
        int n = swr_convert(a->swr, buf, max, (const uint8_t **)a->frm->extended_data,
                            a->frm->nb_samples);
        if (n > 0)
            av_audio_fifo_write(a->fifo, (void **)buf, n);
        av_freep(&buf[0]);
        av_freep(&buf);
        av_frame_unref(a->frm);
    }
    return 0;
}

int vx_audio_pull(VxAudio *a, double until, int (*cb)(void *, AVPacket *), void *opaque)
{
    char eb[128];
    if (a->flushed)
        return 0;
    for (;;) {
        if (!a->copy) {
            int ret = drain_fifo(a, 0, cb, opaque);
            if (ret < 0)
                return ret;
            if (a->next_pts >= a->end_samples || a->eof)
                return flush_encoder(a, cb, opaque);
            if (a->next_pts + av_audio_fifo_size(a->fifo) >= until * AAC_RATE)
                return 0;
        } else if (a->eof) {
            return 0;
        }
        if (a->pkt->data) { /* a packet held back for a later call */
            double t = (a->pkt->pts - a->start_ts) * av_q2d(a->itb);
            if (t >= until)
                return 0;
            a->pkt->pts -= a->start_ts;
            if (a->pkt->dts != AV_NOPTS_VALUE)
                a->pkt->dts -= a->start_ts;
            int ret = cb(opaque, a->pkt);
            av_packet_unref(a->pkt);
            if (ret < 0)
                return ret;
        }
        int ret = av_read_frame(a->fmt, a->pkt);
        if (ret < 0) {
            if (ret != AVERROR_EOF)
                vx_log(a->ctx, VX_LOG_WARNING, "%s: audio read error (%s); audio ends here",
                       a->path, vx_averr(ret, eb, sizeof(eb)));
            a->eof = 1;
            if (!a->copy) {
                decode_packet(a, NULL);
                return flush_encoder(a, cb, opaque);
            }
            return 0;
        }
        if (a->pkt->stream_index != a->idx) {
            av_packet_unref(a->pkt);
            continue;
        }
        if (!a->copy) {
            ret = decode_packet(a, a->pkt);
            av_packet_unref(a->pkt);
            if (ret < 0)
                return ret;
            continue;
        }
        if (a->pkt->pts == AV_NOPTS_VALUE) {
            av_packet_unref(a->pkt);
            continue;
        }
        double t = (a->pkt->pts - a->start_ts) * av_q2d(a->itb);
        if (t < 0) { /* before the video's first frame */
            av_packet_unref(a->pkt);
            continue;
        }
        if (t >= a->duration) {
            av_packet_unref(a->pkt);
            a->eof = 1;
            return 0;
        }
        /* kept in the source timeline; the loop sends it now or holds it for later */
    }
}

/* v1: one track, played as it is over the whole output (the mixer replaces this). */
int vx_audio_open(VxContext *ctx, const VxProject *p, const VxSourceInfo *si,
                  const struct VxTimeline *tl, const AVOutputFormat *ofmt, VxAudio **out)
{
    *out = NULL;
    if (p->audio_mode == VX_AUDIO_NONE || (p->audio_mode == VX_AUDIO_SOURCE && !si->has_audio))
        return 0;
    if (p->audio_mode == VX_AUDIO_SOURCE || !p->tracks[0].path)
        return audio_open_file(ctx, p->screen, si->start, tl->duration, ofmt, out);
    return audio_open_file(ctx, p->tracks[0].path, 0, tl->duration, ofmt, out);
}
