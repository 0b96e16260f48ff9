/* GIF89a writer (gif.h): palette per scene, dithering without crawl, changed rectangles with
 * transparency, own LZW. Each frame's local colour table holds only the colours its rectangle
 * uses (plus the transparent one), so small updates cost a small table and short codes. */
#include "gif.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_COLORS 255 /* one index left for the transparent colour */
#define CACHE_BITS 7
/* perceptual weights of the colour distance (green counts most, blue least) */
#define WR 2
#define WG 4
#define WB 3

typedef struct Buf {
    uint8_t *p;
    size_t len, cap;
} Buf;

struct VxGif {
    FILE *f;
    VxGifParams p;
    int w, h, thr;
    uint8_t *ry, *ruv;  /* the source each shown index stands for */
    uint8_t *shown;     /* the palette index shown at each pixel */
    uint8_t *mask;      /* this frame's changed pixels */
    uint8_t *cmask;     /* changed chroma samples */
    uint8_t *out;       /* this frame's indices over its rectangle */
    uint8_t *rgb;       /* the rectangle in RGB */
    int32_t *err;       /* two rows of diffused error, x16 */
    uint8_t pal[MAX_COLORS][3];
    int ncolors;
    /* the palette in order of green (the heaviest weight), for the nearest-colour search */
    uint8_t by_g[MAX_COLORS];      /* palette indices */
    int16_t sorted[MAX_COLORS][4]; /* their r, g, b */
    uint8_t *cache;     /* nearest colour + 1 per 6-bit RGB cell, 0: not yet */
    double pal_err;     /* mean error of the palette's first frame */
    int have_pal;
    Buf frame;          /* the pending frame, its delay patched when the next one comes */
    int pending;
    double pending_t;
    int64_t written_cs;
    int64_t bytes;
    VxGifStats st;
    /* LZW: the string table as a hash of (prefix code << 8 | byte) << 12 | code, one word
     * an entry (one load a lookup, the whole table in 32 KiB); all ones: empty */
    uint32_t *htab;
};

static int buf_put(Buf *b, const void *d, size_t n)
{
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->len + n)
            cap *= 2;
        uint8_t *q = realloc(b->p, cap);
        if (!q)
            return -ENOMEM;
        b->p = q;
        b->cap = cap;
    }
    memcpy(b->p + b->len, d, n);
    b->len += n;
    return 0;
}

static int buf_byte(Buf *b, int v)
{
    uint8_t c = (uint8_t)v;
    return buf_put(b, &c, 1);
}

static int buf_u16(Buf *b, int v)
{
    uint8_t c[2] = {(uint8_t)(v & 255), (uint8_t)((v >> 8) & 255)};
    return buf_put(b, c, 2);
}

/* ---- LZW (GIF flavour: variable code size up to 12 bits, LSB first, 255-byte blocks) ---- */

typedef struct Lzw {
    Buf *b;
    uint8_t block[256];
    int blen;
    uint32_t acc;
    int nacc;
    int min, csize, next, clear_flag, ret;
} Lzw;

static void lzw_byte(Lzw *l, int v)
{
    l->block[l->blen++] = (uint8_t)v;
    if (l->blen == 255) {
        if (!l->ret)
            l->ret = buf_byte(l->b, 255);
        if (!l->ret)
            l->ret = buf_put(l->b, l->block, 255);
        l->blen = 0;
    }
}

static void lzw_emit(Lzw *l, int code)
{
    l->acc |= (uint32_t)code << l->nacc;
    l->nacc += l->csize;
    while (l->nacc >= 8) {
        lzw_byte(l, (int)(l->acc & 255));
        l->acc >>= 8;
        l->nacc -= 8;
    }
    if (l->clear_flag) {
        l->csize = l->min + 1;
        l->clear_flag = 0;
    } else if (l->csize < 12 && l->next > (1 << l->csize) - 1) {
        l->csize++;
    }
}

#define HSIZE 8192

