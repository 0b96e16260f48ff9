/* Demux + decode of the screen recording, normalised to 8-bit 4:2:0 in the output's colour
 * and with its rotation applied; also still images (background pictures). */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <libavutil/display.h>
#include <libavutil/hwcontext.h>
#include <libavutil/imgutils.h>
#include <libavutil/opt.h>
#include <libavutil/pixdesc.h>
#include <libswscale/swscale.h>

#include "averror.h"
#include "encode.h"
#include "internal.h"
#include "media.h"
#include "mux.h"
#include "source.h"
#include "zoom.h"

struct VxSource {
    VxContext *ctx;
    char *path;
    AVFormatContext *fmt;
    AVCodecContext *dec;
    int vidx;
    AVPacket *pkt;
    AVFrame *frm;
    VxSourceInfo info;
    int64_t start_pts; /* AV_NOPTS_VALUE until the first frame */
    int out_matrix, out_range;
    struct SwsContext *sws;
    int sws_w, sws_h, sws_fmt, sws_key;
    int eof_sent;
    enum AVPixelFormat target; /* planar 8-bit format frames are brought to before rotation */
    int sws_hpos, sws_vpos; /* source chroma position for swscale, 1/256 luma pixel */
    int64_t frames;
    double last_t;
    int first_w, first_h; /* the first delivered frame's size: later ones must keep it */
    const AVCodec *codec;      /* the video decoder (opened by open_decoder) */
    enum AVPixelFormat hw_fmt; /* decoder's hardware frame format, AV_PIX_FMT_NONE = software */
    /* damaged frames: shown as decoded (concealed) or not decodable (previous frame held) */
    int64_t damaged, lost;
    int64_t damaged_n[8];
    double damaged_t[8];
};

#define DAMAGE_WARNINGS 5 /* frames warned about one by one; the rest only in the summary */

static int sws_colorspace(int matrix)
{
    return matrix == VX_MATRIX_BT601 ? SWS_CS_ITU601
           : matrix == VX_MATRIX_BT2020 ? SWS_CS_BT2020
                                        : SWS_CS_ITU709;
}

static int frame_matrix(const AVFrame *f, int coded_h)
{
    switch (f->colorspace) {
    case AVCOL_SPC_BT709: return VX_MATRIX_BT709;
    case AVCOL_SPC_BT470BG:
    case AVCOL_SPC_SMPTE170M:
    case AVCOL_SPC_FCC:
    case AVCOL_SPC_SMPTE240M: return VX_MATRIX_BT601;
    case AVCOL_SPC_BT2020_NCL:
    case AVCOL_SPC_BT2020_CL: return VX_MATRIX_BT2020;
    default: return coded_h >= 720 ? VX_MATRIX_BT709 : VX_MATRIX_BT601;
    }
}

static int frame_range(const AVFrame *f)
{
    if (f->color_range == AVCOL_RANGE_JPEG)
        return VX_RANGE_FULL;
    if (f->color_range == AVCOL_RANGE_MPEG)
        return VX_RANGE_LIMITED;
    switch (f->format) {
    case AV_PIX_FMT_YUVJ420P:
    case AV_PIX_FMT_YUVJ422P:
    case AV_PIX_FMT_YUVJ444P: return VX_RANGE_FULL;
    default: return VX_RANGE_LIMITED;
    }
}

/* Chroma sample (0, 0) position in luma pixels for a chroma location. */
static void chroma_siting(enum AVChromaLocation loc, double *x, double *y)
{
    switch (loc) {
    case AVCHROMA_LOC_CENTER: *x = 0.5, *y = 0.5; break;
    case AVCHROMA_LOC_TOPLEFT: *x = 0, *y = 0; break;
    case AVCHROMA_LOC_TOP: *x = 0.5, *y = 0; break;
    case AVCHROMA_LOC_BOTTOMLEFT: *x = 0, *y = 1; break;
    case AVCHROMA_LOC_BOTTOM: *x = 0.5, *y = 1; break;
    default: *x = 0, *y = 0.5; break; /* left: what H.264/HEVC assume */
    }
}

/* Where chroma (0, 0) lands after rotate_frame() turns a w x h picture whose chroma planes are
 * subsampled by (fx, fy) and sited at (bx, by): the planes are rotated as arrays, so the
 * siting rotates with them. */
static void rotated_siting(int rot, int w, int h, int fx, int fy, double bx, double by,
                           double *cx, double *cy)
{
    const int cw = (w + fx - 1) / fx, ch = (h + fy - 1) / fy;
    switch (rot) {
    case 90: *cx = h - 1 - by - fy * (ch - 1), *cy = bx; break;
    case 180: *cx = w - 1 - bx - fx * (cw - 1), *cy = h - 1 - by - fy * (ch - 1); break;
    case 270: *cx = by, *cy = w - 1 - bx - fx * (cw - 1); break;
    default: *cx = bx, *cy = by; break;
    }
}

