/* check_background: checks the background extras of real exports by decoding them (first
 * frame; the background is static). Independent of the library: FFmpeg's libraries and libc;
 * the models come from docs/project-format.md ("Background", "Wallpapers", "Border").
 *
 *   check_background wallpaper OUT NAME MARGIN
 *       every sample within MARGIN pixels of the output's edges (the background there) is
 *       the wallpaper NAME as the document defines it, in limited-range Y'CbCr (BT.601 below
 *       720 lines, else BT.709): luma within 2, chroma within 3.
 *   check_background border OUT REF X,Y,W,H,R WIDTH RRGGBB
 *       the screen at (X, Y, W, H), corner radius R: outside it every luma sample is REF's
 *       mixed with the colour by the coverage of the rounded rectangle grown by WIDTH (radius
 *       R + WIDTH), within 1; chroma samples wholly inside the band are the colour's (within
 *       1), those wholly outside REF's exactly.
 *   check_background blur OUT REF MARGIN
 *       within MARGIN pixels of the edges, the luma's high-frequency energy (squared
 *       differences between neighbours) is at most 15% of REF's, and its mean within 2 of REF's.
 * Exit 0 when all hold, 1 otherwise. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECKER "check_background"
#include "decode.h"
#include "report.h"

/* The wallpapers, as docs/project-format.md lists them: base colour, its weight, points. */
typedef struct Pt { double u, v, s; unsigned c; } Pt;
static const struct { const char *name; unsigned base; double k0; Pt p[5]; int n; } wp[] = {
    {"aurora", 0x0b1026, 0.15, {{0.15, 0.20, 0.35, 0x3b82f6}, {0.85, 0.25, 0.30, 0x22d3ee},
                                {0.50, 0.90, 0.40, 0xa855f7}, {0.90, 0.85, 0.25, 0xec4899}}, 4},
    {"sunset", 0x1f0a2e, 0.15, {{0.10, 0.90, 0.40, 0xf97316}, {0.60, 0.75, 0.35, 0xef4444},
                                {0.90, 0.20, 0.40, 0x7c3aed}, {0.30, 0.10, 0.30, 0xfbbf24}}, 4},
    {"ocean", 0x031b2e, 0.15, {{0.20, 0.30, 0.40, 0x0ea5e9}, {0.80, 0.70, 0.40, 0x0f766e},
                               {0.50, 0.50, 0.25, 0x38bdf8}, {0.95, 0.05, 0.30, 0x1e3a8a}}, 4},
    {"forest", 0x052e16, 0.15, {{0.20, 0.80, 0.40, 0x16a34a}, {0.75, 0.30, 0.35, 0x65a30d},
                                {0.50, 0.05, 0.30, 0x0d9488}, {0.95, 0.95, 0.30, 0xa3e635}}, 4},
    {"graphite", 0x111827, 0.30, {{0.25, 0.25, 0.45, 0x374151}, {0.80, 0.80, 0.40, 0x1f2937},
                                  {0.70, 0.20, 0.30, 0x4b5563}}, 3},
};

static double kr, kb;

static void ycc(const double rgb[3], double out[3])
{
    const double y = kr * rgb[0] + (1 - kr - kb) * rgb[1] + kb * rgb[2];
    out[0] = 16 + 219 * y;
    out[1] = 128 + 224 * (rgb[2] - y) / (2 * (1 - kb));
    out[2] = 128 + 224 * (rgb[0] - y) / (2 * (1 - kr));
}

static void wallpaper(int i, double u, double v, double rgb[3])
{
    double w = wp[i].k0, acc[3];
    for (int c = 0; c < 3; c++)
        acc[c] = w * ((wp[i].base >> (16 - 8 * c)) & 255) / 255.0;
    for (int k = 0; k < wp[i].n; k++) {
        const Pt *p = &wp[i].p[k];
        const double e = exp(-((u - p->u) * (u - p->u) + (v - p->v) * (v - p->v)) / (2 * p->s * p->s));
        w += e;
        for (int c = 0; c < 3; c++)
            acc[c] += e * ((p->c >> (16 - 8 * c)) & 255) / 255.0;
    }
    for (int c = 0; c < 3; c++)
        rgb[c] = acc[c] / w;
}

