/* AVX-512 (F/BW/VL) scaling kernels, bit-exact with the C reference in dsp/scale.c: the
 * shuffle-grouped horizontal pass four groups (16 lanes) at a time, and the vertical pass 32
 * samples at a time with masked loads and stores for the tail (no scalar remainder). */
#include <immintrin.h>

#include "dsp/scale.h"

#define MID_SHIFT (VX_SCALE_COEF_BITS - VX_SCALE_MID_BITS)

int vx_hscale_groups_avx2(int16_t *dst, const uint8_t *src, const VxScaleGroups *g);
void vx_hscale_avx2(int16_t *dst, const uint8_t *src, int step, const VxScaleFilter *f);
void vx_hscale2_avx2(int16_t *dst, const uint8_t *src, const VxScaleFilter *f);

/* Four groups (16 lanes) per 512-bit vector. With blocks (nb), the four groups' bytes come
 * from one 64-byte load (masked at the row's end, so every group is done here) and a byte
 * permute per tap pair places each lane's two samples as 16-bit words, zeroing the high
 * bytes; a dot-product accumulate (VNNI) adds them. The next pair's indices are the previous
 * ones plus inc: computing them beats loading them (the tables stream from L2). Otherwise four 16-byte loads and in-lane
 * shuffles. 512-bit vector work runs on two ports only, so uops are what counts here. */
static int groups_avx512(int16_t *dst, const uint8_t *src, const VxScaleGroups *g)
{
    const __m512i rnd = _mm512_set1_epi32(1 << (MID_SHIFT - 1));
    const int pairs = g->pairs;
    if (g->nb) {
        const int n = g->n;
        const uint8_t *ix = g->bidx;
        const __m512i inc = _mm512_set1_epi8((char)g->inc);
        for (int b = 0; b < g->nb; b++) {
            const int b0 = g->base[4 * b];
            __m512i s;
            if (b < g->nbfull) {
                s = _mm512_loadu_si512(src + b0);
            } else {
                const int rem = g->bytes - b0;
                s = _mm512_maskz_loadu_epi8(rem >= 64 ? ~0ull : (1ull << rem) - 1, src + b0);
            }
            const int16_t *c = g->coef + (size_t)b * 32;
            __m512i acc = rnd;
            __m512i x = _mm512_loadu_si512(ix + (size_t)b * 64);
            for (int p = 0; p < pairs; p++, c += g->cstride) {
                __m512i px = _mm512_maskz_permutexvar_epi8(0x5555555555555555ull, x, s);
                acc = _mm512_dpwssd_epi32(acc, px, _mm512_loadu_si512(c));
                x = _mm512_add_epi8(x, inc);
            }
            /* |sum| < 2^15 after the shift (coefficients' absolute sum < 1.3), so the
             * truncating narrow equals the C reference's int16 cast */
            __m256i r = _mm512_cvtepi32_epi16(_mm512_srai_epi32(acc, MID_SHIFT));
            if (4 * b + 4 <= n)
                _mm256_storeu_si256((__m256i *)(dst + 16 * b), r);
            else
                _mm256_mask_storeu_epi16(dst + 16 * b, (__mmask16)((1u << (4 * (n - 4 * b))) - 1), r);
        }
        return 4 * n;
    }
    const __m512i inc = _mm512_set1_epi8((char)g->inc);
    const int n = g->nfull;
    int k = 0;
    for (; k + 4 <= n; k += 4) {
        __m512i s = _mm512_castsi128_si512(_mm_loadu_si128((const __m128i *)(src + g->base[k])));
        s = _mm512_inserti32x4(s, _mm_loadu_si128((const __m128i *)(src + g->base[k + 1])), 1);
        s = _mm512_inserti32x4(s, _mm_loadu_si128((const __m128i *)(src + g->base[k + 2])), 2);
        s = _mm512_inserti32x4(s, _mm_loadu_si128((const __m128i *)(src + g->base[k + 3])), 3);
        __m512i idx = _mm512_loadu_si512(g->idx + (size_t)k * 16);
        const int16_t *c = g->coef + (size_t)k * 8;
        __m512i acc = rnd;
        for (int p = 0; p < pairs; p++, c += g->cstride) {
            acc = _mm512_add_epi32(acc, _mm512_madd_epi16(_mm512_shuffle_epi8(s, idx),
                                                          _mm512_loadu_si512(c)));
            idx = _mm512_add_epi8(idx, inc);
        }
        _mm256_storeu_si256((__m256i *)(dst + 4 * k),
                            _mm512_cvtepi32_epi16(_mm512_srai_epi32(acc, MID_SHIFT)));
    }
    if (k < n) {
        VxScaleGroups rest = *g;
        rest.nfull = n - k;
        rest.base += k;
        rest.idx += (size_t)k * 16;
        rest.coef += (size_t)k * 8;
        vx_hscale_groups_avx2(dst + 4 * k, src, &rest);
    }
    return 4 * n;
}

