/* Synthetic screen-recording generator: see demo_scene.h. */
#include "demo_scene.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/channel_layout.h>
#include <libavutil/imgutils.h>
#include <libavutil/mathematics.h>
#include <libavutil/mem.h>
#include <libavutil/opt.h>

#define SC_PI 3.14159265358979323846
#define SAMPLE_RATE 48000

/* ---------------------------------------------------------------------------------------- */
/* 5x7 font for ASCII 32..126: one byte per row, top row first, bit 4 = leftmost column.      */

static const uint8_t font5x7[95][7] = {
    {0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00}, /* space */
    {0x04, 0x04, 0x04, 0x04, 0x04, 0x00, 0x04}, /* ! */
    {0x0a, 0x0a, 0x0a, 0x00, 0x00, 0x00, 0x00}, /* " */
    {0x0a, 0x0a, 0x1f, 0x0a, 0x1f, 0x0a, 0x0a}, /* # */
    {0x04, 0x0f, 0x14, 0x0e, 0x05, 0x1e, 0x04}, /* $ */
    {0x18, 0x19, 0x02, 0x04, 0x08, 0x13, 0x03}, /* % */
    {0x0c, 0x12, 0x14, 0x08, 0x15, 0x12, 0x0d}, /* & */
    {0x04, 0x04, 0x08, 0x00, 0x00, 0x00, 0x00}, /* quote */
    {0x02, 0x04, 0x08, 0x08, 0x08, 0x04, 0x02}, /* ( */
    {0x08, 0x04, 0x02, 0x02, 0x02, 0x04, 0x08}, /* ) */
    {0x00, 0x04, 0x15, 0x0e, 0x15, 0x04, 0x00}, /* * */
    {0x00, 0x04, 0x04, 0x1f, 0x04, 0x04, 0x00}, /* + */
    {0x00, 0x00, 0x00, 0x00, 0x0c, 0x04, 0x08}, /* , */
    {0x00, 0x00, 0x00, 0x1f, 0x00, 0x00, 0x00}, /* - */
    {0x00, 0x00, 0x00, 0x00, 0x00, 0x0c, 0x0c}, /* . */
    {0x00, 0x01, 0x02, 0x04, 0x08, 0x10, 0x00}, /* / */
    {0x0e, 0x11, 0x13, 0x15, 0x19, 0x11, 0x0e}, /* 0 */
    {0x04, 0x0c, 0x04, 0x04, 0x04, 0x04, 0x0e}, /* 1 */
    {0x0e, 0x11, 0x01, 0x02, 0x04, 0x08, 0x1f}, /* 2 */
    {0x1f, 0x02, 0x04, 0x02, 0x01, 0x11, 0x0e}, /* 3 */
    {0x02, 0x06, 0x0a, 0x12, 0x1f, 0x02, 0x02}, /* 4 */
    {0x1f, 0x10, 0x1e, 0x01, 0x01, 0x11, 0x0e}, /* 5 */
    {0x06, 0x08, 0x10, 0x1e, 0x11, 0x11, 0x0e}, /* 6 */
    {0x1f, 0x01, 0x02, 0x04, 0x08, 0x08, 0x08}, /* 7 */
    {0x0e, 0x11, 0x11, 0x0e, 0x11, 0x11, 0x0e}, /* 8 */
    {0x0e, 0x11, 0x11, 0x0f, 0x01, 0x02, 0x0c}, /* 9 */
    {0x00, 0x0c, 0x0c, 0x00, 0x0c, 0x0c, 0x00}, /* : */
    {0x00, 0x0c, 0x0c, 0x00, 0x0c, 0x04, 0x08}, /* ; */
    {0x02, 0x04, 0x08, 0x10, 0x08, 0x04, 0x02}, /* < */
    {0x00, 0x00, 0x1f, 0x00, 0x1f, 0x00, 0x00}, /* = */
    {0x08, 0x04, 0x02, 0x01, 0x02, 0x04, 0x08}, /* > */
    {0x0e, 0x11, 0x01, 0x02, 0x04, 0x00, 0x04}, /* ? */
    {0x0e, 0x11, 0x01, 0x0d, 0x15, 0x15, 0x0e}, /* @ */
    {0x0e, 0x11, 0x11, 0x1f, 0x11, 0x11, 0x11}, /* A */
    {0x1e, 0x11, 0x11, 0x1e, 0x11, 0x11, 0x1e}, /* B */
    {0x0e, 0x11, 0x10, 0x10, 0x10, 0x11, 0x0e}, /* C */
    {0x1c, 0x12, 0x11, 0x11, 0x11, 0x12, 0x1c}, /* D */
    {0x1f, 0x10, 0x10, 0x1e, 0x10, 0x10, 0x1f}, /* E */
    {0x1f, 0x10, 0x10, 0x1e, 0x10, 0x10, 0x10}, /* F */
    {0x0e, 0x11, 0x10, 0x17, 0x11, 0x11, 0x0f}, /* G */
    {0x11, 0x11, 0x11, 0x1f, 0x11, 0x11, 0x11}, /* H */
    {0x0e, 0x04, 0x04, 0x04, 0x04, 0x04, 0x0e}, /* I */
    {0x07, 0x02, 0x02, 0x02, 0x02, 0x12, 0x0c}, /* J */
    {0x11, 0x12, 0x14, 0x18, 0x14, 0x12, 0x11}, /* K */
    {0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x1f}, /* L */
    {0x11, 0x1b, 0x15, 0x15, 0x11, 0x11, 0x11}, /* M */
    {0x11, 0x11, 0x19, 0x15, 0x13, 0x11, 0x11}, /* N */
    {0x0e, 0x11, 0x11, 0x11, 0x11, 0x11, 0x0e}, /* O */
    {0x1e, 0x11, 0x11, 0x1e, 0x10, 0x10, 0x10}, /* P */
    {0x0e, 0x11, 0x11, 0x11, 0x15, 0x12, 0x0d}, /* Q */
    {0x1e, 0x11, 0x11, 0x1e, 0x14, 0x12, 0x11}, /* R */
    {0x0f, 0x10, 0x10, 0x0e, 0x01, 0x01, 0x1e}, /* S */
    {0x1f, 0x04, 0x04, 0x04, 0x04, 0x04, 0x04}, /* T */
    {0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x0e}, /* U */
    {0x11, 0x11, 0x11, 0x11, 0x11, 0x0a, 0x04}, /* V */
    {0x11, 0x11, 0x11, 0x15, 0x15, 0x15, 0x0a}, /* W */
    {0x11, 0x11, 0x0a, 0x04, 0x0a, 0x11, 0x11}, /* X */
    {0x11, 0x11, 0x0a, 0x04, 0x04, 0x04, 0x04}, /* Y */
    {0x1f, 0x01, 0x02, 0x04, 0x08, 0x10, 0x1f}, /* Z */
    {0x0e, 0x08, 0x08, 0x08, 0x08, 0x08, 0x0e}, /* [ */
    {0x00, 0x10, 0x08, 0x04, 0x02, 0x01, 0x00}, /* backslash */
    {0x0e, 0x02, 0x02, 0x02, 0x02, 0x02, 0x0e}, /* ] */
    {0x04, 0x0a, 0x11, 0x00, 0x00, 0x00, 0x00}, /* ^ */
    {0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x1f}, /* _ */
    {0x08, 0x04, 0x02, 0x00, 0x00, 0x00, 0x00}, /* ` */
    {0x00, 0x00, 0x0e, 0x01, 0x0f, 0x11, 0x0f}, /* a */
    {0x10, 0x10, 0x16, 0x19, 0x11, 0x11, 0x1e}, /* b */
    {0x00, 0x00, 0x0e, 0x10, 0x10, 0x11, 0x0e}, /* c */
    {0x01, 0x01, 0x0d, 0x13, 0x11, 0x11, 0x0f}, /* d */
    {0x00, 0x00, 0x0e, 0x11, 0x1f, 0x10, 0x0e}, /* e */
    {0x06, 0x09, 0x08, 0x1c, 0x08, 0x08, 0x08}, /* f */
    {0x00, 0x00, 0x0f, 0x11, 0x0f, 0x01, 0x0e}, /* g */
    {0x10, 0x10, 0x16, 0x19, 0x11, 0x11, 0x11}, /* h */
    {0x04, 0x00, 0x0c, 0x04, 0x04, 0x04, 0x0e}, /* i */
    {0x02, 0x00, 0x06, 0x02, 0x02, 0x12, 0x0c}, /* j */
    {0x10, 0x10, 0x12, 0x14, 0x18, 0x14, 0x12}, /* k */
    {0x0c, 0x04, 0x04, 0x04, 0x04, 0x04, 0x0e}, /* l */
    {0x00, 0x00, 0x1a, 0x15, 0x15, 0x11, 0x11}, /* m */
    {0x00, 0x00, 0x16, 0x19, 0x11, 0x11, 0x11}, /* n */
    {0x00, 0x00, 0x0e, 0x11, 0x11, 0x11, 0x0e}, /* o */
    {0x00, 0x00, 0x1e, 0x11, 0x1e, 0x10, 0x10}, /* p */
    {0x00, 0x00, 0x0d, 0x13, 0x0f, 0x01, 0x01}, /* q */
    {0x00, 0x00, 0x16, 0x19, 0x10, 0x10, 0x10}, /* r */
    {0x00, 0x00, 0x0e, 0x10, 0x0e, 0x01, 0x1e}, /* s */
    {0x08, 0x08, 0x1c, 0x08, 0x08, 0x09, 0x06}, /* t */
    {0x00, 0x00, 0x11, 0x11, 0x11, 0x13, 0x0d}, /* u */
    {0x00, 0x00, 0x11, 0x11, 0x11, 0x0a, 0x04}, /* v */
    {0x00, 0x00, 0x11, 0x11, 0x15, 0x15, 0x0a}, /* w */
    {0x00, 0x00, 0x11, 0x0a, 0x04, 0x0a, 0x11}, /* x */
    {0x00, 0x00, 0x11, 0x11, 0x0f, 0x01, 0x0e}, /* y */
    {0x00, 0x00, 0x1f, 0x02, 0x04, 0x08, 0x1f}, /* z */
    {0x02, 0x04, 0x04, 0x08, 0x04, 0x04, 0x02}, /* { */
    {0x04, 0x04, 0x04, 0x04, 0x04, 0x04, 0x04}, /* | */
    {0x08, 0x04, 0x04, 0x02, 0x04, 0x04, 0x08}, /* } */
    {0x00, 0x00, 0x08, 0x15, 0x02, 0x00, 0x00}, /* ~ */
};

