/* The cursor layer: the arrow (or the track's images) and click rings drawn over the screen
 * in Y'CbCr through the zoom view, clipped to the screen rectangle, from the scene's cursor
 * (cursor_track.c: track, smoothing). Still (nothing drawn) while what it shows stays the
 * same: the same picture at the same place. */
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "../cursor.h"
#include "../layer.h"
#include "../scene.h"

static void sprites_clear(VxCursorShape *s)
{
    for (int i = 0; i < 2 * SS; i++)
        for (int j = 0; j < 2 * SS; j++) {
            free(s->sprites[i][j].rgba);
            s->sprites[i][j].rgba = NULL;
        }
    s->scale_key = INT_MIN;
}

void vx_cursor_shape_clear(VxCursorShape *s)
{
    sprites_clear(s);
    free(s->sat);
    s->sat = NULL;
}

/* ------------------------------------------------------------------------------------------ */
/* Drawing */

/* The built-in arrow, in recording pixels at size 1, tip (the hotspot) at (0, 0): black fill,
 * white outline OUTLINE wide outside it. */
static const double arrow[][2] = {
    {0, 0}, {0, 15.0}, {3.5, 11.8}, {6.0, 17.3}, {8.3, 16.3}, {5.8, 10.9}, {10.6, 10.6},
};
#define N_ARROW ((int)(sizeof(arrow) / sizeof(arrow[0])))
#define OUTLINE 1.25

/* Signed distance from (x, y) to the arrow polygon, negative inside. */
static double arrow_dist(double x, double y)
{
    double d2 = 1e30;
    int inside = 0;
    for (int i = 0, j = N_ARROW - 1; i < N_ARROW; j = i++) {
        double ax = arrow[j][0], ay = arrow[j][1], bx = arrow[i][0], by = arrow[i][1];
        double ex = bx - ax, ey = by - ay, wx = x - ax, wy = y - ay;
        double f = (wx * ex + wy * ey) / (ex * ex + ey * ey);
        f = f < 0 ? 0 : f > 1 ? 1 : f;
        double dx = wx - ex * f, dy = wy - ey * f;
        if (dx * dx + dy * dy < d2)
            d2 = dx * dx + dy * dy;
        if ((ay > y) != (by > y) && x < ax + (y - ay) * ex / ey)
            inside = !inside;
    }
    return inside ? -sqrt(d2) : sqrt(d2);
}

/* Bilinear sample of premultiplied RGBA from a straight-alpha image at (x, y) (pixel centres
 * at +0.5, edge pixels repeated), transparent outside [0, w) x [0, h): at scale 1 and a whole
 * pixel phase the image comes out exactly, with sharp borders. */
static void sample_image(const VxImage *im, double x, double y, double px[4])
{
    px[0] = px[1] = px[2] = px[3] = 0;
    if (x < 0 || y < 0 || x >= im->width || y >= im->height)
        return;
    x -= 0.5, y -= 0.5;
    int x0 = (int)floor(x), y0 = (int)floor(y);
    double fx = x - x0, fy = y - y0;
    for (int j = 0; j < 2; j++)
        for (int i = 0; i < 2; i++) {
            int xx = x0 + i, yy = y0 + j;
            xx = xx < 0 ? 0 : xx >= im->width ? im->width - 1 : xx;
            yy = yy < 0 ? 0 : yy >= im->height ? im->height - 1 : yy;
            double w = (i ? fx : 1 - fx) * (j ? fy : 1 - fy);
            const uint8_t *p = im->data[0] + yy * im->stride[0] + xx * 4;
            double a = p[3] * w / 255.0;
            px[0] += p[0] * a, px[1] += p[1] * a, px[2] += p[2] * a, px[3] += p[3] * w;
        }
}