/* 8-bit planar format with chroma subsampled by 2^sx horizontally and 2^sy vertically. */
static enum AVPixelFormat planar_format(int sx, int sy)
{
    return sx ? (sy ? AV_PIX_FMT_YUV420P : AV_PIX_FMT_YUV422P)
              : (sy ? AV_PIX_FMT_YUV440P : AV_PIX_FMT_YUV444P);
}

static const char *matrix_name(int m)
{
    return m == VX_MATRIX_BT601 ? "BT.601" : m == VX_MATRIX_BT2020 ? "BT.2020" : "BT.709";
}

static void update_siting(VxSource *s);

/* Refuses a video larger than vexport supports (0 when it fits). */
static int check_size(VxContext *ctx, const char *path, int w, int h)
{
    if (w > 16384 || h > 16384 || (int64_t)w * h > 8192 * 8192)
        return vx_fail(ctx, VX_ERR(EINVAL), "%s: video size %dx%d is too large: vexport "
                       "supports at most 16384 pixels a side and 8192x8192 pixels in all",
                       path, w, h);
    return 0;
}

/* ---- the decoder (software, or on a hardware device: vx_source_setup_decoder) ---- */

/* Device types for "auto", most capable first; only those this FFmpeg has are tried. */
static const char *const hw_order[] = {"cuda", "vaapi", "qsv", "videotoolbox", "d3d11va",
                                       "dxva2", NULL};

static enum AVPixelFormat pick_hw_format(AVCodecContext *c, const enum AVPixelFormat *fmts)
{
    const VxSource *s = c->opaque;
    for (const enum AVPixelFormat *p = fmts; *p != AV_PIX_FMT_NONE; p++)
        if (*p == s->hw_fmt)
            return *p;
    /* the device cannot decode this stream after all: the first software format */
    for (const enum AVPixelFormat *p = fmts; *p != AV_PIX_FMT_NONE; p++) {
        const AVPixFmtDescriptor *d = av_pix_fmt_desc_get(*p);
        if (d && !(d->flags & AV_PIX_FMT_FLAG_HWACCEL))
            return *p;
    }
    return AV_PIX_FMT_NONE;
}

/* Opens a decoder for the video stream on device type `type` (NONE = software) with `threads`
 * threads; replaces s->dec on success, else leaves it and says why. */
static int open_decoder(VxSource *s, enum AVHWDeviceType type, int threads, char *why,
                        size_t why_len)
{
    char eb[128];
    const AVCodec *codec = s->codec;
    enum AVPixelFormat hw_fmt = AV_PIX_FMT_NONE;
    AVBufferRef *dev = NULL;
    if (type != AV_HWDEVICE_TYPE_NONE) {
        const char *tn = av_hwdevice_get_type_name(type);
        for (int i = 0;; i++) {
            const AVCodecHWConfig *cfg = avcodec_get_hw_config(codec, i);
            if (!cfg) {
                snprintf(why, why_len, "the %s decoder cannot use it", codec->name);
                return VX_ERR(ENOSYS);
            }
            if ((cfg->methods & AV_CODEC_HW_CONFIG_METHOD_HW_DEVICE_CTX) &&
                cfg->device_type == type) {
                hw_fmt = cfg->pix_fmt;
                break;
            }
        }
        /* say what is missing instead of the driver's generic error */
        const char *missing = vx_hw_missing(tn);
        if (missing) {
            snprintf(why, why_len, "%s", missing);
            return VX_ERR(ENODEV);
        }
        int ret = av_hwdevice_ctx_create(&dev, type, NULL, NULL, 0);
        if (ret < 0) {
            snprintf(why, why_len, "cannot open the device: %s", vx_averr(ret, eb, sizeof(eb)));
            return VX_ERR(ENODEV);
        }
    }
    AVCodecContext *d = avcodec_alloc_context3(codec);
    if (!d) {
        av_buffer_unref(&dev);
        return VX_ERR(ENOMEM);
    }
    avcodec_parameters_to_context(d, s->fmt->streams[s->vidx]->codecpar);
    d->pkt_timebase = s->fmt->streams[s->vidx]->time_base;
    d->thread_count = threads;
    if (dev) {
        d->hw_device_ctx = dev; /* the context owns it now */
        d->get_format = pick_hw_format;
        d->opaque = s;
    }
    enum AVPixelFormat old_fmt = s->hw_fmt;
    s->hw_fmt = hw_fmt; /* read by pick_hw_format */
    int ret = avcodec_open2(d, codec, NULL);
    if (ret < 0) {
        s->hw_fmt = old_fmt;
        avcodec_free_context(&d);
        snprintf(why, why_len, "cannot open the %s decoder: %s", codec->name,
                 vx_averr(ret, eb, sizeof(eb)));
        return VX_ERR(EINVAL);
    }
    avcodec_free_context(&s->dec);
    s->dec = d;
    return 0;
}

