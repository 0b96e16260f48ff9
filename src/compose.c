/* The compositor, in the encoder's format (NV12 or I420) from start to finish.
 *
 * What does not change per frame, the background with its shadow, is rendered once (in
 * double precision) into `stat`, and every pooled output frame starts as a copy of it: the
 * pool recycles buffers, so outside the screen rectangle a frame never needs touching again.
 * Per frame only the screen is scaled into its rectangle and the rows crossing rounded
 * corners are blended with the static layer through coverage masks. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <libavutil/buffer.h>
#include <libavutil/pixdesc.h>

#include "dsp/blend.h"
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
    VxPlaneScaler sy, sc; /* luma and chroma scalers (chroma used for u and v) */
    int cw, ch;           /* chroma rectangle size */
    /* coverage masks of the corner bands: rows [0, by) and [rh - by, rh) */
    int by, bc;
    uint8_t *my, *mc;     /* (2 * by) x rw and (2 * bc) x cw */
    uint8_t *my_full, *mc_full; /* 1 if that band row is all 255 */
};

int vx_output_matrix(int height)
{
    return height >= 720 ? VX_MATRIX_BT709 : VX_MATRIX_BT601;
}

void vx_rgb_to_ycbcr(int matrix, VxRGB c, double *y, double *cb, double *cr)
{
    double kr, kb;
    vx_matrix_coefs(matrix, &kr, &kb);
    double yy = kr * c.r + (1 - kr - kb) * c.g + kb * c.b;
    *y = 16 + 219 * yy;
    *cb = 128 + 224 * (c.b - yy) / (2 * (1 - kb));
    *cr = 128 + 224 * (c.r - yy) / (2 * (1 - kr));
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
            return vx_fail(ctx, VX_ERR(EINVAL), "output size %dx%d is too large", l->W, l->H);
    }
    if (l->rw < 2 || l->rh < 2)
        return vx_fail(ctx, VX_ERR(EINVAL), "padding %.3f leaves no room for the screen in %dx%d",
                       p->padding, l->W, l->H);
    l->matrix = vx_output_matrix(l->H);
    return 0;
}

static double rrect_coverage(double px, double py, double x, double y, double w, double h,
                             double r)
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

