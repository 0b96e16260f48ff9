/* Video encoding through libavcodec. The composed pooled frame is the encoder's input: it is
 * sent by reference, never copied (an encoder that takes only hardware surfaces gets it
 * uploaded, and that copy is counted). "auto" tries the platform's hardware encoders first. */
#include <stdio.h>
#include <string.h>

#include <unistd.h>

#include <libavutil/hwcontext.h>
#include <libavutil/opt.h>
#include <libavutil/pixdesc.h>
#include <libswscale/swscale.h>

#include "averror.h"
#include "encode.h"
#include "internal.h"

struct VxEncoder {
    VxContext *ctx;
    AVCodecContext *c;
    AVPacket *pkt;
    enum AVPixelFormat in_fmt; /* what the compositor gives: NV12 (or YUV420P) */
    AVBufferRef *hw_frames;    /* set when the encoder takes hardware surfaces only */
    struct SwsContext *sws;    /* set when it takes no 4:2:0 8-bit (ProRes): converted */
    AVFrame *conv;
    int64_t copies;
};

/* What a software encoder is given unless the user says otherwise (--preset, --encoder-opt):
 * settings that keep it near the speed of the compositor (docs/project-format.md). */
static const struct {
    const char *name, *preset, *opts; /* opts: "key=value key=value" */
} enc_defaults[] = {
    {"libx264", "veryfast", ""},
    {"libx265", "veryfast", ""},
    {"libsvtav1", "10", ""},
    {"libaom-av1", NULL, "cpu-used=8 row-mt=1"},
    {"libvpx-vp9", NULL, "deadline=good cpu-used=5 row-mt=1"},
    {"prores_ks", NULL, ""},
};

static int set_defaults(const char *name, const char **preset, AVDictionary **opts)
{
    for (size_t i = 0; i < sizeof(enc_defaults) / sizeof(enc_defaults[0]); i++) {
        if (strcmp(name, enc_defaults[i].name))
            continue;
        if (!*preset)
            *preset = enc_defaults[i].preset;
        char buf[128], *save = NULL;
        snprintf(buf, sizeof(buf), "%s", enc_defaults[i].opts);
        for (char *kv = strtok_r(buf, " ", &save); kv; kv = strtok_r(NULL, " ", &save)) {
            char *eq = strchr(kv, '=');
            *eq = 0;
            if (av_dict_set(opts, kv, eq + 1, 0) < 0)
                return VX_ERR(ENOMEM);
        }
        return 1;
    }
    return 0;
}

/* Hardware encoders tried, in order, for "auto". */
static const char *const hw_h264[] = {
#ifdef __APPLE__
    "h264_videotoolbox",
#else
    "h264_nvenc", "h264_qsv", "h264_vaapi",
#endif
    NULL};
static const char *const hw_hevc[] = {
#ifdef __APPLE__
    "hevc_videotoolbox",
#else
    "hevc_nvenc", "hevc_qsv", "hevc_vaapi",
#endif
    NULL};

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

/* A reason the hardware device behind `name` (a decoder's device type, "vaapi", or an
 * encoder, "h264_nvenc") cannot work on this machine, found without opening it (opening some
 * of them takes seconds to fail), or NULL. */
const char *vx_hw_missing(const char *name)
{
#ifdef __linux__
    if (strstr(name, "vaapi") || strstr(name, "qsv"))
        return access("/dev/dri/renderD128", R_OK | W_OK) ? "no /dev/dri/renderD128" : NULL;
    if (strstr(name, "nvenc") || strstr(name, "cuda"))
        return access("/dev/nvidiactl", F_OK) ? "no NVIDIA device (/dev/nvidiactl)" : NULL;
#endif
    (void)name;
    return NULL;
}