int vx_source_open(VxContext *ctx, const char *path, VxSource **out)
{
    char eb[128];
    *out = NULL;
    VxSource *s = calloc(1, sizeof(*s));
    if (!s)
        return VX_ERR(ENOMEM);
    s->ctx = ctx;
    s->start_pts = AV_NOPTS_VALUE;
    s->hw_fmt = AV_PIX_FMT_NONE;
    s->path = strdup(path);
    s->pkt = av_packet_alloc();
    s->frm = av_frame_alloc();
    int ret;
    if (!s->path || !s->pkt || !s->frm) {
        ret = VX_ERR(ENOMEM);
        goto fail;
    }
    if ((ret = vx_media_open_input(ctx, path, "a video file", &s->fmt)) < 0)
        goto fail;
    /* the size the container declares, before any frame is decoded (FFmpeg itself gives up
     * on some huge sizes and then reports none) */
    for (unsigned i = 0; i < s->fmt->nb_streams; i++) {
        const AVCodecParameters *par = s->fmt->streams[i]->codecpar;
        if (par->codec_type == AVMEDIA_TYPE_VIDEO &&
            (ret = check_size(ctx, path, par->width, par->height)) < 0)
            goto fail;
    }
    ret = avformat_find_stream_info(s->fmt, NULL);
    if (ret < 0) {
        ret = vx_fail(ctx, VX_ERR(EINVAL), "%s: cannot read stream information: %s", path,
                      vx_averr(ret, eb, sizeof(eb)));
        goto fail;
    }
    const AVCodec *codec = NULL;
    ret = av_find_best_stream(s->fmt, AVMEDIA_TYPE_VIDEO, -1, -1, &codec, 0);
    if (ret < 0) {
        ret = vx_fail(ctx, VX_ERR(EINVAL), "%s: %s", path,
                      ret == AVERROR_DECODER_NOT_FOUND ? "no decoder for its video codec"
                                                       : "no video stream");
        goto fail;
    }
    s->vidx = ret;
    AVStream *st = s->fmt->streams[s->vidx];
    for (unsigned i = 0; i < s->fmt->nb_streams; i++)
        if ((int)i != s->vidx)
            s->fmt->streams[i]->discard = AVDISCARD_ALL;
    if (st->codecpar->width < 1 || st->codecpar->height < 1) {
        ret = vx_fail(ctx, VX_ERR(EINVAL), "%s: the video stream has no size", path);
        goto fail;
    }
    /* again: reading the stream may have found the size the header left out */
    if ((ret = check_size(ctx, path, st->codecpar->width, st->codecpar->height)) < 0)
        goto fail;
    s->codec = codec;
    char why[256];
    if ((ret = open_decoder(s, AV_HWDEVICE_TYPE_NONE, ctx->s.threads > 0 ? ctx->s.threads : 0,
                            why, sizeof(why))) < 0) {
        ret = ret == VX_ERR(ENOMEM) ? ret : vx_fail(ctx, ret, "%s: %s", path, why);
        goto fail;
    }
    /* rotation: display matrix gives a counter-clockwise angle */
    const uint8_t *dm = av_stream_get_side_data(st, AV_PKT_DATA_DISPLAYMATRIX, NULL);
    if (dm) {
        double a = -av_display_rotation_get((const int32_t *)dm);
        if (!isnan(a)) {
            int r = (int)lrint(a / 90.0) * 90 % 360;
            s->info.rotation = r < 0 ? r + 360 : r;
        }
    }
    int cw = st->codecpar->width, ch = st->codecpar->height;
    s->info.width = s->info.rotation % 180 ? ch : cw;
    s->info.height = s->info.rotation % 180 ? cw : ch;
    const AVRational fr = st->avg_frame_rate.num > 0 ? st->avg_frame_rate : st->r_frame_rate;
    s->info.fps = (VxRational){fr.num, fr.den};
    double dur = 0;
    const AVDictionaryEntry *tag = av_dict_get(st->metadata, "DURATION", NULL, 0);
    int hh, mm;
    double ss;
    /* the video's own length: the tag (Matroska/WebM) and the file's duration are end times
     * counted from 0 and from the file's start, so the video's first timestamp comes off */
    const double vstart = st->start_time != AV_NOPTS_VALUE ? st->start_time * av_q2d(st->time_base) : 0;
    const double fstart = s->fmt->start_time != AV_NOPTS_VALUE ? s->fmt->start_time / (double)AV_TIME_BASE : 0;
    if (st->duration > 0 && st->duration != AV_NOPTS_VALUE)
        dur = st->duration * av_q2d(st->time_base);
    else if (tag && sscanf(tag->value, "%d:%d:%lf", &hh, &mm, &ss) == 3)
        dur = hh * 3600.0 + mm * 60.0 + ss - vstart;
    else if (s->fmt->duration > 0)
        dur = s->fmt->duration / (double)AV_TIME_BASE + fstart - vstart;
    s->info.duration = dur;
    s->info.start = st->start_time != AV_NOPTS_VALUE ? st->start_time * av_q2d(st->time_base) : 0;
    int aidx = av_find_best_stream(s->fmt, AVMEDIA_TYPE_AUDIO, -1, -1, NULL, 0);
    s->info.has_audio = aidx >= 0;
    s->info.audio_codec_id = aidx >= 0 ? s->fmt->streams[aidx]->codecpar->codec_id : 0;
    s->info.codec_id = st->codecpar->codec_id;
    s->info.pix_fmt = st->codecpar->format;
    /* colour as tagged (refined by the first frame) */
    AVFrame probe = {0};
    probe.colorspace = st->codecpar->color_space;
    probe.color_range = st->codecpar->color_range;
    probe.format = st->codecpar->format;
    s->info.matrix = frame_matrix(&probe, ch);
    s->info.range = frame_range(&probe);
    s->out_matrix = s->info.matrix;
    s->out_range = VX_RANGE_LIMITED;
    update_siting(s);
    vx_log(ctx, VX_LOG_VERBOSE, "%s: %s %dx%d %s, %.3f s, %.3f fps, %s %s range, rotation %d",
           path, codec->name, cw, ch, av_get_pix_fmt_name(st->codecpar->format), dur,
           vx_q2d(s->info.fps), matrix_name(s->info.matrix),
           s->info.range ? "full" : "limited", s->info.rotation);
    *out = s;
    return 0;
fail:
    vx_source_close(&s);
    return ret;
}

