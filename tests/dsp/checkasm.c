/* checkasm-style kernel tests: every SIMD kernel the CPU can run is bit-exact with its C
 * reference on random inputs, for widths 1..70, 1920, 1921 and 3840, unaligned pointers and
 * both sample steps, with guard bytes around every output checked untouched and every input
 * ending at an unreadable page. VEXPORT_CPU masks levels off (--list: the levels that run).
 * As in dav1d's checkasm, a function is tested (and reported) at an ISA level only where
 * that level replaced it: when the level's table holds the same pointer as the level below
 * (the C level for sse4 and neon, sse4 for avx2, avx2 for avx512), it is the same code,
 * already tested there, and comparing it again would only compare C with C.
 * FFmpeg-free: builds with the kernels alone (tests/dsp/cross-test.sh runs it for aarch64). */
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "cpu.h"
#include "dsp/blend.h"
#include "dsp/diff.h"
#include "dsp/scale.h"
#include "vexport/vexport.h"

#define GUARD 32
#define GUARD_BYTE 0xa5

#define KCHECK_SEED 12345u
#include "kcheck.h"




/* the kernel family under test, named if it crashes (an access outside its buffers) */
static const char *volatile cur_what = "", *volatile cur_isa = "";

static void on_crash(int sig)
{
    static const char msg[] = "FAIL: a kernel crashed (accessed memory outside its buffers): ";
    (void)sig;
    (void)!write(1, msg, sizeof(msg) - 1);
    (void)!write(1, cur_what, strlen(cur_what));
    (void)!write(1, " [", 2);
    (void)!write(1, cur_isa, strlen(cur_isa));
    (void)!write(1, "]\n", 2);
    _exit(1);
}

static void check_guard(const uint8_t *buf, size_t len, const char *what, const char *isa, int w)
{
    for (size_t i = 0; i < GUARD; i++)
        if (buf[i] != GUARD_BYTE || buf[GUARD + len + i] != GUARD_BYTE) {
            fail(what, isa, w, "wrote outside its output");
            return;
        }
}

/* The functions tested at the current level, for its report line. */
static char level_fns[512];
static int level_n;

/* 1 when the level's function (new) differs from the level below's (old): it is tested, and
 * named in the level's report once. Function pointers of the same type compare as equal
 * exactly when they point at the same function. */
#define REPLACED(old, new, name) replaced((old) != (new), name)
static int replaced(int differs, const char *name)
{
    if (!differs)
        return 0;
    char key[64], list[sizeof(level_fns) + 2];
    snprintf(key, sizeof(key), " %s,", name);
    snprintf(list, sizeof(list), " %s", level_fns);
    if (!strstr(list, key)) {
        snprintf(level_fns + strlen(level_fns), sizeof(level_fns) - strlen(level_fns), "%s%s,",
                 level_n ? " " : "", name);
        level_n++;
    }
    return 1;
}

/* An input buffer of len bytes that ends where an unreadable page begins: a kernel reading
 * past the last sample it was given (the next row, or the plane after the frame) faults
 * instead of passing. edge_free takes the same len. */
static size_t page_round(size_t len)
{
    const size_t pg = (size_t)sysconf(_SC_PAGESIZE);
    return (len + pg - 1) / pg * pg;
}

static uint8_t *edge_alloc(size_t len)
{
    const size_t pg = (size_t)sysconf(_SC_PAGESIZE), body = page_round(len);
    void *base = NULL;
    if (posix_memalign(&base, pg, body + pg) || mprotect((uint8_t *)base + body, pg, PROT_NONE)) {
        printf("FAIL: cannot allocate a page-guarded buffer\n");
        exit(1);
    }
    return (uint8_t *)base + body - len;
}

static void edge_free(void *p, size_t len)
{
    const size_t body = page_round(len);
    uint8_t *base = (uint8_t *)p + len - body;
    mprotect(base + body, (size_t)sysconf(_SC_PAGESIZE), PROT_READ | PROT_WRITE);
    free(base);
}

