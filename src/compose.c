/* The compositor, in the encoder's format (NV12 or I420) from start to finish.
 *
 * What does not change per frame, the background with its shadow, is rendered once (in
 * double precision) into `stat`, and every pooled output frame starts as a copy of it: the
 * pool recycles buffers, so outside the screen rectangle a frame never needs touching again.
 * Per frame only the screen is scaled into its rectangle and the rows crossing rounded
 * corners are blended with the static layer through coverage masks.
 *
 * Incrementally, only what changed since the previous source frame is rescaled. The pooled
 * buffer a frame is drawn into still holds an older output (its generation, in the buffer's
 * tag), so what the outputs in between changed (remembered for VX_HISTORY outputs) is copied
 * over from the previous output, and nothing else: a still screen costs no copy at all.
 *
 * With threads (vx_compose_set_threads), a frame is drawn in slices of rows: first each
 * slice's source rows (change search, horizontal pass), then, once all are done, each
 * slice's output rows (vertical pass, copies). A scaled screen only; bit-exact either way. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <libavutil/buffer.h>
#include <libavutil/pixdesc.h>

#include "dsp/blend.h"
#include "dsp/diff.h"
#include "internal.h"
#include "scale.h"

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

typedef struct Planes {
    uint8_t *y, *u, *v;
    ptrdiff_t sy, suv;
    int step; /* 2 for NV12 (u, v interleaved), 1 for I420 */
} Planes;

/* Outputs whose changes are remembered: a pooled buffer at most this many outputs old is
 * brought up to date by copying only what changed since; an older one, whole. */
#define VX_HISTORY 8

/* Where an output differs from the one before it, inside the screen rectangle. */
typedef struct Change {
    int64_t seq;  /* the output (VxCompose.frames) this describes; 0: none */
    int full;     /* all of it may have */
    VxSpans y, c; /* per rectangle row, luma and chroma samples: [lo, hi), empty when lo >= hi */
} Change;

/* The tag of a pooled buffer: the output it holds (0: only the static layer). */
typedef struct PoolTag {
    int64_t gen;
} PoolTag;

struct VxCompose {
    VxContext *ctx;
    VxLayout l;
    int fmt; /* AV_PIX_FMT_NV12 or AV_PIX_FMT_YUV420P */
    size_t size;
    uint8_t *stat; /* the static layer, laid out as a frame buffer */
    Planes sp;     /* planes of stat */
    AVBufferPool *pool;
    VxScaleDSP sdsp;
    VxBlendDSP bdsp;
    VxDiffDSP ddsp;
    VxPlaneScaler sy, sc; /* luma and chroma scalers (chroma used for u and v) */
    /* zoom: scalers for the current zoomed view (zoomed), and what the previous output used */
    VxPlaneScaler zy, zc;
    VxZoomView zview;     /* the view zy/zc were built for */
    int have_zoom;
    VxZoomView prev_view;
    int prev_zoomed;      /* previous output used zy/zc */
    VxRect ov_prev[VX_MAX_OVERLAYS]; /* what the overlays drew over the previous output */
    int n_ov_prev;
    int cw, ch;           /* chroma rectangle size */
    /* coverage masks of the corner bands: rows [0, by) and [rh - by, rh) */
    int by, bc;
    uint8_t *my, *mc;     /* (2 * by) x rw and (2 * bc) x cw */
    uint8_t *my_full, *mc_full; /* 1 if that band row is all 255 */
    /* incremental compose: only what changed since the previous source frame is rescaled */
    int incremental;
    AVFrame *prev_src, *prev_out;
    VxSpans chg_y, chg_c;   /* changed samples per source row (luma, chroma) */
    VxSpans wr_y, wr_c;     /* samples written per output row of the rectangle */
    VxScaleKeep ky, ku, kv; /* the kept horizontal pass of each plane */
    uint8_t *force_y, *force_c; /* rectangle rows that cross corners: always redrawn */
    Change hist[VX_HISTORY];    /* the last outputs' changes, by seq % VX_HISTORY */
    VxSpans stale_y, stale_c;   /* scratch: what changed since the buffer's output */
    int64_t frames, reused, rows_total, rows_scaled, rows_copied;
    VxWorkers *workers; /* compose threads besides the caller's; NULL: none */
};

int vx_output_matrix(int height)
{
    return height >= 720 ? VX_MATRIX_BT709 : VX_MATRIX_BT601;
}

/* R'G'B' -> limited-range Y'CbCr coefficients of a matrix, computed once per layer. */
typedef struct YuvCoefs {
    double kr, kg, kb, cb, cr;
} YuvCoefs;

static YuvCoefs yuv_coefs(int matrix)
{
    YuvCoefs k;
    vx_matrix_coefs(matrix, &k.kr, &k.kb);
    k.kg = 1 - k.kr - k.kb;
    k.cb = 224 / (2 * (1 - k.kb));
    k.cr = 224 / (2 * (1 - k.kr));
    return k;
}

static inline void rgb_to_ycbcr(const YuvCoefs *k, VxRGB c, double *y, double *cb, double *cr)
{
    double yy = k->kr * c.r + k->kg * c.g + k->kb * c.b;
    *y = 16 + 219 * yy;
    *cb = 128 + k->cb * (c.b - yy);
    *cr = 128 + k->cr * (c.r - yy);
}

static double round_half_up(double v)
{
    return floor(v + 0.5);
}

int vx_layout_compute(VxContext *ctx, const VxProject *p, const VxSourceInfo *si, VxLayout *l)
{
    memset(l, 0, sizeof(*l));
    const int sw = si->width, sh = si->height;
    l->sw = sw, l->sh = sh;
    if (p->width && p->height) {
        const int W = p->width, H = p->height;
        double m = p->padding * (W < H ? W : H);
        double s = fmin((W - 2 * m) / sw, (H - 2 * m) / sh);
        l->W = W, l->H = H;
        l->rw = (int)round_half_up(sw * s);
        l->rh = (int)round_half_up(sh * s);
        if (l->rw > W)
            l->rw = W;
        if (l->rh > H)
            l->rh = H;
        l->x = 2 * (int)round_half_up((W - l->rw) / 4.0);
        l->y = 2 * (int)round_half_up((H - l->rh) / 4.0);
        if (l->x + l->rw > W)
            l->x = (W - l->rw) & ~1;
        if (l->y + l->rh > H)
            l->y = (H - l->rh) & ~1;
    } else {
        int M = (int)round_half_up(p->padding * (sw < sh ? sw : sh));
        l->W = (sw + 2 * M + 1) & ~1;
        l->H = (sh + 2 * M + 1) & ~1;
        l->rw = sw, l->rh = sh;
        l->x = l->y = 2 * (int)round_half_up(M / 2.0);
        if (l->W > 16384 || l->H > 16384)
            return vx_fail(ctx, VX_ERR(EINVAL), "%s: its %dx%d with padding %.3f makes a %dx%d "
                           "output, larger than 16384 a side: set output.width and "
                           "output.height", p->screen, sw, sh, p->padding, l->W, l->H);
    }
    if (l->rw < 2 || l->rh < 2)
        return vx_fail(ctx, VX_ERR(EINVAL), "%s: the screen (%dx%d) would be %dx%d in the %dx%d "
                       "output with padding %.3f: it needs at least 2x2 pixels (set "
                       "output.width and output.height%s)", p->screen, sw, sh, l->rw, l->rh,
                       l->W, l->H, p->padding, p->padding > 0 ? ", or less padding" : "");
    l->matrix = vx_output_matrix(l->H);
    return 0;
}