static int lzw_encode(VxGif *g, Buf *b, const uint8_t *px, size_t n, int min)
{
    Lzw l = {.b = b, .min = min, .csize = min + 1};
    const int clear = 1 << min;
    l.next = clear + 2;
    int ret = buf_byte(b, min);
    if (ret < 0)
        return ret;
    uint32_t *const tab = g->htab;
    memset(tab, 0xff, HSIZE * sizeof(*tab));
    lzw_emit(&l, clear);
    uint32_t prefix = px[0];
    for (size_t i = 1; i < n; i++) {
        const uint32_t c = px[i];
        const uint32_t key = (prefix << 8) | c; /* 20 bits: (4095, c) is never stored */
        uint32_t h = (key * 2654435761u) >> 19;
        uint32_t e;
        while ((e = tab[h]) != 0xffffffffu && e >> 12 != key)
            h = (h + 1) & (HSIZE - 1);
        if (e != 0xffffffffu) {
            prefix = e & 4095;
            continue;
        }
        lzw_emit(&l, (int)prefix);
        if (l.next < 4096) {
            tab[h] = key << 12 | (uint32_t)l.next++;
        } else {
            memset(tab, 0xff, HSIZE * sizeof(*tab));
            l.next = clear + 2;
            l.clear_flag = 1;
            lzw_emit(&l, clear);
        }
        prefix = c;
    }
    lzw_emit(&l, (int)prefix);
    lzw_emit(&l, clear + 1);
    if (l.nacc > 0)
        lzw_byte(&l, (int)(l.acc & 255));
    if (l.blen > 0 && !l.ret) {
        l.ret = buf_byte(b, l.blen);
        if (!l.ret)
            l.ret = buf_put(b, l.block, (size_t)l.blen);
    }
    return l.ret ? l.ret : buf_byte(b, 0);
}

/* ---- colour ---- */

static inline int clamp255(int v)
{
    return v < 0 ? 0 : v > 255 ? 255 : v;
}

static inline void put_rgb(uint8_t *o, int y, int rv, int guv, int bu)
{
    const int yy = (y - 16) * 19077 + (1 << 13); /* 1.164 */
    o[0] = (uint8_t)clamp255((yy + rv) >> 14);
    o[1] = (uint8_t)clamp255((yy - guv) >> 14);
    o[2] = (uint8_t)clamp255((yy + bu) >> 14);
}

/* limited-range YCbCr -> RGB, 14-bit fixed point; each chroma sample's terms once for its two
 * columns */
static void yuv_rect_to_rgb(const VxGif *g, const uint8_t *y, ptrdiff_t ys, const uint8_t *uv,
                            ptrdiff_t uvs, int x0, int y0, int w, int h)
{
    const int crv = g->p.bt709 ? 29372 : 26149, cgu = g->p.bt709 ? 3494 : 6419,
              cgv = g->p.bt709 ? 8731 : 13320, cbu = g->p.bt709 ? 34603 : 33050;
    for (int j = 0; j < h; j++) {
        const uint8_t *yr = y + (y0 + j) * ys, *cr = uv + ((y0 + j) >> 1) * uvs;
        uint8_t *o = g->rgb + (size_t)j * w * 3;
        for (int i = 0; i < w;) {
            const int x = x0 + i;
            const int u = cr[x & ~1] - 128, v = cr[(x & ~1) + 1] - 128;
            const int rv = crv * v, guv = cgu * u + cgv * v, bu = cbu * u;
            put_rgb(o + 3 * i, yr[x], rv, guv, bu);
            if (!(x & 1) && i + 1 < w) {
                put_rgb(o + 3 * (i + 1), yr[x + 1], rv, guv, bu);
                i += 2;
            } else {
                i++;
            }
        }
    }
}

static inline int dist(int r, int gg, int b, const uint8_t *c)
{
    const int dr = r - c[0], dg = gg - c[1], db = b - c[2];
    return WR * dr * dr + WG * dg * dg + WB * db * db;
}

static inline int cache_key(int r, int gg, int b)
{
    return ((r >> (8 - CACHE_BITS)) << (2 * CACHE_BITS)) |
           ((gg >> (8 - CACHE_BITS)) << CACHE_BITS) | (b >> (8 - CACHE_BITS));
}

/* The colour at rank `at` of the green order against (cr, cg, cb): 0 when green alone is
 * farther than the best so far (the search stops going that way), else 1 (*bd and *best
 * updated when it is nearer, or as near with a lower index). */