static void test_hscale(const VxScaleDSP *ref, const VxScaleDSP *prev, const VxScaleDSP *simd,
                        const char *isa)
{
    const int do_h = REPLACED(prev->hscale, simd->hscale, "hscale");
    const int do_h2 = REPLACED(prev->hscale2, simd->hscale2, "hscale2");
    const int do_rows = REPLACED(prev->hscale_rows, simd->hscale_rows, "hscale_rows");
    if (!do_h && !do_h2 && !do_rows)
        return;
    cur_what = "hscale", cur_isa = isa;
    for (int wi = 0; wi < n_widths; wi++) {
        const int n_out = widths[wi];
        for (int rep = 0; rep < 4; rep++) {
            /* enlarge, shrink, about the same, or shrink strongly (up to 16x: filters of up
             * to 65 taps, past the padded kernels' 64), with a fractional offset */
            double ratio = rep == 0 ? 0.3 + (rnd() % 1000) / 1000.0 * 0.7
                         : rep == 1 ? 1.0 + (rnd() % 1000) / 250.0
                         : rep == 3 ? 5.0 + (rnd() % 1000) / 1000.0 * 11.0 : 1.0;
            int n_src = (int)(n_out * ratio) + 1 + (int)(rnd() % 3);
            double off = (rnd() % 1000) / 1000.0 - 0.5;
            VxScaleFilter f;
            const int kind = rnd() % 3 == 0 ? VX_SCALE_BILINEAR : VX_SCALE_HQ;
            if (vx_scale_filter_build2(&f, kind, n_src, n_out, ratio, off) < 0) {
                fail("hscale", isa, n_out, "filter build failed");
                continue;
            }
            /* step 1, step 2 at the first and at the second channel, two channels, step 4 */
            for (int mode = 0; mode < 5; mode++) {
                const int step = mode == 0 ? 1 : mode == 4 ? 4 : 2, ch = mode == 2;
                if (!(mode == 3 ? do_h2 : do_h))
                    continue;
                const int align = (int)(rnd() % 4);
                /* up to the last sample: with step 2, the other plane's last byte is not there */
                const size_t span = mode == 3 ? (size_t)2 * n_src + align /* both channels */
                                  : (size_t)(n_src - 1) * step + 1 + ch + align;
                uint8_t *src = edge_alloc(span);
                for (size_t i = 0; i < span; i++)
                    src[i] = (uint8_t)rnd();
                size_t bytes = sizeof(int16_t) * n_out * (mode == 3 ? 2 : 1);
                uint8_t *a = malloc(bytes + 2 * GUARD), *b = malloc(bytes + 2 * GUARD);
                memset(a, GUARD_BYTE, bytes + 2 * GUARD);
                memset(b, GUARD_BYTE, bytes + 2 * GUARD);
                if (mode == 3) {
                    ref->hscale2((int16_t *)(a + GUARD), src + align, &f);
                    simd->hscale2((int16_t *)(b + GUARD), src + align, &f);
                } else {
                    ref->hscale((int16_t *)(a + GUARD), src + align + ch, step, &f);
                    simd->hscale((int16_t *)(b + GUARD), src + align + ch, step, &f);
                }
                checks++;
                if (memcmp(a + GUARD, b + GUARD, bytes))
                    fail(mode == 3 ? "hscale2" : "hscale", isa, n_out, "differs from C");
                check_guard(b, bytes, "hscale", isa, n_out);
                edge_free(src, span);
                free(a);
                free(b);
            }
            /* several rows at once, one and two channels */
            for (int ch = 1; ch <= 2 && do_rows; ch++) {
                const int nr = 1 + (int)(rnd() % VX_SCALE_MAX_ROWS);
                const size_t row = (size_t)n_src * ch + 1; /* + 1: unaligned */
                uint8_t *src[VX_SCALE_MAX_ROWS];
                const uint8_t *sr[VX_SCALE_MAX_ROWS];
                for (int r = 0; r < nr; r++) { /* each row ends where a page does */
                    src[r] = edge_alloc(row);
                    for (size_t i = 0; i < row; i++)
                        src[r][i] = (uint8_t)rnd();
                    sr[r] = src[r] + 1;
                }
                const size_t bytes = sizeof(int16_t) * n_out * ch, span = bytes + 2 * GUARD;
                uint8_t *a = malloc(span * nr), *b = malloc(span * nr);
                memset(a, GUARD_BYTE, span * nr);
                memset(b, GUARD_BYTE, span * nr);
                int16_t *da[VX_SCALE_MAX_ROWS], *db[VX_SCALE_MAX_ROWS];
                for (int r = 0; r < nr; r++)
                    da[r] = (int16_t *)(a + r * span + GUARD), db[r] = (int16_t *)(b + r * span + GUARD);
                ref->hscale_rows(da, sr, nr, ch, &f);
                simd->hscale_rows(db, sr, nr, ch, &f);
                checks++;
                if (memcmp(a, b, span * nr))
                    fail("hscale_rows", isa, n_out, "differs from C (or wrote outside)");
                for (int r = 0; r < nr; r++)
                    edge_free(src[r], row);
                free(a);
                free(b);
            }
            vx_scale_filter_free(&f);
        }
    }
}