/* Builds the shape's raster and its summed-area table. */
static int build_sat(VxCursorShape *sh)
{
    if (sh->img) {
        const int ext = sh->img->width > sh->img->height ? sh->img->width : sh->img->height;
        sh->d = ext <= 256 ? 4 : ext <= 512 ? 2 : 1; /* bilinear magnification up to d */
        sh->gx0 = sh->gy0 = -1;
        sh->gw = (sh->img->width + 2) * sh->d, sh->gh = (sh->img->height + 2) * sh->d;
    } else {
        sh->d = 16;
        sh->gx0 = sh->gy0 = -OUTLINE - 0.5;
        sh->gw = (int)ceil((10.6 + OUTLINE + 0.5 - sh->gx0) * sh->d);
        sh->gh = (int)ceil((17.3 + OUTLINE + 0.5 - sh->gy0) * sh->d);
    }
    const size_t stride = (size_t)(sh->gw + 1) * 4;
    sh->sat = calloc((size_t)(sh->gh + 1) * stride, sizeof(*sh->sat));
    if (!sh->sat)
        return VX_ERR(ENOMEM);
    for (int j = 0; j < sh->gh; j++) {
        const double v = sh->gy0 + (j + 0.5) / sh->d;
        uint32_t row[4] = {0, 0, 0, 0};
        const uint32_t *up = sh->sat + (size_t)j * stride;
        uint32_t *out = sh->sat + (size_t)(j + 1) * stride;
        for (int i = 0; i < sh->gw; i++) {
            const double u = sh->gx0 + (i + 0.5) / sh->d;
            unsigned px[4];
            if (sh->img) {
                double f[4];
                sample_image(sh->img, u, v, f);
                for (int k = 0; k < 4; k++)
                    px[k] = (unsigned)lrint(f[k] > 255 ? 255 : f[k]);
            } else {
                double dist = arrow_dist(u, v);
                unsigned al = dist < OUTLINE ? 255 : 0;
                px[0] = px[1] = px[2] = dist < 0 ? 0 : al;
                px[3] = al;
            }
            for (int k = 0; k < 4; k++) {
                row[k] += px[k];
                out[(i + 1) * 4 + k] = up[(i + 1) * 4 + k] + row[k];
            }
        }
    }
    return 0;
}

/* Integral of channel k over [0, u) x [0, v) samples (the raster is piecewise constant, so
 * this is the bilinear interpolation of the table). */
typedef struct Tap { int i; double f; } Tap;

static Tap tap(double u, int n)
{
    if (u <= 0)
        return (Tap){0, 0};
    if (u >= n)
        return (Tap){n - 1, 1};
    int i = (int)u;
    return (Tap){i, u - i};
}

static void integral(const VxCursorShape *sh, Tap x, Tap y, double out[4])
{
    const size_t stride = (size_t)(sh->gw + 1) * 4;
    const uint32_t *s0 = sh->sat + (size_t)y.i * stride + (size_t)x.i * 4, *s1 = s0 + stride;
    for (int k = 0; k < 4; k++) {
        double a = s0[k] + (double)x.f * ((double)s0[4 + k] - s0[k]);
        double b = s1[k] + (double)x.f * ((double)s1[4 + k] - s1[k]);
        out[k] = a + y.f * (b - a);
    }
}

/* The sprite at scale s (output pixels per unit) with the hotspot qx/4, qy/4 output pixels
 * right of and below the even anchor. */
static int render_sprite(VxCursorShape *sh, double s, int qx, int qy)
{
    VxCursorSprite *sp = &sh->sprites[qy][qx];
    const double hx = qx / (double)SS, hy = qy / (double)SS;
    /* output position (from the anchor) of raster sample edge 0, and of the far edge */
    const double ex0 = hx + (sh->gx0 - sh->hx) * s, ey0 = hy + (sh->gy0 - sh->hy) * s;
    const double ex1 = ex0 + (double)sh->gw / sh->d * s, ey1 = ey0 + (double)sh->gh / sh->d * s;
    sp->ox = (int)floor(ex0), sp->oy = (int)floor(ey0);
    sp->w = (int)ceil(ex1) - sp->ox, sp->h = (int)ceil(ey1) - sp->oy;
    Tap *tx = malloc((size_t)(sp->w + 1) * sizeof(*tx));
    sp->rgba = malloc((size_t)sp->w * sp->h * 4);
    if (!tx || !sp->rgba) {
        free(tx);
        free(sp->rgba);
        sp->rgba = NULL;
        return VX_ERR(ENOMEM);
    }
    const double k = sh->d / s, norm = 1.0 / (k * k);
    for (int i = 0; i <= sp->w; i++)
        tx[i] = tap((sp->ox + i - ex0) * k, sh->gw);
    sp->x0 = sp->w, sp->y0 = sp->h, sp->x1 = sp->y1 = 0;
    double top[4], bot[4], prev[4], cur[4];
    for (int j = 0; j < sp->h; j++) {
        const Tap y0 = tap((sp->oy + j - ey0) * k, sh->gh), y1 = tap((sp->oy + j + 1 - ey0) * k, sh->gh);
        uint8_t *d = sp->rgba + (size_t)j * sp->w * 4;
        integral(sh, tx[0], y0, top);
        integral(sh, tx[0], y1, bot);
        for (int c = 0; c < 4; c++)
            prev[c] = bot[c] - top[c];
        for (int i = 0; i < sp->w; i++) {
            integral(sh, tx[i + 1], y0, top);
            integral(sh, tx[i + 1], y1, bot);
            for (int c = 0; c < 4; c++) {
                cur[c] = bot[c] - top[c];
                double val = (cur[c] - prev[c]) * norm;
                d[i * 4 + c] = (uint8_t)(val <= 0 ? 0 : val >= 255 ? 255 : (int)(val + 0.5));
                prev[c] = cur[c];
            }
            if (d[i * 4 + 3]) {
                sp->x0 = i < sp->x0 ? i : sp->x0, sp->y0 = j < sp->y0 ? j : sp->y0;
                sp->x1 = i >= sp->x1 ? i + 1 : sp->x1, sp->y1 = j >= sp->y1 ? j + 1 : sp->y1;
            }
        }
    }
    free(tx);
    return 0;
}

