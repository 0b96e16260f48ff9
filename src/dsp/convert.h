/* RGB <-> Y'CbCr 4:2:0 conversion kernels. Kept free of FFmpeg. */
#ifndef VX_DSP_CONVERT_H
#define VX_DSP_CONVERT_H

#include <stdint.h>

#define VX_CONV_BITS 16

typedef struct VxConvCoefs {
    /* RGB -> YUV, VX_CONV_BITS fractional bits; offsets already scaled */
    int32_t yr, yg, yb, ur, ug, ub, vr, vg, vb;
    int32_t y_off, uv_off;
    /* YUV -> RGB */
    int32_t ky, rv, gu, gv, bu, ky_off;
    int roff, goff, boff, aoff; /* byte offsets of R, G, B, A in a pixel */
    int left_sited;             /* chroma filter [1 2 1]/4 (left) or [1 1]/2 (centre) */
} VxConvCoefs;

typedef struct VxConvertDSP {
    /* Two RGB rows (s1 == s0 for a last odd row) -> luma rows y0, y1 (y1 may be NULL) and
     * one chroma row (u, v at step uvstep). */
    void (*rgb_to_yuv420)(const uint8_t *s0, const uint8_t *s1, uint8_t *y0, uint8_t *y1,
                          uint8_t *u, uint8_t *v, int uvstep, int w, const VxConvCoefs *c);
    /* One luma row and its chroma row -> RGB row (alpha 255). */
    void (*yuv420_to_rgb)(uint8_t *dst, const uint8_t *y, const uint8_t *u, const uint8_t *v,
                          int uvstep, int w, const VxConvCoefs *c);
} VxConvertDSP;

void vx_convert_dsp_init(VxConvertDSP *d, unsigned cpu_flags);
void vx_convert_dsp_init_arm(VxConvertDSP *d, unsigned cpu_flags);

#endif
