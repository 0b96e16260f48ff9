/*
 * vxcheck: independent checker for vexport outputs.
 *
 * It reads the project file itself, decodes the screen recording and the exported MP4 with
 * libavformat/libavcodec, rebuilds sampled output frames in double precision from the rules
 * of docs/project-format.md (its own implementation, it shares no code with the library),
 * and compares. It also checks the container: size, pixel format, colour tags (bitstream
 * and MP4 'colr' box), frame count, constant frame rate, duration, audio presence, codec,
 * duration, start and sync.
 *
 *   vxcheck PROJECT.json OUT.mp4 [options]
 *   vxcheck - OUT.mp4 --size WxH --fps F --expect-frames N [options]   (no project: container
 *                                                                       checks only)
 * Options:
 *   --frames N          sample N evenly spaced frames (first and last included; default 3)
 *   --sample a,b,c      sample these output frame indices instead
 *   --min-psnr DB       minimum PSNR for Y and for Cb+Cr, whole frame and per region (40)
 *   --min-tile-psnr DB  minimum luma PSNR of any 16x16 tile (30)
 *   --expect-audio yes|no   assert the presence of an audio stream
 *   --size WxH          assert the output size
 *   --fps F             expected frame rate (no-project mode, or to assert)
 *   --expect-frames N   assert the frame count
 *   --codec h264|hevc   expected video codec (default: the project's output.codec)
 *   --corner-tol N      tolerance of the background/rounded-corner check in code values (2)
 *   --exact-screen      the screen area must match the source within 1 code value
 *   --png FILE --at T   also check a `vexport frame` RGBA PNG rendered at time T
 *   --clip-rgb          clip R'G'B' to 0..1 when converting a source's colours
 *   --naive-rotation    rotate chroma planes without moving their sample sites (diagnosis)
 *   --dump PREFIX       write expected/decoded/difference luma of each sample as PGM files
 *   -v                  more detail
 * Prints one line per check, then PASS or FAIL; exits 0 or 1 (2 if it could not run).
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/avutil.h>
#include <libavutil/display.h>
#include <libavutil/imgutils.h>
#include <libavutil/pixdesc.h>
#include <libswscale/swscale.h>

#include <json-c/json.h>

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define VX_PI 3.14159265358979323846
#define MAX_STOPS 64
#define MAX_SAMPLES 64
#define TILE 16

/* ------------------------------------------------------------------------------------------ */
/* reporting */

#include "report.h"
static int g_verbose;


static void note(const char *fmt, ...)
{
    va_list ap;
    printf("     ");
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
}

static void die(const char *fmt, ...)
{
    va_list ap;
    printf("ERROR ");
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\nFAIL (vxcheck could not run)\n");
    fflush(stdout);
    exit(2);
}

