/*
 * check_join: independent checks of an export made of chunks (vexport render --chunk I/N, then
 * vexport join). Links FFmpeg's libraries only, to demux and decode; shares no code with
 * libvexport.
 *
 *   check_join compare ONE.mp4 JOINED.mp4 MIN_PSNR B1,B2,...
 *       JOINED against the one-machine export ONE: the same number of video frames with the
 *       same timestamps, every frame at least MIN_PSNR dB (PSNR of Y, and of Cb and Cr
 *       together, against ONE's frame), the same size, pixel format and colour tags, the
 *       audio sample-identical after decoding (same start, same count, same values), A/V sync
 *       at every boundary Bk (the first frame of a chunk): the frame is shown at Bk / fps, as
 *       in ONE, within a frame, and the audio there is ONE's. JOINED is faststart (its moov
 *       box before its mdat).
 *   check_join chunk PART.mp4 I N FIRST END JOINED.mp4
 *       PART is chunk I of N: tagged so (vexport_chunk "I/N", a 64-hex-digit
 *       vexport_fingerprint), video only, its first packet a keyframe holding an IDR slice,
 *       decodable alone into END - FIRST frames from time 0 (closed GOPs), and those frames
 *       are JOINED's frames FIRST..END-1, pixel for pixel (the join copied, not re-encoded).
 * Prints one line per check, then PASS or FAIL; exits 0, 1, or 2 if it could not run.
 */
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/avutil.h>
#include <libavutil/pixdesc.h>

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures;

static void die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "check_join: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
    exit(2);
}

static void check(int ok, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    printf("  %s ", ok ? "ok  " : "FAIL");
    vprintf(fmt, ap);
    printf("\n");
    va_end(ap);
    if (!ok)
        failures++;
}

/* ---- decoding one stream of a file, frame by frame ---- */
typedef struct Dec {
    AVFormatContext *fmt;
    AVCodecContext *c;
    AVPacket *pkt;
    AVFrame *f;
    int si, flushed;
} Dec;

/* Opens the best stream of `type`; 0, or -1 when the file has none. */
static int dec_open(Dec *d, const char *path, enum AVMediaType type)
{
    memset(d, 0, sizeof(*d));
    if (avformat_open_input(&d->fmt, path, NULL, NULL) < 0 ||
        avformat_find_stream_info(d->fmt, NULL) < 0)
        die("%s: cannot open", path);
    d->si = av_find_best_stream(d->fmt, type, -1, -1, NULL, 0);
    if (d->si < 0)
        return -1;
    const AVCodecParameters *par = d->fmt->streams[d->si]->codecpar;
    const AVCodec *codec = avcodec_find_decoder(par->codec_id);
    d->c = codec ? avcodec_alloc_context3(codec) : NULL;
    if (!d->c || avcodec_parameters_to_context(d->c, par) < 0)
        die("%s: no decoder", path);
    d->c->thread_count = 1;
    if (avcodec_open2(d->c, codec, NULL) < 0)
        die("%s: cannot open the decoder", path);
    d->pkt = av_packet_alloc();
    d->f = av_frame_alloc();
    return 0;
}

/* The next decoded frame (owned by d, valid until the next call), or NULL at the end. */
static AVFrame *dec_next(Dec *d)
{
    for (;;) {
        int ret = avcodec_receive_frame(d->c, d->f);
        if (ret == 0)
            return d->f;
        if (ret == AVERROR_EOF)
            return NULL;
        if (ret != AVERROR(EAGAIN))
            die("decoding failed");
        if (d->flushed)
            return NULL;
        while ((ret = av_read_frame(d->fmt, d->pkt)) >= 0 && d->pkt->stream_index != d->si)
            av_packet_unref(d->pkt);
        if (ret < 0) {
            avcodec_send_packet(d->c, NULL);
            d->flushed = 1;
        } else {
            if (avcodec_send_packet(d->c, d->pkt) < 0)
                die("decoding failed");
            av_packet_unref(d->pkt);
        }
    }
}

static void dec_close(Dec *d)
{
    avcodec_free_context(&d->c);
    av_packet_free(&d->pkt);
    av_frame_free(&d->f);
    avformat_close_input(&d->fmt);
}

static AVRational tb_of(const Dec *d)
{
    return d->fmt->streams[d->si]->time_base;
}