/* The wide blocks (VxScaleWide): up to 16 lanes whose taps lie in a 128-byte window, two
 * 64-byte loads (masked at the row's end) and a two-source byte permute per tap pair; every
 * output is done here. Per 16 outputs of a 19-tap shrink: 10 permutes and 10 dot-product
 * accumulates, where the per-output path takes 3 multiply-adds and a horizontal sum for each
 * output. lanes: the outputs times the channels. */
static void wide_avx512(int16_t *dst, const uint8_t *src, const VxScaleWide *w, int lanes)
{
    const int per = w->outs * w->inc / 2; /* lanes per block */
    const __m512i rnd = _mm512_set1_epi32(1 << (MID_SHIFT - 1));
    const __m512i inc = _mm512_set1_epi8((char)w->inc);
    for (int b = 0; b < w->nb; b++) {
        const int b0 = w->base[b], rem = w->bytes - b0;
        __m512i lo, hi;
        if (rem >= 128) {
            lo = _mm512_loadu_si512(src + b0);
            hi = _mm512_loadu_si512(src + b0 + 64);
        } else {
            lo = _mm512_maskz_loadu_epi8(rem >= 64 ? ~0ull : (1ull << rem) - 1, src + b0);
            hi = _mm512_maskz_loadu_epi8(rem <= 64 ? 0 : (1ull << (rem - 64)) - 1, src + b0 + 64);
        }
        const int16_t *c = w->coef + (size_t)b * 32;
        __m512i acc = rnd;
        __m512i x = _mm512_loadu_si512(w->idx + (size_t)b * 64);
        for (int p = 0; p < w->pairs; p++, c += w->cstride) {
            __m512i px = _mm512_maskz_permutex2var_epi8(0x5555555555555555ull, lo, x, hi);
            acc = _mm512_dpwssd_epi32(acc, px, _mm512_loadu_si512(c));
            x = _mm512_add_epi8(x, inc);
        }
        /* |sum| < 2^15 after the shift, as in groups_avx512 */
        __m256i r = _mm512_cvtepi32_epi16(_mm512_srai_epi32(acc, MID_SHIFT));
        const int left = lanes - per * b, k = left < per ? left : per;
        _mm256_mask_storeu_epi16(dst + per * b, (__mmask16)((1u << k) - 1), r);
    }
}

static inline int16_t hscale_one(const uint8_t *s, int step, const int16_t *c, int taps)
{
    int sum = 0;
    for (int t = 0; t < taps; t++)
        sum += s[t * step] * c[t];
    return (int16_t)((sum + (1 << (MID_SHIFT - 1))) >> MID_SHIFT);
}