/* Mouse pointer: X = outline, o = fill, . = transparent. */
/* clang-format off */
static const char *const arrow_art[] = {
    "X...........",
    "XX..........",
    "XoX.........",
    "XooX........",
    "XoooX.......",
    "XooooX......",
    "XoooooX.....",
    "XooooooX....",
    "XoooooooX...",
    "XooooooooX..",
    "XoooooooooX.",
    "XooooooXXXXX",
    "XoooXooX....",
    "XooX.XooX...",
    "XoX..XooX...",
    "XX....XooX..",
    "X.....XooX..",
    ".......XooX.",
    "........XX..",
};
/* clang-format on */
#define ARROW_W 12
#define ARROW_H ((int)(sizeof(arrow_art) / sizeof(arrow_art[0])))

/* ---------------------------------------------------------------------------------------- */
/* Geometry and drawing in Y'CbCr 4:2:0.                                                     */

typedef struct Yuv {
    uint8_t y, u, v;
} Yuv;

typedef struct Rect {
    int x0, y0, x1, y1; /* half-open */
} Rect;

typedef struct Canvas {
    uint8_t *p[3];
    int ls[3];
    int w, h;  /* luma size */
    Rect clip; /* always inside the picture */
} Canvas;

static Rect rect(int x0, int y0, int x1, int y1)
{
    Rect r = {x0, y0, x1, y1};
    return r;
}

static int imax(int a, int b) { return a > b ? a : b; }
static int imin(int a, int b) { return a < b ? a : b; }

static Rect rect_and(Rect a, Rect b)
{
    return rect(imax(a.x0, b.x0), imax(a.y0, b.y0), imin(a.x1, b.x1), imin(a.y1, b.y1));
}

static int rect_empty(Rect r) { return r.x1 <= r.x0 || r.y1 <= r.y0; }

static Rect rect_inset(Rect r, int d) { return rect(r.x0 + d, r.y0 + d, r.x1 - d, r.y1 - d); }

static void set_clip(Canvas *cv, Rect r) { cv->clip = rect_and(r, rect(0, 0, cv->w, cv->h)); }

static void no_clip(Canvas *cv) { cv->clip = rect(0, 0, cv->w, cv->h); }

static uint8_t blend8(int d, int s, int a)
{
    return (uint8_t)((d * (255 - a) + s * a + 127) / 255);
}

static uint8_t clip8(long v) { return (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v); }

/* How many of the luma indices 2c, 2c+1 lie in [a0, a1) and in [0, n). */
static int pair_in(int c, int a0, int a1, int n)
{
    int k = 0;
    for (int i = 2 * c; i < 2 * c + 2; i++)
        k += i >= a0 && i < a1 && i < n;
    return k;
}

static int pair_n(int c, int n) { return (2 * c < n) + (2 * c + 1 < n); }

/* Fills r (clipped) with c at opacity a (0..255). A chroma sample only partly covered is
 * blended by the covered fraction of its luma pixels. */
static void fill_rect(Canvas *cv, Rect r, Yuv c, int a)
{
    r = rect_and(r, cv->clip);
    if (rect_empty(r) || a <= 0)
        return;
    for (int y = r.y0; y < r.y1; y++) {
        uint8_t *d = cv->p[0] + (size_t)y * cv->ls[0] + r.x0;
        if (a >= 255)
            memset(d, c.y, (size_t)(r.x1 - r.x0));
        else
            for (int i = 0; i < r.x1 - r.x0; i++)
                d[i] = blend8(d[i], c.y, a);
    }
    int cy0 = r.y0 >> 1, cy1 = (r.y1 + 1) >> 1, cx0 = r.x0 >> 1, cx1 = (r.x1 + 1) >> 1;
    /* chroma columns [in0, in1) are fully covered horizontally */
    int in0 = (r.x0 + 1) >> 1, in1 = r.x1 >> 1;
    if (r.x1 == cv->w)
        in1 = cx1;
    for (int cy = cy0; cy < cy1; cy++) {
        uint8_t *u = cv->p[1] + (size_t)cy * cv->ls[1], *v = cv->p[2] + (size_t)cy * cv->ls[2];
        int kv = pair_in(cy, r.y0, r.y1, cv->h), nv = pair_n(cy, cv->h);
        for (int cx = cx0; cx < cx1; cx++) {
            if (cx == in0 && in1 > in0 && kv == nv && a >= 255) {
                memset(u + cx, c.u, (size_t)(in1 - in0));
                memset(v + cx, c.v, (size_t)(in1 - in0));
                cx = in1 - 1;
                continue;
            }
            int kh = pair_in(cx, r.x0, r.x1, cv->w), nh = pair_n(cx, cv->w);
            int cov = (a * kv * kh + nv * nh / 2) / (nv * nh);
            u[cx] = blend8(u[cx], c.u, cov);
            v[cx] = blend8(v[cx], c.v, cov);
        }
    }
}

/* Blends colour c through an 8-bit coverage mask whose top-left pixel lands on (x, y). */
static void blit_mask(Canvas *cv, int x, int y, const uint8_t *m, int mw, int mh, int ms, Yuv c)
{
    Rect r = rect_and(rect(x, y, x + mw, y + mh), cv->clip);
    if (rect_empty(r))
        return;
    for (int yy = r.y0; yy < r.y1; yy++) {
        const uint8_t *src = m + (size_t)(yy - y) * ms + (r.x0 - x);
        uint8_t *d = cv->p[0] + (size_t)yy * cv->ls[0] + r.x0;
        for (int i = 0; i < r.x1 - r.x0; i++) {
            int a = src[i];
            if (a == 255)
                d[i] = c.y;
            else if (a)
                d[i] = blend8(d[i], c.y, a);
        }
    }
    int cy0 = r.y0 >> 1, cy1 = (r.y1 + 1) >> 1, cx0 = r.x0 >> 1, cx1 = (r.x1 + 1) >> 1;
    for (int cy = cy0; cy < cy1; cy++) {
        uint8_t *u = cv->p[1] + (size_t)cy * cv->ls[1], *v = cv->p[2] + (size_t)cy * cv->ls[2];
        int nv = pair_n(cy, cv->h);
        for (int cx = cx0; cx < cx1; cx++) {
            int sum = 0, n = nv * pair_n(cx, cv->w);
            for (int ly = 2 * cy; ly < 2 * cy + 2; ly++) {
                if (ly < r.y0 || ly >= r.y1)
                    continue;
                const uint8_t *src = m + (size_t)(ly - y) * ms;
                for (int lx = 2 * cx; lx < 2 * cx + 2; lx++)
                    if (lx >= r.x0 && lx < r.x1)
                        sum += src[lx - x];
            }
            if (!sum)
                continue;
            int a = (sum + n / 2) / n;
            u[cx] = blend8(u[cx], c.u, a);
            v[cx] = blend8(v[cx], c.v, a);
        }
    }
}

/* ---------------------------------------------------------------------------------------- */
/* The scene.                                                                                */

typedef struct Scene {
    int w, h, fps, s, nframes;
    double kr, kb;
    int menu_h, title_h, line_h, adv;
    Rect term, edit, xport;    /* window outlines */
    Rect term_c, edit_c, xp_c; /* their content areas */
    Rect bar, preview, clock;  /* export progress bar, preview area, menu-bar clock */
    int typed_row;             /* editor row of the line being typed */
    int pointer;               /* draw the pointer */
    int tour;                  /* the pointer follows the scripted tour (cursor-track mode) */
    double tp[9][2];           /* the tour's points (pixels) */
    Rect pause;                /* the export dialog's Pause button (tour mode) */
    int cam;                   /* the webcam picture instead of the desktop */
    const struct Voice *voice; /* the microphone's voice (webcam mouth) */
    uint8_t *tpl[3];           /* the static picture */
    int tls[3];
    uint8_t *mask;
    size_t mask_cap;
} Scene;

static Yuv rgb(const Scene *sc, uint32_t hex)
{
    double r = ((hex >> 16) & 255) / 255.0, g = ((hex >> 8) & 255) / 255.0, b = (hex & 255) / 255.0;
    double y = sc->kr * r + (1.0 - sc->kr - sc->kb) * g + sc->kb * b;
    double cb = (b - y) / (2.0 * (1.0 - sc->kb)), cr = (r - y) / (2.0 * (1.0 - sc->kr));
    Yuv c = {clip8(lrint(16.0 + 219.0 * y)), clip8(lrint(128.0 + 224.0 * cb)),
             clip8(lrint(128.0 + 224.0 * cr))};
    return c;
}

static uint8_t *get_mask(Scene *sc, size_t n)
{
    if (n > sc->mask_cap) {
        uint8_t *m = av_realloc(sc->mask, n);
        if (!m)
            return NULL;
        sc->mask = m;
        sc->mask_cap = n;
    }
    memset(sc->mask, 0, n);
    return sc->mask;
}

static int text_w(const Scene *sc, int len) { return len > 0 ? len * sc->adv - sc->s : 0; }

/* Draws str with its top-left corner at (x, y); only the characters inside the clip are
 * rasterised. Returns 0 or AVERROR(ENOMEM). */
static int draw_text(Scene *sc, Canvas *cv, int x, int y, const char *str, Yuv c)
{
    int s = sc->s, gh = 7 * s, len = (int)strlen(str);
    if (!len || y >= cv->clip.y1 || y + gh <= cv->clip.y0 || x >= cv->clip.x1)
        return 0;
    int first = x < cv->clip.x0 ? (cv->clip.x0 - x) / sc->adv : 0;
    int last = imin(len, (cv->clip.x1 - x) / sc->adv + 1);
    if (first >= last)
        return 0;
    int n = last - first, mw = n * sc->adv;
    uint8_t *m = get_mask(sc, (size_t)mw * gh);
    if (!m)
        return AVERROR(ENOMEM);
    for (int row = 0; row < 7; row++) {
        uint8_t *line = m + (size_t)row * s * mw;
        for (int i = 0; i < n; i++) {
            int ch = (unsigned char)str[first + i];
            if (ch < 32 || ch > 126)
                ch = '?';
            int bits = font5x7[ch - 32][row];
            for (int col = 0; col < 5; col++)
                if (bits & (0x10 >> col))
                    memset(line + i * sc->adv + col * s, 255, (size_t)s);
        }
        for (int k = 1; k < s; k++)
            memcpy(line + (size_t)k * mw, line, (size_t)mw);
    }
    blit_mask(cv, x + first * sc->adv, y, m, mw, gh, mw, c);
    return 0;
}

enum { SH_CIRCLE, SH_RRECT };

typedef struct Shape {
    int type;
    double cx, cy, r;      /* circle; rounded rectangle: r = corner radius */
    double x0, y0, x1, y1; /* rounded rectangle */
} Shape;

