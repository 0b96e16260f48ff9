/* AVX2 blending kernels, bit-exact with the C reference in dsp/blend.c (definitions in
 * dsp/blend.h). Widths that are not a multiple of the vector go through one padded block. */
#include <immintrin.h>
#include <string.h>

#include "dsp/blend.h"

/* round(v / 255) on unsigned 16-bit lanes, v <= 65535 - 255 */
static inline __m256i div255(__m256i v)
{
    v = _mm256_add_epi16(v, _mm256_set1_epi16(128));
    return _mm256_srli_epi16(_mm256_add_epi16(v, _mm256_srli_epi16(v, 8)), 8);
}

/* (a * m + b * (255 - m)) / 255 rounded, on 16 unsigned words */
static inline __m256i mix(__m256i a, __m256i b, __m256i m)
{
    const __m256i k255 = _mm256_set1_epi16(255);
    return div255(_mm256_add_epi16(_mm256_mullo_epi16(a, m),
                                   _mm256_mullo_epi16(b, _mm256_sub_epi16(k255, m))));
}

static inline __m128i pack16(__m256i w)
{
    return _mm256_castsi256_si128(_mm256_permute4x64_epi64(_mm256_packus_epi16(w, w), 0x08));
}

/* dst = mix(top, bottom, m) with top and bottom chosen by the caller; step 1 or 2 */
static inline void mix_row(uint8_t *dst, const uint8_t *top, const uint8_t *bot, const uint8_t *m,
                           int step, int w, int dst_is_top)
{
    int x = 0;
    if (step == 1) {
        for (; x + 16 <= w; x += 16) {
            __m256i t = _mm256_cvtepu8_epi16(_mm_loadu_si128((const __m128i *)(top + x)));
            __m256i b = _mm256_cvtepu8_epi16(_mm_loadu_si128((const __m128i *)(bot + x)));
            __m256i mm = _mm256_cvtepu8_epi16(_mm_loadu_si128((const __m128i *)(m + x)));
            _mm_storeu_si128((__m128i *)(dst + x), pack16(mix(t, b, mm)));
        }
    } else {
        /* 16 samples of one channel in 32 bytes: the other channel's bytes are rewritten
         * with their own values (so the two channels of a row must not be blended from two
         * threads at once; over_uv does both in one call) */
        const __m256i lo = _mm256_set1_epi16(0xff);
        for (; x + 16 <= w; x += 16) {
            __m256i d = _mm256_loadu_si256((const __m256i *)(dst + 2 * x));
            __m256i t = _mm256_and_si256(_mm256_loadu_si256((const __m256i *)(top + 2 * x)), lo);
            __m256i b = _mm256_and_si256(_mm256_loadu_si256((const __m256i *)(bot + 2 * x)), lo);
            __m256i mm = _mm256_cvtepu8_epi16(_mm_loadu_si128((const __m128i *)(m + x)));
            __m256i r = mix(t, b, mm);
            _mm256_storeu_si256((__m256i *)(dst + 2 * x), _mm256_or_si256(_mm256_andnot_si256(lo, d), r));
        }
        /* the last vector would read the byte after the row's last sample: scalar */
    }
    (void)dst_is_top;
    for (; x < w; x++) {
        unsigned a = m[x];
        dst[x * step] = (uint8_t)vx_div255(top[x * step] * a + bot[x * step] * (255 - a));
    }
}

void vx_blend_mask_avx2(uint8_t *dst, const uint8_t *under, const uint8_t *m, int step, int w)
{
    mix_row(dst, dst, under, m, step, step == 2 ? w - 1 : w, 1);
    if (step == 2 && w > 0) { /* see mix_row: a step-2 vector reads 32 bytes */
        unsigned a = m[w - 1];
        dst[(w - 1) * 2] = (uint8_t)vx_div255(dst[(w - 1) * 2] * a + under[(w - 1) * 2] * (255 - a));
    }
}

void vx_blend_over_avx2(uint8_t *dst, const uint8_t *src, const uint8_t *m, int step, int w)
{
    mix_row(dst, src, dst, m, step, step == 2 ? w - 1 : w, 0);
    if (step == 2 && w > 0) {
        unsigned a = m[w - 1];
        dst[(w - 1) * 2] = (uint8_t)vx_div255(src[(w - 1) * 2] * a + dst[(w - 1) * 2] * (255 - a));
    }
}

