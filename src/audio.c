/* Audio: the project's tracks laid out on the timeline, mixed, limited and encoded as AAC
 * 48 kHz stereo -- or the one track copied as it is when nothing changes it.
 *
 * Copy: exactly one track, not muted, gain 0 dB, offset 0, and a timeline that is the whole
 * recording at 1x with its audio kept; its codec AAC, MP3 or ALAC (what every MP4 player
 * decodes). Its packets are copied, shifted like the video and cut at the video's end.
 *
 * Mix, otherwise. Each track is decoded and resampled (libswresample) to 48 kHz float, mono or
 * stereo, and read by recording time (sample index at 48 kHz): a track's sample at file time
 * ft sits at recording time ft - shift, shift = (the screen's first-frame time for the
 * recording's own audio, 0 for a file) - the track's offset. For each timeline segment the output gets
 * exactly round(out_end * 48000) - round(out_start * 48000) samples, so every segment starts
 * on its exact sample and no drift can build up over many cuts:
 *   - audio kept at 1x: the mix of the tracks' samples from src_start on;
 *   - audio kept at another speed: the mix through libavfilter's atempo (pitch kept; chained
 *     2x or 0.5x steps beyond 0.5..2), padded with silence or cut to the exact length;
 *   - audio muted: silence.
 * Where the source jumps between segments (a cut, a speed change, muted on one side) both
 * sides fade over JOIN_FADE (5 ms, raised cosine), so cuts do not click. The total is the
 * video's duration (its frame count / fps).
 *
 * Why mix in C and use libavfilter only for atempo: gains and the sum are one multiply-add a
 * sample, and doing them here keeps the sample-exact placement of every segment in our hands
 * (a filter graph of trims, pads and concats per segment would hide it, and grows with the
 * number of cuts); pitch-preserving time stretching is a real algorithm (WSOLA), so it comes
 * from atempo. The limiter is ours too, so its ceiling is a guarantee (see limiter below).
 *
 * The mix runs on its own thread (decode, tempo, limiter and AAC encoding cost about 18 ms of
 * CPU a second of audio, mostly the encoder: bench/audio.sh): it encodes ahead into a queue of packets, and
 * vx_audio_pull only hands the ready ones to the caller (the muxer stays on the caller's
 * thread), so the audio is not a stage the video waits behind.
 */
#include <math.h>
#include <string.h>

#include <libavfilter/avfilter.h>
#include <libavfilter/buffersink.h>
#include <libavfilter/buffersrc.h>
#include <libavutil/audio_fifo.h>
#include <libavutil/channel_layout.h>
#include <libswresample/swresample.h>

#include "audio.h"
#include "averror.h"
#include "internal.h"
#include "media.h"
#include "pipeline.h"

#define AAC_RATE 48000
#define CHUNK 2048                   /* samples mixed at a time */
#define JOIN_FADE (AAC_RATE / 200)   /* 5 ms fade on each side of a join */
#define SEEK_GAP (30 * AAC_RATE)     /* a track skips more than this by seeking */
#define QCAP 128                     /* encoded packets ready ahead (~2.7 s) */

/* Look-ahead peak limiter. Ceiling -1.5 dBFS: the AAC coding adds up to about 0.4 dB to peaks
 * (measured on summed full-scale tones, pink noise, modulated bass), so the decoded file stays
 * under -1 dBFS. Look-ahead = attack = 5 ms; release 100 ms.
 * Per sample the gain that keeps it under the ceiling is g = min(1, ceiling / peak over the
 * channels). The applied gain is the minimum of g over the next LIM_LA samples, averaged over
 * the last LIM_LA + 1 of those minima (a linear attack ramp that reaches each peak's gain by
 * the time the peak arrives: every minimum in the average already includes that peak), then
 * allowed to rise back only exponentially (release). Each output sample is therefore at most
 * the ceiling (a final clamp only catches float rounding). Signals below the ceiling pass
 * untouched. The delay is compensated: the output keeps the input's timing. */
#define LIM_CEIL 0.84139514f /* -1.5 dBFS */
#define LIM_LA (AAC_RATE / 200)
#define LIM_RELEASE 0.1 /* seconds (time constant) */

typedef struct Limiter {
    float x[2][LIM_LA + 1]; /* delay line */
    double mins[LIM_LA + 1]; /* the last LIM_LA + 1 window minima */
    double sum;              /* their sum */
    double gq[LIM_LA + 1];   /* monotonic deque of (index, gain) for the window minimum */
    int64_t iq[LIM_LA + 1];
    int qh, qn;
    int64_t k;               /* input samples seen */
    double r, rel;           /* gain after release; release coefficient */
    double min_gain;         /* lowest gain applied (for the log) */
} Limiter;

static void lim_init(Limiter *l)
{
    memset(l, 0, sizeof(*l));
    for (int i = 0; i <= LIM_LA; i++)
        l->mins[i] = 1;
    l->sum = LIM_LA + 1;
    l->r = 1;
    l->min_gain = 1;
    l->rel = 1 - exp(-1.0 / (LIM_RELEASE * AAC_RATE));
}

/* Takes n input samples; writes to out the samples LIM_LA earlier (n of them; the first
 * LIM_LA outputs of a stream are the delay line's initial silence and are to be dropped). */