/* n more bytes of the blocks' arena (c->tmp), at *off; the arena may move. */
static int tmp_append(VxCursor *c, size_t n, size_t *off)
{
    if (c->tmp_used + n > c->tmp_size) {
        const size_t want = (c->tmp_used + n) * 2;
        uint8_t *p = realloc(c->tmp, want);
        if (!p)
            return VX_ERR(ENOMEM);
        c->tmp = p;
        c->tmp_size = want;
    }
    *off = c->tmp_used;
    c->tmp_used += n;
    return 0;
}

/* Prepares the blending of a premultiplied RGBA block (sw x sh, stride ss bytes) whose pixel
 * (0, 0) lands on output pixel (X, Y), scaled by opacity op, clipped to the view's clip
 * rectangle and the frame: the clipped, scaled block goes to the arena and joins c->blocks
 * (blended in order by blend_blocks). */
static int blend_block(VxCursor *c, VxPicture *dst, const VxView *v, const VxConvCoefs *co,
                       const uint8_t *src, int sw, int sh, ptrdiff_t ss, int X, int Y,
                       double op, VxRect *drawn)
{
    int cx0 = v->clip_x0 > 0 ? v->clip_x0 : 0, cy0 = v->clip_y0 > 0 ? v->clip_y0 : 0;
    int cx1 = v->clip_x1 < dst->w ? v->clip_x1 : dst->w;
    int cy1 = v->clip_y1 < dst->h ? v->clip_y1 : dst->h;
    int x0 = X > cx0 ? X : cx0, y0 = Y > cy0 ? Y : cy0;
    int x1 = X + sw < cx1 ? X + sw : cx1, y1 = Y + sh < cy1 ? Y + sh : cy1;
    if (x0 >= x1 || y0 >= y1)
        return 0;
    /* even-aligned span covering it, within the frame's whole 2x2 blocks */
    int ex0 = x0 & ~1, ey0 = y0 & ~1, ex1 = (x1 + 1) & ~1, ey1 = (y1 + 1) & ~1;
    if (ex1 > (dst->w & ~1))
        ex1 = dst->w & ~1;
    if (ey1 > (dst->h & ~1))
        ey1 = dst->h & ~1;
    if (ex0 >= ex1 || ey0 >= ey1)
        return 0;
    (void)co;
    const int w = ex1 - ex0, h = ey1 - ey0;
    if (c->n_blocks == c->blocks_cap) {
        const int cap = c->blocks_cap ? 2 * c->blocks_cap : 8;
        VxCursorBlock *nb = realloc(c->blocks, sizeof(*nb) * (size_t)cap);
        if (!nb)
            return VX_ERR(ENOMEM);
        c->blocks = nb, c->blocks_cap = cap;
    }
    size_t off;
    int ret = tmp_append(c, (size_t)w * h * 4, &off);
    if (ret < 0)
        return ret;
    c->blocks[c->n_blocks++] = (VxCursorBlock){off, w, h, ex0, ey0};
    const unsigned k = (unsigned)lrint(op * 256);
    for (int j = 0; j < h; j++) {
        uint8_t *d = c->tmp + off + (size_t)j * w * 4;
        int oy = ey0 + j;
        memset(d, 0, (size_t)w * 4);
        if (oy < y0 || oy >= y1)
            continue;
        const uint8_t *s = src + (oy - Y) * ss + (size_t)(x0 - X) * 4;
        uint8_t *dd = d + (size_t)(x0 - ex0) * 4;
        if (k >= 256)
            memcpy(dd, s, (size_t)(x1 - x0) * 4);
        else
            for (int i = 0; i < (x1 - x0) * 4; i++)
                dd[i] = (uint8_t)((s[i] * k + 128) >> 8);
    }
    vx_rect_union(drawn, ex0, ey0, ex1, ey1);
    return 0;
}

/* Blends the prepared blocks, in order, into the rows of dst whose chroma row is in
 * [c0, c1) (the rows of a block come in even-odd pairs sharing a chroma row). */
