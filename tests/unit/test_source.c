/* The source (src/source.c) on the synthetic screen recording (MEDIA/screen.mp4: 1280x720,
 * 30 fps, 4 s, BT.709, AAC; tools/demo_scene.h): what it reports, every frame delivered once
 * in order at n / 30 s carrying its own frame counter (the barcode in the bottom-left box),
 * a seek landing at or before the time asked with the right frame, and a missing file
 * refused naming it. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "mux.h"
#include "source.h"

#include "check.h"
#include "unit.h"

/* The 16-bit barcode: cell k's centre at x = 2s + 4s k + 2s, y = H - 4s (s = 2 at 720p). */
static int barcode(const AVFrame *f)
{
    const int s = 2, y = f->height - 4 * s;
    int n = 0;
    for (int k = 0; k < 16; k++) {
        const int x = 2 * s + 4 * s * k + 2 * s;
        n = n << 1 | (f->data[0][(size_t)y * f->linesize[0] + x] > 150);
    }
    return n;
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return 2;
    char path[1024];
    unit_media(path, sizeof(path), argv[1], "screen.mp4");
    VxContext *ctx = unit_context();
    VxSource *src = NULL;

    /* a missing file: refused, naming it */
    char missing[1100];
    snprintf(missing, sizeof(missing), "%s/no-such-recording.mp4", argv[1]);
    CHECK(vx_source_open(ctx, missing, &src) == VX_ERR(ENOENT) && !src, "missing file opened");
    CHECK(strstr(vx_last_error(ctx), missing) && strstr(vx_last_error(ctx), "not found"),
          "error does not name the file: %s", vx_last_error(ctx));

    CHECK(vx_source_open(ctx, path, &src) == 0, "%s refused: %s", path, vx_last_error(ctx));
    if (!src)
        return 1;
    const VxSourceInfo *si = vx_source_info(src);
    CHECK(si->width == 1280 && si->height == 720 && si->rotation == 0, "size %dx%d rot %d",
          si->width, si->height, si->rotation);
    CHECK(si->fps.num == 30 * si->fps.den, "frame rate %d/%d", si->fps.num, si->fps.den);
    CHECK(fabs(si->duration - 4) < 0.05, "duration %g s", si->duration);
    CHECK(si->matrix == VX_MATRIX_BT709 && si->range == VX_RANGE_LIMITED, "colour %d/%d",
          si->matrix, si->range);
    CHECK(si->has_audio && si->audio_codec_id == AV_CODEC_ID_AAC, "audio %d (codec %d)",
          si->has_audio, si->audio_codec_id);
    CHECK(si->codec_id == AV_CODEC_ID_H264 && si->pix_fmt == AV_PIX_FMT_YUV420P,
          "codec %d, format %d", si->codec_id, si->pix_fmt);
    CHECK(vx_source_setup_decoder(src, "none", 1, (char[8]){0}, 8) == 0, "decoder: %s",
          vx_last_error(ctx));

    /* every frame in order */
    int n = 0, ret;
    AVFrame *f = NULL;
    double t;
    while ((ret = vx_source_read(src, &f, &t)) == 0) {
        CHECK(f->width == 1280 && f->height == 720, "frame %d is %dx%d", n, f->width,
              f->height);
        CHECK(fabs(t - n / 30.0) < 1e-6, "frame %d at %g s, expected %g", n, t, n / 30.0);
        CHECK(barcode(f) == n, "frame %d carries the counter %d", n, barcode(f));
        av_frame_free(&f);
        n++;
    }
    CHECK(ret == AVERROR_EOF, "read ended with %d", ret);
    CHECK(n == 120, "%d frames, expected 120", n);
    vx_source_close(&src);
    CHECK(!src, "source not cleared on close");

    /* a seek to 2.5 s: the next frame is at or before it, the frames then run on to 2.5 s
     * with their own counters */
    CHECK(vx_source_open(ctx, path, &src) == 0, "reopen: %s", vx_last_error(ctx));
    if (!src)
        return 1;
    CHECK(vx_source_seek(src, 2.5) == 0, "seek: %s", vx_last_error(ctx));
    int first = 1;
    while ((ret = vx_source_read(src, &f, &t)) == 0) {
        const int k = (int)lround(t * 30);
        if (first)
            CHECK(t <= 2.5 + 1e-6, "seek to 2.5 s landed at %g s", t);
        first = 0;
        CHECK(barcode(f) == k, "after the seek: frame at %g s carries %d, expected %d", t,
              barcode(f), k);
        av_frame_free(&f);
        if (t >= 2.5 - 1e-6)
            break;
    }
    CHECK(ret == 0 && fabs(t - 2.5) < 1e-6, "after the seek: no frame at 2.5 s (last %g)", t);
    vx_source_close(&src);
    vx_close(&ctx);
    return failures != 0;
}
