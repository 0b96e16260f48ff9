/* AVX-512 (F/BW/VL) RGB <-> Y'CbCr 4:2:0 kernels, bit-exact with the C reference in
 * src/dsp/convert.c. Same scheme as convert_avx2.c on 16-pixel vectors, 64 pixels of two
 * rows per iteration: even and odd pixels' words are gathered in order (vpermt2d), the left
 * neighbour comes from valignd across iterations, and NV12 is interleaved with one vpshufb. */
#include <immintrin.h>
#include <stdint.h>

#include "dsp/convert.h"

/* Built twice: plain AVX-512 (F/BW/VL) and with AVX512-VNNI (-DVX_AVX512_VNNI), where each
 * multiply-add pair becomes one vpdpwssd; both are bit-exact with C. */
#ifdef VX_AVX512_VNNI
#define FN(name) name##_avx512vnni
#else
#define FN(name) name##_avx512
#endif

void FN(vx_rgb_to_yuv420)(const uint8_t *s0, const uint8_t *s1, uint8_t *y0, uint8_t *y1,
                          uint8_t *u, uint8_t *v, int uvstep, int w, const VxConvCoefs *c);
void FN(vx_yuv420_to_rgb)(uint8_t *dst, const uint8_t *y, const uint8_t *u, const uint8_t *v,
                          int uvstep, int w, const VxConvCoefs *c);

static inline __m512i pair16(const int32_t *k, int a, int b)
{
    return _mm512_set1_epi32((int32_t)((uint32_t)(uint16_t)k[a] | (uint32_t)k[b] << 16));
}

static inline void store512(uint8_t *p, __m512i v, int nt)
{
    if (nt)
        _mm512_stream_si512((void *)p, v);
    else
        _mm512_storeu_si512((void *)p, v);
}

static inline void store256(uint8_t *p, __m256i v, int nt)
{
    if (nt)
        _mm256_stream_si256((__m256i *)p, v);
    else
        _mm256_storeu_si256((__m256i *)p, v);
}

/* Source bytes prefetched ahead of the loads, in each of the two rows. The hardware
 * prefetchers alone left a 4K frame from memory 25% slower than a plain copy of the same
 * bytes (one core cannot keep enough misses in flight while it also computes); 1 to 4 KiB
 * ahead all reach the copy's speed (bench/convert_bench). */
#define PREFETCH 2048

/* 4 x 16 dwords (already packed by packs/packus within 128-bit lanes) back in order */
static inline __m512i lane_fix(__m512i v)
{
    const __m512i idx =
        _mm512_setr_epi32(0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15);
    return _mm512_permutexvar_epi32(idx, v);
}

/* acc + the pmaddwd of a and b: one vpdpwssd where AVX512-VNNI is there */
#ifdef VX_AVX512_VNNI
#define DOT(acc, a, b) _mm512_dpwssd_epi32(acc, a, b)
#else
#define DOT(acc, a, b) _mm512_add_epi32(acc, _mm512_madd_epi16(a, b))
#endif