static inline int try_rank(const VxGif *g, int at, int cr, int cg, int cb, int *bd, int *best)
{
    const int16_t *c = g->sorted[at];
    const int dg = c[1] - cg;
    if (WG * dg * dg > *bd)
        return 0;
    const int dr = c[0] - cr, db = c[2] - cb;
    const int d = WR * dr * dr + WG * dg * dg + WB * db * db;
    const int k = g->by_g[at];
    if (d < *bd || (d == *bd && k < *best))
        *bd = d, *best = k;
    return 1;
}

static int nearest(VxGif *g, int r, int gg, int b)
{
    const int key = cache_key(r, gg, b);
    if (g->cache[key])
        return g->cache[key] - 1;
    const int half = 1 << (7 - CACHE_BITS);
    const int cr = ((r >> (8 - CACHE_BITS)) << (8 - CACHE_BITS)) + half,
              cg = ((gg >> (8 - CACHE_BITS)) << (8 - CACHE_BITS)) + half,
              cb = ((b >> (8 - CACHE_BITS)) << (8 - CACHE_BITS)) + half;
    /* outwards from the colours of the nearest green, each way until green alone is farther
     * than the best so far; ties go to the lower index (as a scan of the palette would) */
    const int n = g->ncolors;
    int lo = 0, hi = n;
    while (lo < hi) {
        const int mid = (lo + hi) / 2;
        if (g->sorted[mid][1] < cg)
            lo = mid + 1;
        else
            hi = mid;
    }
    int best = 0, bd = 1 << 30;
    int up = lo, down = lo - 1;
    while (up < n || down >= 0) {
        if (up < n)
            up = try_rank(g, up, cr, cg, cb, &bd, &best) ? up + 1 : n;
        if (down >= 0)
            down = try_rank(g, down, cr, cg, cb, &bd, &best) ? down - 1 : -1;
    }
    g->cache[key] = (uint8_t)(best + 1);
    return best;
}

static void sort_by_green(VxGif *g)
{
    int cnt[256] = {0};
    for (int i = 0; i < g->ncolors; i++)
        cnt[g->pal[i][1]]++;
    for (int v = 0, acc = 0; v < 256; v++) {
        const int c = cnt[v];
        cnt[v] = acc;
        acc += c;
    }
    for (int i = 0; i < g->ncolors; i++) {
        const int at = cnt[g->pal[i][1]]++;
        g->by_g[at] = (uint8_t)i;
        for (int k = 0; k < 3; k++)
            g->sorted[at][k] = g->pal[i][k];
    }
}

/* ---- palette: median cut on a 5-bit histogram of a subsample, then k-means on its bins ---- */

typedef struct Bin {
    uint32_t n;
    uint32_t s[3];
    uint8_t c[3]; /* mean */
} Bin;

#define CMP_AXIS(k)                                                               \
    static int cmp_bin##k(const void *a, const void *b)                           \
    {                                                                             \
        return (int)((const Bin *)a)->c[k] - (int)((const Bin *)b)->c[k];         \
    }
CMP_AXIS(0)
CMP_AXIS(1)
CMP_AXIS(2)
static int (*const cmp_bin[3])(const void *, const void *) = {cmp_bin0, cmp_bin1, cmp_bin2};

typedef struct Box {
    int lo, hi; /* bins [lo, hi) */
    uint64_t n;
    int axis, range;
} Box;

static void box_measure(const Bin *bins, Box *bx)
{
    int mn[3] = {255, 255, 255}, mx[3] = {0, 0, 0};
    static const int wt[3] = {WR, WG, WB};
    bx->n = 0;
    for (int i = bx->lo; i < bx->hi; i++) {
        bx->n += bins[i].n;
        for (int k = 0; k < 3; k++) {
            if (bins[i].c[k] < mn[k])
                mn[k] = bins[i].c[k];
            if (bins[i].c[k] > mx[k])
                mx[k] = bins[i].c[k];
        }
    }
    bx->range = -1;
    for (int k = 0; k < 3; k++) {
        const int r = (mx[k] - mn[k]) * wt[k];
        if (r > bx->range) {
            bx->range = r;
            bx->axis = k;
        }
    }
}