static void lim_run(Limiter *l, float *const in[2], int n, float *const out[2])
{
    const int W = LIM_LA + 1;
    for (int i = 0; i < n; i++) {
        float a = in[0][i], b = in[1][i];
        double p = fmax(fabs(a), fabs(b));
        double g = p > LIM_CEIL ? LIM_CEIL / p : 1;
        int64_t k = l->k++;
        /* window minimum over inputs [k - LIM_LA, k] */
        while (l->qn && l->gq[(l->qh + l->qn - 1) % W] >= g)
            l->qn--;
        l->gq[(l->qh + l->qn) % W] = g;
        l->iq[(l->qh + l->qn) % W] = k;
        l->qn++;
        if (l->iq[l->qh] <= k - W) {
            l->qh = (l->qh + 1) % W;
            l->qn--;
        }
        double m = l->gq[l->qh];
        int slot = (int)(k % W);
        l->sum += m - l->mins[slot];
        l->mins[slot] = m;
        double s = l->sum / W;
        double r = l->r + (1 - l->r) * l->rel;
        l->r = r = r < s ? r : s;
        if (r < l->min_gain)
            l->min_gain = r;
        /* the delayed sample k - LIM_LA leaves the delay line; sample k enters */
        float ya = l->x[0][slot] * (float)r, yb = l->x[1][slot] * (float)r;
        l->x[0][slot] = a;
        l->x[1][slot] = b;
        out[0][i] = ya > LIM_CEIL ? LIM_CEIL : ya < -LIM_CEIL ? -LIM_CEIL : ya;
        out[1][i] = yb > LIM_CEIL ? LIM_CEIL : yb < -LIM_CEIL ? -LIM_CEIL : yb;
    }
}

typedef struct Track {
    const char *path;
    AVFormatContext *fmt;
    int idx;
    AVRational tb;
    double shift;   /* recording time = file time - shift */
    float gain;     /* linear */
    int ch;         /* 1 or 2 after resampling */
    AVCodecContext *dec;
    SwrContext *swr;
    AVAudioFifo *fifo; /* resampled samples from recording sample fifo_pos on */
    int64_t fifo_pos;
    int started, eof;
    int64_t rd;      /* where the last read started */
    AVPacket *pkt;
    AVFrame *frm;
    uint8_t **conv;  /* resampler output */
    int conv_cap;
    float *tmp[2];   /* CHUNK samples per channel */
} Track;

struct VxAudio {
    const char *codec_name; /* "AAC" or "Opus" */
    VxContext *ctx;
    AVCodecParameters *par;
    AVRational tb;
    AVPacket *pkt;
    int flushed;
    /* ---- copy ---- */
    int copy;
    char *path;
    AVFormatContext *fmt;
    int idx;
    AVRational itb;
    int64_t start_ts; /* the video's first frame, in itb */
    double duration;
    int eof;
    /* ---- mix ---- */
    Track *tr;
    int n_tr;
    VxTlSeg *segs;
    int n_segs;
    int64_t *seg_n0;  /* output sample where each segment starts; [n_segs] = total */
    unsigned char *fade_in, *fade_out;
    int fades;        /* the timeline fades to black at some cuts (VxTlSeg.fade) */
    float *xtail[2];  /* a cross-fade's outgoing side, x_n samples, mixed into the segment */
    int64_t x_n;
    int seg;          /* current segment */
    int64_t done;     /* output samples produced (before the limiter) */
    /* tempo of the current segment */
    AVFilterGraph *graph;
    AVFilterContext *fsrc, *fsink;
    AVFrame *ffrm;
    AVAudioFifo *tfifo;
    int64_t t_pos, t_end; /* next source sample to feed, end of the segment's source */
    int t_sent_eof, t_eof;
    /* limiter, encoder */
    Limiter lim;
    int lim_skip;     /* delay-line samples still to drop */
    int lim_flushed;
    AVCodecContext *enc;
    AVAudioFifo *efifo;
    AVFrame *efrm;
    int64_t next_pts; /* samples sent to the encoder */
    float *mix[2], *lout[2], *zero[2];
    /* producer thread and its queue of encoded packets */
    VxThread thr;
    VxQueue *q; /* AVPacket *, QCAP of them; its waits end on the job's cancel */
};

static void track_free(Track *t)
{
    avformat_close_input(&t->fmt);
    avcodec_free_context(&t->dec);
    swr_free(&t->swr);
    if (t->fifo)
        av_audio_fifo_free(t->fifo);
    av_packet_free(&t->pkt);
    av_frame_free(&t->frm);
    if (t->conv)
        av_freep(&t->conv[0]);
    av_freep(&t->conv);
    av_freep(&t->tmp[0]);
    av_freep(&t->tmp[1]);
}

static void tempo_free(VxAudio *a)
{
    avfilter_graph_free(&a->graph);
    a->fsrc = a->fsink = NULL;
    if (a->tfifo)
        av_audio_fifo_reset(a->tfifo);
}

void vx_audio_close(VxAudio **pa)
{
    if (!pa || !*pa)
        return;
    VxAudio *a = *pa;
    if (a->q)
        vx_queue_abort(a->q); /* the producer's next packet is refused: it ends */
    vx_thread_join(&a->thr);
    vx_queue_free(&a->q);
    avformat_close_input(&a->fmt);
    avcodec_parameters_free(&a->par);
    av_packet_free(&a->pkt);
    for (int i = 0; i < a->n_tr; i++)
        track_free(&a->tr[i]);
    free(a->tr);
    free(a->segs);
    free(a->xtail[0]);
    free(a->xtail[1]);
    free(a->seg_n0);
    free(a->fade_in);
    free(a->fade_out);
    tempo_free(a);
    if (a->tfifo)
        av_audio_fifo_free(a->tfifo);
    av_frame_free(&a->ffrm);
    avcodec_free_context(&a->enc);
    if (a->efifo)
        av_audio_fifo_free(a->efifo);
    av_frame_free(&a->efrm);
    for (int c = 0; c < 2; c++) {
        av_freep(&a->mix[c]);
        av_freep(&a->lout[c]);
        av_freep(&a->zero[c]);
    }
    free(a->path);
    free(a);
    *pa = NULL;
}

/* ------------------------------------------------------------------------------------------ */
/* tracks: decoded, resampled, read by recording time */

static int open_input(VxContext *ctx, const char *path, AVFormatContext **fmt, int *idx)
{
    int ret = vx_media_open_input(ctx, path, "an audio file", fmt);
    if (ret < 0)
        return ret;
    if (avformat_find_stream_info(*fmt, NULL) < 0)
        return vx_fail(ctx, VX_ERR(EINVAL), "%s: cannot read stream information", path);
    ret = av_find_best_stream(*fmt, AVMEDIA_TYPE_AUDIO, -1, -1, NULL, 0);
    if (ret < 0)
        return vx_fail(ctx, VX_ERR(EINVAL), "%s: no audio stream", path);
    *idx = ret;
    for (unsigned i = 0; i < (*fmt)->nb_streams; i++)
        if ((int)i != *idx)
            (*fmt)->streams[i]->discard = AVDISCARD_ALL;
    return 0;
}

