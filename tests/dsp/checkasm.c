/* checkasm-style kernel tests: every SIMD kernel the CPU can run is bit-exact with its C
 * reference on random inputs, for widths 1..70, 1920, 1921 and 3840, unaligned pointers and
 * both sample steps, with guard bytes around every output checked untouched.
 * FFmpeg-free: builds with the kernels alone. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu.h"
#include "dsp/blend.h"
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

static void check_guard(const uint8_t *buf, size_t len, const char *what, const char *isa, int w)
{
    for (size_t i = 0; i < GUARD; i++)
        if (buf[i] != GUARD_BYTE || buf[GUARD + len + i] != GUARD_BYTE) {
            fail(what, isa, w, "wrote outside its output");
            return;
        }
}

static void test_hscale(const VxScaleDSP *ref, const VxScaleDSP *simd, const char *isa)
{
    for (int wi = 0; wi < n_widths; wi++) {
        const int n_out = widths[wi];
        for (int rep = 0; rep < 3; rep++) {
            /* shrink, enlarge, or about the same, with a fractional offset */
            double ratio = rep == 0 ? 0.3 + (rnd() % 1000) / 1000.0 * 0.7
                         : rep == 1 ? 1.0 + (rnd() % 1000) / 250.0 : 1.0;
            int n_src = (int)(n_out * ratio) + 1 + (int)(rnd() % 3);
            double off = (rnd() % 1000) / 1000.0 - 0.5;
            VxScaleFilter f;
            const int kind = rnd() % 3 == 0 ? VX_SCALE_BILINEAR : VX_SCALE_HQ;
            if (vx_scale_filter_build2(&f, kind, n_src, n_out, ratio, off) < 0) {
                fail("hscale", isa, n_out, "filter build failed");
                continue;
            }
            /* step 1, step 2 at the first and at the second channel, two channels */
            for (int mode = 0; mode < 4; mode++) {
                const int step = mode == 0 ? 1 : 2, ch = mode == 2;
                const int align = (int)(rnd() % 4);
                uint8_t *src = malloc((size_t)n_src * step + align);
                for (int i = 0; i < n_src * step + align; i++)
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
                free(src);
                free(a);
                free(b);
            }
            /* two rows at once, one and two channels */
            for (int ch = 1; ch <= 2; ch++) {
                uint8_t *src = malloc((size_t)n_src * ch * 2 + 3);
                for (int i = 0; i < n_src * ch * 2 + 3; i++)
                    src[i] = (uint8_t)rnd();
                const uint8_t *s0 = src + 1, *s1 = src + 2 + n_src * ch; /* unaligned */
                size_t bytes = sizeof(int16_t) * n_out * ch;
                uint8_t *a = malloc(2 * (bytes + 2 * GUARD)), *b = malloc(2 * (bytes + 2 * GUARD));
                memset(a, GUARD_BYTE, 2 * (bytes + 2 * GUARD));
                memset(b, GUARD_BYTE, 2 * (bytes + 2 * GUARD));
                const size_t r1 = bytes + 3 * GUARD;
                ref->hscale_rows2((int16_t *)(a + GUARD), (int16_t *)(a + r1), s0, s1, ch, &f);
                simd->hscale_rows2((int16_t *)(b + GUARD), (int16_t *)(b + r1), s0, s1, ch, &f);
                checks++;
                if (memcmp(a, b, 2 * (bytes + 2 * GUARD)))
                    fail("hscale_rows2", isa, n_out, "differs from C (or wrote outside)");
                free(src);
                free(a);
                free(b);
            }
            vx_scale_filter_free(&f);
        }
    }
}

static void test_vscale(const VxScaleDSP *ref, const VxScaleDSP *simd, const char *isa)
{
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
                rows[t] = malloc(sizeof(int16_t) * (w + 8));
                for (int x = 0; x < w + 8; x++)
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
                free(rows[t]);
        }
    }
}

static void test_blend(const VxBlendDSP *ref, const VxBlendDSP *simd, const char *isa)
{
    for (int wi = 0; wi < n_widths; wi++) {
        const int w = widths[wi];
        for (int step = 1; step <= 2; step++) {
            size_t bytes = (size_t)w * step;
            uint8_t *under = malloc(bytes), *m = malloc(w);
            uint8_t *a = malloc(bytes + 2 * GUARD), *b = malloc(bytes + 2 * GUARD);
            memset(a, GUARD_BYTE, bytes + 2 * GUARD);
            for (size_t i = 0; i < bytes; i++)
                under[i] = (uint8_t)rnd(), a[GUARD + i] = (uint8_t)rnd();
            for (int i = 0; i < w; i++)
                m[i] = (uint8_t)(i % 5 == 0 ? 0 : i % 5 == 1 ? 255 : rnd());
            memcpy(b, a, bytes + 2 * GUARD);
            ref->mask(a + GUARD, under, m, step, w);
            simd->mask(b + GUARD, under, m, step, w);
            checks++;
            if (memcmp(a, b, bytes + 2 * GUARD))
                fail("blend_mask", isa, w, "differs from C");
            check_guard(b, bytes, "blend_mask", isa, w);
            free(under);
            free(m);
            free(a);
            free(b);
        }
    }
}

int main(void)
{
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
    const unsigned have = vx_cpu_detect();
    VxScaleDSP sref;
    VxBlendDSP bref;
    vx_scale_dsp_init(&sref, 0);
    vx_blend_dsp_init(&bref, 0);
    int tested = 0;
    for (size_t l = 0; l < sizeof(levels) / sizeof(levels[0]); l++) {
        if ((levels[l].flags & have) != levels[l].flags) {
            printf("skip %s: this CPU lacks it\n", levels[l].name);
            continue;
        }
        VxScaleDSP s;
        VxBlendDSP b;
        vx_scale_dsp_init(&s, levels[l].flags);
        vx_blend_dsp_init(&b, levels[l].flags);
        int before = failures;
        test_hscale(&sref, &s, levels[l].name);
        test_vscale(&sref, &s, levels[l].name);
        test_blend(&bref, &b, levels[l].name);
        printf("%s: %s (hscale %s, vscale %s)\n", levels[l].name,
               failures == before ? "ok" : "FAILED",
               s.hscale == sref.hscale ? "C" : "simd", s.vscale == sref.vscale ? "C" : "simd");
        tested++;
    }
    printf("%d checks over %d ISA levels, %d failure(s)\n", checks, tested, failures);
    return failures != 0;
}
