/* checkasm-style kernel tests: every SIMD kernel the CPU can run is bit-exact with its C
 * reference on random inputs, for widths 1..70, 1920, 1921 and 3840, unaligned pointers and
 * both sample steps, with guard bytes around every output checked untouched and every input
 * ending at an unreadable page. VEXPORT_CPU masks levels off (--list: the levels that run).
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
#include "dsp/convert.h"
#include "dsp/scale.h"
#include "vexport/vexport.h"

#define GUARD 32
#define GUARD_BYTE 0xa5

static unsigned rng_state = 12345;
static unsigned rnd(void)
{
    rng_state = rng_state * 1664525u + 1013904223u;
    return rng_state >> 8;
}

static int failures, checks;

static void fail(const char *what, const char *isa, int w, const char *detail)
{
    if (failures < 20)
        printf("FAIL %s [%s] width %d: %s\n", what, isa, w, detail);
    failures++;
}

static int widths[80], n_widths;

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

static void test_hscale(const VxScaleDSP *ref, const VxScaleDSP *simd, const char *isa)
{
    cur_what = "hscale", cur_isa = isa;
    for (int wi = 0; wi < n_widths; wi++) {
        const int n_out = widths[wi];
        for (int rep = 0; rep < 3; rep++) {
            /* shrink, enlarge, or about the same, with a fractional offset */
            double ratio = rep == 0 ? 0.3 + (rnd() % 1000) / 1000.0 * 0.7
                         : rep == 1 ? 1.0 + (rnd() % 1000) / 250.0 : 1.0;
            int n_src = (int)(n_out * ratio) + 1 + (int)(rnd() % 3);
            double off = (rnd() % 1000) / 1000.0 - 0.5;
            VxScaleFilter f;
            if (vx_scale_filter_build(&f, n_src, n_out, ratio, off) < 0) {
                fail("hscale", isa, n_out, "filter build failed");
                continue;
            }
            for (int step = 1; step <= 2; step++) {
                const int align = (int)(rnd() % 4);
                /* up to the last sample: with step 2, the other plane's last byte is not there */
                const size_t span = (size_t)(n_src - 1) * step + 1 + align;
                uint8_t *src = edge_alloc(span);
                for (size_t i = 0; i < span; i++)
                    src[i] = (uint8_t)rnd();
                size_t bytes = sizeof(int16_t) * n_out;
                uint8_t *a = malloc(bytes + 2 * GUARD), *b = malloc(bytes + 2 * GUARD);
                memset(a, GUARD_BYTE, bytes + 2 * GUARD);
                memset(b, GUARD_BYTE, bytes + 2 * GUARD);
                ref->hscale((int16_t *)(a + GUARD), src + align, step, &f);
                simd->hscale((int16_t *)(b + GUARD), src + align, step, &f);
                checks++;
                if (memcmp(a + GUARD, b + GUARD, bytes))
                    fail("hscale", isa, n_out, "differs from C");
                check_guard(b, bytes, "hscale", isa, n_out);
                edge_free(src, span);
                free(a);
                free(b);
            }
            vx_scale_filter_free(&f);
        }
    }
}

static void test_vscale(const VxScaleDSP *ref, const VxScaleDSP *simd, const char *isa)
{
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
            for (int step = 1; step <= 2; step++) {
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
                       const char *isa, int w);

static void test_blend(const VxBlendDSP *ref, const VxBlendDSP *simd, const char *isa)
{
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
            ref->mask(a + GUARD, under, m, step, w);
            simd->mask(b + GUARD, under, m, step, w);
            checks++;
            if (memcmp(a, b, bytes + 2 * GUARD))
                fail("blend_mask", isa, w, "differs from C");
            check_guard(b, bytes, "blend_mask", isa, w);
            /* over: the same rows, "under" drawn over the result */
            ref->over(a + GUARD, under, m, step, w);
            simd->over(b + GUARD, under, m, step, w);
            check_same(a, b, bytes, "blend_over", isa, w);
            edge_free(under, span);
            edge_free(m, w);
            free(a);
            free(b);
        }
    }
}

