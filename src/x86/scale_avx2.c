/* AVX2 scaling kernels, bit-exact with the C reference in dsp/scale.c. */
#include <immintrin.h>

#include "dsp/scale.h"

#define MID_SHIFT (VX_SCALE_COEF_BITS - VX_SCALE_MID_BITS)

static inline int16_t hscale_one(const uint8_t *s, int step, const int16_t *c, int taps)
{
    int sum = 0;
    for (int t = 0; t < taps; t++)
        sum += s[t * step] * c[t];
    return (int16_t)((sum + (1 << (MID_SHIFT - 1))) >> MID_SHIFT);
}

/* Dot product of 8 source bytes with 8 coefficients, as 4 partial int32 sums. */
static inline __m128i dot8(const uint8_t *s, const int16_t *c)
{
    __m128i px = _mm_cvtepu8_epi16(_mm_loadl_epi64((const __m128i *)s));
    return _mm_madd_epi16(px, _mm_loadu_si128((const __m128i *)c));
}

void vx_hscale_avx2(int16_t *dst, const uint8_t *src, int step, const VxScaleFilter *f)
{
    const int taps = f->taps, n = f->n_out;
    if (step != 1 || !f->ptaps) {
        for (int i = 0; i < n; i++)
            dst[i] = hscale_one(src + (ptrdiff_t)f->pos[i] * step, step,
                                f->coef + (size_t)i * taps, taps);
        return;
    }
    /* zero-padded coefficients (8 or 16 taps), 4 outputs at a time; reads stay inside the
     * row: an output whose padded read would pass its end goes through the scalar path */
    const int ptaps = f->ptaps;
    const __m128i rnd = _mm_set1_epi32(1 << (MID_SHIFT - 1));
    int i = 0;
    if (ptaps == 8) {
        /* 8 outputs per iteration, two per 256-bit multiply-add: output k in the low lane,
         * output k + 4 in the high lane, so three horizontal adds leave them in order */
        const __m256i rnd8 = _mm256_set1_epi32(1 << (MID_SHIFT - 1));
        for (; i + 8 <= n; i += 8) {
            if (f->pos[i + 7] + 8 > f->n_src)
                break;
            const int16_t *c = f->coef_pad + (size_t)i * 8;
            __m256i m[4];
            for (int k = 0; k < 4; k++) {
                __m128i b = _mm_loadl_epi64((const __m128i *)(src + f->pos[i + k]));
                b = _mm_castpd_si128(_mm_loadh_pd(_mm_castsi128_pd(b),
                                                  (const double *)(src + f->pos[i + k + 4])));
                __m256i cf = _mm256_inserti128_si256(
                    _mm256_castsi128_si256(_mm_loadu_si128((const __m128i *)(c + 8 * k))),
                    _mm_loadu_si128((const __m128i *)(c + 8 * (k + 4))), 1);
                m[k] = _mm256_madd_epi16(_mm256_cvtepu8_epi16(b), cf);
            }
            __m256i sum = _mm256_hadd_epi32(_mm256_hadd_epi32(m[0], m[1]),
                                            _mm256_hadd_epi32(m[2], m[3]));
            sum = _mm256_srai_epi32(_mm256_add_epi32(sum, rnd8), MID_SHIFT);
            __m256i w = _mm256_permute4x64_epi64(_mm256_packs_epi32(sum, sum), 0x08);
            _mm_storeu_si128((__m128i *)(dst + i), _mm256_castsi256_si128(w));
        }
    }
    for (; i + 4 <= n; i += 4) {
        if (f->pos[i + 3] + ptaps > f->n_src)
            break;
        const int16_t *c = f->coef_pad + (size_t)i * ptaps;
        __m128i m[4];
        for (int k = 0; k < 4; k++) {
            const uint8_t *s = src + f->pos[i + k];
            m[k] = dot8(s, c + k * ptaps);
            if (ptaps == 16)
                m[k] = _mm_add_epi32(m[k], dot8(s + 8, c + k * ptaps + 8));
        }
        __m128i sum = _mm_hadd_epi32(_mm_hadd_epi32(m[0], m[1]), _mm_hadd_epi32(m[2], m[3]));
        sum = _mm_srai_epi32(_mm_add_epi32(sum, rnd), MID_SHIFT);
        _mm_storel_epi64((__m128i *)(dst + i), _mm_packs_epi32(sum, sum));
    }
    for (; i < n; i++)
        dst[i] = hscale_one(src + f->pos[i], 1, f->coef + (size_t)i * taps, taps);
}

void vx_vscale_avx2(uint8_t *dst, int step, const int16_t *const *rows, const int16_t *coef,
                    int taps, int w)
{
    const int shift = VX_SCALE_COEF_BITS + VX_SCALE_MID_BITS;
    const __m256i rnd = _mm256_set1_epi32(1 << (shift - 1));
    int x = 0;
    for (; x + 16 <= w; x += 16) {
        __m256i lo = rnd, hi = rnd;
        int t = 0;
        for (; t + 2 <= taps; t += 2) {
            /* rows t and t+1 interleaved, multiplied by the pair (c_t, c_t+1) */
            __m256i a = _mm256_loadu_si256((const __m256i *)(rows[t] + x));
            __m256i b = _mm256_loadu_si256((const __m256i *)(rows[t + 1] + x));
            __m256i cc = _mm256_set1_epi32((int)((uint16_t)coef[t] | ((uint32_t)(uint16_t)coef[t + 1] << 16)));
            lo = _mm256_add_epi32(lo, _mm256_madd_epi16(_mm256_unpacklo_epi16(a, b), cc));
            hi = _mm256_add_epi32(hi, _mm256_madd_epi16(_mm256_unpackhi_epi16(a, b), cc));
        }
        if (t < taps) {
            __m256i a = _mm256_loadu_si256((const __m256i *)(rows[t] + x));
            __m256i cc = _mm256_set1_epi32((uint16_t)coef[t]);
            __m256i z = _mm256_setzero_si256();
            lo = _mm256_add_epi32(lo, _mm256_madd_epi16(_mm256_unpacklo_epi16(a, z), cc));
            hi = _mm256_add_epi32(hi, _mm256_madd_epi16(_mm256_unpackhi_epi16(a, z), cc));
        }
        lo = _mm256_srai_epi32(lo, shift);
        hi = _mm256_srai_epi32(hi, shift);
        __m256i w16 = _mm256_packs_epi32(lo, hi); /* in order within each lane */
        __m256i b8 = _mm256_packus_epi16(w16, w16);
        __m128i px = _mm256_castsi256_si128(_mm256_permute4x64_epi64(b8, 0x08));
        if (step == 1) {
            _mm_storeu_si128((__m128i *)(dst + x), px);
        } else {
            uint8_t tmp[16];
            _mm_storeu_si128((__m128i *)tmp, px);
            for (int k = 0; k < 16; k++)
                dst[(x + k) * step] = tmp[k];
        }
    }
    for (; x < w; x++) {
        int sum = 1 << (shift - 1);
        for (int t = 0; t < taps; t++)
            sum += rows[t][x] * coef[t];
        sum >>= shift;
        dst[x * step] = (uint8_t)(sum < 0 ? 0 : sum > 255 ? 255 : sum);
    }
}
