/* RGBA -> NV12 conversion speed and accuracy, single thread.
 *
 *   build/bench/convert_bench [--runs 9] [--frames 16] [--speed] [--accuracy] [--wall]
 *                             [--only 4k|1080p|360p]
 *
 * Times are this thread's CPU time (--wall: wall-clock time).
 *
 * Speed (--speed, the default when neither is given):
 *  - 4K (3840x2160) RGBA -> NV12 BT.709 with --frames distinct source and destination frames
 *    visited in turn (16 x 33 MB of RGBA + 16 x 12 MB of NV12 by default: more than the
 *    last-level cache), against libyuv ABGRToNV12 (same RGBA byte order; BT.601), swscale
 *    (sws_scale RGBA -> NV12, same size) and a "copy floor" that reads the 4 bytes of every
 *    pixel and writes 1.5 bytes a pixel with plain AVX2 loads and stores.
 *  - 1080p RGBA -> NV12 with one frame converted over and over (in cache), against libyuv.
 *  - 1080p NV12 -> RGBA the same way, against libyuv NV12ToABGR (BT.601).
 *  - 640x360 the same way: 1.2 MB in all, within one core's L2, so the kernels' own
 *    instruction cost shows.
 *  Every method runs once per round, the rounds alternate them; the median of --runs rounds
 *  is reported, and the ratios between medians.
 * Accuracy (--accuracy): all 2^24 RGB colours, each in a 4x2 block so that one chroma sample
 * of both vexport (left-sited [1 2 1] x 2) and libyuv (2x2 box) sees that colour alone:
 * share of Y and chroma samples that are not the rounded double-precision value, mean chroma
 * error and the largest error, for vexport (BT.601 and BT.709 limited) and libyuv
 * ARGBToI420 (BT.601 limited), in the same run.
 */
#include <immintrin.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libavutil/pixfmt.h>
#include <libswscale/swscale.h>

#include "bench.h"
#include "vexport/convert.h"
#ifdef HAVE_LIBYUV
#include <libyuv/convert.h>
#include <libyuv/convert_argb.h>
#include <libyuv/convert_from_argb.h>
#endif

/* internal (src/convert.c): vx_convert_rows with streaming stores forced on (1) or off (0) */
int vx_convert_rows_nt(const VxImage *src, VxImage *dst, const VxColorSpec *spec, int y0,
                       int y1, int nt);

/* This thread's CPU time by default: on a shared machine the time spent preempted is not
 * the kernel's (stalls on memory are, and still count); --wall measures wall-clock time. */
static clockid_t bench_clock = CLOCK_THREAD_CPUTIME_ID;

static double now(void)
{
    return bench_clock_s(bench_clock);
}

/* Reads 4 bytes a pixel of two rows and writes 1.5 bytes a pixel (two luma rows and one
 * interleaved chroma row), 32 pixels at a time, with plain AVX2 loads and stores. */
__attribute__((target("avx2"))) static void copy_floor(const VxImage *s, VxImage *d)
{
    const int w = s->width & ~31;
    for (int y = 0; y + 1 < s->height; y += 2) {
        const uint8_t *a = s->data[0] + y * s->stride[0], *b = a + s->stride[0];
        uint8_t *y0 = d->data[0] + y * d->stride[0], *y1 = y0 + d->stride[0];
        uint8_t *uv = d->data[1] + (y / 2) * d->stride[1];
        for (int x = 0; x < w; x += 32) {
            __m256i v[8];
            for (int k = 0; k < 4; k++) {
                v[k] = _mm256_loadu_si256((const __m256i *)(a + 4 * x + 32 * k));
                v[4 + k] = _mm256_loadu_si256((const __m256i *)(b + 4 * x + 32 * k));
            }
            const __m256i p = _mm256_xor_si256(v[0], v[1]), q = _mm256_xor_si256(v[2], v[3]);
            const __m256i r = _mm256_xor_si256(v[4], v[5]), t = _mm256_xor_si256(v[6], v[7]);
            _mm256_storeu_si256((__m256i *)(y0 + x), _mm256_xor_si256(p, q));
            _mm256_storeu_si256((__m256i *)(y1 + x), _mm256_xor_si256(r, t));
            _mm256_storeu_si256((__m256i *)(uv + x), _mm256_xor_si256(p, t));
        }
    }
}