static void blend_blocks(const VxCursor *c, VxPicture *dst, const VxConvCoefs *co, int c0,
                         int c1)
{
    const int nv12 = dst->layout == VX_LAYOUT_NV12;
    /* I420: one interleaved chroma row for the NV12 kernel (a block is at most
     * 2 * (4 * MAX_SPRITE + 1) + 4 pixels wide: draw_ring's and the sprites' limits) */
    uint8_t uv_tmp[8 * MAX_SPRITE + 16];
    for (int b = 0; b < c->n_blocks; b++) {
        const VxCursorBlock *bk = &c->blocks[b];
        const int w = bk->w, j0 = 2 * c0 - bk->y > 0 ? 2 * c0 - bk->y : 0;
        const int j1 = 2 * c1 - bk->y < bk->h ? 2 * c1 - bk->y : bk->h;
        if (!nv12 && w > (int)sizeof(uv_tmp))
            continue; /* not reached (the limits above) */
        for (int j = j0; j < j1; j += 2) {
            const int oy = bk->y + j;
            uint8_t *l0 = dst->data[0] + (ptrdiff_t)oy * dst->stride[0] + bk->x;
            uint8_t *l1 = l0 + dst->stride[0];
            const uint8_t *s0 = c->tmp + bk->off + (size_t)j * w * 4;
            if (nv12) {
                uint8_t *uv = dst->data[1] + (ptrdiff_t)(oy / 2) * dst->stride[1] + bk->x;
                c->blend.rgba_nv12(l0, l1, uv, s0, s0 + (size_t)w * 4, w, co, 1);
                continue;
            }
            uint8_t *u = dst->data[1] + (ptrdiff_t)(oy / 2) * dst->stride[1] + bk->x / 2;
            uint8_t *v = dst->data[2] + (ptrdiff_t)(oy / 2) * dst->stride[2] + bk->x / 2;
            for (int i = 0; i < w / 2; i++)
                uv_tmp[2 * i] = u[i], uv_tmp[2 * i + 1] = v[i];
            c->blend.rgba_nv12(l0, l1, uv_tmp, s0, s0 + (size_t)w * 4, w, co, 1);
            for (int i = 0; i < w / 2; i++)
                u[i] = uv_tmp[2 * i], v[i] = uv_tmp[2 * i + 1];
        }
    }
}

/* Click ring: radius (4 + 20 e) units, e = 1 - (1 - u)^3, stroke 3 units, opacity
 * 0.9 (1 - u), u = (t - down) / CLICK_DUR; units = size x view scale output pixels. */
static int draw_ring(VxCursor *c, VxPicture *dst, const VxView *v, const VxConvCoefs *co,
                     double cx, double cy, double u, double k, VxRect *drawn)
{
    double e = 1 - (1 - u) * (1 - u) * (1 - u);
    double r = k * (4 + 20 * e), hw = k * 1.5;
    if (hw < 0.75)
        hw = 0.75;
    double op = 0.9 * (1 - u);
    double ext = r + hw + 1;
    if (ext > 4 * MAX_SPRITE)
        return 0;
    int X = 2 * (int)floor((cx - ext) / 2), Y = 2 * (int)floor((cy - ext) / 2);
    int X1 = (int)ceil(cx + ext) + 1, Y1 = (int)ceil(cy + ext) + 1;
    /* only what can show: the clip rectangle (even-aligned outwards) within the frame */
    const int cx0 = (v->clip_x0 > 0 ? v->clip_x0 : 0) & ~1, cy0 = (v->clip_y0 > 0 ? v->clip_y0 : 0) & ~1;
    const int cx1 = v->clip_x1 < dst->w ? v->clip_x1 : dst->w;
    const int cy1 = v->clip_y1 < dst->h ? v->clip_y1 : dst->h;
    X = X > cx0 ? X : cx0, Y = Y > cy0 ? Y : cy0;
    X1 = X1 < cx1 ? X1 : cx1, Y1 = Y1 < cy1 ? Y1 : cy1;
    if (X >= X1 || Y >= Y1)
        return 0;
    const int w = (X1 - X + 1) & ~1, h = (Y1 - Y + 1) & ~1;
    const size_t need = (size_t)w * h * 4;
    if (need > c->ring_size) {
        uint8_t *nb = realloc(c->ring, need);
        if (!nb)
            return VX_ERR(ENOMEM);
        c->ring = nb, c->ring_size = need;
    }
    uint8_t *buf = c->ring;
    memset(buf, 0, need);
    const VxRGB col = c->o.click_color;
    const double ro = r + hw + 0.5, ri = r - hw - 0.5; /* coverage is 0 outside [ri, ro] */
    for (int j = 0; j < h; j++) {
        const double dy = Y + j + 0.5 - cy;
        if (fabs(dy) >= ro)
            continue;
        /* the row's pixels whose centres can lie in the annulus: |dx| in [xi, xo] */
        const double xo = sqrt(ro * ro - dy * dy) + 0.5;
        const double xi = ri > fabs(dy) ? sqrt(ri * ri - dy * dy) - 0.5 : 0;
        for (int side = -1; side <= 1; side += 2) {
            double a0 = side < 0 ? cx - xo : cx + xi, a1 = side < 0 ? cx - xi : cx + xo;
            int i0 = (int)floor(a0) - X, i1 = (int)ceil(a1) - X;
            i0 = i0 < 0 ? 0 : i0, i1 = i1 > w ? w : i1;
            for (int i = i0; i < i1; i++) { /* (a chord's middle pixel may be done twice) */
                const double dx = X + i + 0.5 - cx;
                const double d = fabs(sqrt(dx * dx + dy * dy) - r);
                double cov = hw + 0.5 - d;
                if (cov <= 0)
                    continue;
                cov = (cov > 1 ? 1 : cov) * op;
                uint8_t *p = buf + ((size_t)j * w + i) * 4;
                p[0] = (uint8_t)(col.r * cov * 255 + 0.5);
                p[1] = (uint8_t)(col.g * cov * 255 + 0.5);
                p[2] = (uint8_t)(col.b * cov * 255 + 0.5);
                p[3] = (uint8_t)(cov * 255 + 0.5);
            }
        }
    }
    return blend_block(c, dst, v, co, buf, w, h, (ptrdiff_t)w * 4, X, Y, 1.0, drawn);
}

