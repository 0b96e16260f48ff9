/* check_watermark: checks a real export with a watermark box against the same export without
 * it, by decoding both. Independent of the library: it links only FFmpeg's libraries (to
 * decode) and libc, and takes the box and the mix from docs/project-format.md ("Watermark").
 *
 *   check_watermark OUT.mp4 REF.mp4 X Y W H RRGGBB OPACITY
 *
 * Both files are lossless exports (4:2:0) of the same project, OUT with
 * "watermark": {"rect": [X, Y, W, H], "color": "#RRGGBB", "opacity": OPACITY}, REF without.
 * On every frame, every sample inside the box (widened to even corners, clipped) must be REF's
 * mixed with the colour as the document says, exactly; every sample outside, REF's exactly.
 * Exit 0 when all hold, 1 otherwise (the first differences are printed). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECKER "check_watermark"
#include "decode.h"

int main(int argc, char **argv)
{
    if (argc != 9) {
        fprintf(stderr, "usage: check_watermark OUT.mp4 REF.mp4 X Y W H RRGGBB OPACITY\n");
        return 2;
    }
    const double rx = atof(argv[3]), ry = atof(argv[4]), rw = atof(argv[5]), rh = atof(argv[6]);
    const unsigned rgb = (unsigned)strtoul(argv[7], NULL, 16);
    const double opacity = atof(argv[8]);
    Input out, ref;
    if (open_input(&out, argv[1], AVMEDIA_TYPE_VIDEO) < 0 || open_input(&ref, argv[2], AVMEDIA_TYPE_VIDEO) < 0)
        return 1;
    const int W = out.dec->width, H = out.dec->height;
    /* the colour: limited-range Y'CbCr, BT.709 from 720 lines, BT.601 below */
    const double kr = H >= 720 ? 0.2126 : 0.299, kb = H >= 720 ? 0.0722 : 0.114;
    const double R = (rgb >> 16) / 255.0, G = (rgb >> 8 & 255) / 255.0, B = (rgb & 255) / 255.0;
    const double Yc = kr * R + (1 - kr - kb) * G + kb * B;
    const int c[3] = {(int)lrint(16 + 219 * Yc), (int)lrint(128 + 224 * (B - Yc) / (2 * (1 - kb))),
                      (int)lrint(128 + 224 * (R - Yc) / (2 * (1 - kr)))};
    const int a = (int)lrint(256 * opacity);
    /* the box: left and top down to even, right and bottom up to even, clipped */
    int x0 = 2 * (int)floor(rx / 2), y0 = 2 * (int)floor(ry / 2);
    int x1 = 2 * (int)ceil((rx + rw) / 2), y1 = 2 * (int)ceil((ry + rh) / 2);
    x0 = x0 < 0 ? 0 : x0, y0 = y0 < 0 ? 0 : y0;
    x1 = x1 > W ? W : x1, y1 = y1 > H ? H : y1;
    printf("check_watermark: %dx%d, box [%d, %d) x [%d, %d), colour Y'CbCr %d %d %d, a %d/256\n",
           W, H, x0, x1, y0, y1, c[0], c[1], c[2], a);
    AVFrame *fo = av_frame_alloc(), *fr = av_frame_alloc();
    long frames = 0, bad = 0, inside = 0;
    for (;;) {
        const int go = next_frame(&out, fo), gr = next_frame(&ref, fr);
        if (go < 0 || gr < 0 || go != gr) {
            printf("FAIL: frame %ld: %s\n", frames, go != gr ? "the frame counts differ" :
                   "cannot decode");
            return 1;
        }
        if (!go)
            break;
        if (fo->format != AV_PIX_FMT_YUV420P || fr->format != AV_PIX_FMT_YUV420P ||
            fr->width != W || fr->height != H) {
            printf("FAIL: frame %ld: not 4:2:0 %dx%d in both files\n", frames, W, H);
            return 1;
        }
        for (int p = 0; p < 3; p++) {
            const int s = p ? 1 : 0, pw = p ? (W + 1) / 2 : W, ph = p ? (H + 1) / 2 : H;
            for (int y = 0; y < ph; y++)
                for (int x = 0; x < pw; x++) {
                    const int in = x >= x0 >> s && x < x1 >> s && y >= y0 >> s && y < y1 >> s;
                    const int v = fr->data[p][y * fr->linesize[p] + x];
                    const int want = in ? (v * (256 - a) + c[p] * a + 128) >> 8 : v;
                    const int got = fo->data[p][y * fo->linesize[p] + x];
                    inside += in && !p;
                    if (got != want && bad++ < 8)
                        printf("FAIL: frame %ld plane %d (%d, %d) %s the box: %d, expected %d "
                               "(without the watermark %d)\n", frames, p, x, y,
                               in ? "inside" : "outside", got, want, v);
                }
        }
        frames++;
    }
    printf("check_watermark: %ld frames, %ld luma samples in the box, %ld samples wrong\n",
           frames, inside, bad);
    av_frame_free(&fo);
    av_frame_free(&fr);
    close_input(&out);
    close_input(&ref);
    return frames > 0 && inside > 0 && !bad ? 0 : 1;
}
