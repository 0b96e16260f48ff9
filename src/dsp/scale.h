/* Separable plane scaling kernels (Catmull-Rom, widened when shrinking).
 * Coefficients are 14-bit fixed point summing to 1 << 14; the horizontal pass keeps 6
 * fractional bits in int16, the vertical pass rounds to 8-bit. Kept free of FFmpeg. */
#ifndef VX_DSP_SCALE_H
#define VX_DSP_SCALE_H

#include <stddef.h>
#include <stdint.h>

#define VX_SCALE_COEF_BITS 14
#define VX_SCALE_MID_BITS 6

typedef struct VxScaleFilter {
    int n_src;      /* source samples */
    int n_out;      /* outputs */
    int taps;       /* taps per output */
    int32_t *pos;   /* first source index per output, so pos[i] + taps <= n_src */
    int16_t *coef;  /* n_out * taps coefficients */
    int ptaps;      /* taps rounded up to 8 or 16 (0 if more than 16) */
    int16_t *coef_pad; /* n_out * ptaps coefficients, zero-padded, for SIMD kernels */
    int identity;   /* 1 when output i is exactly source i */
} VxScaleFilter;

/* Output i is centred on source position ratio * i + offset (in source samples); the
 * kernel is widened by max(1, ratio). Samples outside [0, n_src) repeat the edge. */
int vx_scale_filter_build(VxScaleFilter *f, int n_src, int n_out, double ratio, double offset);
void vx_scale_filter_free(VxScaleFilter *f);

typedef struct VxScaleDSP {
    /* dst[i] = sum_t src[(pos[i] + t) * step] * coef[i * taps + t] >> (14 - 6), i < n_out */
    void (*hscale)(int16_t *dst, const uint8_t *src, int src_step, const VxScaleFilter *f);
    /* dst[x * step] = clip8(sum_t rows[t][x] * coef[t] >> 20), x < w */
    void (*vscale)(uint8_t *dst, int dst_step, const int16_t *const *rows,
                   const int16_t *coef, int taps, int w);
} VxScaleDSP;

void vx_scale_dsp_init(VxScaleDSP *d, unsigned cpu_flags);
void vx_scale_dsp_init_x86(VxScaleDSP *d, unsigned cpu_flags);
void vx_scale_dsp_init_arm(VxScaleDSP *d, unsigned cpu_flags);

#endif