double vx_rrect_coverage(double px, double py, double x, double y, double w, double h, double r)
{
    double hw = w / 2, hh = h / 2;
    double qx = fabs(px - (x + hw)) - (hw - r), qy = fabs(py - (y + hh)) - (hh - r);
    double d = hypot(fmax(qx, 0), fmax(qy, 0)) + fmin(fmax(qx, qy), 0) - r;
    double c = 0.5 - d;
    return c < 0 ? 0 : c > 1 ? 1 : c;
}

static double clamp_radius(const VxProject *p, const VxLayout *l)
{
    double r = p->radius, lim = (l->rw < l->rh ? l->rw : l->rh) / 2.0;
    return r > lim ? lim : r;
}

uint8_t vx_q8(double v)
{
    long q = lrint(v);
    return (uint8_t)(q < 0 ? 0 : q > 255 ? 255 : q);
}

static VxRGB gradient_at(const VxProject *p, double t)
{
    const VxGradStop *s = p->stops;
    if (t <= s[0].at)
        return s[0].c;
    for (int i = 1; i < p->n_stops; i++) {
        if (t <= s[i].at) {
            double span = s[i].at - s[i - 1].at;
            double f = span > 0 ? (t - s[i - 1].at) / span : 1.0;
            VxRGB c = {s[i - 1].c.r + f * (s[i].c.r - s[i - 1].c.r),
                       s[i - 1].c.g + f * (s[i].c.g - s[i - 1].c.g),
                       s[i - 1].c.b + f * (s[i].c.b - s[i - 1].c.b)};
            return c;
        }
    }
    return s[p->n_stops - 1].c;
}

/* Shadow alpha over the region where it is not zero. */
typedef struct Shadow {
    float *a;
    int x0, y0, w, h; /* region of the frame covered by a */
} Shadow;

static double shadow_at(const Shadow *s, int x, int y)
{
    x -= s->x0, y -= s->y0;
    if (!s->a || x < 0 || y < 0 || x >= s->w || y >= s->h)
        return 0;
    return s->a[(size_t)y * s->w + x];
}

/* o += k * s over n floats: the blur's inner loop, kept apart so it vectorises */
static __attribute__((noinline)) void saxpy(float *restrict o, const float *restrict s, float k,
                                            int n)
{
    for (int x = 0; x < n; x++)
        o[x] += k * s[x];
}

/* Gaussian blur (sigma in samples) of a W x H float plane, in place. Separable, each pass as
 * tap-outer / pixel-inner loops (they vectorise); beyond the edges samples repeat. */
static int blur_plane(float *a, int W, int H, double sigma)
{
    const int rad = (int)ceil(3 * sigma);
    if (rad < 1)
        return 0;
    float *kf = malloc(sizeof(*kf) * (2 * rad + 1));
    float *pad = malloc(sizeof(*pad) * (size_t)(W + 2 * rad));
    float *b2 = malloc(sizeof(*b2) * (size_t)W * H);
    if (!kf || !pad || !b2) {
        free(kf), free(pad), free(b2);
        return VX_ERR(ENOMEM);
    }
    double ks = 0;
    for (int i = -rad; i <= rad; i++)
        ks += exp(-(i * i) / (2 * sigma * sigma));
    for (int i = -rad; i <= rad; i++)
        kf[i + rad] = (float)(exp(-(i * i) / (2 * sigma * sigma)) / ks);
    for (int y = 0; y < H; y++) {
        float *row = a + (size_t)y * W, *out = b2 + (size_t)y * W;
        for (int x = 0; x < rad; x++)
            pad[x] = row[0], pad[rad + W + x] = row[W - 1];
        memcpy(pad + rad, row, sizeof(*row) * W);
        memset(out, 0, sizeof(*out) * W);
        for (int i = 0; i <= 2 * rad; i++)
            saxpy(out, pad + i, kf[i], W);
    }
    for (int y = 0; y < H; y++) {
        float *out = a + (size_t)y * W;
        memset(out, 0, sizeof(*out) * W);
        for (int i = -rad; i <= rad; i++) {
            int yy = y + i < 0 ? 0 : y + i >= H ? H - 1 : y + i;
            saxpy(out, b2 + (size_t)yy * W, kf[i + rad], W);
        }
    }
    free(kf);
    free(pad);
    free(b2);
    return 0;
}

/* A wide blur is smooth enough to compute on a grid f times coarser: the shape's coverage is
 * averaged over f x f cells, blurred with the sigma that leaves the same total spread once the
 * cell average ((f^2 - 1) / 12) and the bilinear return to full resolution (f^2 / 6) are
 * added, and interpolated back. Its error stays far below a code value. The samples of
 * [kx0, kx1) x [ky0, ky1), not needed, are left as they were. */
static int blur_coarse(float *a, int W, int H, double sigma, int f, int kx0, int kx1, int ky0,
                       int ky1)
{
    const int Wc = (W + f - 1) / f, Hc = (H + f - 1) / f;
    kx0 = kx0 < 0 ? 0 : kx0, kx1 = kx1 > W ? W : kx1;
    float *c = calloc((size_t)Wc * Hc, sizeof(*c));
    if (!c)
        return VX_ERR(ENOMEM);
    for (int y = 0; y < H; y++) {
        const float *row = a + (size_t)y * W;
        float *cr = c + (size_t)(y / f) * Wc;
        for (int u = 0; u < Wc; u++) {
            const int xe = (u + 1) * f < W ? (u + 1) * f : W;
            for (int x = u * f; x < xe; x++)
                cr[u] += row[x];
        }
    }
    for (int v = 0; v < Hc; v++)
        for (int u = 0; u < Wc; u++) {
            int cw = (u + 1) * f > W ? W - u * f : f, ch = (v + 1) * f > H ? H - v * f : f;
            c[(size_t)v * Wc + u] /= (float)(cw * ch);
        }
    double sc = sqrt(sigma * sigma - (3.0 * f * f - 1) / 12.0) / f;
    int ret = blur_plane(c, Wc, Hc, sc);
    if (ret < 0) {
        free(c);
        return ret;
    }
    for (int y = 0; y < H; y++) {
        double vy = (y + 0.5) / f - 0.5;
        int v0 = (int)floor(vy);
        double fy = vy - v0;
        int va = v0 < 0 ? 0 : v0 >= Hc ? Hc - 1 : v0, vb = v0 + 1 >= Hc ? Hc - 1 : v0 + 1 < 0 ? 0 : v0 + 1;
        const int skip = y >= ky0 && y < ky1 && kx0 < kx1;
        for (int x = 0; x < W; x++) {
            if (skip && x == kx0 && (x = kx1) >= W)
                break;
            double ux = (x + 0.5) / f - 0.5;
            int u0 = (int)floor(ux);
            double fx = ux - u0;
            int ua = u0 < 0 ? 0 : u0 >= Wc ? Wc - 1 : u0, ub = u0 + 1 >= Wc ? Wc - 1 : u0 + 1 < 0 ? 0 : u0 + 1;
            double top = c[(size_t)va * Wc + ua] * (1 - fx) + c[(size_t)va * Wc + ub] * fx;
            double bot = c[(size_t)vb * Wc + ua] * (1 - fx) + c[(size_t)vb * Wc + ub] * fx;
            a[(size_t)y * W + x] = (float)(top * (1 - fy) + bot * fy);
        }
    }
    free(c);
    return 0;
}

/* The part of the frame the static layer is never seen in, [x0, x1) x [y0, y1): the screen
 * covers its rectangle in every frame, but for the rows that cross rounded corners (blended
 * with the layer) and a few columns at its edges (output chroma there reads its neighbours).
 * Empty (x0 >= x1 or y0 >= y1) for a small rectangle. */
static void hidden_area(const VxLayout *l, double r, int *x0, int *x1, int *y0, int *y1)
{
    const int band = (int)ceil(r) + 8;
    *y0 = l->y + band, *y1 = l->y + l->rh - band;
    *x0 = l->x + 4, *x1 = l->x + l->rw - 4;
}