static void test_vscale(const VxScaleDSP *ref, const VxScaleDSP *prev, const VxScaleDSP *simd,
                        const char *isa)
{
    if (!REPLACED(prev->vscale, simd->vscale, "vscale"))
        return;
    cur_what = "vscale", cur_isa = isa;
    for (int wi = 0; wi < n_widths; wi++) {
        const int w = widths[wi];
        for (int taps = 1; taps <= 13; taps += 3) {
            int16_t coef[16];
            int sum = 0;
            for (int t = 0; t < taps; t++) {
                coef[t] = (int16_t)((int)(rnd() % 9000) - 1500);
                sum += coef[t];
            }
            coef[0] += (int16_t)((1 << VX_SCALE_COEF_BITS) - sum);
            int16_t *rows[16];
            const int16_t *crows[16];
            const int align = (int)(rnd() % 8);
            for (int t = 0; t < taps; t++) {
                rows[t] = (int16_t *)edge_alloc(sizeof(int16_t) * (w + align));
                for (int x = 0; x < w + align; x++)
                    rows[t][x] = (int16_t)((int)(rnd() % 24000) - 3000);
                crows[t] = rows[t] + align;
            }
            for (int step = 1; step <= 4; step += step < 2 ? 1 : 2) { /* 1, 2, 4 (RGBA) */
                size_t bytes = (size_t)w * step;
                uint8_t *a = malloc(bytes + 2 * GUARD), *b = malloc(bytes + 2 * GUARD);
                memset(a, GUARD_BYTE, bytes + 2 * GUARD);
                memset(b, GUARD_BYTE, bytes + 2 * GUARD);
                ref->vscale(a + GUARD, step, crows, coef, taps, w);
                simd->vscale(b + GUARD, step, crows, coef, taps, w);
                checks++;
                if (memcmp(a, b, bytes + 2 * GUARD))
                    fail("vscale", isa, w, "differs from C (or touched other samples)");
                check_guard(b, bytes, "vscale", isa, w);
                free(a);
                free(b);
            }
            for (int t = 0; t < taps; t++)
                edge_free(rows[t], sizeof(int16_t) * (w + align));
        }
    }
}

static void check_same(const uint8_t *a, const uint8_t *b, size_t len, const char *what,
                       const char *isa, int w)
{
    checks++;
    if (memcmp(a, b, len + 2 * GUARD))
        fail(what, isa, w, "differs from C");
    check_guard(b, len, what, isa, w);
}

static void test_blend(const VxBlendDSP *ref, const VxBlendDSP *prev, const VxBlendDSP *simd,
                       const char *isa)
{
    const int do_mask = REPLACED(prev->mask, simd->mask, "blend_mask");
    const int do_over = REPLACED(prev->over, simd->over, "blend_over");
    if (!do_mask && !do_over)
        return;
    cur_what = "blend", cur_isa = isa;
    for (int wi = 0; wi < n_widths; wi++) {
        const int w = widths[wi];
        for (int step = 1; step <= 2; step++) {
            size_t bytes = (size_t)w * step;
            const size_t span = (size_t)(w - 1) * step + 1;
            uint8_t *under = edge_alloc(span), *m = edge_alloc(w);
            uint8_t *a = malloc(bytes + 2 * GUARD), *b = malloc(bytes + 2 * GUARD);
            memset(a, GUARD_BYTE, bytes + 2 * GUARD);
            for (size_t i = 0; i < bytes; i++)
                a[GUARD + i] = (uint8_t)rnd();
            for (size_t i = 0; i < span; i++)
                under[i] = (uint8_t)rnd();
            for (int i = 0; i < w; i++)
                m[i] = (uint8_t)(i % 5 == 0 ? 0 : i % 5 == 1 ? 255 : rnd());
            memcpy(b, a, bytes + 2 * GUARD);
            /* a level that replaced only one of the two runs the other's C on both sides */
            (do_mask ? ref : simd)->mask(a + GUARD, under, m, step, w);
            simd->mask(b + GUARD, under, m, step, w);
            if (do_mask) {
                checks++;
                if (memcmp(a, b, bytes + 2 * GUARD))
                    fail("blend_mask", isa, w, "differs from C");
                check_guard(b, bytes, "blend_mask", isa, w);
            }
            /* over: the same rows, "under" drawn over the result */
            if (do_over) {
                ref->over(a + GUARD, under, m, step, w);
                simd->over(b + GUARD, under, m, step, w);
                check_same(a, b, bytes, "blend_over", isa, w);
            }
            edge_free(under, span);
            edge_free(m, w);
            free(a);
            free(b);
        }
    }
}