/* Coefficients as src/convert.c builds them, for one matrix (kr, kb), range and layout. */
static void conv_coefs(VxConvCoefs *c, double kr, double kb, int full, int layout, int left)
{
    static const int offs[4][4] = {{0, 1, 2, 3}, {2, 1, 0, 3}, {1, 2, 3, 0}, {3, 2, 1, 0}};
    const double kg = 1 - kr - kb, one = (double)(1 << VX_CONV_BITS);
    const double ys = full ? 1.0 : 219.0 / 255.0, cs = full ? 1.0 : 224.0 / 255.0;
    memset(c, 0, sizeof(*c));
    c->yr = (int32_t)lrint(kr * ys * one);
    c->yg = (int32_t)lrint(kg * ys * one);
    c->yb = (int32_t)lrint(kb * ys * one);
    c->ur = (int32_t)lrint(-kr / (2 * (1 - kb)) * cs * one);
    c->ug = (int32_t)lrint(-kg / (2 * (1 - kb)) * cs * one);
    c->ub = (int32_t)lrint(0.5 * cs * one);
    c->vr = (int32_t)lrint(0.5 * cs * one);
    c->vg = (int32_t)lrint(-kg / (2 * (1 - kr)) * cs * one);
    c->vb = (int32_t)lrint(-kb / (2 * (1 - kr)) * cs * one);
    c->y_off = full ? 0 : 16 << VX_CONV_BITS;
    c->uv_off = 128 << VX_CONV_BITS;
    c->ky = (int32_t)lrint(one / ys);
    c->ky_off = full ? 0 : -(int32_t)lrint(16 / ys * one);
    c->rv = (int32_t)lrint(2 * (1 - kr) / cs * one);
    c->gu = (int32_t)lrint(-2 * (1 - kb) * kb / kg / cs * one);
    c->gv = (int32_t)lrint(-2 * (1 - kr) * kr / kg / cs * one);
    c->bu = (int32_t)lrint(2 * (1 - kb) / cs * one);
    c->roff = offs[layout][0], c->goff = offs[layout][1];
    c->boff = offs[layout][2], c->aoff = offs[layout][3];
    c->left_sited = left;
}

static uint8_t *guarded(size_t len)
{
    uint8_t *b = malloc(len + 2 * GUARD);
    memset(b, GUARD_BYTE, len + 2 * GUARD);
    return b;
}

static void check_same(const uint8_t *a, const uint8_t *b, size_t len, const char *what,
                       const char *isa, int w)
{
    checks++;
    if (memcmp(a, b, len + 2 * GUARD))
        fail(what, isa, w, "differs from C");
    check_guard(b, len, what, isa, w);
}

static void test_convert(const VxConvertDSP *ref, const VxConvertDSP *simd, const char *isa)
{
    cur_what = "convert", cur_isa = isa;
    static const double mats[3][2] = {{0.2126, 0.0722}, {0.299, 0.114}, {0.2627, 0.0593}};
    for (int wi = 0; wi < n_widths; wi++) {
        const int w = widths[wi], cw = (w + 1) / 2;
        for (int rep = 0; rep < 4; rep++) {
            const unsigned r = rnd();
            VxConvCoefs c;
            conv_coefs(&c, mats[r % 3][0], mats[r % 3][1], (int)(r >> 2) & 1, rep,
                       (int)(r >> 3) & 1);
            /* I420 rows, NV12's interleaved row, and planes of their own with step 2 */
            const int uvstep = 1 + (rep & 1), interleaved = rep == 1;
            const int align = (int)(r >> 4) % 4;
            const int last_row = (r >> 6) % 4 == 0; /* one row: s1 == s0, no y1 */
            uint8_t *s0 = edge_alloc(4 * (size_t)w + align), *s1 = edge_alloc(4 * (size_t)w + align);
            for (size_t i = 0; i < 4 * (size_t)w + align; i++)
                s0[i] = (uint8_t)rnd(), s1[i] = (uint8_t)rnd();
            const uint8_t *p0 = s0 + align, *p1 = last_row ? p0 : s1 + align;
            uint8_t *y[2][2], *uv[2][2];
            const size_t uvlen = (size_t)cw * uvstep;
            for (int k = 0; k < 2; k++) {
                y[k][0] = guarded(w), y[k][1] = guarded(w);
                uv[k][0] = guarded(uvlen), uv[k][1] = guarded(uvlen);
            }
            for (int k = 0; k < 2; k++) {
                const VxConvertDSP *d = k ? simd : ref;
                uint8_t *u = uv[k][0] + GUARD, *v = interleaved ? u + 1 : uv[k][1] + GUARD;
                d->rgb_to_yuv420(p0, p1, y[k][0] + GUARD, last_row ? NULL : y[k][1] + GUARD, u,
                                 v, uvstep, w, &c);
            }
            check_same(y[0][0], y[1][0], w, "rgb_to_yuv420 (luma)", isa, w);
            check_same(y[0][1], y[1][1], w, "rgb_to_yuv420 (luma 2)", isa, w);
            check_same(uv[0][0], uv[1][0], uvlen, "rgb_to_yuv420 (chroma)", isa, w);
            check_same(uv[0][1], uv[1][1], uvlen, "rgb_to_yuv420 (chroma 2)", isa, w);

            /* and back: the luma and chroma rows just made, plus random ones, in buffers that
             * end with their last sample */
            const size_t cspan = interleaved ? uvlen : (size_t)(cw - 1) * uvstep + 1;
            uint8_t *yr = edge_alloc(w), *ur = edge_alloc(cspan), *vr = edge_alloc(cspan);
            memcpy(yr, y[0][0] + GUARD, w);
            memcpy(ur, uv[0][0] + GUARD, cspan);
            memcpy(vr, (interleaved ? uv[0][0] + 1 : uv[0][1]) + GUARD, cspan - interleaved);
            if (rep >= 2) {
                for (int i = 0; i < w; i++)
                    yr[i] = (uint8_t)rnd();
                for (size_t i = 0; i < cspan; i++)
                    ur[i] = (uint8_t)rnd(), vr[i] = (uint8_t)rnd();
            }
            const uint8_t *vin = interleaved ? ur + 1 : vr;
            uint8_t *a = guarded(4 * (size_t)w), *b = guarded(4 * (size_t)w);
            ref->yuv420_to_rgb(a + GUARD, yr, ur, vin, uvstep, w, &c);
            simd->yuv420_to_rgb(b + GUARD, yr, ur, vin, uvstep, w, &c);
            check_same(a, b, 4 * (size_t)w, "yuv420_to_rgb", isa, w);
            for (int k = 0; k < 2; k++)
                free(y[k][0]), free(y[k][1]), free(uv[k][0]), free(uv[k][1]);
            free(a), free(b);
            edge_free(s0, 4 * (size_t)w + align), edge_free(s1, 4 * (size_t)w + align);
            edge_free(yr, w), edge_free(ur, cspan), edge_free(vr, cspan);
        }
    }
}

