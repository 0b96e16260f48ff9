/* checkasm-style tests of the conversion kernels: every SIMD version this CPU can run is
 * bit-exact with the C reference on random pixels, for widths 1..70, 1920, 1921 and 3840,
 * every RGB byte order, NV12, NV21 and I420 chroma, both chroma sitings, every matrix and range,
 * unaligned pointers, a last odd row (no second luma row), the streaming-store path, and
 * whole frames driven with negative strides; guard bytes around every output are checked
 * untouched. FFmpeg-free: builds with the kernels alone. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu.h"
#include "dsp/convert.h"
#include "vexport/vexport.h"

#define GUARD 64
#define GUARD_BYTE 0xa5

#define KCHECK_SEED 4242u
#include "kcheck.h"

static const int rgb_fmts[4] = {VX_PIX_RGBA, VX_PIX_BGRA, VX_PIX_ARGB, VX_PIX_ABGR};


/* An output buffer of len bytes with GUARD bytes either side, at offset align from a
 * 64-byte boundary. */
typedef struct Buf {
    uint8_t *base, *p;
    size_t len;
} Buf;

static Buf buf_new(size_t len, int align)
{
    Buf b;
    b.len = len;
    if (posix_memalign((void **)&b.base, 64, len + 2 * GUARD + 64))
        abort();
    memset(b.base, GUARD_BYTE, len + 2 * GUARD + 64);
    b.p = b.base + GUARD + align;
    return b;
}

static void buf_random(Buf *b)
{
    for (size_t i = 0; i < b->len; i++)
        b->p[i] = (uint8_t)rnd();
}

/* same contents (guards included) and guards intact */
static void buf_check(const Buf *ref, const Buf *b, const char *what, const char *isa, int w)
{
    if (memcmp(ref->p - GUARD, b->p - GUARD, b->len + 2 * GUARD)) {
        fail(what, isa, w, "differs from C");
        return;
    }
    for (size_t i = 0; i < GUARD; i++)
        if (b->p[-1 - (ptrdiff_t)i] != GUARD_BYTE || b->p[b->len + i] != GUARD_BYTE) {
            fail(what, isa, w, "wrote outside its output");
            return;
        }
}

static void random_coefs(VxConvCoefs *c, int fmt)
{
    vx_conv_coefs_init(c, (int)(rnd() % 3), (int)(rnd() % 2), (int)(rnd() % 2), fmt);
}

static void fill_rgb(uint8_t *p, size_t n)
{
    /* random, with runs of extremes so clipping and saturation are reached */
    const int mode = (int)(rnd() % 4);
    for (size_t i = 0; i < n; i++)
        p[i] = mode == 0 ? (uint8_t)(rnd() & 1 ? 255 : 0) : (uint8_t)rnd();
}

