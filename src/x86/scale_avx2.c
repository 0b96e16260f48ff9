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

/* 8 int32 sums with their rounding term added: shifted to the middle precision, narrowed
 * (|sums| < 2^15: the saturating pack equals the C reference's int16 cast) and stored in
 * order at dst. */
static inline void shift_store8(int16_t *dst, __m256i sums)
{
    sums = _mm256_srai_epi32(sums, MID_SHIFT);
    sums = _mm256_permute4x64_epi64(_mm256_packs_epi32(sums, sums), 0x08);
    _mm_storeu_si128((__m128i *)dst, _mm256_castsi256_si128(sums));
}

/* Dot product of 8 source bytes with 8 coefficients, as 4 partial int32 sums. */
static inline __m128i dot8(const uint8_t *s, const int16_t *c)
{
    __m128i px = _mm_cvtepu8_epi16(_mm_loadl_epi64((const __m128i *)s));
    return _mm_madd_epi16(px, _mm_loadu_si128((const __m128i *)c));
}

/* Dot product of 8 samples at step 2 (one channel of an interleaved pair) with 8
 * coefficients; reads 15 bytes. */
static inline __m128i dot8_step2(const uint8_t *s, const __m128i even, const int16_t *c)
{
    __m128i px = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)s), even);
    return _mm_madd_epi16(_mm_cvtepu8_epi16(px), _mm_loadu_si128((const __m128i *)c));
}

/* Dot product of ptaps (a multiple of 8) source bytes with as many zero-padded
 * coefficients, as 4 partial int32 sums: 16 taps per 256-bit multiply-add, then 8. */
static inline __m128i dotp(const uint8_t *s, const int16_t *c, int ptaps)
{
    __m256i acc = _mm256_setzero_si256();
    int q = 0;
    for (; q + 16 <= ptaps; q += 16) {
        const __m256i px = _mm256_cvtepu8_epi16(_mm_loadu_si128((const __m128i *)(s + q)));
        const __m256i cf = _mm256_loadu_si256((const __m256i *)(c + q));
        acc = _mm256_add_epi32(acc, _mm256_madd_epi16(px, cf));
    }
    __m128i r = _mm_add_epi32(_mm256_castsi256_si128(acc), _mm256_extracti128_si256(acc, 1));
    return q < ptaps ? _mm_add_epi32(r, dot8(s + q, c + q)) : r;
}

/* As dotp for ptaps >= 16, left as 8 partial int32 sums: no fold per output (sum8 folds 8
 * outputs' partials at once). */
static inline __m256i dotp256(const uint8_t *s, const int16_t *c, int ptaps)
{
    __m256i acc = _mm256_madd_epi16(_mm256_cvtepu8_epi16(_mm_loadu_si128((const __m128i *)s)),
                                    _mm256_loadu_si256((const __m256i *)c));
    int q = 16;
    for (; q + 16 <= ptaps; q += 16) {
        const __m256i px = _mm256_cvtepu8_epi16(_mm_loadu_si128((const __m128i *)(s + q)));
        acc = _mm256_add_epi32(acc, _mm256_madd_epi16(px, _mm256_loadu_si256((const __m256i *)(c + q))));
    }
    if (q < ptaps)
        acc = _mm256_add_epi32(acc, _mm256_zextsi128_si256(dot8(s + q, c + q)));
    return acc;
}

/* The sums of 8 vectors of partial sums, in order: m[k]'s 8 lanes add up to result k. */
static inline __m256i sum8(const __m256i m[8])
{
    /* a: per 128-bit half, the sums of that half of m[0..3]; b: of m[4..7] */
    const __m256i a = _mm256_hadd_epi32(_mm256_hadd_epi32(m[0], m[1]), _mm256_hadd_epi32(m[2], m[3]));
    const __m256i b = _mm256_hadd_epi32(_mm256_hadd_epi32(m[4], m[5]), _mm256_hadd_epi32(m[6], m[7]));
    return _mm256_add_epi32(_mm256_permute2x128_si256(a, b, 0x20),
                            _mm256_permute2x128_si256(a, b, 0x31));
}

/* Both channels of ptaps interleaved pairs (2 * ptaps bytes) with the same zero-padded
 * coefficients: per 8 taps, the 16 bytes are split into the 8 first-channel samples and the
 * 8 second-channel ones, so the low lane sums the first channel, the high lane the second. */