static inline __attribute__((always_inline)) void
rgb_to_yuv420_body(const uint8_t *s0, const uint8_t *s1, uint8_t *y0, uint8_t *y1, uint8_t *u,
                   uint8_t *v, int n, const VxConvCoefs *c, const int nv12, const int left,
                   const int nt)
{
    int32_t ky[4] = {0}, ku[4] = {0}, kv[4] = {0};
    ky[c->roff] = c->yr, ky[c->goff] = c->yg, ky[c->boff] = c->yb;
    ku[c->roff] = c->ur, ku[c->goff] = c->ug, ku[c->boff] = c->ub;
    kv[c->roff] = c->vr, kv[c->goff] = c->vg, kv[c->boff] = c->vb;
    const __m512i ye = pair16(ky, 0, 2), yo = pair16(ky, 1, 3);
    const __m512i ue = pair16(ku, 0, 2), uo = pair16(ku, 1, 3);
    const __m512i ve = pair16(kv, 0, 2), vo = pair16(kv, 1, 3);
    const __m512i m = _mm512_set1_epi32(0x00ff00ff);
    const __m512i yadd = _mm512_set1_epi32(c->y_off + (1 << (VX_CONV_BITS - 1)));
    const __m512i cadd = _mm512_set1_epi32((c->uv_off << 3) + (1 << (VX_CONV_BITS + 2)));
    const __m512i even = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26,
                                           28, 30);
    const __m512i odd = _mm512_add_epi32(even, _mm512_set1_epi32(1));
    const __m512i nvshuf = _mm512_broadcast_i32x4(
        _mm_setr_epi8(0, 8, 1, 9, 2, 10, 3, 11, 4, 12, 5, 13, 6, 14, 7, 15));
    const __m512i nvperm = _mm512_setr_epi64(0, 2, 4, 6, 1, 3, 5, 7);
    __m512i carry[2] = {_mm512_setzero_si512(), _mm512_setzero_si512()};
    for (int x = 0; x < n; x += 64) {
        __m512i Y0[4], Y1[4], S[2][4];
        for (int k = 0; k < 256; k += 64) {
            _mm_prefetch((const char *)s0 + 4 * x + PREFETCH + k, _MM_HINT_T0);
            _mm_prefetch((const char *)s1 + 4 * x + PREFETCH + k, _MM_HINT_T0);
        }
        for (int g = 0; g < 4; g++) {
            const __m512i a = _mm512_loadu_si512((const void *)(s0 + 4 * (x + 16 * g)));
            const __m512i b = _mm512_loadu_si512((const void *)(s1 + 4 * (x + 16 * g)));
            const __m512i ae = _mm512_and_si512(a, m), ao = _mm512_srli_epi16(a, 8);
            const __m512i be = _mm512_and_si512(b, m), bo = _mm512_srli_epi16(b, 8);
            Y0[g] = _mm512_srai_epi32(DOT(DOT(yadd, ae, ye), ao, yo), VX_CONV_BITS);
            Y1[g] = _mm512_srai_epi32(DOT(DOT(yadd, be, ye), bo, yo), VX_CONV_BITS);
            /* the two rows' words: bytes 0/2 and bytes 1/3 of each pixel */
            S[0][g] = _mm512_add_epi16(ae, be);
            S[1][g] = _mm512_add_epi16(ao, bo);
        }
        store512(y0 + x,
                 lane_fix(_mm512_packus_epi16(_mm512_packs_epi32(Y0[0], Y0[1]),
                                              _mm512_packs_epi32(Y0[2], Y0[3]))), nt);
        if (y1)
            store512(y1 + x,
                     lane_fix(_mm512_packus_epi16(_mm512_packs_epi32(Y1[0], Y1[1]),
                                                  _mm512_packs_epi32(Y1[2], Y1[3]))), nt);
        /* per 32 pixels: even and odd pixels' words in order (16 chroma footprints), the
         * filter on those, then one dot product per chroma sample */
        __m512i F[2][2];
        for (int k = 0; k < 2; k++)
            for (int t = 0; t < 2; t++) {
                const __m512i ev = _mm512_permutex2var_epi32(S[t][2 * k], even, S[t][2 * k + 1]);
                const __m512i od = _mm512_permutex2var_epi32(S[t][2 * k], odd, S[t][2 * k + 1]);
                if (left) {
                    if (x == 0 && k == 0) /* pixel -1 is pixel 0 */
                        carry[t] = _mm512_broadcastd_epi32(_mm512_castsi512_si128(ev));
                    const __m512i pv = _mm512_alignr_epi32(od, carry[t], 15);
                    carry[t] = od;
                    F[k][t] = _mm512_add_epi16(_mm512_add_epi16(ev, od), _mm512_add_epi16(ev, pv));
                } else {
                    F[k][t] = _mm512_slli_epi16(_mm512_add_epi16(ev, od), 1);
                }
            }
        const __m512i u01 = _mm512_srai_epi32(DOT(DOT(cadd, F[0][0], ue), F[0][1], uo), VX_CONV_BITS + 3);
        const __m512i u23 = _mm512_srai_epi32(DOT(DOT(cadd, F[1][0], ue), F[1][1], uo), VX_CONV_BITS + 3);
        const __m512i v01 = _mm512_srai_epi32(DOT(DOT(cadd, F[0][0], ve), F[0][1], vo), VX_CONV_BITS + 3);
        const __m512i v23 = _mm512_srai_epi32(DOT(DOT(cadd, F[1][0], ve), F[1][1], vo), VX_CONV_BITS + 3);
        /* 128-bit lane k: U 4k..4k+3, U 16+4k.., V 4k.., V 16+4k.. */
        const __m512i uv = _mm512_packus_epi16(_mm512_packs_epi32(u01, u23),
                                               _mm512_packs_epi32(v01, v23));
        if (nv12) {
            store512(u + x, _mm512_permutexvar_epi64(nvperm, _mm512_shuffle_epi8(uv, nvshuf)), nt);
        } else {
            const __m512i o = lane_fix(uv);
            store256(u + x / 2, _mm512_castsi512_si256(o), nt);
            store256(v + x / 2, _mm512_extracti64x4_epi64(o, 1), nt);
        }
    }
}