static void test_over(const VxBlendDSP *ref, const VxBlendDSP *prev, const VxBlendDSP *simd,
                      const char *isa)
{
    const int do_over = REPLACED(prev->over, simd->over, "blend_over");
    const int do_uv = REPLACED(prev->over_uv, simd->over_uv, "blend_over_uv");
    cur_what = "over", cur_isa = isa;
    for (int wi = 0; wi < n_widths && (do_over || do_uv); wi++) {
        const int w = widths[wi];
        for (int mode = 0; mode < 4; mode++) { /* step 1, step 2 at +0 and +1, uv */
            const int step = mode ? 2 : 1, off = mode == 2;
            if (!(mode == 3 ? do_uv : do_over))
                continue;
            const size_t bytes = (size_t)w * step;
            const int sa = 4, ma = 4; /* inputs end where a page does */
            uint8_t *src = edge_alloc(bytes + 4), *m = edge_alloc((size_t)w + 4);
            uint8_t *a = malloc(bytes + 2 * GUARD), *b = malloc(bytes + 2 * GUARD);
            memset(a, GUARD_BYTE, bytes + 2 * GUARD);
            for (size_t i = 0; i < bytes + 4; i++)
                src[i] = (uint8_t)rnd();
            for (size_t i = 0; i < bytes; i++)
                a[GUARD + i] = (uint8_t)rnd();
            for (int i = 0; i < w + 4; i++)
                m[i] = (uint8_t)(i % 5 == 0 ? 0 : i % 5 == 1 ? 255 : rnd());
            memcpy(b, a, bytes + 2 * GUARD);
            if (mode == 3) {
                ref->over_uv(a + GUARD, src + sa, m + ma, w);
                simd->over_uv(b + GUARD, src + sa, m + ma, w);
            } else {
                /* the last sample of the v channel is the row's last byte */
                const int n = mode == 2 ? w - 1 : w;
                ref->over(a + GUARD + off, src + sa + off, m + ma, step, n);
                simd->over(b + GUARD + off, src + sa + off, m + ma, step, n);
            }
            checks++;
            if (memcmp(a, b, bytes + 2 * GUARD))
                fail(mode == 3 ? "blend_over_uv" : "blend_over", isa, w,
                     "differs from C (or touched other samples)");
            check_guard(b, bytes, "blend_over", isa, w);
            edge_free(src, bytes + 4), edge_free(m, (size_t)w + 4), free(a), free(b);
        }
    }
}