void vx_blend_over_uv_avx2(uint8_t *dst, const uint8_t *src, const uint8_t *m, int w)
{
    int x = 0;
    for (; x + 16 <= w; x += 16) {
        __m256i mm = _mm256_cvtepu8_epi16(_mm_loadu_si128((const __m128i *)(m + x)));
        mm = _mm256_permute4x64_epi64(mm, 0xd8);
        __m256i m0 = _mm256_unpacklo_epi16(mm, mm), m1 = _mm256_unpackhi_epi16(mm, mm);
        __m256i s0 = _mm256_cvtepu8_epi16(_mm_loadu_si128((const __m128i *)(src + 2 * x)));
        __m256i s1 = _mm256_cvtepu8_epi16(_mm_loadu_si128((const __m128i *)(src + 2 * x + 16)));
        __m256i d0 = _mm256_cvtepu8_epi16(_mm_loadu_si128((const __m128i *)(dst + 2 * x)));
        __m256i d1 = _mm256_cvtepu8_epi16(_mm_loadu_si128((const __m128i *)(dst + 2 * x + 16)));
        __m256i r = _mm256_packus_epi16(mix(s0, d0, m0), mix(s1, d1, m1));
        _mm256_storeu_si256((__m256i *)(dst + 2 * x), _mm256_permute4x64_epi64(r, 0xd8));
    }
    for (; x < w; x++) {
        unsigned a = m[x];
        dst[2 * x] = (uint8_t)vx_div255(src[2 * x] * a + dst[2 * x] * (255 - a));
        dst[2 * x + 1] = (uint8_t)vx_div255(src[2 * x + 1] * a + dst[2 * x + 1] * (255 - a));
    }
}

typedef struct Consts {
    __m256i ky, ku, kv, ka; /* per pixel word: coefficients; ka = 1 at alpha */
    __m256i yoff;           /* added before >> 15: y_off + half (straight) or half */
    __m256i ashuf;          /* replicates each pixel's alpha word over its 4 words */
    __m256i a255;           /* 255 at the alpha word (so the alpha slot keeps a) */
    __m128i off8;           /* premultiplied: luma offset (16 or 0) */
    int ash, pm;
} Consts;

/* 8 pixels' luma sums (32-bit, order kept) */
static inline __m256i luma8(__m256i p, const Consts *k)
{
    const __m256i z = _mm256_setzero_si256();
    __m256i s = _mm256_hadd_epi32(_mm256_madd_epi16(_mm256_unpacklo_epi8(p, z), k->ky),
                                  _mm256_madd_epi16(_mm256_unpackhi_epi8(p, z), k->ky));
    return _mm256_srai_epi32(_mm256_add_epi32(s, k->yoff), VX_BLEND_COEF_BITS);
}

static inline __m256i alpha8(__m256i p, const Consts *k)
{
    return _mm256_and_si256(_mm256_srli_epi32(p, k->ash), _mm256_set1_epi32(0xff));
}

/* 16 luma samples of one row */
static inline void luma16(uint8_t *y, __m256i pa, __m256i pb, const Consts *k)
{
    __m256i l = _mm256_permute4x64_epi64(_mm256_packs_epi32(luma8(pa, k), luma8(pb, k)), 0xd8);
    __m256i a = _mm256_permute4x64_epi64(_mm256_packs_epi32(alpha8(pa, k), alpha8(pb, k)), 0xd8);
    __m256i bg = _mm256_cvtepu8_epi16(_mm_loadu_si128((const __m128i *)y));
    __m256i r;
    if (!k->pm) {
        l = _mm256_min_epi16(_mm256_max_epi16(l, _mm256_setzero_si256()), _mm256_set1_epi16(255));
        r = mix(l, bg, a);
    } else {
        const __m256i k255 = _mm256_set1_epi16(255);
        __m256i t = _mm256_add_epi16(_mm256_mullo_epi16(bg, _mm256_sub_epi16(k255, a)),
                                     _mm256_mullo_epi16(_mm256_broadcastw_epi16(k->off8), a));
        r = _mm256_add_epi16(l, div255(t));
    }
    _mm_storeu_si128((__m128i *)y, pack16(r));
}