int vx_source_setup_decoder(VxSource *s, const char *hwaccel, int threads, char *used,
                            size_t used_len)
{
    char why[256], tried[1024] = "";
    snprintf(used, used_len, "%s", "");
    if (!hwaccel)
        hwaccel = "auto";
    if (!strcmp(hwaccel, "auto")) {
        int present = 0; /* a device was there (or could not be ruled out) but did not serve */
        for (int i = 0; hw_order[i]; i++) {
            enum AVHWDeviceType t = av_hwdevice_find_type_by_name(hw_order[i]);
            int built = 0;
            for (enum AVHWDeviceType it = AV_HWDEVICE_TYPE_NONE;
                 (it = av_hwdevice_iterate_types(it)) != AV_HWDEVICE_TYPE_NONE;)
                built |= it == t;
            if (t == AV_HWDEVICE_TYPE_NONE || !built)
                continue;
            why[0] = 0;
            if (open_decoder(s, t, 1, why, sizeof(why)) == 0) {
                snprintf(used, used_len, "%s", hw_order[i]);
                vx_log(s->ctx, VX_LOG_INFO, "hwaccel: decoding with %s", hw_order[i]);
                return 0;
            }
            present |= !vx_hw_missing(hw_order[i]);
            snprintf(tried + strlen(tried), sizeof(tried) - strlen(tried), "%s%s: %s",
                     *tried ? "; " : "", hw_order[i], why);
        }
        /* a machine without video hardware hears nothing of it unless verbose */
        vx_log(s->ctx, present ? VX_LOG_INFO : VX_LOG_VERBOSE,
               "hwaccel: none usable (%s), decoding in software",
               *tried ? tried : "this FFmpeg has no hardware decoding");
    } else if (strcmp(hwaccel, "none")) {
        enum AVHWDeviceType t = av_hwdevice_find_type_by_name(hwaccel);
        why[0] = 0;
        if (t != AV_HWDEVICE_TYPE_NONE && open_decoder(s, t, 1, why, sizeof(why)) == 0) {
            snprintf(used, used_len, "%s", hwaccel);
            vx_log(s->ctx, VX_LOG_INFO, "hwaccel: decoding with %s", hwaccel);
            return 0;
        }
        vx_log(s->ctx, VX_LOG_WARNING, "hwaccel: %s unavailable (%s), decoding in software",
               hwaccel, *why ? why : "unknown device type");
    }
    why[0] = 0;
    int ret = open_decoder(s, AV_HWDEVICE_TYPE_NONE, threads, why, sizeof(why));
    if (ret < 0)
        return vx_fail(s->ctx, ret, "%s: %s", s->path, why);
    return 0;
}

const VxSourceInfo *vx_source_info(const VxSource *s)
{
    return &s->info;
}

/* The delivered frames' layout: the source's own chroma subsampling (at most 2 per axis) and
 * siting, or 4:4:4 when the matrix must change; then rotated. */