static int make_palette(VxGif *g, const uint8_t *rgb, size_t n)
{
    Bin *hist = calloc(1 << 15, sizeof(*hist));
    if (!hist)
        return -ENOMEM;
    const size_t step = n > 65536 ? n / 65536 : 1;
    for (size_t i = 0; i < n; i += step) {
        const uint8_t *c = rgb + 3 * i;
        Bin *bn = hist + (((c[0] >> 3) << 10) | ((c[1] >> 3) << 5) | (c[2] >> 3));
        bn->n++;
        for (int k = 0; k < 3; k++)
            bn->s[k] += c[k];
    }
    int nb = 0;
    for (int i = 0; i < 1 << 15; i++) {
        if (!hist[i].n)
            continue;
        for (int k = 0; k < 3; k++)
            hist[i].c[k] = (uint8_t)((hist[i].s[k] + hist[i].n / 2) / hist[i].n);
        hist[nb++] = hist[i];
    }
    Box boxes[MAX_COLORS];
    int nbox = 1;
    boxes[0] = (Box){0, nb, 0, 0, 0};
    box_measure(hist, &boxes[0]);
    while (nbox < MAX_COLORS) {
        int pick = -1;
        double best = 0;
        for (int i = 0; i < nbox; i++) {
            const double score = (double)boxes[i].range * boxes[i].range * sqrt((double)boxes[i].n);
            if (boxes[i].hi - boxes[i].lo > 1 && score > best) {
                best = score;
                pick = i;
            }
        }
        if (pick < 0)
            break;
        Box *bx = &boxes[pick];
        qsort(hist + bx->lo, (size_t)(bx->hi - bx->lo), sizeof(*hist), cmp_bin[bx->axis]);
        uint64_t acc = 0;
        int mid = bx->lo;
        while (mid < bx->hi - 1 && acc + hist[mid].n <= bx->n / 2)
            acc += hist[mid++].n;
        if (mid == bx->lo)
            mid++;
        Box nbx = {mid, bx->hi, 0, 0, 0};
        bx->hi = mid;
        box_measure(hist, bx);
        box_measure(hist, &nbx);
        boxes[nbox++] = nbx;
    }
    for (int i = 0; i < nbox; i++) {
        uint64_t s[3] = {0, 0, 0}, cnt = 0;
        for (int j = boxes[i].lo; j < boxes[i].hi; j++) {
            for (int k = 0; k < 3; k++)
                s[k] += hist[j].s[k];
            cnt += hist[j].n;
        }
        for (int k = 0; k < 3; k++)
            g->pal[i][k] = (uint8_t)(cnt ? (s[k] + cnt / 2) / cnt : 0);
    }
    g->ncolors = nbox > 0 ? nbox : 1;
    /* two rounds of k-means over the bins */
    for (int it = 0; it < 2 && nb > 0; it++) {
        uint64_t(*s)[4] = calloc((size_t)g->ncolors, sizeof(*s));
        if (!s)
            break;
        for (int j = 0; j < nb; j++) {
            int best = 0, bd = 1 << 30;
            for (int i = 0; i < g->ncolors; i++) {
                const int d = dist(hist[j].c[0], hist[j].c[1], hist[j].c[2], g->pal[i]);
                if (d < bd) {
                    bd = d;
                    best = i;
                }
            }
            for (int k = 0; k < 3; k++)
                s[best][k] += hist[j].s[k];
            s[best][3] += hist[j].n;
        }
        for (int i = 0; i < g->ncolors; i++)
            if (s[i][3])
                for (int k = 0; k < 3; k++)
                    g->pal[i][k] = (uint8_t)((s[i][k] + s[i][3] / 2) / s[i][3]);
        free(s);
    }
    free(hist);
    sort_by_green(g);
    memset(g->cache, 0, (size_t)1 << (3 * CACHE_BITS));
    g->st.palettes++;
    g->have_pal = 1;
    return 0;
}

/* ---- frames ---- */