/* premultiplied channels of the pixels in w (words, 2 pixels per lane), alpha kept */
static inline __m256i premul(__m256i w, const Consts *k)
{
    if (k->pm)
        return w;
    __m256i a = _mm256_or_si256(_mm256_shuffle_epi8(w, k->ashuf), k->a255);
    return div255(_mm256_mullo_epi16(w, a));
}

/* 2x2 sums of 8 pixels of two rows: lane 0 holds chroma 0, 1, lane 1 chroma 2, 3 (4 words
 * each: the premultiplied channels and alpha in the pixel's byte order) */
static inline __m256i box4(__m256i p0, __m256i p1, const Consts *k)
{
    const __m256i z = _mm256_setzero_si256();
    __m256i lo = _mm256_add_epi16(premul(_mm256_unpacklo_epi8(p0, z), k),
                                  premul(_mm256_unpacklo_epi8(p1, z), k));
    __m256i hi = _mm256_add_epi16(premul(_mm256_unpackhi_epi8(p0, z), k),
                                  premul(_mm256_unpackhi_epi8(p1, z), k));
    lo = _mm256_add_epi16(lo, _mm256_srli_si256(lo, 8));
    hi = _mm256_add_epi16(hi, _mm256_srli_si256(hi, 8));
    return _mm256_unpacklo_epi64(lo, hi);
}

/* per chroma sample of a box4 result: u, v (32-bit, interleaved) and am, duplicated */
static inline void chroma4(__m256i s, const Consts *k, __m256i *uv, __m256i *am)
{
    __m256i c = _mm256_hadd_epi32(_mm256_madd_epi16(s, k->ku), _mm256_madd_epi16(s, k->kv));
    c = _mm256_srai_epi32(_mm256_add_epi32(c, _mm256_set1_epi32(1 << 16)), 17);
    *uv = _mm256_shuffle_epi32(c, 0xd8);
    __m256i a = _mm256_madd_epi16(s, k->ka);
    a = _mm256_shuffle_epi32(_mm256_hadd_epi32(a, a), 0xd8);
    *am = _mm256_srai_epi32(_mm256_add_epi32(a, _mm256_set1_epi32(2)), 2);
}

static inline void block16(uint8_t *y0, uint8_t *y1, uint8_t *uv, const uint8_t *s0,
                           const uint8_t *s1, const Consts *k)
{
    const __m256i p0a = _mm256_loadu_si256((const __m256i *)s0);
    const __m256i p0b = _mm256_loadu_si256((const __m256i *)(s0 + 32));
    const __m256i p1a = _mm256_loadu_si256((const __m256i *)s1);
    const __m256i p1b = _mm256_loadu_si256((const __m256i *)(s1 + 32));
    luma16(y0, p0a, p0b, k);
    if (y1)
        luma16(y1, p1a, p1b, k);
    __m256i uva, ama, uvb, amb;
    chroma4(box4(p0a, p1a, k), k, &uva, &ama);
    chroma4(box4(p0b, p1b, k), k, &uvb, &amb);
    __m256i c = _mm256_permute4x64_epi64(_mm256_packs_epi32(uva, uvb), 0xd8);
    __m256i am = _mm256_permute4x64_epi64(_mm256_packs_epi32(ama, amb), 0xd8);
    __m256i bg = _mm256_cvtepu8_epi16(_mm_loadu_si128((const __m128i *)uv));
    __m256i t = _mm256_add_epi16(_mm256_mullo_epi16(bg, _mm256_sub_epi16(_mm256_set1_epi16(255), am)),
                                 _mm256_slli_epi16(am, 7));
    _mm_storeu_si128((__m128i *)uv, pack16(_mm256_add_epi16(c, div255(t))));
}

static inline int64_t words4(const int16_t *c)
{
    return (int64_t)((uint64_t)(uint16_t)c[0] | (uint64_t)(uint16_t)c[1] << 16 |
                     (uint64_t)(uint16_t)c[2] << 32 | (uint64_t)(uint16_t)c[3] << 48);
}

