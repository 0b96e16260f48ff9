/* Change detection for incremental compose: where two rows differ. Kept free of FFmpeg. */
#ifndef VX_DSP_DIFF_H
#define VX_DSP_DIFF_H

#include <stdint.h>

typedef struct VxDiffDSP {
    /* The first and one past the last byte index where a[0..n) and b[0..n) differ:
     * *lo = *hi = 0 when they are equal. n >= 1. */
    void (*span)(const uint8_t *a, const uint8_t *b, int n, int *lo, int *hi);
} VxDiffDSP;

void vx_diff_dsp_init(VxDiffDSP *d, unsigned cpu_flags);
void vx_diff_dsp_init_x86(VxDiffDSP *d, unsigned cpu_flags);

#endif
