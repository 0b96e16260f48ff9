/* check_masks: checks a real export with masks against the same export without them, by
 * decoding both. Independent of the library: FFmpeg's libraries (to decode) and libc; the
 * masks' places come from the command line, in output pixels, worked out by the test from
 * docs/project-format.md ("Masks").
 *
 *   check_masks [--still INNER] OUT.mp4 REF.mp4 FPS MARGIN MASK...
 *   MASK = SHAPE:START:END:T,X,Y,W,H[:T,X,Y,W,H...]   (SHAPE rect or ellipse; output pixels;
 *          the rectangle linear between the times, held before the first and after the last)
 *
 * Both files are lossless 4:2:0 exports of the same project (recording time = output time:
 * no cuts), OUT with the masks. For every frame n (time n / FPS):
 *   - every sample whose 2x2 footprint lies more than MARGIN pixels outside every mask shown
 *     (the shape widened by MARGIN) equals REF's exactly: nothing outside a mask changes;
 *   - inside each mask shown (the shape narrowed by MARGIN + 1), the high-frequency energy of
 *     the luma, sum of squared differences between neighbours, is at most 10% of REF's (a fall
 *     of at least 90%), on every frame where REF has some (mean above 4 per sample).
 * With --still (the recording a still picture, the masks moving over it): between two frames in
 * a row, every sample inside a mask's shape in both, narrowed by INNER pixels, is the same: a
 * moving mask's blur or blocks stay put over what they hide, only its edges change. The
 * energy is not measured then: the still picture's plain parts (a desktop, window edges) have
 * little to hide, and a block's edge over a window's is most of what is left there.
 * Exit 0 when all hold, 1 otherwise. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECKER "check_masks"
#include "decode.h"
#include "report.h"

#define MAX_MASKS 8
#define MAX_KEYS 16

typedef struct Mask {
    int ellipse;
    double start, end;
    int n;
    double k[MAX_KEYS][5]; /* t, x, y, w, h */
} Mask;

static int parse_mask(const char *arg, Mask *m)
{
    memset(m, 0, sizeof(*m));
    char shape[16];
    int used = 0;
    if (sscanf(arg, "%15[a-z]:%lf:%lf%n", shape, &m->start, &m->end, &used) != 3)
        return -1;
    m->ellipse = !strcmp(shape, "ellipse");
    const char *s = arg + used;
    while (*s == ':' && m->n < MAX_KEYS) {
        double *k = m->k[m->n];
        if (sscanf(s, ":%lf,%lf,%lf,%lf,%lf%n", &k[0], &k[1], &k[2], &k[3], &k[4], &used) != 5)
            return -1;
        m->n++, s += used;
    }
    return m->n && !*s ? 0 : -1;
}

/* The rectangle of m at time t. */
static void rect_at(const Mask *m, double t, double r[4])
{
    int j = 0;
    while (j + 1 < m->n && m->k[j + 1][0] <= t)
        j++;
    const double *a = m->k[j], *b = m->k[j + 1 < m->n ? j + 1 : j];
    const double u = b[0] > a[0] && t > a[0] ? fmin((t - a[0]) / (b[0] - a[0]), 1) : 0;
    for (int i = 0; i < 4; i++)
        r[i] = a[i + 1] + (b[i + 1] - a[i + 1]) * u;
}

/* Whether the point (px, py) lies in the shape (rect r) grown by g pixels (shrunk: g < 0). */
static int in_shape(int ellipse, const double r[4], double g, double px, double py)
{
    if (!ellipse)
        return px >= r[0] - g && px <= r[0] + r[2] + g && py >= r[1] - g && py <= r[1] + r[3] + g;
    const double rx = r[2] / 2 + g, ry = r[3] / 2 + g;
    if (rx <= 0 || ry <= 0)
        return 0;
    const double dx = (px - r[0] - r[2] / 2) / rx, dy = (py - r[1] - r[3] / 2) / ry;
    return dx * dx + dy * dy <= 1;
}