enum { M_VX, M_VX_PLAIN, M_VX_NT, M_LIBYUV, M_SWS, M_FLOOR, M_VX_RGB, M_LIBYUV_RGB, M_N };
static const char *mname[M_N] = {
    "vexport vx_convert", "vexport, plain stores", "vexport, streaming stores",
    "libyuv ABGRToNV12", "swscale sws_scale", "copy floor (AVX2 load/store)",
    "vexport vx_convert NV12 -> RGBA", "libyuv NV12ToABGR"};

static void run_method(int m, VxImage *s, VxImage *d, const VxColorSpec *cs,
                       struct SwsContext *sws)
{
    switch (m) {
    case M_VX: vx_convert(s, d, cs); break;
    case M_VX_PLAIN: vx_convert_rows_nt(s, d, cs, 0, s->height, 0); break;
    case M_VX_NT: vx_convert_rows_nt(s, d, cs, 0, s->height, 1); break;
#ifdef HAVE_LIBYUV
    case M_LIBYUV:
        ABGRToNV12(s->data[0], (int)s->stride[0], d->data[0], (int)d->stride[0], d->data[1],
                   (int)d->stride[1], s->width, s->height);
        break;
#endif
    case M_SWS: {
        const uint8_t *sp[4] = {s->data[0]};
        int ss[4] = {(int)s->stride[0]}, ds[4] = {(int)d->stride[0], (int)d->stride[1]};
        sws_scale(sws, sp, ss, 0, s->height, d->data, ds);
        break;
    }
    case M_FLOOR: copy_floor(s, d); break;
    /* the other way: the NV12 frame back into the RGBA one */
    case M_VX_RGB: vx_convert(d, s, cs); break;
#ifdef HAVE_LIBYUV
    case M_LIBYUV_RGB:
        NV12ToABGR(d->data[0], (int)d->stride[0], d->data[1], (int)d->stride[1], s->data[0],
                   (int)s->stride[0], s->width, s->height);
        break;
#endif
    }
}

static void fill(VxImage *im, unsigned seed)
{
    /* a screen-like picture: smooth gradients with some noise */
    for (int y = 0; y < im->height; y++) {
        uint8_t *p = im->data[0] + y * im->stride[0];
        for (int x = 0; x < im->width; x++) {
            seed = seed * 1664525u + 1013904223u;
            p[4 * x + 0] = (uint8_t)(x / 16 + (seed >> 28));
            p[4 * x + 1] = (uint8_t)(y / 9 + (seed >> 29));
            p[4 * x + 2] = (uint8_t)((x + y) / 24 + (seed >> 27));
            p[4 * x + 3] = 255;
        }
    }
}

static void bench(const char *title, int w, int h, int frames, int reps, int runs,
                  const int *methods, int n_methods, int base)
{
    VxImage **src = calloc(frames, sizeof(*src)), **dst = calloc(frames, sizeof(*dst));
    for (int f = 0; f < frames; f++) {
        src[f] = vx_image_alloc(VX_PIX_RGBA, w, h);
        dst[f] = vx_image_alloc(VX_PIX_NV12, w, h);
        if (!src[f] || !dst[f]) {
            fprintf(stderr, "convert_bench: out of memory for %d frames of %dx%d\n", frames, w, h);
            exit(1);
        }
        fill(src[f], 77u + f);
        memset(dst[f]->data[0], 0, dst[f]->stride[0] * h);
        memset(dst[f]->data[1], 0, dst[f]->stride[1] * ((h + 1) / 2));
    }
    const VxColorSpec cs = {VX_MATRIX_BT709, VX_RANGE_LIMITED, VX_CHROMA_LEFT};
    struct SwsContext *sws = sws_getContext(w, h, AV_PIX_FMT_RGBA, w, h, AV_PIX_FMT_NV12,
                                            SWS_BILINEAR, NULL, NULL, NULL);
    double t[M_N][64];
    for (int r = -1; r < runs; r++) { /* round -1 warms up */
        for (int k = 0; k < n_methods; k++) {
            const int m = methods[(k + (r & 1 ? r : 0)) % n_methods]; /* vary the order */
            const double t0 = now();
            for (int i = 0; i < reps; i++)
                for (int f = 0; f < frames; f++)
                    run_method(m, src[f], dst[f], &cs, sws);
            if (r >= 0)
                t[m][r] = (now() - t0) / (reps * frames) * 1e3;
        }
    }
    printf("\n%s: %dx%d, %d frame(s)%s, median of %d rounds, ms per frame\n", title, w, h,
           frames, frames > 1 ? " visited in turn" : " repeated (in cache)", runs);
    double med[M_N];
    for (int k = 0; k < n_methods; k++)
        med[methods[k]] = bench_median(t[methods[k]], runs);
    for (int k = 0; k < n_methods; k++) {
        const int m = methods[k];
        printf("  %-32s %8.3f ms  (%.2f GB/s of RGBA+NV12)", mname[m], med[m],
               w * (double)h * 5.5 / (med[m] * 1e6));
        if (m != base)
            printf("  %s / this = %.2f", mname[base], med[base] / med[m]);
        printf("\n");
    }
    for (int k = 0; k < n_methods; k++)
        if (methods[k] != base)
            printf("  ratio %s / %s = %.2f\n", mname[methods[k]], mname[base],
                   med[methods[k]] / med[base]);
    sws_freeContext(sws);
    for (int f = 0; f < frames; f++) {
        vx_image_free(&src[f]);
        vx_image_free(&dst[f]);
    }
    free(src);
    free(dst);
}