void FN(vx_rgb_to_yuv420)(const uint8_t *s0, const uint8_t *s1, uint8_t *y0, uint8_t *y1,
                          uint8_t *u, uint8_t *v, int uvstep, int w, const VxConvCoefs *c)
{
    const int nv12 = uvstep == 2;
    int n = w & ~63;
    if (uvstep != 1 && !(nv12 && v == u + 1))
        n = 0; /* a layout the vector stores do not know: all in C */
    const int nt = c->nt_store && !(((uintptr_t)y0 | (uintptr_t)(y1 ? y1 : y0)) & 63) &&
                   !(((uintptr_t)u | (uintptr_t)(nv12 ? u : v)) & (nv12 ? 63 : 31));
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

void FN(vx_yuv420_to_rgb)(uint8_t *dst, const uint8_t *y, const uint8_t *u, const uint8_t *v,
                          int uvstep, int w, const VxConvCoefs *c)
{
    int n = w & ~15;
    /* interleaved chroma in either order: Cb Cr (NV12) or Cr Cb (NV21) */
    const int swap = uvstep == 2 && u == v + 1;
    if (uvstep != 1 && !(uvstep == 2 && v == u + 1) && !swap)
        n = 0;
    const uint8_t *uv2 = swap ? v : u;
    const __m512i ky = _mm512_set1_epi32(c->ky & 0xffff), kyoff = _mm512_set1_epi32(c->ky_off);
    const int32_t kcb = swap ? 16 : 0, kcr = swap ? 0 : 16; /* bit offset of Cb / Cr words */
    const __m512i kr = _mm512_set1_epi32((int32_t)((uint32_t)(uint16_t)c->rv << kcr));
    const __m512i kg = _mm512_set1_epi32((int32_t)((uint32_t)(uint16_t)c->gu << kcb |
                                                   (uint32_t)(uint16_t)c->gv << kcr));
    const __m512i kb = _mm512_set1_epi32((int32_t)((uint32_t)(uint16_t)c->bu << kcb));
    const __m512i c128 = _mm512_set1_epi16(128), c255 = _mm512_set1_epi32(255);
    /* after packs/packus each 128-bit lane holds R of its 4 pixels, then G, B, A: one
     * vpshufb puts them in the pixel's byte order */
    uint8_t order[16];
    for (int p = 0; p < 4; p++) {
        order[4 * p + c->roff] = (uint8_t)p, order[4 * p + c->goff] = (uint8_t)(4 + p);
        order[4 * p + c->boff] = (uint8_t)(8 + p), order[4 * p + c->aoff] = (uint8_t)(12 + p);
    }
    const __m512i shuf = _mm512_broadcast_i32x4(_mm_loadu_si128((const __m128i *)order));
    const __m512i dup = _mm512_setr_epi32(0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7);
    for (int x = 0; x < n; x += 16) {
        const __m512i yv = _mm512_cvtepu8_epi32(_mm_loadu_si128((const __m128i *)(y + x)));
        __m128i uvb;
        if (uvstep == 2)
            uvb = _mm_loadu_si128((const __m128i *)(uv2 + x));
        else
            uvb = _mm_unpacklo_epi8(_mm_loadl_epi64((const __m128i *)(u + x / 2)),
                                    _mm_loadl_epi64((const __m128i *)(v + x / 2)));
        const __m512i uv = _mm512_sub_epi16(
            _mm512_permutexvar_epi32(dup, _mm512_castsi256_si512(_mm256_cvtepu8_epi16(uvb))),
            c128);
        const __m512i yy = DOT(kyoff, yv, ky);
        const __m512i r = _mm512_srai_epi32(DOT(yy, uv, kr), VX_CONV_IBITS);
        const __m512i g = _mm512_srai_epi32(DOT(yy, uv, kg), VX_CONV_IBITS);
        const __m512i b = _mm512_srai_epi32(DOT(yy, uv, kb), VX_CONV_IBITS);
        /* the saturating packs are the reference's clip to 0..255 */
        const __m512i px = _mm512_shuffle_epi8(
            _mm512_packus_epi16(_mm512_packs_epi32(r, g), _mm512_packs_epi32(b, c255)), shuf);
        _mm512_storeu_si512((void *)(dst + 4 * x), px);
    }
    if (n < w)
        vx_yuv420_to_rgb_part_c(dst, y, u, v, uvstep, n, w, c);
}