static int draw_sprite(VxCursor *c, VxPicture *dst, const VxView *v, const VxConvCoefs *co,
                       double t, double ox, double oy, double k, VxRect *drawn);

/* Blocks [first, n_blocks) of the arena (premultiplied RGBA, even-aligned) replaced by one
 * covering them all: their sum divided by n (the samples, some of which may have drawn
 * nothing), rounded half up. A union wider than a block may be is left as the middle one. */
static int merge_blocks(VxCursor *c, int first, int n)
{
    const int nb = c->n_blocks - first;
    if (nb <= 0)
        return 0;
    VxRect u = {0, 0, 0, 0};
    for (int i = first; i < c->n_blocks; i++) {
        const VxCursorBlock *bk = &c->blocks[i];
        vx_rect_union(&u, bk->x, bk->y, bk->x + bk->w, bk->y + bk->h);
    }
    const int w = u.x1 - u.x0, h = u.y1 - u.y0;
    if (w > 8 * MAX_SPRITE) { /* blend_blocks' limit on I420 rows; not met at 4K and below */
        c->blocks[first] = c->blocks[first + nb / 2];
        c->n_blocks = first + 1;
        return 0;
    }
    const size_t len = (size_t)w * h * 4;
    if (len > c->acc_size) {
        uint16_t *a = realloc(c->acc, len * sizeof(*a));
        if (!a)
            return VX_ERR(ENOMEM);
        c->acc = a, c->acc_size = len;
    }
    memset(c->acc, 0, len * sizeof(*c->acc));
    size_t off;
    int ret = tmp_append(c, len, &off);
    if (ret < 0)
        return ret;
    for (int i = first; i < c->n_blocks; i++) {
        const VxCursorBlock *bk = &c->blocks[i];
        for (int j = 0; j < bk->h; j++) {
            const uint8_t *s = c->tmp + bk->off + (size_t)j * bk->w * 4;
            uint16_t *a = c->acc + ((size_t)(bk->y - u.y0 + j) * w + (bk->x - u.x0)) * 4;
            for (int q = 0; q < bk->w * 4; q++)
                a[q] += s[q];
        }
    }
    uint8_t *d = c->tmp + off;
    for (size_t q = 0; q < len; q++)
        d[q] = (uint8_t)((c->acc[q] + n / 2) / n);
    c->blocks[first] = (VxCursorBlock){off, w, h, u.x0, u.y0};
    c->n_blocks = first + 1;
    return 0;
}

static int draw_locked(VxCursor *c, double t, const VxView *v, const VxCursorBlur *b,
                       const VxConvCoefs *co, VxPicture *dst, VxRect *drawn)
{
    double x, y;
    vx_cursor_smoothed_at(c, t, &x, &y);
    const double ox = v->ox + (x - v->sx0) * v->scale, oy = v->oy + (y - v->sy0) * v->scale;
    const double k = c->o.size * v->scale;
    if (!isfinite(ox) || !isfinite(oy) || fabs(ox) > 1e7 || fabs(oy) > 1e7 || !(k > 0))
        return 0;
    int ret;
    if (c->o.click == VX_CLICK_RING) {
        const VxTrackButton *b = c->tr->buttons;
        for (int i = vx_cursor_last_le(b, c->tr->n_buttons, sizeof(*b), t); i >= 0; i--) {
            if (b[i].t < t - CLICK_DUR)
                break;
            if (b[i].down && (ret = draw_ring(c, dst, v, co, ox, oy, (t - b[i].t) / CLICK_DUR,
                                              k, drawn)) < 0)
                return ret;
        }
    }
    if (!b || b->n <= 1)
        return draw_sprite(c, dst, v, co, t, ox, oy, k, drawn);
    /* motion blur: the sprite at each sample's place (the frame's size), averaged */
    const int first = c->n_blocks;
    for (int i = 0; i < b->n; i++) {
        const VxView *w = &b->v[i];
        if (b->t[i] < c->t0)
            continue;
        vx_cursor_smoothed_at(c, b->t[i], &x, &y);
        const double sx = w->ox + (x - w->sx0) * w->scale, sy = w->oy + (y - w->sy0) * w->scale;
        if (!isfinite(sx) || !isfinite(sy) || fabs(sx) > 1e7 || fabs(sy) > 1e7)
            continue;
        if ((ret = draw_sprite(c, dst, v, co, b->t[i], sx, sy, k, drawn)) < 0)
            return ret;
    }
    return merge_blocks(c, first, b->n);
}