static inline __m256i dotp2(const uint8_t *s, const int16_t *c, int ptaps)
{
    const __m128i split = _mm_setr_epi8(0, 2, 4, 6, 8, 10, 12, 14, 1, 3, 5, 7, 9, 11, 13, 15);
    __m256i acc = _mm256_setzero_si256();
    for (int q = 0; q < ptaps; q += 8) {
        const __m128i px = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(s + 2 * q)), split);
        const __m256i cf = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)(c + q)));
        acc = _mm256_add_epi32(acc, _mm256_madd_epi16(_mm256_cvtepu8_epi16(px), cf));
    }
    return acc;
}

/* Both channels of ptaps (>= 16) interleaved pairs: per 16 taps one 32-byte load split into
 * each half's 8 first-channel and 8 second-channel samples, widened against the 16
 * coefficients as they lie (no broadcast); *u and *v get 8 partial sums each. */
static inline void dotp2w(const uint8_t *s, const int16_t *c, int ptaps, __m256i *u, __m256i *v)
{
    const __m256i split = _mm256_setr_epi8(0, 2, 4, 6, 8, 10, 12, 14, 1, 3, 5, 7, 9, 11, 13, 15,
                                           0, 2, 4, 6, 8, 10, 12, 14, 1, 3, 5, 7, 9, 11, 13, 15);
    const __m256i zero = _mm256_setzero_si256();
    __m256i au = zero, av = zero;
    int q = 0;
    for (; q + 16 <= ptaps; q += 16) {
        const __m256i px = _mm256_shuffle_epi8(_mm256_loadu_si256((const __m256i *)(s + 2 * q)), split);
        const __m256i cf = _mm256_loadu_si256((const __m256i *)(c + q));
        au = _mm256_add_epi32(au, _mm256_madd_epi16(_mm256_unpacklo_epi8(px, zero), cf));
        av = _mm256_add_epi32(av, _mm256_madd_epi16(_mm256_unpackhi_epi8(px, zero), cf));
    }
    if (q < ptaps) { /* 8 more: dotp2's low half sums the first channel, its high half the second */
        const __m256i m = dotp2(s + 2 * q, c + q, 8);
        au = _mm256_add_epi32(au, _mm256_zextsi128_si256(_mm256_castsi256_si128(m)));
        av = _mm256_add_epi32(av, _mm256_zextsi128_si256(_mm256_extracti128_si256(m, 1)));
    }
    *u = au, *v = av;
}

/* The grouped filter (VxScaleGroups): per group one 16-byte load, then per tap pair one
 * shuffle that places the pair's two samples of each lane as 16-bit words and one
 * multiply-add with the lane's coefficient pair. Two groups per 256-bit vector. Writes
 * g->nfull * 4 values and returns that count. */
int vx_hscale_groups_avx2(int16_t *dst, const uint8_t *src, const VxScaleGroups *g)
{
    const __m256i rnd = _mm256_set1_epi32(1 << (MID_SHIFT - 1));
    const __m256i inc = _mm256_set1_epi8((char)g->inc);
    const int n = g->nfull, pairs = g->pairs;
    int k = 0;
    for (; k + 2 <= n; k += 2) {
        __m256i s = _mm256_loadu2_m128i((const __m128i *)(src + g->base[k + 1]),
                                        (const __m128i *)(src + g->base[k]));
        __m256i idx = _mm256_loadu_si256((const __m256i *)(g->idx + (size_t)k * 16));
        const int16_t *c = g->coef + (size_t)k * 8;
        __m256i acc = rnd;
        for (int p = 0; p < pairs; p++, c += g->cstride) {
            acc = _mm256_add_epi32(acc, _mm256_madd_epi16(_mm256_shuffle_epi8(s, idx),
                                                          _mm256_loadu_si256((const __m256i *)c)));
            idx = _mm256_add_epi8(idx, inc);
        }
        shift_store8(dst + 4 * k, acc);
    }
    if (k < n) {
        __m128i s = _mm_loadu_si128((const __m128i *)(src + g->base[k]));
        __m128i idx = _mm_loadu_si128((const __m128i *)(g->idx + (size_t)k * 16));
        const int16_t *c = g->coef + (size_t)k * 8;
        __m128i acc = _mm256_castsi256_si128(rnd);
        for (int p = 0; p < pairs; p++, c += g->cstride) {
            acc = _mm_add_epi32(acc, _mm_madd_epi16(_mm_shuffle_epi8(s, idx),
                                                    _mm_loadu_si128((const __m128i *)c)));
            idx = _mm_add_epi8(idx, _mm256_castsi256_si128(inc));
        }
        acc = _mm_srai_epi32(acc, MID_SHIFT);
        _mm_storel_epi64((__m128i *)(dst + 4 * k), _mm_packs_epi32(acc, acc));
        k++;
    }
    return 4 * n;
}

