/* MP4 muxing into a temporary file beside the target, renamed onto it only when complete:
 * a failed or cancelled export never leaves a broken file where a good one was expected. A
 * target that exists and is not a regular file (/dev/null, a FIFO) is written in place: a
 * rename would replace the device with a file. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libavutil/intreadwrite.h>

#include "averror.h"
#include "cues.h"
#include "internal.h"
#include "media.h"
#include "mux.h"
#include "soft.h"

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

/* The text style of the captions track: the sample entry's default and every style record's */
enum { TX3G_FONT = 1, TX3G_SIZE = 18 };

/* A style record (TS 26.245, 5.16): characters [start, end), the track's font, size and white,
 * face flags (bold 1, italic 2, underline 4) */
static void tx3g_style_record(uint8_t *e, unsigned start, unsigned end, int flags)
{
    AV_WB16(e, start);
    AV_WB16(e + 2, end);
    AV_WB16(e + 4, TX3G_FONT);
    e[6] = (uint8_t)flags, e[7] = TX3G_SIZE;
    e[8] = e[9] = e[10] = e[11] = 0xff;
}

/* The 3GPP timed text sample entry's fields after its data reference index (TS 26.245, 5.16):
 * no display flags, centred at the bottom, no background, the default text box, one style
 * (white, 18, font 1) and a font table naming font 1. */
static int tx3g_entry(AVCodecParameters *par)
{
    static const char font[] = "Sans-Serif";
    const int nf = (int)sizeof(font) - 1, fb = 8 + 2 + 2 + 1 + nf /* the font table box */,
              n = 30 + fb;
    uint8_t *e = av_mallocz((size_t)n + AV_INPUT_BUFFER_PADDING_SIZE);
    if (!e)
        return VX_ERR(ENOMEM);
    /* 0..3 display flags: 0 */
    e[4] = 1;    /* horizontal justification: centre */
    e[5] = 0xff; /* vertical: bottom */
    /* 6..9 background rgba, 10..17 the text box (top, left, bottom, right): 0 */
    tx3g_style_record(e + 18, 0, 0, 0); /* the default style */
    uint8_t *q = e + 30;
    AV_WB32(q, (unsigned)fb);
    memcpy(q + 4, "ftab", 4);
    AV_WB16(q + 8, 1);          /* one font: */
    AV_WB16(q + 10, TX3G_FONT); /* font 1, */
    q[12] = (uint8_t)nf;        /* its name */
    memcpy(q + 13, font, (size_t)nf);
    par->extradata = e;
    par->extradata_size = n;
    return 0;
}

int vx_muxer_add_captions(VxMuxer *m, const VxSoft *s)
{
    const AVOutputFormat *of = m->oc->oformat;
    const enum AVCodecID id = avformat_query_codec(of, AV_CODEC_ID_MOV_TEXT, FF_COMPLIANCE_NORMAL) == 1
                                  ? AV_CODEC_ID_MOV_TEXT
                              : avformat_query_codec(of, AV_CODEC_ID_WEBVTT, FF_COMPLIANCE_NORMAL) == 1
                                  ? AV_CODEC_ID_WEBVTT
                                  : AV_CODEC_ID_NONE;
    if (id == AV_CODEC_ID_NONE)
        return vx_fail(m->ctx, VX_ERR(EINVAL), "%s: captions.soft: a %s file takes no subtitle "
                       "track (MP4 and MOV take mov_text, WebM WebVTT); captions.sidecar writes "
                       "them beside it", m->target, of->name);
    AVStream *st = avformat_new_stream(m->oc, NULL);
    if (!st)
        return VX_ERR(ENOMEM);
    st->codecpar->codec_type = AVMEDIA_TYPE_SUBTITLE;
    st->codecpar->codec_id = id;
    if (id == AV_CODEC_ID_MOV_TEXT) {
        int ret = tx3g_entry(st->codecpar);
        if (ret < 0)
            return ret;
        if (!strcmp(of->name, "mov")) /* QuickTime's own 'text' entry is laid out otherwise */
            st->codecpar->codec_tag = MKTAG('t', 'x', '3', 'g');
    }
    st->time_base = (AVRational){1, 1000};
    if (av_dict_set(&st->metadata, "language", s->language, 0) < 0)
        return VX_ERR(ENOMEM);
    return st->index;
}