void vx_hscale_avx512(int16_t *dst, const uint8_t *src, int step, const VxScaleFilter *f)
{
    if (step == 1 && !f->g1.n && f->w1.nb) {
        wide_avx512(dst, src, &f->w1, f->n_out);
        return;
    }
    if (step != 1 || !f->g1.n) {
        vx_hscale_avx2(dst, src, step, f);
        return;
    }
    const int taps = f->taps;
    for (int i = groups_avx512(dst, src, &f->g1); i < f->n_out; i++)
        dst[i] = hscale_one(src + f->pos[i], 1, f->coef + (size_t)i * taps, taps);
}

void vx_hscale2_avx512(int16_t *dst, const uint8_t *src, const VxScaleFilter *f)
{
    if (!f->g2.n && f->w2.nb) {
        wide_avx512(dst, src, &f->w2, 2 * f->n_out);
        return;
    }
    if (!f->g2.n) {
        vx_hscale2_avx2(dst, src, f);
        return;
    }
    const int taps = f->taps;
    for (int i = groups_avx512(dst, src, &f->g2) / 2; i < f->n_out; i++) {
        const uint8_t *s = src + (ptrdiff_t)f->pos[i] * 2;
        const int16_t *c = f->coef + (size_t)i * taps;
        dst[2 * i] = hscale_one(s, 2, c, taps);
        dst[2 * i + 1] = hscale_one(s + 1, 2, c, taps);
    }
}

void vx_vscale_avx2(uint8_t *dst, int step, const int16_t *const *rows, const int16_t *coef,
                    int taps, int w);

void vx_vscale_avx512(uint8_t *dst, int step, const int16_t *const *rows, const int16_t *coef,
                      int taps, int w)
{
    if (step > 2) { /* e.g. one channel of RGBA (an image background): rare, not vectorised */
        vx_vscale_avx2(dst, step, rows, coef, taps, w);
        return;
    }
    const __m512i rnd = _mm512_set1_epi16(1 << (VX_SCALE_OUT_BITS - 1)), zero = _mm512_setzero_si512();
    int x = 0;
    for (; x + 64 <= w && step == 1; x += 64) {
        __m512i a = rnd, b = rnd;
        for (int t = 0; t < taps; t++) {
            const __m512i c = _mm512_set1_epi16(coef[t]);
            a = _mm512_add_epi16(a, _mm512_mulhrs_epi16(_mm512_loadu_si512(rows[t] + x), c));
            b = _mm512_add_epi16(b, _mm512_mulhrs_epi16(_mm512_loadu_si512(rows[t] + x + 32), c));
        }
        /* packus clips to 0..255 but interleaves 128-bit lanes: a qword permute restores
         * the order (two uops where two clip-and-narrow pairs take six) */
        __m512i px = _mm512_packus_epi16(_mm512_srai_epi16(a, VX_SCALE_OUT_BITS),
                                         _mm512_srai_epi16(b, VX_SCALE_OUT_BITS));
        _mm512_storeu_si512(dst + x, _mm512_permutexvar_epi64(_mm512_setr_epi64(0, 2, 4, 6, 1, 3, 5, 7), px));
    }
    for (; x < w; x += 32) {
        const int rem = w - x;
        const __mmask32 m = rem >= 32 ? ~(__mmask32)0 : ((__mmask32)1 << rem) - 1;
        __m512i a = rnd;
        for (int t = 0; t < taps; t++)
            a = _mm512_add_epi16(a, _mm512_mulhrs_epi16(_mm512_maskz_loadu_epi16(m, rows[t] + x),
                                                        _mm512_set1_epi16(coef[t])));
        /* clip below at 0, then the unsigned saturating narrow clips above at 255 */
        __m256i px = _mm512_cvtusepi16_epi8(_mm512_max_epi16(_mm512_srai_epi16(a, VX_SCALE_OUT_BITS), zero));
        if (step == 1) {
            _mm256_mask_storeu_epi8(dst + x, m, px);
        } else { /* every other byte: the other channel's samples are not touched */
            const __mmask64 m2 = 0x5555555555555555ull &
                                 (rem >= 32 ? ~0ull : (1ull << (2 * rem)) - 1);
            _mm512_mask_storeu_epi8(dst + 2 * x, m2, _mm512_cvtepu8_epi16(px));
        }
    }
}