void vx_blend_rgba_nv12_avx2(uint8_t *y0, uint8_t *y1, uint8_t *uv, const uint8_t *s0,
                             const uint8_t *s1, int w, const VxConvCoefs *c, int pm)
{
    VxBlendCoefs b;
    vx_blend_coefs_from(&b, c);
    Consts k;
    int16_t one[4] = {0, 0, 0, 0}, full[4] = {0, 0, 0, 0};
    one[b.aoff] = 1, full[b.aoff] = 255;
    k.ky = _mm256_set1_epi64x(words4(b.y));
    k.ku = _mm256_set1_epi64x(words4(b.u));
    k.kv = _mm256_set1_epi64x(words4(b.v));
    k.ka = _mm256_set1_epi64x(words4(one));
    k.a255 = _mm256_set1_epi64x(words4(full));
    const int half = 1 << (VX_BLEND_COEF_BITS - 1);
    k.yoff = _mm256_set1_epi32(pm ? half : b.y_off + half);
    k.off8 = _mm_cvtsi32_si128(b.y_off >> VX_BLEND_COEF_BITS);
    const char a0 = (char)(2 * b.aoff), a1 = (char)(2 * b.aoff + 1);
    k.ashuf = _mm256_setr_epi8(a0, a1, a0, a1, a0, a1, a0, a1, a0 + 8, a1 + 8, a0 + 8, a1 + 8,
                               a0 + 8, a1 + 8, a0 + 8, a1 + 8, a0, a1, a0, a1, a0, a1, a0, a1,
                               a0 + 8, a1 + 8, a0 + 8, a1 + 8, a0 + 8, a1 + 8, a0 + 8, a1 + 8);
    k.ash = 8 * b.aoff;
    k.pm = pm;
    int x = 0;
    for (; x + 16 <= w; x += 16)
        block16(y0 + x, y1 ? y1 + x : NULL, uv + x, s0 + 4 * x, s1 + 4 * x, &k);
    if (x < w) {
        /* the rest through one zero-padded block; an odd width's missing column repeats the
         * last pixel, as the C reference reads it */
        const int n = w - x, nc = (n + 1) / 2;
        uint8_t t0[64] = {0}, t1[64] = {0}, ty0[16] = {0}, ty1[16] = {0}, tuv[16] = {0};
        memcpy(t0, s0 + 4 * x, (size_t)4 * n);
        memcpy(t1, s1 + 4 * x, (size_t)4 * n);
        if (n & 1) {
            memcpy(t0 + 4 * n, t0 + 4 * (n - 1), 4);
            memcpy(t1 + 4 * n, t1 + 4 * (n - 1), 4);
        }
        memcpy(ty0, y0 + x, (size_t)n);
        if (y1)
            memcpy(ty1, y1 + x, (size_t)n);
        memcpy(tuv, uv + x, (size_t)2 * nc);
        block16(ty0, y1 ? ty1 : NULL, tuv, t0, t1, &k);
        memcpy(y0 + x, ty0, (size_t)n);
        if (y1)
            memcpy(y1 + x, ty1, (size_t)n);
        memcpy(uv + x, tuv, (size_t)2 * nc);
    }
}

/* lerp16: one multiply-add per pair (a, b) with (256 - f, f). The samples are taken as signed
 * by subtracting 32768 (flipping the top bit), which takes 32768 * 256 off the sum: added back
 * with the rounding. */
void vx_blend_lerp16_avx2(uint8_t *dst, const uint16_t *a, const uint16_t *b, int f, int n)
{
    const __m256i w = _mm256_set1_epi32((int)((uint32_t)f << 16 | (uint32_t)(256 - f)));
    const __m256i flip = _mm256_set1_epi16((short)0x8000);
    const __m256i add = _mm256_set1_epi32(32768 * 256 + 32768);
    int x = 0;
    for (; x + 16 <= n; x += 16) {
        const __m256i va = _mm256_xor_si256(_mm256_loadu_si256((const __m256i *)(a + x)), flip);
        const __m256i vb = _mm256_xor_si256(_mm256_loadu_si256((const __m256i *)(b + x)), flip);
        __m256i lo = _mm256_madd_epi16(_mm256_unpacklo_epi16(va, vb), w);
        __m256i hi = _mm256_madd_epi16(_mm256_unpackhi_epi16(va, vb), w);
        lo = _mm256_srli_epi32(_mm256_add_epi32(lo, add), 16);
        hi = _mm256_srli_epi32(_mm256_add_epi32(hi, add), 16);
        /* per 128-bit lane: samples 0-3 | 4-7, then 8-11 | 12-15: in order */
        _mm_storeu_si128((__m128i *)(dst + x), pack16(_mm256_packus_epi32(lo, hi)));
    }
    for (; x < n; x++)
        dst[x] = (uint8_t)((a[x] * (uint32_t)(256 - f) + b[x] * (uint32_t)f + 32768) >> 16);
}

