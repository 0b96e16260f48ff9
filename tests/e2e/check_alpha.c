/* check_alpha: checks a transparent export (background "transparent": ProRes 4444 with alpha
 * in a MOV) by decoding it, against an opaque lossless MP4 export of the same project and a
 * model of the alpha written from docs/project-format.md ("Geometry", "Shadow", "Formats").
 * Independent of the library: FFmpeg's libraries and libc only.
 *
 *   check_alpha MOV MP4 W H FRAMES FPS PADDING SW SH RADIUS BLUR OPACITY DX DY [CX CY CW]
 *
 * MOV: the transparent export; MP4: the same project over a solid background, exported with
 * --crf 0 (4:2:0, lossless). W x H at FPS, FRAMES frames; the recording is SW x SH, the
 * padding PADDING, the corner radius RADIUS, the shadow's blur, opacity and offset BLUR,
 * OPACITY, DX, DY (black). Asserts:
 *   - the video is ProRes, profile 4444, with alpha, decoded as yuva444p10le (or
 *     yuva444p12le: FFmpeg's decoder picks 12 bits for the 'ap4h' tag; the samples are then
 *     read at 10-bit scale), W x H, FRAMES frames at n / FPS, colour tags limited range and
 *     BT.601 (below 720 lines) or BT.709;
 *   - in every frame: alpha 0 (at most 2 of 1023) wherever the model's alpha is below 1e-4
 *     (the far background, beyond the shadow); full (1023) wherever the screen covers the
 *     sample wholly; strictly intermediate, and within 0.02 of the model, on the corners' arc
 *     (partial coverage) and in the shadow outside the screen (model 0.05 .. 0.95); the
 *     shadow's colour black (luma within 4 of 16 at 8-bit scale) where its alpha is over 0.2;
 *   - with a camera bubble (a circle, its box at CX, CY, CW wide: docs "Camera bubble"): alpha
 *     full inside it (1 sample in from its edge); strictly intermediate on its edge outside
 *     the screen; outside the bubble and the screen, where its shadow is over 0.05: strictly
 *     intermediate and within 0.02 of the shadow's model over the screen's (the screen's
 *     checks above leave out the bubble and its shadow);
 *   - the colour inside the screen (2 samples in from its edges) is the MP4's, through ProRes's
 *     own loss: 99 % of the luma samples within 2 and their mean difference at most 0.5,
 *     99 % of the chroma samples within 3 and their mean at most 0.5 (8-bit scale; the MOV's
 *     chroma at the even sample of each 2 x 2 block against the MP4's 4:2:0 sample). ProRes
 *     is lossy: on sharp text a few luma samples are off by up to ~20 (the opaque ProRes HQ
 *     export differs from the same MP4 about 5 times as much, in mean squared error).
 * Exit 0 when all hold, 1 otherwise. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libavutil/pixdesc.h>

#define CHECKER "check_alpha"
#include "decode.h"
#include "report.h"

static int W, H;
static double rx, ry, rw, rh, rad;

/* Signed distance from (px, py) to the rounded rectangle (x, y, w, h, r); negative inside. */
static double rrect_dist(double px, double py, double x, double y, double w, double h, double r)
{
    const double cx = x + w / 2, cy = y + h / 2;
    const double qx = fabs(px - cx) - (w / 2 - r), qy = fabs(py - cy) - (h / 2 - r);
    const double ox = qx > 0 ? qx : 0, oy = qy > 0 ? qy : 0;
    const double in = qx > qy ? qx : qy;
    return sqrt(ox * ox + oy * oy) + (in < 0 ? in : 0) - r;
}

static double clamp01(double v)
{
    return v < 0 ? 0 : v > 1 ? 1 : v;
}

/* The screen's coverage of luma sample (i, j): clamp(0.5 - d, 0, 1) at its centre. */
static double coverage(int i, int j)
{
    return clamp01(0.5 - rrect_dist(i + 0.5, j + 0.5, rx, ry, rw, rh, rad));
}

/* A shadow's alpha over the frame: the rounded rectangle (x, y, w, h, r) moved by (dx, dy),
 * its coverage blurred by a Gaussian of sigma, times the opacity. W x H doubles. */