int vx_gif_open(VxGif **out, const char *path, const VxGifParams *p)
{
    *out = NULL;
    if (p->width <= 0 || p->height <= 0 || (p->width & 1) || (p->height & 1) || p->width > 65535 ||
        p->height > 65535)
        return -EINVAL;
    VxGif *g = calloc(1, sizeof(*g));
    if (!g)
        return -ENOMEM;
    g->p = *p;
    g->w = p->width;
    g->h = p->height;
    g->thr = p->change_threshold > 0 ? p->change_threshold : 3;
    const size_t n = (size_t)g->w * g->h;
    g->ry = malloc(n);
    g->ruv = malloc(n / 2);
    g->shown = calloc(n, 1);
    g->mask = malloc(n);
    g->cmask = malloc(n / 4);
    g->out = malloc(n);
    g->rgb = malloc(n * 3);
    g->err = calloc((size_t)(g->w + 2) * 2 * 3, sizeof(*g->err));
    g->cache = calloc((size_t)1 << (3 * CACHE_BITS), 1);
    g->htab = malloc(HSIZE * sizeof(*g->htab));
    if (!g->ry || !g->ruv || !g->shown || !g->mask || !g->cmask || !g->out || !g->rgb ||
        !g->err || !g->cache || !g->htab) {
        vx_gif_abort(g);
        return -ENOMEM;
    }
    g->f = fopen(path, "wb");
    if (!g->f) {
        const int e = errno;
        vx_gif_abort(g);
        return e ? -e : -EIO;
    }
    Buf b = {0};
    int ret = buf_put(&b, "GIF89a", 6);
    if (!ret)
        ret = buf_u16(&b, g->w);
    if (!ret)
        ret = buf_u16(&b, g->h);
    /* no global colour table: each frame has its own, of the colours it uses */
    if (!ret)
        ret = buf_put(&b, "\x70\x00\x00", 3);
    if (!ret && p->loop >= 0) {
        ret = buf_put(&b, "\x21\xff\x0bNETSCAPE2.0\x03\x01", 16);
        if (!ret)
            ret = buf_u16(&b, p->loop);
        if (!ret)
            ret = buf_byte(&b, 0);
    }
    if (!ret && fwrite(b.p, 1, b.len, g->f) != b.len)
        ret = -EIO;
    g->bytes += (int64_t)b.len;
    free(b.p);
    if (ret < 0) {
        vx_gif_abort(g);
        return ret;
    }
    *out = g;
    return 0;
}

/* Writes the pending frame, shown until t_s. */
static int flush_pending(VxGif *g, double t_s)
{
    if (!g->pending)
        return 0;
    int64_t cs = (int64_t)llround(t_s * 100) - g->written_cs;
    if (cs < 2)
        cs = 2; /* browsers show shorter delays as 10 cs */
    if (cs > 65535)
        cs = 65535;
    g->written_cs += cs;
    g->frame.p[4] = (uint8_t)(cs & 255);
    g->frame.p[5] = (uint8_t)(cs >> 8);
    if (fwrite(g->frame.p, 1, g->frame.len, g->f) != g->frame.len)
        return -EIO;
    g->bytes += (int64_t)g->frame.len;
    g->st.frames++;
    g->pending = 0;
    return 0;
}

/* Dithers the rectangle (its RGB in g->rgb) into g->out; returns the mean weighted error of
 * the coded pixels. full: a new palette, every pixel coded, none transparent. */