/* The sprite for time t with its hotspot at output pixel (ox, oy), k output pixels per unit,
 * clipped to v's clip rectangle: one block. */
static int draw_sprite(VxCursor *c, VxPicture *dst, const VxView *v, const VxConvCoefs *co,
                       double t, double ox, double oy, double k, VxRect *drawn)
{
    int ret;
    const double op = vx_cursor_idle_alpha(c, t);
    if (op <= 0)
        return 0;
    int ii = vx_cursor_last_le(c->tr->images, c->tr->n_images, sizeof(*c->tr->images), t);
    int img = ii >= 0 ? c->tr->images[ii].image : -1;
    VxCursorShape *sh = &c->shapes[img + 1];
    double s = k;
    if (sh->img) {
        sh->hx = c->tr->images[ii].hx, sh->hy = c->tr->images[ii].hy;
        int ext = sh->img->width > sh->img->height ? sh->img->width : sh->img->height;
        if (s * ext > MAX_SPRITE)
            s = (double)MAX_SPRITE / ext;
    } else if (s * 20 > MAX_SPRITE) {
        s = MAX_SPRITE / 20.0;
    }
    if (!sh->sat && (ret = build_sat(sh)) < 0)
        return ret;
    /* sprites are cached per scale (to 1/256 octave, so a zoom holding still reuses them)
     * and per quarter-pixel phase */
    const int key = (int)lrint(log2(s) * 256);
    if (key != sh->scale_key || sh->hx != sh->key_hx || sh->hy != sh->key_hy) {
        sprites_clear(sh);
        sh->scale_key = key, sh->key_hx = sh->hx, sh->key_hy = sh->hy;
    }
    s = exp2(key / 256.0);
    const long long q4x = llrint(ox * SS), q4y = llrint(oy * SS);
    const long long ax = q4x >= 0 ? q4x / (2 * SS) : -((-q4x + 2 * SS - 1) / (2 * SS));
    const long long ay = q4y >= 0 ? q4y / (2 * SS) : -((-q4y + 2 * SS - 1) / (2 * SS));
    const int qx = (int)(q4x - ax * 2 * SS), qy = (int)(q4y - ay * 2 * SS);
    VxCursorSprite *sp = &sh->sprites[qy][qx];
    if (!sp->rgba && (ret = render_sprite(sh, s, qx, qy)) < 0)
        return ret;
    if (sp->x0 >= sp->x1)
        return 0;
    return blend_block(c, dst, v, co, sp->rgba + ((size_t)sp->y0 * sp->w + sp->x0) * 4,
                       sp->x1 - sp->x0, sp->y1 - sp->y0, (ptrdiff_t)sp->w * 4,
                       (int)(ax * 2) + sp->ox + sp->x0, (int)(ay * 2) + sp->oy + sp->y0, op,
                       drawn);
}

void vx_cursor_look(VxCursor *c, double t, const VxView *v, VxCursorLook *lk)
{
    memset(lk, 0, sizeof(*lk));
    lk->clip[0] = v->clip_x0, lk->clip[1] = v->clip_y0;
    lk->clip[2] = v->clip_x1, lk->clip[3] = v->clip_y1;
    if (!c->o.draw || !isfinite(t) || t < c->t0 || !(v->scale > 0))
        return;
    pthread_mutex_lock(&c->lock);
    double x, y;
    vx_cursor_smoothed_at(c, t, &x, &y);
    const double ox = v->ox + (x - v->sx0) * v->scale, oy = v->oy + (y - v->sy0) * v->scale;
    const double k = c->o.size * v->scale;
    if (!isfinite(ox) || !isfinite(oy) || fabs(ox) > 1e7 || fabs(oy) > 1e7 || !(k > 0))
        goto end;
    if (c->o.click == VX_CLICK_RING) {
        const VxTrackButton *b = c->tr->buttons;
        for (int i = vx_cursor_last_le(b, c->tr->n_buttons, sizeof(*b), t); i >= 0; i--) {
            if (b[i].t < t - CLICK_DUR)
                break;
            lk->ring |= b[i].down;
        }
    }
    lk->op = vx_cursor_idle_alpha(c, t);
    if (lk->op <= 0)
        goto end;
    lk->shown = 1;
    const int ii = vx_cursor_last_le(c->tr->images, c->tr->n_images, sizeof(*c->tr->images), t);
    lk->img = ii >= 0 ? c->tr->images[ii].image : -1;
    if (ii >= 0)
        lk->hx = c->tr->images[ii].hx, lk->hy = c->tr->images[ii].hy;
    lk->scale = k;
    lk->q4x = llrint(ox * SS), lk->q4y = llrint(oy * SS);
end:
    pthread_mutex_unlock(&c->lock);
}