static double *shadow_model(double x, double y, double w, double h, double r, double sigma,
                            double opacity, double dx, double dy)
{
    double *a = calloc((size_t)W * H, sizeof(*a)), *b = calloc((size_t)W * H, sizeof(*b));
    const int k = (int)ceil(4 * sigma);
    double *g = calloc((size_t)(2 * k + 1), sizeof(*g)), gs = 0;
    if (!a || !b || !g)
        exit(2);
    for (int i = -k; i <= k; i++)
        gs += g[i + k] = exp(-(double)(i * i) / (2 * sigma * sigma));
    for (int i = 0; i <= 2 * k; i++)
        g[i] /= gs;
    for (int j = 0; j < H; j++)
        for (int i = 0; i < W; i++)
            a[(size_t)j * W + i] =
                clamp01(0.5 - rrect_dist(i + 0.5, j + 0.5, x + dx, y + dy, w, h, r));
    for (int j = 0; j < H; j++)
        for (int i = 0; i < W; i++) {
            double s = 0;
            for (int t = -k; t <= k; t++) {
                const int x = i + t < 0 ? 0 : i + t >= W ? W - 1 : i + t;
                s += g[t + k] * a[(size_t)j * W + x];
            }
            b[(size_t)j * W + i] = s;
        }
    for (int j = 0; j < H; j++)
        for (int i = 0; i < W; i++) {
            double s = 0;
            for (int t = -k; t <= k; t++) {
                const int y = j + t < 0 ? 0 : j + t >= H ? H - 1 : j + t;
                s += g[t + k] * b[(size_t)y * W + i];
            }
            a[(size_t)j * W + i] = s * opacity;
        }
    free(b);
    free(g);
    return a;
}