static void test_rgb_to_yuv(const VxConvertDSP *ref, const VxConvertDSP *simd, const char *isa)
{
    for (int wi = 0; wi < n_widths; wi++) {
        const int w = widths[wi], cw = (w + 1) / 2;
        for (int variant = 0; variant < 8; variant++) {
            const int fmt = rgb_fmts[variant % 4], nv12 = (variant >> 2) & 1;
            const int last_odd = rnd() % 5 == 0, nt = rnd() % 3 == 0;
            /* streaming stores need aligned outputs (16 of 64: the kernel must fall back to plain
             * stores); otherwise misalign on purpose */
            const int al = nt ? (int)(rnd() % 2) * 16 : (int)(rnd() % 7);
            VxConvCoefs c;
            random_coefs(&c, fmt);
            c.nt_store = nt;
            uint8_t *src = malloc(8 * (size_t)w + 16);
            const int sal = (int)(rnd() % 4) * 4 + (int)(rnd() % 2); /* also not pixel-aligned */
            fill_rgb(src, 8 * (size_t)w + 16);
            const uint8_t *s0 = src + sal, *s1 = last_odd ? s0 : s0 + 4 * w;
            Buf ya = buf_new(w, al), yb = buf_new(w, al), za = buf_new(w, al), zb = buf_new(w, al);
            const size_t clen = nv12 ? 2 * (size_t)cw : (size_t)cw;
            Buf ua = buf_new(clen, al), ub = buf_new(clen, al), va = buf_new(cw, al),
                vb = buf_new(cw, al);
            ref->rgb_to_yuv420(s0, s1, ya.p, last_odd ? NULL : za.p, ua.p,
                               nv12 ? ua.p + 1 : va.p, nv12 ? 2 : 1, w, &c);
            simd->rgb_to_yuv420(s0, s1, yb.p, last_odd ? NULL : zb.p, ub.p,
                                nv12 ? ub.p + 1 : vb.p, nv12 ? 2 : 1, w, &c);
            checks++;
            buf_check(&ya, &yb, "rgb_to_yuv420 luma row 0", isa, w);
            buf_check(&za, &zb, "rgb_to_yuv420 luma row 1", isa, w);
            buf_check(&ua, &ub, nv12 ? "rgb_to_yuv420 NV12 chroma" : "rgb_to_yuv420 Cb", isa, w);
            buf_check(&va, &vb, "rgb_to_yuv420 Cr", isa, w);
            Buf *all[] = {&ya, &yb, &za, &zb, &ua, &ub, &va, &vb};
            for (int i = 0; i < 8; i++)
                free(all[i]->base);
            free(src);
        }
    }
}

static void test_yuv_to_rgb(const VxConvertDSP *ref, const VxConvertDSP *simd, const char *isa)
{
    for (int wi = 0; wi < n_widths; wi++) {
        const int w = widths[wi], cw = (w + 1) / 2;
        for (int variant = 0; variant < 12; variant++) {
            /* chroma: 0 I420, 1 NV12 (Cb Cr), 2 NV21 (Cr Cb) */
            const int fmt = rgb_fmts[variant % 4], kind = variant / 4;
            const int al = (int)(rnd() % 5);
            VxConvCoefs c;
            random_coefs(&c, fmt);
            Buf y = buf_new(w, (int)(rnd() % 3)), u = buf_new(2 * (size_t)cw, (int)(rnd() % 3)),
                v = buf_new(cw, (int)(rnd() % 3));
            buf_random(&y), buf_random(&u), buf_random(&v);
            Buf a = buf_new(4 * (size_t)w, al), b = buf_new(4 * (size_t)w, al);
            const uint8_t *cb = kind == 2 ? u.p + 1 : u.p;
            const uint8_t *cr = kind == 0 ? v.p : kind == 1 ? u.p + 1 : u.p;
            ref->yuv420_to_rgb(a.p, y.p, cb, cr, kind ? 2 : 1, w, &c);
            simd->yuv420_to_rgb(b.p, y.p, cb, cr, kind ? 2 : 1, w, &c);
            checks++;
            static const char *names[3] = {"yuv420_to_rgb from I420", "yuv420_to_rgb from NV12",
                                           "yuv420_to_rgb from NV21"};
            buf_check(&a, &b, names[kind], isa, w);
            Buf *all[] = {&y, &u, &v, &a, &b};
            for (int i = 0; i < 5; i++)
                free(all[i]->base);
        }
    }
}

/* Whole frames as src/convert.c drives them, top-down and bottom-up (negative strides):
 * SIMD equals C, and the bottom-up result is the top-down one upside down. */
static void convert_frame(const VxConvertDSP *d, const uint8_t *src, ptrdiff_t ss, uint8_t *y,
                          ptrdiff_t ys, uint8_t *uv, ptrdiff_t uvs, int w, int h,
                          const VxConvCoefs *c)
{
    for (int r = 0; r < h; r += 2) {
        const uint8_t *s0 = src + r * ss, *s1 = r + 1 < h ? s0 + ss : s0;
        uint8_t *u = uv + (r / 2) * uvs;
        d->rgb_to_yuv420(s0, s1, y + r * ys, r + 1 < h ? y + (r + 1) * ys : NULL, u, u + 1, 2,
                         w, c);
    }
}