static void update_siting(VxSource *s)
{
    const AVCodecParameters *par = s->fmt->streams[s->vidx]->codecpar;
    const AVPixFmtDescriptor *d = av_pix_fmt_desc_get(par->format);
    int sx = d ? FFMIN(d->log2_chroma_w, 1) : 1, sy = d ? FFMIN(d->log2_chroma_h, 1) : 1;
    if (d && (d->flags & AV_PIX_FMT_FLAG_RGB))
        sx = sy = 0; /* RGB sources (screen capture codecs) keep full chroma */
    double bx, by;
    chroma_siting(par->chroma_location, &bx, &by);
    /* an axis that is not subsampled has its chroma on the luma samples */
    s->sws_hpos = sx ? (int)(bx * 256) : 0;
    s->sws_vpos = sy ? (int)(by * 256) : 0;
    if (s->info.matrix != s->out_matrix)
        sx = sy = 0;
    s->target = planar_format(sx, sy);
    bx = sx ? bx : 0, by = sy ? by : 0;
    rotated_siting(s->info.rotation, par->width, par->height, 1 << sx, 1 << sy, bx, by,
                   &s->info.chroma_x, &s->info.chroma_y);
    int quarter = s->info.rotation == 90 || s->info.rotation == 270;
    s->info.sub_x = quarter ? sy : sx;
    s->info.sub_y = quarter ? sx : sy;
}

void vx_source_set_output_color(VxSource *s, int matrix, int range)
{
    s->out_matrix = matrix;
    s->out_range = range;
    update_siting(s);
}

void vx_source_close(VxSource **ps)
{
    if (!ps || !*ps)
        return;
    VxSource *s = *ps;
    if (s->damaged) {
        char list[256] = "";
        size_t len = 0;
        const int shown = s->damaged < 8 ? (int)s->damaged : 8;
        for (int i = 0; i < shown && len < sizeof(list); i++)
            len += (size_t)snprintf(list + len, sizeof(list) - len, "%s%" PRId64 " (%.3f s)",
                                    i ? ", " : "", s->damaged_n[i], s->damaged_t[i]);
        vx_log(s->ctx, VX_LOG_WARNING, "%s: %" PRId64 " damaged frame%s concealed: frames %s%s",
               s->path, s->damaged, s->damaged == 1 ? "" : "s", list,
               s->damaged > shown ? ", ..." : "");
    }
    if (s->lost)
        vx_log(s->ctx, VX_LOG_WARNING, "%s: %" PRId64 " stretch%s of undecodable video data "
               "skipped (the frame before is shown in their place)", s->path, s->lost,
               s->lost == 1 ? "" : "es");
    avcodec_free_context(&s->dec);
    avformat_close_input(&s->fmt);
    av_packet_free(&s->pkt);
    av_frame_free(&s->frm);
    sws_freeContext(s->sws);
    free(s->path);
    free(s);
    *ps = NULL;
}