static double dither_rect(VxGif *g, int x0, int y0, int w, int h, int full, int64_t *coded)
{
    int32_t *e0 = g->err, *e1 = g->err + (size_t)(w + 2) * 3;
    memset(e0, 0, (size_t)(w + 2) * 3 * sizeof(*e0));
    double sum = 0;
    int64_t n = 0;
    for (int j = 0; j < h; j++) {
        memset(e1, 0, (size_t)(w + 2) * 3 * sizeof(*e1));
        const uint8_t *src = g->rgb + (size_t)j * w * 3;
        const size_t row = (size_t)(y0 + j) * g->w + x0;
        uint8_t *o = g->out + (size_t)j * w;
        for (int i = 0; i < w; i++) {
            if (!full && !g->mask[row + i]) {
                o[i] = 255;
                continue;
            }
            int32_t *ec = e0 + 3 * (i + 1);
            const int r = clamp255(src[3 * i] + (ec[0] + 8) / 16),
                      gg = clamp255(src[3 * i + 1] + (ec[1] + 8) / 16),
                      b = clamp255(src[3 * i + 2] + (ec[2] + 8) / 16);
            const int k = nearest(g, r, gg, b);
            const uint8_t *c = g->pal[k];
            const int er = r - c[0], eg = gg - c[1], eb = b - c[2];
            sum += dist(src[3 * i], src[3 * i + 1], src[3 * i + 2], c);
            n++;
            o[i] = (!full && g->shown[row + i] == k) ? 255 : (uint8_t)k;
            g->shown[row + i] = (uint8_t)k;
            const int de[3] = {er, eg, eb};
            for (int q = 0; q < 3; q++) {
                ec[3 + q] += de[q] * 7;
                e1[3 * i + q] += de[q] * 3;
                e1[3 * (i + 1) + q] += de[q] * 5;
                e1[3 * (i + 2) + q] += de[q];
            }
        }
        int32_t *t = e0;
        e0 = e1;
        e1 = t;
    }
    *coded = n;
    return n ? sum / (double)n : 0;
}

/* Builds the frame (GCE, descriptor, compact local table, LZW data) in g->frame. */
static int build_frame(VxGif *g, int x0, int y0, int w, int h)
{
    int map[256], used = 0;
    uint8_t table[256][3];
    for (int i = 0; i < 256; i++)
        map[i] = -1;
    const size_t n = (size_t)w * h;
    int has_trans = 0;
    for (size_t i = 0; i < n; i++) {
        const int k = g->out[i];
        if (k == 255) {
            has_trans = 1;
            continue;
        }
        if (map[k] < 0) {
            map[k] = used;
            memcpy(table[used++], g->pal[k], 3);
        }
    }
    const int trans = used;
    const int total = used + has_trans;
    int bits = 1;
    while ((1 << bits) < total)
        bits++;
    for (size_t i = 0; i < n; i++)
        g->out[i] = (uint8_t)(g->out[i] == 255 ? trans : map[g->out[i]]);
    for (int i = used; i < (1 << bits); i++)
        memset(table[i], 0, 3);
    Buf *b = &g->frame;
    b->len = 0;
    /* graphic control: disposal 1 (keep), delay patched later, transparency */
    uint8_t gce[8] = {0x21, 0xf9, 4, (uint8_t)(4 | has_trans), 0, 0, (uint8_t)trans, 0};
    int ret = buf_put(b, gce, 8);
    if (!ret)
        ret = buf_byte(b, 0x2c);
    if (!ret)
        ret = buf_u16(b, x0);
    if (!ret)
        ret = buf_u16(b, y0);
    if (!ret)
        ret = buf_u16(b, w);
    if (!ret)
        ret = buf_u16(b, h);
    if (!ret)
        ret = buf_byte(b, 0x80 | (bits - 1));
    if (!ret)
        ret = buf_put(b, table, (size_t)3 << bits);
    if (!ret)
        ret = lzw_encode(g, b, g->out, n, bits < 2 ? 2 : bits);
    g->pending = !ret;
    return ret;
}

