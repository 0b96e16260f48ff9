/* NEON blending kernels, bit-exact with the C reference in dsp/blend.c. */
#include <arm_neon.h>

#include "arm/neon.h"

/* vx_div255 on 8 lanes: v + 128 + ((v + 128) >> 8) stays below 65536 for v <= 255 * 255 */
static inline uint8x8_t div255(uint16x8_t v)
{
    const uint16x8_t t = vaddq_u16(v, vdupq_n_u16(128));
    return vaddhn_u16(t, vshrq_n_u16(t, 8));
}

/* div255(a * m + b * (255 - m)) on 16 lanes */
static inline uint8x16_t mix(uint8x16_t a, uint8x16_t b, uint8x16_t m)
{
    const uint8x16_t im = vmvnq_u8(m);
    const uint16x8_t lo =
        vmlal_u8(vmull_u8(vget_low_u8(a), vget_low_u8(m)), vget_low_u8(b), vget_low_u8(im));
    const uint16x8_t hi = vmlal_high_u8(vmull_high_u8(a, m), b, im);
    return vcombine_u8(div255(lo), div255(hi));
}

/* dst[x*step] = div255(a[x*step] * m[x] + b[x*step] * (255 - m[x])); a or b may be dst */
static inline void mix_row(uint8_t *dst, const uint8_t *a, const uint8_t *b, const uint8_t *m,
                           int step, int w)
{
    int x = 0;
    if (step == 1) {
        for (; x + 16 <= w; x += 16)
            vst1q_u8(dst + x, mix(vld1q_u8(a + x), vld1q_u8(b + x), vld1q_u8(m + x)));
    } else if (step == 2) {
        /* the 2-way load reads the byte after each sample: the last group must end before
         * the row's last sample, so that byte is still in the row */
        for (; x + 16 < w; x += 16) {
            const uint8x16_t r = mix(vld2q_u8(a + 2 * x).val[0], vld2q_u8(b + 2 * x).val[0],
                                     vld1q_u8(m + x));
            /* only the even bytes are ours (the odd ones are the other chroma plane) */
            uint8_t tmp[16];
            vst1q_u8(tmp, r);
            for (int k = 0; k < 16; k++)
                dst[2 * (x + k)] = tmp[k];
        }
    }
    for (; x < w; x++) {
        const unsigned am = m[x];
        dst[x * step] = (uint8_t)vx_div255(a[x * step] * am + b[x * step] * (255 - am));
    }
}

void vx_blend_mask_neon(uint8_t *dst, const uint8_t *under, const uint8_t *m, int step, int w)
{
    mix_row(dst, dst, under, m, step, w);
}

void vx_blend_over_neon(uint8_t *dst, const uint8_t *src, const uint8_t *m, int step, int w)
{
    mix_row(dst, src, dst, m, step, w);
}