/* coefficients as the library builds them (src/convert.c), BT.709 or BT.601, both ranges */
static void make_coefs(VxConvCoefs *c, double kr, double kb, int full, int order)
{
    const double kg = 1 - kr - kb, ys = full ? 1.0 : 219.0 / 255, cs = full ? 1.0 : 224.0 / 255;
    const double one = 1 << VX_CONV_BITS;
    memset(c, 0, sizeof(*c));
    c->yr = (int32_t)(kr * ys * one + 0.5), c->yg = (int32_t)(kg * ys * one + 0.5);
    c->yb = (int32_t)(kb * ys * one + 0.5);
    c->ur = -(int32_t)(kr / (2 * (1 - kb)) * cs * one + 0.5);
    c->ug = -(int32_t)(kg / (2 * (1 - kb)) * cs * one + 0.5);
    c->ub = (int32_t)(0.5 * cs * one + 0.5), c->vr = c->ub;
    c->vg = -(int32_t)(kg / (2 * (1 - kr)) * cs * one + 0.5);
    c->vb = -(int32_t)(kb / (2 * (1 - kr)) * cs * one + 0.5);
    c->y_off = full ? 0 : 16 << VX_CONV_BITS;
    c->uv_off = 128 << VX_CONV_BITS;
    static const int offs[4][4] = {{0, 1, 2, 3}, {2, 1, 0, 3}, {1, 2, 3, 0}, {3, 2, 1, 0}};
    c->roff = offs[order][0], c->goff = offs[order][1], c->boff = offs[order][2];
    c->aoff = offs[order][3];
}

static void test_rgba_nv12(const VxBlendDSP *ref, const VxBlendDSP *prev,
                           const VxBlendDSP *simd, const char *isa)
{
    if (!REPLACED(prev->rgba_nv12, simd->rgba_nv12, "blend_rgba_nv12"))
        return;
    cur_what = "rgba_nv12", cur_isa = isa;
    for (int wi = 0; wi < n_widths; wi++) {
        const int w = widths[wi], nc = (w + 1) / 2;
        for (int rep = 0; rep < 4; rep++) {
            VxConvCoefs c;
            make_coefs(&c, rep & 1 ? 0.299 : 0.2126, rep & 1 ? 0.114 : 0.0722, rep == 3,
                       (int)(rnd() % 4));
            const int pm = rep >= 2, last = rep == 1; /* last: s1 == s0, y1 NULL */
            const int al = 4; /* the overlay rows end where a page does */
            uint8_t *s0 = edge_alloc((size_t)4 * w + 4), *s1 = edge_alloc((size_t)4 * w + 4);
            for (int i = 0; i < 4 * w + 4; i++)
                s0[i] = (uint8_t)rnd(), s1[i] = (uint8_t)rnd();
            for (int i = 0; i < w; i++) { /* transparent, opaque, partial pixels */
                for (uint8_t *s = s0; s; s = s == s0 ? s1 : NULL) {
                    uint8_t *p = s + al + 4 * i;
                    const int kind = (int)(rnd() % 4);
                    p[c.aoff] = kind == 0 ? 0 : kind == 1 ? 255 : p[c.aoff];
                    if (pm) /* premultiplied: channels <= alpha */
                        for (int ch = 0; ch < 4; ch++)
                            if (ch != c.aoff)
                                p[ch] = (uint8_t)(p[ch] * p[c.aoff] / 255);
                }
            }
            const size_t lb = (size_t)w + 2 * GUARD, cb = (size_t)2 * nc + 2 * GUARD;
            uint8_t *buf[2][3];
            for (int k = 0; k < 2; k++) {
                buf[k][0] = malloc(lb), buf[k][1] = malloc(lb), buf[k][2] = malloc(cb);
            }
            memset(buf[0][0], GUARD_BYTE, lb), memset(buf[0][1], GUARD_BYTE, lb);
            memset(buf[0][2], GUARD_BYTE, cb);
            for (int i = 0; i < w; i++)
                buf[0][0][GUARD + i] = (uint8_t)rnd(), buf[0][1][GUARD + i] = (uint8_t)rnd();
            for (int i = 0; i < 2 * nc; i++)
                buf[0][2][GUARD + i] = (uint8_t)(16 + rnd() % 225);
            memcpy(buf[1][0], buf[0][0], lb), memcpy(buf[1][1], buf[0][1], lb);
            memcpy(buf[1][2], buf[0][2], cb);
            const VxBlendDSP *d[2] = {ref, simd};
            for (int k = 0; k < 2; k++)
                d[k]->rgba_nv12(buf[k][0] + GUARD, last ? NULL : buf[k][1] + GUARD,
                                buf[k][2] + GUARD, s0 + al, last ? s0 + al : s1 + al, w, &c, pm);
            checks++;
            if (memcmp(buf[0][0], buf[1][0], lb) || memcmp(buf[0][1], buf[1][1], lb) ||
                memcmp(buf[0][2], buf[1][2], cb))
                fail("blend_rgba_nv12", isa, w, pm ? "differs from C (premultiplied)"
                                                   : "differs from C (straight)");
            check_guard(buf[1][0], (size_t)w, "blend_rgba_nv12", isa, w);
            check_guard(buf[1][2], (size_t)2 * nc, "blend_rgba_nv12", isa, w);
            for (int k = 0; k < 2; k++)
                free(buf[k][0]), free(buf[k][1]), free(buf[k][2]);
            edge_free(s0, (size_t)4 * w + 4), edge_free(s1, (size_t)4 * w + 4);
        }
    }
}

