/* x86 dispatch for the blending kernels. */
#include "dsp/blend.h"
#include "vexport/vexport.h"

void vx_blend_mask_avx2(uint8_t *dst, const uint8_t *under, const uint8_t *m, int step, int w);
void vx_blend_over_avx2(uint8_t *dst, const uint8_t *src, const uint8_t *m, int step, int w);
void vx_blend_over_uv_avx2(uint8_t *dst, const uint8_t *src, const uint8_t *m, int w);
void vx_blend_rgba_nv12_avx2(uint8_t *y0, uint8_t *y1, uint8_t *uv, const uint8_t *s0,
                             const uint8_t *s1, int w, const VxConvCoefs *c, int premultiplied);
void vx_blend_lerp16_avx2(uint8_t *dst, const uint16_t *a, const uint16_t *b, int f, int n);
void vx_blend_tint_avx2(uint8_t *dst, const uint8_t *cov, int c, int a, int n);
void vx_blend_tint_uv_avx2(uint8_t *dst, const uint8_t *cov, int cb, int cr, int a, int n);

void vx_blend_dsp_init_x86(VxBlendDSP *d, unsigned cpu_flags)
{
    if (cpu_flags & VX_CPU_AVX2) {
        d->mask = vx_blend_mask_avx2;
        d->over = vx_blend_over_avx2;
        d->over_uv = vx_blend_over_uv_avx2;
        d->rgba_nv12 = vx_blend_rgba_nv12_avx2;
        d->lerp16 = vx_blend_lerp16_avx2;
        d->tint = vx_blend_tint_avx2;
        d->tint_uv = vx_blend_tint_uv_avx2;
    }
}
