/* C reference of the blending kernels. */
#include "blend.h"

static void mask_c(uint8_t *dst, const uint8_t *under, const uint8_t *m, int step, int w)
{
    for (int x = 0; x < w; x++) {
        unsigned a = m[x];
        dst[x * step] = (uint8_t)vx_div255(dst[x * step] * a + under[x * step] * (255 - a));
    }
}

static void over_c(uint8_t *dst, const uint8_t *src, const uint8_t *m, int step, int w)
{
    for (int x = 0; x < w; x++) {
        unsigned a = m[x];
        dst[x * step] = (uint8_t)vx_div255(src[x * step] * a + dst[x * step] * (255 - a));
    }
}

void vx_blend_dsp_init(VxBlendDSP *d, unsigned cpu_flags)
{
    (void)cpu_flags;
    d->mask = mask_c;
    d->over = over_c;
#if defined(VX_ARCH_AARCH64)
    vx_blend_dsp_init_arm(d, cpu_flags);
#endif
}
