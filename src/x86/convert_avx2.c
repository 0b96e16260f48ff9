/* AVX2 RGB <-> Y'CbCr 4:2:0 kernels, bit-exact with the C reference in src/dsp/convert.c.
 *
 * RGB -> YUV, 32 pixels of two rows per iteration: a pixel's 4 bytes split into the 16-bit
 * words of bytes 0/2 (AND 0x00ff00ff) and bytes 1/3 (>> 8), so one pmaddwd pair gives its
 * 32-bit luma sum whatever the byte order (alpha gets a zero coefficient). Chroma sums the
 * two rows' words, splits even and odd pixels (vshufps), adds the left neighbour (the odd
 * pixel before, one vpermd + vpblendd carried across iterations) for the [1 2 1] x 2 sums of
 * R, G and B, then one pmaddwd pair gives each chroma sample. Streaming stores (the nt_store
 * hint) are used on the NV12 left-sited path, the one that writes 4K frames.
 *
 * YUV -> RGB, 8 pixels per iteration: Y and the pixel's [Cb, Cr] words through pmaddwd, the
 * saturating packs clip, one vpshufb puts R, G, B, A in the format's byte order. */
#include <immintrin.h>
#include <stdint.h>

#include "dsp/convert.h"

void vx_rgb_to_yuv420_avx2(const uint8_t *s0, const uint8_t *s1, uint8_t *y0, uint8_t *y1,
                           uint8_t *u, uint8_t *v, int uvstep, int w, const VxConvCoefs *c);
void vx_yuv420_to_rgb_avx2(uint8_t *dst, const uint8_t *y, const uint8_t *u, const uint8_t *v,
                           int uvstep, int w, const VxConvCoefs *c);

/* Coefficients of bytes a and b of a pixel as one int16 pair. */
static inline __m256i pair16(const int32_t *k, int a, int b)
{
    return _mm256_set1_epi32((int32_t)((uint32_t)(uint16_t)k[a] | (uint32_t)k[b] << 16));
}

static inline void store256(uint8_t *p, __m256i v, int nt)
{
    if (nt)
        _mm256_stream_si256((__m256i *)p, v);
    else
        _mm256_storeu_si256((__m256i *)p, v);
}

static inline void store128(uint8_t *p, __m128i v, int nt)
{
    if (nt)
        _mm_stream_si128((__m128i *)p, v);
    else
        _mm_storeu_si128((__m128i *)p, v);
}

/* Source bytes prefetched ahead of the loads in each of the two rows: without it a 4K frame
 * from memory ran well below the speed of a plain copy of the same bytes (one core cannot
 * keep enough misses in flight while it also computes). See convert_avx512.c. */
#define PREFETCH 2048

