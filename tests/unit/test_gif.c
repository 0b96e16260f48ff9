/* The GIF writer (src/gif.h) on synthetic NV12 frames, its file decoded by FFmpeg's GIF
 * demuxer and decoder: frame count, delays, size, loop count (read from the file's bytes),
 * pixels against an RGB reference computed here in floating point, and no crawl: pixels
 * whose source did not change decode identical from frame to frame. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>

#include "check.h"
#include "gif.h"

#define W 160
#define H 96
#define NF 12

static uint8_t Y[NF][W * H], UV[NF][W * H / 2];

/* frame f: a colour gradient; a 16x16 square that moves right each frame from 2 to 7; frames
 * 8.. a new scene (other colours); noise of +-1 in Y everywhere (below the threshold) */
static void make_frames(void)
{
    srand(1);
    for (int f = 0; f < NF; f++) {
        const int scene = f >= 8;
        for (int j = 0; j < H; j++)
            for (int i = 0; i < W; i++) {
                int y = scene ? 200 - j : 30 + i;
                const int sx = 20 + 8 * (f < 2 ? 0 : f > 7 ? 6 : f - 1);
                if (!scene && i >= sx && i < sx + 16 && j >= 40 && j < 56)
                    y = 220;
                y += rand() % 3 - 1;
                Y[f][j * W + i] = (uint8_t)y;
            }
        for (int j = 0; j < H / 2; j++)
            for (int i = 0; i < W / 2; i++) {
                UV[f][j * W + 2 * i] = (uint8_t)(scene ? 90 + j : 128 + (i - 40) / 2);
                UV[f][j * W + 2 * i + 1] = (uint8_t)(scene ? 160 - i / 4 : 110 + j);
            }
    }
}

static void ref_rgb(int f, int i, int j, double *rgb)
{
    const double y = 1.164383 * (Y[f][j * W + i] - 16), u = UV[f][(j / 2) * W + (i & ~1)] - 128.0,
                 v = UV[f][(j / 2) * W + (i & ~1) + 1] - 128.0;
    /* BT.601 limited range */
    rgb[0] = y + 1.596027 * v;
    rgb[1] = y - 0.391762 * u - 0.812968 * v;
    rgb[2] = y + 2.017232 * u;
    for (int k = 0; k < 3; k++)
        rgb[k] = rgb[k] < 0 ? 0 : rgb[k] > 255 ? 255 : rgb[k];
}

/* the loop count from the NETSCAPE2.0 extension, -1 when there is none */
static int file_loop(const char *path)
{
    FILE *f = fopen(path, "rb");
    static uint8_t b[1 << 20];
    const size_t n = fread(b, 1, sizeof(b), f);
    fclose(f);
    for (size_t i = 0; i + 19 < n; i++)
        if (!memcmp(b + i, "NETSCAPE2.0", 11) && b[i + 11] == 3 && b[i + 12] == 1)
            return b[i + 13] | b[i + 14] << 8;
    return -1;
}

