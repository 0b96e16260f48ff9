/*
 * check_av: independent checks of an export's audio (and the video frames of a timeline).
 * Links FFmpeg's libraries only, to decode; shares no code with libvexport.
 *
 *   check_av tones OUT.mp4 FREQ:DBFS|FREQ:absent ... [--from S] [--to S]
 *       the mono mix (mean of the channels) holds a sine of each FREQ Hz at DBFS peak level
 *       (within 1 dB), or none (below -60 dBFS); measured by a Hann-windowed DFT at FREQ
 *       over [from, to] (default: 0.25 s from each end).
 *   check_av peak OUT.mp4 MAX_DBFS [MIN_RMS_DBFS]
 *       no sample of any channel above MAX_DBFS (and the RMS of the mix at least MIN_RMS).
 *   check_av timeline OUT.mp4 SRC.mp4 RANGES [--video] [--beep-phase P]
 *       RANGES = "start:end:speed:audio,..." (audio auto|keep|mute), as in the project. SRC is a
 *       `vexport synth` recording: a 440 Hz tone and a 1 kHz beep at every whole second
 *       (tools/demo_scene.h). Checks: the audio lasts as long as the video (within one frame);
 *       every beep of the kept audio is in the output where the timeline puts it (within one
 *       frame) and there are no others; muted ranges are silent, kept ones hold the tone at
 *       the source's level (1.5 dB). --video: every output frame's barcode names the source
 *       frame the timeline maps it to. --beep-phase P: the beeps sit at recording times n + P
 *       (the audio was shifted against the video by -P).
 *   check_av same OUT.mp4 SRC.mp4
 *       the output's audio stream is the source's, copied: same codec parameters, and its
 *       packets are the source's packets, byte for byte, in order.
 * Prints one line per check, then PASS or FAIL; exits 0, 1, or 2 if it could not run.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/avutil.h>

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PI 3.14159265358979323846

#include "report.h"


static void die(const char *fmt, ...)
{
    va_list ap;
    printf("ERROR ");
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\nFAIL (check_av could not run)\n");
    exit(2);
}

static void *xrealloc(void *p, size_t n)
{
    void *r = realloc(p, n ? n : 1);
    if (!r)
        die("out of memory");
    return r;
}

static double db(double v)
{
    return 20 * log10(v > 1e-12 ? v : 1e-12);
}

/* ------------------------------------------------------------------------------------------ */

typedef struct Audio {
    float *c[2];    /* first two channels (a mono stream is copied into both) */
    double *m;      /* mean of all channels */
    int64_t n, cap;
    int rate, channels;
    double start;   /* seconds of the first sample */
    double stream_dur;
} Audio;

typedef struct Video {
    int w, h;
    double fps;
    int64_t frames;
    int *code;      /* barcode of each frame (-1 unreadable) */
} Video;

static double sample_at(const AVFrame *f, int ch, int i)
{
    enum AVSampleFormat fmt = f->format;
    int planar = av_sample_fmt_is_planar(fmt), nch = f->ch_layout.nb_channels;
    const uint8_t *b = planar ? f->extended_data[ch] : f->extended_data[0];
    int k = planar ? i : i * nch + ch;
    switch (av_get_packed_sample_fmt(fmt)) {
    case AV_SAMPLE_FMT_U8: return (b[k] - 128) / 128.0;
    case AV_SAMPLE_FMT_S16: return ((const int16_t *)b)[k] / 32768.0;
    case AV_SAMPLE_FMT_S32: return ((const int32_t *)b)[k] / 2147483648.0;
    case AV_SAMPLE_FMT_FLT: return ((const float *)b)[k];
    case AV_SAMPLE_FMT_DBL: return ((const double *)b)[k];
    default: die("sample format %s not handled", av_get_sample_fmt_name(fmt));
    }
    return 0;
}

static int barcode(const AVFrame *f)
{
    int mn = f->width < f->height ? f->width : f->height;
    int s = mn < 400 ? 1 : mn <= 1079 ? 2 : mn / 540;
    int v = 0;
    for (int k = 0; k < 16; k++) {
        int x = 2 * s + 4 * s * k + 2 * s, y = f->height - 4 * s;
        int luma = f->data[0][(size_t)y * f->linesize[0] + x];
        v = v * 2 + (luma > 150);
    }
    return v;
}