/* lerp16: the extremes and random samples at seven weights, on inputs that end where a page
 * does */
static void test_lerp16(const VxBlendDSP *ref, const VxBlendDSP *prev, const VxBlendDSP *simd,
                        const char *isa)
{
    if (!REPLACED(prev->lerp16, simd->lerp16, "blend_lerp16"))
        return;
    cur_what = "lerp16", cur_isa = isa;
    static const int fs[] = {0, 1, 64, 128, 200, 255, 256};
    for (int wi = 0; wi < n_widths; wi++) {
        const int n = widths[wi];
        uint16_t *a = (uint16_t *)edge_alloc(2 * (size_t)n);
        uint16_t *b = (uint16_t *)edge_alloc(2 * (size_t)n);
        uint8_t *o0 = malloc((size_t)n + 2 * GUARD), *o1 = malloc((size_t)n + 2 * GUARD);
        for (size_t fi = 0; fi < sizeof(fs) / sizeof(fs[0]); fi++) {
            for (int i = 0; i < n; i++) { /* the extremes, then anything up to 65280 */
                a[i] = (uint16_t)(i % 7 == 0 ? 65280 : i % 7 == 1 ? 0 : rnd() % 65281);
                b[i] = (uint16_t)(i % 5 == 0 ? 65280 : i % 5 == 1 ? 0 : rnd() % 65281);
            }
            memset(o0, GUARD_BYTE, (size_t)n + 2 * GUARD);
            memset(o1, GUARD_BYTE, (size_t)n + 2 * GUARD);
            ref->lerp16(o0 + GUARD, a, b, fs[fi], n);
            simd->lerp16(o1 + GUARD, a, b, fs[fi], n);
            check_same(o0, o1, (size_t)n, "blend_lerp16", isa, n);
        }
        edge_free(a, 2 * (size_t)n), edge_free(b, 2 * (size_t)n), free(o0), free(o1);
    }
}

/* tint and tint_uv: coverages from 0 to 255 (the extremes often) at eight opacities, inputs
 * that end where a page does; and the C reference against the formula in blend.h, worked out
 * here in 32 bits */
static void test_tint(const VxBlendDSP *ref, const VxBlendDSP *prev, const VxBlendDSP *simd,
                      const char *isa)
{
    const int do_y = REPLACED(prev->tint, simd->tint, "blend_tint");
    const int do_uv = REPLACED(prev->tint_uv, simd->tint_uv, "blend_tint_uv");
    if (!do_y && !do_uv)
        return;
    cur_what = "tint", cur_isa = isa;
    static const int as[] = {0, 1, 77, 128, 200, 255, 256, 256};
    for (int wi = 0; wi < n_widths; wi++) {
        const int n = widths[wi];
        const size_t len = 2 * (size_t)n; /* uv: 2 bytes a sample */
        uint8_t *cov = edge_alloc((size_t)n);
        uint8_t *base = malloc(len), *o0 = malloc(len + 2 * GUARD), *o1 = malloc(len + 2 * GUARD);
        for (size_t ai = 0; ai < sizeof(as) / sizeof(as[0]); ai++) {
            const int a = as[ai], c0 = (int)(rnd() % 256), c1 = (int)(rnd() % 256);
            for (int i = 0; i < n; i++)
                cov[i] = (uint8_t)(i % 5 == 0 ? 0 : i % 5 == 1 ? 255 : rnd() % 256);
            for (size_t i = 0; i < len; i++)
                base[i] = (uint8_t)(i % 11 == 0 ? 0 : i % 11 == 1 ? 255 : rnd() % 256);
            for (int uv = 0; uv < 2; uv++) {
                if (!(uv ? do_uv : do_y))
                    continue;
                const size_t bytes = uv ? len : (size_t)n;
                const char *what = uv ? "blend_tint_uv" : "blend_tint";
                memset(o0, GUARD_BYTE, len + 2 * GUARD), memset(o1, GUARD_BYTE, len + 2 * GUARD);
                memcpy(o0 + GUARD, base, bytes), memcpy(o1 + GUARD, base, bytes);
                if (uv) {
                    ref->tint_uv(o0 + GUARD, cov, c0, c1, a, n);
                    simd->tint_uv(o1 + GUARD, cov, c0, c1, a, n);
                } else {
                    ref->tint(o0 + GUARD, cov, c0, a, n);
                    simd->tint(o1 + GUARD, cov, c0, a, n);
                }
                check_same(o0, o1, bytes, what, isa, n);
                checks++;
                for (size_t i = 0; i < bytes; i++) {
                    const unsigned m = ((unsigned)cov[uv ? i / 2 : i] * (unsigned)a * 257 + 32768) >> 16;
                    const unsigned c = uv && (i & 1) ? (unsigned)c1 : (unsigned)c0;
                    if (o0[GUARD + i] != (base[i] * (256 - m) + c * m + 128) >> 8) {
                        fail(what, "c", n, "the C reference differs from the formula");
                        break;
                    }
                }
            }
        }
        edge_free(cov, (size_t)n), free(base), free(o0), free(o1);
    }
}