int main(void)
{
    make_frames();
    char path[] = "/tmp/vx_test_gif_XXXXXX";
    const int fd = mkstemp(path);
    CHECK(fd >= 0, "mkstemp");
    close(fd);
    VxGif *g = NULL;
    VxGifParams p = {.width = W, .height = H, .loop = 3};
    CHECK(vx_gif_open(&g, path, &p) == 0, "open");
    /* 10 fps; frames 0 and 1 identical (but for noise): merged into one of 0.2 s */
    for (int f = 0; f < NF; f++)
        CHECK(vx_gif_add_nv12(g, Y[f], W, UV[f], W, f * 0.1) == 0, "add %d", f);
    int64_t bytes = 0;
    VxGifStats st;
    vx_gif_stats(g, &st);
    CHECK(vx_gif_close(g, NF * 0.1, &bytes) == 0 && bytes > 0, "close");
    CHECK(st.palettes == 2, "palettes %d, want 2 (two scenes)", st.palettes);
    /* frames: 0-1 merged, 2..7 one each, 8 new scene, 9-11 unchanged (noise only): 8 frames */
    CHECK(file_loop(path) == 3, "loop %d", file_loop(path));

    AVFormatContext *fc = NULL;
    CHECK(avformat_open_input(&fc, path, NULL, NULL) == 0, "open %s", path);
    if (!fc)
        return 1;
    avformat_find_stream_info(fc, NULL);
    AVStream *s = fc->streams[0];
    CHECK(s->codecpar->width == W && s->codecpar->height == H, "size %dx%d",
          s->codecpar->width, s->codecpar->height);
    const AVCodec *dc = avcodec_find_decoder(AV_CODEC_ID_GIF);
    AVCodecContext *c = avcodec_alloc_context3(dc);
    avcodec_parameters_to_context(c, s->codecpar);
    CHECK(avcodec_open2(c, dc, NULL) == 0, "decoder");
    AVPacket *pkt = av_packet_alloc();
    AVFrame *fr = av_frame_alloc();
    static uint8_t prev[W * H * 4];
    int n = 0, first_src[16];
    const int expect_src[] = {0, 2, 3, 4, 5, 6, 7, 8};
    const double expect_t[] = {0, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8};
    double worst_psnr = 1e9;
    while (av_read_frame(fc, pkt) >= 0) {
        const double t = pkt->pts * av_q2d(s->time_base);
        avcodec_send_packet(c, pkt);
        av_packet_unref(pkt);
        while (avcodec_receive_frame(c, fr) == 0) {
            CHECK(n < 8, "more than 8 frames");
            if (n >= 8)
                break;
            CHECK(fabs(t - expect_t[n]) < 0.011, "frame %d at %.3f s, want %.2f", n, t,
                  expect_t[n]);
            first_src[n] = expect_src[n];
            const int src = expect_src[n];
            CHECK(fr->format == AV_PIX_FMT_RGB32 || fr->format == AV_PIX_FMT_BGRA ||
                      fr->format == AV_PIX_FMT_PAL8,
                  "format %d", fr->format);
            double se = 0;
            for (int j = 0; j < H; j++)
                for (int i = 0; i < W; i++) {
                    uint8_t px[4];
                    if (fr->format == AV_PIX_FMT_PAL8) {
                        const uint32_t v =
                            ((const uint32_t *)fr->data[1])[fr->data[0][j * fr->linesize[0] + i]];
                        memcpy(px, &v, 4);
                    } else {
                        memcpy(px, fr->data[0] + j * fr->linesize[0] + 4 * i, 4);
                    }
                    /* RGB32 in memory: B G R A (little endian) */
                    double ref[3];
                    ref_rgb(src, i, j, ref);
                    const double d[3] = {px[2] - ref[0], px[1] - ref[1], px[0] - ref[2]};
                    se += d[0] * d[0] + d[1] * d[1] + d[2] * d[2];
                    /* no crawl: outside the moving square's rows, frames 1..6 keep their pixels */
                    if (n >= 1 && n <= 6 && (j < 40 || j >= 56))
                        CHECK(!memcmp(prev + 4 * (j * W + i), px, 3),
                              "frame %d pixel %d,%d changed outside the change", n, i, j);
                    memcpy(prev + 4 * (j * W + i), px, 4);
                }
            const double psnr = 10 * log10(255.0 * 255 * 3 * W * H / (se > 0 ? se : 1e-9));
            if (psnr < worst_psnr)
                worst_psnr = psnr;
            n++;
        }
    }
    (void)first_src;
    CHECK(n == 8, "%d frames, want 8", n);
    /* 255 colours with dithering on smooth gradients: well above 30 dB */
    CHECK(worst_psnr > 32, "worst PSNR %.1f dB", worst_psnr);
    printf("%d frames, %lld bytes, worst PSNR %.1f dB, %d palettes\n", n, (long long)bytes,
           worst_psnr, st.palettes);
    av_frame_free(&fr);
    av_packet_free(&pkt);
    avcodec_free_context(&c);
    avformat_close_input(&fc);
    unlink(path);
    return failures != 0;
}