static int render_shadow(const VxProject *p, const VxLayout *l, double r, Shadow *sh)
{
    memset(sh, 0, sizeof(*sh));
    if (!p->shadow || p->sh_opacity <= 0)
        return 0;
    const double sigma = p->sh_blur / 2.0;
    const int rad = sigma > 0.05 ? (int)ceil(3 * sigma) : 0;
    const double sx = l->x + p->sh_dx, sy = l->y + p->sh_dy;
    int x0 = (int)floor(sx) - rad - 2, y0 = (int)floor(sy) - rad - 2;
    int x1 = (int)ceil(sx + l->rw) + rad + 2, y1 = (int)ceil(sy + l->rh) + rad + 2;
    x0 = x0 < 0 ? 0 : x0, y0 = y0 < 0 ? 0 : y0;
    x1 = x1 > l->W ? l->W : x1, y1 = y1 > l->H ? l->H : y1;
    if (x1 <= x0 || y1 <= y0)
        return 0;
    const int W = x1 - x0, H = y1 - y0;
    float *a = malloc(sizeof(*a) * (size_t)W * H);
    if (!a)
        return VX_ERR(ENOMEM);
    /* well inside the rectangle (over r + 1 from every edge) the coverage is exactly 1 */
    const double ix0 = sx + r + 1, ix1 = sx + l->rw - r - 1, iy0 = sy + r + 1,
                 iy1 = sy + l->rh - r - 1;
    for (int y = 0; y < H; y++) {
        const double py = y0 + y + 0.5;
        for (int x = 0; x < W; x++) {
            const double px = x0 + x + 0.5;
            a[(size_t)y * W + x] = px > ix0 && px < ix1 && py > iy0 && py < iy1
                                       ? 1.0f
                                       : (float)vx_rrect_coverage(px, py, sx, sy, l->rw,
                                                                  l->rh, r);
        }
    }
    /* the region ends at the frame or where the alpha is zero, so repeating its edge samples
     * is exact: beyond the frame the shape continues */
    const int f = (int)(sigma / 6);
    int hx0, hx1, hy0, hy1; /* where the layer is never seen: no need to interpolate there */
    hidden_area(l, r, &hx0, &hx1, &hy0, &hy1);
    int ret = 0;
    if (rad)
        ret = f >= 2 ? blur_coarse(a, W, H, sigma, f, hx0 - x0, hx1 - x0, hy0 - y0, hy1 - y0)
                     : blur_plane(a, W, H, sigma);
    if (ret < 0) {
        free(a);
        return ret;
    }
    for (size_t i = 0; i < (size_t)W * H; i++)
        a[i] *= (float)p->sh_opacity;
    sh->a = a, sh->x0 = x0, sh->y0 = y0, sh->w = W, sh->h = H;
    return 0;
}

/* Image background scaled to cover W x H, as RGBA. */
static int render_image(VxCompose *c, const VxProject *p, VxImage **out)
{
    VxImage *img = NULL;
    int ret = vx_image_load(c->ctx, p->bg_image, &img);
    if (ret < 0)
        return ret;
    const int W = c->l.W, H = c->l.H;
    VxImage *dst = vx_image_alloc(VX_PIX_RGBA, W, H);
    VxPlaneScaler s;
    double k = fmax((double)W / img->width, (double)H / img->height), r = 1.0 / k;
    double ox = (img->width - W * r) / 2, oy = (img->height - H * r) / 2;
    if (!dst || vx_plane_scaler_init(&s, &c->sdsp, img->width, img->height, W, H, r,
                                     0.5 * r - 0.5 + ox, r, 0.5 * r - 0.5 + oy) < 0) {
        vx_image_free(&img);
        vx_image_free(&dst);
        return VX_ERR(ENOMEM);
    }
    for (int ch = 0; ch < 3; ch++)
        vx_plane_scale(&s, img->data[0] + ch, img->stride[0], 4, dst->data[0] + ch,
                       dst->stride[0], 4);
    vx_plane_scaler_free(&s);
    vx_image_free(&img);
    *out = dst;
    return 0;
}

/* Renders background + shadow into c->stat (double precision, once per export). */
static int render_static(VxCompose *c, const VxProject *p)
{
    const VxLayout *l = &c->l;
    const int W = l->W, H = l->H, cw = (W + 1) / 2;
    const double r = clamp_radius(p, l);
    VxImage *img = NULL;
    int ret = 0;
    if (p->bg_type == VX_BG_IMAGE && (ret = render_image(c, p, &img)) < 0)
        return ret;
    Shadow sh;
    double *cb = malloc(sizeof(double) * 2 * W), *cr = malloc(sizeof(double) * 2 * W);
    if ((ret = render_shadow(p, l, r, &sh)) < 0)
        goto end;
    if (!cb || !cr) {
        ret = VX_ERR(ENOMEM);
        goto end;
    }
    const YuvCoefs yk = yuv_coefs(l->matrix);
    const double ang = p->bg_angle * M_PI / 180.0;
    const double gdx = sin(ang), gdy = -cos(ang);
    const double glen = fabs(W * sin(ang)) + fabs(H * cos(ang));
    /* where the layer is never seen it is left at the buffer's grey */
    int ia, ib, ry0, ry1;
    hidden_area(l, r, &ia, &ib, &ry0, &ry1);
    for (int y = 0; y < H; y++) {
        double *rcb = cb + (y & 1) * W, *rcr = cr + (y & 1) * W;
        uint8_t *py = c->sp.y + y * c->sp.sy;
        const int skip = y >= ry0 && y < ry1 && ia < ib;
        for (int x = 0; x < W; x++) {
            if (skip && x == ia)
                x = ib;
            VxRGB col = p->bg_color;
            if (p->bg_type == VX_BG_GRADIENT) {
                double t = ((x + 0.5 - W / 2.0) * gdx + (y + 0.5 - H / 2.0) * gdy) / glen + 0.5;
                col = gradient_at(p, t);
            } else if (p->bg_type == VX_BG_IMAGE) {
                const uint8_t *px = img->data[0] + y * img->stride[0] + 4 * x;
                col.r = px[0] / 255.0, col.g = px[1] / 255.0, col.b = px[2] / 255.0;
            }
            if (sh.a) {
                double a = shadow_at(&sh, x, y);
                col.r += a * (p->sh_color.r - col.r);
                col.g += a * (p->sh_color.g - col.g);
                col.b += a * (p->sh_color.b - col.b);
            }
            double yy;
            rgb_to_ycbcr(&yk, col, &yy, &rcb[x], &rcr[x]);
            py[x] = vx_q8(yy);
        }
        if ((y & 1) || y == H - 1) {
            /* left-sited 4:2:0: [1 2 1]/4 around the even column, mean of the two rows */
            const int y0 = y & ~1, y1 = y;
            uint8_t *pu = c->sp.u + (y0 / 2) * c->sp.suv, *pv = c->sp.v + (y0 / 2) * c->sp.suv;
            /* chroma i reads columns 2i - 1 .. 2i + 1 of both rows */
            const int cskip = (y0 >= ry0 && y0 < ry1) || (y1 >= ry0 && y1 < ry1);
            for (int i = 0; i < cw; i++) {
                if (cskip && ia < ib && 2 * i + 1 >= ia && 2 * i - 1 < ib)
                    continue;
                double su = 0, sv = 0;
                for (int dy = y0; dy <= y1; dy++) {
                    const double *ru = cb + (dy & 1) * W, *rv = cr + (dy & 1) * W;
                    int xa = 2 * i - 1 < 0 ? 0 : 2 * i - 1, xb = 2 * i, xc = 2 * i + 1 >= W ? W - 1 : 2 * i + 1;
                    su += 0.25 * ru[xa] + 0.5 * ru[xb] + 0.25 * ru[xc];
                    sv += 0.25 * rv[xa] + 0.5 * rv[xb] + 0.25 * rv[xc];
                }
                pu[i * c->sp.step] = vx_q8(su / (y1 - y0 + 1));
                pv[i * c->sp.step] = vx_q8(sv / (y1 - y0 + 1));
            }
        }
    }
end:
    free(cb);
    free(cr);
    free(sh.a);
    vx_image_free(&img);
    return ret;
}