int main(int argc, char **argv)
{
    /* --list: only say which levels would run (checks that VEXPORT_CPU masks them) */
    const int list = argc > 1 && !strcmp(argv[1], "--list");
    signal(SIGSEGV, on_crash);
    signal(SIGBUS, on_crash);
    for (int w = 1; w <= 70; w++)
        widths[n_widths++] = w;
    widths[n_widths++] = 1920;
    widths[n_widths++] = 1921;
    widths[n_widths++] = 3840;

    static const struct { const char *name; unsigned flags; } levels[] = {
        {"c", 0},
        {"sse4", VX_CPU_SSE41},
        {"avx2", VX_CPU_SSE41 | VX_CPU_AVX2},
        {"avx512", VX_CPU_SSE41 | VX_CPU_AVX2 | VX_CPU_AVX512},
        {"neon", VX_CPU_NEON},
    };
    const unsigned have = vx_cpu_effective(~0u); /* VEXPORT_CPU can mask levels off */
    VxScaleDSP sref;
    VxBlendDSP bref;
    VxConvertDSP cref;
    vx_scale_dsp_init(&sref, 0);
    vx_blend_dsp_init(&bref, 0);
    vx_convert_dsp_init(&cref, 0);
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
        VxScaleDSP s;
        VxBlendDSP b;
        vx_scale_dsp_init(&s, levels[l].flags);
        vx_blend_dsp_init(&b, levels[l].flags);
        VxConvertDSP cv;
        vx_convert_dsp_init(&cv, levels[l].flags);
        int before = failures;
        test_hscale(&sref, &s, levels[l].name);
        test_vscale(&sref, &s, levels[l].name);
        test_blend(&bref, &b, levels[l].name);
        test_convert(&cref, &cv, levels[l].name);
        printf("%s: %s (hscale %s, vscale %s)\n", levels[l].name,
               failures == before ? "ok" : "FAILED",
               s.hscale == sref.hscale ? "C" : "simd", s.vscale == sref.vscale ? "C" : "simd");
        printf("  (blend mask %s, over %s, rgb_to_yuv420 %s, yuv420_to_rgb %s)\n",
               b.mask == bref.mask ? "C" : "simd", b.over == bref.over ? "C" : "simd",
               cv.rgb_to_yuv420 == cref.rgb_to_yuv420 ? "C" : "simd",
               cv.yuv420_to_rgb == cref.yuv420_to_rgb ? "C" : "simd");
        tested++;
    }
    if (list)
        return 0;
    printf("%d checks over %d ISA levels, %d failure(s)\n", checks, tested, failures);
    return failures != 0;
}