void vx_hscale2_avx2(int16_t *dst, const uint8_t *src, const VxScaleFilter *f)
{
    const int taps = f->taps, n = f->n_out;
    int i = f->g2.n ? vx_hscale_groups_avx2(dst, src, &f->g2) / 2 : 0;
    if (!f->g2.n && f->ptaps) {
        /* too wide for the groups (strong shrinking, e.g. a camera picture into its bubble):
         * 4 outputs of both channels at a time; an output whose padded read would pass the
         * row's end goes through the scalar path */
        const int ptaps = f->ptaps;
        const __m256i rnd = _mm256_set1_epi32(1 << (MID_SHIFT - 1));
        for (; ptaps >= 16 && i + 4 <= n; i += 4) { /* 16 taps of both channels per load */
            if (f->pos[i + 3] + ptaps > f->n_src)
                break;
            const int16_t *c = f->coef_pad + (size_t)i * ptaps;
            __m256i m[8];
            for (int k = 0; k < 4; k++)
                dotp2w(src + (ptrdiff_t)f->pos[i + k] * 2, c + k * ptaps, ptaps, &m[2 * k],
                       &m[2 * k + 1]);
            /* first channel of output i, second, first of i + 1, ...: dst's order */
            shift_store8(dst + 2 * i, _mm256_add_epi32(sum8(m), rnd));
        }
        for (; i + 4 <= n; i += 4) {
            if (f->pos[i + 3] + ptaps > f->n_src)
                break;
            const int16_t *c = f->coef_pad + (size_t)i * ptaps;
            __m256i m[4];
            for (int k = 0; k < 4; k++)
                m[k] = dotp2(src + (ptrdiff_t)f->pos[i + k] * 2, c + k * ptaps, ptaps);
            /* low lane: the first channel of outputs i..i+3, high lane: the second */
            __m256i sum = _mm256_hadd_epi32(_mm256_hadd_epi32(m[0], m[1]),
                                            _mm256_hadd_epi32(m[2], m[3]));
            sum = _mm256_srai_epi32(_mm256_add_epi32(sum, rnd), MID_SHIFT);
            const __m128i a = _mm256_castsi256_si128(sum), b = _mm256_extracti128_si256(sum, 1);
            _mm_storeu_si128((__m128i *)(dst + 2 * i),
                             _mm_packs_epi32(_mm_unpacklo_epi32(a, b), _mm_unpackhi_epi32(a, b)));
        }
    }
    for (; i < n; i++) {
        const uint8_t *s = src + (ptrdiff_t)f->pos[i] * 2;
        const int16_t *c = f->coef + (size_t)i * taps;
        dst[2 * i] = hscale_one(s, 2, c, taps);
        dst[2 * i + 1] = hscale_one(s + 1, 2, c, taps);
    }
}

