/* The muxer (src/mux.c): 15 frames of libx264 at 30 fps written to an MP4 through the
 * library's encoder and muxer, then read back with libavformat and libavcodec: the file
 * exists only once finished (the temporary OUT.partial is gone), holds 15 frames over 0.5 s,
 * and carries the colour tags of the output (BT.709 primaries, transfer and matrix, limited
 * range); a muxer closed before it finished leaves neither file behind. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "encode.h"
#include "internal.h"
#include "mux.h"

#include "check.h"
#include "unit.h"

#define W 320
#define H 180
#define N 15

typedef struct Sink {
    VxMuxer *m;
    AVRational tb;
} Sink;

static int write_pkt(void *opaque, AVPacket *pkt)
{
    Sink *s = opaque;
    return vx_muxer_write(s->m, 0, pkt, s->tb);
}

int main(int argc, char **argv)
{
    if (argc < 3)
        return 2;
    char out[1024], part[1100];
    snprintf(out, sizeof(out), "%s/test_mux.mp4", argv[2]);
    snprintf(part, sizeof(part), "%s.partial", out);
    remove(out);
    VxContext *ctx = unit_context();
    VxMuxer *m = NULL;
    CHECK(vx_muxer_open(ctx, out, NULL, &m) == 0 && m, "muxer: %s", vx_last_error(ctx));
    if (!m)
        return 1;
    CHECK(!strcmp(vx_muxer_format(m)->name, "mp4"), "format %s", vx_muxer_format(m)->name);
    VxEncodeParams ep;
    memset(&ep, 0, sizeof(ep));
    ep.encoder = "libx264", ep.crf = 23, ep.threads = 1, ep.width = W, ep.height = H;
    ep.fps = (AVRational){30, 1}, ep.matrix = VX_MATRIX_BT709;
    ep.global_header = !!(vx_muxer_format(m)->flags & AVFMT_GLOBALHEADER);
    VxEncoder *e = NULL;
    CHECK(vx_encoder_open(ctx, &ep, &e) == 0, "encoder: %s", vx_last_error(ctx));
    if (!e)
        return 1;
    CHECK(vx_muxer_add_video(m, vx_encoder_avctx(e)) == 0, "add video");
    CHECK(vx_muxer_start(m) == 0, "start: %s", vx_last_error(ctx));
    CHECK(access(part, F_OK) == 0 && access(out, F_OK) != 0, "not written to %s first", part);
    Sink s = {m, vx_encoder_avctx(e)->time_base};
    for (int n = 0; n < N; n++) {
        AVFrame *f = av_frame_alloc();
        f->format = vx_encoder_pix_fmt(e), f->width = W, f->height = H;
        if (av_frame_get_buffer(f, 0) < 0)
            return 1;
        for (int pl = 0; pl < (f->format == AV_PIX_FMT_NV12 ? 2 : 3); pl++)
            for (int y = 0; y < (pl ? H / 2 : H); y++)
                memset(f->data[pl] + y * f->linesize[pl], pl ? 128 : 16 + 10 * n,
                       (size_t)f->linesize[pl]);
        f->pts = n;
        CHECK(vx_encoder_send(e, f, write_pkt, &s) == 0, "frame %d: %s", n, vx_last_error(ctx));
        av_frame_free(&f);
    }
    CHECK(vx_encoder_send(e, NULL, write_pkt, &s) == 0, "flush: %s", vx_last_error(ctx));
    CHECK(vx_muxer_finish(m) == 0, "finish: %s", vx_last_error(ctx));
    vx_muxer_close(&m);
    vx_encoder_close(&e);
    CHECK(access(out, F_OK) == 0 && access(part, F_OK) != 0, "%s not moved into place", out);

    /* read back */
    AVFormatContext *fc = NULL;
    CHECK(avformat_open_input(&fc, out, NULL, NULL) == 0 &&
          avformat_find_stream_info(fc, NULL) >= 0, "%s does not read back", out);
    if (!fc)
        return 1;
    CHECK(fc->nb_streams == 1, "%u streams", fc->nb_streams);
    const AVStream *st = fc->streams[0];
    const AVCodecParameters *cp = st->codecpar;
    CHECK(cp->codec_id == AV_CODEC_ID_H264 && cp->width == W && cp->height == H,
          "codec %d %dx%d", cp->codec_id, cp->width, cp->height);
    CHECK(cp->color_primaries == AVCOL_PRI_BT709 && cp->color_trc == AVCOL_TRC_BT709 &&
          cp->color_space == AVCOL_SPC_BT709 && cp->color_range == AVCOL_RANGE_MPEG,
          "tags read back: primaries %d, transfer %d, matrix %d, range %d",
          cp->color_primaries, cp->color_trc, cp->color_space, cp->color_range);
    const double dur = st->duration * av_q2d(st->time_base);
    CHECK(dur > 0.5 - 1e-3 && dur < 0.5 + 1e-3, "duration %g s, expected 0.5", dur);
    CHECK(st->avg_frame_rate.num == 30 * st->avg_frame_rate.den, "frame rate %d/%d",
          st->avg_frame_rate.num, st->avg_frame_rate.den);
    /* decode: 15 frames, the luma of each as written */
    const AVCodec *dc = avcodec_find_decoder(cp->codec_id);
    AVCodecContext *d = avcodec_alloc_context3(dc);
    avcodec_parameters_to_context(d, cp);
    CHECK(avcodec_open2(d, dc, NULL) == 0, "no decoder");
    AVPacket *pkt = av_packet_alloc();
    AVFrame *f = av_frame_alloc();
    int frames = 0;
    for (int eof = 0; !eof;) {
        int r = av_read_frame(fc, pkt);
        eof = r < 0;
        avcodec_send_packet(d, eof ? NULL : pkt);
        av_packet_unref(pkt);
        while (avcodec_receive_frame(d, f) == 0) {
            const int y = f->data[0][(H / 2) * f->linesize[0] + W / 2], want = 16 + 10 * frames;
            CHECK(y >= want - 3 && y <= want + 3, "frame %d: luma %d, expected %d", frames, y,
                  want);
            frames++;
            av_frame_unref(f);
        }
    }
    CHECK(frames == N, "%d frames decoded, expected %d", frames, N);
    av_frame_free(&f);
    av_packet_free(&pkt);
    avcodec_free_context(&d);
    avformat_close_input(&fc);
    remove(out);

    /* closed before finishing: nothing left, neither the target nor the temporary */
    CHECK(vx_muxer_open(ctx, out, NULL, &m) == 0, "reopen: %s", vx_last_error(ctx));
    vx_muxer_close(&m);
    CHECK(access(out, F_OK) != 0 && access(part, F_OK) != 0, "an unfinished muxer left a file");
    /* a folder that does not exist: refused naming the target */
    char bad[1100];
    snprintf(bad, sizeof(bad), "%s/no-such-dir/out.mp4", argv[2]);
    CHECK(vx_muxer_open(ctx, bad, NULL, &m) < 0 && !m, "opened %s", bad);
    CHECK(strstr(vx_last_error(ctx), bad), "error does not name %s: %s", bad,
          vx_last_error(ctx));
    vx_close(&ctx);
    return failures != 0;
}