static inline __attribute__((always_inline)) void
rgb_to_yuv420_body(const uint8_t *s0, const uint8_t *s1, uint8_t *y0, uint8_t *y1, uint8_t *u,
                   uint8_t *v, int n, const VxConvCoefs *c, const int nv12, const int left,
                   const int nt)
{
    int32_t ky[4] = {0}, ku[4] = {0}, kv[4] = {0};
    ky[c->roff] = c->yr, ky[c->goff] = c->yg, ky[c->boff] = c->yb;
    ku[c->roff] = c->ur, ku[c->goff] = c->ug, ku[c->boff] = c->ub;
    kv[c->roff] = c->vr, kv[c->goff] = c->vg, kv[c->boff] = c->vb;
    const __m256i ye = pair16(ky, 0, 2), yo = pair16(ky, 1, 3);
    const __m256i ue = pair16(ku, 0, 2), uo = pair16(ku, 1, 3);
    const __m256i ve = pair16(kv, 0, 2), vo = pair16(kv, 1, 3);
    const __m256i m = _mm256_set1_epi32(0x00ff00ff);
    const __m256i yadd = _mm256_set1_epi32(c->y_off + (1 << (VX_CONV_BITS - 1)));
    const __m256i cadd = _mm256_set1_epi32((c->uv_off << 3) + (1 << (VX_CONV_BITS + 2)));
    /* chroma comes out in the order c0 c1 c4 c5 | c2 c3 c6 c7 (vshufps within lanes), and
     * stays so until the bytes are packed: the left neighbours follow that order */
    const __m256i prev = _mm256_setr_epi32(7, 0, 5, 2, 1, 4, 3, 6);
    const __m256i qperm = _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7);
    const __m256i nvshuf = _mm256_setr_epi8(0, 8, 1, 9, 2, 10, 3, 11, 4, 12, 5, 13, 6, 14, 7, 15,
                                            0, 8, 1, 9, 2, 10, 3, 11, 4, 12, 5, 13, 6, 14, 7, 15);
    __m256i carry[2] = {_mm256_setzero_si256(), _mm256_setzero_si256()};
    for (int x = 0; x < n; x += 32) {
        /* two halves of 16 pixels, each packed as far as it goes before the next, so that
         * the 16 ymm registers hold what is live (spilling cost 10% at 1080p) */
        __m256i P0[2], P1[2], U[2], V[2];
        _mm_prefetch((const char *)s0 + 4 * x + PREFETCH, _MM_HINT_T0);
        _mm_prefetch((const char *)s0 + 4 * x + PREFETCH + 64, _MM_HINT_T0);
        _mm_prefetch((const char *)s1 + 4 * x + PREFETCH, _MM_HINT_T0);
        _mm_prefetch((const char *)s1 + 4 * x + PREFETCH + 64, _MM_HINT_T0);
        for (int k = 0; k < 2; k++) {
            __m256i Y0[2], Y1[2], S[2][2];
            for (int h = 0; h < 2; h++) {
                const int g = 2 * k + h;
                const __m256i a = _mm256_loadu_si256((const __m256i *)(s0 + 4 * (x + 8 * g)));
                const __m256i b = _mm256_loadu_si256((const __m256i *)(s1 + 4 * (x + 8 * g)));
                const __m256i ae = _mm256_and_si256(a, m), ao = _mm256_srli_epi16(a, 8);
                const __m256i be = _mm256_and_si256(b, m), bo = _mm256_srli_epi16(b, 8);
                Y0[h] = _mm256_srai_epi32(
                    _mm256_add_epi32(_mm256_add_epi32(_mm256_madd_epi16(ae, ye),
                                                      _mm256_madd_epi16(ao, yo)), yadd),
                    VX_CONV_BITS);
                Y1[h] = _mm256_srai_epi32(
                    _mm256_add_epi32(_mm256_add_epi32(_mm256_madd_epi16(be, ye),
                                                      _mm256_madd_epi16(bo, yo)), yadd),
                    VX_CONV_BITS);
                /* the two rows' words: bytes 0/2 and bytes 1/3 of each pixel */
                S[0][h] = _mm256_add_epi16(ae, be);
                S[1][h] = _mm256_add_epi16(ao, bo);
            }
            P0[k] = _mm256_packs_epi32(Y0[0], Y0[1]);
            P1[k] = _mm256_packs_epi32(Y1[0], Y1[1]);
            /* even and odd pixels' words (8 chroma footprints), the filter on those, then
             * one pmaddwd pair per chroma sample */
            __m256i F[2];
            for (int t = 0; t < 2; t++) {
                const __m256 pa = _mm256_castsi256_ps(S[t][0]), pb = _mm256_castsi256_ps(S[t][1]);
                const __m256i ev = _mm256_castps_si256(_mm256_shuffle_ps(pa, pb, 0x88));
                const __m256i od = _mm256_castps_si256(_mm256_shuffle_ps(pa, pb, 0xdd));
                if (left) {
                    if (x == 0 && k == 0) /* pixel -1 is pixel 0 */
                        carry[t] = ev;
                    const __m256i r = _mm256_permutevar8x32_epi32(od, prev);
                    const __m256i pv = _mm256_blend_epi32(r, carry[t], 1);
                    carry[t] = r;
                    F[t] = _mm256_add_epi16(_mm256_add_epi16(ev, od), _mm256_add_epi16(ev, pv));
                } else {
                    F[t] = _mm256_slli_epi16(_mm256_add_epi16(ev, od), 1);
                }
            }
            U[k] = _mm256_srai_epi32(
                _mm256_add_epi32(_mm256_add_epi32(_mm256_madd_epi16(F[0], ue),
                                                  _mm256_madd_epi16(F[1], uo)), cadd),
                VX_CONV_BITS + 3);
            V[k] = _mm256_srai_epi32(
                _mm256_add_epi32(_mm256_add_epi32(_mm256_madd_epi16(F[0], ve),
                                                  _mm256_madd_epi16(F[1], vo)), cadd),
                VX_CONV_BITS + 3);
        }
        store256(y0 + x, _mm256_permutevar8x32_epi32(_mm256_packus_epi16(P0[0], P0[1]), qperm), nt);
        if (y1)
            store256(y1 + x,
                     _mm256_permutevar8x32_epi32(_mm256_packus_epi16(P1[0], P1[1]), qperm), nt);
        const __m256i u01 = U[0], u23 = U[1], v01 = V[0], v23 = V[1];
        /* lane 0: U 0 1 4 5 8 9 12 13, V the same; lane 1: U 2 3 6 7 10 11 14 15, V too */
        const __m256i uv =
            _mm256_packus_epi16(_mm256_packs_epi32(u01, u23), _mm256_packs_epi32(v01, v23));
        if (nv12) {
            store256(u + x, _mm256_permutevar8x32_epi32(_mm256_shuffle_epi8(uv, nvshuf), qperm), nt);
        } else {
            const __m128i lo = _mm256_castsi256_si128(uv), hi = _mm256_extracti128_si256(uv, 1);
            store128(u + x / 2, _mm_unpacklo_epi16(lo, hi), nt);
            store128(v + x / 2, _mm_unpackhi_epi16(lo, hi), nt);
        }
    }
}

