/* RGB <-> Y'CbCr 4:2:0 conversion kernels. Kept free of FFmpeg.
 *
 * The C reference defines the exact result; every SIMD version must match it bit for bit.
 * The arithmetic is chosen so that SIMD can do it with pmaddwd and 32-bit sums:
 *  - RGB -> YUV: 15-bit signed coefficients (every one fits in int16), products summed in
 *    32 bits. Chroma is computed from the weighted sum of the 2x2 (centre) or [1 2 1] x 2
 *    (left-sited) footprint, weights totalling 8, so it is rounded once, from the sums.
 *  - YUV -> RGB: 13-bit signed coefficients (2.14 for BT.2020 Cb->B still fits in int16).
 */
#ifndef VX_DSP_CONVERT_H
#define VX_DSP_CONVERT_H

#include <stdint.h>

#define VX_CONV_BITS 15  /* RGB -> YUV fractional bits */
#define VX_CONV_IBITS 13 /* YUV -> RGB fractional bits */

typedef struct VxConvCoefs {
    /* RGB -> YUV, VX_CONV_BITS fractional bits; offsets already scaled */
    int32_t yr, yg, yb, ur, ug, ub, vr, vg, vb;
    int32_t y_off, uv_off;
    /* YUV -> RGB, VX_CONV_IBITS fractional bits; ky_off includes the rounding half */
    int32_t ky, rv, gu, gv, bu, ky_off;
    int roff, goff, boff, aoff; /* byte offsets of R, G, B, A in a pixel */
    int left_sited;             /* chroma filter [1 2 1]/4 (left) or [1 1]/2 (centre) */
    int nt_store; /* hint: the output will not be read soon (streaming stores, where a kernel
                     has them: the x86 NV12 left-sited RGB -> YUV path) */
} VxConvCoefs;

typedef struct VxConvertDSP {
    /* Two RGB rows (s1 == s0 for a last odd row) -> luma rows y0, y1 (y1 may be NULL) and
     * one chroma row (u, v at step uvstep, 1 or 2). */
    void (*rgb_to_yuv420)(const uint8_t *s0, const uint8_t *s1, uint8_t *y0, uint8_t *y1,
                          uint8_t *u, uint8_t *v, int uvstep, int w, const VxConvCoefs *c);
    /* One luma row and its chroma row -> RGB row (alpha 255). */
    void (*yuv420_to_rgb)(uint8_t *dst, const uint8_t *y, const uint8_t *u, const uint8_t *v,
                          int uvstep, int w, const VxConvCoefs *c);
} VxConvertDSP;

void vx_convert_dsp_init(VxConvertDSP *d, unsigned cpu_flags);
void vx_convert_dsp_init_arm(VxConvertDSP *d, unsigned cpu_flags);

/* Fills c for a VxColorSpec (matrix, range, chroma_loc) and the RGB side's byte order
 * (enum VxPixFmt). Returns -1 for a matrix or format it does not know. */
int vx_conv_coefs_init(VxConvCoefs *c, int matrix, int range, int chroma_loc, int rgb_format);

/* The C reference on pixels [x0, w) only (x0 even), so SIMD versions finish a row's tail
 * with it. Reads pixel x0 - 1 for the left-sited chroma filter when x0 > 0. */
void vx_rgb_to_yuv420_part_c(const uint8_t *s0, const uint8_t *s1, uint8_t *y0, uint8_t *y1,
                             uint8_t *u, uint8_t *v, int uvstep, int x0, int w,
                             const VxConvCoefs *c);
void vx_yuv420_to_rgb_part_c(uint8_t *dst, const uint8_t *y, const uint8_t *u,
                             const uint8_t *v, int uvstep, int x0, int w, const VxConvCoefs *c);

#ifdef VX_ARCH_X86
void vx_convert_dsp_init_x86(VxConvertDSP *d, unsigned cpu_flags);
#endif

#endif