static uint8_t q8(double v)
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
    double *k = malloc(sizeof(*k) * (2 * rad + 1));
    if (!a || !k) {
        free(a), free(k);
        return VX_ERR(ENOMEM);
    }
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++)
            a[(size_t)y * W + x] =
                (float)rrect_coverage(x0 + x + 0.5, y0 + y + 0.5, sx, sy, l->rw, l->rh, r);
    if (rad) {
        double ks = 0;
        for (int i = -rad; i <= rad; i++)
            ks += k[i + rad] = exp(-(i * i) / (2 * sigma * sigma));
        float *kf = malloc(sizeof(*kf) * (2 * rad + 1));
        float *pad = malloc(sizeof(*pad) * (size_t)(W + 2 * rad));
        float *b2 = malloc(sizeof(*b2) * (size_t)W * H);
        if (!kf || !pad || !b2) {
            free(kf), free(pad), free(b2), free(a), free(k);
            return VX_ERR(ENOMEM);
        }
        for (int i = 0; i <= 2 * rad; i++)
            kf[i] = (float)(k[i] / ks);
        /* Separable, each pass as tap-outer / pixel-inner loops (they vectorise). Beyond the
         * frame the shape continues (edge samples repeat); the region ends either at the frame
         * or where the alpha is zero, so repeating its edge is exact. */
        for (int y = 0; y < H; y++) {
            float *row = a + (size_t)y * W, *out = b2 + (size_t)y * W;
            for (int x = 0; x < rad; x++)
                pad[x] = row[0], pad[rad + W + x] = row[W - 1];
            memcpy(pad + rad, row, sizeof(*row) * W);
            memset(out, 0, sizeof(*out) * W);
            for (int i = 0; i <= 2 * rad; i++) {
                const float kk = kf[i], *src = pad + i;
                for (int x = 0; x < W; x++)
                    out[x] += kk * src[x];
            }
        }
        for (int y = 0; y < H; y++) {
            float *out = a + (size_t)y * W;
            memset(out, 0, sizeof(*out) * W);
            for (int i = -rad; i <= rad; i++) {
                int yy = y + i < 0 ? 0 : y + i >= H ? H - 1 : y + i;
                const float kk = kf[i + rad], *src = b2 + (size_t)yy * W;
                for (int x = 0; x < W; x++)
                    out[x] += kk * src[x];
            }
        }
        free(kf);
        free(pad);
        free(b2);
    }
    free(k);
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
    const double ang = p->bg_angle * M_PI / 180.0;
    const double gdx = sin(ang), gdy = -cos(ang);
    const double glen = fabs(W * sin(ang)) + fabs(H * cos(ang));
    for (int y = 0; y < H; y++) {
        double *rcb = cb + (y & 1) * W, *rcr = cr + (y & 1) * W;
        uint8_t *py = c->sp.y + y * c->sp.sy;
        for (int x = 0; x < W; x++) {
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
            vx_rgb_to_ycbcr(l->matrix, col, &yy, &rcb[x], &rcr[x]);
            py[x] = q8(yy);
        }
        if ((y & 1) || y == H - 1) {
            /* left-sited 4:2:0: [1 2 1]/4 around the even column, mean of the two rows */
            const int y0 = y & ~1, y1 = y;
            uint8_t *pu = c->sp.u + (y0 / 2) * c->sp.suv, *pv = c->sp.v + (y0 / 2) * c->sp.suv;
            for (int i = 0; i < cw; i++) {
                double su = 0, sv = 0;
                for (int dy = y0; dy <= y1; dy++) {
                    const double *ru = cb + (dy & 1) * W, *rv = cr + (dy & 1) * W;
                    int xa = 2 * i - 1 < 0 ? 0 : 2 * i - 1, xb = 2 * i, xc = 2 * i + 1 >= W ? W - 1 : 2 * i + 1;
                    su += 0.25 * ru[xa] + 0.5 * ru[xb] + 0.25 * ru[xc];
                    sv += 0.25 * rv[xa] + 0.5 * rv[xb] + 0.25 * rv[xc];
                }
                pu[i * c->sp.step] = q8(su / (y1 - y0 + 1));
                pv[i * c->sp.step] = q8(sv / (y1 - y0 + 1));
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
            m[i] = q8(255 * rrect_coverage(l->x + i + 0.5, l->y + j + 0.5, l->x, l->y, l->rw,
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
            m[i] = q8(255 * rrect_coverage(l->x + 2 * i + 0.5, l->y + 2 * j + 1.0, l->x, l->y,
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

static size_t frame_size(int fmt, int W, int H)
{
    Planes pl;
    set_planes(&pl, NULL, fmt, W, H);
    size_t luma = (size_t)pl.sy * H, ch = (size_t)pl.suv * ((H + 1) / 2);
    return luma + (fmt == AV_PIX_FMT_NV12 ? ch : 2 * ch);
}

static AVBufferRef *pool_alloc(void *opaque, size_t size)
{
    VxCompose *c = opaque;
    AVBufferRef *b = av_buffer_alloc(size);
    if (b)
        memcpy(b->data, c->stat, c->size); /* the static layer, once per pooled buffer */
    return b;
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
    const double rx = (double)l->sw / l->rw, ry = (double)l->sh / l->rh;
    ret = VX_ERR(ENOMEM);
    if (vx_plane_scaler_init(&c->sy, &c->sdsp, l->sw, l->sh, l->rw, l->rh, rx, 0.5 * rx - 0.5,
                             ry, 0.5 * ry - 0.5) < 0)
        goto fail;
    /* output chroma column i sits at luma 2i (left-sited), row j at luma 2j + 0.5; mapped to
     * source luma by the luma rule, then onto the source's chroma grid (spacing fx, fy,
     * sample 0 at cx, cy): a left-sited 4:2:0 source at native size is exactly a copy */
    const int fx = 1 << l->sub_x, fy = 1 << l->sub_y;
    if (vx_plane_scaler_init(&c->sc, &c->sdsp, (l->sw + fx - 1) / fx, (l->sh + fy - 1) / fy,
                             c->cw, c->ch, 2 * rx / fx, (0.5 * rx - 0.5 - l->cx) / fx,
                             2 * ry / fy, (ry - 0.5 - l->cy) / fy) < 0)
        goto fail;
    c->pool = av_buffer_pool_init2(c->size + 64, c, pool_alloc, NULL);
    if (!c->pool)
        goto fail;
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

int vx_compose_frame(VxCompose *c, const AVFrame *src, AVFrame *dst)
{
    const VxLayout *l = &c->l;
    if (src->width != l->sw || src->height != l->sh)
        return vx_fail(c->ctx, VX_ERR(EINVAL), "the recording changes size mid-stream "
                       "(%dx%d, was %dx%d); not supported", src->width, src->height, l->sw, l->sh);
    Planes d;
    d.y = dst->data[0], d.sy = dst->linesize[0];
    d.u = dst->data[1], d.suv = dst->linesize[1];
    d.step = c->fmt == AV_PIX_FMT_NV12 ? 2 : 1;
    d.v = d.step == 2 ? d.u + 1 : dst->data[2];
    const AVPixFmtDescriptor *sd = av_pix_fmt_desc_get(src->format);
    if (!sd || sd->log2_chroma_w != l->sub_x || sd->log2_chroma_h != l->sub_y)
        return vx_fail(c->ctx, VX_ERR(EINVAL), "internal: source frame layout changed");
    const int s_nv12 = src->format == AV_PIX_FMT_NV12;
    const uint8_t *su = src->data[1], *sv = s_nv12 ? src->data[1] + 1 : src->data[2];
    const int sstep = s_nv12 ? 2 : 1;
    const ptrdiff_t oy = l->y * d.sy + l->x, ouv = (l->y / 2) * d.suv + (l->x / 2) * d.step;

    vx_plane_scale(&c->sy, src->data[0], src->linesize[0], 1, d.y + oy, d.sy, 1);
    vx_plane_scale(&c->sc, su, src->linesize[1], sstep, d.u + ouv, d.suv, d.step);
    vx_plane_scale(&c->sc, sv, s_nv12 ? src->linesize[1] : src->linesize[2], sstep, d.v + ouv,
                   d.suv, d.step);

    blend_bands(c, d.y + oy, c->sp.y + oy, d.sy, 1, c->my, c->my_full, c->by, l->rh, l->rw);
    blend_bands(c, d.u + ouv, c->sp.u + ouv, d.suv, d.step, c->mc, c->mc_full, c->bc, c->ch, c->cw);
    blend_bands(c, d.v + ouv, c->sp.v + ouv, d.suv, d.step, c->mc, c->mc_full, c->bc, c->ch, c->cw);
    return 0;
}

void vx_compose_free(VxCompose **pc)
{
    if (!pc || !*pc)
        return;
    VxCompose *c = *pc;
    av_buffer_pool_uninit(&c->pool);
    vx_plane_scaler_free(&c->sy);
    vx_plane_scaler_free(&c->sc);
    free(c->stat);
    free(c->my);
    free(c->mc);
    free(c->my_full);
    free(c->mc_full);
    free(c);
    *pc = NULL;
}
