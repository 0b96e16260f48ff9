/* The encoder (src/encode.c): libx264 opened by name on 320x180 at 30 fps, 24 frames sent
 * and flushed: one packet per frame, the first a keyframe, decoding timestamps strictly
 * increasing, every presentation time 0..23 once, in the encoder's time base 1/30, pts >= dts;
 * the colour it declares follows the output matrix (BT.709 tags for BT.709, SMPTE 170M for
 * BT.601); an unknown encoder is refused naming it. */
#include <stdlib.h>
#include <string.h>

#include "encode.h"
#include "internal.h"

#include "check.h"
#include "unit.h"

#define W 320
#define H 180
#define N 24

typedef struct Got {
    int64_t pts[64], dts[64];
    int key[64];
    int n;
} Got;

static int collect(void *opaque, AVPacket *pkt)
{
    Got *g = opaque;
    if (g->n < 64) {
        g->pts[g->n] = pkt->pts, g->dts[g->n] = pkt->dts;
        g->key[g->n] = !!(pkt->flags & AV_PKT_FLAG_KEY);
    }
    g->n++;
    return 0;
}

static VxEncodeParams params(int matrix)
{
    VxEncodeParams p;
    memset(&p, 0, sizeof(p));
    p.encoder = "libx264";
    p.preset = NULL; /* veryfast: B-frames, so packets come reordered */
    p.crf = 23;
    p.threads = 1;
    p.width = W, p.height = H;
    p.fps = (AVRational){30, 1};
    p.matrix = matrix;
    return p;
}

int main(void)
{
    VxContext *ctx = unit_context();
    VxEncoder *e = NULL;
    VxEncodeParams p = params(VX_MATRIX_BT709);
    CHECK(vx_encoder_open(ctx, &p, &e) == 0 && e, "libx264 refused: %s", vx_last_error(ctx));
    if (!e)
        return 1;
    CHECK(!strcmp(vx_encoder_name(e), "libx264"), "opened %s", vx_encoder_name(e));
    AVCodecContext *c = vx_encoder_avctx(e);
    CHECK(c->time_base.num == 1 && c->time_base.den == 30, "time base %d/%d",
          c->time_base.num, c->time_base.den);
    CHECK(c->width == W && c->height == H, "size %dx%d", c->width, c->height);
    CHECK(c->color_primaries == AVCOL_PRI_BT709 && c->color_trc == AVCOL_TRC_BT709 &&
          c->colorspace == AVCOL_SPC_BT709 && c->color_range == AVCOL_RANGE_MPEG,
          "BT.709 output tagged %d/%d/%d range %d", c->color_primaries, c->color_trc,
          c->colorspace, c->color_range);
    const enum AVPixelFormat fmt = vx_encoder_pix_fmt(e);
    CHECK(fmt == AV_PIX_FMT_NV12 || fmt == AV_PIX_FMT_YUV420P, "input format %d", fmt);
    Got g = {0};
    for (int n = 0; n < N; n++) {
        AVFrame *f = av_frame_alloc();
        f->format = fmt, f->width = W, f->height = H;
        if (av_frame_get_buffer(f, 0) < 0)
            return 1;
        for (int y = 0; y < H; y++) /* a moving ramp, so that frames differ */
            for (int x = 0; x < W; x++)
                f->data[0][y * f->linesize[0] + x] = (uint8_t)(16 + (x + y + 4 * n) % 200);
        for (int pl = 1; pl < (fmt == AV_PIX_FMT_NV12 ? 2 : 3); pl++)
            for (int y = 0; y < H / 2; y++)
                memset(f->data[pl] + y * f->linesize[pl], 128, (size_t)W);
        f->pts = n;
        CHECK(vx_encoder_send(e, f, collect, &g) == 0, "frame %d: %s", n, vx_last_error(ctx));
        av_frame_free(&f);
    }
    CHECK(vx_encoder_send(e, NULL, collect, &g) == 0, "flush: %s", vx_last_error(ctx));
    CHECK(g.n == N, "%d packets for %d frames", g.n, N);
    CHECK(g.n > 0 && g.key[0], "the first packet is not a keyframe");
    int seen[N] = {0};
    for (int i = 0; i < g.n && i < 64; i++) {
        if (i)
            CHECK(g.dts[i] > g.dts[i - 1], "packet %d: dts %lld after %lld", i,
                  (long long)g.dts[i], (long long)g.dts[i - 1]);
        CHECK(g.pts[i] >= g.dts[i], "packet %d: pts %lld before dts %lld", i,
              (long long)g.pts[i], (long long)g.dts[i]);
        if (g.pts[i] >= 0 && g.pts[i] < N)
            seen[g.pts[i]]++;
    }
    for (int n = 0; n < N; n++)
        CHECK(seen[n] == 1, "pts %d came %d times", n, seen[n]);
    vx_encoder_close(&e);
    CHECK(!e, "encoder not cleared on close");

    /* BT.601 output: SMPTE 170M tags */
    p = params(VX_MATRIX_BT601);
    CHECK(vx_encoder_open(ctx, &p, &e) == 0, "BT.601: %s", vx_last_error(ctx));
    if (e) {
        c = vx_encoder_avctx(e);
        CHECK(c->color_primaries == AVCOL_PRI_SMPTE170M && c->color_trc == AVCOL_TRC_SMPTE170M &&
              c->colorspace == AVCOL_SPC_SMPTE170M, "BT.601 output tagged %d/%d/%d",
              c->color_primaries, c->color_trc, c->colorspace);
        vx_encoder_close(&e);
    }
    /* an unknown encoder: refused, naming it */
    p.encoder = "no_such_encoder";
    CHECK(vx_encoder_open(ctx, &p, &e) < 0 && !e, "unknown encoder opened");
    CHECK(strstr(vx_last_error(ctx), "no_such_encoder"), "error does not name it: %s",
          vx_last_error(ctx));
    vx_close(&ctx);
    return failures != 0;
}