void vx_hscale_avx2(int16_t *dst, const uint8_t *src, int step, const VxScaleFilter *f)
{
    const int taps = f->taps, n = f->n_out;
    if (step == 1 && f->g1.n) {
        for (int i = vx_hscale_groups_avx2(dst, src, &f->g1); i < n; i++)
            dst[i] = hscale_one(src + f->pos[i], 1, f->coef + (size_t)i * taps, taps);
        return;
    }
    if (step == 2 && f->ptaps) {
        /* one channel of an interleaved pair: 4 outputs at a time, each tap octet gathered
         * from 15 bytes; an output whose read would pass the row's last sample of this
         * channel goes through the scalar path */
        const int ptaps = f->ptaps;
        const __m128i rnd = _mm_set1_epi32(1 << (MID_SHIFT - 1));
        const __m128i even = _mm_setr_epi8(0, 2, 4, 6, 8, 10, 12, 14, -1, -1, -1, -1, -1, -1, -1, -1);
        int i = 0;
        for (; i + 4 <= n; i += 4) {
            if (f->pos[i + 3] + ptaps + 1 > f->n_src)
                break;
            const int16_t *c = f->coef_pad + (size_t)i * ptaps;
            __m128i m[4];
            for (int k = 0; k < 4; k++) {
                const uint8_t *s = src + 2 * f->pos[i + k];
                m[k] = dot8_step2(s, even, c + k * ptaps);
                for (int q = 8; q < ptaps; q += 8)
                    m[k] = _mm_add_epi32(m[k], dot8_step2(s + 2 * q, even, c + k * ptaps + q));
            }
            __m128i sum = _mm_hadd_epi32(_mm_hadd_epi32(m[0], m[1]), _mm_hadd_epi32(m[2], m[3]));
            sum = _mm_srai_epi32(_mm_add_epi32(sum, rnd), MID_SHIFT);
            _mm_storel_epi64((__m128i *)(dst + i), _mm_packs_epi32(sum, sum));
        }
        for (; i < n; i++)
            dst[i] = hscale_one(src + 2 * f->pos[i], 2, f->coef + (size_t)i * taps, taps);
        return;
    }
    if (step != 1 || !f->ptaps) {
        for (int i = 0; i < n; i++)
            dst[i] = hscale_one(src + (ptrdiff_t)f->pos[i] * step, step,
                                f->coef + (size_t)i * taps, taps);
        return;
    }
    /* zero-padded coefficients (a multiple of 8 taps), 4 outputs at a time; reads stay inside
     * the row: an output whose padded read would pass its end goes through the scalar path */
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
            shift_store8(dst + i, _mm256_add_epi32(sum, rnd8));
        }
    }
    for (; ptaps >= 16 && i + 8 <= n; i += 8) { /* 8 outputs, their partials folded at once */
        if (f->pos[i + 7] + ptaps > f->n_src)
            break;
        const int16_t *c = f->coef_pad + (size_t)i * ptaps;
        __m256i m[8];
        for (int k = 0; k < 8; k++)
            m[k] = dotp256(src + f->pos[i + k], c + k * ptaps, ptaps);
        shift_store8(dst + i, _mm256_add_epi32(sum8(m), _mm256_set1_epi32(1 << (MID_SHIFT - 1))));
    }
    for (; i + 4 <= n; i += 4) {
        if (f->pos[i + 3] + ptaps > f->n_src)
            break;
        const int16_t *c = f->coef_pad + (size_t)i * ptaps;
        __m128i m[4];
        for (int k = 0; k < 4; k++)
            m[k] = dotp(src + f->pos[i + k], c + k * ptaps, ptaps);
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
    const __m256i rnd = _mm256_set1_epi16(1 << (VX_SCALE_OUT_BITS - 1));
    int x = 0;
    for (; x + 32 <= w; x += 32) {
        __m256i a = rnd, b = rnd;
        for (int t = 0; t < taps; t++) {
            const __m256i c = _mm256_set1_epi16(coef[t]);
            a = _mm256_add_epi16(a, _mm256_mulhrs_epi16(_mm256_loadu_si256((const __m256i *)(rows[t] + x)), c));
            b = _mm256_add_epi16(b, _mm256_mulhrs_epi16(_mm256_loadu_si256((const __m256i *)(rows[t] + x + 16)), c));
        }
        a = _mm256_srai_epi16(a, VX_SCALE_OUT_BITS);
        b = _mm256_srai_epi16(b, VX_SCALE_OUT_BITS);
        __m256i px = _mm256_permute4x64_epi64(_mm256_packus_epi16(a, b), 0xd8);
        if (step == 1) {
            _mm256_storeu_si256((__m256i *)(dst + x), px);
        } else {
            uint8_t tmp[32];
            _mm256_storeu_si256((__m256i *)tmp, px);
            for (int k = 0; k < 32; k++)
                dst[(x + k) * step] = tmp[k];
        }
    }
    for (; x < w; x++) {
        int16_t acc = 1 << (VX_SCALE_OUT_BITS - 1);
        for (int t = 0; t < taps; t++)
            acc = (int16_t)(acc + (int16_t)((rows[t][x] * coef[t] + (1 << 14)) >> 15));
        int v = acc >> VX_SCALE_OUT_BITS;
        dst[x * step] = (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
    }
}

/* vx_hscale_groups_avx2 for two rows sharing each load of the tables (indices and
 * coefficients stream from L2 for a 4K row); 4 groups (16 outputs) per iteration. */
static int groups_rows2_avx2(int16_t *dst0, int16_t *dst1, const uint8_t *src0,
                             const uint8_t *src1, const VxScaleGroups *g)
{
    const __m256i rnd = _mm256_set1_epi32(1 << (MID_SHIFT - 1));
    const __m256i inc = _mm256_set1_epi8((char)g->inc);
    const int n = g->nfull, pairs = g->pairs;
    int k = 0;
    for (; k + 4 <= n; k += 4) {
        __m256i acc[2][2];
        for (int h = 0; h < 2; h++) {
            const int kk = k + 2 * h;
            __m256i s0 = _mm256_loadu2_m128i((const __m128i *)(src0 + g->base[kk + 1]),
                                             (const __m128i *)(src0 + g->base[kk]));
            __m256i s1 = _mm256_loadu2_m128i((const __m128i *)(src1 + g->base[kk + 1]),
                                             (const __m128i *)(src1 + g->base[kk]));
            __m256i idx = _mm256_loadu_si256((const __m256i *)(g->idx + (size_t)kk * 16));
            const int16_t *c = g->coef + (size_t)kk * 8;
            __m256i a0 = rnd, a1 = rnd;
            for (int p = 0; p < pairs; p++, c += g->cstride) {
                const __m256i cf = _mm256_loadu_si256((const __m256i *)c);
                a0 = _mm256_add_epi32(a0, _mm256_madd_epi16(_mm256_shuffle_epi8(s0, idx), cf));
                a1 = _mm256_add_epi32(a1, _mm256_madd_epi16(_mm256_shuffle_epi8(s1, idx), cf));
                idx = _mm256_add_epi8(idx, inc);
            }
            acc[0][h] = _mm256_srai_epi32(a0, MID_SHIFT);
            acc[1][h] = _mm256_srai_epi32(a1, MID_SHIFT);
        }
        /* |sums| < 2^15: the saturating pack equals the C reference's int16 cast */
        _mm256_storeu_si256((__m256i *)(dst0 + 4 * k),
                            _mm256_permute4x64_epi64(_mm256_packs_epi32(acc[0][0], acc[0][1]), 0xd8));
        _mm256_storeu_si256((__m256i *)(dst1 + 4 * k),
                            _mm256_permute4x64_epi64(_mm256_packs_epi32(acc[1][0], acc[1][1]), 0xd8));
    }
    if (k < n) {
        VxScaleGroups rest = *g;
        rest.nfull = n - k;
        rest.base += k;
        rest.idx += (size_t)k * 16;
        rest.coef += (size_t)k * 8;
        vx_hscale_groups_avx2(dst0 + 4 * k, src0, &rest);
        vx_hscale_groups_avx2(dst1 + 4 * k, src1, &rest);
    }
    return 4 * n;
}

void vx_hscale_rows_avx2(int16_t *const *dst, const uint8_t *const *src, int nr, int channels,
                         const VxScaleFilter *f)
{
    const VxScaleGroups *g = channels == 2 ? &f->g2 : &f->g1;
    for (int r = 0; r < nr; r++) {
        if (r + 1 < nr && g->n) {
            const int taps = f->taps;
            for (int i = groups_rows2_avx2(dst[r], dst[r + 1], src[r], src[r + 1], g) / channels;
                 i < f->n_out; i++) {
                const int16_t *c = f->coef + (size_t)i * taps;
                const ptrdiff_t o = (ptrdiff_t)f->pos[i] * channels;
                for (int q = r; q < r + 2; q++)
                    for (int ch = 0; ch < channels; ch++)
                        dst[q][channels * i + ch] = hscale_one(src[q] + o + ch, channels, c, taps);
            }
            r++;
        } else if (channels == 2) {
            vx_hscale2_avx2(dst[r], src[r], f);
        } else {
            vx_hscale_avx2(dst[r], src[r], 1, f);
        }
    }
}