static int track_open(VxContext *ctx, Track *t, const char *path, double shift, double gain_db)
{
    char eb[128];
    t->path = path;
    t->shift = shift;
    t->gain = (float)pow(10, gain_db / 20);
    int ret = open_input(ctx, path, &t->fmt, &t->idx);
    if (ret < 0)
        return ret;
    AVStream *st = t->fmt->streams[t->idx];
    t->tb = st->time_base;
    const AVCodec *dc = avcodec_find_decoder(st->codecpar->codec_id);
    if (!dc)
        return vx_fail(ctx, VX_ERR(EINVAL), "%s: no decoder for its audio codec (%s)", path,
                       avcodec_get_name(st->codecpar->codec_id));
    t->dec = avcodec_alloc_context3(dc);
    t->pkt = av_packet_alloc();
    t->frm = av_frame_alloc();
    t->tmp[0] = av_malloc(CHUNK * sizeof(float));
    t->tmp[1] = av_malloc(CHUNK * sizeof(float));
    if (!t->dec || !t->pkt || !t->frm || !t->tmp[0] || !t->tmp[1])
        return VX_ERR(ENOMEM);
    avcodec_parameters_to_context(t->dec, st->codecpar);
    t->dec->pkt_timebase = st->time_base;
    if ((ret = avcodec_open2(t->dec, dc, NULL)) < 0)
        return vx_fail(ctx, VX_ERR(EINVAL), "%s: cannot decode its audio: %s", path,
                       vx_averr(ret, eb, sizeof(eb)));
    /* mono stays mono (and is then played at full level on both sides: swresample's
     * mono-to-stereo upmix would lower it by 3 dB); anything wider is mixed down to stereo */
    t->ch = t->dec->ch_layout.nb_channels >= 2 ? 2 : 1;
    AVChannelLayout in_layout = {0}, out_layout = {0};
    if (t->dec->ch_layout.order == AV_CHANNEL_ORDER_UNSPEC)
        av_channel_layout_default(&in_layout, t->dec->ch_layout.nb_channels);
    else
        av_channel_layout_copy(&in_layout, &t->dec->ch_layout);
    av_channel_layout_default(&out_layout, t->ch);
    ret = swr_alloc_set_opts2(&t->swr, &out_layout, AV_SAMPLE_FMT_FLTP, AAC_RATE, &in_layout,
                              t->dec->sample_fmt, t->dec->sample_rate, 0, NULL);
    av_channel_layout_uninit(&in_layout);
    av_channel_layout_uninit(&out_layout);
    if (ret < 0 || swr_init(t->swr) < 0)
        return vx_fail(ctx, VX_ERR(EINVAL), "%s: cannot resample its audio", path);
    if (!(t->fifo = av_audio_fifo_alloc(AV_SAMPLE_FMT_FLTP, t->ch, 8192)))
        return VX_ERR(ENOMEM);
    vx_log(ctx, VX_LOG_VERBOSE, "audio track %s: %s, %d Hz, %d channel(s), gain %+.1f dB, "
           "recording time = file time %+.3f s", path, avcodec_get_name(st->codecpar->codec_id),
           t->dec->sample_rate, t->dec->ch_layout.nb_channels, gain_db, shift ? -shift : 0.0);
    return 0;
}

static int track_frame(VxContext *ctx, Track *t, const AVFrame *f)
{
    if (!t->started) {
        int64_t pts = f ? f->best_effort_timestamp : AV_NOPTS_VALUE;
        double ft = pts == AV_NOPTS_VALUE ? 0 : pts * av_q2d(t->tb);
        t->fifo_pos = llrint((ft - t->shift) * AAC_RATE);
        t->started = 1;
    }
    int in = f ? f->nb_samples : 0;
    int max = swr_get_out_samples(t->swr, in);
    if (max <= 0)
        return 0;
    if (max > t->conv_cap) {
        if (t->conv)
            av_freep(&t->conv[0]);
        av_freep(&t->conv);
        if (av_samples_alloc_array_and_samples(&t->conv, NULL, t->ch, max, AV_SAMPLE_FMT_FLTP,
                                               0) < 0)
            return VX_ERR(ENOMEM);
        t->conv_cap = max;
    }
    int n = swr_convert(t->swr, t->conv, max, f ? (const uint8_t **)f->extended_data : NULL,
                        in);
    if (n < 0)
        return vx_fail(ctx, VX_ERR(EIO), "%s: resampling failed", t->path);
    if (n > 0 && av_audio_fifo_write(t->fifo, (void **)t->conv, n) < n)
        return VX_ERR(ENOMEM);
    return 0;
}

/* Decodes one more packet (or flushes at the end). */
static int track_more(VxContext *ctx, Track *t)
{
    char eb[128];
    int ret = av_read_frame(t->fmt, t->pkt);
    if (ret < 0) {
        if (ret != AVERROR_EOF)
            vx_log(ctx, VX_LOG_WARNING, "%s: audio read error (%s); its audio ends here",
                   t->path, vx_averr(ret, eb, sizeof(eb)));
        avcodec_send_packet(t->dec, NULL);
    } else if (t->pkt->stream_index != t->idx) {
        av_packet_unref(t->pkt);
        return 0;
    } else {
        int r = avcodec_send_packet(t->dec, t->pkt);
        av_packet_unref(t->pkt);
        if (r < 0 && r != AVERROR(EAGAIN)) {
            vx_log(ctx, VX_LOG_WARNING, "%s: damaged audio packet skipped", t->path);
            return 0;
        }
    }
    int r;
    while ((r = avcodec_receive_frame(t->dec, t->frm)) >= 0) {
        int e = track_frame(ctx, t, t->frm);
        av_frame_unref(t->frm);
        if (e < 0)
            return e;
    }
    if (ret < 0) { /* end: what the resampler still holds */
        if (t->started && (r = track_frame(ctx, t, NULL)) < 0)
            return r;
        t->started = 1;
        t->eof = 1;
    }
    return 0;
}

