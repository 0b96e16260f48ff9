/* The drop shadow shared by the layers: the alpha of a blurred rounded rectangle
 * (shadow.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "shadow.h"
#include "vexport/vexport.h"

double vx_shadow_at(const VxShadow *s, int x, int y)
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
 * added, and interpolated back. Its error stays within 0.35 of a code value (unit-shadow).
 * The samples of [kx0, kx1) x [ky0, ky1), not needed, are left as they were. */
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

int vx_shadow_blur(float *a, int W, int H, double sigma, VxRect skip)
{
    /* a wide blur on a coarser grid (f = sigma / 6 >= 2), a narrow one exactly */
    const int f = (int)(sigma / 6);
    return f >= 2 ? blur_coarse(a, W, H, sigma, f, skip.x0, skip.x1, skip.y0, skip.y1)
                  : blur_plane(a, W, H, sigma);
}

int vx_shadow_rrect(VxShadow *sh, double sx, double sy, double rw, double rh, double r,
                    double sigma, double opacity, int FW, int FH, VxRect hidden)
{
    memset(sh, 0, sizeof(*sh));
    const int rad = sigma > 0.05 ? (int)ceil(3 * sigma) : 0;
    int x0 = (int)floor(sx) - rad - 2, y0 = (int)floor(sy) - rad - 2;
    int x1 = (int)ceil(sx + rw) + rad + 2, y1 = (int)ceil(sy + rh) + rad + 2;
    x0 = x0 < 0 ? 0 : x0, y0 = y0 < 0 ? 0 : y0;
    x1 = x1 > FW ? FW : x1, y1 = y1 > FH ? FH : y1;
    if (x1 <= x0 || y1 <= y0)
        return 0;
    const int W = x1 - x0, H = y1 - y0;
    float *a = malloc(sizeof(*a) * (size_t)W * H);
    if (!a)
        return VX_ERR(ENOMEM);
    /* well inside the rectangle (over r + 1 from every edge) the coverage is exactly 1 */
    const double ix0 = sx + r + 1, ix1 = sx + rw - r - 1, iy0 = sy + r + 1,
                 iy1 = sy + rh - r - 1;
    for (int y = 0; y < H; y++) {
        const double py = y0 + y + 0.5;
        for (int x = 0; x < W; x++) {
            const double px = x0 + x + 0.5;
            a[(size_t)y * W + x] = px > ix0 && px < ix1 && py > iy0 && py < iy1
                                       ? 1.0f
                                       : (float)vx_rrect_coverage(px, py, sx, sy, rw,
                                                                  rh, r);
        }
    }
    /* the region ends at the frame or where the alpha is zero, so repeating its edge samples
     * is exact: beyond the frame the shape continues */
    const VxRect skip = {hidden.x0 - x0, hidden.y0 - y0, hidden.x1 - x0, hidden.y1 - y0};
    int ret = rad ? vx_shadow_blur(a, W, H, sigma, skip) : 0;
    if (ret < 0) {
        free(a);
        return ret;
    }
    for (size_t i = 0; i < (size_t)W * H; i++)
        a[i] *= (float)opacity;
    sh->a = a, sh->x0 = x0, sh->y0 = y0, sh->w = W, sh->h = H;
    return 0;
}