/* Decodes the audio (and, if v, the video) of path. */
static void load(const char *path, Audio *a, Video *v)
{
    AVFormatContext *fc = NULL;
    if (avformat_open_input(&fc, path, NULL, NULL) < 0 || avformat_find_stream_info(fc, NULL) < 0)
        die("cannot open %s", path);
    int ai = av_find_best_stream(fc, AVMEDIA_TYPE_AUDIO, -1, -1, NULL, 0);
    int vi = v ? av_find_best_stream(fc, AVMEDIA_TYPE_VIDEO, -1, -1, NULL, 0) : -1;
    AVCodecContext *dec[2] = {NULL, NULL};
    int idx[2] = {ai, vi};
    memset(a, 0, sizeof(*a));
    a->start = NAN;
    if (v)
        memset(v, 0, sizeof(*v));
    for (int k = 0; k < 2; k++) {
        if (idx[k] < 0)
            continue;
        AVStream *st = fc->streams[idx[k]];
        const AVCodec *c = avcodec_find_decoder(st->codecpar->codec_id);
        if (!c || !(dec[k] = avcodec_alloc_context3(c)) ||
            avcodec_parameters_to_context(dec[k], st->codecpar) < 0)
            die("%s: no decoder", path);
        dec[k]->pkt_timebase = st->time_base;
        if (avcodec_open2(dec[k], c, NULL) < 0)
            die("%s: cannot open the decoder", path);
    }
    if (ai < 0)
        die("%s has no audio stream", path);
    AVStream *ast = fc->streams[ai];
    if (ast->duration != AV_NOPTS_VALUE)
        a->stream_dur = ast->duration * av_q2d(ast->time_base);
    if (v) {
        if (vi < 0)
            die("%s has no video stream", path);
        v->fps = av_q2d(fc->streams[vi]->avg_frame_rate);
    }
    AVPacket *pkt = av_packet_alloc();
    AVFrame *f = av_frame_alloc();
    int eof = 0;
    while (!eof) {
        int k = -1;
        if (av_read_frame(fc, pkt) < 0) {
            eof = 1;
        } else {
            k = pkt->stream_index == ai ? 0 : pkt->stream_index == vi ? 1 : -1;
            if (k < 0) {
                av_packet_unref(pkt);
                continue;
            }
        }
        for (int j = 0; j < 2; j++) {
            if (!dec[j] || (!eof && j != k))
                continue;
            avcodec_send_packet(dec[j], eof ? NULL : pkt);
            while (avcodec_receive_frame(dec[j], f) >= 0) {
                if (j == 0) {
                    if (isnan(a->start))
                        a->start = f->best_effort_timestamp * av_q2d(ast->time_base);
                    int ns = f->nb_samples, nch = f->ch_layout.nb_channels;
                    if (a->n + ns > a->cap) {
                        a->cap = (a->n + ns) * 2;
                        for (int c = 0; c < 2; c++)
                            a->c[c] = xrealloc(a->c[c], (size_t)a->cap * sizeof(float));
                        a->m = xrealloc(a->m, (size_t)a->cap * sizeof(double));
                    }
                    for (int i = 0; i < ns; i++) {
                        double sum = 0;
                        for (int c = 0; c < nch; c++) {
                            double s = sample_at(f, c, i);
                            sum += s;
                            if (c < 2)
                                a->c[c][a->n + i] = (float)s;
                        }
                        if (nch == 1)
                            a->c[1][a->n + i] = a->c[0][a->n + i];
                        a->m[a->n + i] = sum / nch;
                    }
                    a->n += ns;
                    a->rate = f->sample_rate;
                    a->channels = nch;
                } else {
                    v->w = f->width, v->h = f->height;
                    v->code = xrealloc(v->code, (size_t)(v->frames + 1) * sizeof(int));
                    v->code[v->frames++] = barcode(f);
                }
                av_frame_unref(f);
            }
        }
        av_packet_unref(pkt);
    }
    if (a->stream_dur > 0 && a->rate && a->stream_dur * a->rate < a->n)
        a->n = (int64_t)llround(a->stream_dur * a->rate); /* the edit list's end */
    if (isnan(a->start))
        a->start = 0;
    av_frame_free(&f);
    av_packet_free(&pkt);
    avcodec_free_context(&dec[0]);
    avcodec_free_context(&dec[1]);
    avformat_close_input(&fc);
}

