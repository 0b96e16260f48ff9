/* x86 dispatch for the change-detection kernel. */
#include "dsp/diff.h"
#include "vexport/vexport.h"

void vx_diff_span_avx2(const uint8_t *a, const uint8_t *b, int n, int *lo, int *hi);

void vx_diff_dsp_init_x86(VxDiffDSP *d, unsigned cpu_flags)
{
    if (cpu_flags & VX_CPU_AVX2)
        d->span = vx_diff_span_avx2;
}