/* vx_cursor_prepare with c->lock held (c valid). */
static int prepare_locked(VxCursor *c, double t, const VxView *v, const VxCursorBlur *b,
                          int matrix, VxPicture *dst, VxRect *drawn)
{
    c->n_blocks = 0, c->tmp_used = 0;
    c->matrix = matrix;
    if (dst->sub_x != 1 || dst->sub_y != 1)
        return vx_fail(c->ctx, VX_ERR(EINVAL), "cursor: frames must be NV12 or I420");
    if (!c->o.draw || !isfinite(t) || t < c->t0 || !(v->scale > 0))
        return 0;
    int ret = draw_locked(c, t, v, b, &c->coefs[matrix], dst, drawn);
    if (ret < 0)
        c->n_blocks = 0;
    return ret;
}

static int check_args(VxCursor *c, const VxView *v, int matrix, VxPicture *dst, VxRect *drawn)
{
    if (!drawn)
        return VX_ERR(EINVAL);
    *drawn = (VxRect){0, 0, 0, 0};
    if (!c || !v || !dst || matrix < VX_MATRIX_BT601 || matrix > VX_MATRIX_BT2020)
        return VX_ERR(EINVAL);
    return 0;
}

int vx_cursor_prepare(VxCursor *c, double t, const VxView *v, int matrix, VxPicture *dst,
                      VxRect *drawn)
{
    int ret = check_args(c, v, matrix, dst, drawn);
    if (ret < 0)
        return ret;
    pthread_mutex_lock(&c->lock);
    ret = prepare_locked(c, t, v, NULL, matrix, dst, drawn);
    pthread_mutex_unlock(&c->lock);
    return ret;
}

int vx_cursor_prepare_blurred(VxCursor *c, double t, const VxView *v, const VxCursorBlur *b,
                              int matrix, VxPicture *dst, VxRect *drawn)
{
    int ret = check_args(c, v, matrix, dst, drawn);
    if (ret < 0)
        return ret;
    if (b && (b->n < 1 || b->n > VX_CURSOR_BLUR_MAX))
        return VX_ERR(EINVAL);
    pthread_mutex_lock(&c->lock);
    ret = prepare_locked(c, t, v, b, matrix, dst, drawn);
    pthread_mutex_unlock(&c->lock);
    return ret;
}

void vx_cursor_blend(const VxCursor *c, VxPicture *dst, int c0, int c1)
{
    blend_blocks(c, dst, &c->coefs[c->matrix], c0, c1);
}

int vx_cursor_draw(VxCursor *c, double t, const VxView *v, int matrix, VxPicture *dst,
                   VxRect *drawn)
{
    int ret = check_args(c, v, matrix, dst, drawn);
    if (ret < 0)
        return ret;
    pthread_mutex_lock(&c->lock); /* calls from several threads draw one at a time */
    if ((ret = prepare_locked(c, t, v, NULL, matrix, dst, drawn)) >= 0)
        blend_blocks(c, dst, &c->coefs[matrix], 0, (dst->h + 1) / 2);
    pthread_mutex_unlock(&c->lock);
    return ret;
}

typedef struct CursorLayer {
    VxCursor *cur;
    int matrix;
    VxCursorLook last; /* what the previous output showed */
    int have_last;
    VxRect drawn;      /* what the output being drawn gets */
    /* motion blur (docs/project-format.md, "Motion blur"): the cursor along its path */
    const VxScene *scene;
    double shutter;    /* seconds of recording time; 0: off */
    double rw;         /* the screen rectangle's width: a view's scale is rw / its width */
    int last_n;        /* samples of the previous output (> 1: it was blurred) */
    VxCursorBlur blur; /* this output's samples: found by changes, drawn by begin */
} CursorLayer;

/* The view of the recording at recording time u, as fr's view with the zoom of that time. */
static VxView view_at(const CursorLayer *c, const VxView *v, double u)
{
    VxZoomView z;
    vx_scene_view_at(c->scene, u, &z);
    VxView w = *v;
    w.sx0 = z.x, w.sy0 = z.y, w.scale = c->rw / z.w;
    return w;
}