static double shape_sd(const Shape *sh, double px, double py)
{
    if (sh->type == SH_CIRCLE)
        return hypot(px - sh->cx, py - sh->cy) - sh->r;
    double hx = (sh->x1 - sh->x0) / 2, hy = (sh->y1 - sh->y0) / 2;
    double qx = fabs(px - (sh->x0 + hx)) - (hx - sh->r),
           qy = fabs(py - (sh->y0 + hy)) - (hy - sh->r);
    double ox = qx > 0 ? qx : 0, oy = qy > 0 ? qy : 0;
    double in = qx > qy ? qx : qy;
    return hypot(ox, oy) + (in < 0 ? in : 0) - sh->r;
}

/* Anti-aliased shape (coverage from the signed distance at the pixel centre). */
static int draw_shape(Scene *sc, Canvas *cv, const Shape *sh, Yuv c, int alpha)
{
    Rect b =
        sh->type == SH_CIRCLE
            ? rect((int)floor(sh->cx - sh->r) - 1, (int)floor(sh->cy - sh->r) - 1,
                   (int)ceil(sh->cx + sh->r) + 1, (int)ceil(sh->cy + sh->r) + 1)
            : rect((int)floor(sh->x0), (int)floor(sh->y0), (int)ceil(sh->x1), (int)ceil(sh->y1));
    b = rect_and(b, cv->clip);
    if (rect_empty(b))
        return 0;
    int mw = b.x1 - b.x0, mh = b.y1 - b.y0;
    uint8_t *m = get_mask(sc, (size_t)mw * mh);
    if (!m)
        return AVERROR(ENOMEM);
    for (int y = 0; y < mh; y++)
        for (int x = 0; x < mw; x++) {
            double cov = 0.5 - shape_sd(sh, b.x0 + x + 0.5, b.y0 + y + 0.5);
            cov = cov < 0 ? 0 : cov > 1 ? 1 : cov;
            m[(size_t)y * mw + x] = (uint8_t)lrint(cov * alpha);
        }
    blit_mask(cv, b.x0, b.y0, m, mw, mh, mw, c);
    return 0;
}

static int draw_circle(Scene *sc, Canvas *cv, double cx, double cy, double r, Yuv c)
{
    Shape sh = {SH_CIRCLE, cx, cy, r, 0, 0, 0, 0};
    return draw_shape(sc, cv, &sh, c, 255);
}

static int draw_rrect(Scene *sc, Canvas *cv, Rect r, double radius, Yuv c, int alpha)
{
    Shape sh = {SH_RRECT, 0, 0, radius, r.x0, r.y0, r.x1, r.y1};
    return draw_shape(sc, cv, &sh, c, alpha);
}

static int draw_pointer(Scene *sc, Canvas *cv, int x, int y)
{
    int s = sc->s, mw = ARROW_W * s, mh = ARROW_H * s;
    uint8_t *m = get_mask(sc, (size_t)mw * mh * 2);
    if (!m)
        return AVERROR(ENOMEM);
    uint8_t *fill = m + (size_t)mw * mh;
    for (int yy = 0; yy < mh; yy++)
        for (int xx = 0; xx < mw; xx++) {
            char ch = arrow_art[yy / s][xx / s];
            m[(size_t)yy * mw + xx] = ch == 'X' ? 255 : 0;
            fill[(size_t)yy * mw + xx] = ch == 'o' ? 255 : 0;
        }
    blit_mask(cv, x, y, m, mw, mh, mw, rgb(sc, 0x000000));
    blit_mask(cv, x, y, fill, mw, mh, mw, rgb(sc, 0xffffff));
    return 0;
}

static int even(int v) { return v & ~1; }

int vxt_scene_scale(int width, int height)
{
    int m = imin(width, height);
    return m < 400 ? 1 : imax(2, m / 540);
}

static Rect frac_rect(const Scene *sc, double x0, double y0, double x1, double y1)
{
    return rect(even((int)(x0 * sc->w)), even((int)(y0 * sc->h)), even((int)(x1 * sc->w)),
                even((int)(y1 * sc->h)));
}

/* ---------------------------------------------------------------------------------------- */
/* The pointer: a closed Lissajous path (default), or the scripted tour (cursor-track mode).  */

static const char typed_line[] = "    o.output_path = \"out.mp4\"; /* 1080p60 */";

/* Click k (0..2): pressed at CLICK_T[k], released CLICK_HOLD later, at tour point CLICK_P[k]. */
static const double click_t[3] = {1.7, 3.6, 12.0};
#define CLICK_HOLD 0.14
#define PAUSE_CLICK 2 /* the click on the Pause button */

/* Legs of the tour: at time t the pointer is at point p; between two legs it glides on a
 * slight arc (smootherstep in time), and rests where two legs name the same point. */
typedef struct Leg {
    double t;
    int p;
} Leg;
static const Leg tour_legs[] = {
    {0.0, 0},  {0.4, 0},  {1.4, 1},  {2.0, 1},  {3.3, 2},  {3.9, 2},  {4.6, 3},  {6.6, 3},
    {7.6, 4},  {8.6, 5},  {9.6, 6},  {10.4, 6}, {11.6, 7}, {12.4, 7}, {13.4, 8},
};
#define N_LEGS ((int)(sizeof(tour_legs) / sizeof(tour_legs[0])))

/* Keeps the arrow's tip inside the picture and the whole arrow above its bottom 20 %. */
static void pointer_clamp(const Scene *sc, double *x, double *y)
{
    double xmax = sc->w - ARROW_W * sc->s, ymax = floor(0.8 * sc->h) - ARROW_H * sc->s;
    *x = *x < 0 ? 0 : *x > xmax ? xmax : *x;
    *y = *y < 0 ? 0 : *y > ymax ? ymax : *y;
}

static void tour_points(Scene *sc)
{
    int s = sc->s;
    Rect t = sc->term_c;
    double tw = t.x1 - t.x0, th = t.y1 - t.y0;
    int cx = sc->edit_c.x0 + 2 * s + 4 * sc->adv + 2 * s;
    int ty = sc->edit_c.y0 + 3 * s + sc->typed_row * sc->line_h;
    double pts[9][2] = {
        {t.x0 + 0.55 * tw, t.y0 + 0.25 * th},                  /* 0 start, in the terminal */
        {t.x0 + 0.35 * tw, t.y0 + 0.55 * th},                  /* 1 click in the terminal */
        {cx + (double)(sizeof(typed_line) - 1) * sc->adv + 2 * s, ty + 3 * s}, /* 2 editor */
        {0.50 * sc->w, 0.30 * sc->h},                          /* 3 (cut away in the demo) */
        {0.30 * sc->w, 0.20 * sc->h},                          /* 4..6 a quick sweep */
        {0.85 * sc->w, 0.15 * sc->h},
        {0.62 * sc->w, 0.50 * sc->h},
        {(sc->pause.x0 + sc->pause.x1) / 2.0, (sc->pause.y0 + sc->pause.y1) / 2.0}, /* 7 Pause */
        {(sc->preview.x0 + sc->preview.x1) / 2.0, sc->preview.y0 + 10.0 * s}, /* 8 rest */
    };
    for (int i = 0; i < 9; i++) {
        pointer_clamp(sc, &pts[i][0], &pts[i][1]);
        sc->tp[i][0] = pts[i][0];
        sc->tp[i][1] = pts[i][1];
    }
}

/* Where the arrow's tip is in frame n (whole pixels). */
static void pointer_pos(const Scene *sc, int n, int *px, int *py)
{
    double t = (double)n / sc->fps;
    if (!sc->tour) {
        *px = (int)lrint(sc->w * (0.5 + 0.38 * sin(2 * SC_PI * t / 6.0)));
        *py = (int)lrint(sc->h * (0.42 + 0.30 * sin(2 * SC_PI * t / 4.0 + 0.7)));
        return;
    }
    int i = 0;
    while (i + 1 < N_LEGS && t >= tour_legs[i + 1].t)
        i++;
    const double *a = sc->tp[tour_legs[i].p];
    double x = a[0], y = a[1];
    if (i + 1 < N_LEGS && tour_legs[i + 1].p != tour_legs[i].p) {
        const double *b = sc->tp[tour_legs[i + 1].p];
        double u = (t - tour_legs[i].t) / (tour_legs[i + 1].t - tour_legs[i].t);
        double e = u * u * u * (u * (6 * u - 15) + 10), bulge = 0.12 * sin(SC_PI * e);
        double dx = b[0] - a[0], dy = b[1] - a[1];
        x = a[0] + e * dx - bulge * dy;
        y = a[1] + e * dy + bulge * dx;
        pointer_clamp(sc, &x, &y);
    }
    *px = (int)lrint(x);
    *py = (int)lrint(y);
}

/* The Pause button's state at time t: 0 up, 1 held down, 2 released (export paused). */
static int pause_state(const Scene *sc, double t)
{
    if (!sc->tour || t < click_t[PAUSE_CLICK])
        return 0;
    return t < click_t[PAUSE_CLICK] + CLICK_HOLD ? 1 : 2;
}

static void layout(Scene *sc)
{
    int s = sc->s;
    sc->adv = 6 * s;
    sc->line_h = 10 * s;
    sc->menu_h = 12 * s;
    sc->title_h = 14 * s;
    double top = (double)sc->menu_h / sc->h;
    sc->edit = frac_rect(sc, 0.47, top + 0.04, 0.97, 0.62);
    sc->term = frac_rect(sc, 0.02, top + 0.10, 0.50, 0.86);
    sc->xport = frac_rect(sc, 0.56, 0.56, 0.93, 0.88);
    Rect *w[3] = {&sc->edit, &sc->term, &sc->xport}, *c[3] = {&sc->edit_c, &sc->term_c, &sc->xp_c};
    for (int i = 0; i < 3; i++)
        *c[i] = rect(w[i]->x0 + s, w[i]->y0 + sc->title_h, w[i]->x1 - s, w[i]->y1 - s);
    Rect xc = rect_inset(sc->xp_c, 6 * s);
    int ty = xc.y0 + 2 * sc->line_h; /* below the two text lines */
    sc->bar = rect(xc.x0, ty, xc.x1, ty + 6 * s);
    sc->preview = rect(xc.x0, sc->bar.y1 + 2 * sc->line_h, xc.x1, xc.y1 - 14 * s);
    int cw = text_w(sc, 12);
    sc->clock = rect(sc->w - cw - 6 * s, 0, sc->w, sc->menu_h);
    sc->typed_row = 14;
    sc->pause = rect(xc.x1 - 40 * s, xc.y0 - 3 * s, xc.x1, xc.y0 + 10 * s);
    tour_points(sc);
}

/* ---------------------------------------------------------------------------------------- */
/* Content.                                                                                  */