/* Coverage masks for the rows of the rectangle that cross rounded corners (or, for chroma of
 * an odd-height rectangle, its half-covered last row). */
static int build_masks(VxCompose *c, const VxProject *p)
{
    const VxLayout *l = &c->l;
    const double r = clamp_radius(p, l);
    c->by = (int)ceil(r) + 1;
    if (2 * c->by > l->rh)
        c->by = (l->rh + 1) / 2;
    c->bc = (int)ceil(r / 2) + 2;
    if (2 * c->bc > c->ch)
        c->bc = (c->ch + 1) / 2;
    c->my = malloc((size_t)2 * c->by * l->rw);
    c->mc = malloc((size_t)2 * c->bc * c->cw);
    c->my_full = malloc((size_t)2 * c->by);
    c->mc_full = malloc((size_t)2 * c->bc);
    if (!c->my || !c->mc || !c->my_full || !c->mc_full)
        return VX_ERR(ENOMEM);
    for (int b = 0; b < 2 * c->by; b++) {
        int j = b < c->by ? b : l->rh - 2 * c->by + b;
        uint8_t *m = c->my + (size_t)b * l->rw;
        int full = 1;
        for (int i = 0; i < l->rw; i++) {
            m[i] = vx_q8(255 * vx_rrect_coverage(l->x + i + 0.5, l->y + j + 0.5, l->x, l->y, l->rw,
                                           l->rh, r));
            full &= m[i] == 255;
        }
        c->my_full[b] = (uint8_t)full;
    }
    for (int b = 0; b < 2 * c->bc; b++) {
        int j = b < c->bc ? b : c->ch - 2 * c->bc + b;
        uint8_t *m = c->mc + (size_t)b * c->cw;
        int full = 1;
        for (int i = 0; i < c->cw; i++) {
            m[i] = vx_q8(255 * vx_rrect_coverage(l->x + 2 * i + 0.5, l->y + 2 * j + 1.0, l->x, l->y,
                                           l->rw, l->rh, r));
            full &= m[i] == 255;
        }
        c->mc_full[b] = (uint8_t)full;
    }
    return 0;
}

static void set_planes(Planes *pl, uint8_t *buf, int fmt, int W, int H)
{
    pl->sy = (W + 63) & ~63;
    pl->y = buf;
    if (fmt == AV_PIX_FMT_NV12) {
        pl->suv = pl->sy;
        pl->u = buf + pl->sy * H;
        pl->v = pl->u + 1;
        pl->step = 2;
    } else {
        pl->suv = ((W + 1) / 2 + 63) & ~63;
        pl->u = buf + pl->sy * H;
        pl->v = pl->u + pl->suv * ((H + 1) / 2);
        pl->step = 1;
    }
}

/* The strides set_planes() gives, without its pointer arithmetic on NULL (undefined). */
static size_t frame_size(int fmt, int W, int H)
{
    const size_t sy = (size_t)((W + 63) & ~63);
    const size_t suv = fmt == AV_PIX_FMT_NV12 ? sy : (size_t)(((W + 1) / 2 + 63) & ~63);
    const size_t luma = sy * H, ch = suv * ((H + 1) / 2);
    return luma + (fmt == AV_PIX_FMT_NV12 ? ch : 2 * ch);
}

static void pool_free(void *opaque, uint8_t *data)
{
    free(opaque);
    av_free(data);
}

static AVBufferRef *pool_alloc(void *opaque, size_t size)
{
    VxCompose *c = opaque;
    uint8_t *data = av_malloc(size);
    PoolTag *tag = calloc(1, sizeof(*tag));
    AVBufferRef *b = data && tag ? av_buffer_create(data, size, pool_free, tag, 0) : NULL;
    if (!b) {
        av_free(data);
        free(tag);
        return NULL;
    }
    memcpy(b->data, c->stat, c->size); /* the static layer, once per pooled buffer */
    return b;
}

static PoolTag *frame_tag(const AVFrame *f)
{
    return av_buffer_pool_buffer_get_opaque(f->buf[0]);
}

static int spans_alloc(VxSpans *s, int rows)
{
    s->lo = calloc((size_t)rows, sizeof(int));
    s->hi = calloc((size_t)rows, sizeof(int));
    return s->lo && s->hi ? 0 : VX_ERR(ENOMEM);
}

static void spans_free(VxSpans *s)
{
    free(s->lo), free(s->hi);
    s->lo = s->hi = NULL;
}

/* Empties rows [a, b) of s. */
static void spans_clear(VxSpans *s, int a, int b)
{
    memset(s->lo + a, 0, sizeof(int) * (b - a));
    memset(s->hi + a, 0, sizeof(int) * (b - a));
}

/* Widens row j of s to cover [lo, hi). */
static void span_add(VxSpans *s, int j, int lo, int hi)
{
    if (lo >= hi)
        return;
    if (s->lo[j] >= s->hi[j]) {
        s->lo[j] = lo, s->hi[j] = hi;
    } else {
        s->lo[j] = s->lo[j] < lo ? s->lo[j] : lo;
        s->hi[j] = s->hi[j] > hi ? s->hi[j] : hi;
    }
}

/* Luma and chroma scalers that map the source rectangle v (source pixels, fractional) onto
 * the screen rectangle. */
static int scalers_init(VxCompose *c, const VxZoomView *v, VxPlaneScaler *sy, VxPlaneScaler *sc)
{
    const VxLayout *l = &c->l;
    const double rx = v->w / l->rw, ry = v->h / l->rh;
    const double ox = v->x + 0.5 * rx - 0.5, oy = v->y + 0.5 * ry - 0.5;
    if (vx_plane_scaler_init(sy, &c->sdsp, l->sw, l->sh, l->rw, l->rh, rx, ox, ry, oy) < 0)
        return VX_ERR(ENOMEM);
    /* output chroma column i sits at luma 2i (left-sited), row j at luma 2j + 0.5; mapped to
     * source luma by the luma rule, then onto the source's chroma grid (spacing fx, fy,
     * sample 0 at cx, cy): a left-sited 4:2:0 source at native size is exactly a copy */
    const int fx = 1 << l->sub_x, fy = 1 << l->sub_y;
    if (vx_plane_scaler_init(sc, &c->sdsp, (l->sw + fx - 1) / fx, (l->sh + fy - 1) / fy, c->cw,
                             c->ch, 2 * rx / fx, (ox - l->cx) / fx, 2 * ry / fy,
                             (oy + 0.5 * ry - l->cy) / fy) < 0) {
        vx_plane_scaler_free(sy);
        return VX_ERR(ENOMEM);
    }
    return 0;
}