/* Next reads start at recording sample pos: jumps there by seeking (a few seconds early). */
static void track_seek(VxContext *ctx, Track *t, int64_t pos)
{
    double ft = (double)pos / AAC_RATE + t->shift - 1.0;
    AVStream *st = t->fmt->streams[t->idx];
    int64_t ts = (int64_t)floor(ft / av_q2d(t->tb));
    if (st->start_time != AV_NOPTS_VALUE && ts < st->start_time)
        ts = st->start_time;
    if (av_seek_frame(t->fmt, t->idx, ts, AVSEEK_FLAG_BACKWARD) < 0 &&
        av_seek_frame(t->fmt, t->idx, ts, 0) < 0) {
        vx_log(ctx, VX_LOG_WARNING, "%s: cannot seek in its audio", t->path);
        return;
    }
    vx_log(ctx, VX_LOG_VERBOSE, "%s: audio seeks to %.3f s (recording time)", t->path,
           (double)pos / AAC_RATE);
    avcodec_flush_buffers(t->dec);
    swr_close(t->swr);
    swr_init(t->swr);
    av_audio_fifo_reset(t->fifo);
    t->started = t->eof = 0;
}

/* Adds the track's samples of recording samples [pos, pos + n) (n <= CHUNK) into out, times
 * its gain; nothing where the track has no sound. Reads move forward; a read behind the last
 * one (or far ahead of it) seeks. */
static int track_add(VxContext *ctx, Track *t, int64_t pos, int n, float *const out[2])
{
    if (t->started && (pos < t->rd || (!t->eof && pos - (t->fifo_pos +
                                                           av_audio_fifo_size(t->fifo)) > SEEK_GAP)))
        track_seek(ctx, t, pos);
    t->rd = pos;
    while (!t->eof && (!t->started || t->fifo_pos + av_audio_fifo_size(t->fifo) < pos + n)) {
        int ret = track_more(ctx, t);
        if (ret < 0)
            return ret;
        /* drop what lies before pos as it comes, so the fifo stays small over skipped parts */
        int64_t d = pos - t->fifo_pos;
        if (t->started && d > 0) {
            int sz = av_audio_fifo_size(t->fifo);
            int k = d < sz ? (int)d : sz;
            av_audio_fifo_drain(t->fifo, k);
            t->fifo_pos += k;
        }
    }
    int64_t d = pos - t->fifo_pos;
    if (d > 0) {
        int sz = av_audio_fifo_size(t->fifo);
        int k = d < sz ? (int)d : sz;
        av_audio_fifo_drain(t->fifo, k);
        t->fifo_pos += k;
    }
    int64_t off = t->fifo_pos - pos; /* >= 0 unless the fifo ran dry */
    if (off < 0 || off >= n)
        return 0;
    int c = av_audio_fifo_size(t->fifo);
    if (c > n - off)
        c = (int)(n - off);
    if (c <= 0)
        return 0;
    if (av_audio_fifo_peek(t->fifo, (void **)t->tmp, c) < c)
        return VX_ERR(EIO);
    for (int ch = 0; ch < 2; ch++) {
        const float *s = t->tmp[t->ch == 2 ? ch : 0];
        float *o = out[ch] + off;
        for (int i = 0; i < c; i++)
            o[i] += t->gain * s[i];
    }
    return 0;
}

/* The mix of all tracks at recording samples [pos, pos + n). */
static int mix_src(VxAudio *a, int64_t pos, int n, float *const out[2])
{
    memset(out[0], 0, (size_t)n * sizeof(float));
    memset(out[1], 0, (size_t)n * sizeof(float));
    for (int i = 0; i < a->n_tr; i++) {
        int ret = track_add(a->ctx, &a->tr[i], pos, n, out);
        if (ret < 0)
            return ret;
    }
    return 0;
}

/* ------------------------------------------------------------------------------------------ */
/* tempo: atempo for one segment (fresh for each, so nothing leaks across a cut) */

static int tempo_open(VxAudio *a, double speed)
{
    char args[160];
    const AVFilter *fa = avfilter_get_by_name("atempo");
    if (!fa)
        return vx_fail(a->ctx, VX_ERR(ENOSYS), "this libavfilter has no atempo filter");
    if (!(a->graph = avfilter_graph_alloc()))
        return VX_ERR(ENOMEM);
    snprintf(args, sizeof(args),
             "sample_rate=%d:sample_fmt=fltp:channel_layout=stereo:time_base=1/%d", AAC_RATE,
             AAC_RATE);
    int ret = avfilter_graph_create_filter(&a->fsrc, avfilter_get_by_name("abuffer"), "in",
                                           args, NULL, a->graph);
    AVFilterContext *prev = a->fsrc;
    /* atempo's own range is wider, but its quality is best within 0.5..2: chain such steps */
    double s = speed;
    for (int i = 0; ret >= 0 && i < 8 && fabs(s - 1) > 1e-9; i++) {
        double step = s > 2 ? 2 : s < 0.5 ? 0.5 : s;
        s /= step;
        AVFilterContext *f;
        char name[16];
        snprintf(name, sizeof(name), "tempo%d", i);
        snprintf(args, sizeof(args), "tempo=%.9f", step);
        if ((ret = avfilter_graph_create_filter(&f, fa, name, args, NULL, a->graph)) >= 0)
            ret = avfilter_link(prev, 0, f, 0);
        prev = f;
    }
    AVFilterContext *fmt = NULL;
    if (ret >= 0)
        ret = avfilter_graph_create_filter(&fmt, avfilter_get_by_name("aformat"), "fmt",
                                           "sample_fmts=fltp:sample_rates=48000:"
                                           "channel_layouts=stereo", NULL, a->graph);
    if (ret >= 0)
        ret = avfilter_link(prev, 0, fmt, 0);
    if (ret >= 0)
        ret = avfilter_graph_create_filter(&a->fsink, avfilter_get_by_name("abuffersink"),
                                           "out", NULL, NULL, a->graph);
    if (ret >= 0)
        ret = avfilter_link(fmt, 0, a->fsink, 0);
    if (ret >= 0)
        ret = avfilter_graph_config(a->graph, NULL);
    if (ret < 0) {
        char eb[128];
        return vx_fail(a->ctx, VX_ERR(EINVAL), "cannot set up the tempo filter for speed %g: %s",
                       speed, vx_averr(ret, eb, sizeof(eb)));
    }
    a->t_sent_eof = a->t_eof = 0;
    return 0;
}