/* ---- accuracy over all 2^24 colours ---- */

typedef struct Stats {
    long long n_y, y_off, n_c, c_off;
    double c_sum, y_max, c_max;
} Stats;

static void ref_ycc(double kr, double kb, int r, int g, int b, double *y, double *cb, double *cr)
{
    const double yl = (kr * r + (1 - kr - kb) * g + kb * b) / 255.0;
    *y = 16 + 219 * yl;
    *cb = 128 + 224 * (b / 255.0 - yl) / (2 * (1 - kb));
    *cr = 128 + 224 * (r / 255.0 - yl) / (2 * (1 - kr));
}

static void account(Stats *s, double ref, int got, int chroma)
{
    const double e = got - ref;
    const int off = got != (int)lrint(ref);
    if (chroma) {
        s->n_c++, s->c_off += off, s->c_sum += e;
        s->c_max = fmax(s->c_max, fabs(e));
    } else {
        s->n_y++, s->y_off += off;
        s->y_max = fmax(s->y_max, fabs(e));
    }
}

static void print_stats(const char *name, const Stats *s)
{
    printf("  %-36s Y off by one %6.3f%%  chroma off by one %6.3f%%  mean chroma error "
           "%+.4f  max |error| Y %.3f chroma %.3f\n",
           name, 100.0 * s->y_off / s->n_y, 100.0 * s->c_off / s->n_c, s->c_sum / s->n_c,
           s->y_max, s->c_max);
}

static void accuracy(void)
{
    /* one row pair per (R, G-high) : 4096 colours x 4 pixels wide, 2 rows */
    const int n = 4096, w = 4 * n;
    VxImage *rgba = vx_image_alloc(VX_PIX_RGBA, w, 2), *bgra = vx_image_alloc(VX_PIX_BGRA, w, 2);
    VxImage *i420 = vx_image_alloc(VX_PIX_I420, w, 2);
    Stats vx601 = {0}, vx709 = {0}, yuv601 = {0};
    const double t0 = now();
    for (int blk = 0; blk < (1 << 24) / n; blk++) {
        for (int k = 0; k < n; k++) {
            const unsigned c = (unsigned)blk * n + k;
            const uint8_t r = c >> 16, g = (c >> 8) & 255, b = c & 255;
            for (int row = 0; row < 2; row++)
                for (int x = 4 * k; x < 4 * k + 4; x++) {
                    uint8_t *p = rgba->data[0] + row * rgba->stride[0] + 4 * x;
                    uint8_t *q = bgra->data[0] + row * bgra->stride[0] + 4 * x;
                    p[0] = r, p[1] = g, p[2] = b, p[3] = 255;
                    q[0] = b, q[1] = g, q[2] = r, q[3] = 255;
                }
        }
        for (int pass = 0; pass < 3; pass++) {
            const double kr = pass == 1 ? 0.2126 : 0.299, kb = pass == 1 ? 0.0722 : 0.114;
            Stats *st = pass == 0 ? &vx601 : pass == 1 ? &vx709 : &yuv601;
            if (pass < 2) {
                const VxColorSpec cs = {pass == 0 ? VX_MATRIX_BT601 : VX_MATRIX_BT709,
                                        VX_RANGE_LIMITED, VX_CHROMA_LEFT};
                vx_convert(rgba, i420, &cs);
            } else {
#ifdef HAVE_LIBYUV
                ARGBToI420(bgra->data[0], (int)bgra->stride[0], i420->data[0],
                           (int)i420->stride[0], i420->data[1], (int)i420->stride[1],
                           i420->data[2], (int)i420->stride[2], w, 2);
#else
                continue;
#endif
            }
            for (int k = 0; k < n; k++) {
                const unsigned c = (unsigned)blk * n + k;
                double y, cb, cr;
                ref_ycc(kr, kb, c >> 16, (c >> 8) & 255, c & 255, &y, &cb, &cr);
                account(st, y, i420->data[0][4 * k + 1], 0);
                /* chroma sample 2k + 1 covers pixels 4k+1..4k+3 (left) or 4k+2..4k+3 (box) */
                account(st, cb, i420->data[1][2 * k + 1], 1);
                account(st, cr, i420->data[2][2 * k + 1], 1);
            }
        }
    }
    printf("\naccuracy over all 2^24 RGB colours (limited range; reference: double precision, "
           "rounded), %.1f s\n", now() - t0);
    print_stats("vexport BT.601 (left-sited)", &vx601);
    print_stats("vexport BT.709 (left-sited)", &vx709);
#ifdef HAVE_LIBYUV
    print_stats("libyuv ARGBToI420 (BT.601)", &yuv601);
#endif
    vx_image_free(&rgba);
    vx_image_free(&bgra);
    vx_image_free(&i420);
}