int vx_compose_create(VxContext *ctx, const VxProject *p, const VxLayout *l, int out_fmt,
                      VxCompose **out)
{
    *out = NULL;
    VxCompose *c = calloc(1, sizeof(*c));
    if (!c)
        return VX_ERR(ENOMEM);
    c->ctx = ctx;
    c->l = *l;
    c->fmt = out_fmt;
    c->cw = (l->rw + 1) / 2;
    c->ch = (l->rh + 1) / 2;
    vx_scale_dsp_init(&c->sdsp, ctx->cpu_flags);
    vx_blend_dsp_init(&c->bdsp, ctx->cpu_flags);
    vx_diff_dsp_init(&c->ddsp, ctx->cpu_flags);
    c->size = frame_size(out_fmt, l->W, l->H);
    int ret = VX_ERR(ENOMEM);
    if (posix_memalign((void **)&c->stat, 64, c->size))
        goto fail;
    memset(c->stat, 128, c->size);
    set_planes(&c->sp, c->stat, out_fmt, l->W, l->H);
    if ((ret = render_static(c, p)) < 0)
        goto fail;
    if ((ret = build_masks(c, p)) < 0)
        goto fail;
    ret = VX_ERR(ENOMEM);
    const VxZoomView full = {0, 0, l->sw, l->sh};
    const int fy = 1 << l->sub_y;
    if (scalers_init(c, &full, &c->sy, &c->sc) < 0)
        goto fail;
    c->prev_view = full;
    c->pool = av_buffer_pool_init2(c->size + 64, c, pool_alloc, NULL);
    if (!c->pool)
        goto fail;
    const char *inc = getenv("VEXPORT_INCREMENTAL"); /* "0" turns it off, for tests */
    c->incremental = !(inc && !strcmp(inc, "0")) && !(c->sy.h.identity && c->sy.v.identity);
    if (c->incremental) {
        const int sch = (l->sh + fy - 1) / fy;
        c->force_y = calloc((size_t)l->rh, 1), c->force_c = calloc((size_t)c->ch, 1);
        if (!c->force_y || !c->force_c || spans_alloc(&c->chg_y, l->sh) < 0 ||
            spans_alloc(&c->chg_c, sch) < 0 || spans_alloc(&c->wr_y, l->rh) < 0 ||
            spans_alloc(&c->wr_c, c->ch) < 0 || spans_alloc(&c->stale_y, l->rh) < 0 ||
            spans_alloc(&c->stale_c, c->ch) < 0)
            goto fail;
        for (int i = 0; i < VX_HISTORY; i++)
            if (spans_alloc(&c->hist[i].y, l->rh) < 0 || spans_alloc(&c->hist[i].c, c->ch) < 0)
                goto fail;
        for (int b = 0; b < 2 * c->by; b++)
            c->force_y[b < c->by ? b : l->rh - 2 * c->by + b] = !c->my_full[b];
        for (int b = 0; b < 2 * c->bc; b++)
            c->force_c[b < c->bc ? b : c->ch - 2 * c->bc + b] = !c->mc_full[b];
    }
    *out = c;
    return 0;
fail:
    vx_compose_free(&c);
    return ret;
}

int vx_compose_get_frame(VxCompose *c, AVFrame **out)
{
    AVFrame *f = av_frame_alloc();
    if (!f)
        return VX_ERR(ENOMEM);
    f->buf[0] = av_buffer_pool_get(c->pool);
    if (!f->buf[0]) {
        av_frame_free(&f);
        return VX_ERR(ENOMEM);
    }
    Planes pl;
    set_planes(&pl, f->buf[0]->data, c->fmt, c->l.W, c->l.H);
    f->format = c->fmt;
    f->width = c->l.W;
    f->height = c->l.H;
    f->data[0] = pl.y;
    f->linesize[0] = (int)pl.sy;
    f->data[1] = pl.u;
    f->linesize[1] = (int)pl.suv;
    if (c->fmt != AV_PIX_FMT_NV12) {
        f->data[2] = pl.v;
        f->linesize[2] = (int)pl.suv;
    }
    f->color_range = AVCOL_RANGE_MPEG;
    f->colorspace = c->l.matrix == VX_MATRIX_BT709 ? AVCOL_SPC_BT709 : AVCOL_SPC_SMPTE170M;
    f->color_primaries = c->l.matrix == VX_MATRIX_BT709 ? AVCOL_PRI_BT709 : AVCOL_PRI_SMPTE170M;
    f->color_trc = c->l.matrix == VX_MATRIX_BT709 ? AVCOL_TRC_BT709 : AVCOL_TRC_SMPTE170M;
    f->chroma_location = AVCHROMA_LOC_LEFT;
    *out = f;
    return 0;
}

static void blend_bands(VxCompose *c, uint8_t *dst, const uint8_t *under, ptrdiff_t stride,
                        int step, const uint8_t *masks, const uint8_t *full, int bands,
                        int rows, int w)
{
    for (int b = 0; b < 2 * bands; b++) {
        if (full[b])
            continue;
        int j = b < bands ? b : rows - 2 * bands + b;
        c->bdsp.mask(dst + j * stride, under + j * stride, masks + (size_t)b * w, step, w);
    }
}

/* Planes of a source frame: y, u, v with their strides, and the chroma step (NV12
 * interleaves u and v). */
typedef struct SrcPlanes {
    const uint8_t *y, *u, *v;
    ptrdiff_t sy, su, sv;
    int step;
} SrcPlanes;

static SrcPlanes src_planes(const AVFrame *f)
{
    SrcPlanes p = {f->data[0], f->data[1], f->data[2],
                   f->linesize[0], f->linesize[1], f->linesize[2], 1};
    if (f->format == AV_PIX_FMT_NV12)
        p.v = f->data[1] + 1, p.sv = f->linesize[1], p.step = 2;
    return p;
}

/* Planes of an output frame, and the offsets of the screen rectangle in them. */
static Planes dst_planes(const VxCompose *c, const AVFrame *dst, ptrdiff_t *oy, ptrdiff_t *ouv)
{
    Planes d;
    d.y = dst->data[0], d.sy = dst->linesize[0];
    d.u = dst->data[1], d.suv = dst->linesize[1];
    d.step = c->fmt == AV_PIX_FMT_NV12 ? 2 : 1;
    d.v = d.step == 2 ? d.u + 1 : dst->data[2];
    *oy = c->l.y * d.sy + c->l.x;
    *ouv = (c->l.y / 2) * d.suv + (c->l.x / 2) * d.step;
    return d;
}

/* Blends the rows that cross rounded corners with the static layer (each such row must have
 * been drawn whole, so it blends once). */
static void blend_corners(VxCompose *c, const Planes *d, ptrdiff_t oy, ptrdiff_t ouv)
{
    const VxLayout *l = &c->l;
    blend_bands(c, d->y + oy, c->sp.y + oy, d->sy, 1, c->my, c->my_full, c->by, l->rh, l->rw);
    blend_bands(c, d->u + ouv, c->sp.u + ouv, d->suv, d->step, c->mc, c->mc_full, c->bc, c->ch,
                c->cw);
    blend_bands(c, d->v + ouv, c->sp.v + ouv, d->suv, d->step, c->mc, c->mc_full, c->bc, c->ch,
                c->cw);
}

static void compose_full(VxCompose *c, VxPlaneScaler *sy, VxPlaneScaler *sc, const AVFrame *src,
                         AVFrame *dst)
{
    ptrdiff_t oy, ouv;
    const Planes d = dst_planes(c, dst, &oy, &ouv);
    const SrcPlanes s = src_planes(src);
    vx_plane_scale(sy, s.y, s.sy, 1, d.y + oy, d.sy, 1);
    if (s.step == 2 && d.step == 2) { /* NV12 into NV12: both chroma channels in one pass */
        vx_plane_scale_uv(sc, s.u, s.su, d.u + ouv, d.suv);
    } else if (s.step == 1 && d.step == 2) { /* I420 into NV12 */
        vx_plane_scale_to_uv(sc, s.u, s.su, s.v, s.sv, d.u + ouv, d.suv);
    } else {
        vx_plane_scale(sc, s.u, s.su, s.step, d.u + ouv, d.suv, d.step);
        vx_plane_scale(sc, s.v, s.sv, s.step, d.v + ouv, d.suv, d.step);
    }
    blend_corners(c, &d, oy, ouv);
}