/* Encoders that take only hardware surfaces (VAAPI): a device and a pool of NV12 surfaces. */
static int setup_hw_frames(VxEncoder *e, const AVCodec *codec, const VxEncodeParams *p,
                           char *why, size_t why_len)
{
    char eb[128];
    for (int i = 0;; i++) {
        const AVCodecHWConfig *cfg = avcodec_get_hw_config(codec, i);
        if (!cfg) {
            snprintf(why, why_len, "takes no 8-bit 4:2:0 input");
            return VX_ERR(ENOSYS);
        }
        if (!(cfg->methods & AV_CODEC_HW_CONFIG_METHOD_HW_FRAMES_CTX))
            continue;
        AVBufferRef *dev = NULL;
        int ret = av_hwdevice_ctx_create(&dev, cfg->device_type, NULL, NULL, 0);
        if (ret < 0) {
            snprintf(why, why_len, "no %s device (%s)", av_hwdevice_get_type_name(cfg->device_type),
                     vx_averr(ret, eb, sizeof(eb)));
            return VX_ERR(ENODEV);
        }
        e->hw_frames = av_hwframe_ctx_alloc(dev);
        av_buffer_unref(&dev);
        if (!e->hw_frames)
            return VX_ERR(ENOMEM);
        AVHWFramesContext *fc = (AVHWFramesContext *)e->hw_frames->data;
        fc->format = cfg->pix_fmt;
        fc->sw_format = AV_PIX_FMT_NV12;
        fc->width = p->width;
        fc->height = p->height;
        fc->initial_pool_size = 16;
        if ((ret = av_hwframe_ctx_init(e->hw_frames)) < 0) {
            snprintf(why, why_len, "no NV12 surfaces (%s)", vx_averr(ret, eb, sizeof(eb)));
            return VX_ERR(ENODEV);
        }
        e->c->hw_frames_ctx = av_buffer_ref(e->hw_frames);
        e->c->pix_fmt = cfg->pix_fmt;
        e->in_fmt = AV_PIX_FMT_NV12;
        return e->c->hw_frames_ctx ? 0 : VX_ERR(ENOMEM);
    }
}

/* Opens encoder `name`. On failure returns a negative code with the reason in why, and logs
 * nothing: the caller decides whether it is an error or a fallback. */