static const char *const code_lines[] = {
    "#include <stdio.h>",
    "#include <vexport/vexport.h>",
    "",
    "/* export the edit of a screen recording */",
    "int main(int argc, char **argv)",
    "{",
    "    VxContext *ctx = NULL;",
    "    VxProject *p = NULL;",
    "    if (argc < 2 || vx_open(&ctx, NULL) < 0)",
    "        return 1;",
    "    if (vx_project_load(ctx, argv[1], &p) < 0)",
    "        return 1;",
    "    VxExportOptions o;",
    "    vx_default_export_options(&o);",
    "", /* typed_row: see typed_line */
    "}",
};

static const char *const keywords[] = {"int", "char",  "return", "if",    "NULL",
                                       "for", "while", "void",   "const", "#include"};

static int is_ident(int ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
           ch == '_' || ch == '#';
}

/* Draws a line of C with simple colouring: keywords, strings, comments. */
static int draw_code(Scene *sc, Canvas *cv, int x, int y, const char *line, int len)
{
    char buf[128];
    int i = 0, ret = 0;
    while (i < len && !ret) {
        int j = i;
        uint32_t col = 0x1f2328;
        if (line[i] == '/' && line[i + 1] == '*') {
            j = len;
            col = 0x2e7d32;
        } else if (line[i] == '"') {
            j++;
            while (j < len && line[j] != '"')
                j++;
            j = imin(len, j + 1);
            col = 0xb3261e;
        } else if (is_ident((unsigned char)line[i])) {
            while (j < len && is_ident((unsigned char)line[j]))
                j++;
            for (size_t k = 0; k < sizeof(keywords) / sizeof(keywords[0]); k++)
                if ((int)strlen(keywords[k]) == j - i &&
                    !memcmp(keywords[k], line + i, (size_t)(j - i)))
                    col = line[i] == '#' ? 0x8e24aa : 0x1a5fd0;
        } else {
            j++;
        }
        int n = imin(j - i, (int)sizeof(buf) - 1);
        memcpy(buf, line + i, (size_t)n);
        buf[n] = 0;
        ret = draw_text(sc, cv, x + i * sc->adv, y, buf, rgb(sc, col));
        i = j;
    }
    return ret;
}

static uint32_t hash32(uint32_t x)
{
    x ^= x >> 16;
    x *= 0x7feb352dU;
    x ^= x >> 15;
    x *= 0x846ca68bU;
    x ^= x >> 16;
    return x;
}

/* Line i of the terminal's endless build log; returns its colour. */
static uint32_t term_line(int i, char *buf, size_t n)
{
    static const char *const files[] = {"project.c", "timeline.c", "source.c",  "compose.c",
                                        "encode.c",  "mux.c",      "audio.c",   "pipeline.c",
                                        "scale.c",   "blend.c",    "convert.c", "log.c"};
    static const char *const words[] = {"frames", "pts", "ctx", "tile", "row", "plane"};
    int k = i % 14;
    uint32_t h = hash32((uint32_t)i);
    if (k == 0) {
        snprintf(buf, n, "dev@desk:~/vexport$ make -j2 # build %d", i / 14 + 1);
        return 0x7ee787;
    }
    if (k == 13) {
        snprintf(buf, n, "[100%%] Built target vexport (%u.%02u s)", 3 + h % 9, h % 100);
        return 0x79c0ff;
    }
    const char *f = files[(i / 3 + k) % 12];
    if (h % 5 == 0) {
        snprintf(buf, n, "src/%s:%u:%u: warning: unused variable '%s'", f, 20 + h % 700,
                 5 + (h >> 8) % 30, words[(h >> 4) % 6]);
        return 0xf2cc60;
    }
    snprintf(buf, n, "[%3d%%] Building C object src/%s.o", k * 100 / 13, f);
    return 0xd0d7de;
}

static int draw_window(Scene *sc, Canvas *cv, Rect w, const char *title, uint32_t title_bg,
                       uint32_t title_fg, uint32_t body)
{
    int s = sc->s, ret;
    no_clip(cv);
    fill_rect(cv, rect(w.x0 + 2 * s, w.y0 + 3 * s, w.x1 + 5 * s, w.y1 + 6 * s), rgb(sc, 0), 40);
    fill_rect(cv, rect(w.x0 + 1 * s, w.y0 + 2 * s, w.x1 + 3 * s, w.y1 + 4 * s), rgb(sc, 0), 50);
    fill_rect(cv, w, rgb(sc, 0x3c3c3c), 255);
    Rect t = rect(w.x0 + s, w.y0 + s, w.x1 - s, w.y0 + sc->title_h);
    fill_rect(cv, t, rgb(sc, title_bg), 255);
    fill_rect(cv, rect(w.x0 + s, w.y0 + sc->title_h, w.x1 - s, w.y1 - s), rgb(sc, body), 255);
    set_clip(cv, t);
    static const uint32_t btn[3] = {0xff5f57, 0xfebc2e, 0x28c840};
    double cy = (t.y0 + t.y1) / 2.0;
    for (int i = 0; i < 3; i++) {
        ret = draw_circle(sc, cv, t.x0 + 8 * s + i * 10 * s, cy, 3.5 * s, rgb(sc, btn[i]));
        if (ret < 0)
            return ret;
    }
    int tw = text_w(sc, (int)strlen(title));
    int tx = imax(t.x0 + 36 * s, even((t.x0 + t.x1 - tw) / 2));
    ret = draw_text(sc, cv, tx, even((int)cy - 7 * s / 2), title, rgb(sc, title_fg));
    no_clip(cv);
    return ret;
}

/* The Pause button (tour mode) in state st (see pause_state). */
static int draw_pause(Scene *sc, Canvas *cv, int st)
{
    int s = sc->s, ret;
    static const uint32_t bg[3] = {0x4b5563, 0x1f2937, 0xd97706};
    const char *label = st == 2 ? "Resume" : "Pause";
    int len = (int)strlen(label);
    if ((ret = draw_rrect(sc, cv, sc->pause, 3 * s, rgb(sc, bg[st]), 255)) < 0)
        return ret;
    return draw_text(sc, cv, even((sc->pause.x0 + sc->pause.x1 - text_w(sc, len)) / 2),
                     sc->pause.y0 + 3 * s, label, rgb(sc, 0xffffff));
}

/* The frame counter and its barcode (layout documented in demo_scene.h). */
static int draw_counter(Scene *sc, Canvas *cv, int n)
{
    int s = sc->s, h = sc->h, ret;
    double t = (double)n / sc->fps;
    char buf[64];
    no_clip(cv);
    fill_rect(cv, rect(0, h - 17 * s, 135 * s, h), rgb(sc, 0x000000), 255);
    snprintf(buf, sizeof(buf), "frame %06d t=%07.3f", n % 1000000, fmod(t, 1000.0));
    if ((ret = draw_text(sc, cv, 2 * s, h - 15 * s, buf, rgb(sc, 0xffffff))) < 0)
        return ret;
    for (int b = 0; b < 16; b++) {
        int bit = (n >> (15 - b)) & 1;
        fill_rect(cv, rect(2 * s + 4 * s * b, h - 6 * s, 2 * s + 4 * s * (b + 1), h - 2 * s),
                  rgb(sc, bit ? 0xffffff : 0x404040), 255);
    }
    return 0;
}

/* The picture that does not change, drawn once. */
static int draw_static(Scene *sc, Canvas *cv)
{
    int s = sc->s, w = sc->w, h = sc->h, ret;
    no_clip(cv);
    /* wallpaper: flat colour and two large discs */
    fill_rect(cv, rect(0, 0, w, h), rgb(sc, 0x2f5d8a), 255);
    if ((ret = draw_circle(sc, cv, 0.86 * w, 1.02 * h, 0.60 * h, rgb(sc, 0x3d78ad))) < 0 ||
        (ret = draw_circle(sc, cv, 0.86 * w, 1.02 * h, 0.36 * h, rgb(sc, 0x4a8cc4))) < 0 ||
        (ret = draw_circle(sc, cv, 0.08 * w, 0.02 * h, 0.30 * h, rgb(sc, 0x264e76))) < 0)
        return ret;

    /* dock */
    static const uint32_t icons[] = {0x1e88e5, 0x43a047, 0xfb8c00, 0xe53935,
                                     0x8e24aa, 0x00acc1, 0x6d4c41};
    int n = 7, isz = 20 * s, gap = 6 * s, dw = n * (isz + gap) + gap, dh = isz + 2 * gap;
    Rect dock = rect(even((w - dw) / 2), h - dh - 2 * s, even((w - dw) / 2) + dw, h - 2 * s);
    if ((ret = draw_rrect(sc, cv, dock, 6 * s, rgb(sc, 0x101820), 110)) < 0)
        return ret;
    for (int i = 0; i < n; i++) {
        Rect ir = rect(dock.x0 + gap + i * (isz + gap), dock.y0 + gap, 0, 0);
        ir.x1 = ir.x0 + isz;
        ir.y1 = ir.y0 + isz;
        if ((ret = draw_rrect(sc, cv, ir, 5 * s, rgb(sc, icons[i]), 255)) < 0 ||
            (ret = draw_rrect(sc, cv, rect_inset(ir, 6 * s), 2 * s, rgb(sc, 0xffffff), 200)) < 0)
            return ret;
    }

    /* editor (back) */
    if ((ret = draw_window(sc, cv, sc->edit, "main.c - Editor", 0xe6e6e6, 0x202020, 0xfafafa)) < 0)
        return ret;
    set_clip(cv, sc->edit_c);
    int gx = sc->edit_c.x0 + 2 * s, cx = gx + 4 * sc->adv + 2 * s, y0 = sc->edit_c.y0 + 3 * s;
    fill_rect(cv, rect(sc->edit_c.x0, sc->edit_c.y0, cx - 2 * s, sc->edit_c.y1), rgb(sc, 0xeeeeee),
              255);
    fill_rect(cv,
              rect(cx - 2 * s, y0 + sc->typed_row * sc->line_h - 2 * s, sc->edit_c.x1,
                   y0 + (sc->typed_row + 1) * sc->line_h - s),
              rgb(sc, 0xfff5c2), 255);
    for (int i = 0; i < (int)(sizeof(code_lines) / sizeof(code_lines[0])); i++) {
        char num[16];
        snprintf(num, sizeof(num), "%3d", i + 1);
        int y = y0 + i * sc->line_h;
        if ((ret = draw_text(sc, cv, gx, y, num, rgb(sc, 0x9a9a9a))) < 0 ||
            (ret = draw_code(sc, cv, cx, y, code_lines[i], (int)strlen(code_lines[i]))) < 0)
            return ret;
    }

    /* export dialog (middle) */
    if ((ret = draw_window(sc, cv, sc->xport, "Export", 0xd5dbe5, 0x1f2937, 0xf3f4f6)) < 0)
        return ret;
    set_clip(cv, sc->xp_c);
    Rect xc = rect_inset(sc->xp_c, 6 * s);
    if ((ret = draw_text(sc, cv, xc.x0, xc.y0, "Exporting demo.mp4 (H.264, 1080p60)",
                         rgb(sc, 0x111827))) < 0)
        return ret;
    fill_rect(cv, sc->bar, rgb(sc, 0xd1d5db), 255);
    fill_rect(cv, sc->preview, rgb(sc, 0x1b1f3a), 255);
    Rect btn = rect(xc.x1 - 40 * s, xc.y1 - 12 * s, xc.x1, xc.y1);
    if ((ret = draw_rrect(sc, cv, btn, 3 * s, rgb(sc, 0x2563eb), 255)) < 0 ||
        (ret = draw_text(sc, cv, btn.x0 + 2 * s + (40 * s - text_w(sc, 6)) / 2 - 2 * s,
                         btn.y0 + 3 * s, "Cancel", rgb(sc, 0xffffff))) < 0)
        return ret;
    if (sc->tour && (ret = draw_pause(sc, cv, 0)) < 0)
        return ret;

    /* terminal (front) */
    if ((ret = draw_window(sc, cv, sc->term, "dev@desk: ~/vexport - Terminal", 0x2d2d2d, 0xe0e0e0,
                           0x0d1117)) < 0)
        return ret;

    /* menu bar */
    no_clip(cv);
    fill_rect(cv, rect(0, 0, w, sc->menu_h), rgb(sc, 0x1c1c1e), 255);
    set_clip(cv, rect(0, 0, sc->clock.x0, sc->menu_h));
    int my = even((sc->menu_h - 7 * s) / 2);
    if ((ret = draw_text(sc, cv, 6 * s, my, "vexport", rgb(sc, 0xffffff))) < 0 ||
        (ret = draw_text(sc, cv, 6 * s + 10 * sc->adv, my, "File  Edit  View  Window  Help",
                         rgb(sc, 0xd0d0d0))) < 0)
        return ret;
    no_clip(cv);
    return 0;
}