/* Widens the changed spans of source rows [lo, hi) so that every output of the plane in
 * columns [a, b) and rows [r0, r1) (rectangle-relative, in that plane's samples) is
 * recomputed: each of them reads at least one sample marked changed. */
static void mark_outputs(const VxPlaneScaler *s, VxSpans *chg, int a, int b, int r0, int r1,
                         int lo, int hi)
{
    if (a >= b || r0 >= r1)
        return;
    const int x0 = s->h.pos[a], x1 = s->h.pos[b - 1] + s->h.taps;
    int y0 = s->v.pos[r0], y1 = s->v.pos[r1 - 1] + s->v.taps;
    y0 = y0 > lo ? y0 : lo, y1 = y1 < hi ? y1 : hi;
    for (int y = y0; y < y1; y++)
        span_add(chg, y, x0, x1);
}

/* The screen under what the overlays drew over the previous output must be redrawn: marks
 * source rows [y0, y1) and chroma rows [c0, c1). */
static void mark_overlays(VxCompose *c, const VxPlaneScaler *sy, const VxPlaneScaler *sc,
                          int y0, int y1, int c0, int c1)
{
    const VxLayout *l = &c->l;
    for (int i = 0; i < c->n_ov_prev; i++) {
        const VxRect *r = &c->ov_prev[i];
        int a = r->x0 - l->x, b = r->x1 - l->x, r0 = r->y0 - l->y, r1 = r->y1 - l->y;
        a = a < 0 ? 0 : a, r0 = r0 < 0 ? 0 : r0;
        b = b > l->rw ? l->rw : b, r1 = r1 > l->rh ? l->rh : r1;
        if (a >= b || r0 >= r1)
            continue;
        mark_outputs(sy, &c->chg_y, a, b, r0, r1, y0, y1);
        /* chroma sample i covers luma columns 2i - 1 .. 2i + 1 (left-sited), rows 2j, 2j + 1 */
        int ca = a / 2, cb = (b + 2) / 2, cr0 = r0 / 2, cr1 = (r1 + 1) / 2;
        mark_outputs(sc, &c->chg_c, ca, cb > c->cw ? c->cw : cb, cr0, cr1 > c->ch ? c->ch : cr1,
                     c0, c1);
    }
}

/* The samples of row a that differ from row b (n samples `step` bytes apart), as [lo, hi). */
static void changed_span(const VxCompose *c, const uint8_t *a, const uint8_t *b, int n, int step,
                         int *lo, int *hi)
{
    int l, r;
    c->ddsp.span(a, b, (n - 1) * step + 1, &l, &r);
    *lo = l / step;
    *hi = l < r ? (r - 1) / step + 1 : 0;
}

/* Copies samples [a, b) of an output row (`step` bytes apart) from the previous output,
 * except those in [lo, hi), just written. */
static void copy_around(uint8_t *d, const uint8_t *prev, int step, int a, int b, int lo, int hi)
{
    if (lo < hi) {
        const int e = b < lo ? b : lo, s = a > hi ? a : hi; /* left of it, right of it */
        if (a < e)
            memcpy(d + (ptrdiff_t)a * step, prev + (ptrdiff_t)a * step, (size_t)(e - a) * step);
        if (s < b)
            memcpy(d + (ptrdiff_t)s * step, prev + (ptrdiff_t)s * step, (size_t)(b - s) * step);
    } else if (a < b) {
        memcpy(d + (ptrdiff_t)a * step, prev + (ptrdiff_t)a * step, (size_t)(b - a) * step);
    }
}

/* Into stale_y/stale_c: what the outputs after `gen` (the one a pooled buffer holds) up to the
 * previous one changed, that is where the buffer differs from the previous output. Returns 0
 * when that is not known: a fresh buffer, one older than the history, or a change of all. */
static int stale_since(VxCompose *c, int64_t gen)
{
    const int64_t n = c->frames; /* the output being drawn */
    if (gen < 1 || n - 1 - gen > VX_HISTORY)
        return 0;
    spans_clear(&c->stale_y, 0, c->l.rh);
    spans_clear(&c->stale_c, 0, c->ch);
    for (int64_t k = gen + 1; k < n; k++) {
        const Change *h = &c->hist[k % VX_HISTORY];
        if (h->seq != k || h->full)
            return 0;
        for (int j = 0; j < c->l.rh; j++)
            span_add(&c->stale_y, j, h->y.lo[j], h->y.hi[j]);
        for (int j = 0; j < c->ch; j++)
            span_add(&c->stale_c, j, h->c.lo[j], h->c.hi[j]);
    }
    return 1;
}

/* Remembers where output c->frames differs from the one before: anywhere (full), the spans
 * just written (written), or nowhere. What the overlays drew needs no entry of its own: the
 * next output redraws the screen under it (mark_overlays), so it is in that output's spans. */
static void remember(VxCompose *c, int full, int written)
{
    Change *h = &c->hist[c->frames % VX_HISTORY];
    h->seq = c->frames;
    h->full = full;
    if (full)
        return;
    if (written) {
        memcpy(h->y.lo, c->wr_y.lo, sizeof(int) * c->l.rh);
        memcpy(h->y.hi, c->wr_y.hi, sizeof(int) * c->l.rh);
        memcpy(h->c.lo, c->wr_c.lo, sizeof(int) * c->ch);
        memcpy(h->c.hi, c->wr_c.hi, sizeof(int) * c->ch);
    } else {
        spans_clear(&h->y, 0, c->l.rh);
        spans_clear(&h->c, 0, c->ch);
    }
}

/* 1 when a and b are the same decoded frame (one buffer: a lower source frame rate repeats
 * it). */
static int same_frame(const AVFrame *a, const AVFrame *b)
{
    return a->buf[0] && b->buf[0] && a->buf[0]->buffer == b->buf[0]->buffer &&
           a->data[0] == b->data[0];
}

/* The changed span of source rows [y0, y1) and chroma rows [c0, c1) (u and v share theirs:
 * NV12 rows hold both anyway). */
static void find_changes(VxCompose *c, const SrcPlanes *s, const SrcPlanes *p, int scw, int y0,
                         int y1, int c0, int c1)
{
    const VxLayout *l = &c->l;
    for (int y = y0; y < y1; y++)
        changed_span(c, s->y + y * s->sy, p->y + y * p->sy, l->sw, 1, &c->chg_y.lo[y],
                     &c->chg_y.hi[y]);
    for (int y = c0; y < c1; y++) {
        int lo, hi, lo2, hi2;
        if (s->step == 2) { /* NV12: one pass over the interleaved row */
            changed_span(c, s->u + y * s->su, p->u + y * p->su, 2 * scw, 1, &lo, &hi);
            c->chg_c.lo[y] = lo / 2, c->chg_c.hi[y] = (hi + 1) / 2;
            continue;
        }
        changed_span(c, s->u + y * s->su, p->u + y * p->su, scw, s->step, &c->chg_c.lo[y],
                     &c->chg_c.hi[y]);
        changed_span(c, s->v + y * s->sv, p->v + y * p->sv, scw, s->step, &lo2, &hi2);
        span_add(&c->chg_c, y, lo2, hi2);
    }
}

#define VX_MAX_SLICES 16 /* compose threads at most */

/* One output drawn incrementally (or whole, through the kept passes), in slices of rows: the
 * source rows' change search and horizontal passes, then the output rows' vertical passes and
 * copies. Each slice runs on its own thread. */