int main(int argc, char **argv)
{
    int runs = 9, frames = 16, speed = 0, acc = 0, do4k = 1, do1080 = 1, dol2 = 1;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--runs") && i + 1 < argc)
            runs = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--frames") && i + 1 < argc)
            frames = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--only") && i + 1 < argc) {
            const char *o = argv[++i];
            do4k = !strcmp(o, "4k"), do1080 = !strcmp(o, "1080p"), dol2 = !strcmp(o, "360p");
        } else if (!strcmp(argv[i], "--wall"))
            bench_clock = CLOCK_MONOTONIC;
        else if (!strcmp(argv[i], "--speed"))
            speed = 1;
        else if (!strcmp(argv[i], "--accuracy"))
            acc = 1;
        else {
            fprintf(stderr, "usage: %s [--runs N] [--frames N] [--speed] [--accuracy] [--wall] [--only 4k|1080p|360p]\n", argv[0]);
            return 2;
        }
    }
    if (runs < 1 || runs > 64 || frames < 1 || frames > 64) {
        fprintf(stderr, "convert_bench: --runs and --frames take 1..64\n");
        return 2;
    }
    if (!speed && !acc)
        speed = 1;
    if (speed) {
        const int m4k[] = {M_VX, M_VX_PLAIN, M_VX_NT,
#ifdef HAVE_LIBYUV
                           M_LIBYUV,
#endif
                           M_SWS, M_FLOOR};
        if (do4k)
            bench("4K RGBA -> NV12 BT.709", 3840, 2160, frames, 1, runs, m4k,
              (int)(sizeof(m4k) / sizeof(m4k[0])), M_VX);
        const int m1080[] = {M_VX, M_VX_NT,
#ifdef HAVE_LIBYUV
                             M_LIBYUV,
#endif
                             M_FLOOR};
        if (do1080)
            bench("1080p RGBA -> NV12 BT.709", 1920, 1080, 1, 20, runs, m1080,
              (int)(sizeof(m1080) / sizeof(m1080[0])), M_VX);
        const int mrgb[] = {M_VX_RGB,
#ifdef HAVE_LIBYUV
                            M_LIBYUV_RGB
#endif
        };
        if (do1080)
            bench("1080p NV12 -> RGBA BT.709", 1920, 1080, 1, 20, runs, mrgb,
                  (int)(sizeof(mrgb) / sizeof(mrgb[0])), M_VX_RGB);
        /* small enough for the core's own L2: the kernels' compute, not the caches */
        if (dol2)
            bench("360p RGBA -> NV12 BT.709", 640, 360, 1, 200, runs, m1080,
                  (int)(sizeof(m1080) / sizeof(m1080[0])), M_VX);
    }
    if (acc)
        accuracy();
    return 0;
}
