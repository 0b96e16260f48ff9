/* Video encoding through libavcodec. The composed pooled frame is the encoder's input: it is
 * sent by reference, never copied. */
#include <stdio.h>
#include <string.h>

#include <libavutil/opt.h>
#include <libavutil/pixdesc.h>

#include "internal.h"

struct VxEncoder {
    VxContext *ctx;
    AVCodecContext *c;
    AVPacket *pkt;
};

static enum AVPixelFormat pick_format(const AVCodec *codec)
{
    if (!codec->pix_fmts)
        return AV_PIX_FMT_YUV420P;
    enum AVPixelFormat best = AV_PIX_FMT_NONE;
    for (const enum AVPixelFormat *p = codec->pix_fmts; *p != AV_PIX_FMT_NONE; p++) {
        if (*p == AV_PIX_FMT_NV12)
            return AV_PIX_FMT_NV12;
        if (*p == AV_PIX_FMT_YUV420P)
            best = AV_PIX_FMT_YUV420P;
    }
    return best;
}

int vx_encoder_open(VxContext *ctx, const VxEncodeParams *p, VxEncoder **out)
{
    char eb[128];
    *out = NULL;
    const AVCodec *codec = avcodec_find_encoder_by_name(p->encoder);
    if (!codec || codec->type != AVMEDIA_TYPE_VIDEO)
        return vx_fail(ctx, VX_ERR(ENOSYS), "encoder '%s' is not available in this FFmpeg "
                       "(`ffmpeg -encoders` lists them)", p->encoder);
    enum AVPixelFormat fmt = pick_format(codec);
    if (fmt == AV_PIX_FMT_NONE)
        return vx_fail(ctx, VX_ERR(ENOSYS), "encoder '%s' does not take 8-bit 4:2:0 input",
                       p->encoder);
    /* libx265 3.5 writes past its lookahead buffers on small frames (valgrind: 48x64, 96x16,
     * 64x16; found by tests/fuzz/fuzz_render.c) */
    if (!strcmp(codec->name, "libx265") && (p->width < 64 || p->height < 64))
        return vx_fail(ctx, VX_ERR(EINVAL), "output %dx%d is too small for HEVC (libx265): it "
                       "needs at least 64x64; use H.264 for smaller videos", p->width, p->height);
    VxEncoder *e = calloc(1, sizeof(*e));
    AVDictionary *opts = NULL;
    int ret = VX_ERR(ENOMEM);
    if (!e)
        return ret;
    e->ctx = ctx;
    e->c = avcodec_alloc_context3(codec);
    e->pkt = av_packet_alloc();
    if (!e->c || !e->pkt)
        goto fail;
    AVCodecContext *c = e->c;
    c->width = p->width;
    c->height = p->height;
    c->pix_fmt = fmt;
    c->time_base = av_inv_q(p->fps);
    c->framerate = p->fps;
    c->sample_aspect_ratio = (AVRational){1, 1};
    int hd = p->matrix == VX_MATRIX_BT709;
    c->color_primaries = hd ? AVCOL_PRI_BT709 : AVCOL_PRI_SMPTE170M;
    c->color_trc = hd ? AVCOL_TRC_BT709 : AVCOL_TRC_SMPTE170M;
    c->colorspace = hd ? AVCOL_SPC_BT709 : AVCOL_SPC_SMPTE170M;
    c->color_range = AVCOL_RANGE_MPEG;
    c->chroma_sample_location = AVCHROMA_LOC_LEFT;
    c->thread_count = p->threads;
    if (p->global_header)
        c->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
    int has_priv = c->priv_data != NULL;
    if (p->preset && has_priv && av_opt_find(c->priv_data, "preset", NULL, 0, 0))
        av_dict_set(&opts, "preset", p->preset, 0);
    if (p->bitrate > 0) {
        c->bit_rate = p->bitrate;
    } else if (has_priv && av_opt_find(c->priv_data, "crf", NULL, 0, 0)) {
        char v[32];
        snprintf(v, sizeof(v), "%g", p->crf);
        av_dict_set(&opts, "crf", v, 0);
    } else {
        c->flags |= AV_CODEC_FLAG_QSCALE;
        c->global_quality = (int)(p->crf * FF_QP2LAMBDA / 8 + FF_QP2LAMBDA);
    }
    for (int i = 0; i < p->n_opts; i++) {
        const char *kv = p->opts[i], *eq = strchr(kv, '=');
        if (!eq || eq == kv) {
            ret = vx_fail(ctx, VX_ERR(EINVAL), "encoder option '%s': expected key=value", kv);
            goto fail;
        }
        char key[128];
        snprintf(key, sizeof(key), "%.*s", (int)(eq - kv), kv);
        av_dict_set(&opts, key, eq + 1, 0);
    }
    ret = avcodec_open2(c, codec, &opts);
    if (ret < 0) {
        ret = vx_fail(ctx, vx_from_averror(ret) == VX_ERR(EINVAL) ? VX_ERR(EINVAL) : VX_ERR(EIO),
                      "cannot open encoder %s at %dx%d: %s", p->encoder, p->width, p->height,
                      vx_averr(ret, eb, sizeof(eb)));
        goto fail;
    }
    const AVDictionaryEntry *left = av_dict_get(opts, "", NULL, AV_DICT_IGNORE_SUFFIX);
    if (left) {
        ret = vx_fail(ctx, VX_ERR(EINVAL), "encoder %s has no option '%s'", p->encoder, left->key);
        goto fail;
    }
    av_dict_free(&opts);
    vx_log(ctx, VX_LOG_VERBOSE, "encoder %s %dx%d %s %d/%d fps, %s", p->encoder, p->width,
           p->height, av_get_pix_fmt_name(fmt), p->fps.num, p->fps.den,
           p->bitrate > 0 ? "bitrate" : "crf");
    *out = e;
    return 0;
fail:
    av_dict_free(&opts);
    vx_encoder_close(&e);
    return ret;
}

AVCodecContext *vx_encoder_avctx(VxEncoder *e)
{
    return e->c;
}

enum AVPixelFormat vx_encoder_pix_fmt(const VxEncoder *e)
{
    return e->c->pix_fmt;
}

int vx_encoder_send(VxEncoder *e, AVFrame *f, int (*cb)(void *, AVPacket *), void *opaque)
{
    char eb[128];
    int ret = avcodec_send_frame(e->c, f);
    if (ret < 0 && ret != AVERROR_EOF)
        return vx_fail(e->ctx, VX_ERR(EIO), "encoding failed: %s", vx_averr(ret, eb, sizeof(eb)));
    for (;;) {
        ret = avcodec_receive_packet(e->c, e->pkt);
        if (ret == AVERROR(EAGAIN) || ret == AVERROR_EOF)
            return 0;
        if (ret < 0)
            return vx_fail(e->ctx, VX_ERR(EIO), "encoding failed: %s",
                           vx_averr(ret, eb, sizeof(eb)));
        ret = cb(opaque, e->pkt);
        av_packet_unref(e->pkt);
        if (ret < 0)
            return ret;
    }
}

void vx_encoder_close(VxEncoder **pe)
{
    if (!pe || !*pe)
        return;
    avcodec_free_context(&(*pe)->c);
    av_packet_free(&(*pe)->pkt);
    free(*pe);
    *pe = NULL;
}