/* Squared error sum over a plane of w x h 8-bit samples. */
static double sse(const AVFrame *a, const AVFrame *b, int plane, int w, int h)
{
    double s = 0;
    for (int y = 0; y < h; y++) {
        const uint8_t *p = a->data[plane] + (size_t)y * a->linesize[plane];
        const uint8_t *q = b->data[plane] + (size_t)y * b->linesize[plane];
        for (int x = 0; x < w; x++) {
            const int e = p[x] - q[x];
            s += e * e;
        }
    }
    return s;
}

static double psnr(double sum, double n)
{
    return sum <= 0 ? 99 : 10 * log10(255.0 * 255.0 * n / sum);
}

/* 1 if frames a and b (yuv420p) hold the same pixels. */
static int same_pixels(const AVFrame *a, const AVFrame *b)
{
    if (a->width != b->width || a->height != b->height || a->format != b->format)
        return 0;
    for (int p = 0; p < 3; p++) {
        const int w = p ? (a->width + 1) / 2 : a->width, h = p ? (a->height + 1) / 2 : a->height;
        for (int y = 0; y < h; y++)
            if (memcmp(a->data[p] + (size_t)y * a->linesize[p],
                       b->data[p] + (size_t)y * b->linesize[p], (size_t)w))
                return 0;
    }
    return 1;
}

/* Decoded audio of a file: interleaved float samples. */
typedef struct Pcm {
    float *s;
    int64_t n; /* samples per channel */
    int ch, rate;
    double start; /* seconds of the first sample */
} Pcm;

static int read_pcm(const char *path, Pcm *pcm)
{
    Dec d;
    memset(pcm, 0, sizeof(*pcm));
    if (dec_open(&d, path, AVMEDIA_TYPE_AUDIO) < 0)
        return -1;
    int64_t cap = 0;
    AVFrame *f;
    int first = 1;
    while ((f = dec_next(&d))) {
        const int ch = f->ch_layout.nb_channels;
        if (first) {
            pcm->ch = ch, pcm->rate = f->sample_rate, first = 0;
            pcm->start = f->pts == AV_NOPTS_VALUE ? 0 : f->pts * av_q2d(tb_of(&d));
        }
        if (ch != pcm->ch)
            die("%s: the channel count changes", path);
        if ((pcm->n + f->nb_samples) * ch > cap) {
            cap = 2 * (pcm->n + f->nb_samples) * ch;
            if (!(pcm->s = realloc(pcm->s, sizeof(float) * (size_t)cap)))
                die("out of memory");
        }
        for (int i = 0; i < f->nb_samples; i++)
            for (int c = 0; c < ch; c++) {
                float v;
                if (f->format == AV_SAMPLE_FMT_FLTP)
                    v = ((const float *)f->extended_data[c])[i];
                else if (f->format == AV_SAMPLE_FMT_FLT)
                    v = ((const float *)f->data[0])[i * ch + c];
                else if (f->format == AV_SAMPLE_FMT_S16P)
                    v = ((const int16_t *)f->extended_data[c])[i] / 32768.0f;
                else if (f->format == AV_SAMPLE_FMT_S16)
                    v = ((const int16_t *)f->data[0])[i * ch + c] / 32768.0f;
                else
                    die("%s: sample format %d not handled", path, f->format);
                pcm->s[(pcm->n + i) * ch + c] = v;
            }
        pcm->n += f->nb_samples;
    }
    dec_close(&d);
    return 0;
}

/* Offsets of the top-level boxes named `a` and `b` in an MP4 (-1 if absent). */
static void box_order(const char *path, const char *a, const char *b, long *oa, long *ob)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        die("%s: cannot open", path);
    *oa = *ob = -1;
    long off = 0;
    uint8_t h[16];
    while (fseek(f, off, SEEK_SET) == 0 && fread(h, 1, 8, f) == 8) {
        uint64_t size = (uint64_t)h[0] << 24 | h[1] << 16 | h[2] << 8 | h[3];
        if (size == 1) {
            if (fread(h + 8, 1, 8, f) != 8)
                break;
            size = 0;
            for (int i = 8; i < 16; i++)
                size = size << 8 | h[i];
        }
        if (!memcmp(h + 4, a, 4) && *oa < 0)
            *oa = off;
        if (!memcmp(h + 4, b, 4) && *ob < 0)
            *ob = off;
        if (size < 8)
            break;
        off += (long)size;
    }
    fclose(f);
}