static void audio_free(Audio *a)
{
    free(a->c[0]);
    free(a->c[1]);
    free(a->m);
    memset(a, 0, sizeof(*a));
}

/* Peak amplitude of a sine at freq in x[i0, i1) (Hann-windowed single DFT bin). */
static double tone(const double *x, int64_t i0, int64_t i1, int rate, double freq)
{
    double re = 0, im = 0, ws = 0;
    int64_t n = i1 - i0;
    for (int64_t i = 0; i < n; i++) {
        double w = 0.5 - 0.5 * cos(2 * PI * (i + 0.5) / n);
        double ph = 2 * PI * freq * (double)i / rate;
        re += w * x[i0 + i] * cos(ph);
        im -= w * x[i0 + i] * sin(ph);
        ws += w;
    }
    return 2 * sqrt(re * re + im * im) / ws;
}

static double rms(const double *x, int64_t i0, int64_t i1)
{
    double s = 0;
    for (int64_t i = i0; i < i1; i++)
        s += x[i] * x[i];
    return i1 > i0 ? sqrt(s / (double)(i1 - i0)) : 0;
}

/* ------------------------------------------------------------------------------------------ */

static int cmd_tones(int argc, char **argv)
{
    Audio a;
    load(argv[0], &a, NULL);
    double dur = (double)a.n / a.rate, from = 0.25, to = dur - 0.25;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--from") && i + 1 < argc)
            from = atof(argv[++i]);
        else if (!strcmp(argv[i], "--to") && i + 1 < argc)
            to = atof(argv[++i]);
    }
    int64_t i0 = (int64_t)(from * a.rate), i1 = (int64_t)(to * a.rate);
    if (i1 - i0 < a.rate / 10)
        die("window %.3f..%.3f s too short (audio %.3f s)", from, to, dur);
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--from") || !strcmp(argv[i], "--to")) {
            i++;
            continue;
        }
        double f;
        char what[32];
        if (sscanf(argv[i], "%lf:%31s", &f, what) != 2)
            die("bad tone %s (FREQ:DBFS or FREQ:absent)", argv[i]);
        double lv = db(tone(a.m, i0, i1, a.rate, f));
        if (!strcmp(what, "absent")) {
            check(lv < -60, "%g Hz absent: %.2f dBFS (want < -60)", f, lv);
        } else {
            double want = atof(what);
            check(fabs(lv - want) <= 1.0, "%g Hz at %.2f dBFS (want %.2f +- 1 dB)", f, lv, want);
        }
    }
    audio_free(&a);
    return 0;
}

static int cmd_peak(int argc, char **argv)
{
    Audio a;
    load(argv[0], &a, NULL);
    double mx = 0;
    int64_t at = 0, full = 0;
    for (int c = 0; c < 2; c++)
        for (int64_t i = 0; i < a.n; i++) {
            double v = fabs(a.c[c][i]);
            if (v > mx)
                mx = v, at = i;
            full += v >= 0.99997;
        }
    double lim = atof(argv[1]);
    check(full == 0, "%lld samples at full scale (want none)", (long long)full);
    check(db(mx) <= lim, "peak %.3f dBFS at %.4f s (want <= %.2f dBFS)", db(mx),
          (double)at / a.rate, lim);
    if (argc > 2) {
        double r = db(rms(a.m, 0, a.n) * sqrt(2)); /* as the peak of a sine */
        check(r >= atof(argv[2]), "level %.2f dBFS (sine-equivalent RMS; want >= %s)", r, argv[2]);
    }
    audio_free(&a);
    return 0;
}

