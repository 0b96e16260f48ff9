/* cursor_y4m: draws the cursor of a track over plain frames through the library's cursor
 * interface (vx_cursor_open/draw) and writes two Y4M files, with and without the cursor, for
 * check_cursor. The vexport tool's own exports are checked the same way by cursor.sh.
 *
 *   cursor_y4m TRACK.jsonl WIDTH HEIGHT FPS SECONDS WITH.y4m WITHOUT.y4m [--nv12]
 *              [--smoothing none|one-euro|spring] [--size K] [--map SX0,SY0,SCALE,OX,OY]
 * Prints the drawing cost in us/frame. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libavutil/frame.h>

#include "cursor.h"
#include "media_picture.h"

static void write_frame(FILE *f, const AVFrame *fr)
{
    fputs("FRAME\n", f);
    for (int y = 0; y < fr->height; y++)
        fwrite(fr->data[0] + y * fr->linesize[0], 1, fr->width, f);
    for (int p = 0; p < 2; p++)
        for (int y = 0; y < fr->height / 2; y++) {
            if (fr->format == AV_PIX_FMT_NV12)
                for (int x = 0; x < fr->width / 2; x++)
                    fputc(fr->data[1][y * fr->linesize[1] + 2 * x + p], f);
            else
                fwrite(fr->data[1 + p] + y * fr->linesize[1 + p], 1, fr->width / 2, f);
        }
}

int main(int argc, char **argv)
{
    if (argc < 8) {
        fprintf(stderr, "usage: cursor_y4m TRACK W H FPS SECONDS WITH.y4m WITHOUT.y4m [--nv12] "
                        "[--smoothing none|one-euro|spring] [--size K] [--map SX0,SY0,S,OX,OY]\n");
        return 2;
    }
    VxCursorOpts o = {0};
    o.track = argv[1];
    o.draw = 1, o.size = 1, o.smoothing = VX_SMOOTH_ONE_EURO, o.min_cutoff = 1, o.beta = 0.01;
    o.stiffness = 300, o.damping = 30, o.click = VX_CLICK_RING, o.click_color = (VxRGB){1, 1, 1};
    int w = atoi(argv[2]), h = atoi(argv[3]), fps = atoi(argv[4]), fmt = AV_PIX_FMT_YUV420P;
    double secs = atof(argv[5]);
    VxView v = {0, 0, 1, 0, 0, 0, 0, w, h};
    for (int i = 8; i < argc; i++) {
        if (!strcmp(argv[i], "--nv12"))
            fmt = AV_PIX_FMT_NV12;
        else if (!strcmp(argv[i], "--smoothing") && i + 1 < argc) {
            i++;
            o.smoothing = !strcmp(argv[i], "none") ? VX_SMOOTH_NONE :
                          !strcmp(argv[i], "spring") ? VX_SMOOTH_SPRING : VX_SMOOTH_ONE_EURO;
        } else if (!strcmp(argv[i], "--size") && i + 1 < argc)
            o.size = atof(argv[++i]);
        else if (!strcmp(argv[i], "--map") && i + 1 < argc)
            sscanf(argv[++i], "%lf,%lf,%lf,%lf,%lf", &v.sx0, &v.sy0, &v.scale, &v.ox, &v.oy);
    }
    VxContext *ctx = NULL;
    VxCursor *c = NULL;
    if (vx_open(&ctx, NULL) < 0)
        return 1;
    if (vx_cursor_open(ctx, &o, w, h, &c) < 0) {
        fprintf(stderr, "cursor_y4m: %s\n", vx_last_error(ctx));
        return 1;
    }
    FILE *fa = fopen(argv[6], "wb"), *fb = fopen(argv[7], "wb");
    if (!fa || !fb)
        return 1;
    const char *hdr = "YUV4MPEG2 W%d H%d F%d:1 Ip A1:1 C420mpeg2\n";
    fprintf(fa, hdr, w, h, fps);
    fprintf(fb, hdr, w, h, fps);
    AVFrame *fr = av_frame_alloc();
    fr->format = fmt, fr->width = w, fr->height = h;
    if (av_frame_get_buffer(fr, 0) < 0)
        return 1;
    const int n = (int)(secs * fps + 0.5);
    double us = 0;
    for (int i = 0; i < n; i++) {
        /* #336699, BT.601 limited */
        for (int y = 0; y < h; y++)
            memset(fr->data[0] + y * fr->linesize[0], 96, w);
        for (int y = 0; y < h / 2; y++)
            for (int x = 0; x < w / 2; x++) {
                if (fmt == AV_PIX_FMT_NV12)
                    fr->data[1][y * fr->linesize[1] + 2 * x] = 158,
                    fr->data[1][y * fr->linesize[1] + 2 * x + 1] = 102;
                else
                    fr->data[1][y * fr->linesize[1] + x] = 158,
                    fr->data[2][y * fr->linesize[2] + x] = 102;
            }
        write_frame(fb, fr);
        VxRect r;
        struct timespec t0, t1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        int ret = vx_cursor_draw(c, (double)i / fps, &v, VX_MATRIX_BT601, VX_BORROW(fr), &r);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        us += (t1.tv_sec - t0.tv_sec) * 1e6 + (t1.tv_nsec - t0.tv_nsec) / 1e3;
        if (ret < 0) {
            fprintf(stderr, "cursor_y4m: draw: %s\n", vx_last_error(ctx));
            return 1;
        }
        write_frame(fa, fr);
    }
    printf("cursor_y4m: %d frames %dx%d, cursor drawn in %.1f us/frame\n", n, w, h, us / n);
    fclose(fa);
    fclose(fb);
    av_frame_free(&fr);
    vx_cursor_free(&c);
    vx_close(&ctx);
    return 0;
}