static int cmd_compare(const char *one, const char *joined, double min_psnr, const char *bl)
{
    Dec a, b;
    if (dec_open(&a, one, AVMEDIA_TYPE_VIDEO) < 0 || dec_open(&b, joined, AVMEDIA_TYPE_VIDEO) < 0)
        die("no video in %s or %s", one, joined);
    const AVCodecParameters *pa = a.fmt->streams[a.si]->codecpar,
                            *pb = b.fmt->streams[b.si]->codecpar;
    printf("check_join compare %s %s\n", one, joined);
    check(pa->width == pb->width && pa->height == pb->height && pa->format == pb->format,
          "size and pixel format: %dx%d %s in both", pb->width, pb->height,
          av_get_pix_fmt_name(pb->format));
    check(pa->color_range == pb->color_range && pa->color_primaries == pb->color_primaries &&
          pa->color_trc == pb->color_trc && pa->color_space == pb->color_space &&
          pb->color_space != AVCOL_SPC_UNSPECIFIED,
          "colour tags: range %s, primaries %s, transfer %s, matrix %s (the one-machine "
          "export's: %s, %s, %s, %s)", av_color_range_name(pb->color_range),
          av_color_primaries_name(pb->color_primaries), av_color_transfer_name(pb->color_trc),
          av_color_space_name(pb->color_space), av_color_range_name(pa->color_range),
          av_color_primaries_name(pa->color_primaries), av_color_transfer_name(pa->color_trc),
          av_color_space_name(pa->color_space));
    long moov, mdat;
    box_order(joined, "moov", "mdat", &moov, &mdat);
    check(moov >= 0 && mdat >= 0 && moov < mdat, "faststart: moov at %ld, before mdat at %ld",
          moov, mdat);

    /* boundaries */
    int64_t bounds[64];
    int nb = 0;
    for (const char *s = bl; *s && nb < 64;) {
        bounds[nb++] = strtoll(s, (char **)&s, 10);
        if (*s == ',')
            s++;
        else
            break;
    }
    double bound_t[64][2];
    const AVRational fr = b.fmt->streams[b.si]->avg_frame_rate;
    const double fps = av_q2d(fr.num ? fr : b.fmt->streams[b.si]->r_frame_rate);

    int64_t n = 0, ts_bad = 0, identical = 0, low = 0, first_low = -1;
    double min_y = 1e9, min_c = 1e9;
    int64_t min_y_at = -1, min_c_at = -1;
    for (;; n++) {
        AVFrame *fa = dec_next(&a);
        AVFrame *fb = fa ? av_frame_clone(fa) : NULL;
        AVFrame *fj = dec_next(&b);
        if (!fb || !fj) {
            av_frame_free(&fb);
            if (fb || fj) {
                int64_t more = 1;
                while (fb ? dec_next(&a) : dec_next(&b))
                    more++;
                check(0, "frame count: %s has %lld more frames", fb ? one : joined,
                      (long long)more);
            }
            break;
        }
        const int64_t ta = fb->best_effort_timestamp, tj = fj->best_effort_timestamp;
        if (av_compare_ts(ta, tb_of(&a), tj, tb_of(&b)) != 0) {
            if (ts_bad++ < 5)
                printf("       frame %lld: at %.6f s in %s, %.6f s in %s\n", (long long)n,
                       ta * av_q2d(tb_of(&a)), one, tj * av_q2d(tb_of(&b)), joined);
        }
        for (int k = 0; k < nb; k++)
            if (bounds[k] == n)
                bound_t[k][0] = ta * av_q2d(tb_of(&a)), bound_t[k][1] = tj * av_q2d(tb_of(&b));
        const int w = fj->width, h = fj->height, cw = (w + 1) / 2, ch = (h + 1) / 2;
        const double py = psnr(sse(fb, fj, 0, w, h), (double)w * h);
        const double pc = psnr(sse(fb, fj, 1, cw, ch) + sse(fb, fj, 2, cw, ch), 2.0 * cw * ch);
        if (same_pixels(fb, fj))
            identical++;
        if (py < min_y)
            min_y = py, min_y_at = n;
        if (pc < min_c)
            min_c = pc, min_c_at = n;
        if (py < min_psnr || pc < min_psnr) {
            if (first_low < 0)
                first_low = n;
            low++;
        }
        av_frame_free(&fb);
    }
    check(n > 0, "%lld video frames in both", (long long)n);
    check(ts_bad == 0, "timestamps: every frame at the same time in both (%lld differ)",
          (long long)ts_bad);
    check(low == 0, "every frame >= %.1f dB: lowest Y %.2f dB (frame %lld), lowest Cb+Cr "
          "%.2f dB (frame %lld); %lld frames identical, %lld below (first: %lld)", min_psnr,
          min_y, (long long)min_y_at, min_c, (long long)min_c_at, (long long)identical,
          (long long)low, (long long)first_low);
    dec_close(&a);
    dec_close(&b);

    Pcm x, y;
    const int ha = read_pcm(one, &x) == 0, hb = read_pcm(joined, &y) == 0;
    check(ha == hb, "audio: %s in the one-machine export, %s in the joined file",
          ha ? "present" : "absent", hb ? "present" : "absent");
    if (ha && hb) {
        int64_t diff = -1;
        if (x.n == y.n && x.ch == y.ch)
            for (int64_t i = 0; i < x.n * x.ch; i++)
                if (x.s[i] != y.s[i]) {
                    diff = i / x.ch;
                    break;
                }
        check(x.n == y.n && x.ch == y.ch && x.rate == y.rate && diff < 0 && x.start == y.start,
              "audio sample-identical after decoding: %lld samples x %d channels at %d Hz from "
              "%.6f s (the one-machine export's: %lld x %d at %d Hz from %.6f s)%s",
              (long long)y.n, y.ch, y.rate, y.start, (long long)x.n, x.ch, x.rate, x.start,
              diff >= 0 ? ", first difference at a sample" : "");
        if (diff >= 0)
            printf("       first different sample: %lld (%.4f s)\n", (long long)diff,
                   diff / (double)x.rate);
        for (int k = 0; k < nb; k++) {
            if (bounds[k] >= n) {
                check(0, "boundary at frame %lld: past the end", (long long)bounds[k]);
                continue;
            }
            /* the audio around the boundary (a frame either side) is the one-machine
             * export's, and the frame is where the timeline puts it, as there */
            const double tv = bound_t[k][1], want = bounds[k] / fps;
            int64_t s0 = (int64_t)((tv - 1 / fps - y.start) * y.rate),
                    s1 = (int64_t)((tv + 1 / fps - y.start) * y.rate);
            if (s0 < 0)
                s0 = 0;
            if (s1 > y.n)
                s1 = y.n;
            int same = x.n == y.n;
            for (int64_t i = s0 * y.ch; same && i < s1 * y.ch; i++)
                same = x.s[i] == y.s[i];
            const double off = fabs(tv - bound_t[k][0]) + fabs(tv - want);
            check(off < 1 / fps && same, "A/V sync at the boundary before frame %lld: shown at "
                  "%.4f s (timeline %.4f s, one-machine %.4f s), the audio around it (%.4f to "
                  "%.4f s) the one-machine export's: off by %.4f s (< one frame, %.4f s)",
                  (long long)bounds[k], tv, want, bound_t[k][0], s0 / (double)y.rate + y.start,
                  s1 / (double)y.rate + y.start, off, 1 / fps);
        }
    }
    free(x.s);
    free(y.s);
    return 0;
}