/* Everything that moves, drawn on a copy of the static picture for frame n. */
static int draw_frame(Scene *sc, Canvas *cv, int n)
{
    int s = sc->s, ret;
    double t = (double)n / sc->fps;
    char buf[160];

    /* terminal: the log scrolls 3 lines a second */
    set_clip(cv, rect_inset(sc->term_c, 2 * s));
    int64_t off = (int64_t)n * 3 * sc->line_h / sc->fps;
    int first = (int)(off / sc->line_h);
    int ybase = sc->term_c.y0 + 4 * s - (int)(off % sc->line_h);
    for (int i = first;; i++) {
        int y = ybase + (i - first) * sc->line_h;
        if (y >= cv->clip.y1)
            break;
        snprintf(buf, sizeof(buf), "%4d", i + 1);
        if ((ret = draw_text(sc, cv, sc->term_c.x0 + 4 * s, y, buf, rgb(sc, 0x6e7681))) < 0)
            return ret;
        uint32_t col = term_line(i, buf, sizeof(buf));
        ret = draw_text(sc, cv, sc->term_c.x0 + 4 * s + 5 * sc->adv, y, buf, rgb(sc, col));
        if (ret < 0)
            return ret;
    }

    /* editor: a line being typed (12 characters a second, then a pause) and a blinking caret,
     * in the part of the editor no other window covers */
    Rect vis = rect_and(sc->edit_c, rect(sc->term.x1 + 6 * s, 0, cv->w, sc->xport.y0));
    set_clip(cv, vis);
    int len = (int)strlen(typed_line), k = (int)((int64_t)n * 12 / sc->fps % (len + 24));
    k = imin(k, len);
    int gx = sc->edit_c.x0 + 2 * s, cx = gx + 4 * sc->adv + 2 * s;
    int ty = sc->edit_c.y0 + 3 * s + sc->typed_row * sc->line_h;
    if ((ret = draw_code(sc, cv, cx, ty, typed_line, k)) < 0)
        return ret;
    if ((int)((int64_t)n * 2 / sc->fps) % 2 == 0)
        fill_rect(cv, rect(cx + k * sc->adv, ty - s, cx + k * sc->adv + s, ty + 8 * s),
                  rgb(sc, 0x111111), 255);

    /* export dialog: progress and a bouncing ball; in tour mode the progress stops once the
     * Pause button is released */
    set_clip(cv, sc->xp_c);
    int pst = pause_state(sc, t), pn = n;
    if (pst == 2)
        pn = imin(n, (int)ceil((click_t[PAUSE_CLICK] + CLICK_HOLD) * sc->fps));
    if (pst && (ret = draw_pause(sc, cv, pst)) < 0)
        return ret;
    double frac = sc->nframes > 1 ? (double)pn / (sc->nframes - 1) : 1.0;
    fill_rect(cv,
              rect(sc->bar.x0, sc->bar.y0,
                   sc->bar.x0 + (int)lrint(frac * (sc->bar.x1 - sc->bar.x0)), sc->bar.y1),
              rgb(sc, pst == 2 ? 0xd97706 : 0x2563eb), 255);
    snprintf(buf, sizeof(buf), "%3d%%  frame %d of %d", (int)(frac * 100), pn + 1, sc->nframes);
    if ((ret = draw_text(sc, cv, sc->bar.x0, sc->bar.y1 + 4 * s, buf, rgb(sc, 0x374151))) < 0)
        return ret;
    set_clip(cv, rect_and(sc->preview, sc->xp_c));
    double r = 6.0 * s, pw = sc->preview.x1 - sc->preview.x0 - 2 * r,
           ph = sc->preview.y1 - sc->preview.y0 - 2 * r;
    double tb = pst == 2 ? (double)pn / sc->fps : t; /* the ball stops too */
    double u = fmod(tb / 1.7, 2.0), v = fmod(tb / 1.1, 2.0);
    double bx = sc->preview.x0 + r + (u < 1 ? u : 2 - u) * (pw > 0 ? pw : 0);
    double by = sc->preview.y0 + r + (v < 1 ? v : 2 - v) * (ph > 0 ? ph : 0);
    if ((ret = draw_circle(sc, cv, bx, by, r, rgb(sc, 0xff9f1c))) < 0)
        return ret;

    /* menu-bar clock */
    set_clip(cv, sc->clock);
    int secs = 41 * 60 + (int)t;
    snprintf(buf, sizeof(buf), "Mon  9:%02d:%02d", secs / 60 % 60, secs % 60);
    if ((ret = draw_text(sc, cv, sc->clock.x0, even((sc->menu_h - 7 * s) / 2), buf,
                         rgb(sc, 0xffffff))) < 0)
        return ret;

    if ((ret = draw_counter(sc, cv, n)) < 0)
        return ret;
    if (!sc->pointer)
        return 0;
    int px, py;
    pointer_pos(sc, n, &px, &py);
    return draw_pointer(sc, cv, px, py);
}

/* ---------------------------------------------------------------------------------------- */
/* The microphone's voice and the webcam picture.                                             */

#define VOICE_PERIOD 14.0 /* the voice's phrases repeat with this period (seconds) */

typedef struct Syl {
    double t0, t1;  /* seconds in the period */
    int vowel;      /* index into formants */
    double f0a, f0b; /* pitch at the start and at the end (Hz) */
    double amp;     /* 0.6..1 */
} Syl;

typedef struct Voice {
    Syl syl[160];
    int n;
    float *buf; /* one period, normalised */
    int64_t len;
} Voice;

/* F1, F2, F3 (Hz) of /a/, /e/, /i/, /o/, /u/ */
static const double formants[5][3] = {
    {730, 1090, 2440}, {530, 1840, 2480}, {300, 2250, 2900}, {570, 840, 2410}, {320, 870, 2240},
};
static const double bandwidths[3] = {80, 100, 140};

static double h01(uint32_t x) { return (hash32(x) & 0xffffff) / 16777216.0; }

/* Envelope (0..1) of the voice at time t (seconds). */
static double voice_env(const Voice *v, double t)
{
    t = fmod(t, VOICE_PERIOD);
    for (int i = 0; i < v->n; i++) {
        const Syl *y = &v->syl[i];
        if (t >= y->t0 && t < y->t1) {
            double a = fmin(1.0, (t - y->t0) / 0.02) * fmin(1.0, (y->t1 - t) / 0.04);
            return a * y->amp;
        }
    }
    return 0;
}

/* Glottal pulses through a cascade of three formant resonators (a Klatt-style cascade
 * synthesiser, much simplified), rendered once for one period and normalised to -6 dBFS. */
static int voice_init(Voice *v)
{
    static const double phrases[][2] = {{0.6, 3.9}, {4.6, 6.2}, {6.9, 10.2}, {11.0, 13.4}};
    memset(v, 0, sizeof(*v));
    uint32_t k = 1;
    for (int p = 0; p < 4; p++) {
        double t = phrases[p][0];
        for (;;) {
            double d = 0.12 + 0.14 * h01(k++);
            if (t + d > phrases[p][1] || v->n == (int)(sizeof(v->syl) / sizeof(v->syl[0])))
                break;
            Syl *y = &v->syl[v->n++];
            y->t0 = t;
            y->t1 = t + d;
            y->vowel = (int)(hash32(k++) % 5);
            y->f0a = 105 + 55 * h01(k++);
            y->f0b = y->f0a * (0.88 + 0.22 * h01(k++));
            y->amp = 0.6 + 0.4 * h01(k++);
            t += d + 0.03 + 0.05 * h01(k++);
        }
    }
    v->len = (int64_t)(VOICE_PERIOD * SAMPLE_RATE);
    if (!(v->buf = av_malloc_array((size_t)v->len, sizeof(*v->buf))))
        return AVERROR(ENOMEM);
    double phase = 0, tilt = 0, y[3][2] = {{0}}, hp = 0, hx = 0, peak = 0;
    double F[3] = {formants[0][0], formants[0][1], formants[0][2]};
    int cur = -1;
    const double fs = SAMPLE_RATE;
    for (int64_t i = 0; i < v->len; i++) {
        double t = i / fs, env = 0, f0 = 120;
        while (cur + 1 < v->n && t >= v->syl[cur + 1].t0)
            cur++;
        if (cur >= 0 && t < v->syl[cur].t1) {
            const Syl *s = &v->syl[cur];
            double u = (t - s->t0) / (s->t1 - s->t0);
            env = voice_env(v, t);
            f0 = s->f0a + (s->f0b - s->f0a) * u;
            /* formants glide towards the syllable's vowel (about 30 ms) */
            for (int j = 0; j < 3; j++)
                F[j] += (formants[s->vowel][j] - F[j]) * (1.0 / (0.03 * fs));
        }
        phase += f0 / fs;
        double x = 0;
        if (phase >= 1) {
            phase -= 1;
            x = 1;
        }
        tilt = 0.92 * tilt + x; /* spectral tilt of the glottal source */
        double o = tilt * env + 0.01 * env * (h01((uint32_t)i * 2654435761u) - 0.5);
        for (int j = 0; j < 3; j++) {
            double r = exp(-SC_PI * bandwidths[j] / fs);
            double b1 = 2 * r * cos(2 * SC_PI * F[j] / fs), b2 = -r * r;
            double out = (1 - b1 - b2) * o + b1 * y[j][0] + b2 * y[j][1];
            y[j][1] = y[j][0];
            y[j][0] = out;
            o = out;
        }
        hp = o - hx + 0.995 * hp; /* no DC */
        hx = o;
        v->buf[i] = (float)hp;
        peak = fmax(peak, fabs(hp));
    }
    if (peak > 0)
        for (int64_t i = 0; i < v->len; i++)
            v->buf[i] = (float)(v->buf[i] * (0.5 / peak));
    return 0;
}