static int open_one(VxContext *ctx, const VxEncodeParams *p, const char *name, VxEncoder **out,
                    char *why, size_t why_len)
{
    char eb[128];
    *out = NULL;
    const AVCodec *codec = avcodec_find_encoder_by_name(name);
    if (!codec || codec->type != AVMEDIA_TYPE_VIDEO) {
        snprintf(why, why_len, "encoder '%s' is not available in this FFmpeg (`ffmpeg "
                 "-encoders` lists them)", name);
        return VX_ERR(ENOSYS);
    }
    const char *missing = vx_hw_missing(name);
    if (missing) {
        snprintf(why, why_len, "%s: %s", name, missing);
        return VX_ERR(ENODEV);
    }
    /* libx265 3.5 writes past its lookahead buffers on small frames (valgrind: 48x64, 96x16,
     * 64x16; found by tests/fuzz/fuzz_render.c) */
    if (!strcmp(codec->name, "libx265") && (p->width < 64 || p->height < 64)) {
        snprintf(why, why_len, "output %dx%d is too small for HEVC (output.codec \"hevc\", "
                 "libx265): it needs at least 64x64; use H.264 for smaller videos", p->width,
                 p->height);
        return VX_ERR(EINVAL);
    }
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
    c->pix_fmt = e->in_fmt = p->alpha ? AV_PIX_FMT_YUVA444P10LE : pick_format(codec);
    if (c->pix_fmt == AV_PIX_FMT_NONE && codec->pix_fmts && !avcodec_get_hw_config(codec, 0)) {
        /* a software encoder without 8-bit 4:2:0 (ProRes: 4:2:2 10-bit): the composed
         * 4:2:0 frame is converted, one copy per frame */
        c->pix_fmt = codec->pix_fmts[0];
        e->in_fmt = AV_PIX_FMT_YUV420P;
        e->sws = sws_getContext(p->width, p->height, e->in_fmt, p->width, p->height, c->pix_fmt,
                                SWS_BICUBIC | SWS_ACCURATE_RND, NULL, NULL,
                                NULL);
        e->conv = av_frame_alloc();
        if (!e->sws || !e->conv)
            goto fail;
    } else if (c->pix_fmt == AV_PIX_FMT_NONE) {
        char sub[256];
        if ((ret = setup_hw_frames(e, codec, p, sub, sizeof(sub))) < 0) {
            snprintf(why, why_len, "%s: %s", name, sub);
            goto fail;
        }
    }
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
    if (p->closed_gop)
        c->flags |= AV_CODEC_FLAG_CLOSED_GOP;
    int has_priv = c->priv_data != NULL;
    const char *preset = p->preset;
    const int known = set_defaults(name, &preset, &opts);
    if (known < 0)
        goto fail;
    if (p->alpha && !strcmp(name, "prores_ks")) {
        /* 4:4:4 with a 16-bit alpha plane (stored losslessly): what editors key on */
        av_dict_set(&opts, "profile", "4444", 0);
        av_dict_set(&opts, "alpha_bits", "16", 0);
    }
    if (preset && has_priv && av_opt_find(c->priv_data, "preset", NULL, 0, 0))
        av_dict_set(&opts, "preset", preset, 0);
    if (p->bitrate > 0) {
        c->bit_rate = p->bitrate;
    } else if (has_priv && av_opt_find(c->priv_data, "crf", NULL, 0, 0)) {
        char v[32];
        snprintf(v, sizeof(v), "%g", p->crf);
        av_dict_set(&opts, "crf", v, 0);
        if (strcmp(name, "libx264") && strcmp(name, "libx265"))
            c->bit_rate = 0; /* libvpx, SVT-AV1, libaom: constant quality, not capped */
    } else if (!strcmp(name, "prores_ks")) {
        /* an intermediate format: its profile sets the rate (HQ, or 4444 with 4:4:4) */
    } else {
        c->flags |= AV_CODEC_FLAG_QSCALE;
        c->global_quality = (int)(p->crf * FF_QP2LAMBDA / 8 + FF_QP2LAMBDA);
    }
    for (int i = 0; i < p->n_opts; i++) {
        const char *kv = p->opts[i], *eq = strchr(kv, '=');
        if (!eq || eq == kv) {
            snprintf(why, why_len, "encoder option '%s': expected key=value", kv);
            ret = VX_ERR(EINVAL);
            goto fail;
        }
        char key[128];
        snprintf(key, sizeof(key), "%.*s", (int)(eq - kv), kv);
        av_dict_set(&opts, key, eq + 1, 0);
    }
    ret = avcodec_open2(c, codec, &opts);
    if (ret < 0) {
        /* what was asked of it: a bad preset or option value is the usual cause */
        char asked[256] = "";
        if (p->preset)
            snprintf(asked, sizeof(asked), " with preset '%s'", p->preset);
        for (int i = 0; i < p->n_opts; i++)
            snprintf(asked + strlen(asked), sizeof(asked) - strlen(asked), "%s'%s'",
                     i ? ", " : p->preset ? " and options " : " with options ", p->opts[i]);
        snprintf(why, why_len, "cannot open encoder %s at %dx%d%s: %s", name, p->width,
                 p->height, asked, vx_averr(ret, eb, sizeof(eb)));
        ret = vx_from_averror(ret) == VX_ERR(EINVAL) ? VX_ERR(EINVAL) : VX_ERR(EIO);
        goto fail;
    }
    const AVDictionaryEntry *left = av_dict_get(opts, "", NULL, AV_DICT_IGNORE_SUFFIX);
    if (left) {
        snprintf(why, why_len, "encoder %s has no option '%s' (encoder option '%s=%s')", name,
                 left->key, left->key, left->value);
        ret = VX_ERR(EINVAL);
        goto fail;
    }
    av_dict_free(&opts);
    vx_log(ctx, VX_LOG_VERBOSE, "encoder %s %dx%d %s%s %d/%d fps, %s, %d threads", name,
           p->width, p->height, av_get_pix_fmt_name(e->in_fmt),
           e->hw_frames ? " (uploaded to hardware surfaces)" : "", p->fps.num, p->fps.den,
           p->bitrate > 0 ? "bitrate" : "crf", p->threads);
    *out = e;
    return 0;
fail:
    av_dict_free(&opts);
    vx_encoder_close(&e);
    return ret;
}