typedef struct Slices {
    VxCompose *c;
    SrcPlanes s, p;
    int scw, sch;
    int whole; /* every sample is redrawn: no change search, nothing copied */
    int same;  /* the same source frame as the previous output's */
    VxScaleJob job[3]; /* luma, then one (NV12 pairs) or two chroma planes */
    int n_jobs;
    Planes d;
    ptrdiff_t oy, ouv;
    int aged; /* stale_y/stale_c tell what to copy; else all that was not written */
    int64_t scaled[VX_MAX_SLICES], copied[VX_MAX_SLICES];
} Slices;

/* Rows [*a, *b) of n for slice i of k. */
static void slice_rows(int n, int i, int k, int *a, int *b)
{
    *a = (int)((int64_t)n * i / k);
    *b = (int)((int64_t)n * (i + 1) / k);
}

static void slice_source(void *opaque, int i, int k)
{
    Slices *f = opaque;
    VxCompose *c = f->c;
    int y0, y1, c0, c1;
    slice_rows(c->l.sh, i, k, &y0, &y1);
    slice_rows(f->sch, i, k, &c0, &c1);
    if (!f->whole) {
        if (f->same) { /* redrawn only for the overlays: nothing to compare */
            spans_clear(&c->chg_y, y0, y1);
            spans_clear(&c->chg_c, c0, c1);
        } else {
            find_changes(c, &f->s, &f->p, f->scw, y0, y1, c0, c1);
        }
        mark_overlays(c, f->job[0].s, f->job[1].s, y0, y1, c0, c1);
    }
    vx_scale_job_h(&f->job[0], y0, y1);
    for (int q = 1; q < f->n_jobs; q++)
        vx_scale_job_h(&f->job[q], c0, c1);
}

static void slice_output(void *opaque, int i, int k)
{
    Slices *f = opaque;
    VxCompose *c = f->c;
    const VxLayout *l = &c->l;
    int j0, j1, q0, q1;
    slice_rows(l->rh, i, k, &j0, &j1);
    slice_rows(c->ch, i, k, &q0, &q1);
    vx_scale_job_v(&f->job[0], j0, j1);
    for (int q = 1; q < f->n_jobs; q++)
        vx_scale_job_v(&f->job[q], q0, q1);
    if (f->whole)
        return;
    /* what was not rewritten comes from the previous output, where the buffer's older output
     * differs from it (u and v were written over the same spans, so for NV12 one copy per row
     * keeps both) */
    const Planes *d = &f->d;
    const AVFrame *po = c->prev_out;
    const uint8_t *py = po->data[0] + f->oy;
    for (int j = j0; j < j1; j++) {
        const int a = f->aged ? c->stale_y.lo[j] : 0, b = f->aged ? c->stale_y.hi[j] : l->rw;
        const int lo = c->wr_y.lo[j], hi = c->wr_y.hi[j];
        copy_around(d->y + f->oy + j * d->sy, py + j * d->sy, 1, a, b, lo, hi);
        f->scaled[i] += lo < hi;
        f->copied[i] += a < b && (lo >= hi || a < lo || b > hi);
    }
    for (int j = q0; j < q1; j++) {
        const ptrdiff_t o = f->ouv + j * d->suv;
        const int a = f->aged ? c->stale_c.lo[j] : 0, b = f->aged ? c->stale_c.hi[j] : c->cw;
        if (d->step == 2) {
            copy_around(d->u + o, po->data[1] + o, 2, a, b, c->wr_c.lo[j], c->wr_c.hi[j]);
        } else {
            copy_around(d->u + o, po->data[1] + o, 1, a, b, c->wr_c.lo[j], c->wr_c.hi[j]);
            copy_around(d->v + o, po->data[2] + o, 1, a, b, c->wr_c.lo[j], c->wr_c.hi[j]);
        }
    }
}

/* Draws src into dst: only what changed since the previous source frame, and the rest kept
 * from the previous output (bit-exact with compose_full), or, whole = 1, all of it through the
 * kept horizontal passes (which then hold this frame). In slices on the compositor's threads
 * when it has them. */
static int compose_sliced(VxCompose *c, VxPlaneScaler *sy, VxPlaneScaler *sc,
                          const AVFrame *src, AVFrame *dst, int whole)
{
    const VxLayout *l = &c->l;
    Slices f = {.c = c, .whole = whole};
    f.s = src_planes(src);
    f.p = whole ? f.s : src_planes(c->prev_src);
    const int fx = 1 << l->sub_x, fy = 1 << l->sub_y;
    f.scw = (l->sw + fx - 1) / fx, f.sch = (l->sh + fy - 1) / fy;
    f.same = !whole && same_frame(src, c->prev_src);
    f.d = dst_planes(c, dst, &f.oy, &f.ouv);
    if (whole)
        c->ky.valid = c->ku.valid = c->kv.valid = 0;
    const SrcPlanes *s = &f.s;
    const Planes *d = &f.d;
    f.job[0] = (VxScaleJob){sy, &c->ky, s->y, s->sy, 1, 1, &c->chg_y, c->force_y, d->y + f.oy,
                            d->sy, 1, &c->wr_y, 0};
    if (s->step == 2 && d->step == 2) { /* NV12 into NV12: u and v in one pass */
        f.job[1] = (VxScaleJob){sc, &c->ku, s->u, s->su, 2, 2, &c->chg_c, c->force_c,
                                d->u + f.ouv, d->suv, 1, &c->wr_c, 0};
        f.n_jobs = 2;
    } else {
        f.job[1] = (VxScaleJob){sc, &c->kv, s->v, s->sv, s->step, 1, &c->chg_c, c->force_c,
                                d->v + f.ouv, d->suv, d->step, &c->wr_c, 0};
        f.job[2] = (VxScaleJob){sc, &c->ku, s->u, s->su, s->step, 1, &c->chg_c, c->force_c,
                                d->u + f.ouv, d->suv, d->step, &c->wr_c, 0};
        f.n_jobs = 3;
    }
    for (int q = 0; q < f.n_jobs; q++)
        if (vx_scale_job_begin(&f.job[q]) < 0)
            return VX_ERR(ENOMEM);
    f.aged = !whole && stale_since(c, frame_tag(dst)->gen);
    /* the vertical pass keeps its row pointers on the stack up to VX_SCALE_JOB_MAX_TAPS */
    VxWorkers *w = sy->v.taps <= VX_SCALE_JOB_MAX_TAPS && sc->v.taps <= VX_SCALE_JOB_MAX_TAPS
                       ? c->workers : NULL;
    static const VxTaskFn phases[2] = {slice_source, slice_output};
    vx_workers_run(w, phases, 2, &f);
    for (int q = 0; q < f.n_jobs; q++)
        vx_scale_job_end(&f.job[q]);
    if (!whole) {
        for (int i = 0; i < VX_MAX_SLICES; i++)
            c->rows_scaled += f.scaled[i], c->rows_copied += f.copied[i];
        c->rows_total += l->rh;
    }
    blend_corners(c, d, f.oy, f.ouv); /* corner rows were redrawn whole (force) */
    return 0;
}

static int same_view(const VxZoomView *a, const VxZoomView *b)
{
    return a->x == b->x && a->y == b->y && a->w == b->w && a->h == b->h;
}