void vx_rgb_to_yuv420_avx2(const uint8_t *s0, const uint8_t *s1, uint8_t *y0, uint8_t *y1,
                           uint8_t *u, uint8_t *v, int uvstep, int w, const VxConvCoefs *c)
{
    const int nv12 = uvstep == 2;
    int n = w & ~31;
    if (uvstep != 1 && !(nv12 && v == u + 1))
        n = 0; /* a layout the vector stores do not know: all in C */
    const int nt = c->nt_store && !(((uintptr_t)y0 | (uintptr_t)(y1 ? y1 : y0)) & 31) &&
                   !(((uintptr_t)u | (uintptr_t)(nv12 ? u : v)) & (nv12 ? 31 : 15));
    if (n) {
        if (nv12) {
            if (c->left_sited) {
                if (nt)
                    rgb_to_yuv420_body(s0, s1, y0, y1, u, v, n, c, 1, 1, 1);
                else
                    rgb_to_yuv420_body(s0, s1, y0, y1, u, v, n, c, 1, 1, 0);
            } else {
                rgb_to_yuv420_body(s0, s1, y0, y1, u, v, n, c, 1, 0, 0);
            }
        } else {
            if (c->left_sited)
                rgb_to_yuv420_body(s0, s1, y0, y1, u, v, n, c, 0, 1, 0);
            else
                rgb_to_yuv420_body(s0, s1, y0, y1, u, v, n, c, 0, 0, 0);
        }
        if (nt)
            _mm_sfence();
    }
    if (n < w)
        vx_rgb_to_yuv420_part_c(s0, s1, y0, y1, u, v, uvstep, n, w, c);
}