/* Fills the tempo output fifo with at least n samples, or all there is. */
static int tempo_fill(VxAudio *a, int n)
{
    while (av_audio_fifo_size(a->tfifo) < n && !a->t_eof) {
        int ret;
        while ((ret = av_buffersink_get_frame(a->fsink, a->ffrm)) >= 0) {
            int w = av_audio_fifo_write(a->tfifo, (void **)a->ffrm->extended_data,
                                        a->ffrm->nb_samples);
            int want = a->ffrm->nb_samples;
            av_frame_unref(a->ffrm);
            if (w < want)
                return VX_ERR(ENOMEM);
        }
        if (ret == AVERROR_EOF) {
            a->t_eof = 1;
            break;
        }
        if (ret != AVERROR(EAGAIN))
            return vx_fail(a->ctx, VX_ERR(EIO), "tempo filter failed");
        if (av_audio_fifo_size(a->tfifo) >= n)
            break;
        if (a->t_pos < a->t_end) {
            int k = a->t_end - a->t_pos < CHUNK ? (int)(a->t_end - a->t_pos) : CHUNK;
            AVFrame *f = a->ffrm;
            f->nb_samples = k;
            f->format = AV_SAMPLE_FMT_FLTP;
            f->sample_rate = AAC_RATE;
            av_channel_layout_default(&f->ch_layout, 2);
            f->pts = a->t_pos;
            if (av_frame_get_buffer(f, 0) < 0)
                return VX_ERR(ENOMEM);
            if ((ret = mix_src(a, a->t_pos, k, (float **)f->extended_data)) < 0) {
                av_frame_unref(f);
                return ret;
            }
            a->t_pos += k;
            ret = av_buffersrc_add_frame(a->fsrc, f);
            av_frame_unref(f);
        } else if (!a->t_sent_eof) {
            a->t_sent_eof = 1;
            ret = av_buffersrc_add_frame(a->fsrc, NULL);
        } else {
            a->t_eof = 1; /* the graph is drained */
            ret = 0;
        }
        if (ret < 0)
            return vx_fail(a->ctx, VX_ERR(EIO), "tempo filter failed");
    }
    return 0;
}

/* ------------------------------------------------------------------------------------------ */
/* the output: segments in order, each exactly as long as its output range */

static double fade_w(int64_t k)
{
    return 0.5 - 0.5 * cos(M_PI * ((double)k + 0.5) / JOIN_FADE);
}

/* n samples of the current segment from its sample k0 on (len: its whole length, through a
 * cross-fade out of it) into out, with the 5 ms fades at its joins. */
static int seg_render(VxAudio *a, int64_t k0, int64_t len, int n, float *const out[2])
{
    const VxTlSeg *s = &a->segs[a->seg];
    int ret = 0;
    if (!s->audio_keep) {
        memset(out[0], 0, (size_t)n * sizeof(float));
        memset(out[1], 0, (size_t)n * sizeof(float));
    } else if (fabs(s->speed - 1) < 1e-9) {
        ret = mix_src(a, llrint(s->src_start * AAC_RATE) + k0, n, out);
    } else {
        if (!a->graph) {
            if ((ret = tempo_open(a, s->speed)) < 0)
                return ret;
            a->t_pos = llrint(s->src_start * AAC_RATE);
            a->t_end = llrint(s->src_end * AAC_RATE);
        }
        if ((ret = tempo_fill(a, n)) < 0)
            return ret;
        int got = av_audio_fifo_size(a->tfifo);
        got = got < n ? got : n;
        if (got > 0 && av_audio_fifo_read(a->tfifo, (void **)out, got) < got)
            return VX_ERR(EIO);
        for (int c = 0; c < 2; c++) /* tempo came out short: silence up to the exact length */
            memset(out[c] + got, 0, (size_t)(n - got) * sizeof(float));
    }
    if (ret < 0)
        return ret;
    for (int i = 0; i < n; i++) {
        int64_t k = k0 + i;
        double w = 1;
        if (a->fade_in[a->seg] && k < JOIN_FADE)
            w *= fade_w(k);
        if (a->fade_out[a->seg] && len - 1 - k < JOIN_FADE)
            w *= fade_w(len - 1 - k);
        if (w < 1) {
            out[0][i] *= (float)w;
            out[1][i] *= (float)w;
        }
    }
    return 0;
}

/* Samples the cross-fade into segment i lasts (0: none). */
static int64_t xfade_n(const VxAudio *a, int i)
{
    return i < a->n_segs ? llrint(a->segs[i].xfade * AAC_RATE) : 0;
}

/* Produces the next n output samples (not crossing a segment's end) into out. A segment a
 * cross-fade leaves renders its overlap ahead (into xtail) before the next one starts, and
 * the next one mixes it in: (1 - w) * outgoing + w * incoming, w = k / overlap. */
