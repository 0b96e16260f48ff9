/* NEON kernels (aarch64), bit-exact with the C references in src/dsp. */
#ifndef VX_ARM_NEON_H
#define VX_ARM_NEON_H

#include "dsp/blend.h"
#include "dsp/convert.h"
#include "dsp/scale.h"

void vx_hscale_neon(int16_t *dst, const uint8_t *src, int src_step, const VxScaleFilter *f);
void vx_hscale2_neon(int16_t *dst, const uint8_t *src, const VxScaleFilter *f);
void vx_hscale_rows_neon(int16_t *const *dst, const uint8_t *const *src, int nr, int channels,
                         const VxScaleFilter *f);
void vx_vscale_neon(uint8_t *dst, int dst_step, const int16_t *const *rows, const int16_t *coef,
                    int taps, int w);
void vx_blend_mask_neon(uint8_t *dst, const uint8_t *under, const uint8_t *m, int step, int w);
void vx_blend_over_neon(uint8_t *dst, const uint8_t *src, const uint8_t *m, int step, int w);
void vx_blend_over_uv_neon(uint8_t *dst, const uint8_t *src, const uint8_t *m, int w);
void vx_blend_rgba_nv12_neon(uint8_t *y0, uint8_t *y1, uint8_t *uv, const uint8_t *s0,
                             const uint8_t *s1, int w, const VxConvCoefs *c, int premultiplied);
void vx_blend_lerp16_neon(uint8_t *dst, const uint16_t *a, const uint16_t *b, int f, int n);
void vx_blend_tint_neon(uint8_t *dst, const uint8_t *cov, int c, int a, int n);
void vx_blend_tint_uv_neon(uint8_t *dst, const uint8_t *cov, int cb, int cr, int a, int n);
void vx_rgb_to_yuv420_neon(const uint8_t *s0, const uint8_t *s1, uint8_t *y0, uint8_t *y1,
                           uint8_t *u, uint8_t *v, int uvstep, int w, const VxConvCoefs *c);
void vx_yuv420_to_rgb_neon(uint8_t *dst, const uint8_t *y, const uint8_t *u, const uint8_t *v,
                           int uvstep, int w, const VxConvCoefs *c);

#endif