/* Coverage of the sample centred at (px, py) by the rounded rectangle, from its signed
 * distance (the document's rule for the screen's corners). */
static double rrect_cov(double px, double py, double x, double y, double w, double h, double r)
{
    const double qx = fabs(px - x - w / 2) - (w / 2 - r), qy = fabs(py - y - h / 2) - (h / 2 - r);
    const double d = hypot(fmax(qx, 0), fmax(qy, 0)) + fmin(fmax(qx, qy), 0) - r;
    return fmin(fmax(0.5 - d, 0), 1);
}

static int first_frame(const char *path, AVFrame *f)
{
    Input in;
    if (open_input(&in, path, AVMEDIA_TYPE_VIDEO) < 0)
        return -1;
    const int ret = next_frame(&in, f);
    close_input(&in);
    if (ret != 1 || f->format != AV_PIX_FMT_YUV420P) {
        fprintf(stderr, "%s: no 4:2:0 frame\n", path);
        return -1;
    }
    return 0;
}

#define PX(f, p, x, y) ((f)->data[p][(y) * (f)->linesize[p] + (x)])

int main(int argc, char **argv)
{
    if (argc < 5) {
        fprintf(stderr, "usage: check_background wallpaper|border|blur OUT ...\n");
        return 2;
    }
    AVFrame *fo = av_frame_alloc(), *fr = av_frame_alloc();
    if (first_frame(argv[2], fo) < 0)
        return 1;
    const int W = fo->width, H = fo->height;
    kr = H >= 720 ? 0.2126 : 0.299, kb = H >= 720 ? 0.0722 : 0.114;
    if (!strcmp(argv[1], "wallpaper")) {
        int i = 0;
        while (i < (int)(sizeof(wp) / sizeof(wp[0])) && strcmp(wp[i].name, argv[3]))
            i++;
        if (i == (int)(sizeof(wp) / sizeof(wp[0]))) {
            fprintf(stderr, "check_background: no wallpaper %s here\n", argv[3]);
            return 2;
        }
        const int m = atoi(argv[4]);
        long n = 0, bad = 0;
        double worst[2] = {0, 0};
        for (int y = 0; y < H; y++)
            for (int x = 0; x < W; x++) {
                if (x >= m && x < W - m && y >= m && y < H - m)
                    continue;
                double rgb[3], c[3];
                wallpaper(i, (x + 0.5) / W, (y + 0.5) / H, rgb);
                ycc(rgb, c);
                double e = fabs(PX(fo, 0, x, y) - c[0]);
                worst[0] = fmax(worst[0], e);
                int off = e > 2;
                if (!(x & 1) && !(y & 1)) { /* chroma at its site (luma 2i, 2j + 0.5) */
                    wallpaper(i, (x + 0.5) / W, (y + 1.0) / H, rgb);
                    ycc(rgb, c);
                    for (int p = 1; p < 3; p++) {
                        e = fabs(PX(fo, p, x / 2, y / 2) - c[p]);
                        worst[1] = fmax(worst[1], e);
                        off |= e > 3;
                    }
                }
                n++;
                if (off && bad++ < 5)
                    printf("(%d, %d): Y'CbCr %d %d %d, the wallpaper %.1f %.1f %.1f\n", x, y,
                           PX(fo, 0, x, y), PX(fo, 1, x / 2, y / 2), PX(fo, 2, x / 2, y / 2),
                           c[0], c[1], c[2]);
            }
        check(n > 0 && bad == 0, "wallpaper %s: %ld background samples, %ld off (worst luma %.2f, "
              "chroma %.2f)", argv[3], n, bad, worst[0], worst[1]);
    } else if (!strcmp(argv[1], "border") && argc == 7) {
        if (first_frame(argv[3], fr) < 0)
            return 1;
        double s[5];
        if (sscanf(argv[4], "%lf,%lf,%lf,%lf,%lf", &s[0], &s[1], &s[2], &s[3], &s[4]) != 5)
            return 2;
        const double w = atof(argv[5]);
        const unsigned hex = (unsigned)strtoul(argv[6], NULL, 16);
        const double rgb[3] = {(hex >> 16) / 255.0, (hex >> 8 & 255) / 255.0, (hex & 255) / 255.0};
        double c[3];
        ycc(rgb, c);
        const double bx = s[0] - w, by = s[1] - w, bw = s[2] + 2 * w, bh = s[3] + 2 * w, br = s[4] + w;
        long band = 0, bad = 0, cband = 0;
        for (int y = 0; y < H; y++)
            for (int x = 0; x < W; x++) {
                if (x >= s[0] && x < s[0] + s[2] && y >= s[1] && y < s[1] + s[3])
                    continue; /* the screen */
                const double a = rrect_cov(x + 0.5, y + 0.5, bx, by, bw, bh, br);
                const double want = PX(fr, 0, x, y) + (c[0] - PX(fr, 0, x, y)) * a;
                band += a > 0.99;
                if (fabs(PX(fo, 0, x, y) - want) > 1 && bad++ < 5)
                    printf("(%d, %d): luma %d, expected %.1f (coverage %.2f)\n", x, y,
                           PX(fo, 0, x, y), want, a);
                if ((x & 1) || (y & 1))
                    continue;
                int all = 1, none = 1; /* the chroma sample's 2x2 block */
                for (int k = 0; k < 4; k++) {
                    const double ak = rrect_cov(x + (k & 1) + 0.5, y + (k >> 1) + 0.5, bx, by, bw, bh, br);
                    all &= ak >= 1, none &= ak <= 0;
                }
                for (int p = 1; p < 3; p++) {
                    const int got = PX(fo, p, x / 2, y / 2), ref = PX(fr, p, x / 2, y / 2);
                    if ((all && fabs(got - c[p]) > 1) || (none && got != ref)) {
                        if (bad++ < 5)
                            printf("(%d, %d) chroma %d: %d, expected %s %.1f\n", x, y, p, got,
                                   all ? "the colour's" : "the unbordered", all ? c[p] : ref);
                    }
                    cband += all && p == 1;
                }
            }
        check(band > 0 && cband > 0 && bad == 0, "border: %ld luma samples wholly in the band, "
              "%ld chroma; %ld samples off the model", band, cband, bad);
    } else if (!strcmp(argv[1], "blur")) {
        if (first_frame(argv[3], fr) < 0)
            return 1;
        const int m = atoi(argv[4]);
        double eo = 0, er = 0, so = 0, sr = 0;
        long n = 0;
        for (int y = 0; y + 1 < H; y++)
            for (int x = 0; x + 1 < W; x++) {
                if (x + 1 >= m && x < W - m && y + 1 >= m && y < H - m)
                    continue;
                const int o = PX(fo, 0, x, y), r = PX(fr, 0, x, y);
                const int ox = PX(fo, 0, x + 1, y) - o, oy = PX(fo, 0, x, y + 1) - o;
                const int rx = PX(fr, 0, x + 1, y) - r, ry = PX(fr, 0, x, y + 1) - r;
                eo += ox * ox + oy * oy, er += rx * rx + ry * ry, so += o, sr += r, n++;
            }
        check(n > 0 && er > 0 && eo <= 0.15 * er, "blurred image background: high-frequency "
              "energy %.1f%% of the sharp one's (at most 15%%)", er > 0 ? 100 * eo / er : 0);
        check(fabs(so - sr) / n <= 2, "its mean luma %.2f, the sharp one's %.2f", so / n, sr / n);
    } else {
        fprintf(stderr, "check_background: bad arguments\n");
        return 2;
    }
    av_frame_free(&fo);
    av_frame_free(&fr);
    return g_fail;
}