static int produce(VxAudio *a, int n, float *const out[2])
{
    const int64_t n0 = a->seg_n0[a->seg], k0 = a->done - n0;
    const int64_t xin = xfade_n(a, a->seg), xout = xfade_n(a, a->seg + 1);
    const int64_t len = a->seg_n0[a->seg + 1] - n0 + xout;
    int ret = seg_render(a, k0, len, n, out);
    if (ret < 0)
        return ret;
    for (int i = 0; i < n && k0 + i < a->x_n; i++) {
        const float w = (float)((double)(k0 + i) / xin);
        for (int c = 0; c < 2; c++)
            out[c][i] = out[c][i] * w + a->xtail[c][k0 + i] * (1 - w);
    }
    if (a->fades) /* the picture's fade to black at a cut, sample by sample */
        for (int i = 0; i < n; i++) {
            const float g = (float)vx_timeline_fade(a->segs, a->n_segs,
                                                    (double)(a->done + i) / AAC_RATE);
            out[0][i] *= g;
            out[1][i] *= g;
        }
    a->done += n;
    if (a->done >= a->seg_n0[a->seg + 1]) {
        a->x_n = 0;
        if (xout > 0 && a->seg + 1 < a->n_segs) { /* the overlap, from this segment */
            for (int c = 0; c < 2; c++) {
                float *t = realloc(a->xtail[c], (size_t)xout * sizeof(float));
                if (!t)
                    return VX_ERR(ENOMEM);
                a->xtail[c] = t;
            }
            for (int64_t k = 0; k < xout; k += CHUNK) {
                const int m = xout - k < CHUNK ? (int)(xout - k) : CHUNK;
                float *dst[2] = {a->xtail[0] + k, a->xtail[1] + k};
                if ((ret = seg_render(a, a->seg_n0[a->seg + 1] - n0 + k, len, m, dst)) < 0)
                    return ret;
            }
            a->x_n = xout;
        }
        tempo_free(a); /* whatever tempo made beyond the segment's length is dropped */
        while (a->seg < a->n_segs && a->done >= a->seg_n0[a->seg + 1])
            a->seg++;
        if (a->seg < a->n_segs && a->done > a->seg_n0[a->seg])
            a->x_n = 0; /* the next one's start was skipped (empty segments): no overlap */
    }
    return 0;
}

/* Encodes whole AAC frames from the encoder fifo (what is left too when flushing). */
static int encode_fifo(VxAudio *a, int flush, int (*cb)(void *, AVPacket *), void *opaque)
{
    const int fs = a->enc->frame_size;
    int ret;
    while (av_audio_fifo_size(a->efifo) >= fs || (flush && av_audio_fifo_size(a->efifo) > 0)) {
        int n = av_audio_fifo_size(a->efifo);
        n = n > fs ? fs : n;
        av_frame_unref(a->efrm);
        a->efrm->nb_samples = n;
        a->efrm->format = a->enc->sample_fmt;
        a->efrm->sample_rate = AAC_RATE;
        av_channel_layout_copy(&a->efrm->ch_layout, &a->enc->ch_layout);
        if (av_frame_get_buffer(a->efrm, 0) < 0)
            return VX_ERR(ENOMEM);
        if (a->enc->sample_fmt == AV_SAMPLE_FMT_FLT) { /* libopus: interleaved */
            float *pl[2] = {a->lout[0], a->lout[1]}; /* free between limiter runs */
            av_audio_fifo_read(a->efifo, (void **)pl, n);
            float *d = (float *)a->efrm->data[0];
            for (int i = 0; i < n; i++)
                d[2 * i] = pl[0][i], d[2 * i + 1] = pl[1][i];
        } else {
            av_audio_fifo_read(a->efifo, (void **)a->efrm->data, n);
        }
        a->efrm->pts = a->next_pts;
        a->next_pts += n;
        if (avcodec_send_frame(a->enc, a->efrm) < 0)
            return vx_fail(a->ctx, VX_ERR(EIO), "%s encoding failed", a->codec_name);
        while ((ret = avcodec_receive_packet(a->enc, a->pkt)) >= 0) {
            ret = cb(opaque, a->pkt);
            av_packet_unref(a->pkt);
            if (ret < 0)
                return ret;
        }
    }
    if (flush) {
        avcodec_send_frame(a->enc, NULL);
        while (avcodec_receive_packet(a->enc, a->pkt) >= 0) {
            ret = cb(opaque, a->pkt);
            av_packet_unref(a->pkt);
            if (ret < 0)
                return ret;
        }
    }
    return 0;
}

/* Passes n samples through the limiter into the encoder fifo (dropping its initial delay). */
static int limit(VxAudio *a, float *const in[2], int n)
{
    lim_run(&a->lim, in, n, a->lout);
    int skip = a->lim_skip < n ? a->lim_skip : n;
    a->lim_skip -= skip;
    float *o[2] = {a->lout[0] + skip, a->lout[1] + skip};
    if (n - skip > 0 && av_audio_fifo_write(a->efifo, (void **)o, n - skip) < n - skip)
        return VX_ERR(ENOMEM);
    return 0;
}

static int pull_mix(VxAudio *a, double until, int (*cb)(void *, AVPacket *), void *opaque)
{
    const int64_t total = a->seg_n0[a->n_segs];
    int64_t want = llrint(until * AAC_RATE);
    int ret;
    while (a->done < total && a->done < want) {
        int64_t left = a->seg_n0[a->seg + 1] - a->done;
        int n = left < CHUNK ? (int)left : CHUNK;
        if ((ret = produce(a, n, a->mix)) < 0 || (ret = limit(a, a->mix, n)) < 0 ||
            (ret = encode_fifo(a, 0, cb, opaque)) < 0)
            return ret;
    }
    if (a->done >= total) {
        if (!a->lim_flushed) { /* push the delay line out */
            a->lim_flushed = 1;
            if ((ret = limit(a, a->zero, LIM_LA)) < 0)
                return ret;
            if (a->lim.min_gain < 0.999)
                vx_log(a->ctx, VX_LOG_VERBOSE, "audio limiter: at most %.1f dB of gain "
                       "reduction", 20 * log10(a->lim.min_gain));
        }
        if ((ret = encode_fifo(a, 1, cb, opaque)) < 0)
            return ret;
        a->flushed = 1;
    }
    return 0;
}

/* Producer side: queues a packet, waiting while the queue is full. */
static int queue_packet(void *opaque, AVPacket *pkt)
{
    VxAudio *a = opaque;
    AVPacket *c = av_packet_alloc();
    if (!c)
        return VX_ERR(ENOMEM);
    av_packet_move_ref(c, pkt);
    const int ret = vx_queue_push(a->q, &c, NULL);
    if (ret < 0) { /* the consumer gave up, or the job was cancelled */
        av_packet_free(&c);
        return VX_ERR(ECANCELED);
    }
    return 0;
}

