/* Blending kernels for the compositor. Kept free of FFmpeg. */
#ifndef VX_DSP_BLEND_H
#define VX_DSP_BLEND_H

#include <stdint.h>

/* round(v / 255) for 0 <= v <= 65535 */
static inline unsigned vx_div255(unsigned v)
{
    v += 128;
    return (v + (v >> 8)) >> 8;
}

typedef struct VxBlendDSP {
    /* dst[x*step] = (dst[x*step] * m[x] + under[x*step] * (255 - m[x])) / 255, rounded;
     * for an 8-bit coverage mask (rounded corners, camera bubble). */
    void (*mask)(uint8_t *dst, const uint8_t *under, const uint8_t *m, int step, int w);
    /* dst[x*step] = (src[x*step] * m[x] + dst[x*step] * (255 - m[x])) / 255, rounded;
     * src drawn over dst with an 8-bit coverage (cursor, camera bubble). */
    void (*over)(uint8_t *dst, const uint8_t *src, const uint8_t *m, int step, int w);
} VxBlendDSP;

void vx_blend_dsp_init(VxBlendDSP *d, unsigned cpu_flags);
void vx_blend_dsp_init_arm(VxBlendDSP *d, unsigned cpu_flags);

#endif