static void test_frames(const VxConvertDSP *ref, const VxConvertDSP *simd, const char *isa)
{
    static const int sizes[][2] = {{1, 1}, {33, 7}, {64, 5}, {130, 9}, {1921, 3}};
    for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        const int w = sizes[i][0], h = sizes[i][1], ch = (h + 1) / 2;
        const ptrdiff_t ss = 4 * w + 12, ys = w + 5, uvs = 2 * ((w + 1) / 2) + 3;
        VxConvCoefs c;
        random_coefs(&c, VX_PIX_BGRA);
        uint8_t *src = malloc(ss * h);
        fill_rgb(src, ss * h);
        uint8_t *yt = calloc(ys * h, 1), *uvt = calloc(uvs * ch, 1);
        uint8_t *yr = calloc(ys * h, 1), *uvr = calloc(uvs * ch, 1);
        uint8_t *yb = calloc(ys * h, 1), *uvb = calloc(uvs * ch, 1);
        /* the source read bottom-up is the upside-down image; so is the output */
        convert_frame(ref, src + (h - 1) * ss, -ss, yr + (h - 1) * ys, -ys,
                      uvr + (ch - 1) * uvs, -uvs, w, h, &c);
        convert_frame(simd, src + (h - 1) * ss, -ss, yb + (h - 1) * ys, -ys,
                      uvb + (ch - 1) * uvs, -uvs, w, h, &c);
        checks++;
        if (memcmp(yr, yb, ys * h) || memcmp(uvr, uvb, uvs * ch))
            fail("rgb_to_yuv420 frame, negative strides", isa, w, "differs from C");
        if (h % 2 == 0 || h == 1) { /* with an even height the flip is exact */
            convert_frame(simd, src, ss, yt, ys, uvt, uvs, w, h, &c);
            for (int r = 0; r < h; r++)
                if (memcmp(yt + r * ys, yb + (h - 1 - r) * ys, w))
                    fail("rgb_to_yuv420 frame, negative strides", isa, w, "not the flipped frame");
        }
        free(src), free(yt), free(uvt), free(yr), free(uvr), free(yb), free(uvb);
    }
}

int main(void)
{
    widths_init();

    static const struct { const char *name; unsigned flags; } levels[] = {
        {"c", 0},
        {"sse4", VX_CPU_SSE41},
        {"avx2", VX_CPU_SSE41 | VX_CPU_AVX2},
        {"avx512", VX_CPU_SSE41 | VX_CPU_AVX2 | VX_CPU_AVX512},
        {"avx512vnni", VX_CPU_SSE41 | VX_CPU_AVX2 | VX_CPU_AVX512 | VX_CPU_AVX512VNNI},
        {"neon", VX_CPU_NEON},
    };
    const unsigned have = vx_cpu_detect();
    VxConvertDSP ref;
    vx_convert_dsp_init(&ref, 0);
    int tested = 0;
    for (size_t l = 0; l < sizeof(levels) / sizeof(levels[0]); l++) {
        if ((levels[l].flags & have) != levels[l].flags) {
            printf("skip %s: this CPU lacks it\n", levels[l].name);
            continue;
        }
        VxConvertDSP d;
        vx_convert_dsp_init(&d, levels[l].flags);
        const int before = failures;
        for (int rep = 0; rep < 3; rep++) {
            test_rgb_to_yuv(&ref, &d, levels[l].name);
            test_yuv_to_rgb(&ref, &d, levels[l].name);
            test_frames(&ref, &d, levels[l].name);
        }
        printf("%s: %s (rgb_to_yuv420 %s, yuv420_to_rgb %s)\n", levels[l].name,
               failures == before ? "ok" : "FAILED",
               d.rgb_to_yuv420 == ref.rgb_to_yuv420 ? "C" : "simd",
               d.yuv420_to_rgb == ref.yuv420_to_rgb ? "C" : "simd");
        tested++;
    }
    printf("%d checks over %d ISA levels, %d failure(s)\n", checks, tested, failures);
    return failures != 0;
}
