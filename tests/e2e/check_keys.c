/* check_keys: checks a real export with keystroke badges against the same export without them,
 * by decoding both. Independent of the library: it links only FFmpeg's libraries (to decode)
 * and libc, and knows only what docs/keys-track.md says a user sees: pills, stacked, in a
 * region of the output, during their windows.
 *
 *   check_keys OUT.mp4 REF.mp4 FPS X0 Y0 X1 Y1 A:B:N...
 *
 * Each A:B:N says: on every frame whose time lies strictly between A and B seconds, exactly N
 * badges show: the luma differs from REF's only inside [X0, X1) x [Y0, Y1), and the rows
 * that differ form N separate bands (stacked pills). Frames that no A:B:N covers must be REF's
 * exactly (every sample of the three planes). On frames at least 0.2 s inside their A:B, each
 * band must be legible: within the band's middle half of columns, at least 8 light samples
 * (text, Y' >= 170) over a darker pill (at least half the samples Y' <= 110).
 * Exit 0 when all hold, 1 otherwise (the first differences are printed). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECKER "check_keys"
#include "decode.h"

#define MAX_SPECS 16
#define MAX_BANDS 16

typedef struct Spec { double a, b; int n; } Spec;

int main(int argc, char **argv)
{
    if (argc < 9) {
        fprintf(stderr, "usage: check_keys OUT.mp4 REF.mp4 FPS X0 Y0 X1 Y1 A:B:N...\n");
        return 2;
    }
    const double fps = atof(argv[3]);
    const int X0 = atoi(argv[4]), Y0 = atoi(argv[5]), X1 = atoi(argv[6]), Y1 = atoi(argv[7]);
    Spec sp[MAX_SPECS];
    int ns = 0;
    for (int i = 8; i < argc && ns < MAX_SPECS; i++, ns++)
        if (sscanf(argv[i], "%lf:%lf:%d", &sp[ns].a, &sp[ns].b, &sp[ns].n) != 3) {
            fprintf(stderr, "check_keys: bad spec %s\n", argv[i]);
            return 2;
        }
    Input out, ref;
    if (open_input(&out, argv[1], AVMEDIA_TYPE_VIDEO) < 0 || open_input(&ref, argv[2], AVMEDIA_TYPE_VIDEO) < 0)
        return 1;
    AVFrame *fo = av_frame_alloc(), *fr = av_frame_alloc();
    int n = 0, bad = 0, legible = 0, badged = 0;
    for (;; n++) {
        const int go = next_frame(&out, fo), gr = next_frame(&ref, fr);
        if (go != gr) {
            printf("check_keys: %d frames in one file, more in the other\n", n);
            return 1;
        }
        if (go <= 0)
            break;
        const int W = fo->width, H = fo->height;
        if (fo->format != AV_PIX_FMT_YUV420P || fr->width != W || fr->height != H) {
            printf("check_keys: unexpected frame format or size\n");
            return 1;
        }
        const double t = n / fps;
        int want = -1, inner = 0;
        for (int s = 0; s < ns; s++)
            if (t > sp[s].a && t < sp[s].b)
                want = sp[s].n, inner = t >= sp[s].a + 0.2 && t <= sp[s].b - 0.2;
        /* the planes' differences */
        int outside = 0, rows_diff[4096] = {0};
        for (int p = 0; p < 3; p++) {
            const int pw = p ? (W + 1) / 2 : W, ph = p ? (H + 1) / 2 : H;
            for (int y = 0; y < ph; y++)
                for (int x = 0; x < pw; x++) {
                    if (fo->data[p][y * fo->linesize[p] + x] == fr->data[p][y * fr->linesize[p] + x])
                        continue;
                    const int lx = p ? 2 * x : x, ly = p ? 2 * y : y;
                    if (want < 0 || lx < X0 || lx >= X1 || ly < Y0 || ly >= Y1) {
                        if (!outside++ && bad < 10)
                            printf("check_keys: frame %d (t=%.2f): plane %d differs at (%d, %d), "
                                   "%s\n", n, t, p, x, y, want < 0 ? "where no badge should show"
                                   : "outside the badges' region");
                    } else if (!p && ly < 4096) {
                        rows_diff[ly]++;
                    }
                }
        }
        if (outside) {
            bad++;
            continue;
        }
        if (want < 0)
            continue;
        /* the bands: runs of rows with differences */
        int band[MAX_BANDS][2], nb = 0;
        for (int y = 0; y < H && y < 4096; y++) {
            if (!rows_diff[y])
                continue;
            if (nb && band[nb - 1][1] == y)
                band[nb - 1][1] = y + 1;
            else if (nb < MAX_BANDS)
                band[nb][0] = y, band[nb][1] = y + 1, nb++;
        }
        if (nb != want) {
            if (bad++ < 10)
                printf("check_keys: frame %d (t=%.2f): %d badge bands, expected %d\n", n, t, nb, want);
            continue;
        }
        badged += nb > 0;
        if (!inner)
            continue;
        for (int b = 0; b < nb; b++) {
            /* the band's columns that differ; its middle half */
            int bx0 = W, bx1 = 0;
            for (int y = band[b][0]; y < band[b][1]; y++)
                for (int x = 0; x < W; x++)
                    if (fo->data[0][y * fo->linesize[0] + x] != fr->data[0][y * fr->linesize[0] + x])
                        bx0 = x < bx0 ? x : bx0, bx1 = x + 1 > bx1 ? x + 1 : bx1;
            const int q = (bx1 - bx0) / 4;
            int light = 0, dark = 0, all = 0;
            for (int y = band[b][0]; y < band[b][1]; y++)
                for (int x = bx0 + q; x < bx1 - q; x++) {
                    const int v = fo->data[0][y * fo->linesize[0] + x];
                    light += v >= 170, dark += v <= 110, all++;
                }
            if (light < 8 || 2 * dark < all) {
                if (bad++ < 10)
                    printf("check_keys: frame %d (t=%.2f): badge %d (rows %d-%d) not legible: %d "
                           "light, %d dark of %d\n", n, t, b, band[b][0], band[b][1], light, dark, all);
            } else {
                legible++;
            }
        }
    }
    printf("check_keys: %d frames, %d with badges, %d legible badges checked, %d problems\n", n,
           badged, legible, bad);
    av_frame_free(&fo), av_frame_free(&fr);
    close_input(&out), close_input(&ref);
    return bad || !legible || !n;
}