typedef struct Range {
    double start, end, speed;
    int keep;
    double out0, out1;
} Range;

static int cmd_timeline(int argc, char **argv)
{
    Range *r = NULL;
    int nr = 0, video = 0;
    double phase = 0;
    for (int i = 3; i < argc; i++) {
        if (!strcmp(argv[i], "--video"))
            video = 1;
        else if (!strcmp(argv[i], "--beep-phase") && i + 1 < argc)
            phase = atof(argv[++i]);
        else
            die("unknown option %s", argv[i]);
    }
    char *spec = argv[2], *save = NULL;
    double out = 0;
    for (char *tok = strtok_r(spec, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        char au[16] = "auto";
        r = xrealloc(r, (size_t)(nr + 1) * sizeof(*r));
        Range *g = &r[nr++];
        if (sscanf(tok, "%lf:%lf:%lf:%15s", &g->start, &g->end, &g->speed, au) < 3)
            die("bad range %s", tok);
        g->keep = !strcmp(au, "keep") ||
                  (!strcmp(au, "auto") && g->speed >= 0.5 - 1e-9 && g->speed <= 2 + 1e-9);
        g->out0 = out;
        out += (g->end - g->start) / g->speed;
        g->out1 = out;
    }
    Audio a, s;
    Video v, sv;
    load(argv[0], &a, &v);
    load(argv[1], &s, video ? &sv : NULL);
    const double fd = 1 / v.fps, vdur = v.frames / v.fps, adur = (double)a.n / a.rate;
    printf("     output: %lld frames at %.3f fps (%.4f s), audio %.4f s from %.4f s; timeline %.4f s\n",
           (long long)v.frames, v.fps, vdur, adur, a.start, out);
    check(fabs(a.start) <= fd && fabs(a.start + adur - vdur) <= fd,
          "audio %.4f..%.4f s, video 0..%.4f s (within one frame, %.4f s)", a.start,
          a.start + adur, vdur, fd);
    check(fabs(vdur - out) <= fd, "video lasts %.4f s, the timeline %.4f s", vdur, out);

    /* beeps: 1 kHz envelope, 10 ms windows, 1 ms steps */
    const int win = a.rate / 100, hop = a.rate / 1000;
    enum { MAXB = 8192 };
    double *on = xrealloc(NULL, MAXB * sizeof(double)), *want = xrealloc(NULL, MAXB * sizeof(double));
    int non = 0, inb = 0;
    int64_t run = 0;
    for (int64_t i = 0; i + win <= a.n; i += hop) {
        double lv = tone(a.m, i, i + win, a.rate, 1000);
        if (lv > 0.125 && !inb) { /* half the beep's amplitude (-12 dBFS) */
            inb = 1;
            run = i;
        } else if (lv < 0.0625 && inb) {
            inb = 0;
            double t0 = (double)(run + win / 2) / a.rate, len = (double)(i - run) / a.rate;
            if (len >= 0.015 && non < MAXB)
                on[non++] = t0 < 0.5 * win / a.rate + 1e-9 ? 0 : t0;
        }
    }
    if (inb && non < MAXB)
        on[non++] = (double)(run + win / 2) / a.rate;
    /* the beeps of the kept ranges: [k, k + 0.1) of the source, seen from where the range
     * starts; required when at least 40 ms of one is kept, allowed when less */
    int nw = 0, nreq = 0, missed = 0;
    unsigned char *req = xrealloc(NULL, MAXB);
    for (int i = 0; i < nr; i++) {
        if (!r[i].keep)
            continue;
        for (double k = ceil(r[i].start - 0.1 - phase - 1e-9) + phase; k < r[i].end && nw < MAXB; k++) {
            double b0 = fmax(k, r[i].start), b1 = fmin(k + 0.1, r[i].end);
            if (b1 - b0 < 1e-6)
                continue;
            req[nw] = b1 - b0 >= 0.04;
            want[nw++] = r[i].out0 + (b0 - r[i].start) / r[i].speed;
        }
    }
    for (int i = 0; i < nw; i++) {
        if (!req[i])
            continue;
        nreq++;
        double best = 1e9;
        for (int j = 0; j < non; j++)
            if (fabs(on[j] - want[i]) < fabs(best))
                best = on[j] - want[i];
        if (nw <= 40 || fabs(best) > fd)
            check(fabs(best) <= fd, "beep at %.4f s (found %+.1f ms from there; want within "
                  "one frame)", want[i], best * 1000);
        missed += fabs(best) > fd;
    }
    if (nw > 40)
        check(!missed, "%d of %d beeps where the timeline puts them (within one frame)",
              nreq - missed, nreq);
    int extra = 0;
    for (int j = 0; j < non; j++) {
        int ok = 0;
        for (int i = 0; i < nw; i++)
            ok |= fabs(on[j] - want[i]) <= fd;
        if (!ok && extra++ < 10)
            printf("     unexpected beep at %.4f s\n", on[j]);
    }
    check(extra == 0, "%d beeps found, %d expected, %d unexpected", non, nreq, extra);
    free(req);

    /* each range: silent when muted, the 440 Hz tone at the source's level when kept */
    double src_tone = db(tone(s.m, (int64_t)(0.2 * s.rate), (int64_t)(0.9 * s.rate), s.rate, 440));
    for (int i = 0; i < nr; i++) {
        int64_t i0 = (int64_t)((r[i].out0 + 0.01) * a.rate), i1 = (int64_t)((r[i].out1 - 0.01) * a.rate);
        if (i1 > a.n)
            i1 = a.n;
        if (i1 - i0 < a.rate / 8)
            continue; /* too short to measure */
        if (!r[i].keep) {
            double lv = db(rms(a.m, i0, i1));
            check(lv < -60, "range %d (%g..%g s at %gx, muted): %.1f dBFS RMS (want silence, "
                  "< -60)", i, r[i].start, r[i].end, r[i].speed, lv);
        } else {
            /* mean over 100 ms windows: time stretching splices the tone, so it is not one
             * coherent sine over a long window */
            double sum = 0;
            int nwin = 0;
            for (int64_t k = i0; k + a.rate / 10 <= i1; k += a.rate / 10, nwin++)
                sum += tone(a.m, k, k + a.rate / 10, a.rate, 440);
            double lv = db(nwin ? sum / nwin : 0);
            check(fabs(lv - src_tone) <= 1.5, "range %d (%g..%g s at %gx): 440 Hz at %.2f dBFS "
                  "(source %.2f)", i, r[i].start, r[i].end, r[i].speed, lv, src_tone);
        }
    }

    /* joins: no click (a jump shows as a large second difference; the 440 Hz tone and the
     * beep at -12 dBFS give at most 0.25 * (2 pi 1000 / rate)^2 = 0.004) */
    double worst = 0, worst_t = 0;
    for (int i = 1; i < nr; i++) {
        int64_t c = (int64_t)llround(r[i].out0 * a.rate), w = a.rate / 50;
        for (int64_t k = c - w; k <= c + w; k++)
            if (k >= 1 && k + 1 < a.n) {
                double d2 = fabs(a.m[k + 1] - 2 * a.m[k] + a.m[k - 1]);
                if (d2 > worst)
                    worst = d2, worst_t = (double)k / a.rate;
            }
    }
    if (nr > 1)
        check(worst < 0.02, "joins without clicks: largest second difference within 20 ms of a "
              "join %.4f at %.4f s (want < 0.02)", worst, worst_t);

    if (video) {
        int bad = 0;
        double sfps = sv.fps;
        for (int64_t n = 0; n < v.frames; n++) {
            double t = n / v.fps;
            int i = 0;
            while (i + 1 < nr && t >= r[i].out1 - 1e-9)
                i++;
            double st = r[i].start + (t - r[i].out0) * r[i].speed;
            int want_f = (int)floor(st * sfps + 1e-3) & 0xffff;
            int cut = n == 0 || (i > 0 && fabs(t - r[i].out0) < 1.5 / v.fps) ||
                      (i + 1 < nr && fabs(t - r[i].out1) < 1.5 / v.fps);
            if (v.code[n] != want_f) {
                if (bad < 10)
                    printf("     frame %lld (%.4f s): source frame %d, want %d (%.4f s)\n",
                           (long long)n, t, v.code[n], want_f, st);
                bad++;
            } else if (cut) {
                printf("     frame %lld (%.4f s, at a cut): source frame %d, as wanted\n",
                       (long long)n, t, v.code[n]);
            }
        }
        check(bad == 0, "video: %d of %lld frames show another source frame than the timeline's",
              bad, (long long)v.frames);
    }
    audio_free(&a);
    audio_free(&s);
    free(v.code);
    if (video)
        free(sv.code);
    free(on);
    free(want);
    free(r);
    return 0;
}

static int cmd_same(int argc, char **argv)
{
    (void)argc;
    AVFormatContext *fc[2] = {NULL, NULL};
    int idx[2];
    for (int k = 0; k < 2; k++) {
        if (avformat_open_input(&fc[k], argv[k], NULL, NULL) < 0 ||
            avformat_find_stream_info(fc[k], NULL) < 0)
            die("cannot open %s", argv[k]);
        if ((idx[k] = av_find_best_stream(fc[k], AVMEDIA_TYPE_AUDIO, -1, -1, NULL, 0)) < 0)
            die("%s has no audio", argv[k]);
    }
    const AVCodecParameters *o = fc[0]->streams[idx[0]]->codecpar, *s = fc[1]->streams[idx[1]]->codecpar;
    check(o->codec_id == s->codec_id && o->sample_rate == s->sample_rate &&
          o->ch_layout.nb_channels == s->ch_layout.nb_channels,
          "codec %s %d Hz %d ch (source %s %d Hz %d ch)", avcodec_get_name(o->codec_id),
          o->sample_rate, o->ch_layout.nb_channels, avcodec_get_name(s->codec_id), s->sample_rate,
          s->ch_layout.nb_channels);
    check(o->extradata_size == s->extradata_size &&
          (!o->extradata_size || !memcmp(o->extradata, s->extradata, o->extradata_size)),
          "codec configuration (extradata, %d bytes) unchanged", o->extradata_size);
    AVPacket *p[2] = {av_packet_alloc(), av_packet_alloc()};
    int64_t n = 0, diff = 0;
    for (;;) {
        int r[2];
        for (int k = 0; k < 2; k++)
            while ((r[k] = av_read_frame(fc[k], p[k])) >= 0 && p[k]->stream_index != idx[k])
                av_packet_unref(p[k]);
        if (r[0] < 0)
            break; /* the output may end earlier (cut at the video's end) */
        if (r[1] < 0) {
            diff++;
            break;
        }
        n++;
        if (p[0]->size != p[1]->size || memcmp(p[0]->data, p[1]->data, p[0]->size))
            diff++;
        av_packet_unref(p[0]);
        av_packet_unref(p[1]);
    }
    check(n > 10 && diff == 0, "%lld audio packets, %lld differ from the source's", (long long)n,
          (long long)diff);
    av_packet_free(&p[0]);
    av_packet_free(&p[1]);
    avformat_close_input(&fc[0]);
    avformat_close_input(&fc[1]);
    return 0;
}

int main(int argc, char **argv)
{
    av_log_set_level(AV_LOG_ERROR);
    if (argc < 3)
        die("usage: check_av tones|peak|timeline|same OUT.mp4 ... (see the top of check_av.c)");
    const char *cmd = argv[1];
    if (!strcmp(cmd, "tones"))
        cmd_tones(argc - 2, argv + 2);
    else if (!strcmp(cmd, "peak") && argc >= 4)
        cmd_peak(argc - 2, argv + 2);
    else if (!strcmp(cmd, "timeline") && argc >= 5)
        cmd_timeline(argc - 2, argv + 2);
    else if (!strcmp(cmd, "same") && argc >= 4)
        cmd_same(argc - 2, argv + 2);
    else
        die("unknown command or missing arguments: %s", cmd);
    printf("%s\n", g_fail ? "FAIL" : "PASS");
    return g_fail;
}