/* A 3GPP text sample's style records (TS 26.245, 5.17.1.1, 'styl') for text's first len bytes,
 * styled as sty says (VX_CUE_B, _I, _U: the same bits as the records' bold, italic and
 * underline; strike-through has none): one record per stretch of one style that is not plain,
 * in characters (code points), font 1, size and colour the sample entry's (tx3g_entry). Into
 * out when it is not NULL; returns the box's size, 0 when all is plain. */
static size_t tx3g_styles(uint8_t *out, const char *text, const uint8_t *sty, size_t len)
{
    size_t n = 0, chars = 0, start = 0;
    int cur = 0;
    for (size_t i = 0; i <= len; i++) {
        const int cont = i < len && ((uint8_t)text[i] & 0xc0) == 0x80; /* within a character */
        if (cont)
            continue;
        const int want = i < len ? sty[i] & (VX_CUE_B | VX_CUE_I | VX_CUE_U) : 0;
        if (want != cur) {
            if (cur && out) /* the stretch [start, chars) */
                tx3g_style_record(out + 10 + 12 * n, (unsigned)start, (unsigned)chars, cur);
            n += cur != 0;
            start = chars, cur = want;
        }
        chars++;
    }
    if (!n)
        return 0;
    if (out) {
        AV_WB32(out, (unsigned)(10 + 12 * n));
        memcpy(out + 4, "styl", 4);
        AV_WB16(out + 8, (unsigned)n);
    }
    return 10 + 12 * n;
}

int vx_muxer_write_captions(VxMuxer *m, int idx, const VxSoft *s)
{
    const int tx3g = m->oc->streams[idx]->codecpar->codec_id == AV_CODEC_ID_MOV_TEXT;
    AVPacket *pkt = av_packet_alloc();
    if (!pkt)
        return VX_ERR(ENOMEM);
    int ret = 0;
    for (int i = 0; i < s->n && ret >= 0; i++) {
        /* mov_text: the plain text, then style records for its bold, italic and underlined
         * stretches; WebVTT: its own tags and escapes (docs/project-format.md) */
        char *text = NULL;
        uint8_t *sty = NULL;
        if (tx3g ? vx_cue_markup(s->cues[i].text, &text, &sty) < 0
                 : !(text = vx_cue_text(s->cues[i].text, 2))) {
            ret = VX_ERR(ENOMEM);
            break;
        }
        /* a 3GPP sample's text length is 16 bits */
        const size_t len = tx3g ? vx_utf8_cut(text, strlen(text), 65000) : strlen(text);
        const size_t styl = tx3g ? tx3g_styles(NULL, text, sty, len) : 0;
        if ((ret = av_new_packet(pkt, (int)(len + styl) + (tx3g ? 2 : 0))) < 0) {
            free(text), free(sty);
            ret = VX_ERR(ENOMEM);
            break;
        }
        if (tx3g)
            AV_WB16(pkt->data, (unsigned)len);
        memcpy(pkt->data + (tx3g ? 2 : 0), text, len);
        if (styl)
            tx3g_styles(pkt->data + 2 + len, text, sty, len);
        free(text), free(sty);
        /* WebVTT: the cue's place ({\anN}) as its settings, which the muxer writes beside */
        const char *set = tx3g ? "" : vx_cue_vtt_settings(s->cues[i].text);
        uint8_t *sd = *set ? av_packet_new_side_data(pkt, AV_PKT_DATA_WEBVTT_SETTINGS,
                                                     strlen(set)) : NULL;
        if (*set && !sd) {
            av_packet_unref(pkt);
            ret = VX_ERR(ENOMEM);
            break;
        }
        if (sd)
            memcpy(sd, set, strlen(set));
        pkt->pts = pkt->dts = s->cues[i].start_ms;
        pkt->duration = s->cues[i].end_ms - s->cues[i].start_ms;
        pkt->flags |= AV_PKT_FLAG_KEY;
        ret = vx_muxer_write(m, idx, pkt, (AVRational){1, 1000});
        av_packet_unref(pkt);
    }
    av_packet_free(&pkt);
    return ret;
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