/* tint, 16 samples at a time in 16-bit lanes: the weight m as tint_c works it out, then
 * dst + (((c - dst) m + 128) >> 8), which is (dst (256 - m) + c m + 128) >> 8 (256 dst is a
 * multiple of 256). mulhrs gives (u v + 2^14) >> 15; with u = (c - dst) * 128 (at most 32640
 * in size) and v = m, that is ((c - dst) m + 128) >> 8, arithmetic, exactly. */
static inline __m256i tint_weight16(__m256i cov, __m256i a, int opaque)
{
    if (opaque)
        return _mm256_add_epi16(cov, _mm256_srli_epi16(cov, 7));
    const __m256i p = _mm256_mullo_epi16(cov, a);
    const __m256i r = _mm256_add_epi16(_mm256_add_epi16(p, _mm256_set1_epi16(128)),
                                       _mm256_srli_epi16(p, 8));
    return _mm256_srli_epi16(r, 8);
}

static inline __m128i tint16(__m128i x8, __m256i m, __m256i c)
{
    const __m256i x = _mm256_cvtepu8_epi16(x8);
    const __m256i d = _mm256_slli_epi16(_mm256_sub_epi16(c, x), 7);
    const __m256i r = _mm256_add_epi16(x, _mm256_mulhrs_epi16(d, m));
    return pack16(r);
}

static inline void tint_at(uint8_t *dst, const uint8_t *cov, int c, int a, int n, int opaque)
{
    const __m256i vc = _mm256_set1_epi16((short)c), va = _mm256_set1_epi16((short)a);
    int x = 0;
    for (; x + 16 <= n; x += 16) {
        const __m256i m = tint_weight16(
            _mm256_cvtepu8_epi16(_mm_loadu_si128((const __m128i *)(cov + x))), va, opaque);
        _mm_storeu_si128((__m128i *)(dst + x),
                         tint16(_mm_loadu_si128((const __m128i *)(dst + x)), m, vc));
    }
    for (; x < n; x++)
        dst[x] = vx_tint_mix(dst[x], (unsigned)c, vx_tint_weight(cov[x], (unsigned)a));
}

void vx_blend_tint_avx2(uint8_t *dst, const uint8_t *cov, int c, int a, int n)
{
    if (a == 256)
        tint_at(dst, cov, c, a, n, 1);
    else
        tint_at(dst, cov, c, a, n, 0);
}

/* tint_uv: 8 pairs at a time, each weight twice (cb's lane and cr's) */
static inline void tint_uv_at(uint8_t *dst, const uint8_t *cov, int cb, int cr, int a, int n,
                              int opaque)
{
    const __m256i vc = _mm256_set1_epi32((int)((unsigned)cr << 16 | (unsigned)cb));
    const __m256i va = _mm256_set1_epi16((short)a);
    int x = 0;
    for (; x + 8 <= n; x += 8) {
        const __m128i c8 = _mm_loadl_epi64((const __m128i *)(cov + x));
        const __m256i m = tint_weight16(_mm256_cvtepu8_epi16(_mm_unpacklo_epi8(c8, c8)), va,
                                        opaque);
        _mm_storeu_si128((__m128i *)(dst + 2 * x),
                         tint16(_mm_loadu_si128((const __m128i *)(dst + 2 * x)), m, vc));
    }
    for (; x < n; x++) {
        const unsigned m = vx_tint_weight(cov[x], (unsigned)a);
        dst[2 * x] = vx_tint_mix(dst[2 * x], (unsigned)cb, m);
        dst[2 * x + 1] = vx_tint_mix(dst[2 * x + 1], (unsigned)cr, m);
    }
}

void vx_blend_tint_uv_avx2(uint8_t *dst, const uint8_t *cov, int cb, int cr, int a, int n)
{
    if (a == 256)
        tint_uv_at(dst, cov, cb, cr, a, n, 1);
    else
        tint_uv_at(dst, cov, cb, cr, a, n, 0);
}