int main(int argc, char **argv)
{
    if (argc != 15 && argc != 18) {
        fprintf(stderr, "usage: check_alpha MOV MP4 W H FRAMES FPS PADDING SW SH RADIUS BLUR "
                        "OPACITY DX DY [CX CY CW]\n");
        return 2;
    }
    W = atoi(argv[3]), H = atoi(argv[4]);
    const int frames = atoi(argv[5]);
    const double fps = atof(argv[6]), pad = atof(argv[7]), sw = atof(argv[8]),
                 sh = atof(argv[9]);
    rad = atof(argv[10]);
    /* Geometry (fitted): margin p min(W, H), scale to fit, centred on even coordinates */
    const double m = pad * (W < H ? W : H);
    const double s = fmin((W - 2 * m) / sw, (H - 2 * m) / sh);
    rw = round(sw * s), rh = round(sh * s);
    rx = 2 * round((W - rw) / 4), ry = 2 * round((H - rh) / 4);
    if (rad > fmin(rw, rh) / 2)
        rad = fmin(rw, rh) / 2;
    printf("screen at (%g, %g) %gx%g, radius %g\n", rx, ry, rw, rh, rad);
    /* the screen's shadow: sigma = blur / 2 (CSS box-shadow) */
    double *sha = shadow_model(rx, ry, rw, rh, rad, atof(argv[11]) / 2, atof(argv[12]),
                               atof(argv[13]), atof(argv[14]));

    /* the camera bubble, a circle: centre and radius; its shadow reaches 0.14 w beyond it:
     * the circle moved down by 0.02 w, sigma 0.04 w, opacity 0.35 (docs, "Camera bubble") */
    const int cam = argc == 18;
    const double cw = cam ? atof(argv[17]) : 0, ccx = cam ? atof(argv[15]) + cw / 2 : 0,
                 ccy = cam ? atof(argv[16]) + cw / 2 : 0, cr = cw / 2, creach = cr + 0.14 * cw + 2;
    double *csha = cam ? shadow_model(ccx - cr, ccy - cr, cw, cw, cr, 0.04 * cw, 0.35, 0,
                                      0.02 * cw) : NULL;
    double csh_err = 0;
    long cin_n = 0, cin_bad = 0, cedge_n = 0, cedge_bad = 0, csh_n = 0, csh_bad = 0;
    Input mov, mp4;
    /* the MOV's video opened by hand: its decoder asked for the 10 bits the export wrote */
    memset(&mov, 0, sizeof(mov));
    const AVCodec *codec = NULL;
    int depth = 0;
    if (avformat_open_input(&mov.fmt, argv[1], NULL, NULL) < 0 ||
        avformat_find_stream_info(mov.fmt, NULL) < 0 ||
        (mov.stream = av_find_best_stream(mov.fmt, AVMEDIA_TYPE_VIDEO, -1, -1, &codec, 0)) < 0 ||
        !(mov.dec = avcodec_alloc_context3(codec)) ||
        avcodec_parameters_to_context(mov.dec, mov.fmt->streams[mov.stream]->codecpar) < 0) {
        fprintf(stderr, "check_alpha: %s: cannot open its video\n", argv[1]);
        return 1;
    }
    const AVCodecParameters *par = mov.fmt->streams[mov.stream]->codecpar;
    check(par->codec_id == AV_CODEC_ID_PRORES, "codec %s, expected prores",
          avcodec_get_name(par->codec_id));
    check(par->profile == FF_PROFILE_PRORES_4444, "ProRes profile %d, expected 4444 (%d)",
          par->profile, FF_PROFILE_PRORES_4444);
    check(par->width == W && par->height == H, "size %dx%d, expected %dx%d", par->width,
          par->height, W, H);
    const int hd = H >= 720;
    check(par->color_range == AVCOL_RANGE_MPEG &&
              par->color_space == (hd ? AVCOL_SPC_BT709 : AVCOL_SPC_SMPTE170M) &&
              par->color_primaries == (hd ? AVCOL_PRI_BT709 : AVCOL_PRI_SMPTE170M) &&
              par->color_trc == (hd ? AVCOL_TRC_BT709 : AVCOL_TRC_SMPTE170M),
          "colour tags range %s, matrix %s, primaries %s, transfer %s (expected tv, %s)",
          av_color_range_name(par->color_range), av_color_space_name(par->color_space),
          av_color_primaries_name(par->color_primaries), av_color_transfer_name(par->color_trc),
          hd ? "bt709" : "smpte170m");
    if (avcodec_open2(mov.dec, codec, NULL) < 0 || !(mov.pkt = av_packet_alloc()) ||
        open_input(&mp4, argv[2], AVMEDIA_TYPE_VIDEO) < 0) {
        fprintf(stderr, "check_alpha: cannot open the decoders\n");
        return 1;
    }
    const AVRational tb = mov.fmt->streams[mov.stream]->time_base;
    AVFrame *f = av_frame_alloc(), *g = av_frame_alloc();
    int n = 0, fmt_ok = 1, time_ok = 1;
    long bg_n = 0, bg_bad = 0, in_n = 0, in_bad = 0, arc_n = 0, arc_bad = 0, sh_n = 0,
         sh_bad = 0, shc_n = 0, shc_bad = 0, y_n = 0, y_bad = 0, c_n = 0, c_bad = 0;
    double arc_err = 0, sh_err = 0, y_err = 0, c_err = 0, y_sum = 0, c_sum = 0;
    int got;
    while ((got = next_frame(&mov, f)) == 1) {
        if (next_frame(&mp4, g) != 1) {
            check(0, "frame %d: the MP4 has fewer frames", n);
            break;
        }
        const int d = f->format == AV_PIX_FMT_YUVA444P10LE   ? 10
                      : f->format == AV_PIX_FMT_YUVA444P12LE ? 12
                                                             : 0;
        if (!depth)
            depth = d;
        if (!d || d != depth || f->width != W || f->height != H ||
            g->format != AV_PIX_FMT_YUV420P) {
            if (fmt_ok)
                check(0, "frame %d: %s %dx%d (MP4 %s), expected yuva444p10le (or 12le) %dx%d "
                      "(yuv420p)", n,
                      av_get_pix_fmt_name(f->format), f->width, f->height,
                      av_get_pix_fmt_name(g->format), W, H);
            fmt_ok = 0;
            n++;
            continue;
        }
        const int64_t pts = f->best_effort_timestamp;
        if (pts == AV_NOPTS_VALUE || fabs(pts * av_q2d(tb) - n / fps) > 0.25 / fps) {
            if (time_ok)
                check(0, "frame %d at %.4f s, expected %.4f s", n,
                      pts == AV_NOPTS_VALUE ? -1 : pts * av_q2d(tb), n / fps);
            time_ok = 0;
        }
        /* samples at 10-bit scale, alpha 0..1023 */
        const double q = d == 12 ? 4 : 1, amax = d == 12 ? 4095 : 1023;
        for (int j = 0; j < H; j++) {
            const uint16_t *A = (const uint16_t *)(f->data[3] + j * f->linesize[3]);
            const uint16_t *Y = (const uint16_t *)(f->data[0] + j * f->linesize[0]);
            const uint8_t *Y8 = g->data[0] + j * g->linesize[0];
            for (int i = 0; i < W; i++) {
                const double cov = coverage(i, j), shm = sha[(size_t)j * W + i];
                const double model = cov + (1 - cov) * shm, a = A[i] / amax;
                const double cd = cam ? hypot(i + 0.5 - ccx, j + 0.5 - ccy) : 1e9;
                if (cd < creach) { /* the camera bubble and its shadow */
                    if (cd <= cr - 1) {
                        cin_n++, cin_bad += A[i] != amax;
                    } else if (fabs(cd - cr) < 0.3 && cov == 0) {
                        cedge_n++, cedge_bad += !(A[i] > 0 && A[i] < amax);
                    } else if (cd > cr + 1 && cov == 0) {
                        /* the bubble's shadow over the screen's stack */
                        const double cs = csha[(size_t)j * W + i], mt = cs + (1 - cs) * model;
                        if (cs > 0.05) {
                            csh_n++;
                            csh_bad += !(A[i] > 0 && A[i] < amax) || fabs(a - mt) > 0.02;
                            csh_err = fmax(csh_err, fabs(a - mt));
                        }
                    }
                } else if (model < 1e-4) {
                    bg_n++, bg_bad += A[i] / q > 2;
                } else if (cov >= 1) {
                    in_n++, in_bad += A[i] != amax;
                } else if (cov > 0) { /* on the corners' arc */
                    arc_n++;
                    arc_bad += !(A[i] > 0 && A[i] < amax) || fabs(a - model) > 0.02;
                    arc_err = fmax(arc_err, fabs(a - model));
                } else if (shm > 0.05 && shm < 0.95) { /* the shadow, outside the screen */
                    sh_n++;
                    sh_bad += !(A[i] > 0 && A[i] < amax) || fabs(a - model) > 0.02;
                    sh_err = fmax(sh_err, fabs(a - model));
                    if (shm > 0.2)
                        shc_n++, shc_bad += fabs(Y[i] / (4.0 * q) - 16) > 4;
                }
                /* the colour, 2 samples in from the screen's edges */
                if (i >= rx + 2 && i < rx + rw - 2 && j >= ry + 2 && j < ry + rh - 2 &&
                    coverage(i - 2, j) >= 1 && coverage(i + 2, j) >= 1 &&
                    coverage(i, j - 2) >= 1 && coverage(i, j + 2) >= 1) {
                    const double e = fabs(Y[i] / (4.0 * q) - Y8[i]);
                    y_n++, y_bad += e > 2, y_err = fmax(y_err, e), y_sum += e;
                    if (!(i & 1) && !(j & 1)) {
                        for (int p = 1; p <= 2; p++) {
                            const uint16_t *C = (const uint16_t *)(f->data[p] + j * f->linesize[p]);
                            const uint8_t *C8 = g->data[p] + (j / 2) * g->linesize[p];
                            const double ce = fabs(C[i] / (4.0 * q) - C8[i / 2]);
                            c_n++, c_bad += ce > 3, c_err = fmax(c_err, ce), c_sum += ce;
                        }
                    }
                }
            }
        }
        n++;
    }
    check(got == 0, "the MOV decodes to its end");
    check(n == frames, "%d frames, expected %d", n, frames);
    check(fmt_ok, "every frame decodes as %s %dx%d", depth == 12 ? "yuva444p12le" :
          "yuva444p10le", W, H);
    check(time_ok, "every frame n at n / %g s", fps);
    check(bg_n > 0 && bg_bad == 0, "alpha 0 in the far background: %ld of %ld samples over 2/1023",
          bg_bad, bg_n);
    check(in_n > 0 && in_bad == 0, "alpha full inside the screen: %ld of %ld samples not 1023",
          in_bad, in_n);
    check(arc_n > 0 && arc_bad == 0, "alpha intermediate on the corners' arc and as the model "
          "(coverage + shadow): %ld of %ld samples off, max error %.4f", arc_bad, arc_n, arc_err);
    check(sh_n > 0 && sh_bad == 0, "alpha intermediate in the shadow and as the model: %ld of %ld "
          "samples off, max error %.4f", sh_bad, sh_n, sh_err);
    check(shc_n > 0 && shc_bad == 0, "the shadow is black (luma within 4 of 16): %ld of %ld "
          "samples off", shc_bad, shc_n);
    if (cam) {
        check(cin_n > 0 && cin_bad == 0, "alpha full inside the camera bubble: %ld of %ld "
              "samples not full", cin_bad, cin_n);
        check(cedge_n > 0 && cedge_bad == 0, "alpha intermediate on the bubble's edge outside "
              "the screen: %ld of %ld samples not", cedge_bad, cedge_n);
        check(csh_n > 0 && csh_bad == 0, "alpha intermediate in the bubble's shadow and as "
              "the model (its shadow over the screen's): %ld of %ld samples off, max error "
              "%.4f", csh_bad, csh_n, csh_err);
    }
    check(y_n > 0 && y_bad <= y_n / 100 && y_sum <= 0.5 * y_n, "luma inside the screen as the "
          "opaque MP4's: %ld of %ld off by over 2, mean %.3f, max %.2f", y_bad, y_n,
          y_sum / (y_n ? y_n : 1), y_err);
    check(c_n > 0 && c_bad <= c_n / 100 && c_sum <= 0.5 * c_n, "chroma inside the screen as the "
          "opaque MP4's: %ld of %ld off by over 3, mean %.3f, max %.2f", c_bad, c_n,
          c_sum / (c_n ? c_n : 1), c_err);
    av_frame_free(&f);
    av_frame_free(&g);
    close_input(&mov);
    close_input(&mp4);
    free(sha);
    free(csha);
    return g_fail;
}
