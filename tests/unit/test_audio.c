/* The audio (src/audio.c) of the synthetic screen recording (MEDIA/screen.mp4: a 440 Hz tone
 * at -12 dBFS, and a 1 kHz beep added during the first 100 ms of every whole second;
 * tools/demo_scene.h), laid out on a timeline that keeps 0-1 s and 2-3 s: mixed, encoded as
 * AAC 48 kHz stereo, as long as the video (2 s), decoded back here: the tone's level between
 * beeps, the beep of recording time 2 s at output time 1 s (and none at output 0.5 s), and
 * the sample count; a 2x range halves the length. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audio.h"
#include "internal.h"
#include "source.h"

#include "check.h"
#include "unit.h"

#define RATE 48000

typedef struct Pcm {
    AVCodecContext *dec;
    AVFrame *f;
    float *s; /* left channel, by output sample */
    int64_t n, cap;
    int64_t first_pts; /* of the first packet, time base 1/RATE */
    int packets;
} Pcm;

static int take(void *opaque, AVPacket *pkt)
{
    Pcm *p = opaque;
    if (!p->packets++)
        p->first_pts = pkt->pts;
    int ret = avcodec_send_packet(p->dec, pkt);
    while (ret >= 0 && avcodec_receive_frame(p->dec, p->f) == 0) {
        const int n = p->f->nb_samples;
        if (p->n + n > p->cap) {
            p->cap = (p->n + n) * 2;
            p->s = realloc(p->s, (size_t)p->cap * sizeof(*p->s));
        }
        for (int i = 0; i < n; i++) /* AAC decodes to planar float */
            p->s[p->n + i] = ((const float *)p->f->extended_data[0])[i];
        p->n += n;
        av_frame_unref(p->f);
    }
    return 0;
}

/* RMS of output samples [t0, t1) seconds (output time 0 = sample -first_pts). */
static double rms(const Pcm *p, double t0, double t1)
{
    const int64_t a = (int64_t)(t0 * RATE) - p->first_pts, b = (int64_t)(t1 * RATE) - p->first_pts;
    double s = 0;
    for (int64_t i = a; i < b; i++)
        s += (double)p->s[i] * p->s[i];
    return sqrt(s / (double)(b - a));
}

/* Exports the audio of the timeline segs and decodes it into *pcm. */
static int run(VxContext *ctx, const char *path, VxSegment *segs, int n, Pcm *pcm,
               double *duration)
{
    VxSource *src = NULL;
    if (vx_source_open(ctx, path, &src) < 0)
        return -1;
    VxProject p;
    memset(&p, 0, sizeof(p));
    p.screen = (char *)path, p.audio_mode = VX_AUDIO_SOURCE, p.segs = segs, p.n_segs = n;
    VxTimeline tl;
    VxAudio *a = NULL;
    int ret = vx_timeline_init(ctx, &p, vx_source_info(src), &tl);
    if (ret < 0)
        goto end;
    *duration = (double)tl.frames * tl.fps.den / tl.fps.num;
    ret = vx_audio_open(ctx, &p, vx_source_info(src), &tl, av_guess_format("mp4", NULL, NULL),
                        &a);
    if (ret < 0 || !a)
        goto end;
    const AVCodecParameters *par = vx_audio_codecpar(a);
    const AVRational tb = vx_audio_time_base(a);
    CHECK(par->codec_id == AV_CODEC_ID_AAC && par->sample_rate == RATE &&
          par->ch_layout.nb_channels == 2, "audio %d at %d Hz, %d channels", par->codec_id,
          par->sample_rate, par->ch_layout.nb_channels);
    CHECK(tb.num == 1 && tb.den == RATE, "time base %d/%d", tb.num, tb.den);
    const AVCodec *dc = avcodec_find_decoder(par->codec_id);
    pcm->dec = avcodec_alloc_context3(dc);
    avcodec_parameters_to_context(pcm->dec, par);
    pcm->f = av_frame_alloc();
    if ((ret = avcodec_open2(pcm->dec, dc, NULL)) < 0)
        goto end;
    ret = vx_audio_pull(a, *duration + 10, take, pcm);
    take(pcm, NULL); /* drain the decoder */
end:
    vx_audio_close(&a);
    vx_timeline_free(&tl);
    vx_source_close(&src);
    return ret;
}

static void pcm_free(Pcm *p)
{
    avcodec_free_context(&p->dec);
    av_frame_free(&p->f);
    free(p->s);
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return 2;
    char path[1024];
    unit_media(path, sizeof(path), argv[1], "screen.mp4");
    VxContext *ctx = unit_context();

    VxSegment segs[2] = {{0, 1, 1, VX_SEG_AUDIO_AUTO, VX_TRANS_CUT, 0}, {2, 3, 1, VX_SEG_AUDIO_AUTO, VX_TRANS_CUT, 0}};
    Pcm pcm = {0};
    double dur = 0;
    CHECK(run(ctx, path, segs, 2, &pcm, &dur) == 0, "audio: %s", vx_last_error(ctx));
    CHECK(fabs(dur - 2) < 1e-9, "video duration %g s", dur);
    /* the encoder's priming samples come first (negative pts) and are decoded too */
    const int64_t len = pcm.n + pcm.first_pts;
    printf("2 ranges: %d packets, %lld samples decoded from pts %lld: %lld samples from 0\n",
           pcm.packets, (long long)pcm.n, (long long)pcm.first_pts, (long long)len);
    CHECK(pcm.first_pts <= 0, "first packet at %lld", (long long)pcm.first_pts);
    CHECK(llabs(len - 2 * RATE) <= 1024, "%lld samples from 0, expected %d (one AAC frame "
          "allowed for the last packet)", (long long)len, 2 * RATE);
    if (pcm.n > RATE) {
        const double tone = rms(&pcm, 0.3, 0.8), beep = rms(&pcm, 1.02, 1.08),
                     quiet = rms(&pcm, 0.52, 0.58), second = rms(&pcm, 1.3, 1.8);
        const double want = pow(10, -12 / 20.0) / sqrt(2); /* -12 dBFS sine */
        printf("RMS: tone %.4f (want %.4f), beep window %.4f, 0.5 s %.4f, 1.3-1.8 s %.4f\n",
               tone, want, beep, quiet, second);
        CHECK(fabs(tone - want) < 0.1 * want, "tone RMS %.4f, expected %.4f", tone, want);
        CHECK(fabs(second - want) < 0.1 * want, "after the cut: tone RMS %.4f", second);
        /* the beep adds a second sine of the same amplitude: RMS x sqrt(2) */
        CHECK(beep > 1.25 * want, "no beep at output 1 s (recording 2 s): RMS %.4f", beep);
        CHECK(quiet < 1.1 * want, "a beep at output 0.5 s: RMS %.4f", quiet);
    }
    pcm_free(&pcm);

    /* one range at 2x (tempo-preserved): half as long */
    VxSegment fast = {0, 4, 2, VX_SEG_AUDIO_AUTO, VX_TRANS_CUT, 0};
    Pcm p2 = {0};
    CHECK(run(ctx, path, &fast, 1, &p2, &dur) == 0, "2x audio: %s", vx_last_error(ctx));
    CHECK(fabs(dur - 2) < 1e-9, "2x: video duration %g s", dur);
    CHECK(llabs(p2.n + p2.first_pts - 2 * RATE) <= 1024, "2x: %lld samples from 0, expected %d",
          (long long)(p2.n + p2.first_pts), 2 * RATE);
    pcm_free(&p2);
    vx_close(&ctx);
    return failures != 0;
}