int main(int argc, char **argv)
{
    double inner = -1;
    if (argc > 2 && !strcmp(argv[1], "--still")) {
        inner = atof(argv[2]);
        argc -= 2, argv += 2;
    }
    if (argc < 6) {
        fprintf(stderr, "usage: check_masks [--still INNER] OUT.mp4 REF.mp4 FPS MARGIN MASK...\n");
        return 2;
    }
    const double fps = atof(argv[3]), margin = atof(argv[4]);
    Mask masks[MAX_MASKS];
    const int n_masks = argc - 5 > MAX_MASKS ? MAX_MASKS : argc - 5;
    for (int i = 0; i < n_masks; i++)
        if (parse_mask(argv[5 + i], &masks[i]) < 0) {
            fprintf(stderr, "check_masks: bad mask \"%s\"\n", argv[5 + i]);
            return 2;
        }
    Input out, ref;
    if (open_input(&out, argv[1], AVMEDIA_TYPE_VIDEO) < 0 || open_input(&ref, argv[2], AVMEDIA_TYPE_VIDEO) < 0)
        return 1;
    const int W = out.dec->width, H = out.dec->height;
    uint8_t *zone = malloc((size_t)W * H);
    AVFrame *fo = av_frame_alloc(), *fr = av_frame_alloc(), *prev = av_frame_alloc();
    long frames = 0, bad = 0, shown = 0, energy_frames = 0, still = 0, swam = 0;
    double prev_rects[MAX_MASKS][4];
    int prev_on[MAX_MASKS] = {0};
    double worst = 0;
    for (;;) {
        const int go = next_frame(&out, fo), gr = next_frame(&ref, fr);
        if (go < 0 || gr < 0 || go != gr) {
            check(0, "frame %ld: %s", frames, go != gr ? "the frame counts differ" : "cannot decode");
            break;
        }
        if (!go)
            break;
        if (fo->format != AV_PIX_FMT_YUV420P || fr->format != AV_PIX_FMT_YUV420P ||
            fr->width != W || fr->height != H) {
            check(0, "frame %ld: not 4:2:0 %dx%d in both files", frames, W, H);
            break;
        }
        const double t = frames / fps;
        double rects[MAX_MASKS][4];
        int on[MAX_MASKS];
        for (int i = 0; i < n_masks; i++) {
            on[i] = t >= masks[i].start && t < masks[i].end;
            rect_at(&masks[i], t, rects[i]);
            shown += on[i];
        }
        /* the zone a mask may touch: luma samples whose centre is in a shape grown by margin */
        for (int y = 0; y < H; y++)
            for (int x = 0; x < W; x++) {
                int z = 0;
                for (int i = 0; i < n_masks && !z; i++)
                    z = on[i] && in_shape(masks[i].ellipse, rects[i], margin, x + 0.5, y + 0.5);
                zone[y * W + x] = (uint8_t)z;
            }
        for (int p = 0; p < 3; p++) {
            const int s = p ? 1 : 0, pw = p ? W / 2 : W, ph = p ? H / 2 : H;
            for (int y = 0; y < ph; y++)
                for (int x = 0; x < pw; x++) {
                    int z = 0; /* its footprint: 2x2 luma samples for chroma */
                    for (int dy = 0; dy <= s; dy++)
                        for (int dx = 0; dx <= s; dx++)
                            z |= zone[((y << s) + dy) * W + (x << s) + dx];
                    const int a = fo->data[p][y * fo->linesize[p] + x];
                    const int b = fr->data[p][y * fr->linesize[p] + x];
                    if (!z && a != b && bad++ < 8)
                        printf("frame %ld plane %d (%d, %d), outside every mask: %d, without "
                               "masks %d\n", frames, p, x, y, a, b);
                }
        }
        for (int i = 0; inner < 0 && i < n_masks; i++) {
            if (!on[i])
                continue;
            double eo = 0, er = 0;
            long n = 0;
            for (int y = 0; y + 1 < H; y++)
                for (int x = 0; x + 1 < W; x++) {
                    const double g = -(margin + 1);
                    if (!in_shape(masks[i].ellipse, rects[i], g, x + 0.5, y + 0.5) ||
                        !in_shape(masks[i].ellipse, rects[i], g, x + 1.5, y + 0.5) ||
                        !in_shape(masks[i].ellipse, rects[i], g, x + 0.5, y + 1.5))
                        continue;
                    const uint8_t *o = fo->data[0] + y * fo->linesize[0] + x;
                    const uint8_t *r = fr->data[0] + y * fr->linesize[0] + x;
                    const double ox = o[1] - o[0], oy = o[fo->linesize[0]] - o[0];
                    const double rx = r[1] - r[0], ry = r[fr->linesize[0]] - r[0];
                    eo += ox * ox + oy * oy, er += rx * rx + ry * ry, n++;
                }
            if (n && er / n > 4) {
                const double ratio = eo / er;
                worst = ratio > worst ? ratio : worst;
                energy_frames++;
                if (ratio > 0.10)
                    check(0, "frame %ld mask %d: high-frequency energy %.1f%% of the unmasked "
                          "export's (at most 10%%)", frames, i, 100 * ratio);
            }
        }
        for (int i = 0; inner >= 0 && frames && i < n_masks; i++) {
            if (!on[i] || !prev_on[i])
                continue;
            const double g = -inner;
            for (int p = 0; p < 3; p++) {
                const int s = p ? 1 : 0;
                for (int y = 0; y < H >> s; y++)
                    for (int x = 0; x < W >> s; x++) {
                        int in = 1; /* its footprint (2x2 luma samples for chroma) in both */
                        for (int c = 0; c < 4 && in; c++) {
                            const double px = (x << s) + (c & 1) * s + 0.5;
                            const double py = (y << s) + (c >> 1) * s + 0.5;
                            in = in_shape(masks[i].ellipse, rects[i], g, px, py) &&
                                 in_shape(masks[i].ellipse, prev_rects[i], g, px, py);
                        }
                        if (!in)
                            continue;
                        const int a = fo->data[p][y * fo->linesize[p] + x];
                        const int b = prev->data[p][y * prev->linesize[p] + x];
                        still++;
                        if (a != b && swam++ < 8)
                            printf("frame %ld plane %d (%d, %d), inside mask %d in this frame "
                                   "and the one before: %d, before %d\n", frames, p, x, y, i, a, b);
                    }
            }
        }
        if (inner >= 0) {
            av_frame_unref(prev);
            if (av_frame_ref(prev, fo) < 0 || av_frame_make_writable(prev) < 0) {
                check(0, "out of memory");
                break;
            }
            memcpy(prev_rects, rects, sizeof(rects));
            memcpy(prev_on, on, sizeof(on));
        }
        frames++;
    }
    if (inner >= 0)
        check(still > 0 && swam == 0, "%ld of %ld samples inside a moving mask (narrowed by %g "
              "px) changed from one frame to the next over the still recording", swam, still,
              inner);
    check(frames > 0, "%ld frames decoded, %dx%d", frames, W, H);
    check(bad == 0, "%ld samples outside the masks (beyond %g px) differ from the export "
          "without masks", bad, margin);
    check(shown > 0 && (inner >= 0 || energy_frames > 0),
          "masks shown in %ld frame-masks, energy measured in %ld",
          shown, energy_frames);
    if (inner < 0)
        printf("check_masks: worst energy ratio inside a mask %.2f%% (limit 10%%)\n", 100 * worst);
    free(zone);
    av_frame_free(&fo);
    av_frame_free(&fr);
    av_frame_free(&prev);
    close_input(&out);
    close_input(&ref);
    return g_fail;
}
