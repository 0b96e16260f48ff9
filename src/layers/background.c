/* The background layer (static): the solid colour, gradient or image behind the screen, with
 * the screen's drop shadow, rendered once (in double precision) into the static picture at
 * open. It never changes and never draws per output. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../layer.h"
#include "../image.h"
#include "../scale.h"
#include "shadow.h"

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

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

static double clamp_radius(const VxProject *p, const VxLayout *l)
{
    double r = p->radius, lim = (l->rw < l->rh ? l->rw : l->rh) / 2.0;
    return r > lim ? lim : r;
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

/* ---- built-in wallpapers (docs/project-format.md, "Wallpapers") ----
 * Soft colour fields, generated: at u = (x + 0.5) / W, v = (y + 0.5) / H the colour is the
 * weighted mean of a base colour (weight k0) and a few points (u_i, v_i, colour c_i) weighted
 * by the gaussian exp(-((u - u_i)^2 + (v - v_i)^2) / (2 s_i^2)): a gradient mesh without
 * seams, drawn in R'G'B'. */
typedef struct WpPoint {
    double u, v, s;
    unsigned rgb;
} WpPoint;
typedef struct Wallpaper {
    const char *name;
    unsigned base;
    double k0;
    int n;
    WpPoint p[5];
} Wallpaper;

static const Wallpaper wallpapers[] = {
    {"aurora", 0x0b1026, 0.15, 4, {{0.15, 0.20, 0.35, 0x3b82f6}, {0.85, 0.25, 0.30, 0x22d3ee},
                                   {0.50, 0.90, 0.40, 0xa855f7}, {0.90, 0.85, 0.25, 0xec4899}}},
    {"sunset", 0x1f0a2e, 0.15, 4, {{0.10, 0.90, 0.40, 0xf97316}, {0.60, 0.75, 0.35, 0xef4444},
                                   {0.90, 0.20, 0.40, 0x7c3aed}, {0.30, 0.10, 0.30, 0xfbbf24}}},
    {"ocean", 0x031b2e, 0.15, 4, {{0.20, 0.30, 0.40, 0x0ea5e9}, {0.80, 0.70, 0.40, 0x0f766e},
                                  {0.50, 0.50, 0.25, 0x38bdf8}, {0.95, 0.05, 0.30, 0x1e3a8a}}},
    {"forest", 0x052e16, 0.15, 4, {{0.20, 0.80, 0.40, 0x16a34a}, {0.75, 0.30, 0.35, 0x65a30d},
                                   {0.50, 0.05, 0.30, 0x0d9488}, {0.95, 0.95, 0.30, 0xa3e635}}},
    {"graphite", 0x111827, 0.30, 3, {{0.25, 0.25, 0.45, 0x374151}, {0.80, 0.80, 0.40, 0x1f2937},
                                     {0.70, 0.20, 0.30, 0x4b5563}}},
};
#define N_WALLPAPERS ((int)(sizeof(wallpapers) / sizeof(wallpapers[0])))

int vx_wallpaper_find(const char *name)
{
    for (int i = 0; i < N_WALLPAPERS; i++)
        if (!strcmp(wallpapers[i].name, name))
            return i;
    return -1;
}

const char *vx_wallpaper_names(void)
{
    return "aurora, sunset, ocean, forest, graphite";
}

static VxRGB hex_rgb(unsigned c)
{
    return (VxRGB){(c >> 16) / 255.0, (c >> 8 & 255) / 255.0, (c & 255) / 255.0};
}

static VxRGB wallpaper_at(const Wallpaper *w, double u, double v)
{
    const VxRGB b = hex_rgb(w->base);
    double sw = w->k0, r = b.r * w->k0, g = b.g * w->k0, bl = b.b * w->k0;
    for (int i = 0; i < w->n; i++) {
        const WpPoint *p = &w->p[i];
        const double du = u - p->u, dv = v - p->v;
        const double k = exp(-(du * du + dv * dv) / (2 * p->s * p->s));
        const VxRGB c = hex_rgb(p->rgb);
        sw += k, r += k * c.r, g += k * c.g, bl += k * c.b;
    }
    return (VxRGB){r / sw, g / sw, bl / sw};
}

/* A blurred image background: each channel a gaussian of sigma (the shadows' blur), its edges
 * held beyond the picture (vx_shadow_blur repeats the edge samples: the borders do not
 * darken). */
