/* MP4 muxing into a temporary file beside the target, renamed onto it only when complete:
 * a failed or cancelled export never leaves a broken file where a good one was expected. A
 * target that exists and is not a regular file (/dev/null, a FIFO) is written in place: a
 * rename would replace the device with a file. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "averror.h"
#include "internal.h"
#include "media.h"
#include "mux.h"

struct VxMuxer {
    VxContext *ctx;
    AVFormatContext *oc;
    char *target, *tmp;
    int started, finished;
};

int vx_muxer_open(VxContext *ctx, const char *target, const char *muxer, VxMuxer **out)
{
    *out = NULL;
    VxMuxer *m = calloc(1, sizeof(*m));
    if (!m)
        return VX_ERR(ENOMEM);
    m->ctx = ctx;
    size_t n = strlen(target) + 16;
    m->target = strdup(target);
    m->tmp = malloc(n);
    int ret = VX_ERR(ENOMEM);
    if (!m->target || !m->tmp)
        goto fail;
    if (vx_path_special(target)) {
        free(m->tmp);
        m->tmp = NULL;
    } else {
        snprintf(m->tmp, n, "%s.partial", target);
    }
    if ((ret = vx_media_open_output(ctx, target, muxer, m->tmp ? m->tmp : target, &m->oc)) < 0)
        goto fail;
    *out = m;
    return 0;
fail:
    vx_muxer_close(&m);
    return ret;
}

const AVOutputFormat *vx_muxer_format(const VxMuxer *m)
{
    return m->oc->oformat;
}

int vx_muxer_add_video(VxMuxer *m, const AVCodecContext *enc)
{
    AVStream *st = avformat_new_stream(m->oc, NULL);
    if (!st)
        return VX_ERR(ENOMEM);
    int ret = avcodec_parameters_from_context(st->codecpar, enc);
    if (ret < 0)
        return VX_ERR(ENOMEM);
    st->time_base = enc->time_base;
    st->avg_frame_rate = enc->framerate;
    return 0;
}

int vx_muxer_add_stream(VxMuxer *m, const AVCodecParameters *par, AVRational tb)
{
    AVStream *st = avformat_new_stream(m->oc, NULL);
    if (!st)
        return VX_ERR(ENOMEM);
    if (avcodec_parameters_copy(st->codecpar, par) < 0)
        return VX_ERR(ENOMEM);
    st->codecpar->codec_tag = 0;
    st->time_base = tb;
    return 0;
}

int vx_muxer_set_tag(VxMuxer *m, const char *key, const char *value)
{
    return av_dict_set(&m->oc->metadata, key, value, 0) < 0 ? VX_ERR(ENOMEM) : 0;
}

int vx_muxer_start(VxMuxer *m)
{
    char eb[128];
    AVDictionary *opts = NULL;
    const char *name = m->oc->oformat->name;
    if (strstr(name, "mp4") || strstr(name, "mov"))
        av_dict_set(&opts, "movflags", av_dict_count(m->oc->metadata) ? "+faststart+use_metadata_tags"
                                                                       : "+faststart", 0);
    int ret = avformat_write_header(m->oc, &opts);
    av_dict_free(&opts);
    if (ret < 0)
        return vx_fail(m->ctx, vx_from_averror(ret), "%s: cannot start writing: %s", m->target,
                       vx_averr(ret, eb, sizeof(eb)));
    m->started = 1;
    return 0;
}

int vx_muxer_write(VxMuxer *m, int idx, AVPacket *pkt, AVRational src_tb)
{
    char eb[128];
    pkt->stream_index = idx;
    av_packet_rescale_ts(pkt, src_tb, m->oc->streams[idx]->time_base);
    int ret = av_interleaved_write_frame(m->oc, pkt);
    if (ret < 0)
        return vx_fail(m->ctx, vx_from_averror(ret), "%s: write failed: %s", m->target,
                       vx_averr(ret, eb, sizeof(eb)));
    return 0;
}

int vx_muxer_finish(VxMuxer *m)
{
    char eb[128];
    int ret = av_write_trailer(m->oc);
    if (ret < 0)
        return vx_fail(m->ctx, vx_from_averror(ret), "%s: cannot finish the file: %s", m->target,
                       vx_averr(ret, eb, sizeof(eb)));
    ret = avio_closep(&m->oc->pb);
    if (ret < 0)
        return vx_fail(m->ctx, vx_from_averror(ret), "%s: write failed: %s", m->target,
                       vx_averr(ret, eb, sizeof(eb)));
    if (m->tmp && rename(m->tmp, m->target) != 0)
        return vx_fail(m->ctx, VX_ERR(errno), "%s: cannot move the finished file into place: %s",
                       m->target, strerror(errno));
    m->finished = 1;
    return 0;
}

void vx_muxer_close(VxMuxer **pm)
{
    if (!pm || !*pm)
        return;
    VxMuxer *m = *pm;
    vx_media_close_output(&m->oc);
    if (!m->finished && m->tmp)
        remove(m->tmp);
    free(m->target);
    free(m->tmp);
    free(m);
    *pm = NULL;
}