static void free_packet(void *p)
{
    av_packet_free((AVPacket **)p);
}

static void *producer(void *opaque)
{
    VxAudio *a = opaque;
    int ret = 0;
    while (!a->flushed && ret >= 0)
        ret = pull_mix(a, (double)a->seg_n0[a->n_segs] / AAC_RATE + 1, queue_packet, a);
    vx_queue_finish(a->q, ret < 0 ? ret : 0);
    return NULL;
}

/* Consumer side: passes the queued packets with pts < until to cb, waiting for the producer
 * when it has not got that far yet. */
static int pull_queued(VxAudio *a, double until, int (*cb)(void *, AVPacket *), void *opaque)
{
    const int64_t lim = (int64_t)ceil(until * AAC_RATE);
    for (;;) {
        AVPacket *p = NULL;
        int ret = vx_queue_peek(a->q, &p, NULL);
        if (ret < 0)
            return ret; /* the producer failed, or the job was cancelled */
        if (ret == 0 || p->pts >= lim)
            return 0; /* the end, or the next packet is for later */
        vx_queue_pop(a->q, &p, NULL);
        ret = cb(opaque, p);
        av_packet_free(&p);
        if (ret < 0)
            return ret;
    }
}

/* AAC, or Opus where the container takes no AAC (WebM). */
static int open_encoder(VxAudio *a, const AVOutputFormat *ofmt)
{
    char eb[128];
    const int opus = ofmt && avformat_query_codec(ofmt, AV_CODEC_ID_AAC, FF_COMPLIANCE_NORMAL) != 1;
    const AVCodec *ec = opus ? avcodec_find_encoder_by_name("libopus")
                             : avcodec_find_encoder(AV_CODEC_ID_AAC);
    a->codec_name = opus ? "Opus" : "AAC";
    if (!ec)
        return vx_fail(a->ctx, VX_ERR(ENOSYS), "no %s encoder in this FFmpeg%s", a->codec_name,
                       opus ? " (libopus)" : "");
    if (!(a->enc = avcodec_alloc_context3(ec)))
        return VX_ERR(ENOMEM);
    av_channel_layout_default(&a->enc->ch_layout, 2);
    a->enc->sample_rate = AAC_RATE;
    a->enc->sample_fmt = opus ? AV_SAMPLE_FMT_FLT : AV_SAMPLE_FMT_FLTP;
    a->enc->bit_rate = opus ? 128000 : 160000;
    a->enc->time_base = (AVRational){1, AAC_RATE};
    a->enc->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
    int ret = avcodec_open2(a->enc, ec, NULL);
    if (ret < 0)
        return vx_fail(a->ctx, VX_ERR(EIO), "cannot open the %s encoder: %s", a->codec_name,
                       vx_averr(ret, eb, sizeof(eb)));
    a->par = avcodec_parameters_alloc();
    a->efifo = av_audio_fifo_alloc(AV_SAMPLE_FMT_FLTP, 2, 4096);
    a->tfifo = av_audio_fifo_alloc(AV_SAMPLE_FMT_FLTP, 2, 8192);
    a->efrm = av_frame_alloc();
    a->ffrm = av_frame_alloc();
    if (!a->par || !a->efifo || !a->tfifo || !a->efrm || !a->ffrm ||
        avcodec_parameters_from_context(a->par, a->enc) < 0)
        return VX_ERR(ENOMEM);
    for (int c = 0; c < 2; c++) {
        a->mix[c] = av_malloc(CHUNK * sizeof(float));
        a->lout[c] = av_malloc(CHUNK * sizeof(float));
        a->zero[c] = av_mallocz(LIM_LA * sizeof(float));
        if (!a->mix[c] || !a->lout[c] || !a->zero[c])
            return VX_ERR(ENOMEM);
    }
    a->tb = a->enc->time_base;
    lim_init(&a->lim);
    a->lim_skip = LIM_LA;
    return 0;
}

/* Lays the segments out in output samples; the last one ends with the video. */
static int layout_segments(VxAudio *a, const VxTimeline *tl)
{
    const int n = tl->n_segs;
    a->segs = malloc((size_t)n * sizeof(*a->segs));
    a->seg_n0 = malloc((size_t)(n + 1) * sizeof(*a->seg_n0));
    a->fade_in = calloc((size_t)n, 1);
    a->fade_out = calloc((size_t)n, 1);
    if (!a->segs || !a->seg_n0 || !a->fade_in || !a->fade_out)
        return VX_ERR(ENOMEM);
    memcpy(a->segs, tl->segs, (size_t)n * sizeof(*a->segs));
    a->n_segs = n;
    a->fades = tl->fades;
    const int64_t total = av_rescale(tl->frames, (int64_t)AAC_RATE * tl->fps.den, tl->fps.num);
    for (int i = 0; i < n; i++) {
        int64_t s = i ? llrint(tl->segs[i].out_start * AAC_RATE) : 0;
        a->seg_n0[i] = s < total ? s : total;
        if (i && a->seg_n0[i] < a->seg_n0[i - 1])
            a->seg_n0[i] = a->seg_n0[i - 1];
    }
    a->seg_n0[n] = total;
    for (int i = 0; i + 1 < n; i++) {
        const VxTlSeg *x = &tl->segs[i], *y = &tl->segs[i + 1];
        int joined = (fabs(x->src_end - y->src_start) < 1e-6 && fabs(x->speed - y->speed) < 1e-9 &&
                      x->audio_keep == y->audio_keep) ||
                     y->xfade > 0; /* a cross-fade is its own join */
        a->fade_out[i] = a->fade_in[i + 1] = !joined;
    }
    a->seg = 0;
    while (a->seg < n && a->seg_n0[a->seg + 1] <= 0)
        a->seg++;
    return 0;
}

/* ------------------------------------------------------------------------------------------ */
/* copy */