static void voice_free(Voice *v) { av_freep(&v->buf); }

/* The webcam's background: a soft vertical gradient. */
static int draw_cam_static(Scene *sc, Canvas *cv)
{
    no_clip(cv);
    /* bands of two rows, so that each chroma row is set once */
    for (int y = 0; y < sc->h; y += 2) {
        double u = (y + 0.5) / (sc->h - 1);
        int r = (int)lrint(0x5b + (0xc9 - 0x5b) * u), g = (int)lrint(0x6f + (0xa8 - 0x6f) * u),
            b = (int)lrint(0x8c + (0x8f - 0x8c) * u);
        fill_rect(cv, rect(0, y, sc->w, y + 2), rgb(sc, (uint32_t)(r << 16 | g << 8 | b)), 255);
    }
    /* a window's glow behind the figure */
    return draw_shape(sc, cv,
                      &(Shape){SH_RRECT, 0, 0, 24, 0.62 * sc->w, 0.10 * sc->h, 0.92 * sc->w,
                               0.55 * sc->h},
                      rgb(sc, 0xf4f1e8), 90);
}

/* The webcam's frame n: a head and shoulders that sway, blink and talk. */
static int draw_cam_frame(Scene *sc, Canvas *cv, int n)
{
    double t = (double)n / sc->fps, w = sc->w, h = sc->h;
    double ox = 0.02 * w * sin(2 * SC_PI * t / 5.0), oy = 0.01 * h * sin(2 * SC_PI * t / 3.3);
    double cx = 0.5 * w + ox, hy = 0.40 * h + oy; /* head centre */
    double hw = 0.13 * w, hh = 0.21 * h;          /* half sizes of the head */
    int ret;
    no_clip(cv);
    Shape body = {SH_CIRCLE, cx, h + 0.20 * h, 0.54 * h, 0, 0, 0, 0};
    Shape neck = {SH_RRECT, 0, 0, 0.03 * w, cx - 0.05 * w, hy + 0.6 * hh, cx + 0.05 * w,
                  hy + 1.45 * hh};
    Shape hair = {SH_RRECT, 0, 0, hw * 1.05, cx - hw * 1.08, hy - hh * 1.12, cx + hw * 1.08,
                  hy + hh * 0.35};
    Shape head = {SH_RRECT, 0, 0, hw * 0.95, cx - hw, hy - hh * 0.88, cx + hw, hy + hh};
    if ((ret = draw_shape(sc, cv, &body, rgb(sc, 0x2f4858), 255)) < 0 ||
        (ret = draw_shape(sc, cv, &neck, rgb(sc, 0xd9a184), 255)) < 0 ||
        (ret = draw_shape(sc, cv, &hair, rgb(sc, 0x3b2a20), 255)) < 0 ||
        (ret = draw_shape(sc, cv, &head, rgb(sc, 0xeab594), 255)) < 0)
        return ret;
    /* eyes, closed for 0.12 s every 3.7 s */
    int blink = fmod(t, 3.7) > 3.58;
    for (int i = -1; i <= 1; i += 2) {
        double ex = cx + i * 0.42 * hw, ey = hy - 0.12 * hh;
        if (blink) {
            Shape lid = {SH_RRECT, 0, 0, 2, ex - 0.14 * hw, ey - 2, ex + 0.14 * hw, ey + 2};
            ret = draw_shape(sc, cv, &lid, rgb(sc, 0x5a3a2a), 255);
        } else {
            ret = draw_circle(sc, cv, ex, ey, 0.11 * hw, rgb(sc, 0xffffff));
            if (ret >= 0)
                ret = draw_circle(sc, cv, ex + 0.02 * hw, ey, 0.06 * hw, rgb(sc, 0x2b1d14));
        }
        if (ret < 0)
            return ret;
    }
    /* mouth: opens with the voice */
    double open = sc->voice ? voice_env(sc->voice, t) : 0;
    double mh = 0.03 * hh + 0.22 * hh * open, mw = 0.30 * hw;
    Shape mouth = {SH_RRECT, 0, 0, fmin(mh, mw) / 2, cx - mw, hy + 0.45 * hh - mh / 2, cx + mw,
                   hy + 0.45 * hh + mh / 2};
    if ((ret = draw_shape(sc, cv, &mouth, rgb(sc, 0x8c3b3b), 255)) < 0)
        return ret;
    return draw_counter(sc, cv, n);
}

static void scene_free(Scene *sc)
{
    av_freep(&sc->tpl[0]);
    av_freep(&sc->mask);
    sc->mask_cap = 0;
}

/* The desktop (cam = 0) or the webcam picture (cam = 1); tour: the pointer's path is the tour
 * (cursor-track mode); pointer: draw it. */
static int scene_init(Scene *sc, int w, int h, int fps, int nframes, int cam, int tour,
                      int pointer, const Voice *voice)
{
    memset(sc, 0, sizeof(*sc));
    sc->w = w;
    sc->h = h;
    sc->fps = fps;
    sc->nframes = nframes;
    sc->cam = cam;
    sc->tour = tour;
    sc->pointer = pointer;
    sc->voice = voice;
    sc->s = vxt_scene_scale(w, h);
    if (h >= 720)
        sc->kr = 0.2126, sc->kb = 0.0722;
    else
        sc->kr = 0.299, sc->kb = 0.114;
    if (cam) /* the smallest counter box, so that a round bubble hides it */
        sc->s = 1, sc->adv = 6;
    else
        layout(sc);
    int cw = (w + 1) >> 1, ch = (h + 1) >> 1;
    sc->tls[0] = FFALIGN(w, 64);
    sc->tls[1] = sc->tls[2] = FFALIGN(cw, 64);
    size_t ysz = (size_t)sc->tls[0] * h, csz = (size_t)sc->tls[1] * ch;
    sc->tpl[0] = av_malloc(ysz + 2 * csz);
    if (!sc->tpl[0])
        return AVERROR(ENOMEM);
    sc->tpl[1] = sc->tpl[0] + ysz;
    sc->tpl[2] = sc->tpl[1] + csz;
    Canvas cv = {{sc->tpl[0], sc->tpl[1], sc->tpl[2]},
                 {sc->tls[0], sc->tls[1], sc->tls[2]},
                 w,
                 h,
                 {0, 0, w, h}};
    int ret = cam ? draw_cam_static(sc, &cv) : draw_static(sc, &cv);
    if (ret < 0)
        scene_free(sc);
    return ret;
}

/* ---------------------------------------------------------------------------------------- */
/* Encoding and muxing.                                                                      */

typedef struct Writer {
    AVFormatContext *fmt;
    AVCodecContext *venc, *aenc;
    AVStream *vst, *ast;
    AVFrame *vframe, *aframe;
    AVPacket *pkt;
    char *err;
    size_t errlen;
    int channels;                        /* audio channels */
    float (*gen)(void *opaque, int64_t k); /* audio sample k (called in order) */
    void *gen_opaque;
} Writer;

/* Writes the message (with the FFmpeg/errno reason of ret appended if ret < 0) and returns ret. */
static int fail(Writer *w, int ret, const char *fmt, ...)
{
    if (!w->err || !w->errlen)
        return ret;
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(w->err, w->errlen, fmt, ap);
    va_end(ap);
    if (ret < 0 && k >= 0 && (size_t)k < w->errlen) {
        char e[AV_ERROR_MAX_STRING_SIZE] = "";
        if (av_strerror(ret, e, sizeof(e)) < 0)
            snprintf(e, sizeof(e), "error %d", ret);
        snprintf(w->err + k, w->errlen - (size_t)k, ": %s", e);
    }
    return ret;
}

/* Sends f (NULL: flush) to enc and writes every packet it gives back. */
static int encode(Writer *w, AVCodecContext *enc, AVStream *st, const AVFrame *f)
{
    const char *what = enc == w->venc ? "video" : "audio";
    int ret = avcodec_send_frame(enc, f);
    if (ret < 0)
        return fail(w, ret, "%s encoding failed", what);
    for (;;) {
        ret = avcodec_receive_packet(enc, w->pkt);
        if (ret == AVERROR(EAGAIN) || ret == AVERROR_EOF)
            return 0;
        if (ret < 0)
            return fail(w, ret, "%s encoding failed", what);
        av_packet_rescale_ts(w->pkt, enc->time_base, st->time_base);
        w->pkt->stream_index = st->index;
        ret = av_interleaved_write_frame(w->fmt, w->pkt);
        if (ret < 0)
            return fail(w, ret, "writing a %s packet failed", what);
    }
}