/* Two rows through the same filter tables: the tables (about 12 bytes per output, more than
 * L1 holds for a 4K row) are read once for both. (Four rows at once measured slower: four
 * source and four output rows overflow L1 at 4K.) */
static int rows2_blocks(int16_t *dst0, int16_t *dst1, const uint8_t *src0, const uint8_t *src1,
                        const VxScaleGroups *g)
{
    const __m512i rnd = _mm512_set1_epi32(1 << (MID_SHIFT - 1));
    const int pairs = g->pairs, n = g->n;
    const uint8_t *ix = g->bidx;
    const __m512i inc = _mm512_set1_epi8((char)g->inc);
    for (int b = 0; b < g->nb; b++) {
        const int b0 = g->base[4 * b];
        __m512i s0, s1;
        if (b < g->nbfull) {
            s0 = _mm512_loadu_si512(src0 + b0);
            s1 = _mm512_loadu_si512(src1 + b0);
        } else {
            const int rem = g->bytes - b0;
            const __mmask64 ml = rem >= 64 ? ~0ull : (1ull << rem) - 1;
            s0 = _mm512_maskz_loadu_epi8(ml, src0 + b0);
            s1 = _mm512_maskz_loadu_epi8(ml, src1 + b0);
        }
        const int16_t *c = g->coef + (size_t)b * 32;
        __m512i acc0 = rnd, acc1 = rnd;
        __m512i x = _mm512_loadu_si512(ix + (size_t)b * 64);
        for (int p = 0; p < pairs; p++, c += g->cstride) {
            const __m512i cf = _mm512_loadu_si512(c);
            acc0 = _mm512_dpwssd_epi32(acc0, _mm512_maskz_permutexvar_epi8(0x5555555555555555ull, x, s0), cf);
            acc1 = _mm512_dpwssd_epi32(acc1, _mm512_maskz_permutexvar_epi8(0x5555555555555555ull, x, s1), cf);
            x = _mm512_add_epi8(x, inc);
        }
        __m256i r0 = _mm512_cvtepi32_epi16(_mm512_srai_epi32(acc0, MID_SHIFT));
        __m256i r1 = _mm512_cvtepi32_epi16(_mm512_srai_epi32(acc1, MID_SHIFT));
        const __mmask16 m = 4 * b + 4 <= n ? 0xffff : (__mmask16)((1u << (4 * (n - 4 * b))) - 1);
        _mm256_mask_storeu_epi16(dst0 + 16 * b, m, r0);
        _mm256_mask_storeu_epi16(dst1 + 16 * b, m, r1);
    }
    return 4 * n;
}

void vx_hscale_rows_avx512(int16_t *const *dst, const uint8_t *const *src, int nr, int channels,
                           const VxScaleFilter *f)
{
    const VxScaleGroups *g = channels == 2 ? &f->g2 : &f->g1;
    if (!g->nb) {
        for (int r = 0; r < nr; r++) {
            if (channels == 2)
                vx_hscale2_avx512(dst[r], src[r], f);
            else
                vx_hscale_avx512(dst[r], src[r], 1, f);
        }
        return;
    }
    for (int r = 0; r < nr; r += 2) {
        if (r + 2 <= nr)
            rows2_blocks(dst[r], dst[r + 1], src[r], src[r + 1], g);
        else
            groups_avx512(dst[r], src[r], g);
    }
    const int taps = f->taps;
    for (int i = 4 * g->n / channels; i < f->n_out; i++) {
        const int16_t *c = f->coef + (size_t)i * taps;
        const ptrdiff_t o = (ptrdiff_t)f->pos[i] * channels;
        for (int r = 0; r < nr; r++)
            for (int ch = 0; ch < channels; ch++)
                dst[r][channels * i + ch] = hscale_one(src[r] + o + ch, channels, c, taps);
    }
}