/* diff span: equal rows, one differing byte anywhere (both ends included), and random runs
 * of differences, on inputs that end where a page does */
static void test_diff(const VxDiffDSP *ref, const VxDiffDSP *prev, const VxDiffDSP *simd,
                      const char *isa)
{
    if (!REPLACED(prev->span, simd->span, "diff_span"))
        return;
    cur_what = "diff", cur_isa = isa;
    for (int wi = 0; wi < n_widths; wi++) {
        const int n = widths[wi];
        uint8_t *a = edge_alloc((size_t)n), *b = edge_alloc((size_t)n);
        for (int rep = 0; rep < 8; rep++) {
            for (int i = 0; i < n; i++)
                a[i] = b[i] = (uint8_t)rnd();
            if (rep == 1)
                b[0] ^= 1;
            else if (rep == 2)
                b[n - 1] ^= 0x80;
            else if (rep >= 3) {
                const int k = (int)(rnd() % (unsigned)n), len = 1 + (int)(rnd() % 40);
                for (int i = k; i < n && i < k + len; i++)
                    b[i] = (uint8_t)(a[i] + 1 + rnd() % 255);
                if (rep & 1)
                    b[(int)(rnd() % (unsigned)n)] ^= 4;
            }
            int l0, h0, l1 = -7, h1 = -7;
            ref->span(a, b, n, &l0, &h0);
            simd->span(a, b, n, &l1, &h1);
            checks++;
            if (l0 != l1 || h0 != h1) {
                char why[96];
                snprintf(why, sizeof(why), "span [%d, %d), C says [%d, %d)", l1, h1, l0, h0);
                fail("diff_span", isa, n, why);
            }
        }
        edge_free(a, (size_t)n), edge_free(b, (size_t)n);
    }
}

/* The first SIMD level of each architecture (AVX2, NEON) must replace every scaling and
 * blending entry: one left unset silently stays the C reference there (NEON lacked hscale2
 * and hscale_rows until 2026-12-06: every NV12 chroma pass ran scalar on Apple Silicon). The
 * change search (VxDiffDSP) is exempt: its C reference is memcmp, which libc vectorises. */
static void test_complete(const VxScaleDSP *sref, const VxBlendDSP *bref, const VxScaleDSP *s,
                          const VxBlendDSP *b, const char *isa)
{
    const struct { const char *name; int same; } e[] = {
        {"hscale", s->hscale == sref->hscale},
        {"hscale2", s->hscale2 == sref->hscale2},
        {"hscale_rows", s->hscale_rows == sref->hscale_rows},
        {"vscale", s->vscale == sref->vscale},
        {"blend_mask", b->mask == bref->mask},
        {"blend_over", b->over == bref->over},
        {"blend_over_uv", b->over_uv == bref->over_uv},
        {"blend_rgba_nv12", b->rgba_nv12 == bref->rgba_nv12},
        {"blend_lerp16", b->lerp16 == bref->lerp16},
        {"blend_tint", b->tint == bref->tint},
        {"blend_tint_uv", b->tint_uv == bref->tint_uv},
    };
    for (size_t i = 0; i < sizeof(e) / sizeof(e[0]); i++) {
        checks++;
        if (e[i].same)
            fail(e[i].name, isa, 0, "still the C reference at this level (no SIMD version)");
    }
}