static int open_video(Writer *w, const VxtSceneOptions *o, int nframes)
{
    int odd = (o->width | o->height) & 1;
    const char *name = odd ? "libvpx-vp9" : "libx264";
    const AVCodec *codec = avcodec_find_encoder_by_name(name);
    if (!codec)
        return fail(w, AVERROR_ENCODER_NOT_FOUND, "this FFmpeg has no %s encoder%s", name,
                    odd ? " (needed for odd picture sizes)" : "");
    AVCodecContext *c = w->venc = avcodec_alloc_context3(codec);
    if (!c)
        return fail(w, AVERROR(ENOMEM), "out of memory");
    int hd = o->height >= 720;
    c->width = o->width;
    c->height = o->height;
    c->pix_fmt = AV_PIX_FMT_YUV420P;
    c->time_base = (AVRational){1, o->fps};
    c->framerate = (AVRational){o->fps, 1};
    c->sample_aspect_ratio = (AVRational){1, 1};
    c->gop_size = imax(1, imin(2 * o->fps, nframes));
    c->color_range = AVCOL_RANGE_MPEG;
    c->color_primaries = hd ? AVCOL_PRI_BT709 : AVCOL_PRI_SMPTE170M;
    c->color_trc = hd ? AVCOL_TRC_BT709 : AVCOL_TRC_SMPTE170M;
    c->colorspace = hd ? AVCOL_SPC_BT709 : AVCOL_SPC_SMPTE170M;
    c->chroma_sample_location = AVCHROMA_LOC_LEFT;
    c->thread_count = 0;
    if (w->fmt->oformat->flags & AVFMT_GLOBALHEADER)
        c->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
    AVDictionary *opts = NULL;
    char crf[16];
    snprintf(crf, sizeof(crf), "%d", o->crf);
    int ret = 0;
    if (odd) {
        c->bit_rate = 0;
        if ((ret = av_dict_set(&opts, "deadline", "realtime", 0)) < 0 ||
            (ret = av_dict_set(&opts, "cpu-used", "8", 0)) < 0 ||
            (ret = av_dict_set(&opts, "row-mt", "1", 0)) < 0)
            goto dict_fail;
    } else if ((ret = av_dict_set(&opts, "preset", o->preset, 0)) < 0) {
        goto dict_fail;
    }
    if ((ret = av_dict_set(&opts, "crf", crf, 0)) < 0)
        goto dict_fail;
    ret = avcodec_open2(c, codec, &opts);
    if (ret < 0) {
        av_dict_free(&opts);
        if (odd)
            return fail(w, ret, "opening the %s encoder (crf %d) failed", name, o->crf);
        return fail(w, ret, "opening the %s encoder (preset \"%s\", crf %d) failed", name,
                    o->preset, o->crf);
    }
    AVDictionaryEntry *left = av_dict_get(opts, "", NULL, AV_DICT_IGNORE_SUFFIX);
    if (left) {
        ret =
            fail(w, AVERROR(EINVAL), "the %s encoder does not know the option %s", name, left->key);
        av_dict_free(&opts);
        return ret;
    }
    av_dict_free(&opts);

    if (!(w->vst = avformat_new_stream(w->fmt, NULL)))
        return fail(w, AVERROR(ENOMEM), "out of memory");
    w->vst->time_base = c->time_base;
    w->vst->avg_frame_rate = c->framerate;
    w->vst->r_frame_rate = c->framerate;
    if ((ret = avcodec_parameters_from_context(w->vst->codecpar, c)) < 0)
        return fail(w, ret, "setting up the video stream failed");

    if (!(w->vframe = av_frame_alloc()))
        return fail(w, AVERROR(ENOMEM), "out of memory");
    w->vframe->format = c->pix_fmt;
    w->vframe->width = c->width;
    w->vframe->height = c->height;
    w->vframe->color_range = c->color_range;
    w->vframe->color_primaries = c->color_primaries;
    w->vframe->color_trc = c->color_trc;
    w->vframe->colorspace = c->colorspace;
    w->vframe->chroma_location = c->chroma_sample_location;
    if ((ret = av_frame_get_buffer(w->vframe, 0)) < 0)
        return fail(w, ret, "allocating a video frame failed");
    return 0;
dict_fail:
    av_dict_free(&opts);
    return fail(w, ret, "setting encoder options failed");
}

static int open_audio(Writer *w, int channels, int64_t bitrate)
{
    const AVCodec *codec = avcodec_find_encoder_by_name("aac");
    if (!codec)
        return fail(w, AVERROR_ENCODER_NOT_FOUND, "this FFmpeg has no aac encoder");
    int fltp = 0;
    for (const enum AVSampleFormat *f = codec->sample_fmts; f && *f != AV_SAMPLE_FMT_NONE; f++)
        fltp |= *f == AV_SAMPLE_FMT_FLTP;
    if (!fltp)
        return fail(w, AVERROR(ENOSYS), "the aac encoder does not take planar float samples");
    AVCodecContext *c = w->aenc = avcodec_alloc_context3(codec);
    if (!c)
        return fail(w, AVERROR(ENOMEM), "out of memory");
    c->sample_fmt = AV_SAMPLE_FMT_FLTP;
    c->sample_rate = SAMPLE_RATE;
    c->bit_rate = bitrate;
    c->time_base = (AVRational){1, SAMPLE_RATE};
    int ret = av_channel_layout_copy(&c->ch_layout, channels == 1
                                                        ? &(AVChannelLayout)AV_CHANNEL_LAYOUT_MONO
                                                        : &(AVChannelLayout)AV_CHANNEL_LAYOUT_STEREO);
    if (ret < 0)
        return fail(w, ret, "setting the channel layout failed");
    if (w->fmt->oformat->flags & AVFMT_GLOBALHEADER)
        c->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
    if ((ret = avcodec_open2(c, codec, NULL)) < 0)
        return fail(w, ret, "opening the aac encoder failed");
    if (!(w->ast = avformat_new_stream(w->fmt, NULL)))
        return fail(w, AVERROR(ENOMEM), "out of memory");
    w->ast->time_base = c->time_base;
    if ((ret = avcodec_parameters_from_context(w->ast->codecpar, c)) < 0)
        return fail(w, ret, "setting up the audio stream failed");
    if (!(w->aframe = av_frame_alloc()))
        return fail(w, AVERROR(ENOMEM), "out of memory");
    w->aframe->format = c->sample_fmt;
    w->aframe->sample_rate = c->sample_rate;
    w->aframe->nb_samples = c->frame_size > 0 ? c->frame_size : 1024;
    if ((ret = av_channel_layout_copy(&w->aframe->ch_layout, &c->ch_layout)) < 0 ||
        (ret = av_frame_get_buffer(w->aframe, 0)) < 0)
        return fail(w, ret, "allocating an audio frame failed");
    return 0;
}

/* Sample k of the soundtrack: 440 Hz at -12 dBFS, plus 1 kHz for 100 ms from every second. */
static float audio_sample(int64_t k)
{
    const double amp = 0.25118864315095801; /* 10^(-12/20) */
    double v = amp * sin(2 * SC_PI * (double)(k % 1200) * 440.0 / SAMPLE_RATE);
    int64_t u = k % SAMPLE_RATE;
    const int beep = SAMPLE_RATE / 10, ramp = SAMPLE_RATE / 500;
    if (u < beep) {
        double env = 1.0;
        if (u < ramp)
            env = (double)u / ramp;
        else if (u > beep - ramp)
            env = (double)(beep - u) / ramp;
        v += amp * env * sin(2 * SC_PI * (double)(u % 48) * 1000.0 / SAMPLE_RATE);
    }
    return (float)v;
}

static float tone_gen(void *opaque, int64_t k)
{
    (void)opaque;
    return audio_sample(k);
}

static float voice_gen(void *opaque, int64_t k)
{
    const Voice *v = opaque;
    return v->buf[k % v->len];
}

static int write_audio_frame(Writer *w, int64_t *next, int64_t total)
{
    AVFrame *f = w->aframe;
    int ret = av_frame_make_writable(f);
    if (ret < 0)
        return fail(w, ret, "allocating an audio frame failed");
    int cap = w->aenc->frame_size > 0 ? w->aenc->frame_size : 1024;
    int n = (int)(total - *next < cap ? total - *next : cap);
    int small_ok = !!(w->aenc->codec->capabilities & AV_CODEC_CAP_SMALL_LAST_FRAME) ||
                   (w->aenc->codec->capabilities & AV_CODEC_CAP_VARIABLE_FRAME_SIZE);
    f->nb_samples = small_ok ? n : cap;
    for (int i = 0; i < f->nb_samples; i++) {
        float v = i < n ? w->gen(w->gen_opaque, *next + i) : 0.0f;
        for (int c = 0; c < w->channels; c++)
            ((float *)f->data[c])[i] = v;
    }
    f->pts = *next;
    *next += n;
    return encode(w, w->aenc, w->ast, f);
}

static int write_video_frame(Writer *w, Scene *sc, int n)
{
    AVFrame *f = w->vframe;
    int ret = av_frame_make_writable(f);
    if (ret < 0)
        return fail(w, ret, "allocating a video frame failed");
    int cw = (sc->w + 1) >> 1, ch = (sc->h + 1) >> 1;
    av_image_copy_plane(f->data[0], f->linesize[0], sc->tpl[0], sc->tls[0], sc->w, sc->h);
    av_image_copy_plane(f->data[1], f->linesize[1], sc->tpl[1], sc->tls[1], cw, ch);
    av_image_copy_plane(f->data[2], f->linesize[2], sc->tpl[2], sc->tls[2], cw, ch);
    Canvas cv = {{f->data[0], f->data[1], f->data[2]},
                 {f->linesize[0], f->linesize[1], f->linesize[2]},
                 sc->w,
                 sc->h,
                 {0, 0, sc->w, sc->h}};
    if ((ret = sc->cam ? draw_cam_frame(sc, &cv, n) : draw_frame(sc, &cv, n)) < 0)
        return fail(w, ret, "drawing frame %d failed", n);
    f->pts = n;
    return encode(w, w->venc, w->vst, f);
}

static void writer_free(Writer *w)
{
    if (w->fmt) {
        if (w->fmt->pb)
            avio_closep(&w->fmt->pb);
        avformat_free_context(w->fmt);
        w->fmt = NULL;
    }
    avcodec_free_context(&w->venc);
    avcodec_free_context(&w->aenc);
    av_frame_free(&w->vframe);
    av_frame_free(&w->aframe);
    av_packet_free(&w->pkt);
}

/* The keys track of the typed line (format in demo_scene.h). */
static int write_keys(Writer *w, const char *path, const Scene *sc, int *created)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return fail(w, AVERROR(errno), "cannot create %s", path);
    *created = 1;
    const int len = (int)strlen(typed_line), cycle = len + 24; /* in 1/12 s */
    const double end = (double)sc->nframes / sc->fps;
    int ok = 1;
    for (int k = 0; ok; k++) {
        int j = 4; /* the indent: the editor's */
        for (; j < len && (double)(k * cycle + j + 1) / 12 < end; j++) {
            const char c = typed_line[j];
            char key[8] = {c, 0}; /* JSON: a quote escaped; a space is the key "space" */
            if (c == ' ' || c == '"')
                snprintf(key, sizeof(key), "%s", c == ' ' ? "space" : "\\\"");
            ok &= fprintf(f, "{\"t\": %.6f, \"key\": \"%s\", \"down\": true}\n",
                          (double)(k * cycle + j + 1) / 12, key) > 0;
        }
        const double save = (double)(k * cycle + len) / 12 + 0.5;
        if (j < len || save >= end)
            break;
        ok &= fprintf(f, "{\"t\": %.6f, \"key\": \"s\", \"down\": true, \"modifiers\": "
                      "[\"cmd\"]}\n", save) > 0;
    }
    int e = errno;
    if (fclose(f) != 0 || !ok)
        return fail(w, AVERROR(e ? e : EIO), "writing %s failed", path);
    return 0;
}