static int blur_image(VxImage *img, double sigma)
{
    const int W = img->width, H = img->height;
    float *a = malloc(sizeof(float) * (size_t)W * H);
    if (!a)
        return VX_ERR(ENOMEM);
    int ret = 0;
    for (int ch = 0; ch < 3 && ret >= 0; ch++) {
        for (int y = 0; y < H; y++) {
            const uint8_t *row = img->data[0] + y * img->stride[0] + ch;
            for (int x = 0; x < W; x++)
                a[(size_t)y * W + x] = row[4 * x];
        }
        if ((ret = vx_shadow_blur(a, W, H, sigma, (VxRect){0, 0, 0, 0})) < 0)
            break;
        for (int y = 0; y < H; y++) {
            uint8_t *row = img->data[0] + y * img->stride[0] + ch;
            for (int x = 0; x < W; x++)
                row[4 * x] = vx_q8(a[(size_t)y * W + x]);
        }
    }
    free(a);
    return ret;
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


/* Image background scaled to cover W x H, as RGBA. */
static int render_image(VxContext *ctx, const VxLayout *l, const VxScaleDSP *sdsp,
                        const VxProject *p, VxImage **out)
{
    VxImage *img = NULL;
    int ret = vx_image_load(ctx, p->bg_image, &img);
    if (ret < 0)
        return ret;
    const int W = l->W, H = l->H;
    VxImage *dst = vx_image_alloc(VX_PIX_RGBA, W, H);
    VxPlaneScaler s;
    double k = fmax((double)W / img->width, (double)H / img->height), r = 1.0 / k;
    double ox = (img->width - W * r) / 2, oy = (img->height - H * r) / 2;
    if (!dst || vx_plane_scaler_init(&s, sdsp, img->width, img->height, W, H, r,
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

/* Renders background + shadow into the static picture (double precision, once per export). */
static int render_static(VxContext *ctx, const VxLayout *l, const VxProject *p,
                         const VxPlanes *sp)
{
    VxScaleDSP sdsp;
    vx_scale_dsp_init(&sdsp, ctx->cpu_flags);
    const int W = l->W, H = l->H, cw = (W + 1) / 2;
    const double r = clamp_radius(p, l);
    VxImage *img = NULL;
    int ret = 0;
    if (p->bg_type == VX_BG_IMAGE && (ret = render_image(ctx, l, &sdsp, p, &img)) < 0)
        return ret;
    if (img && p->bg_blur > 0 && (ret = blur_image(img, p->bg_blur / 2)) < 0) {
        vx_image_free(&img);
        return ret;
    }
    VxShadow sh = {0};
    double *cb = malloc(sizeof(double) * 2 * W), *cr = malloc(sizeof(double) * 2 * W);
    /* where the layer is never seen it is left at the buffer's grey */
    int ia, ib, ry0, ry1;
    hidden_area(l, r, &ia, &ib, &ry0, &ry1);
    if (p->shadow && p->sh_opacity > 0 &&
        (ret = vx_shadow_rrect(&sh, l->x + p->sh_dx, l->y + p->sh_dy, l->rw, l->rh, r,
                               p->sh_blur / 2.0, p->sh_opacity, l->W, l->H,
                               (VxRect){ia, ry0, ib, ry1})) < 0)
        goto end;
    if (!cb || !cr) {
        ret = VX_ERR(ENOMEM);
        goto end;
    }
    const YuvCoefs yk = yuv_coefs(l->matrix);
    const double ang = p->bg_angle * M_PI / 180.0;
    const double gdx = sin(ang), gdy = -cos(ang);
    const double glen = fabs(W * sin(ang)) + fabs(H * cos(ang));
    for (int y = 0; y < H; y++) {
        double *rcb = cb + (y & 1) * W, *rcr = cr + (y & 1) * W;
        uint8_t *py = sp->y + y * sp->sy;
        const int skip = y >= ry0 && y < ry1 && ia < ib;
        for (int x = 0; x < W; x++) {
            if (skip && x == ia)
                x = ib;
            VxRGB col = p->bg_color;
            if (p->bg_type == VX_BG_GRADIENT) {
                double t = ((x + 0.5 - W / 2.0) * gdx + (y + 0.5 - H / 2.0) * gdy) / glen + 0.5;
                col = gradient_at(p, t);
            } else if (p->bg_type == VX_BG_WALLPAPER) {
                col = wallpaper_at(&wallpapers[p->bg_wallpaper], (x + 0.5) / W, (y + 0.5) / H);
            } else if (p->bg_type == VX_BG_IMAGE) {
                const uint8_t *px = img->data[0] + y * img->stride[0] + 4 * x;
                col.r = px[0] / 255.0, col.g = px[1] / 255.0, col.b = px[2] / 255.0;
            }
            if (sh.a) {
                double a = vx_shadow_at(&sh, x, y);
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
            uint8_t *pu = sp->u + (y0 / 2) * sp->suv, *pv = sp->v + (y0 / 2) * sp->suv;
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
                pu[i * sp->step] = vx_q8(su / (y1 - y0 + 1));
                pv[i * sp->step] = vx_q8(sv / (y1 - y0 + 1));
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


static int bg_open(VxLayer *ly, const VxLayerOpen *o)
{
    const VxPlanes sp = vx_planes(o->stat);
    int ret = render_static(o->ctx, o->l, o->p, &sp);
    if (ret < 0)
        return ret;
    ly->priv = ly; /* nothing kept: it lives in the static picture (non-NULL: present) */
    return 0;
}

static int bg_changes(VxLayer *ly, const VxLayerFrame *fr, VxRect *r, int max)
{
    (void)ly, (void)fr, (void)r, (void)max;
    return 0; /* static */
}

static void bg_close(VxLayer *ly)
{
    ly->priv = NULL;
}

const VxLayerClass vx_layer_background = {
    .name = "background",
    .open = bg_open,
    .changes = bg_changes,
    .close = bg_close,
};