int vx_encoder_open(VxContext *ctx, const VxEncodeParams *p, VxEncoder **out)
{
    char why[512], tried[1024] = "";
    *out = NULL;
    if (p->try_hw) {
        int present = 0; /* a device was there (or could not be ruled out) but did not serve */
        const char *const *names = !strncmp(p->encoder, "libx265", 7) ? hw_hevc : hw_h264;
        for (int i = 0; names[i]; i++) {
            if (!avcodec_find_encoder_by_name(names[i]))
                continue; /* not built in: not worth a word */
            why[0] = 0;
            if (open_one(ctx, p, names[i], out, why, sizeof(why)) == 0) {
                vx_log(ctx, VX_LOG_INFO, "encoder: %s (hardware)", names[i]);
                return 0;
            }
            present |= !vx_hw_missing(names[i]);
            snprintf(tried + strlen(tried), sizeof(tried) - strlen(tried), "%s%s",
                     *tried ? "; " : "", why);
        }
        /* a machine without video hardware hears nothing of it unless verbose */
        vx_log(ctx, present ? VX_LOG_INFO : VX_LOG_VERBOSE,
               "encoder: no hardware encoder usable (%s), encoding with %s",
               *tried ? tried : "none in this FFmpeg", p->encoder);
    }
    why[0] = 0;
    int ret = open_one(ctx, p, p->encoder, out, why, sizeof(why));
    if (ret < 0 && *why) {
        if (ret == VX_ERR(ENODEV))
            return vx_fail(ctx, ret, "encoder %s cannot be used here (%s); --encoder auto "
                           "falls back to software, or name libx264", p->encoder, why);
        return vx_fail(ctx, ret, "%s", why);
    }
    return ret;
}

AVCodecContext *vx_encoder_avctx(VxEncoder *e)
{
    return e->c;
}

enum AVPixelFormat vx_encoder_pix_fmt(const VxEncoder *e)
{
    return e->in_fmt;
}

int64_t vx_encoder_frames_copied(const VxEncoder *e)
{
    return e->copies;
}

const char *vx_encoder_name(const VxEncoder *e)
{
    return e->c->codec->name;
}

int vx_encoder_send(VxEncoder *e, AVFrame *f, int (*cb)(void *, AVPacket *), void *opaque)
{
    char eb[128];
    AVFrame *hw = NULL;
    int ret;
    if (f && e->hw_frames) {
        /* the one copy a surface-only encoder needs: NV12 into a hardware surface */
        hw = av_frame_alloc();
        if (!hw)
            return VX_ERR(ENOMEM);
        if ((ret = av_hwframe_get_buffer(e->hw_frames, hw, 0)) < 0 ||
            (ret = av_hwframe_transfer_data(hw, f, 0)) < 0 ||
            (ret = av_frame_copy_props(hw, f)) < 0) {
            av_frame_free(&hw);
            return vx_fail(e->ctx, VX_ERR(EIO), "upload to the encoder's surfaces failed: %s",
                           vx_averr(ret, eb, sizeof(eb)));
        }
        e->copies++;
        f = hw;
    } else if (f && e->sws) {
        av_frame_unref(e->conv);
        e->conv->format = e->c->pix_fmt;
        e->conv->width = e->c->width;
        e->conv->height = e->c->height;
        if ((ret = av_frame_get_buffer(e->conv, 0)) < 0 ||
            (ret = av_frame_copy_props(e->conv, f)) < 0)
            return VX_ERR(ENOMEM);
        sws_scale(e->sws, (const uint8_t *const *)f->data, f->linesize, 0, f->height,
                  e->conv->data, e->conv->linesize);
        e->copies++;
        f = e->conv;
    } else if (f && !f->buf[0]) {
        e->copies++; /* libavcodec copies a frame that does not own its buffers */
    }
    ret = avcodec_send_frame(e->c, f);
    av_frame_free(&hw);
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
    av_buffer_unref(&(*pe)->hw_frames);
    sws_freeContext((*pe)->sws);
    av_frame_free(&(*pe)->conv);
    av_packet_free(&(*pe)->pkt);
    free(*pe);
    *pe = NULL;
}