int main(int argc, char **argv)
{
    /* --list: only say which levels would run (checks that VEXPORT_CPU masks them) */
    const int list = argc > 1 && !strcmp(argv[1], "--list");
    signal(SIGSEGV, on_crash);
    signal(SIGBUS, on_crash);
    widths_init();

    /* below: the level whose table a level's is compared with (the C level for the first
     * SIMD level of each architecture) */
    static const struct { const char *name; unsigned flags; int below; } levels[] = {
        {"c", 0, 0},
        {"sse4", VX_CPU_SSE41, 0},
        {"avx2", VX_CPU_SSE41 | VX_CPU_AVX2, 1},
        {"avx512", VX_CPU_SSE41 | VX_CPU_AVX2 | VX_CPU_AVX512 | VX_CPU_AVX512VNNI, 2},
        {"neon", VX_CPU_NEON, 0},
    };
    const unsigned have = vx_cpu_effective(~0u); /* VEXPORT_CPU can mask levels off */
    VxScaleDSP sref;
    VxBlendDSP bref;
    VxDiffDSP dref;
    vx_scale_dsp_init(&sref, 0);
    vx_blend_dsp_init(&bref, 0);
    vx_diff_dsp_init(&dref, 0);
    int tested = 0;
    for (size_t l = 0; l < sizeof(levels) / sizeof(levels[0]); l++) {
        if ((levels[l].flags & have) != levels[l].flags) {
            printf("skip %s: this CPU lacks it (or VEXPORT_CPU masks it)\n", levels[l].name);
            continue;
        }
        if (list) {
            printf("test %s\n", levels[l].name);
            continue;
        }
        /* this level's tables and the level below's (only compared, never run, so a level
         * this CPU lacks may be below one it has only in name) */
        const unsigned fl = levels[l].flags, fb = levels[levels[l].below].flags;
        VxScaleDSP s, sb;
        VxBlendDSP b, bb;
        VxDiffDSP dd, db;
        vx_scale_dsp_init(&s, fl), vx_scale_dsp_init(&sb, fb);
        vx_blend_dsp_init(&b, fl), vx_blend_dsp_init(&bb, fb);
        vx_diff_dsp_init(&dd, fl), vx_diff_dsp_init(&db, fb);
        const int before = failures;
        level_fns[0] = 0, level_n = 0;
        if (l > 0) { /* the C level is the reference itself: nothing to compare */
            test_hscale(&sref, &sb, &s, levels[l].name);
            test_vscale(&sref, &sb, &s, levels[l].name);
            test_blend(&bref, &bb, &b, levels[l].name);
            test_diff(&dref, &db, &dd, levels[l].name);
            test_over(&bref, &bb, &b, levels[l].name);
            test_rgba_nv12(&bref, &bb, &b, levels[l].name);
            test_lerp16(&bref, &bb, &b, levels[l].name);
            test_tint(&bref, &bb, &b, levels[l].name);
        }
        if (!strcmp(levels[l].name, "avx2") || !strcmp(levels[l].name, "neon"))
            test_complete(&sref, &bref, &s, &b, levels[l].name);
        if (level_fns[0])
            level_fns[strlen(level_fns) - 1] = 0; /* the last comma */
        if (!level_n)
            printf("%s: nothing replaced here, nothing tested%s\n", levels[l].name,
                   l ? " (the same functions as the level below)" : " (the reference)");
        else
            printf("%s: %s: %d function(s) replaced and tested against C: %s\n",
                   levels[l].name, failures == before ? "ok" : "FAILED", level_n, level_fns);
        tested += level_n > 0;
    }
    if (list)
        return 0;
    printf("%d checks over %d ISA levels that replace functions, %d failure(s)\n", checks,
           tested, failures);
    return failures != 0;
}