void vx_yuv420_to_rgb_avx2(uint8_t *dst, const uint8_t *y, const uint8_t *u, const uint8_t *v,
                           int uvstep, int w, const VxConvCoefs *c)
{
    int n = w & ~7;
    /* interleaved chroma in either order: Cb Cr (NV12) or Cr Cb (NV21) */
    const int swap = uvstep == 2 && u == v + 1;
    if (uvstep != 1 && !(uvstep == 2 && v == u + 1) && !swap)
        n = 0;
    const uint8_t *uv2 = swap ? v : u;
    const __m256i ky = _mm256_set1_epi32(c->ky & 0xffff), kyoff = _mm256_set1_epi32(c->ky_off);
    const int32_t kcb = swap ? 16 : 0, kcr = swap ? 0 : 16; /* bit offset of Cb / Cr words */
    const __m256i kr = _mm256_set1_epi32((int32_t)((uint32_t)(uint16_t)c->rv << kcr));
    const __m256i kg = _mm256_set1_epi32((int32_t)((uint32_t)(uint16_t)c->gu << kcb |
                                                   (uint32_t)(uint16_t)c->gv << kcr));
    const __m256i kb = _mm256_set1_epi32((int32_t)((uint32_t)(uint16_t)c->bu << kcb));
    const __m256i c128 = _mm256_set1_epi16(128), c255 = _mm256_set1_epi32(255);
    /* after packs/packus each 128-bit lane holds R of its 4 pixels, then G, B, A: one
     * vpshufb puts them in the pixel's byte order */
    uint8_t order[16];
    for (int p = 0; p < 4; p++) {
        order[4 * p + c->roff] = (uint8_t)p, order[4 * p + c->goff] = (uint8_t)(4 + p);
        order[4 * p + c->boff] = (uint8_t)(8 + p), order[4 * p + c->aoff] = (uint8_t)(12 + p);
    }
    const __m256i shuf = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)order));
    const __m256i dup = _mm256_setr_epi32(0, 0, 1, 1, 2, 2, 3, 3);
    for (int x = 0; x < n; x += 8) {
        const __m256i yv = _mm256_cvtepu8_epi32(_mm_loadl_epi64((const __m128i *)(y + x)));
        __m128i uvb;
        if (uvstep == 2) {
            uvb = _mm_loadl_epi64((const __m128i *)(uv2 + x));
        } else {
            uint32_t a, b;
            __builtin_memcpy(&a, u + x / 2, 4);
            __builtin_memcpy(&b, v + x / 2, 4);
            uvb = _mm_unpacklo_epi8(_mm_cvtsi32_si128((int)a), _mm_cvtsi32_si128((int)b));
        }
        const __m256i uv = _mm256_sub_epi16(
            _mm256_permutevar8x32_epi32(_mm256_cvtepu8_epi16(uvb), dup), c128);
        const __m256i yy = _mm256_add_epi32(_mm256_madd_epi16(yv, ky), kyoff);
        const __m256i r = _mm256_srai_epi32(_mm256_add_epi32(yy, _mm256_madd_epi16(uv, kr)), VX_CONV_IBITS);
        const __m256i g = _mm256_srai_epi32(_mm256_add_epi32(yy, _mm256_madd_epi16(uv, kg)), VX_CONV_IBITS);
        const __m256i b = _mm256_srai_epi32(_mm256_add_epi32(yy, _mm256_madd_epi16(uv, kb)), VX_CONV_IBITS);
        /* the saturating packs are the reference's clip to 0..255 */
        const __m256i px = _mm256_shuffle_epi8(
            _mm256_packus_epi16(_mm256_packs_epi32(r, g), _mm256_packs_epi32(b, c255)), shuf);
        _mm256_storeu_si256((__m256i *)(dst + 4 * x), px);
    }
    if (n < w)
        vx_yuv420_to_rgb_part_c(dst, y, u, v, uvstep, n, w, c);
}