/* Opens path's audio for stream copy: 1 done, 0 its codec cannot be copied, < 0 error. */
static int open_copy(VxContext *ctx, const char *path, double start, double duration,
                     const AVOutputFormat *ofmt, VxAudio *a)
{
    int ret = open_input(ctx, path, &a->fmt, &a->idx);
    if (ret < 0)
        return ret;
    AVStream *st = a->fmt->streams[a->idx];
    enum AVCodecID id = st->codecpar->codec_id;
    if (!((id == AV_CODEC_ID_AAC || id == AV_CODEC_ID_MP3 || id == AV_CODEC_ID_ALAC) &&
          avformat_query_codec(ofmt, id, FF_COMPLIANCE_NORMAL) == 1)) {
        avformat_close_input(&a->fmt);
        return 0;
    }
    a->copy = 1;
    a->duration = duration;
    a->itb = st->time_base;
    a->start_ts = (int64_t)(start / av_q2d(a->itb) + 0.5);
    if (!(a->path = strdup(path)) || !(a->par = avcodec_parameters_alloc()) ||
        avcodec_parameters_copy(a->par, st->codecpar) < 0)
        return VX_ERR(ENOMEM);
    a->tb = a->itb;
    vx_log(ctx, VX_LOG_VERBOSE, "audio from %s: %s, copied", path, avcodec_get_name(id));
    return 1;
}

static int pull_copy(VxAudio *a, double until, int (*cb)(void *, AVPacket *), void *opaque)
{
    char eb[128];
    for (;;) {
        if (a->eof)
            return 0;
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
            return 0;
        }
        if (a->pkt->stream_index != a->idx || a->pkt->pts == AV_NOPTS_VALUE) {
            av_packet_unref(a->pkt);
            continue;
        }
        double t = (a->pkt->pts - a->start_ts) * av_q2d(a->itb);
        /* before the video's first frame: dropped, but for the one packet just before it (the
         * encoder's priming: the decoder needs it to overlap into the first kept samples; the
         * muxer's edit list hides it, as in the source) */
        if (t + 2 * a->pkt->duration * av_q2d(a->itb) <= 1e-9) {
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

/* ------------------------------------------------------------------------------------------ */

const AVCodecParameters *vx_audio_codecpar(const VxAudio *a)
{
    return a->par;
}

AVRational vx_audio_time_base(const VxAudio *a)
{
    return a->tb;
}

int vx_audio_pull(VxAudio *a, double until, int (*cb)(void *, AVPacket *), void *opaque)
{
    if (a->copy)
        return a->flushed ? 0 : pull_copy(a, until, cb, opaque);
    return pull_queued(a, until, cb, opaque);
}

int vx_audio_open(VxContext *ctx, const VxProject *p, const VxSourceInfo *si,
                  const struct VxTimeline *tl, const AVOutputFormat *ofmt, VxAudio **out)
{
    *out = NULL;
    if (p->audio_mode == VX_AUDIO_NONE)
        return 0;
    const VxAudioTrack own = {NULL, 0, 0, 0};
    const VxAudioTrack *trk = p->audio_mode == VX_AUDIO_SOURCE ? &own : p->tracks;
    const int n = p->audio_mode == VX_AUDIO_SOURCE ? 1 : p->n_tracks;
    int live = 0;
    for (int i = 0; i < n; i++) {
        if (trk[i].mute)
            continue;
        if (!trk[i].path && !si->has_audio) {
            if (p->audio_mode == VX_AUDIO_FILE)
                vx_log(ctx, VX_LOG_WARNING, "sources.audio[%d]: %s has no audio; track left out",
                       i, p->screen);
            continue;
        }
        live++;
    }
    if (!live) {
        if (n && p->audio_mode == VX_AUDIO_FILE)
            vx_log(ctx, VX_LOG_VERBOSE, "no audio: every track is muted or silent");
        return 0;
    }
    VxAudio *a = calloc(1, sizeof(*a));
    if (!a)
        return VX_ERR(ENOMEM);
    a->ctx = ctx;
    int ret = VX_ERR(ENOMEM);
    if (!(a->pkt = av_packet_alloc()))
        goto fail;

    const VxTlSeg *s0 = &tl->segs[0];
    const int plain = n == 1 && !trk[0].mute && trk[0].gain_db == 0 && trk[0].offset == 0 &&
                      tl->n_segs == 1 && s0->src_start <= 1e-9 && s0->speed == 1 &&
                      s0->audio_keep && s0->src_end >= si->duration - 1e-6;
    if (plain) {
        ret = trk[0].path ? open_copy(ctx, trk[0].path, 0, tl->duration, ofmt, a)
                          : open_copy(ctx, p->screen, si->start, tl->duration, ofmt, a);
        if (ret < 0)
            goto fail;
        if (ret == 1) {
            *out = a;
            return 0;
        }
    }
    if (!(a->tr = calloc((size_t)live, sizeof(*a->tr))))
        goto fail;
    for (int i = 0; i < n; i++) {
        if (trk[i].mute || (!trk[i].path && !si->has_audio))
            continue;
        Track *t = &a->tr[a->n_tr++];
        if (trk[i].path)
            ret = track_open(ctx, t, trk[i].path, -trk[i].offset, trk[i].gain_db);
        else
            ret = track_open(ctx, t, p->screen, si->start - trk[i].offset, trk[i].gain_db);
        if (ret < 0)
            goto fail;
    }
    if ((ret = open_encoder(a, ofmt)) < 0 || (ret = layout_segments(a, tl)) < 0)
        goto fail;
    if ((ret = vx_queue_create(QCAP, sizeof(AVPacket *), free_packet, vx_cancel_current(),
                               &a->q)) < 0)
        goto fail;
    if (vx_thread_start(&a->thr, producer, a) < 0) {
        ret = vx_fail(ctx, VX_ERR(EAGAIN), "cannot start the audio thread");
        goto fail;
    }
    vx_log(ctx, VX_LOG_VERBOSE, "audio: %d track(s) mixed over %d segment(s), %.3f s, "
           "encoded as %s 48 kHz stereo", a->n_tr, a->n_segs,
           (double)a->seg_n0[a->n_segs] / AAC_RATE, a->codec_name);
    *out = a;
    return 0;
fail:
    vx_audio_close(&a);
    return ret;
}