static inline uint8_t clip_q16(int32_t v)
{
    v >>= 16;
    return (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
}

/* One row of convert_matrix_444 (separate planes: restrict lets the compiler vectorise). */
static void matrix_row(uint8_t *restrict py, uint8_t *restrict pu, uint8_t *restrict pv, int w,
                       const int32_t c[3][3], const int32_t off[3])
{
    const int32_t c00 = c[0][0], c01 = c[0][1], c02 = c[0][2], c10 = c[1][0], c11 = c[1][1];
    const int32_t c12 = c[1][2], c20 = c[2][0], c21 = c[2][1], c22 = c[2][2];
    for (int x = 0; x < w; x++) {
        const int32_t a = py[x] - 16, u = pu[x] - 128, v = pv[x] - 128;
        py[x] = clip_q16(c00 * a + c01 * u + c02 * v + off[0]);
        pu[x] = clip_q16(c10 * a + c11 * u + c12 * v + off[1]);
        pv[x] = clip_q16(c20 * a + c21 * u + c22 * v + off[2]);
    }
}

/* Re-expresses 4:4:4 limited-range Y'CbCr of matrix `from` in matrix `to`, in place, per
 * pixel (vx_matrix_q16: within half a code value of the double path, plus its rounding; the
 * compiler vectorises the integer loop). */
static void convert_matrix_444(AVFrame *f, int from, int to)
{
    int32_t c[3][3];
    vx_matrix_q16(from, to, c);
    const int32_t off[3] = {(16 << 16) + (1 << 15), (128 << 16) + (1 << 15),
                            (128 << 16) + (1 << 15)};
    for (int y = 0; y < f->height; y++)
        matrix_row(f->data[0] + y * f->linesize[0], f->data[1] + y * f->linesize[1],
                   f->data[2] + y * f->linesize[2], f->width, c, off);
}

/* Rotates a planar 8-bit frame clockwise by rot degrees into a new frame (subsampling axes
 * swap with a quarter turn). */
static int rotate_frame(const AVFrame *src, int rot, AVFrame **out)
{
    const AVPixFmtDescriptor *d0 = av_pix_fmt_desc_get(src->format);
    const int sx = d0->log2_chroma_w, sy = d0->log2_chroma_h;
    AVFrame *d = av_frame_alloc();
    if (!d)
        return VX_ERR(ENOMEM);
    d->format = rot == 180 ? src->format : planar_format(sy, sx);
    d->width = rot == 180 ? src->width : src->height;
    d->height = rot == 180 ? src->height : src->width;
    int ret = av_frame_get_buffer(d, 64);
    if (ret < 0) {
        av_frame_free(&d);
        return VX_ERR(ENOMEM);
    }
    av_frame_copy_props(d, src);
    for (int p = 0; p < 3; p++) {
        int sw = p ? AV_CEIL_RSHIFT(src->width, sx) : src->width;
        int sh = p ? AV_CEIL_RSHIFT(src->height, sy) : src->height;
        const uint8_t *s = src->data[p];
        const int ss = src->linesize[p];
        uint8_t *dd = d->data[p];
        const int ds = d->linesize[p];
        for (int y = 0; y < sh; y++) {
            for (int x = 0; x < sw; x++) {
                int dx, dy;
                if (rot == 90)
                    dx = sh - 1 - y, dy = x;
                else if (rot == 180)
                    dx = sw - 1 - x, dy = sh - 1 - y;
                else
                    dx = y, dy = sw - 1 - x;
                dd[dy * ds + dx] = s[y * ss + x];
            }
        }
    }
    *out = d;
    return 0;
}

/* swscale context converting fmt at w x h into dst_fmt at the same size, chroma positions
 * as the source has them (and left-sited when it subsamples), range as the output wants. */
static struct SwsContext *make_sws(VxSource *s, int w, int h, int fmt, int dst_fmt, int matrix,
                                   int range)
{
    struct SwsContext *c = sws_alloc_context();
    if (!c)
        return NULL;
    av_opt_set_int(c, "srcw", w, 0);
    av_opt_set_int(c, "srch", h, 0);
    av_opt_set_int(c, "src_format", fmt, 0);
    av_opt_set_int(c, "dstw", w, 0);
    av_opt_set_int(c, "dsth", h, 0);
    av_opt_set_int(c, "dst_format", dst_fmt, 0);
    av_opt_set_int(c, "sws_flags", SWS_BICUBIC | SWS_ACCURATE_RND, 0);
    av_opt_set_int(c, "src_h_chr_pos", s->sws_hpos, 0);
    av_opt_set_int(c, "src_v_chr_pos", s->sws_vpos, 0);
    /* a subsampled axis of the target keeps the source's siting (no shift); an axis that is
     * not subsampled has its chroma on the luma samples */
    const AVPixFmtDescriptor *dd = av_pix_fmt_desc_get(dst_fmt);
    av_opt_set_int(c, "dst_h_chr_pos", dd->log2_chroma_w ? s->sws_hpos : 0, 0);
    av_opt_set_int(c, "dst_v_chr_pos", dd->log2_chroma_h ? s->sws_vpos : 0, 0);
    if (sws_init_context(c, NULL, NULL) < 0) {
        sws_freeContext(c);
        return NULL;
    }
    const int *cs = sws_getCoefficients(sws_colorspace(matrix));
    sws_setColorspaceDetails(c, cs, range == VX_RANGE_FULL, cs, s->out_range == VX_RANGE_FULL, 0,
                             1 << 16, 1 << 16);
    return c;
}

static AVFrame *new_frame(int fmt, int w, int h, const AVFrame *props)
{
    AVFrame *f = av_frame_alloc();
    if (!f)
        return NULL;
    f->format = fmt;
    f->width = w;
    f->height = h;
    if (av_frame_get_buffer(f, 64) < 0) {
        av_frame_free(&f);
        return NULL;
    }
    av_frame_copy_props(f, props);
    return f;
}

/* Brings a decoded frame to the 8-bit planar format the compositor was set up for
 * (s->target: the source's own subsampling, or 4:4:4 when the matrix must change, so that
 * conversion is exact per pixel), in the output's colour, rotated. NV12 and YUV420P frames
 * that need nothing pass by reference. */
static int normalise(VxSource *s, AVFrame *in, AVFrame **out)
{
    const int matrix = frame_matrix(in, in->height), range = frame_range(in);
    const int fmt = in->format;
    const int need_matrix = matrix != s->out_matrix;
    const int is420 = fmt == AV_PIX_FMT_NV12 || fmt == AV_PIX_FMT_YUV420P ||
                      fmt == AV_PIX_FMT_YUVJ420P;
    if (is420 && s->target == AV_PIX_FMT_YUV420P && range == s->out_range && !need_matrix &&
        !s->info.rotation) {
        AVFrame *f = av_frame_clone(in);
        if (!f)
            return VX_ERR(ENOMEM);
        *out = f;
        return 0;
    }
    const int mid = need_matrix ? AV_PIX_FMT_YUV444P : s->target;
    AVFrame *f = new_frame(mid, in->width, in->height, in);
    if (!f)
        return VX_ERR(ENOMEM);
    const int key = (fmt * 4 + range) * 64 + mid;
    if (!s->sws || s->sws_w != in->width || s->sws_h != in->height || s->sws_key != key) {
        sws_freeContext(s->sws);
        s->sws = make_sws(s, in->width, in->height, fmt, mid, matrix, range);
        if (!s->sws) {
            av_frame_free(&f);
            return vx_fail(s->ctx, VX_ERR(ENOSYS), "%s: cannot convert pixel format %s",
                           s->path, av_get_pix_fmt_name(fmt));
        }
        s->sws_w = in->width, s->sws_h = in->height, s->sws_key = key;
    }
    sws_scale(s->sws, (const uint8_t *const *)in->data, in->linesize, 0, in->height, f->data,
              f->linesize);
    if (need_matrix)
        convert_matrix_444(f, matrix, s->out_matrix);
    if (s->info.rotation) {
        AVFrame *r = NULL;
        int ret = rotate_frame(f, s->info.rotation, &r);
        av_frame_free(&f);
        if (ret < 0)
            return ret;
        f = r;
    }
    *out = f;
    return 0;
}

int vx_source_read(VxSource *s, AVFrame **out, double *t)
{
    char eb[128];
    *out = NULL;
    for (;;) {
        int ret = avcodec_receive_frame(s->dec, s->frm);
        if (ret >= 0 && s->frm->format == s->hw_fmt && s->hw_fmt != AV_PIX_FMT_NONE) {
            /* a hardware surface: downloaded in the device's own layout (NV12 for 8-bit) */
            AVFrame *sw = av_frame_alloc();
            if (!sw)
                return VX_ERR(ENOMEM);
            if ((ret = av_hwframe_transfer_data(sw, s->frm, 0)) < 0 ||
                (ret = av_frame_copy_props(sw, s->frm)) < 0) {
                av_frame_free(&sw);
                av_frame_unref(s->frm);
                return vx_fail(s->ctx, VX_ERR(EIO), "%s: cannot read a decoded frame back "
                               "from the hardware decoder: %s", s->path,
                               vx_averr(ret, eb, sizeof(eb)));
            }
            av_frame_unref(s->frm);
            av_frame_move_ref(s->frm, sw);
            av_frame_free(&sw);
        }
        if (ret >= 0) {
            int64_t pts = s->frm->best_effort_timestamp;
            if (pts == AV_NOPTS_VALUE)
                pts = s->frm->pts;
            if (s->start_pts == AV_NOPTS_VALUE)
                s->start_pts = pts != AV_NOPTS_VALUE ? pts : 0;
            double tt = pts == AV_NOPTS_VALUE
                            ? s->last_t + (s->info.fps.num ? ((double)s->info.fps.den / s->info.fps.num) : 1 / 30.0)
                            : (pts - s->start_pts) * av_q2d(s->fmt->streams[s->vidx]->time_base);
            if (s->frm->decode_error_flags || (s->frm->flags & AV_FRAME_FLAG_CORRUPT)) {
                if (s->damaged < 8)
                    s->damaged_n[s->damaged] = s->frames, s->damaged_t[s->damaged] = tt;
                if (s->damaged++ < DAMAGE_WARNINGS)
                    vx_log(s->ctx, VX_LOG_WARNING, "%s: frame %" PRId64 " at %.3f s is damaged; "
                           "shown with the decoder's concealment", s->path, s->frames, tt);
            }
            ret = normalise(s, s->frm, out);
            av_frame_unref(s->frm);
            if (ret < 0)
                return ret;
            if (!s->frames)
                s->first_w = (*out)->width, s->first_h = (*out)->height;
            if ((*out)->width != s->first_w || (*out)->height != s->first_h) {
                ret = vx_fail(s->ctx, VX_ERR(EINVAL), "%s: the video changes size at %.3f s "
                              "(%dx%d, was %dx%d); not supported", s->path, tt, (*out)->width,
                              (*out)->height, s->first_w, s->first_h);
                av_frame_free(out);
                return ret;
            }
            s->frames++;
            s->last_t = tt;
            *t = tt;
            return 0;
        }
        if (ret == AVERROR_EOF)
            return AVERROR_EOF;
        if (ret == AVERROR_INVALIDDATA) {
            /* a packet the decoder could not use (threaded decoders report it here) */
            if (s->lost++ < DAMAGE_WARNINGS)
                vx_log(s->ctx, VX_LOG_WARNING, "%s: undecodable video data after %.3f s skipped",
                       s->path, s->last_t);
            continue;
        }
        if (ret != AVERROR(EAGAIN))
            return vx_fail(s->ctx, VX_ERR(EINVAL), "%s: cannot decode video: %s", s->path,
                           vx_averr(ret, eb, sizeof(eb)));
        if (s->eof_sent)
            return AVERROR_EOF;
        ret = av_read_frame(s->fmt, s->pkt);
        if (ret == AVERROR_EOF || ret == AVERROR(EIO) || ret == AVERROR_INVALIDDATA) {
            if (ret != AVERROR_EOF)
                vx_log(s->ctx, VX_LOG_WARNING, "%s: read error (%s); treating as the end",
                       s->path, vx_averr(ret, eb, sizeof(eb)));
            avcodec_send_packet(s->dec, NULL);
            s->eof_sent = 1;
            continue;
        }
        if (ret < 0)
            return vx_fail(s->ctx, vx_from_averror(ret), "%s: read error: %s", s->path,
                           vx_averr(ret, eb, sizeof(eb)));
        if (s->pkt->stream_index == s->vidx) {
            ret = avcodec_send_packet(s->dec, s->pkt);
            if (ret < 0 && ret != AVERROR(EAGAIN) && ret != AVERROR_INVALIDDATA) {
                av_packet_unref(s->pkt);
                return vx_fail(s->ctx, VX_ERR(EINVAL), "%s: cannot decode video: %s", s->path,
                               vx_averr(ret, eb, sizeof(eb)));
            }
            if (ret == AVERROR_INVALIDDATA && s->lost++ < DAMAGE_WARNINGS)
                vx_log(s->ctx, VX_LOG_WARNING, "%s: undecodable video data after %.3f s skipped",
                       s->path, s->last_t);
        }
        av_packet_unref(s->pkt);
    }
}

int vx_source_seek(VxSource *s, double t)
{
    AVStream *st = s->fmt->streams[s->vidx];
    int64_t start = st->start_time != AV_NOPTS_VALUE ? st->start_time : 0;
    if (s->start_pts == AV_NOPTS_VALUE)
        s->start_pts = start;
    int64_t ts = s->start_pts + (int64_t)(t / av_q2d(st->time_base));
    int ret = av_seek_frame(s->fmt, s->vidx, ts, AVSEEK_FLAG_BACKWARD);
    if (ret < 0)
        ret = av_seek_frame(s->fmt, s->vidx, s->start_pts, AVSEEK_FLAG_BACKWARD);
    avcodec_flush_buffers(s->dec);
    s->eof_sent = 0;
    return ret < 0 ? VX_ERR(EIO) : 0;
}

int vx_image_load(VxContext *ctx, const char *path, VxImage **out)
{
    char eb[128];
    *out = NULL;
    AVFormatContext *fmt = NULL;
    AVCodecContext *dec = NULL;
    AVPacket *pkt = av_packet_alloc();
    AVFrame *frm = av_frame_alloc();
    struct SwsContext *sws = NULL;
    int ret = 0;
    if (!pkt || !frm) {
        ret = VX_ERR(ENOMEM);
        goto end;
    }
    if ((ret = vx_media_open_input(ctx, path, "an image", &fmt)) < 0)
        goto end;
    avformat_find_stream_info(fmt, NULL);
    const AVCodec *codec = NULL;
    int idx = av_find_best_stream(fmt, AVMEDIA_TYPE_VIDEO, -1, -1, &codec, 0);
    if (idx < 0) {
        ret = vx_fail(ctx, VX_ERR(EINVAL), "%s: not an image", path);
        goto end;
    }
    dec = avcodec_alloc_context3(codec);
    if (!dec) {
        ret = VX_ERR(ENOMEM);
        goto end;
    }
    avcodec_parameters_to_context(dec, fmt->streams[idx]->codecpar);
    if ((ret = avcodec_open2(dec, codec, NULL)) < 0) {
        ret = vx_fail(ctx, VX_ERR(EINVAL), "%s: cannot decode image", path);
        goto end;
    }
    ret = AVERROR(EAGAIN);
    while (ret == AVERROR(EAGAIN)) {
        int r = av_read_frame(fmt, pkt);
        if (r < 0)
            avcodec_send_packet(dec, NULL);
        else if (pkt->stream_index == idx)
            avcodec_send_packet(dec, pkt);
        av_packet_unref(pkt);
        ret = avcodec_receive_frame(dec, frm);
        if (r < 0 && ret == AVERROR(EAGAIN))
            ret = AVERROR_EOF;
    }
    if (ret < 0) {
        ret = vx_fail(ctx, VX_ERR(EINVAL), "%s: cannot decode image: %s", path,
                      vx_averr(ret, eb, sizeof(eb)));
        goto end;
    }
    VxImage *im = vx_image_alloc(VX_PIX_RGBA, frm->width, frm->height);
    sws = sws_getContext(frm->width, frm->height, frm->format, frm->width, frm->height,
                         AV_PIX_FMT_RGBA, SWS_POINT, NULL, NULL, NULL);
    if (!im || !sws) {
        vx_image_free(&im);
        ret = VX_ERR(ENOMEM);
        goto end;
    }
    int stride = (int)im->stride[0];
    sws_scale(sws, (const uint8_t *const *)frm->data, frm->linesize, 0, frm->height,
              im->data, &stride);
    *out = im;
    ret = 0;
end:
    sws_freeContext(sws);
    av_frame_free(&frm);
    av_packet_free(&pkt);
    avcodec_free_context(&dec);
    avformat_close_input(&fmt);
    return ret;
}