/* 1 if the AVCC packet holds an IDR slice (NAL type 5); nal_len: bytes of each NAL's size. */
static int has_idr(const AVPacket *pkt, int nal_len)
{
    for (int off = 0; off + nal_len < pkt->size;) {
        uint32_t len = 0;
        for (int i = 0; i < nal_len; i++)
            len = len << 8 | pkt->data[off + i];
        off += nal_len;
        if (len == 0 || off + (int64_t)len > pkt->size)
            return 0;
        if ((pkt->data[off] & 0x1f) == 5)
            return 1;
        off += (int)len;
    }
    return 0;
}

static int cmd_chunk(const char *part, int idx, int cnt, int64_t first, int64_t end,
                     const char *joined)
{
    printf("check_join chunk %s %d/%d frames %lld-%lld\n", part, idx, cnt, (long long)first,
           (long long)end - 1);
    AVFormatContext *fmt = NULL;
    if (avformat_open_input(&fmt, part, NULL, NULL) < 0 || avformat_find_stream_info(fmt, NULL) < 0)
        die("%s: cannot open", part);
    const AVDictionaryEntry *tc = av_dict_get(fmt->metadata, "vexport_chunk", NULL, 0),
                            *tf = av_dict_get(fmt->metadata, "vexport_fingerprint", NULL, 0);
    char want[32];
    snprintf(want, sizeof(want), "%d/%d", idx, cnt);
    check(tc && !strcmp(tc->value, want), "tag vexport_chunk: %s (want %s)", tc ? tc->value : "absent",
          want);
    int hex = tf && strlen(tf->value) == 64;
    for (int i = 0; hex && i < 64; i++)
        hex = strchr("0123456789abcdef", tf->value[i]) != NULL;
    check(hex, "tag vexport_fingerprint: %s", tf ? tf->value : "absent");
    int video = 0, other = 0;
    for (unsigned i = 0; i < fmt->nb_streams; i++)
        fmt->streams[i]->codecpar->codec_type == AVMEDIA_TYPE_VIDEO ? video++ : other++;
    check(video == 1 && other == 0, "video only: %d video and %d other streams", video, other);
    const AVCodecParameters *par = fmt->streams[0]->codecpar;
    const int nal_len = par->codec_id == AV_CODEC_ID_H264 && par->extradata_size > 4 &&
                                par->extradata[0] == 1
                            ? (par->extradata[4] & 3) + 1
                            : 0;
    AVPacket *pkt = av_packet_alloc();
    int64_t keys = 0, idrs = 0, pkts = 0;
    int first_key = 0, first_idr = 0;
    while (av_read_frame(fmt, pkt) >= 0) {
        if (pkt->stream_index == 0) {
            const int key = !!(pkt->flags & AV_PKT_FLAG_KEY), idr = nal_len && has_idr(pkt, nal_len);
            if (!pkts)
                first_key = key, first_idr = idr;
            keys += key, idrs += idr;
            pkts++;
        }
        av_packet_unref(pkt);
    }
    av_packet_free(&pkt);
    avformat_close_input(&fmt);
    check(nal_len > 0, "H.264 in MP4 (avcC) format");
    check(first_key && first_idr, "the first packet is a keyframe with an IDR slice");
    check(keys == idrs, "every keyframe is an IDR (closed GOPs): %lld keyframes, %lld IDR",
          (long long)keys, (long long)idrs);

    Dec c, j;
    if (dec_open(&c, part, AVMEDIA_TYPE_VIDEO) < 0 || dec_open(&j, joined, AVMEDIA_TYPE_VIDEO) < 0)
        die("no video in %s or %s", part, joined);
    int64_t n = 0, same = 0;
    double t0 = -1;
    AVFrame *fj = NULL;
    for (int64_t k = 0; k < first; k++)
        if (!dec_next(&j))
            die("%s: fewer than %lld frames", joined, (long long)first);
    for (AVFrame *f; (f = dec_next(&c)); n++) {
        if (n == 0)
            t0 = f->best_effort_timestamp * av_q2d(tb_of(&c));
        AVFrame *fc = av_frame_clone(f);
        fj = dec_next(&j);
        if (fj && same_pixels(fc, fj))
            same++;
        av_frame_free(&fc);
    }
    check(n == end - first && fabs(t0) < 1e-9, "decoded alone: %lld frames (want %lld) from "
          "%.4f s (want 0)", (long long)n, (long long)(end - first), t0);
    check(same == n && n > 0, "its frames are the joined file's frames %lld-%lld, pixel for "
          "pixel: %lld of %lld", (long long)first, (long long)end - 1, (long long)same,
          (long long)n);
    dec_close(&c);
    dec_close(&j);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 6 && !strcmp(argv[1], "compare"))
        cmd_compare(argv[2], argv[3], atof(argv[4]), argv[5]);
    else if (argc == 8 && !strcmp(argv[1], "chunk"))
        cmd_chunk(argv[2], atoi(argv[3]), atoi(argv[4]), atoll(argv[5]), atoll(argv[6]), argv[7]);
    else
        die("usage: check_join compare ONE JOINED MIN_PSNR B1,B2,... | check_join chunk PART I "
            "N FIRST END JOINED (see the top of check_join.c)");
    printf("%s\n", failures ? "FAIL" : "PASS");
    return failures ? 1 : 0;
}