/* The hotspot in output pixels at recording time u through view w; 0 when not placed. */
static int hotspot(const CursorLayer *c, const VxView *w, double u, double *x, double *y)
{
    int vis;
    double rx, ry;
    vx_cursor_pos(c->cur, u, &rx, &ry, &vis);
    *x = w->ox + (rx - w->sx0) * w->scale, *y = w->oy + (ry - w->sy0) * w->scale;
    return isfinite(*x) && isfinite(*y);
}

/* The samples for the output at recording time t (b->n = 1: drawn sharp): the shutter is
 * centred on t; N = clamp(ceil(D), 1, 16), D the distance in output pixels between the
 * hotspot at the shutter's two ends (each through the view of its time); sample k at
 * t + S((k + 1/2)/N - 1/2). */
static void blur_samples(const CursorLayer *c, const VxLayerFrame *fr, VxCursorBlur *b)
{
    b->n = 1;
    if (c->shutter <= 0)
        return;
    const double t = fr->t_rec, s = c->shutter;
    const VxView va = view_at(c, &fr->v, t - s / 2), vb = view_at(c, &fr->v, t + s / 2);
    double ax, ay, bx, by;
    if (!hotspot(c, &va, t - s / 2, &ax, &ay) || !hotspot(c, &vb, t + s / 2, &bx, &by))
        return;
    const double d = ceil(hypot(ax - bx, ay - by));
    const int n = d < 1 ? 1 : d > VX_CURSOR_BLUR_MAX ? VX_CURSOR_BLUR_MAX : (int)d;
    if (n == 1)
        return;
    b->n = n;
    for (int k = 0; k < n; k++) {
        b->t[k] = t + s * ((k + 0.5) / n - 0.5);
        b->v[k] = view_at(c, &fr->v, b->t[k]);
    }
}

static int cursor_open(VxLayer *ly, const VxLayerOpen *o)
{
    VxCursor *cur = vx_scene_cursor(o->scene);
    if (!cur || !o->p->cursor.draw)
        return 0; /* no cursor drawn */
    CursorLayer *c = calloc(1, sizeof(*c));
    if (!c)
        return VX_ERR(ENOMEM);
    c->cur = cur;
    c->matrix = o->l->matrix;
    c->scene = o->scene;
    c->rw = o->l->rw;
    if (o->p->mb_cursor)
        c->shutter = o->p->mb_screen * vx_scene_frame_interval(o->scene);
    ly->priv = c; /* clipped to the screen: nothing outside */
    ly->sliced = 1;
    return 0;
}

static int cursor_changes(VxLayer *ly, const VxLayerFrame *fr, VxRect *r, int max)
{
    CursorLayer *c = ly->priv;
    VxCursorLook look;
    vx_cursor_look(c->cur, fr->t_rec, &fr->v, &look);
    blur_samples(c, fr, &c->blur); /* the compositor asks every layer before drawing any */
    if (c->have_last && !look.ring && c->blur.n == 1 && c->last_n == 1 &&
        !memcmp(&look, &c->last, sizeof(look)))
        return 0;
    if (max < 1)
        return VX_ERR(EINVAL);
    r[0] = (VxRect){fr->v.clip_x0, fr->v.clip_y0, fr->v.clip_x1, fr->v.clip_y1};
    return 1;
}

/* What it draws is prepared on the compositor's thread, then blended in slices. */
static int cursor_begin(VxLayer *ly, const VxLayerFrame *fr)
{
    CursorLayer *c = ly->priv;
    vx_cursor_look(c->cur, fr->t_rec, &fr->v, &c->last);
    c->have_last = 1;
    c->last_n = c->blur.n;
    return vx_cursor_prepare_blurred(c->cur, fr->t_rec, &fr->v, &c->blur, c->matrix, fr->dst,
                                     &c->drawn);
}

static void cursor_draw(VxLayer *ly, const VxLayerFrame *fr, int phase, int i, int k)
{
    (void)phase;
    const CursorLayer *c = ly->priv;
    int c0, c1;
    vx_slice_rows((fr->dst->h + 1) / 2, i, k, &c0, &c1);
    vx_cursor_blend(c->cur, fr->dst, c0, c1);
}

static int cursor_end(VxLayer *ly, const VxLayerFrame *fr, VxRect *drawn)
{
    (void)fr;
    *drawn = ((const CursorLayer *)ly->priv)->drawn;
    return 0;
}

static void cursor_close(VxLayer *ly)
{
    free(ly->priv);
    ly->priv = NULL;
}

const VxLayerClass vx_layer_cursor = {
    .name = "cursor",
    .open = cursor_open,
    .changes = cursor_changes,
    .begin = cursor_begin,
    .phases = 1,
    .draw = cursor_draw,
    .end = cursor_end,
    .close = cursor_close,
};