int vx_gif_add_nv12(VxGif *g, const uint8_t *y, ptrdiff_t ys, const uint8_t *uv, ptrdiff_t uvs,
                    double t_s)
{
    const int W = g->w, H = g->h, thr = g->thr;
    int full = !g->have_pal;
    int x0 = W, y0 = H, x1 = -1, y1 = -1;
    int64_t changed = 0;
    if (!full) {
        /* in loops the compiler vectorises: the chroma pairs' changes, spread over the two
         * luma columns each covers (g->mask's last row as scratch: it is written after) */
        uint8_t *cm2 = g->mask + (size_t)(H - 1) * W;
        for (int j = 0; j < H / 2; j++) {
            const uint8_t *c = uv + j * uvs, *r = g->ruv + (size_t)j * W;
            uint8_t *m = g->cmask + (size_t)j * (W / 2);
            for (int i = 0; i < W; i++)
                cm2[i] = abs(c[i] - r[i]) > thr;
            for (int i = 0; i < W / 2; i++)
                m[i] = cm2[2 * i] | cm2[2 * i + 1];
            for (int i = 0; i < W / 2; i++)
                cm2[2 * i] = cm2[2 * i + 1] = m[i];
            for (int jj = 2 * j; jj < 2 * j + 2; jj++) {
                const uint8_t *cy = y + jj * ys, *ry = g->ry + (size_t)jj * W;
                uint8_t *my = g->mask + (size_t)jj * W;
                int cnt = 0;
                for (int i = 0; i < W; i++) {
                    my[i] = (uint8_t)((abs(cy[i] - ry[i]) > thr) | cm2[i]);
                    cnt += my[i];
                }
                if (!cnt)
                    continue;
                changed += cnt;
                int a = 0, z = W - 1;
                while (!my[a])
                    a++;
                while (!my[z])
                    z--;
                x0 = a < x0 ? a : x0;
                x1 = z > x1 ? z : x1;
                y0 = jj < y0 ? jj : y0;
                y1 = jj;
            }
        }
        if (x1 < 0)
            return 0; /* nothing changed: the pending frame lasts longer */
        /* a new scene: most of the picture changed */
        if (changed * 2 > (int64_t)W * H)
            full = 1;
    }
    int ret = flush_pending(g, t_s);
    if (ret < 0)
        return ret;
    g->pending_t = t_s;
    int64_t coded = 0;
    if (!full) {
        const int w = x1 - x0 + 1, h = y1 - y0 + 1;
        yuv_rect_to_rgb(g, y, ys, uv, uvs, x0, y0, w, h);
        /* the shown indices are kept to undo a frame the palette cannot code */
        const double e = dither_rect(g, x0, y0, w, h, 0, &coded);
        if (coded * 20 > (int64_t)W * H && e > 2 * g->pal_err + 64) {
            full = 1; /* colours the palette lacks: a new palette, the whole frame */
        } else {
            ret = build_frame(g, x0, y0, w, h);
            for (int j = y0; j <= y1; j++) {
                const uint8_t *m = g->mask + (size_t)j * W;
                for (int i = x0; i <= x1; i++)
                    if (m[i])
                        g->ry[(size_t)j * W + i] = y[j * ys + i];
            }
            for (int j = y0 / 2; j <= y1 / 2; j++)
                for (int i = x0 / 2; i <= x1 / 2; i++)
                    if (g->cmask[(size_t)j * (W / 2) + i])
                        memcpy(g->ruv + (size_t)j * W + 2 * i, uv + j * uvs + 2 * i, 2);
            g->st.coded_pixels += coded;
            return ret;
        }
    }
    yuv_rect_to_rgb(g, y, ys, uv, uvs, 0, 0, W, H);
    if ((ret = make_palette(g, g->rgb, (size_t)W * H)) < 0)
        return ret;
    g->pal_err = dither_rect(g, 0, 0, W, H, 1, &coded);
    for (int j = 0; j < H; j++)
        memcpy(g->ry + (size_t)j * W, y + j * ys, (size_t)W);
    for (int j = 0; j < H / 2; j++)
        memcpy(g->ruv + (size_t)j * W, uv + j * uvs, (size_t)W);
    g->st.coded_pixels += coded;
    return build_frame(g, 0, 0, W, H);
}

int vx_gif_close(VxGif *g, double end_s, int64_t *bytes)
{
    int ret = flush_pending(g, end_s);
    if (!ret && fputc(0x3b, g->f) == EOF)
        ret = -EIO;
    g->bytes++;
    if (fclose(g->f) != 0 && !ret)
        ret = -EIO;
    g->f = NULL;
    if (bytes)
        *bytes = g->bytes;
    vx_gif_abort(g);
    return ret;
}

void vx_gif_stats(const VxGif *g, VxGifStats *s)
{
    *s = g->st;
}

void vx_gif_abort(VxGif *g)
{
    if (!g)
        return;
    if (g->f)
        fclose(g->f);
    free(g->ry);
    free(g->ruv);
    free(g->shown);
    free(g->mask);
    free(g->cmask);
    free(g->out);
    free(g->rgb);
    free(g->err);
    free(g->cache);
    free(g->htab);
    free(g->frame.p);
    free(g);
}