static void *xcalloc(size_t n, size_t sz)
{
    void *p = calloc(n ? n : 1, sz ? sz : 1);
    if (!p)
        die("out of memory (%zu x %zu)", n, sz);
    return p;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static double clampd(double v, double lo, double hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

static double psnr_of(double sse, double n)
{
    if (n <= 0)
        return INFINITY;
    double mse = sse / n;
    if (mse <= 1e-10)
        return 100.0;
    return 10.0 * log10(255.0 * 255.0 / mse);
}

/* ------------------------------------------------------------------------------------------ */
/* project */

enum { BG_SOLID, BG_GRADIENT, BG_IMAGE };
/* AUDIO_MIXED: several tracks or track objects (gain, mute, offset): presence, codec and
 * duration only here; tests/e2e/check_av.c checks mixes */
enum { AUDIO_OWN, AUDIO_FILE, AUDIO_NONE, AUDIO_MIXED };

typedef struct Stop {
    double at;
    double rgb[3]; /* 0..255 */
} Stop;

#define MAX_SEGS 64
#define MAX_ZOOMS 64
typedef struct Seg {
    double start, end, speed; /* end < 0: the recording's end */
    int mute;                 /* "audio": "mute", or "auto" outside 0.5..2 */
} Seg;
enum { ZOOM_RECT, ZOOM_CENTER, ZOOM_FOLLOW };
enum { EASE_INOUT, EASE_SPRING, EASE_LINEAR };
typedef struct Zoom {
    double start, end, transition;
    int mode, ease;
    double x, y, w, h, cx, cy, scale, stiffness, damping;
} Zoom;

typedef struct Project {
    int nsegs;
    Seg segs[MAX_SEGS];
    int nzooms;
    Zoom zooms[MAX_ZOOMS];
    int have_size, W, H;
    int have_fps;
    double fps;
    double mb_screen; /* motion_blur.screen: the shutter, a fraction of the frame interval */
    int hevc;
    char *screen;
    int audio_mode;
    char *audio;
    int bg_type;
    double bg_rgb[3];
    double angle;
    int nstops;
    Stop stops[MAX_STOPS];
    char *bg_image;
    double padding, radius;
    int shadow;
    double sh_blur, sh_ox, sh_oy, sh_op, sh_rgb[3];
} Project;

static char *resolve_path(const char *base_dir, const char *p)
{
    size_t n = strlen(base_dir) + strlen(p) + 2;
    char *r = xcalloc(n, 1);
    if (p[0] == '/' || !base_dir[0])
        snprintf(r, n, "%s", p);
    else
        snprintf(r, n, "%s/%s", base_dir, p);
    return r;
}

static int parse_color(const char *s, double rgb[3])
{
    unsigned v;
    if (!s || s[0] != '#' || strlen(s) != 7)
        return -1;
    for (int i = 1; i < 7; i++) {
        char c = s[i];
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')))
            return -1;
    }
    v = (unsigned)strtoul(s + 1, NULL, 16);
    rgb[0] = (v >> 16) & 255;
    rgb[1] = (v >> 8) & 255;
    rgb[2] = v & 255;
    return 0;
}

static double jnum(json_object *o, const char *key, double def)
{
    json_object *v;
    if (!o || !json_object_object_get_ex(o, key, &v) || !v)
        return def;
    if (!json_object_is_type(v, json_type_double) && !json_object_is_type(v, json_type_int))
        die("project: %s is not a number", key);
    return json_object_get_double(v);
}

static void parse_project(const char *path, Project *p)
{
    json_object *root = json_object_from_file(path), *v, *o;
    char base[PATH_MAX];
    const char *slash;

    memset(p, 0, sizeof(*p));
    if (!root || !json_object_is_type(root, json_type_object))
        die("cannot read project %s as a JSON object", path);
    slash = strrchr(path, '/');
    if (slash) {
        size_t n = (size_t)(slash - path);
        if (n >= sizeof(base))
            die("path too long");
        memcpy(base, path, n);
        base[n] = 0;
        if (n == 0)
            strcpy(base, "/");
    } else {
        base[0] = 0;
    }

    if (json_object_object_get_ex(root, "output", &o) && o) {
        json_object *w, *h;
        if (json_object_object_get_ex(o, "width", &w) && json_object_object_get_ex(o, "height", &h)) {
            p->have_size = 1;
            p->W = json_object_get_int(w) & ~1;
            p->H = json_object_get_int(h) & ~1;
        }
        if (json_object_object_get_ex(o, "fps", &v)) {
            p->have_fps = 1;
            p->fps = json_object_get_double(v);
        }
        if (json_object_object_get_ex(o, "codec", &v) && !strcmp(json_object_get_string(v), "hevc"))
            p->hevc = 1;
    }
    if (!json_object_object_get_ex(root, "sources", &o) || !json_object_object_get_ex(o, "screen", &v))
        die("project: sources.screen missing");
    p->screen = resolve_path(base, json_object_get_string(v));
    p->audio_mode = AUDIO_OWN;
    if (json_object_object_get_ex(o, "audio", &v) && v) {
        if (json_object_array_length(v) == 0) {
            p->audio_mode = AUDIO_NONE;
        } else if (json_object_array_length(v) > 1 ||
                   !json_object_is_type(json_object_array_get_idx(v, 0), json_type_string)) {
            p->audio_mode = AUDIO_MIXED;
        } else {
            p->audio_mode = AUDIO_FILE;
            p->audio = resolve_path(base, json_object_get_string(json_object_array_get_idx(v, 0)));
        }
    }

    p->bg_type = BG_SOLID;
    if (json_object_object_get_ex(root, "background", &o) && o) {
        if (json_object_is_type(o, json_type_string)) {
            if (parse_color(json_object_get_string(o), p->bg_rgb))
                die("project: bad background colour");
        } else {
            const char *t = "solid";
            if (json_object_object_get_ex(o, "type", &v))
                t = json_object_get_string(v);
            if (!strcmp(t, "solid")) {
                if (!json_object_object_get_ex(o, "color", &v) ||
                    parse_color(json_object_get_string(v), p->bg_rgb))
                    die("project: bad background.color");
            } else if (!strcmp(t, "gradient")) {
                json_object *stops;
                p->bg_type = BG_GRADIENT;
                p->angle = jnum(o, "angle", 180);
                if (!json_object_object_get_ex(o, "stops", &stops))
                    die("project: gradient without stops");
                p->nstops = (int)json_object_array_length(stops);
                if (p->nstops < 2 || p->nstops > MAX_STOPS)
                    die("project: gradient needs 2..%d stops", MAX_STOPS);
                for (int i = 0; i < p->nstops; i++) {
                    json_object *s = json_object_array_get_idx(stops, (size_t)i), *c;
                    p->stops[i].at = jnum(s, "at", (double)i / (p->nstops - 1));
                    if (!json_object_object_get_ex(s, "color", &c) ||
                        parse_color(json_object_get_string(c), p->stops[i].rgb))
                        die("project: bad stop colour");
                }
            } else if (!strcmp(t, "image")) {
                p->bg_type = BG_IMAGE;
                if (!json_object_object_get_ex(o, "path", &v))
                    die("project: image background without path");
                p->bg_image = resolve_path(base, json_object_get_string(v));
            } else {
                die("project: unknown background type %s", t);
            }
        }
    }
    if (json_object_object_get_ex(root, "timeline", &o) && o) {
        p->nsegs = (int)json_object_array_length(o);
        if (p->nsegs > MAX_SEGS)
            die("project: more than %d timeline ranges", MAX_SEGS);
        for (int i = 0; i < p->nsegs; i++) {
            json_object *e = json_object_array_get_idx(o, (size_t)i);
            p->segs[i].start = jnum(e, "start", 0);
            p->segs[i].end = jnum(e, "end", -1);
            p->segs[i].speed = jnum(e, "speed", 1);
            json_object *au;
            const char *am = json_object_object_get_ex(e, "audio", &au) ? json_object_get_string(au) : "auto";
            p->segs[i].mute = !strcmp(am, "mute") || (!strcmp(am, "auto") && (p->segs[i].speed < 0.5 - 1e-9 ||
                                                                              p->segs[i].speed > 2 + 1e-9));
        }
    }
    if (json_object_object_get_ex(root, "motion_blur", &o) && o) {
        json_object *mv;
        if (json_object_object_get_ex(o, "screen", &mv))
            p->mb_screen = json_object_get_double(mv);
    }
    if (json_object_object_get_ex(root, "zoom", &o) && o) {
        p->nzooms = (int)json_object_array_length(o);
        if (p->nzooms > MAX_ZOOMS)
            die("project: more than %d zoom segments", MAX_ZOOMS);
        for (int i = 0; i < p->nzooms; i++) {
            json_object *e = json_object_array_get_idx(o, (size_t)i), *a;
            Zoom *z = &p->zooms[i];
            z->start = jnum(e, "start", 0);
            z->end = jnum(e, "end", 0);
            z->transition = jnum(e, "transition", 0.6);
            z->scale = jnum(e, "scale", 2);
            z->stiffness = jnum(e, "stiffness", 170);
            z->damping = jnum(e, "damping", 26);
            z->ease = EASE_INOUT;
            if (json_object_object_get_ex(e, "ease", &v)) {
                const char *es = json_object_get_string(v);
                z->ease = !strcmp(es, "spring") ? EASE_SPRING : !strcmp(es, "linear") ? EASE_LINEAR : EASE_INOUT;
            }
            if (json_object_object_get_ex(e, "rect", &a)) {
                z->mode = ZOOM_RECT;
                z->x = json_object_get_double(json_object_array_get_idx(a, 0));
                z->y = json_object_get_double(json_object_array_get_idx(a, 1));
                z->w = json_object_get_double(json_object_array_get_idx(a, 2));
                z->h = json_object_get_double(json_object_array_get_idx(a, 3));
            } else if (json_object_object_get_ex(e, "center", &a)) {
                z->mode = ZOOM_CENTER;
                z->cx = json_object_get_double(json_object_array_get_idx(a, 0));
                z->cy = json_object_get_double(json_object_array_get_idx(a, 1));
            } else {
                z->mode = ZOOM_FOLLOW;
            }
        }
    }
    p->padding = jnum(root, "padding", 0);
    p->radius = jnum(root, "radius", 0);
    if (json_object_object_get_ex(root, "shadow", &o) && o && json_object_is_type(o, json_type_object)) {
        p->shadow = 1;
        p->sh_blur = jnum(o, "blur", 32);
        p->sh_ox = jnum(o, "offset_x", 0);
        p->sh_oy = jnum(o, "offset_y", 8);
        p->sh_op = jnum(o, "opacity", 0.5);
        if (json_object_object_get_ex(o, "color", &v)) {
            if (parse_color(json_object_get_string(v), p->sh_rgb))
                die("project: bad shadow.color");
        }
    }
    json_object_put(root);
}

/* ------------------------------------------------------------------------------------------ */
/* colour */

typedef struct Matrix {
    double kr, kb;
} Matrix;

static const Matrix M709 = { 0.2126, 0.0722 };
static const Matrix M601 = { 0.299, 0.114 };
static const Matrix M2020 = { 0.2627, 0.0593 };

static int matrix_eq(Matrix a, Matrix b)
{
    return a.kr == b.kr && a.kb == b.kb;
}

/* R'G'B' in 0..1 -> limited-range 8-bit-scale Y'CbCr */
static void rgb_to_yuv(Matrix m, const double rgb[3], double out[3])
{
    double kg = 1.0 - m.kr - m.kb;
    double ey = m.kr * rgb[0] + kg * rgb[1] + m.kb * rgb[2];
    out[0] = 16.0 + 219.0 * ey;
    out[1] = 128.0 + 224.0 * (rgb[2] - ey) / (2.0 * (1.0 - m.kb));
    out[2] = 128.0 + 224.0 * (rgb[0] - ey) / (2.0 * (1.0 - m.kr));
}

/* 8-bit-scale Y'CbCr (limited or full) -> R'G'B' (nominally 0..1). Not clipped by default:
 * the conversion is then one affine map, as the format's "converted through R'G'B'" allows;
 * --clip-rgb clips (a pipeline through 8-bit RGB pixels would). */
static int g_clip_rgb;
static void yuv_to_rgb(Matrix m, int full, const double yuv[3], double rgb[3])
{
    double kg = 1.0 - m.kr - m.kb, ey, pb, pr;
    if (full) {
        ey = yuv[0] / 255.0;
        pb = (yuv[1] - 128.0) / 255.0;
        pr = (yuv[2] - 128.0) / 255.0;
    } else {
        ey = (yuv[0] - 16.0) / 219.0;
        pb = (yuv[1] - 128.0) / 224.0;
        pr = (yuv[2] - 128.0) / 224.0;
    }
    rgb[0] = ey + 2.0 * (1.0 - m.kr) * pr;
    rgb[2] = ey + 2.0 * (1.0 - m.kb) * pb;
    rgb[1] = (ey - m.kr * rgb[0] - m.kb * rgb[2]) / kg;
    if (g_clip_rgb)
        for (int i = 0; i < 3; i++)
            rgb[i] = clampd(rgb[i], 0.0, 1.0);
}

static const char *matrix_name(Matrix m)
{
    return matrix_eq(m, M709) ? "bt709" : matrix_eq(m, M601) ? "bt601" : "bt2020";
}

/* ------------------------------------------------------------------------------------------ */
/* planes of doubles with their sample sites */

typedef struct Plane {
    int w, h;
    double *d;
    /* sample (k, l) sits at luma position (sx*k + ox, sy*l + oy) */
    double sx, sy, ox, oy;
} Plane;

static void plane_alloc(Plane *p, int w, int h)
{
    p->w = w;
    p->h = h;
    p->d = xcalloc((size_t)w * h, sizeof(double));
}

static void plane_free(Plane *p)
{
    free(p->d);
    p->d = NULL;
}

/* --naive-rotation: rotate the chroma planes as arrays and keep the format's sample sites,
 * as a plain transpose does (a quarter-sample chroma shift); default: the exact sites */
static int g_naive_rot;

/* rotate clockwise by rot (0/90/180/270); W, H: luma size before rotation */
static void plane_rotate(Plane *p, int rot, int W, int H)
{
    Plane q = *p;
    int w = p->w, h = p->h;
    if (rot == 0)
        return;
    if (rot == 180) {
        plane_alloc(&q, w, h);
        for (int l = 0; l < h; l++)
            for (int k = 0; k < w; k++)
                q.d[(size_t)l * w + k] = p->d[(size_t)(h - 1 - l) * w + (w - 1 - k)];
        q.ox = W - 1 - p->sx * (w - 1) - p->ox;
        q.oy = H - 1 - p->sy * (h - 1) - p->oy;
    } else if (rot == 90) {
        /* new(k', l') = old(k = l', l = h-1-k') */
        plane_alloc(&q, h, w);
        for (int l2 = 0; l2 < w; l2++)
            for (int k2 = 0; k2 < h; k2++)
                q.d[(size_t)l2 * h + k2] = p->d[(size_t)(h - 1 - k2) * w + l2];
        q.sx = p->sy;
        q.sy = p->sx;
        q.ox = H - 1 - p->sy * (h - 1) - p->oy;
        q.oy = p->ox;
    } else { /* 270: new(k', l') = old(k = w-1-l', l = k') */
        plane_alloc(&q, h, w);
        for (int l2 = 0; l2 < w; l2++)
            for (int k2 = 0; k2 < h; k2++)
                q.d[(size_t)l2 * h + k2] = p->d[(size_t)k2 * w + (w - 1 - l2)];
        q.sx = p->sy;
        q.sy = p->sx;
        q.ox = p->oy;
        q.oy = W - 1 - p->sx * (w - 1) - p->ox;
    }
    if (g_naive_rot) {
        q.ox = p->ox;
        q.oy = p->oy;
    }
    free(p->d);
    *p = q;
}

/* ------------------------------------------------------------------------------------------ */
/* Catmull-Rom resampling (Keys a = -0.5), widened when shrinking, edges repeated */

static double catrom(double x)
{
    x = fabs(x);
    if (x < 1.0)
        return (1.5 * x - 2.5) * x * x + 1.0;
    if (x < 2.0)
        return ((-0.5 * x + 2.5) * x - 4.0) * x + 2.0;
    return 0.0;
}

typedef struct Weights {
    int n, taps;
    int *idx;
    double *w;
} Weights;

/* output sample i reads the source plane at position a*i + b; step |a| = source samples per
 * output sample decides the widening */
static void weights_make(Weights *wt, int n, double a, double b, int nsrc)
{
    double scale = fabs(a) > 1.0 ? fabs(a) : 1.0;
    int taps = (int)ceil(4.0 * scale) + 2;
    wt->n = n;
    wt->taps = taps;
    wt->idx = xcalloc((size_t)n * taps, sizeof(int));
    wt->w = xcalloc((size_t)n * taps, sizeof(double));
    for (int i = 0; i < n; i++) {
        double pos = a * i + b, sum = 0;
        int k0 = (int)floor(pos - 2.0 * scale) + 1;
        for (int t = 0; t < taps; t++) {
            int k = k0 + t;
            double wv = catrom((k - pos) / scale);
            int kc = k < 0 ? 0 : k >= nsrc ? nsrc - 1 : k;
            wt->idx[(size_t)i * taps + t] = kc;
            wt->w[(size_t)i * taps + t] = wv;
            sum += wv;
        }
        for (int t = 0; t < taps; t++)
            wt->w[(size_t)i * taps + t] /= sum;
    }
}

static void weights_free(Weights *wt)
{
    free(wt->idx);
    free(wt->w);
}

/* out[j*wx->n + i] = sum_l wy(j,l) sum_k wx(i,k) p(k,l) */
static void resample(const Plane *p, const Weights *wx, const Weights *wy, double *out)
{
    int rmin = p->h, rmax = -1;
    for (size_t i = 0; i < (size_t)wy->n * wy->taps; i++) {
        if (wy->w[i] == 0.0)
            continue;
        if (wy->idx[i] < rmin)
            rmin = wy->idx[i];
        if (wy->idx[i] > rmax)
            rmax = wy->idx[i];
    }
    if (rmax < rmin) {
        memset(out, 0, sizeof(double) * wx->n * wy->n);
        return;
    }
    int nr = rmax - rmin + 1;
    double *tmp = xcalloc((size_t)nr * wx->n, sizeof(double));
    for (int r = 0; r < nr; r++) {
        const double *src = p->d + (size_t)(r + rmin) * p->w;
        double *dst = tmp + (size_t)r * wx->n;
        for (int i = 0; i < wx->n; i++) {
            const int *ix = wx->idx + (size_t)i * wx->taps;
            const double *ww = wx->w + (size_t)i * wx->taps;
            double s = 0;
            for (int t = 0; t < wx->taps; t++)
                s += ww[t] * src[ix[t]];
            dst[i] = s;
        }
    }
    for (int j = 0; j < wy->n; j++) {
        double *dst = out + (size_t)j * wx->n;
        const int *iy = wy->idx + (size_t)j * wy->taps;
        const double *ww = wy->w + (size_t)j * wy->taps;
        for (int i = 0; i < wx->n; i++)
            dst[i] = 0;
        for (int t = 0; t < wy->taps; t++) {
            if (ww[t] == 0.0)
                continue;
            const double *row = tmp + (size_t)(iy[t] - rmin) * wx->n;
            double wv = ww[t];
            for (int i = 0; i < wx->n; i++)
                dst[i] += wv * row[i];
        }
    }
    free(tmp);
}

/* ------------------------------------------------------------------------------------------ */
/* media helpers */

static AVFormatContext *open_media(const char *path)
{
    AVFormatContext *fc = NULL;
    int ret = avformat_open_input(&fc, path, NULL, NULL);
    if (ret < 0)
        return NULL;
    if (avformat_find_stream_info(fc, NULL) < 0) {
        avformat_close_input(&fc);
        return NULL;
    }
    return fc;
}

static AVCodecContext *open_decoder(AVStream *st, int threads)
{
    const AVCodec *dec = avcodec_find_decoder(st->codecpar->codec_id);
    AVCodecContext *c;
    if (!dec)
        return NULL;
    c = avcodec_alloc_context3(dec);
    if (!c)
        return NULL;
    if (avcodec_parameters_to_context(c, st->codecpar) < 0) {
        avcodec_free_context(&c);
        return NULL;
    }
    c->pkt_timebase = st->time_base;
    c->thread_count = threads;
    if (avcodec_open2(c, dec, NULL) < 0) {
        avcodec_free_context(&c);
        return NULL;
    }
    return c;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

/* frame callback: return 1 to stop */
typedef int (*FrameCb)(void *opaque, AVFrame *f, int64_t index);

static int decode_stream(AVFormatContext *fc, int si, int threads, FrameCb cb, void *opaque)
{
    AVStream *st = fc->streams[si];
    AVCodecContext *c = open_decoder(st, threads);
    AVPacket *pkt = av_packet_alloc();
    AVFrame *f = av_frame_alloc();
    int64_t n = 0;
    int stop = 0, eof = 0, ret = 0;
    if (!c || !pkt || !f) {
        ret = -1;
        goto end;
    }
    while (!stop) {
        if (!eof) {
            ret = av_read_frame(fc, pkt);
            if (ret < 0) {
                eof = 1;
                avcodec_send_packet(c, NULL);
            } else {
                if (pkt->stream_index == si)
                    avcodec_send_packet(c, pkt);
                av_packet_unref(pkt);
            }
        }
        for (;;) {
            ret = avcodec_receive_frame(c, f);
            if (ret == AVERROR(EAGAIN))
                break;
            if (ret < 0) {
                stop = 1;
                break;
            }
            if (cb(opaque, f, n++))
                stop = 1;
            av_frame_unref(f);
            if (stop)
                break;
        }
        if (eof && ret != AVERROR(EAGAIN))
            stop = 1;
    }
    ret = 0;
end:
    av_frame_free(&f);
    av_packet_free(&pkt);
    avcodec_free_context(&c);
    return ret;
}

/* ------------------------------------------------------------------------------------------ */
/* source recording */

typedef struct Source {
    const char *path;
    int w, h;          /* coded */
    int sw, sh;        /* displayed (after rotation) */
    int rot;           /* clockwise */
    AVRational tb;
    int64_t *pts;      /* sorted presentation timestamps */
    int npts;
    int64_t pts0;
    double dur;
    double fps_native; /* avg frame rate, 0 if unknown */
    Matrix m;
    int full;
    int bits;
    enum AVPixelFormat fmt;
    int chroma_loc;
    int is_rgb;
    /* audio */
    int has_audio;
    double audio_start, audio_end; /* seconds, stream time */
} Source;

static void source_scan(Source *s, const char *path)
{
    AVFormatContext *fc = open_media(path);
    AVPacket *pkt;
    int vs, cap = 1024;
    int64_t maxend = INT64_MIN;
    AVStream *st;
    const uint8_t *dm;

    memset(s, 0, sizeof(*s));
    s->path = path;
    if (!fc)
        die("cannot open source %s", path);
    vs = av_find_best_stream(fc, AVMEDIA_TYPE_VIDEO, -1, -1, NULL, 0);
    if (vs < 0)
        die("no video in %s", path);
    st = fc->streams[vs];
    s->w = st->codecpar->width;
    s->h = st->codecpar->height;
    s->tb = st->time_base;
    s->fmt = st->codecpar->format;
    dm = av_stream_get_side_data(st, AV_PKT_DATA_DISPLAYMATRIX, NULL);
    if (dm) {
        double theta = -av_display_rotation_get((const int32_t *)dm);
        if (!isnan(theta)) {
            theta = round(theta);
            theta -= 360 * floor(theta / 360 + 0.9 / 360);
            s->rot = (int)(lround(theta / 90.0) * 90) % 360;
        }
    }
    s->sw = (s->rot == 90 || s->rot == 270) ? s->h : s->w;
    s->sh = (s->rot == 90 || s->rot == 270) ? s->w : s->h;
    if (st->avg_frame_rate.num > 0 && st->avg_frame_rate.den > 0)
        s->fps_native = av_q2d(st->avg_frame_rate);

    {
        const AVPixFmtDescriptor *d = av_pix_fmt_desc_get(s->fmt);
        enum AVColorSpace cs = st->codecpar->color_space;
        if (!d)
            die("source %s: unknown pixel format", path);
        s->bits = d->comp[0].depth;
        s->is_rgb = !!(d->flags & AV_PIX_FMT_FLAG_RGB);
        if (cs == AVCOL_SPC_BT709)
            s->m = M709;
        else if (cs == AVCOL_SPC_BT470BG || cs == AVCOL_SPC_SMPTE170M)
            s->m = M601;
        else if (cs == AVCOL_SPC_BT2020_NCL)
            s->m = M2020;
        else
            s->m = s->h >= 720 ? M709 : M601;
        s->full = st->codecpar->color_range == AVCOL_RANGE_JPEG || s->fmt == AV_PIX_FMT_YUVJ420P ||
                  s->fmt == AV_PIX_FMT_YUVJ422P || s->fmt == AV_PIX_FMT_YUVJ444P;
        s->chroma_loc = st->codecpar->chroma_location;
    }

    {
        int as = av_find_best_stream(fc, AVMEDIA_TYPE_AUDIO, -1, -1, NULL, 0);
        s->has_audio = as >= 0;
    }

    s->pts = xcalloc((size_t)cap, sizeof(int64_t));
    pkt = av_packet_alloc();
    while (av_read_frame(fc, pkt) >= 0) {
        if (pkt->stream_index == vs && !(pkt->flags & AV_PKT_FLAG_DISCARD)) {
            int64_t t = pkt->pts != AV_NOPTS_VALUE ? pkt->pts : pkt->dts;
            if (t != AV_NOPTS_VALUE) {
                if (s->npts == cap) {
                    int64_t *np = realloc(s->pts, sizeof(int64_t) * cap * 2);
                    if (!np)
                        die("out of memory");
                    s->pts = np;
                    cap *= 2;
                }
                s->pts[s->npts++] = t;
                if (pkt->duration > 0 && t + pkt->duration > maxend)
                    maxend = t + pkt->duration;
            }
        }
        av_packet_unref(pkt);
    }
    av_packet_free(&pkt);
    if (s->npts == 0)
        die("no video frames in %s", path);
    qsort(s->pts, (size_t)s->npts, sizeof(int64_t), cmp_i64);
    s->pts0 = s->pts[0];
    {
        int64_t last = s->pts[s->npts - 1], end;
        if (maxend > last) {
            end = maxend;
        } else if (s->npts > 1) {
            /* no packet durations: the last frame lasts as long as the one before it */
            end = last + (last - s->pts[s->npts - 2]);
        } else {
            end = last + (s->fps_native > 0 ? (int64_t)llround(1.0 / s->fps_native / av_q2d(s->tb)) : 0);
        }
        s->dur = (end - s->pts0) * av_q2d(s->tb);
        if (st->duration != AV_NOPTS_VALUE && g_verbose)
            note("source %s: duration from packets %.6f s, stream header %.6f s", path, s->dur,
                 st->duration * av_q2d(st->time_base));
    }
    avformat_close_input(&fc);
}

/* ---- timeline and zoom, from the project format's rules ---- */

/* Output duration of the timeline over a recording of dur seconds. */
static double timeline_duration(const Project *p, double dur)
{
    if (!p->nsegs)
        return dur;
    double out = 0;
    for (int i = 0; i < p->nsegs; i++) {
        double e = p->segs[i].end < 0 || p->segs[i].end > dur ? dur : p->segs[i].end;
        out += (e - p->segs[i].start) / p->segs[i].speed;
    }
    return out;
}

/* Recording time shown at output time t. */
static double timeline_map(const Project *p, double dur, double t)
{
    if (!p->nsegs)
        return t;
    double out = 0;
    for (int i = 0; i < p->nsegs; i++) {
        double e = p->segs[i].end < 0 || p->segs[i].end > dur ? dur : p->segs[i].end;
        double len = (e - p->segs[i].start) / p->segs[i].speed;
        if (t < out + len - 1e-9 || i == p->nsegs - 1)
            return p->segs[i].start + (t - out) * p->segs[i].speed;
        out += len;
    }
    return t;
}

static double ease_of(const Zoom *z, double a)
{
    a = clampd(a, 0, 1);
    if (z->ease == EASE_LINEAR)
        return a;
    if (z->ease == EASE_INOUT)
        return a < 0.5 ? 4 * a * a * a : 1 - pow(2 - 2 * a, 3) / 2;
    /* unit step response of x'' = k (1 - x) - c x', normalised to end at 1 */
    double w = sqrt(z->stiffness), zeta = z->damping / (2 * w), T = z->transition, r[2];
    for (int k = 0; k < 2; k++) {
        double t = (k ? 1 : a) * T;
        if (zeta >= 1) {
            r[k] = 1 - (1 + w * t) * exp(-w * t);
        } else {
            double wd = w * sqrt(1 - zeta * zeta);
            r[k] = 1 - exp(-zeta * w * t) * (cos(wd * t) + zeta * w / wd * sin(wd * t));
        }
    }
    return r[0] / r[1];
}

/* The part of the recording (x, y, w, h) shown at recording time t; 0 if it cannot be
 * predicted here (a cursor-following zoom). */
static int zoom_view(const Project *p, double sw, double sh, double t, double v[4])
{
    v[0] = v[1] = 0, v[2] = sw, v[3] = sh;
    for (int i = 0; i < p->nzooms; i++) {
        const Zoom *z = &p->zooms[i];
        if (t < z->start - z->transition || t > z->end + z->transition)
            continue;
        if (z->mode == ZOOM_FOLLOW)
            return 0;
        double e = 1;
        if (t < z->start && z->transition > 0)
            e = ease_of(z, (t - z->start + z->transition) / z->transition);
        else if (t > z->end && z->transition > 0)
            e = ease_of(z, (z->end + z->transition - t) / z->transition);
        double cx, cy, w, h;
        if (z->mode == ZOOM_RECT) {
            w = z->w, h = z->h;
            if (w / h < sw / sh)
                w = h * sw / sh;
            else
                h = w * sh / sw;
            cx = z->x + z->w / 2, cy = z->y + z->h / 2;
        } else {
            w = sw / z->scale, h = sh / z->scale, cx = z->cx, cy = z->cy;
        }
        w = fmin(w, sw), h = fmin(h, sh);
        double x = clampd(cx - w / 2, 0, sw - w), y = clampd(cy - h / 2, 0, sh - h);
        v[0] = e * x, v[1] = e * y, v[2] = sw + e * (w - sw), v[3] = sh + e * (h - sh);
        return 1;
    }
    return 1;
}

/* index of the source frame shown at recording time ts */
static int source_frame_at_time(const Source *s, double ts)
{
    int lo = 0, hi = s->npts - 1;
    while (lo < hi) {
        int mid = (lo + hi + 1) / 2;
        if ((s->pts[mid] - s->pts0) * av_q2d(s->tb) <= ts + 1e-6)
            lo = mid;
        else
            hi = mid - 1;
    }
    return lo;
}

/* index of the source frame shown at t = n / fps */
static int source_frame_at(const Source *s, int64_t n, AVRational fpsq)
{
    int lo = 0, hi = s->npts - 1;
    AVRational tq = { fpsq.den, fpsq.num };
    while (lo < hi) {
        int mid = (lo + hi + 1) / 2;
        if (av_compare_ts(s->pts[mid] - s->pts0, s->tb, n, tq) <= 0)
            lo = mid;
        else
            hi = mid - 1;
    }
    return lo;
}

/* Decoded source frame as double planes (8-bit code scale of its own range), rotated. */
typedef struct SrcFrame {
    int index;
    int64_t pts;
    Plane p[3];
    int rgb_converted; /* planes already in output Y'CbCr */
} SrcFrame;

typedef struct SrcDecode {
    Source *s;
    int n;
    int want[MAX_SAMPLES * 5];
    SrcFrame *out[MAX_SAMPLES * 5];
    int maxwant;
    Matrix outm;
} SrcDecode;

static void frame_to_planes(const Source *s, const AVFrame *f, SrcFrame *sf, Matrix outm)
{
    const AVPixFmtDescriptor *d = av_pix_fmt_desc_get(f->format);
    int w = f->width, h = f->height;
    uint32_t *line = xcalloc((size_t)w, sizeof(uint32_t));
    if (!d)
        die("source: unknown frame format");
    if (d->flags & AV_PIX_FMT_FLAG_RGB) {
        /* RGB source: convert to output Y'CbCr at full resolution */
        int bits = d->comp[0].depth;
        double maxv = (double)((1 << bits) - 1);
        Plane *p = sf->p;
        double *comp[3];
        for (int c = 0; c < 3; c++) {
            plane_alloc(&p[c], w, h);
            p[c].sx = p[c].sy = 1;
            comp[c] = xcalloc((size_t)w, sizeof(double));
        }
        for (int y = 0; y < h; y++) {
            for (int c = 0; c < 3; c++) {
                av_read_image_line2(line, (const uint8_t **)f->data, f->linesize, d, 0, y, c, w, 0, 4);
                for (int x = 0; x < w; x++)
                    comp[c][x] = line[x] / maxv;
            }
            for (int x = 0; x < w; x++) {
                /* descriptor component order for RGB formats is R, G, B */
                double rgb[3] = { comp[0][x], comp[1][x], comp[2][x] }, yuv[3];
                rgb_to_yuv(outm, rgb, yuv);
                for (int c = 0; c < 3; c++)
                    p[c].d[(size_t)y * w + x] = yuv[c];
            }
        }
        for (int c = 0; c < 3; c++)
            free(comp[c]);
        sf->rgb_converted = 1;
    } else {
        int cw = AV_CEIL_RSHIFT(w, d->log2_chroma_w), ch = AV_CEIL_RSHIFT(h, d->log2_chroma_h);
        int full = s->full || f->color_range == AVCOL_RANGE_JPEG;
        for (int c = 0; c < 3; c++) {
            Plane *p = &sf->p[c];
            int pw = c ? cw : w, ph = c ? ch : h, bits = d->comp[c].depth;
            double scale = full ? 255.0 / ((1 << bits) - 1) : 1.0 / (1 << (bits - 8));
            plane_alloc(p, pw, ph);
            p->sx = p->sy = 1;
            if (c) {
                p->sx = 1 << d->log2_chroma_w;
                p->sy = 1 << d->log2_chroma_h;
                /* chroma siting: left (default for H.264), centre, top-left */
                int loc = f->chroma_location != AVCHROMA_LOC_UNSPECIFIED ? (int)f->chroma_location
                                                                        : s->chroma_loc;
                double ox = 0, oy = 0;
                if (d->log2_chroma_h)
                    oy = 0.5;
                if (loc == AVCHROMA_LOC_CENTER && d->log2_chroma_w)
                    ox = 0.5;
                if (loc == AVCHROMA_LOC_TOPLEFT || loc == AVCHROMA_LOC_TOP)
                    oy = 0;
                if (loc == AVCHROMA_LOC_TOP && d->log2_chroma_w)
                    ox = 0.5;
                p->ox = ox;
                p->oy = oy;
            }
            for (int y = 0; y < ph; y++) {
                av_read_image_line2(line, (const uint8_t **)f->data, f->linesize, d, 0, y, c, pw, 0, 4);
                for (int x = 0; x < pw; x++)
                    p->d[(size_t)y * pw + x] = line[x] * scale;
            }
            if (d->nb_components < 3 && c > 0) /* grey */
                for (size_t i = 0; i < (size_t)pw * ph; i++)
                    p->d[i] = 128;
        }
    }
    free(line);
    for (int c = 0; c < 3; c++)
        plane_rotate(&sf->p[c], s->rot, w, h);
}

static int src_decode_cb(void *opaque, AVFrame *f, int64_t index)
{
    SrcDecode *sd = opaque;
    for (int i = 0; i < sd->n; i++) {
        if (sd->want[i] == index && !sd->out[i]) {
            SrcFrame *sf = xcalloc(1, sizeof(*sf));
            sf->index = (int)index;
            sf->pts = f->best_effort_timestamp;
            frame_to_planes(sd->s, f, sf, sd->outm);
            sd->out[i] = sf;
            if (sf->pts != AV_NOPTS_VALUE && index < sd->s->npts && sf->pts != sd->s->pts[index])
                note("warning: decoded source frame %d has pts %" PRId64 ", expected %" PRId64,
                     (int)index, sf->pts, sd->s->pts[index]);
        }
    }
    return index >= sd->maxwant;
}

/* ------------------------------------------------------------------------------------------ */
/* geometry */

typedef struct Layout {
    int W, H;
    int x, y, rw, rh;
    double r;
    Matrix m;
} Layout;

/* signed distance from point (px, py) to the rounded rectangle (x, y, w, h, r) */
static double rrect_sd(double px, double py, double x, double y, double w, double h, double r)
{
    double cx = x + w * 0.5, cy = y + h * 0.5;
    double qx = fabs(px - cx) - (w * 0.5 - r), qy = fabs(py - cy) - (h * 0.5 - r);
    double mx = qx > 0 ? qx : 0, my = qy > 0 ? qy : 0;
    double in = qx > qy ? qx : qy;
    if (in > 0)
        in = 0;
    return sqrt(mx * mx + my * my) + in - r;
}

static double cov_of(double d)
{
    return clampd(0.5 - d, 0.0, 1.0);
}

static double sd_luma(const Layout *L, int i, int j)
{
    return rrect_sd(i + 0.5, j + 0.5, L->x, L->y, L->rw, L->rh, L->r);
}

static double sd_chroma(const Layout *L, int i, int j)
{
    return rrect_sd(2 * i + 0.5, 2 * j + 1.0, L->x, L->y, L->rw, L->rh, L->r);
}

/* ------------------------------------------------------------------------------------------ */
/* background layer */

typedef struct Background {
    double *Y;       /* W x H */
    double *U, *V;   /* W/2 x H/2 */
} Background;

static void gradient_rgb(const Project *p, double t, double out[3])
{
    const Stop *s = p->stops;
    int n = p->nstops;
    if (t <= s[0].at) {
        memcpy(out, s[0].rgb, sizeof(double) * 3);
        return;
    }
    if (t >= s[n - 1].at) {
        memcpy(out, s[n - 1].rgb, sizeof(double) * 3);
        return;
    }
    for (int k = 0; k < n - 1; k++) {
        if (t >= s[k].at && t < s[k + 1].at) {
            double span = s[k + 1].at - s[k].at;
            double f = span > 0 ? (t - s[k].at) / span : 1.0;
            for (int c = 0; c < 3; c++)
                out[c] = s[k].rgb[c] + f * (s[k + 1].rgb[c] - s[k].rgb[c]);
            return;
        }
    }
    memcpy(out, s[n - 1].rgb, sizeof(double) * 3);
}

/* image background: R'G'B' 0..1 planes, cover-fitted to W x H */
static void image_background(const char *path, int W, int H, double *rgbout[3])
{
    AVFormatContext *fc = open_media(path);
    AVCodecContext *c = NULL;
    AVPacket *pkt = av_packet_alloc();
    AVFrame *f = av_frame_alloc(), *rgb = av_frame_alloc();
    struct SwsContext *sws;
    int got = 0;
    if (!fc)
        die("cannot open background image %s", path);
    c = open_decoder(fc->streams[0], 1);
    if (!c)
        die("cannot decode background image %s", path);
    while (!got && av_read_frame(fc, pkt) >= 0) {
        if (avcodec_send_packet(c, pkt) >= 0 && avcodec_receive_frame(c, f) >= 0)
            got = 1;
        av_packet_unref(pkt);
    }
    if (!got) {
        avcodec_send_packet(c, NULL);
        if (avcodec_receive_frame(c, f) >= 0)
            got = 1;
    }
    if (!got)
        die("no picture in %s", path);
    int iw = f->width, ih = f->height;
    /* exact RGB(A) to 16-bit-per-component RGBA, no resampling */
    rgb->format = AV_PIX_FMT_RGBA64;
    rgb->width = iw;
    rgb->height = ih;
    if (av_frame_get_buffer(rgb, 0) < 0)
        die("out of memory");
    sws = sws_getContext(iw, ih, f->format, iw, ih, AV_PIX_FMT_RGBA64, SWS_POINT | SWS_ACCURATE_RND | SWS_BITEXACT,
                         NULL, NULL, NULL);
    if (!sws)
        die("cannot convert %s", path);
    sws_scale(sws, (const uint8_t *const *)f->data, f->linesize, 0, ih, rgb->data, rgb->linesize);
    sws_freeContext(sws);

    Plane pl[3];
    for (int k = 0; k < 3; k++) {
        plane_alloc(&pl[k], iw, ih);
        pl[k].sx = pl[k].sy = 1;
    }
    for (int y = 0; y < ih; y++) {
        const uint16_t *row = (const uint16_t *)(rgb->data[0] + (size_t)y * rgb->linesize[0]);
        for (int x = 0; x < iw; x++) {
            double a = row[4 * x + 3] / 65535.0;
            for (int k = 0; k < 3; k++) /* transparent areas over black */
                pl[k].d[(size_t)y * iw + x] = row[4 * x + k] / 65535.0 * a;
        }
    }
    /* cover fit: scale s, centred; output pixel i reads (i + 0.5 - off)/s - 0.5 */
    double s = fmax((double)W / iw, (double)H / ih);
    double offx = (W - iw * s) / 2.0, offy = (H - ih * s) / 2.0;
    Weights wx, wy;
    weights_make(&wx, W, 1.0 / s, (0.5 - offx) / s - 0.5, iw);
    weights_make(&wy, H, 1.0 / s, (0.5 - offy) / s - 0.5, ih);
    for (int k = 0; k < 3; k++) {
        resample(&pl[k], &wx, &wy, rgbout[k]);
        plane_free(&pl[k]);
    }
    weights_free(&wx);
    weights_free(&wy);
    av_frame_free(&f);
    av_frame_free(&rgb);
    av_packet_free(&pkt);
    avcodec_free_context(&c);
    avformat_close_input(&fc);
}

/* Gaussian shadow alpha (0..1, before opacity) for the whole output: the rounded rectangle
 * moved by the offset, its coverage blurred separably with sigma = blur/2. Mask rows that are
 * equal are blurred once and spread vertically with the cumulative kernel. */
static double *shadow_alpha(const Layout *L, const Project *p)
{
    int W = L->W, H = L->H;
    double sigma = p->sh_blur / 2.0;
    int R = sigma > 0 ? (int)ceil(4.0 * sigma) : 0;
    int nk = 2 * R + 1;
    double *g = xcalloc((size_t)nk, sizeof(double)), *C = xcalloc((size_t)nk + 1, sizeof(double));
    double *S = xcalloc((size_t)W * H, sizeof(double));
    double sx = L->x + p->sh_ox, sy = L->y + p->sh_oy;
    double sum = 0;

    if (R == 0) {
        g[0] = 1;
    } else {
        for (int k = -R; k <= R; k++) { /* pixel-integrated Gaussian */
            g[k + R] = 0.5 * (erf((k + 0.5) / (sigma * sqrt(2.0))) - erf((k - 0.5) / (sigma * sqrt(2.0))));
            sum += g[k + R];
        }
        for (int k = 0; k < nk; k++)
            g[k] /= sum;
    }
    C[0] = 0; /* C[m] = sum of g[0..m-1] */
    for (int k = 0; k < nk; k++)
        C[k + 1] = C[k] + g[k];

    /* the mask spans the canvas and R samples beyond it on each side: the shape outside the
     * frame still casts shadow into it */
    int We = W + 2 * R;
    double *mrow = xcalloc((size_t)We, sizeof(double)), *prev = xcalloc((size_t)We, sizeof(double));
    double *trow = xcalloc((size_t)W, sizeof(double));
    int group_start = 0, have_prev = 0;
    /* rows j in [jlo, jhi] can be non-zero */
    int jlo = (int)floor(sy) - 2, jhi = (int)ceil(sy + L->rh) + 2;
    if (jlo < -R)
        jlo = -R;
    if (jhi > H - 1 + R)
        jhi = H - 1 + R;

    for (int j = jlo; j <= jhi + 1; j++) {
        int same = 0;
        if (j <= jhi) {
            for (int e = 0; e < We; e++)
                mrow[e] = cov_of(rrect_sd(e - R + 0.5, j + 0.5, sx, sy, L->rw, L->rh, L->r));
            same = have_prev && !memcmp(mrow, prev, sizeof(double) * We);
        }
        if (have_prev && !same) {
            /* flush group [group_start, j-1] with mask row prev */
            int a = group_start, b = j - 1, any = 0;
            for (int e = 0; e < We; e++)
                if (prev[e] != 0) {
                    any = 1;
                    break;
                }
            if (any) {
                for (int i = 0; i < W; i++) {
                    double s = 0;
                    for (int k = -R; k <= R; k++)
                        s += g[k + R] * prev[i - k + R];
                    trow[i] = s;
                }
                for (int jj = a - R; jj <= b + R; jj++) {
                    if (jj < 0 || jj >= H)
                        continue;
                    /* sum of g(jj - l) for l in [a, b] = g index (jj-l+R) in [jj-b+R, jj-a+R] */
                    int k0 = jj - b + R, k1 = jj - a + R;
                    if (k0 < 0)
                        k0 = 0;
                    if (k1 > nk - 1)
                        k1 = nk - 1;
                    if (k1 < k0)
                        continue;
                    double wv = C[k1 + 1] - C[k0];
                    double *dst = S + (size_t)jj * W;
                    for (int i = 0; i < W; i++)
                        dst[i] += wv * trow[i];
                }
            }
        }
        if (j > jhi)
            break;
        if (!have_prev || !same) {
            group_start = j;
            memcpy(prev, mrow, sizeof(double) * We);
            have_prev = 1;
        }
    }
    free(mrow);
    free(prev);
    free(trow);
    free(g);
    free(C);
    return S;
}

static void background_build(const Layout *L, const Project *p, Background *bg)
{
    int W = L->W, H = L->H, CW = W / 2, CH = H / 2;
    double *rgb[3] = { NULL, NULL, NULL };
    double *S = NULL;
    bg->Y = xcalloc((size_t)W * H, sizeof(double));
    bg->U = xcalloc((size_t)CW * CH, sizeof(double));
    bg->V = xcalloc((size_t)CW * CH, sizeof(double));
    if (p->bg_type == BG_IMAGE) {
        for (int k = 0; k < 3; k++)
            rgb[k] = xcalloc((size_t)W * H, sizeof(double));
        image_background(p->bg_image, W, H, rgb);
    }
    if (p->shadow && p->sh_op > 0)
        S = shadow_alpha(L, p);

    double a = p->angle * VX_PI / 180.0;
    double dx = sin(a), dy = -cos(a);
    double glen = fabs(W * sin(a)) + fabs(H * cos(a));
    double *u2 = xcalloc((size_t)W * 2, sizeof(double)), *v2 = xcalloc((size_t)W * 2, sizeof(double));

    for (int j = 0; j < H; j++) {
        double *ur = u2 + (size_t)(j & 1) * W, *vr = v2 + (size_t)(j & 1) * W;
        for (int i = 0; i < W; i++) {
            double c[3], yuv[3];
            size_t o = (size_t)j * W + i;
            if (p->bg_type == BG_SOLID) {
                memcpy(c, p->bg_rgb, sizeof(c));
            } else if (p->bg_type == BG_GRADIENT) {
                double t = ((i + 0.5 - W / 2.0) * dx + (j + 0.5 - H / 2.0) * dy) / glen + 0.5;
                gradient_rgb(p, t, c);
            } else {
                /* an RGB picture: the ringing of the scaler is clipped to what it can hold */
                for (int k = 0; k < 3; k++)
                    c[k] = clampd(rgb[k][o], 0.0, 1.0) * 255.0;
            }
            if (S) {
                double al = S[o] * p->sh_op;
                for (int k = 0; k < 3; k++)
                    c[k] = c[k] * (1.0 - al) + p->sh_rgb[k] * al;
            }
            for (int k = 0; k < 3; k++)
                c[k] /= 255.0;
            rgb_to_yuv(L->m, c, yuv);
            bg->Y[o] = yuv[0];
            ur[i] = yuv[1];
            vr[i] = yuv[2];
        }
        if (j & 1) {
            int cj = j / 2;
            if (cj >= CH)
                continue;
            for (int ci = 0; ci < CW; ci++) {
                int xm = 2 * ci - 1 < 0 ? 0 : 2 * ci - 1, x0 = 2 * ci, xp = 2 * ci + 1 >= W ? W - 1 : 2 * ci + 1;
                double su = 0, sv = 0;
                for (int r = 0; r < 2; r++) {
                    const double *uu = u2 + (size_t)r * W, *vv = v2 + (size_t)r * W;
                    su += (uu[xm] + 2 * uu[x0] + uu[xp]) / 4.0;
                    sv += (vv[xm] + 2 * vv[x0] + vv[xp]) / 4.0;
                }
                bg->U[(size_t)cj * CW + ci] = su / 2;
                bg->V[(size_t)cj * CW + ci] = sv / 2;
            }
        }
    }
    free(u2);
    free(v2);
    free(S);
    for (int k = 0; k < 3; k++)
        free(rgb[k]);
}

static void background_free(Background *bg)
{
    free(bg->Y);
    free(bg->U);
    free(bg->V);
}

/* ------------------------------------------------------------------------------------------ */
/* the expected frame */

typedef struct RefFrame {
    double *Y, *U, *V;  /* W x H, W/2 x H/2: composed */
    double *sY, *sU, *sV; /* screen alone over the rectangle's bounding area (NaN elsewhere) */
} RefFrame;

static void ref_free(RefFrame *r)
{
    free(r->Y);
    free(r->U);
    free(r->V);
    free(r->sY);
    free(r->sU);
    free(r->sV);
}

/* chroma sites moved by this many output luma samples (the chroma siting check only) */
static double g_cdx, g_cdy;
/* the part of the recording shown in the screen rectangle (zoom); w = 0: all of it */
static double g_view[4];

static void ref_build(const Layout *L, const Source *s, const Background *bg, const SrcFrame *sf, RefFrame *rf);

/* Motion blur, from the project format's rule: the screen drawn at views sampled over a
 * shutter of `shutter` seconds of recording time centred on ts, n samples (the largest move
 * of a view edge between the shutter's ends, in output pixels, rounded up, 1..16) at
 * ts + shutter * ((k + 0.5) / n - 0.5), averaged with equal weights. Sets g_view to the
 * centre view. */
static void ref_build_blurred(const Layout *L, const Source *s, const Background *bg, const SrcFrame *sf,
                              const Project *pj, double ts, double shutter, RefFrame *rf, int64_t frame)
{
    int n = 1;
    if (shutter > 0) {
        double a[4], b[4];
        zoom_view(pj, s->sw, s->sh, ts - shutter / 2, a);
        zoom_view(pj, s->sw, s->sh, ts + shutter / 2, b);
        const double kx = L->rw / fmin(a[2], b[2]), ky = L->rh / fmin(a[3], b[3]);
        double d = fmax(fmax(fabs(a[0] - b[0]) * kx, fabs(a[0] + a[2] - b[0] - b[2]) * kx),
                        fmax(fabs(a[1] - b[1]) * ky, fabs(a[1] + a[3] - b[1] - b[3]) * ky));
        n = (int)fmin(fmax(ceil(d), 1), 16);
    }
    double centre[4];
    memcpy(centre, g_view, sizeof(centre));
    if (n == 1) {
        ref_build(L, s, bg, sf, rf);
        return;
    }
    note("frame %" PRId64 ": motion blur, %d views averaged", frame, n);
    const size_t ny = (size_t)L->W * L->H, nc = (size_t)(L->W / 2) * (L->H / 2);
    for (int k = 0; k < n; k++) {
        RefFrame r;
        zoom_view(pj, s->sw, s->sh, ts + shutter * ((k + 0.5) / n - 0.5), g_view);
        ref_build(L, s, bg, sf, &r);
        if (k == 0) {
            *rf = r;
            continue;
        }
        for (size_t i = 0; i < ny; i++)
            rf->Y[i] += r.Y[i], rf->sY[i] += r.sY[i];
        for (size_t i = 0; i < nc; i++)
            rf->U[i] += r.U[i], rf->V[i] += r.V[i], rf->sU[i] += r.sU[i], rf->sV[i] += r.sV[i];
        ref_free(&r);
    }
    for (size_t i = 0; i < ny; i++)
        rf->Y[i] /= n, rf->sY[i] /= n;
    for (size_t i = 0; i < nc; i++)
        rf->U[i] /= n, rf->V[i] /= n, rf->sU[i] /= n, rf->sV[i] /= n;
    memcpy(g_view, centre, sizeof(centre));
}

static void ref_build(const Layout *L, const Source *s, const Background *bg, const SrcFrame *sf, RefFrame *rf)
{
    int W = L->W, H = L->H, CW = W / 2, CH = H / 2;
    int rw = L->rw, rh = L->rh;
    const double vx = g_view[2] > 0 ? g_view[0] : 0, vy = g_view[2] > 0 ? g_view[1] : 0;
    double fx = (g_view[2] > 0 ? g_view[2] : s->sw) / rw, fy = (g_view[2] > 0 ? g_view[3] : s->sh) / rh;
    Matrix sm = s->m;
    int conv = !sf->rgb_converted && (!matrix_eq(sm, L->m) || s->full);
    const Plane *P = sf->p;

    rf->Y = xcalloc((size_t)W * H, sizeof(double));
    rf->U = xcalloc((size_t)CW * CH, sizeof(double));
    rf->V = xcalloc((size_t)CW * CH, sizeof(double));
    rf->sY = xcalloc((size_t)W * H, sizeof(double));
    rf->sU = xcalloc((size_t)CW * CH, sizeof(double));
    rf->sV = xcalloc((size_t)CW * CH, sizeof(double));
    for (size_t i = 0; i < (size_t)W * H; i++)
        rf->sY[i] = NAN;
    for (size_t i = 0; i < (size_t)CW * CH; i++)
        rf->sU[i] = rf->sV[i] = NAN;

    /* luma sites of the rectangle: local u in [0, rw): source luma position (u+0.5)*fx-0.5 */
    double *ly = xcalloc((size_t)rw * rh, sizeof(double));
    double *lu = NULL, *lv = NULL;
    {
        Weights wx, wy;
        weights_make(&wx, rw, fx, vx + 0.5 * fx - 0.5, P[0].w);
        weights_make(&wy, rh, fy, vy + 0.5 * fy - 0.5, P[0].h);
        resample(&P[0], &wx, &wy, ly);
        weights_free(&wx);
        weights_free(&wy);
        if (conv) {
            lu = xcalloc((size_t)rw * rh, sizeof(double));
            lv = xcalloc((size_t)rw * rh, sizeof(double));
            for (int c = 1; c <= 2; c++) {
                const Plane *pc = &P[c];
                weights_make(&wx, rw, fx / pc->sx, (vx + 0.5 * fx - 0.5 - pc->ox) / pc->sx, pc->w);
                weights_make(&wy, rh, fy / pc->sy, (vy + 0.5 * fy - 0.5 - pc->oy) / pc->sy, pc->h);
                resample(pc, &wx, &wy, c == 1 ? lu : lv);
                weights_free(&wx);
                weights_free(&wy);
            }
        }
    }
    /* chroma sites: output chroma column ic at local luma u = 2ic - x; row jc at v = 2jc + 0.5 - y */
    int ic0 = L->x / 2 - 1, ic1 = (L->x + rw + 1) / 2 + 1, jc0 = L->y / 2 - 1, jc1 = (L->y + rh + 1) / 2 + 1;
    if (ic0 < 0)
        ic0 = 0;
    if (jc0 < 0)
        jc0 = 0;
    if (ic1 > CW)
        ic1 = CW;
    if (jc1 > CH)
        jc1 = CH;
    int ncw = ic1 - ic0, nch = jc1 - jc0;
    double *cu = xcalloc((size_t)ncw * nch, sizeof(double)), *cv = xcalloc((size_t)ncw * nch, sizeof(double));
    double *cy = NULL;
    {
        /* source luma X = (u + 0.5)*fx - 0.5 with u = 2ic - x  => X = 2fx*ic + (0.5 - x)*fx - 0.5 */
        double ax = 2 * fx, bx = vx + (0.5 + 2 * ic0 - L->x + g_cdx) * fx - 0.5;
        double ay = 2 * fy, by = vy + (0.5 + 0.5 + 2 * jc0 - L->y + g_cdy) * fy - 0.5;
        for (int c = 1; c <= 2; c++) {
            const Plane *pc = &P[c];
            Weights wx, wy;
            weights_make(&wx, ncw, ax / pc->sx, (bx - pc->ox) / pc->sx, pc->w);
            weights_make(&wy, nch, ay / pc->sy, (by - pc->oy) / pc->sy, pc->h);
            resample(pc, &wx, &wy, c == 1 ? cu : cv);
            weights_free(&wx);
            weights_free(&wy);
        }
        if (conv) {
            Weights wx, wy;
            cy = xcalloc((size_t)ncw * nch, sizeof(double));
            weights_make(&wx, ncw, ax, bx, P[0].w);
            weights_make(&wy, nch, ay, by, P[0].h);
            resample(&P[0], &wx, &wy, cy);
            weights_free(&wx);
            weights_free(&wy);
        }
    }
    if (conv) {
        for (size_t i = 0; i < (size_t)rw * rh; i++) {
            double in[3] = { ly[i], lu[i], lv[i] }, rgb[3], out[3];
            yuv_to_rgb(sm, s->full, in, rgb);
            rgb_to_yuv(L->m, rgb, out);
            ly[i] = out[0];
        }
        for (size_t i = 0; i < (size_t)ncw * nch; i++) {
            double in[3] = { cy[i], cu[i], cv[i] }, rgb[3], out[3];
            yuv_to_rgb(sm, s->full, in, rgb);
            rgb_to_yuv(L->m, rgb, out);
            cu[i] = out[1];
            cv[i] = out[2];
        }
    }

    /* the scaled screen is clipped to the 8-bit range before it is blended
     * (docs/project-format.md): the cubic's overshoot at sharp text cannot be stored */
    for (size_t i = 0; i < (size_t)rw * rh; i++)
        ly[i] = clampd(ly[i], 0, 255);
    for (size_t i = 0; i < (size_t)ncw * nch; i++) {
        cu[i] = clampd(cu[i], 0, 255);
        cv[i] = clampd(cv[i], 0, 255);
    }

    /* compose */
    for (int j = 0; j < H; j++) {
        for (int i = 0; i < W; i++) {
            size_t o = (size_t)j * W + i;
            double cov = 0;
            int u = i - L->x, v = j - L->y;
            if (u >= 0 && u < rw && v >= 0 && v < rh) {
                cov = cov_of(sd_luma(L, i, j));
                rf->sY[o] = ly[(size_t)v * rw + u];
            }
            rf->Y[o] = cov > 0 ? cov * rf->sY[o] + (1 - cov) * bg->Y[o] : bg->Y[o];
        }
    }
    for (int j = 0; j < CH; j++) {
        for (int i = 0; i < CW; i++) {
            size_t o = (size_t)j * CW + i;
            double cov = 0;
            if (i >= ic0 && i < ic1 && j >= jc0 && j < jc1) {
                size_t q = (size_t)(j - jc0) * ncw + (i - ic0);
                cov = cov_of(sd_chroma(L, i, j));
                rf->sU[o] = cu[q];
                rf->sV[o] = cv[q];
            }
            rf->U[o] = cov > 0 ? cov * rf->sU[o] + (1 - cov) * bg->U[o] : bg->U[o];
            rf->V[o] = cov > 0 ? cov * rf->sV[o] + (1 - cov) * bg->V[o] : bg->V[o];
        }
    }
    free(ly);
    free(lu);
    free(lv);
    free(cu);
    free(cv);
    free(cy);
}

/* ------------------------------------------------------------------------------------------ */
/* output */

typedef struct OutFrame {
    int64_t index;
    int64_t pts;
    int w, h;
    uint8_t *p[3];
} OutFrame;

typedef struct OutDecode {
    int64_t count;
    int64_t *pts;
    int cap;
    int nwant;
    int64_t want[MAX_SAMPLES];
    OutFrame *frames[MAX_SAMPLES];
    int keep_all_cap;
    /* first frame's tags */
    int got_tags;
    enum AVColorPrimaries prim;
    enum AVColorTransferCharacteristic trc;
    enum AVColorSpace spc;
    enum AVColorRange range;
    enum AVChromaLocation loc;
    enum AVPixelFormat fmt;
    int badfmt;
} OutDecode;

static int out_decode_cb(void *opaque, AVFrame *f, int64_t index)
{
    OutDecode *od = opaque;
    if (od->count == od->cap) {
        int64_t *np = realloc(od->pts, sizeof(int64_t) * (od->cap ? od->cap * 2 : 1024));
        if (!np)
            die("out of memory");
        od->pts = np;
        od->cap = od->cap ? od->cap * 2 : 1024;
    }
    od->pts[od->count++] = f->best_effort_timestamp;
    if (!od->got_tags) {
        od->got_tags = 1;
        od->prim = f->color_primaries;
        od->trc = f->color_trc;
        od->spc = f->colorspace;
        od->range = f->color_range;
        od->loc = f->chroma_location;
        od->fmt = f->format;
    }
    if (f->format != AV_PIX_FMT_YUV420P)
        od->badfmt = 1;
    for (int i = 0; i < od->nwant; i++) {
        if (od->want[i] == index && !od->frames[i] && f->format == AV_PIX_FMT_YUV420P) {
            OutFrame *of = xcalloc(1, sizeof(*of));
            of->index = index;
            of->pts = f->best_effort_timestamp;
            of->w = f->width;
            of->h = f->height;
            for (int c = 0; c < 3; c++) {
                int pw = c ? (f->width + 1) / 2 : f->width, ph = c ? (f->height + 1) / 2 : f->height;
                of->p[c] = xcalloc((size_t)pw * ph, 1);
                for (int y = 0; y < ph; y++)
                    memcpy(of->p[c] + (size_t)y * pw, f->data[c] + (size_t)y * f->linesize[c], (size_t)pw);
            }
            od->frames[i] = of;
        }
    }
    return 0;
}

/* MP4 'colr' box of the first video track, found by walking the boxes */
typedef struct Colr {
    int found;
    int prim, trc, matrix, full;
    int moov_before_mdat;
} Colr;

static int read_u32(FILE *f, uint32_t *v)
{
    unsigned char b[4];
    if (fread(b, 1, 4, f) != 4)
        return -1;
    *v = ((uint32_t)b[0] << 24) | ((uint32_t)b[1] << 16) | ((uint32_t)b[2] << 8) | b[3];
    return 0;
}

static void scan_colr(const unsigned char *buf, size_t n, Colr *c)
{
    /* look for the first "colr" box of type nclx inside a video sample entry */
    for (size_t i = 4; i + 15 <= n; i++) {
        if (memcmp(buf + i, "colr", 4) || memcmp(buf + i + 4, "nclx", 4))
            continue;
        uint32_t sz = ((uint32_t)buf[i - 4] << 24) | ((uint32_t)buf[i - 3] << 16) | ((uint32_t)buf[i - 2] << 8) | buf[i - 1];
        if (sz < 18)
            continue;
        c->found = 1;
        c->prim = (buf[i + 8] << 8) | buf[i + 9];
        c->trc = (buf[i + 10] << 8) | buf[i + 11];
        c->matrix = (buf[i + 12] << 8) | buf[i + 13];
        c->full = buf[i + 14] >> 7;
        return;
    }
}

static void mp4_colr(const char *path, Colr *c)
{
    FILE *f = fopen(path, "rb");
    int seen_mdat = 0;
    memset(c, 0, sizeof(*c));
    if (!f)
        return;
    for (;;) {
        uint32_t sz32, type;
        uint64_t sz, hdr = 8;
        off_t start = ftello(f);
        if (read_u32(f, &sz32) || read_u32(f, &type))
            break;
        sz = sz32;
        if (sz32 == 1) {
            uint32_t hi, lo;
            if (read_u32(f, &hi) || read_u32(f, &lo))
                break;
            sz = ((uint64_t)hi << 32) | lo;
            hdr = 16;
        } else if (sz32 == 0) {
            break;
        }
        if (sz < hdr)
            break;
        if (type == 0x6d646174u) /* mdat */
            seen_mdat = 1;
        if (type == 0x6d6f6f76u) { /* moov */
            size_t n = (size_t)(sz - hdr);
            unsigned char *buf = malloc(n ? n : 1);
            if (buf && fread(buf, 1, n, f) == n)
                scan_colr(buf, n, c);
            free(buf);
            c->moov_before_mdat = !seen_mdat;
            break;
        }
        if (fseeko(f, start + (off_t)sz, SEEK_SET))
            break;
    }
    fclose(f);
}

/* ------------------------------------------------------------------------------------------ */
/* audio */

typedef struct Audio {
    double *s; /* mono */
    int64_t n, cap;
    int rate;
    double start; /* seconds of the first decoded sample */
    int have_start;
    enum AVCodecID codec;
    double stream_dur;
} Audio;

static int audio_cb(void *opaque, AVFrame *f, int64_t index)
{
    Audio *a = opaque;
    int ch = f->ch_layout.nb_channels, ns = f->nb_samples;
    enum AVSampleFormat fmt = f->format;
    int planar = av_sample_fmt_is_planar(fmt);
    (void)index;
    if (ch < 1)
        ch = 1;
    if (!a->have_start && f->best_effort_timestamp != AV_NOPTS_VALUE) {
        a->have_start = 1;
        a->start = f->best_effort_timestamp; /* in stream time base; converted by caller */
    }
    if (a->n + ns > a->cap) {
        int64_t nc = (a->cap ? a->cap * 2 : 65536);
        while (nc < a->n + ns)
            nc *= 2;
        double *np = realloc(a->s, sizeof(double) * nc);
        if (!np)
            die("out of memory");
        a->s = np;
        a->cap = nc;
    }
    for (int i = 0; i < ns; i++) {
        double sum = 0;
        for (int c = 0; c < ch; c++) {
            const uint8_t *base = planar ? f->extended_data[c] : f->extended_data[0];
            int k = planar ? i : i * ch + c;
            double v = 0;
            switch (av_get_packed_sample_fmt(fmt)) {
            case AV_SAMPLE_FMT_U8: v = (((const uint8_t *)base)[k] - 128) / 128.0; break;
            case AV_SAMPLE_FMT_S16: v = ((const int16_t *)base)[k] / 32768.0; break;
            case AV_SAMPLE_FMT_S32: v = ((const int32_t *)base)[k] / 2147483648.0; break;
            case AV_SAMPLE_FMT_FLT: v = ((const float *)base)[k]; break;
            case AV_SAMPLE_FMT_DBL: v = ((const double *)base)[k]; break;
            case AV_SAMPLE_FMT_S64: v = (double)((const int64_t *)base)[k] / 9223372036854775808.0; break;
            default: break;
            }
            sum += v;
        }
        a->s[a->n + i] = sum / ch;
    }
    a->n += ns;
    a->rate = f->sample_rate;
    return 0;
}

/* decodes the first audio stream of path; returns 0 if there is none */
static int audio_load(const char *path, Audio *a)
{
    AVFormatContext *fc = open_media(path);
    int as;
    memset(a, 0, sizeof(*a));
    if (!fc)
        die("cannot open %s", path);
    as = av_find_best_stream(fc, AVMEDIA_TYPE_AUDIO, -1, -1, NULL, 0);
    if (as < 0) {
        avformat_close_input(&fc);
        return 0;
    }
    a->codec = fc->streams[as]->codecpar->codec_id;
    if (fc->streams[as]->duration != AV_NOPTS_VALUE)
        a->stream_dur = fc->streams[as]->duration * av_q2d(fc->streams[as]->time_base);
    decode_stream(fc, as, 1, audio_cb, a);
    if (a->have_start)
        a->start *= av_q2d(fc->streams[as]->time_base);
    avformat_close_input(&fc);
    return 1;
}

/* value of a at time t (seconds, stream time) sampled with linear interpolation; 0 outside */
static double audio_at(const Audio *a, double t)
{
    double x = (t - a->start) * a->rate;
    int64_t k = (int64_t)floor(x);
    double f = x - k;
    double v0 = (k >= 0 && k < a->n) ? a->s[k] : 0, v1 = (k + 1 >= 0 && k + 1 < a->n) ? a->s[k + 1] : 0;
    return v0 + f * (v1 - v0);
}

/* ------------------------------------------------------------------------------------------ */
/* main checks */

typedef struct Opts {
    const char *project, *out;
    int nframes;
    int nsample;
    int64_t sample[MAX_SAMPLES];
    double min_psnr, min_tile;
    int expect_audio; /* -1 unknown */
    int W, H;
    double fps;
    int64_t expect_frames;
    int codec; /* -1 from project, 0 h264, 1 hevc */
    double corner_tol;
    int exact_screen;
    const char *png;
    double png_at;
    const char *dump;
} Opts;

static void usage(void)
{
    fprintf(stderr,
            "usage: vxcheck PROJECT.json|- OUT.mp4 [--frames N] [--sample a,b,..] [--min-psnr DB]\n"
            "       [--min-tile-psnr DB] [--expect-audio yes|no] [--size WxH] [--fps F]\n"
            "       [--expect-frames N] [--codec h264|hevc] [--corner-tol N] [--exact-screen]\n"
            "       [--png FRAME.png --at T] [--clip-rgb]\n       [--naive-rotation] [--dump PREFIX] [-v]\n");
    exit(2);
}

static const char *nz(const char *s)
{
    return s ? s : "?";
}

/* range: 0 limited (tv), 1 full (pc), -1 unspecified */
static void check_tags(const char *what, int hd, int prim, int trc, int spc, int range)
{
    const char *rn = range == 0 ? "tv" : range == 1 ? "pc" : "unspecified";
    if (hd)
        check(prim == AVCOL_PRI_BT709 && trc == AVCOL_TRC_BT709 && spc == AVCOL_SPC_BT709 && range == 0,
              "%s colour tags: primaries %s, trc %s, matrix %s, range %s (want bt709/bt709/bt709/tv)", what,
              nz(av_color_primaries_name(prim)), nz(av_color_transfer_name(trc)), nz(av_color_space_name(spc)), rn);
    else
        check(prim == AVCOL_PRI_SMPTE170M && trc == AVCOL_TRC_SMPTE170M &&
                  (spc == AVCOL_SPC_SMPTE170M || spc == AVCOL_SPC_BT470BG) && range == 0,
              "%s colour tags: primaries %s, trc %s, matrix %s, range %s (want smpte170m/smpte170m/smpte170m/tv)",
              what, nz(av_color_primaries_name(prim)), nz(av_color_transfer_name(trc)), nz(av_color_space_name(spc)),
              rn);
}

static int range_code(enum AVColorRange r)
{
    return r == AVCOL_RANGE_MPEG ? 0 : r == AVCOL_RANGE_JPEG ? 1 : -1;
}

typedef struct Stats {
    double sse_y, n_y, sse_c, n_c;
    double sse_bg, n_bg, sse_scr, n_scr;
    double sse_cbg, n_cbg, sse_cscr, n_cscr;
    double worst_tile;
    int wtx, wty;
    double max_scr_diff;
} Stats;

static void compare(const Layout *L, const RefFrame *rf, const OutFrame *of, Stats *st)
{
    int W = L->W, H = L->H, CW = W / 2, CH = H / 2;
    int tw = (W + TILE - 1) / TILE, th = (H + TILE - 1) / TILE;
    double *tsse = xcalloc((size_t)tw * th, sizeof(double)), *tn = xcalloc((size_t)tw * th, sizeof(double));
    memset(st, 0, sizeof(*st));
    for (int j = 0; j < H; j++) {
        for (int i = 0; i < W; i++) {
            size_t o = (size_t)j * W + i;
            double d = of->p[0][o] - rf->Y[o], e = d * d;
            double cov = cov_of(sd_luma(L, i, j));
            st->sse_y += e;
            st->n_y += 1;
            tsse[(size_t)(j / TILE) * tw + i / TILE] += e;
            tn[(size_t)(j / TILE) * tw + i / TILE] += 1;
            if (cov == 0) {
                st->sse_bg += e;
                st->n_bg++;
            } else if (cov == 1) {
                st->sse_scr += e;
                st->n_scr++;
                if (fabs(d) > st->max_scr_diff)
                    st->max_scr_diff = fabs(d);
            }
        }
    }
    for (int j = 0; j < CH; j++) {
        for (int i = 0; i < CW; i++) {
            size_t o = (size_t)j * CW + i;
            double du = of->p[1][o] - rf->U[o], dv = of->p[2][o] - rf->V[o];
            double e = du * du + dv * dv;
            double cov = cov_of(sd_chroma(L, i, j));
            st->sse_c += e;
            st->n_c += 2;
            if (cov == 0) {
                st->sse_cbg += e;
                st->n_cbg += 2;
            } else if (cov == 1) {
                st->sse_cscr += e;
                st->n_cscr += 2;
                if (fabs(du) > st->max_scr_diff)
                    st->max_scr_diff = fabs(du);
                if (fabs(dv) > st->max_scr_diff)
                    st->max_scr_diff = fabs(dv);
            }
        }
    }
    st->worst_tile = 1e9;
    for (int ty = 0; ty < th; ty++)
        for (int tx = 0; tx < tw; tx++) {
            double p = psnr_of(tsse[(size_t)ty * tw + tx], tn[(size_t)ty * tw + tx]);
            if (p < st->worst_tile) {
                st->worst_tile = p;
                st->wtx = tx * TILE;
                st->wty = ty * TILE;
            }
        }
    free(tsse);
    free(tn);
}

/* --dump PREFIX: the luma of the expected and decoded frame and their difference
 * (128 + 16 * (out - expected)) as PGM files, for a person to look at */
static void dump_frame(const char *prefix, int64_t n, const Layout *L, const RefFrame *rf, const OutFrame *of)
{
    char path[PATH_MAX];
    const char *kind[3] = { "ref", "out", "diff" };
    for (int k = 0; k < 3; k++) {
        snprintf(path, sizeof(path), "%s-%" PRId64 "-%s.pgm", prefix, n, kind[k]);
        FILE *f = fopen(path, "wb");
        if (!f)
            die("cannot write %s", path);
        fprintf(f, "P5\n%d %d\n255\n", L->W, L->H);
        for (size_t i = 0; i < (size_t)L->W * L->H; i++) {
            double v = k == 0 ? rf->Y[i] : k == 1 ? of->p[0][i] : 128 + 16 * (of->p[0][i] - rf->Y[i]);
            fputc((int)clampd(round(v), 0, 255), f);
        }
        fclose(f);
        note("wrote %s", path);
    }
}

/* background outside the screen and the rounded corners */
static void corner_check(const Layout *L, const Background *bg, const RefFrame *rf, const OutFrame *of, double tol,
                         int fidx)
{
    int W = L->W, H = L->H;
    int64_t bg_n = 0, bg_bad = 0, out_n = 0, out_bad = 0, in_n = 0, in_bad = 0, discr = 0;
    double bg_max = 0;
    int ex = -1, ey = -1, bx0 = INT_MAX, by0 = INT_MAX, bx1 = -1, by1 = -1;
    double eexp = 0, egot = 0;
    double r = L->r;
    int cr = (int)ceil(r) + 3;
    for (int j = 0; j < H; j++) {
        for (int i = 0; i < W; i++) {
            size_t o = (size_t)j * W + i;
            double d = sd_luma(L, i, j);
            int incorner = r >= 2 && ((i < L->x + cr || i >= L->x + L->rw - cr) &&
                                      (j < L->y + cr || j >= L->y + L->rh - cr)) &&
                           i >= L->x - 1 && i <= L->x + L->rw && j >= L->y - 1 && j <= L->y + L->rh;
            double got = of->p[0][o];
            if (d > 2) {
                double diff = fabs(got - rf->Y[o]);
                bg_n++;
                if (diff > tol + 0.5) {
                    bg_bad++;
                    bx0 = i < bx0 ? i : bx0;
                    by0 = j < by0 ? j : by0;
                    bx1 = i > bx1 ? i : bx1;
                    by1 = j > by1 ? j : by1;
                    if (diff > bg_max) {
                        bg_max = diff;
                        ex = i;
                        ey = j;
                        eexp = rf->Y[o];
                        egot = got;
                    }
                }
                if (incorner) {
                    out_n++;
                    if (diff > tol + 0.5)
                        out_bad++;
                    if (!isnan(rf->sY[o]) && fabs(rf->sY[o] - rf->Y[o]) > 3 * tol + 2)
                        discr++;
                }
            } else if (d < -2 && incorner) {
                /* inside the arc: the screen, not the background (a sample that merely differs
                 * from the screen is the PSNR checks' business) */
                double ds = fabs(got - rf->Y[o]), db = isnan(bg->Y[o]) ? INFINITY : fabs(got - bg->Y[o]);
                in_n++;
                if (ds > 2 * tol + 2.5 && db < ds)
                    in_bad++;
            }
        }
    }
    check(bg_bad <= bg_n / 1000, "frame %d: background outside the screen: %" PRId64 " of %" PRId64
          " luma samples off by more than %.0f%s", fidx, bg_bad, bg_n, tol,
          bg_bad ? "" : "");
    if (bg_bad)
        note("worst at (%d,%d): expected %.2f got %.0f; the samples off lie within x %d..%d, y %d..%d", ex, ey,
             eexp, egot, bx0, bx1, by0, by1);
    if (r >= 2) {
        check(out_n > 0 && out_bad * 100 <= out_n, "frame %d: rounded corners (r=%.1f): %" PRId64 " of %" PRId64
              " samples outside the arc differ from the background by more than %.0f", fidx, r, out_bad, out_n, tol);
        check(in_bad * 100 <= in_n, "frame %d: rounded corners: %" PRId64 " of %" PRId64
              " samples inside the arc look like background (off the screen by more than %.0f)", fidx, in_bad, in_n,
              2 * tol + 2);
        if (out_n && discr * 2 < out_n)
            note("warning: corner check weakly discriminative (screen close to background at the corners: "
                 "%" PRId64 "/%" PRId64 ")", discr, out_n);
    }
}

static void parse_size(const char *s, int *w, int *h)
{
    if (sscanf(s, "%dx%d", w, h) != 2 || *w <= 0 || *h <= 0)
        usage();
}

/* container, stream, timing and audio checks; decodes the output video and keeps the sampled
 * frames in od */
static void container_checks(const Opts *po, const Project *ppj, const Source *psrc, const Layout *pL,
                             int have_project, double fps, int64_t N, const int64_t *samples, int nsamples,
                             OutDecode *pod)
{
    Opts o = *po;
    const Project pj = *ppj;
    const Source src = *psrc;
    const Layout L = *pL;
    OutDecode od = *pod;
    AVFormatContext *ofc = open_media(o.out);
    if (!ofc) {
        check(0, "output %s can be opened", o.out);
        return;
    }
    int ovs = av_find_best_stream(ofc, AVMEDIA_TYPE_VIDEO, -1, -1, NULL, 0);
    int oas = av_find_best_stream(ofc, AVMEDIA_TYPE_AUDIO, -1, -1, NULL, 0);
    if (ovs < 0) {
        check(0, "output has a video stream");
        return;
    }
    AVStream *ost = ofc->streams[ovs];
    AVCodecParameters *ocp = ost->codecpar;
    int want_hevc = o.codec >= 0 ? o.codec : pj.hevc;
    check(!strcmp(ofc->iformat->name, "mov,mp4,m4a,3gp,3g2,mj2"), "container is MP4 (%s)", ofc->iformat->name);
    check(ocp->codec_id == (want_hevc ? AV_CODEC_ID_HEVC : AV_CODEC_ID_H264), "video codec %s (want %s)",
          avcodec_get_name(ocp->codec_id), want_hevc ? "hevc" : "h264");
    check(ocp->width == L.W && ocp->height == L.H, "size %dx%d (want %dx%d)", ocp->width, ocp->height, L.W, L.H);
    check(ocp->format == AV_PIX_FMT_YUV420P, "pixel format %s (want yuv420p)",
          av_get_pix_fmt_name(ocp->format) ? av_get_pix_fmt_name(ocp->format) : "none");
    int hd = L.H >= 720;
    check_tags("codec parameters", hd, ocp->color_primaries, ocp->color_trc, ocp->color_space,
               range_code(ocp->color_range));
    {
        Colr c;
        mp4_colr(o.out, &c);
        if (!c.found)
            check(0, "MP4 colr (nclx) box present");
        else
            check_tags("MP4 colr box", hd, c.prim, c.trc, c.matrix, c.full);
        if (!c.moov_before_mdat)
            note("warning: moov after mdat (not faststart)");
    }
    {
        AVRational r = ost->avg_frame_rate;
        double rf = r.den ? av_q2d(r) : 0;
        check(fabs(rf - fps) < 1e-3 * fps, "average frame rate %d/%d = %.4f (want %.4f)", r.num, r.den, rf, fps);
    }

    /* ---- decode output video ---- */
    od.nwant = nsamples;
    memcpy(od.want, samples, sizeof(int64_t) * nsamples);
    double t0 = now_s();
    decode_stream(ofc, ovs, 2, out_decode_cb, &od);
    if (g_verbose)
        note("decoded %" PRId64 " output frames in %.2f s", od.count, now_s() - t0);
    check(od.count == N, "frame count %" PRId64 " (want %" PRId64 ")", od.count, N);
    check(!od.badfmt && od.fmt == AV_PIX_FMT_YUV420P, "decoded frames are yuv420p (%s)",
          av_get_pix_fmt_name(od.fmt) ? av_get_pix_fmt_name(od.fmt) : "?");
    if (od.got_tags) {
        check_tags("bitstream (VUI)", hd, od.prim, od.trc, od.spc, range_code(od.range));
        check(od.loc == AVCHROMA_LOC_UNSPECIFIED || od.loc == AVCHROMA_LOC_LEFT, "chroma location %s (want left)",
              av_chroma_location_name(od.loc) ? av_chroma_location_name(od.loc) : "?");
    }
    double vstart = 0, vdur = 0;
    {
        AVRational tb = ost->time_base;
        int cfr = od.count > 0, bad_at = -1;
        int64_t *p = od.pts;
        for (int64_t i = 0; i < od.count; i++)
            if (p[i] == AV_NOPTS_VALUE)
                cfr = 0;
        if (cfr) {
            /* frame i must be at pts0 + i/fps, to within one tick */
            for (int64_t i = 0; i < od.count; i++) {
                double want = (p[0] * av_q2d(tb)) + i / fps, got = p[i] * av_q2d(tb);
                if (fabs(got - want) > av_q2d(tb) * 1.01 + 1e-9) {
                    cfr = 0;
                    bad_at = (int)i;
                    break;
                }
            }
            vstart = p[0] * av_q2d(tb);
        }
        check(cfr, "constant frame rate: frame i at start + i/%.4f s%s", fps,
              bad_at >= 0 ? " (broken at a frame, see below)" : "");
        if (bad_at >= 0)
            note("frame %d at %.6f s, expected %.6f s", bad_at, p[bad_at] * av_q2d(tb), vstart + bad_at / fps);
        check(fabs(vstart) < 0.5 / fps, "video starts at %.6f s (want 0)", vstart);
        vdur = od.count / fps;
        if (ost->duration != AV_NOPTS_VALUE) {
            double sd = ost->duration * av_q2d(tb);
            check(fabs(sd - N / fps) < 0.5 / fps, "video stream duration %.4f s (want %.4f s)", sd, N / fps);
        }
    }

    /* ---- audio ---- */
    {
        int want_audio = -1;
        Audio sa, oa;
        const char *apath = NULL;
        memset(&sa, 0, sizeof(sa));
        memset(&oa, 0, sizeof(oa));
        if (have_project) {
            if (pj.audio_mode == AUDIO_NONE)
                want_audio = 0;
            else if (pj.audio_mode == AUDIO_MIXED)
                apath = NULL;
            else if (pj.audio_mode == AUDIO_FILE)
                apath = pj.audio;
            else
                apath = pj.screen;
            if (apath)
                want_audio = audio_load(apath, &sa);
        }
        if (o.expect_audio >= 0) {
            if (want_audio >= 0 && want_audio != o.expect_audio)
                check(0, "project implies audio=%s but --expect-audio %s", want_audio ? "yes" : "no",
                      o.expect_audio ? "yes" : "no");
            want_audio = o.expect_audio;
        }
        if (want_audio >= 0)
            check((oas >= 0) == want_audio, "audio stream %s (want %s)", oas >= 0 ? "present" : "absent",
                  want_audio ? "present" : "absent");
        if (oas >= 0) {
            audio_load(o.out, &oa);
            double fd = 1.0 / fps;
            enum AVCodecID sc = sa.codec, oc = oa.codec;
            /* copied when every MP4 player decodes the codec and no timeline edits it, otherwise
             * AAC 48 kHz */
            const int edited = have_project && pj.nsegs > 0;
            if (sa.rate) {
                int copyable = (sc == AV_CODEC_ID_AAC || sc == AV_CODEC_ID_MP3 || sc == AV_CODEC_ID_ALAC) && !edited;
                check(oc == (copyable ? sc : AV_CODEC_ID_AAC), "audio codec %s (source %s: want %s)",
                      avcodec_get_name(oc), avcodec_get_name(sc), copyable ? "copied" : "aac");
                if (copyable)
                    check(oa.rate == sa.rate, "audio sample rate %d (copied: want %d)", oa.rate, sa.rate);
                else
                    check(oa.rate == 48000, "audio sample rate %d (encoded: want 48000)", oa.rate);
            } else {
                check(oc == AV_CODEC_ID_AAC, "audio codec %s (want aac)", avcodec_get_name(oc));
            }
            double adur = oa.rate ? (double)oa.n / oa.rate : 0;
            if (oa.stream_dur > 0 && oa.stream_dur < adur)
                adur = oa.stream_dur; /* edit list trims the encoder's padding */
            double astart = oa.start;
            double want_start = 0, want_end = vdur;
            if (sa.rate && have_project) {
                /* the source audio is shifted by the screen's start offset */
                double off = src.pts0 * av_q2d(src.tb);
                double s0 = sa.start - off, s1 = sa.start + (double)sa.n / sa.rate - off;
                if (sa.stream_dur > 0 && sa.start + sa.stream_dur - off < s1)
                    s1 = sa.start + sa.stream_dur - off;
                if (apath == pj.audio) { /* separate file: starts with the video */
                    s0 = sa.start;
                    s1 = sa.start + (double)sa.n / sa.rate;
                }
                want_start = s0 > 0 ? s0 : 0;
                /* copied audio ends with its packets; encoded audio is padded with silence to
                 * the video's end (docs/project-format.md, Audio) */
                int copied = sa.codec == oa.codec && !edited &&
                             (sc == AV_CODEC_ID_AAC || sc == AV_CODEC_ID_MP3 || sc == AV_CODEC_ID_ALAC);
                want_end = s1 < vdur && copied ? s1 : vdur;
            }
            check(fabs(astart - vstart - want_start) <= fd || fabs(astart - vstart) <= fd,
                  "audio starts at %.4f s, video at %.4f s (want audio at %.4f +- one frame %.4f)", astart, vstart,
                  want_start, fd);
            check(fabs(astart + adur - want_end) <= fd, "audio ends at %.4f s (duration %.4f s; want end %.4f +- %.4f)",
                  astart + adur, adur, want_end, fd);
            /* level and sync against the source */
            double rms = 0;
            for (int64_t i = 0; i < oa.n; i++)
                rms += oa.s[i] * oa.s[i];
            rms = oa.n ? sqrt(rms / oa.n) : 0;
            if (!sa.rate) {
                check(rms > 1e-4, "audio is not silent (rms %.5f)", rms);
            } else {
                double off = (apath == pj.audio) ? 0 : src.pts0 * av_q2d(src.tb);
                /* window: 2 s from 0.25 s, at 8 kHz; source time = output time + off. With a
                 * timeline: within the first range played at 1x with its audio (at least 0.4 s
                 * of output), source time = output time + off + its start - its output start;
                 * none: check_av (audio-case.sh) checks such timelines */
                double w0 = astart + 0.25, w1 = fmin(w0 + 2.0, astart + adur - 0.25);
                if (edited) {
                    double out = 0;
                    w1 = w0 = 0;
                    for (int i = 0; i < pj.nsegs; i++) {
                        const Seg *g = &pj.segs[i];
                        double e = g->end < 0 || g->end > src.dur ? src.dur : g->end, len = (e - g->start) / g->speed;
                        if (fabs(g->speed - 1) < 1e-9 && !g->mute && len >= 0.4) {
                            w0 = out + 0.05;
                            w1 = fmin(w0 + 2.0, out + len - 0.05);
                            off += g->start - out;
                            note("audio sync measured over output %.3f..%.3f s (timeline range %d)", w0, w1, i);
                            break;
                        }
                        out += len;
                    }
                }
                int rate = 8000, n = (int)((w1 - w0) * rate), maxlag = rate / 5;
                if (n > rate / 4) {
                    double *x = xcalloc((size_t)n, sizeof(double)), *y = xcalloc((size_t)n + 2 * maxlag, sizeof(double));
                    double ex = 0, ey = 0;
                    for (int i = 0; i < n; i++) {
                        x[i] = audio_at(&oa, w0 + (double)i / rate);
                        ex += x[i] * x[i];
                    }
                    for (int i = 0; i < n + 2 * maxlag; i++)
                        y[i] = audio_at(&sa, w0 + off + (double)(i - maxlag) / rate);
                    for (int i = maxlag; i < n + maxlag; i++)
                        ey += y[i] * y[i];
                    if (ey < 1e-6 * n) {
                        note("source audio is silent in the window: sync not measurable");
                        check(ex < 1e-4 * n + 1e-9, "output audio silent like the source");
                    } else {
                        double best = -2, c0 = 0;
                        int bl = 0;
                        for (int lag = -maxlag; lag <= maxlag; lag++) {
                            double sxy = 0, syy = 0;
                            for (int i = 0; i < n; i++) {
                                double yy = y[i + maxlag + lag];
                                sxy += x[i] * yy;
                                syy += yy * yy;
                            }
                            double c = (ex > 0 && syy > 0) ? sxy / sqrt(ex * syy) : 0;
                            if (c > best) {
                                best = c;
                                bl = lag;
                            }
                            if (abs(lag) <= rate / 1000) /* within 1 ms */
                                c0 = fmax(c0, c);
                        }
                        double lag_s = (double)bl / rate;
                        check(best > 0.7, "audio content matches the source (correlation %.3f)", best);
                        check(fabs(lag_s) <= fd || c0 >= 0.95 * best,
                              "audio in sync with the source: best lag %+.1f ms (corr %.3f; at 0: %.3f)", lag_s * 1000,
                              best, c0);
                        double level = 10 * log10(ex / ey);
                        check(fabs(level) < 1.0, "audio level vs source %+.2f dB", level);
                    }
                    free(x);
                    free(y);
                } else {
                    note("audio too short for the sync check");
                }
            }
        }
        free(sa.s);
        free(oa.s);
    }
    avformat_close_input(&ofc);

    *pod = od;
}

int main(int argc, char **argv)
{
    Opts o;
    Project pj;
    Source src;
    Layout L;
    int have_project, have_out;
    double t_start = now_s();
    AVRational fpsq;
    int64_t N = 0;

    memset(&o, 0, sizeof(o));
    memset(&pj, 0, sizeof(pj));
    memset(&src, 0, sizeof(src));
    memset(&L, 0, sizeof(L));
    o.nframes = 3;
    o.min_psnr = 40;
    o.min_tile = 30;
    o.expect_audio = -1;
    o.expect_frames = -1;
    o.codec = -1;
    o.corner_tol = 2;
    o.png_at = -1;
    av_log_set_level(AV_LOG_ERROR);

    int pos = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
#define NEXT() (i + 1 < argc ? argv[++i] : (usage(), ""))
        if (!strcmp(a, "--frames")) {
            o.nframes = atoi(NEXT());
            if (o.nframes < 1 || o.nframes > MAX_SAMPLES)
                usage();
        } else if (!strcmp(a, "--sample")) {
            char *s = (char *)NEXT(), *e;
            while (*s && o.nsample < MAX_SAMPLES) {
                o.sample[o.nsample++] = strtoll(s, &e, 10);
                if (e == s)
                    usage();
                s = *e == ',' ? e + 1 : e;
            }
        } else if (!strcmp(a, "--min-psnr")) {
            o.min_psnr = atof(NEXT());
        } else if (!strcmp(a, "--min-tile-psnr")) {
            o.min_tile = atof(NEXT());
        } else if (!strcmp(a, "--expect-audio")) {
            const char *v = NEXT();
            o.expect_audio = !strcmp(v, "yes") ? 1 : !strcmp(v, "no") ? 0 : (usage(), 0);
        } else if (!strcmp(a, "--size")) {
            parse_size(NEXT(), &o.W, &o.H);
        } else if (!strcmp(a, "--fps")) {
            o.fps = atof(NEXT());
        } else if (!strcmp(a, "--expect-frames")) {
            o.expect_frames = atoll(NEXT());
        } else if (!strcmp(a, "--codec")) {
            const char *v = NEXT();
            o.codec = !strcmp(v, "h264") ? 0 : !strcmp(v, "hevc") ? 1 : (usage(), 0);
        } else if (!strcmp(a, "--corner-tol")) {
            o.corner_tol = atof(NEXT());
        } else if (!strcmp(a, "--exact-screen")) {
            o.exact_screen = 1;
        } else if (!strcmp(a, "--png")) {
            o.png = NEXT();
        } else if (!strcmp(a, "--at")) {
            o.png_at = atof(NEXT());
        } else if (!strcmp(a, "--dump")) {
            o.dump = NEXT();
        } else if (!strcmp(a, "--naive-rotation")) {
            g_naive_rot = 1;
        } else if (!strcmp(a, "--clip-rgb")) {
            g_clip_rgb = 1;
        } else if (!strcmp(a, "-v")) {
            g_verbose = 1;
        } else if (a[0] == '-' && a[1]) {
            usage();
        } else if (pos == 0) {
            o.project = a;
            pos++;
        } else if (pos == 1) {
            o.out = a;
            pos++;
        } else {
            usage();
        }
#undef NEXT
    }
    if (pos != 2)
        usage();
    have_project = strcmp(o.project, "-") != 0;
    have_out = strcmp(o.out, "-") != 0;
    if (!have_project && (!o.W || o.fps <= 0 || o.expect_frames < 0))
        die("without a project, --size, --fps and --expect-frames are required");
    if (o.png && o.png_at < 0)
        die("--png needs --at");

    printf("vxcheck %s %s\n", o.project, o.out);

    /* ---- expectations from the project ---- */
    double fps = o.fps;
    if (have_project) {
        parse_project(o.project, &pj);
        source_scan(&src, pj.screen);
        if (pj.have_fps)
            fps = pj.fps;
        else if (src.fps_native > 0 && src.fps_native <= 240)
            fps = src.fps_native;
        else
            fps = 60;
        if (o.fps > 0 && fabs(o.fps - fps) > 1e-9)
            check(0, "project frame rate %.4f differs from --fps %.4f", fps, o.fps);
        N = (int64_t)llround(timeline_duration(&pj, src.dur) * fps);
        if (N < 1)
            N = 1;
        if (pj.nsegs)
            note("timeline: %d ranges, %.4f s of output", pj.nsegs, timeline_duration(&pj, src.dur));
        note("source %s: %dx%d%s, %s, %d frames, %.4f s, %.3f fps, %s %s range, %d-bit", pj.screen, src.w, src.h,
             src.rot ? (src.rot == 90 ? " rot90" : src.rot == 180 ? " rot180" : " rot270") : "",
             av_get_pix_fmt_name(src.fmt) ? av_get_pix_fmt_name(src.fmt) : "?", src.npts, src.dur,
             src.fps_native, matrix_name(src.m), src.full ? "full" : "limited", src.bits);

        /* geometry */
        double p = pj.padding;
        if (pj.have_size) {
            int W = pj.W, H = pj.H;
            double m = p * (W < H ? W : H);
            double s = fmin((W - 2 * m) / src.sw, (H - 2 * m) / src.sh);
            L.W = W;
            L.H = H;
            L.rw = (int)llround(src.sw * s);
            L.rh = (int)llround(src.sh * s);
            L.x = 2 * (int)llround((W - L.rw) / 4.0);
            L.y = 2 * (int)llround((H - L.rh) / 4.0);
        } else {
            int M = (int)llround(p * (src.sw < src.sh ? src.sw : src.sh));
            L.rw = src.sw;
            L.rh = src.sh;
            L.W = (src.sw + 2 * M + 1) & ~1;
            L.H = (src.sh + 2 * M + 1) & ~1;
            L.x = L.y = 2 * (int)llround(M / 2.0);
        }
        L.r = fmin(pj.radius, fmin(L.rw, L.rh) / 2.0);
        if (L.r < 0)
            L.r = 0;
        L.m = L.H >= 720 ? M709 : M601;
        note("layout: output %dx%d, screen %dx%d at (%d,%d), radius %.2f, %s, %.4f fps, %" PRId64 " frames", L.W,
             L.H, L.rw, L.rh, L.x, L.y, L.r, matrix_name(L.m), fps, N);
        if (!src.is_rgb && (!matrix_eq(src.m, L.m) || src.full))
            note("source colours are converted: %s %s range -> %s limited range", matrix_name(src.m),
                 src.full ? "full" : "limited", matrix_name(L.m));
        if (o.W && (o.W != L.W || o.H != L.H))
            check(0, "project output size %dx%d differs from --size %dx%d", L.W, L.H, o.W, o.H);
        if (o.expect_frames >= 0 && o.expect_frames != N)
            check(0, "project frame count %" PRId64 " differs from --expect-frames %" PRId64, N, o.expect_frames);
    } else {
        L.W = o.W;
        L.H = o.H;
        N = o.expect_frames;
        L.m = L.H >= 720 ? M709 : M601;
    }
    fpsq = av_d2q(fps, 1000000);

    OutDecode od;
    memset(&od, 0, sizeof(od));
    int64_t samples[MAX_SAMPLES];
    int nsamples = 0;
    if (have_project && have_out) {
        if (o.nsample) {
            for (int i = 0; i < o.nsample; i++)
                if (o.sample[i] >= 0 && o.sample[i] < N)
                    samples[nsamples++] = o.sample[i];
        } else {
            for (int i = 0; i < o.nframes; i++) {
                int64_t k = o.nframes == 1 ? 0 : (int64_t)llround((double)i * (N - 1) / (o.nframes - 1));
                if (!nsamples || samples[nsamples - 1] != k)
                    samples[nsamples++] = k;
            }
        }
    }
    if (have_out)
        container_checks(&o, &pj, &src, &L, have_project, fps, N, samples, nsamples, &od);

    /* ---- pictures ---- */
    if (have_project && (nsamples > 0 || o.png)) {

        Background bg;
        double tb0 = now_s();
        background_build(&L, &pj, &bg);
        if (g_verbose)
            note("background layer in %.2f s", now_s() - tb0);
        /* source frames: each sample's frame and its neighbours (for the timing diagnosis) */
        SrcDecode sd;
        memset(&sd, 0, sizeof(sd));
        sd.s = &src;
        sd.outm = L.m;
        int srcidx[MAX_SAMPLES];
        for (int i = 0; i < nsamples; i++) {
            srcidx[i] = pj.nsegs ? source_frame_at_time(&src, timeline_map(&pj, src.dur, samples[i] / fps))
                                 : source_frame_at(&src, samples[i], fpsq);
            for (int dk = -2; dk <= 2; dk++) {
                int k = srcidx[i] + dk, dup = 0;
                if (k < 0 || k >= src.npts)
                    continue;
                for (int q = 0; q < sd.n; q++)
                    dup |= sd.want[q] == k;
                if (!dup)
                    sd.want[sd.n++] = k;
                if (k > sd.maxwant)
                    sd.maxwant = k;
            }
        }
        {
            AVFormatContext *sfc = open_media(pj.screen);
            int vs = sfc ? av_find_best_stream(sfc, AVMEDIA_TYPE_VIDEO, -1, -1, NULL, 0) : -1;
            if (vs < 0)
                die("cannot reopen %s", pj.screen);
            decode_stream(sfc, vs, 2, src_decode_cb, &sd);
            avformat_close_input(&sfc);
        }
        for (int i = 0; i < nsamples; i++) {
            OutFrame *of = od.frames[i];
            SrcFrame *sf = NULL;
            for (int q = 0; q < sd.n; q++)
                if (sd.want[q] == srcidx[i])
                    sf = sd.out[q];
            if (!of) {
                check(0, "frame %" PRId64 ": decoded from the output", samples[i]);
                continue;
            }
            if (!sf)
                die("source frame %d not decoded", srcidx[i]);
            if (of->w != L.W || of->h != L.H)
                continue;
            RefFrame rf;
            Stats st;
            double tr = now_s();
            const double ts = timeline_map(&pj, src.dur, samples[i] / fps);
            if (!zoom_view(&pj, src.sw, src.sh, ts, g_view)) {
                note("frame %" PRId64 ": follows the cursor (not predicted here), not compared", samples[i]);
                continue;
            }
            if (g_view[2] < src.sw || g_view[0] > 0)
                note("frame %" PRId64 ": zoomed to [%.3f, %.3f, %.3f, %.3f] of the recording", samples[i], g_view[0],
                     g_view[1], g_view[2], g_view[3]);
            ref_build_blurred(&L, &src, &bg, sf, &pj, ts, pj.mb_screen / fps, &rf, samples[i]);
            compare(&L, &rf, of, &st);
            double py = psnr_of(st.sse_y, st.n_y), pc = psnr_of(st.sse_c, st.n_c);
            double pbg = psnr_of(st.sse_bg, st.n_bg), pscr = psnr_of(st.sse_scr, st.n_scr);
            double pcbg = psnr_of(st.sse_cbg, st.n_cbg), pcscr = psnr_of(st.sse_cscr, st.n_cscr);
            if (g_verbose)
                note("reference for frame %" PRId64 " in %.2f s", samples[i], now_s() - tr);
            check(py >= o.min_psnr && pc >= o.min_psnr,
                  "frame %" PRId64 " (t=%.4f s, source frame %d at %.4f s): PSNR Y %.2f dB, CbCr %.2f dB (min %.1f)",
                  samples[i], samples[i] / fps, srcidx[i], (src.pts[srcidx[i]] - src.pts0) * av_q2d(src.tb), py, pc,
                  o.min_psnr);
            if (st.n_bg > 0)
                check(pbg >= o.min_psnr && pcbg >= o.min_psnr,
                      "frame %" PRId64 ": background area PSNR Y %.2f dB, CbCr %.2f dB", samples[i], pbg, pcbg);
            check(pscr >= o.min_psnr && pcscr >= o.min_psnr, "frame %" PRId64 ": screen area PSNR Y %.2f dB, CbCr %.2f dB",
                  samples[i], pscr, pcscr);
            check(st.worst_tile >= o.min_tile, "frame %" PRId64 ": worst 16x16 luma tile %.2f dB at (%d,%d) (min %.1f)",
                  samples[i], st.worst_tile, st.wtx, st.wty, o.min_tile);
            if (o.exact_screen)
                check(st.max_scr_diff <= 1.5, "frame %" PRId64 ": screen area exact: max difference %.2f (max 1)",
                      samples[i], st.max_scr_diff);
            corner_check(&L, &bg, &rf, of, o.corner_tol, (int)samples[i]);
            if (i == 0 && (double)L.W * L.H <= 2.5e6 && st.n_cscr > 0) {
                /* chroma siting: the screen's chroma must fit the left-sited positions better
                 * than the same picture with its chroma moved by half a luma sample */
                static const double sh[4][2] = { { 0.5, 0 }, { -0.5, 0 }, { 0, 0.5 }, { 0, -0.5 } };
                double best = st.sse_cscr;
                int bi = -1;
                char line[256];
                int n = snprintf(line, sizeof(line), "nominal %.2f dB", pcscr);
                for (int k = 0; k < 4; k++) {
                    RefFrame r2;
                    Stats s2;
                    g_cdx = sh[k][0];
                    g_cdy = sh[k][1];
                    ref_build(&L, &src, &bg, sf, &r2);
                    g_cdx = g_cdy = 0;
                    compare(&L, &r2, of, &s2);
                    n += snprintf(line + n, sizeof(line) - (size_t)n, ", (%+.1f,%+.1f) %.2f dB", sh[k][0], sh[k][1],
                                  psnr_of(s2.sse_cscr, s2.n_cscr));
                    if (s2.sse_cscr < best) {
                        best = s2.sse_cscr;
                        bi = k;
                    }
                    ref_free(&r2);
                }
                int ok = bi < 0 || best > 0.8 * st.sse_cscr || pcscr >= 55;
                check(ok, "frame %" PRId64 ": chroma siting (screen area CbCr PSNR with the chroma moved by luma "
                      "samples): %s", samples[i], line);
                if (!ok)
                    note("the output's chroma sits about (%+.1f,%+.1f) luma samples from where it should", sh[bi][0],
                         sh[bi][1]);
            }
            if (o.dump)
                dump_frame(o.dump, samples[i], &L, &rf, of);
            if (st.worst_tile < o.min_tile || py < o.min_psnr) {
                /* timing diagnosis: does a neighbouring source frame match better? */
                for (int q = 0; q < sd.n; q++) {
                    if (!sd.out[q] || sd.want[q] == srcidx[i] || abs(sd.want[q] - srcidx[i]) > 2)
                        continue;
                    RefFrame r2;
                    Stats s2;
                    ref_build(&L, &src, &bg, sd.out[q], &r2);
                    compare(&L, &r2, of, &s2);
                    note("  vs source frame %d: PSNR Y %.2f dB, worst tile %.2f dB%s", sd.want[q],
                         psnr_of(s2.sse_y, s2.n_y), s2.worst_tile,
                         s2.worst_tile > st.worst_tile + 3 ? "  <-- matches better: wrong frame picked" : "");
                    ref_free(&r2);
                }
                note("  worst tile (%d,%d): expected vs got luma (first row):", st.wtx, st.wty);
                {
                    char line[512];
                    int n = 0;
                    for (int k = 0; k < 8 && st.wtx + k < L.W; k++)
                        n += snprintf(line + n, sizeof(line) - n, " %.1f/%d", rf.Y[(size_t)st.wty * L.W + st.wtx + k],
                                      of->p[0][(size_t)st.wty * L.W + st.wtx + k]);
                    note("  %s", line);
                }
            }
            /* the PNG of `vexport frame` at the time of this sample */
            ref_free(&rf);
        }
        /* --png: the frame command's RGBA output at time T */
        if (o.png) {
            int k = 0;
            {
                /* source frame shown at output time png_at (the frame that starts at or
                 * before it) */
                double tout = floor(o.png_at * fps + 1e-6) / fps;
                if (tout > (N - 1) / fps)
                    tout = (N - 1) / fps;
                double ts = timeline_map(&pj, src.dur, tout);
                k = source_frame_at_time(&src, ts);
                if (!zoom_view(&pj, src.sw, src.sh, ts, g_view))
                    die("--at %.3f: the zoom follows the cursor there; pick another time", o.png_at);
            }
            SrcDecode s2;
            memset(&s2, 0, sizeof(s2));
            s2.s = &src;
            s2.outm = L.m;
            s2.want[0] = k;
            s2.maxwant = k;
            s2.n = 1;
            AVFormatContext *sfc = open_media(pj.screen);
            int vs = sfc ? av_find_best_stream(sfc, AVMEDIA_TYPE_VIDEO, -1, -1, NULL, 0) : -1;
            if (vs < 0)
                die("cannot reopen %s", pj.screen);
            decode_stream(sfc, vs, 2, src_decode_cb, &s2);
            avformat_close_input(&sfc);
            if (!s2.out[0])
                die("source frame %d not decoded", k);
            RefFrame rf;
            ref_build(&L, &src, &bg, s2.out[0], &rf);
            /* read the PNG */
            AVFormatContext *pfc = open_media(o.png);
            if (!pfc) {
                check(0, "frame PNG %s can be read", o.png);
            } else {
                AVCodecContext *c = open_decoder(pfc->streams[0], 1);
                AVPacket *pkt = av_packet_alloc();
                AVFrame *f = av_frame_alloc();
                int got = 0;
                while (c && !got && av_read_frame(pfc, pkt) >= 0) {
                    if (avcodec_send_packet(c, pkt) >= 0 && avcodec_receive_frame(c, f) >= 0)
                        got = 1;
                    av_packet_unref(pkt);
                }
                check(got && pfc->streams[0]->codecpar->codec_id == AV_CODEC_ID_PNG, "frame PNG decodes (%s)",
                      avcodec_get_name(pfc->streams[0]->codecpar->codec_id));
                if (got) {
                    check(f->format == AV_PIX_FMT_RGBA, "frame PNG is RGBA (%s)", av_get_pix_fmt_name(f->format));
                    check(f->width == L.W && f->height == L.H, "frame PNG size %dx%d (want %dx%d)", f->width, f->height,
                          L.W, L.H);
                    if (f->format == AV_PIX_FMT_RGBA && f->width == L.W && f->height == L.H) {
                        double sse = 0, ssec = 0, nlum = 0, nchr = 0;
                        int64_t opaque = 0;
                        int W = L.W, H = L.H;
                        double *cb = xcalloc((size_t)W * 2, sizeof(double)), *cr = xcalloc((size_t)W * 2, sizeof(double));
                        for (int j = 0; j < H; j++) {
                            const uint8_t *row = f->data[0] + (size_t)j * f->linesize[0];
                            for (int i = 0; i < W; i++) {
                                double rgb[3] = { row[4 * i] / 255.0, row[4 * i + 1] / 255.0, row[4 * i + 2] / 255.0 }, yuv[3];
                                rgb_to_yuv(L.m, rgb, yuv);
                                double d = yuv[0] - rf.Y[(size_t)j * W + i];
                                /* a component at 0 or 255 may have been clipped (colours outside
                                 * R'G'B'): its luma cannot be recovered, leave it out */
                                int clipped = 0;
                                for (int k = 0; k < 3; k++)
                                    clipped |= row[4 * i + k] == 0 || row[4 * i + k] == 255;
                                if (!clipped) {
                                    sse += d * d;
                                    nlum++;
                                }
                                opaque += row[4 * i + 3] == 255;
                                cb[(size_t)(j & 1) * W + i] = clipped ? NAN : yuv[1];
                                cr[(size_t)(j & 1) * W + i] = yuv[2];
                            }
                            if (j & 1) {
                                for (int ci = 0; ci < W / 2; ci++) {
                                    int xm = ci ? 2 * ci - 1 : 0, x0 = 2 * ci, xp = 2 * ci + 1 < W ? 2 * ci + 1 : W - 1;
                                    double u = 0, v = 0;
                                    for (int r = 0; r < 2; r++) {
                                        u += (cb[(size_t)r * W + xm] + 2 * cb[(size_t)r * W + x0] + cb[(size_t)r * W + xp]) / 8;
                                        v += (cr[(size_t)r * W + xm] + 2 * cr[(size_t)r * W + x0] + cr[(size_t)r * W + xp]) / 8;
                                    }
                                    size_t oc = (size_t)(j / 2) * (W / 2) + ci;
                                    if (isnan(u)) /* a clipped pixel contributes */
                                        continue;
                                    ssec += (u - rf.U[oc]) * (u - rf.U[oc]) + (v - rf.V[oc]) * (v - rf.V[oc]);
                                    nchr += 2;
                                }
                            }
                        }
                        free(cb);
                        free(cr);
                        if (o.dump) {
                            char path[PATH_MAX];
                            snprintf(path, sizeof(path), "%s-png-diff.pgm", o.dump);
                            FILE *df = fopen(path, "wb");
                            if (df) {
                                fprintf(df, "P5\n%d %d\n255\n", W, H);
                                for (int j = 0; j < H; j++) {
                                    const uint8_t *row = f->data[0] + (size_t)j * f->linesize[0];
                                    for (int i = 0; i < W; i++) {
                                        double rgb[3] = { row[4 * i] / 255.0, row[4 * i + 1] / 255.0,
                                                          row[4 * i + 2] / 255.0 }, yuv[3];
                                        rgb_to_yuv(L.m, rgb, yuv);
                                        fputc((int)clampd(round(128 + 16 * (yuv[0] - rf.Y[(size_t)j * W + i])), 0, 255), df);
                                    }
                                }
                                fclose(df);
                                note("wrote %s", path);
                            }
                        }
                        check(opaque == (int64_t)W * H, "frame PNG fully opaque (%" PRId64 " of %d pixels)", opaque, W * H);
                        double py = psnr_of(sse, nlum), pc = psnr_of(ssec, nchr);
                        check(py >= o.min_psnr && nlum > 0.05 * W * H,
                              "frame PNG at t=%.3f s (source frame %d): PSNR of its luma %.2f dB (min %.1f) over the "
                              "%.1f%% of pixels without a clipped component", o.png_at, k, py, o.min_psnr,
                              100.0 * nlum / ((double)W * H));
                        check(pc >= o.min_psnr - 8, "frame PNG chroma (re-subsampled) PSNR %.2f dB (min %.1f)", pc,
                              o.min_psnr - 8);
                    }
                }
                av_frame_free(&f);
                av_packet_free(&pkt);
                avcodec_free_context(&c);
                avformat_close_input(&pfc);
            }
            ref_free(&rf);
            for (int c = 0; c < 3; c++)
                plane_free(&s2.out[0]->p[c]);
            free(s2.out[0]);
        }
        for (int q = 0; q < sd.n; q++) {
            if (!sd.out[q])
                continue;
            for (int c = 0; c < 3; c++)
                plane_free(&sd.out[q]->p[c]);
            free(sd.out[q]);
        }
        background_free(&bg);
    }
    for (int i = 0; i < nsamples; i++) {
        if (!od.frames[i])
            continue;
        for (int c = 0; c < 3; c++)
            free(od.frames[i]->p[c]);
        free(od.frames[i]);
    }
    free(od.pts);
    free(src.pts);
    free(pj.screen);
    free(pj.audio);
    free(pj.bg_image);
    printf("%s (%.1f s)\n", g_fail ? "FAIL" : "PASS", now_s() - t_start);
    return g_fail ? 1 : 0;
}