/* Copies the rectangle r of the static layer into dst, outside the screen rectangle. */
static void restore_static(VxCompose *c, AVFrame *dst, VxRect r)
{
    const VxLayout *l = &c->l;
    r.x0 &= ~1, r.y0 &= ~1;
    r.x0 = r.x0 < 0 ? 0 : r.x0, r.y0 = r.y0 < 0 ? 0 : r.y0;
    r.x1 = r.x1 > l->W ? l->W : r.x1, r.y1 = r.y1 > l->H ? l->H : r.y1;
    if (r.x0 >= r.x1 || r.y0 >= r.y1)
        return;
    ptrdiff_t oy, ouv;
    const Planes d = dst_planes(c, dst, &oy, &ouv);
    for (int y = r.y0; y < r.y1; y++) {
        const int in_rows = y >= l->y && y < l->y + l->rh;
        /* the screen's columns on this row are drawn by the compositor; the rest is static */
        const int spans[2][2] = {{r.x0, in_rows ? (l->x < r.x1 ? l->x : r.x1) : r.x1},
                                 {in_rows ? (l->x + l->rw > r.x0 ? l->x + l->rw : r.x0) : r.x1,
                                  r.x1}};
        for (int k = 0; k < 2; k++) {
            int a = spans[k][0], b = spans[k][1];
            if (a >= b)
                continue;
            memcpy(d.y + y * d.sy + a, c->sp.y + y * c->sp.sy + a, (size_t)(b - a));
            if (y & 1)
                continue;
            /* chroma of the 2x2 blocks of these columns (the screen starts on even x) */
            const int ca = (a + 1) / 2, cb = (b + 1) / 2;
            const ptrdiff_t o = (y / 2) * d.suv;
            if (d.step == 2) {
                memcpy(d.u + o + 2 * ca, c->sp.u + o + 2 * ca, (size_t)(cb - ca) * 2);
            } else {
                memcpy(d.u + o + ca, c->sp.u + o + ca, (size_t)(cb - ca));
                memcpy(d.v + o + ca, c->sp.v + o + ca, (size_t)(cb - ca));
            }
        }
    }
}

int vx_compose_next(VxCompose *c, const AVFrame *src, const VxZoomView *view,
                    const VxOverlay *ov, int n_ov, double t, AVFrame **out)
{
    const VxLayout *l = &c->l;
    *out = NULL;
    if (src->width != l->sw || src->height != l->sh)
        return vx_fail(c->ctx, VX_ERR(EINVAL), "the recording changes size mid-stream "
                       "(%dx%d, was %dx%d); not supported", src->width, src->height, l->sw, l->sh);
    const AVPixFmtDescriptor *sd = av_pix_fmt_desc_get(src->format);
    if (!sd || sd->log2_chroma_w != l->sub_x || sd->log2_chroma_h != l->sub_y)
        return vx_fail(c->ctx, VX_ERR(EINVAL), "internal: source frame layout changed");
    if (n_ov > VX_MAX_OVERLAYS)
        return VX_ERR(EINVAL);
    const VxZoomView full = {0, 0, l->sw, l->sh};
    if (!view)
        view = &full;
    const int zoomed = !same_view(view, &full);
    const int view_changed = !same_view(view, &c->prev_view);
    c->frames++;
    if (!n_ov && !c->n_ov_prev && !view_changed && c->prev_out && c->prev_src &&
        same_frame(src, c->prev_src)) {
        /* the same source frame again (a lower source frame rate): the same picture */
        c->reused++;
        remember(c, 0, 0);
        *out = av_frame_clone(c->prev_out);
        return *out ? 0 : VX_ERR(ENOMEM);
    }
    if (zoomed && (!c->have_zoom || !same_view(view, &c->zview))) {
        if (c->have_zoom) {
            vx_plane_scaler_free(&c->zy);
            vx_plane_scaler_free(&c->zc);
            c->have_zoom = 0;
        }
        if (scalers_init(c, view, &c->zy, &c->zc) < 0)
            return VX_ERR(ENOMEM);
        c->have_zoom = 1;
        c->zview = *view;
    }
    VxPlaneScaler *sy = zoomed ? &c->zy : &c->sy, *sc = zoomed ? &c->zc : &c->sc;
    AVFrame *dst = NULL;
    int ret = vx_compose_get_frame(c, &dst);
    if (ret < 0)
        return ret;
    if (view_changed || zoomed != c->prev_zoomed)
        c->ky.valid = c->ku.valid = c->kv.valid = 0; /* kept passes of another scaler */
    const int changed = c->incremental && !view_changed && c->prev_out && c->prev_src &&
                        c->prev_src->format == src->format;
    if (changed)
        ret = compose_sliced(c, sy, sc, src, dst, 0);
    else if (c->incremental && c->workers) /* slices on several threads */
        ret = compose_sliced(c, sy, sc, src, dst, 1);
    else
        compose_full(c, sy, sc, src, dst);
    if (ret < 0) {
        av_frame_free(&dst);
        return ret;
    }
    /* overlays: what they may draw outside the screen comes back from the static layer (a
     * pooled buffer still holds an older frame's overlays there), then they draw */
    VxView v = {view->x, view->y, l->rw / view->w, l->x, l->y, l->x, l->y, l->x + l->rw,
                l->y + l->rh};
    c->n_ov_prev = 0;
    for (int i = 0; i < n_ov; i++)
        restore_static(c, dst, ov[i].outside);
    for (int i = 0; i < n_ov; i++) {
        VxRect drawn = {0, 0, 0, 0};
        if ((ret = ov[i].draw(ov[i].opaque, t, &v, dst, &drawn)) < 0) {
            av_frame_free(&dst);
            return ret;
        }
        if (drawn.x0 < drawn.x1 && drawn.y0 < drawn.y1)
            c->ov_prev[c->n_ov_prev++] = drawn;
    }
    c->prev_view = *view;
    c->prev_zoomed = zoomed;
    if (c->incremental) {
        remember(c, !changed, 1);
        frame_tag(dst)->gen = c->frames;
        av_frame_free(&c->prev_out);
        av_frame_free(&c->prev_src);
        c->prev_out = av_frame_clone(dst);
        c->prev_src = av_frame_clone(src);
        if (!c->prev_out || !c->prev_src) {
            av_frame_free(&dst);
            return VX_ERR(ENOMEM);
        }
    }
    *out = dst;
    return 0;
}

void vx_compose_stats(const VxCompose *c, int64_t *frames, int64_t *reused, double *rows_scaled,
                      double *rows_copied)
{
    *frames = c->frames;
    *reused = c->reused;
    *rows_scaled = c->rows_total ? (double)c->rows_scaled / c->rows_total : 1.0;
    *rows_copied = c->rows_total ? (double)c->rows_copied / c->rows_total : 0.0;
}

int vx_compose_set_threads(VxCompose *c, int n)
{
    vx_workers_free(&c->workers);
    n = n > VX_MAX_SLICES ? VX_MAX_SLICES : n;
    return c->incremental ? vx_workers_create(n, &c->workers) : 0;
}

int vx_compose_threads(const VxCompose *c)
{
    return vx_workers_count(c->workers);
}

void vx_compose_free(VxCompose **pc)
{
    if (!pc || !*pc)
        return;
    VxCompose *c = *pc;
    vx_workers_free(&c->workers);
    av_frame_free(&c->prev_src);
    av_frame_free(&c->prev_out);
    spans_free(&c->chg_y), spans_free(&c->chg_c), spans_free(&c->wr_y), spans_free(&c->wr_c);
    free(c->force_y), free(c->force_c);
    vx_scale_keep_free(&c->ky), vx_scale_keep_free(&c->ku), vx_scale_keep_free(&c->kv);
    spans_free(&c->stale_y), spans_free(&c->stale_c);
    for (int i = 0; i < VX_HISTORY; i++)
        spans_free(&c->hist[i].y), spans_free(&c->hist[i].c);
    av_buffer_pool_uninit(&c->pool);
    vx_plane_scaler_free(&c->sy);
    vx_plane_scaler_free(&c->sc);
    vx_plane_scaler_free(&c->zy);
    vx_plane_scaler_free(&c->zc);
    free(c->stat);
    free(c->my);
    free(c->mc);
    free(c->my_full);
    free(c->mc_full);
    free(c);
    *pc = NULL;
}