/* The captions (demo_scene.h): cues in recording seconds. */
static const struct {
    double a, b;
    const char *text;
} demo_cues[] = {
    {0.5, 3.8, "Built-in demo: a synthetic desktop, styled by vexport"},
    {6.6, 10.4, "Cut, cross-faded into twice the speed"},
    {11.0, 13.8, "Zoomed in on the click, from the cursor track"},
};

static void srt_time(char *b, size_t n, double t)
{
    long ms = lround(t * 1000);
    snprintf(b, n, "%02ld:%02ld:%02ld,%03ld", ms / 3600000, ms / 60000 % 60, ms / 1000 % 60,
             ms % 1000);
}

static int write_captions(Writer *w, const char *path, const Scene *sc, int *created)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return fail(w, AVERROR(errno), "cannot create %s", path);
    *created = 1;
    const double end = (double)sc->nframes / sc->fps;
    int ok = 1, k = 0;
    for (size_t i = 0; i < sizeof(demo_cues) / sizeof(demo_cues[0]); i++) {
        if (demo_cues[i].b > end)
            continue;
        char a[32], b[32];
        srt_time(a, sizeof(a), demo_cues[i].a);
        srt_time(b, sizeof(b), demo_cues[i].b);
        ok &= fprintf(f, "%s%d\r\n%s --> %s\r\n%s\r\n", k ? "\r\n" : "", k + 1, a, b,
                      demo_cues[i].text) > 0;
        k++;
    }
    int e = errno;
    if (fclose(f) != 0 || !ok)
        return fail(w, AVERROR(e ? e : EIO), "writing %s failed", path);
    return 0;
}

/* The cursor track of the tour (format in demo_scene.h). */
static int write_track(Writer *w, const char *path, const Scene *sc, int *created)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return fail(w, AVERROR(errno), "cannot create %s", path);
    *created = 1;
    int px = 0, py = 0, ok = 1, c = 0;
    for (int n = 0; n < sc->nframes && ok; n++) {
        double t = (double)n / sc->fps;
        /* clicks (down, then up) that happen by this frame's time, in time order */
        for (; c < 6 && click_t[c / 2] + (c & 1) * CLICK_HOLD <= t + 1e-9; c++)
            ok &= fprintf(f, "{\"t\": %.6f, \"%s\": \"left\"}\n",
                          click_t[c / 2] + (c & 1) * CLICK_HOLD, c & 1 ? "up" : "down") > 0;
        int x, y;
        pointer_pos(sc, n, &x, &y);
        if (!n || x != px || y != py)
            ok &= fprintf(f, "{\"t\": %.6f, \"x\": %d, \"y\": %d}\n", t, x, y) > 0;
        px = x;
        py = y;
    }
    int e = errno;
    if (fclose(f) != 0 || !ok)
        return fail(w, AVERROR(e ? e : EIO), "writing %s failed", path);
    return 0;
}

void vxt_scene_defaults(VxtSceneOptions *o)
{
    memset(o, 0, sizeof(*o));
    o->width = 1920;
    o->height = 1080;
    o->fps = 60;
    o->seconds = 10.0;
    o->audio = 1;
    o->crf = 18;
    o->preset = "ultrafast";
    o->pointer = 1;
}

/* Writes one file: video frames 0..nframes-1 of sc (none when sc is NULL; o gives the video
 * size, rate and encoder settings) and nsamples of w->gen (none when 0) with `channels`. */
static int write_all(Writer *w, const char *path, const char *format, const VxtSceneOptions *o,
                     Scene *sc, int nframes, int64_t nsamples, int channels, int *created)
{
    int ret = avformat_alloc_output_context2(&w->fmt, NULL, format, path);
    if (ret < 0 || !w->fmt)
        return fail(w, ret < 0 ? ret : AVERROR(ENOMEM), "setting up the MP4 muxer failed");
    if (!sc)
        nframes = 0;
    if (sc && (ret = open_video(w, o, nframes)) < 0)
        return ret;
    w->channels = channels;
    if (nsamples > 0 && (ret = open_audio(w, channels, channels == 1 ? 96000 : 128000)) < 0)
        return ret;
    if (!(w->pkt = av_packet_alloc()))
        return fail(w, AVERROR(ENOMEM), "out of memory");

    if ((ret = avio_open(&w->fmt->pb, path, AVIO_FLAG_WRITE)) < 0)
        return fail(w, ret, "cannot create %s", path);
    *created = 1;
    AVDictionary *mo = NULL;
    if ((ret = av_dict_set(&mo, "movflags", "+faststart+write_colr", 0)) < 0) {
        av_dict_free(&mo);
        return fail(w, ret, "out of memory");
    }
    ret = avformat_write_header(w->fmt, &mo);
    av_dict_free(&mo);
    if (ret < 0)
        return fail(w, ret, "writing the MP4 header failed");

    int64_t an = 0;
    int vn = 0;
    while (vn < nframes || (w->aenc && an < nsamples)) {
        int audio_first =
            w->aenc && an < nsamples &&
            (vn >= nframes || av_compare_ts(an, w->aenc->time_base, vn, w->venc->time_base) <= 0);
        if (!w->aenc && vn >= nframes)
            break;
        ret = audio_first ? write_audio_frame(w, &an, nsamples) : write_video_frame(w, sc, vn++);
        if (ret < 0)
            return ret;
    }
    if (w->venc && (ret = encode(w, w->venc, w->vst, NULL)) < 0)
        return ret;
    if (w->aenc && (ret = encode(w, w->aenc, w->ast, NULL)) < 0)
        return ret;
    if ((ret = av_write_trailer(w->fmt)) < 0)
        return fail(w, ret, "finishing the MP4 failed");
    if ((ret = avio_closep(&w->fmt->pb)) < 0)
        return fail(w, ret, "writing %s failed", path);
    return 0;
}

int vxt_scene_write(const char *path, const VxtSceneOptions *opt, char *err, size_t errlen)
{
    Writer w;
    memset(&w, 0, sizeof(w));
    w.err = err;
    w.errlen = errlen;
    if (err && errlen)
        err[0] = 0;
    VxtSceneOptions o;
    if (opt)
        o = *opt;
    else
        vxt_scene_defaults(&o);
    if (!o.preset || !*o.preset)
        o.preset = "ultrafast";
    if (!path || !*path)
        return fail(&w, AVERROR(EINVAL), "no output path");
    if (o.width < 64 || o.height < 64 || o.width > 8192 || o.height > 8192)
        return fail(&w, AVERROR(EINVAL), "picture size %dx%d out of range (64x64 to 8192x8192)",
                    o.width, o.height);
    if (o.fps < 1 || o.fps > 240)
        return fail(&w, AVERROR(EINVAL), "frame rate %d out of range (1 to 240)", o.fps);
    if (!(o.seconds > 0 && o.seconds <= 3600))
        return fail(&w, AVERROR(EINVAL), "duration %g s out of range (above 0, at most 3600)",
                    o.seconds);
    static const char *const presets[] = {"ultrafast", "superfast", "veryfast", "faster",
                                          "fast",      "medium",    "slow",     "slower",
                                          "veryslow",  "placebo"};
    int known = 0;
    for (size_t i = 0; i < sizeof(presets) / sizeof(presets[0]); i++)
        known |= !strcmp(o.preset, presets[i]);
    if (!known)
        return fail(&w, AVERROR(EINVAL),
                    "unknown preset \"%s\" (ultrafast, superfast, veryfast, "
                    "faster, fast, medium, slow, slower, veryslow or placebo)",
                    o.preset);
    if (o.crf < 0 || o.crf > 51)
        return fail(&w, AVERROR(EINVAL), "crf %d out of range (0 to 51)", o.crf);

    const char *outs[6] = {path, o.cursor_track, o.webcam, o.mic, o.keys_track, o.captions};
    if (o.keys_track && !o.cursor_track)
        return fail(&w, AVERROR(EINVAL), "a keys track comes with the cursor track's tour");
    for (int i = 0; i < 6; i++)
        for (int j = 0; j < i; j++)
            if (outs[i] && outs[j] && !strcmp(outs[i], outs[j]))
                return fail(&w, AVERROR(EINVAL), "%s is named for two of the outputs", outs[i]);

    /* FFmpeg's encoders log on their own (libx264 prints its statistics at info level): keep
     * them quiet while we run; failures are reported through err. */
    int level = av_log_get_level();
    av_log_set_level(AV_LOG_QUIET);
    int nframes = (int)imax(1, (int)llround(o.seconds * o.fps));
    int64_t nsamples = av_rescale(nframes, SAMPLE_RATE, o.fps);
    int created[6] = {0, 0, 0, 0, 0, 0}, ret = 0;
    Scene sc;
    Voice voice;
    memset(&sc, 0, sizeof(sc));
    memset(&voice, 0, sizeof(voice));
    int tour = o.cursor_track != NULL;
    if ((ret = scene_init(&sc, o.width, o.height, o.fps, nframes, 0, tour, o.pointer, NULL)) < 0)
        fail(&w, ret, "drawing the scene failed");
    if (ret >= 0 && (o.webcam || o.mic) && (ret = voice_init(&voice)) < 0)
        fail(&w, ret, "out of memory");
    if (ret >= 0 && o.cursor_track)
        ret = write_track(&w, o.cursor_track, &sc, &created[1]);
    if (ret >= 0 && o.keys_track)
        ret = write_keys(&w, o.keys_track, &sc, &created[4]);
    if (ret >= 0 && o.captions)
        ret = write_captions(&w, o.captions, &sc, &created[5]);
    if (ret >= 0 && o.mic) {
        Writer m = w;
        m.gen = voice_gen;
        m.gen_opaque = &voice;
        ret = write_all(&m, o.mic, "ipod", NULL, NULL, 0, nsamples, 1, &created[3]);
        writer_free(&m);
    }
    if (ret >= 0 && o.webcam) {
        VxtSceneOptions co = o;
        co.width = 640;
        co.height = 480;
        co.fps = 30;
        int cframes = (int)imax(1, (int)llround(nframes * 30.0 / o.fps));
        Scene cam;
        Writer c = w;
        if ((ret = scene_init(&cam, 640, 480, 30, cframes, 1, 0, 0, &voice)) < 0)
            fail(&w, ret, "drawing the webcam picture failed");
        else
            ret = write_all(&c, o.webcam, "mp4", &co, &cam, cframes, 0, 0, &created[2]);
        writer_free(&c);
        scene_free(&cam);
    }
    if (ret >= 0) {
        w.gen = tone_gen;
        ret = write_all(&w, path, "mp4", &o, &sc, nframes, o.audio ? nsamples : 0, 2,
                        &created[0]);
    }
    writer_free(&w);
    scene_free(&sc);
    voice_free(&voice);
    av_log_set_level(level);
    if (ret < 0)
        for (int i = 0; i < 6; i++)
            if (created[i])
                remove(outs[i]);
    return ret;
}
