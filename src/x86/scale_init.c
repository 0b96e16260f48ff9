/* x86 dispatch for the scaling kernels: each ISA overwrites the table in order of capability. */
#include "dsp/scale.h"
#include "vexport/vexport.h"

void vx_hscale_avx2(int16_t *dst, const uint8_t *src, int src_step, const VxScaleFilter *f);
void vx_vscale_avx2(uint8_t *dst, int dst_step, const int16_t *const *rows, const int16_t *coef,
                    int taps, int w);

void vx_hscale2_avx2(int16_t *dst, const uint8_t *src, const VxScaleFilter *f);
void vx_hscale_avx512(int16_t *dst, const uint8_t *src, int src_step, const VxScaleFilter *f);
void vx_hscale2_avx512(int16_t *dst, const uint8_t *src, const VxScaleFilter *f);
void vx_vscale_avx512(uint8_t *dst, int dst_step, const int16_t *const *rows, const int16_t *coef,
                      int taps, int w);

void vx_hscale_rows_avx2(int16_t *const *dst, const uint8_t *const *src, int nr, int channels,
                         const VxScaleFilter *f);
void vx_hscale_rows_avx512(int16_t *const *dst, const uint8_t *const *src, int nr, int channels,
                           const VxScaleFilter *f);

void vx_scale_dsp_init_x86(VxScaleDSP *d, unsigned cpu_flags)
{
    if (cpu_flags & VX_CPU_AVX2) {
        d->hscale = vx_hscale_avx2;
        d->vscale = vx_vscale_avx2;
        d->hscale2 = vx_hscale2_avx2;
        d->hscale_rows = vx_hscale_rows_avx2;
    }
    if ((cpu_flags & VX_CPU_AVX2) && (cpu_flags & VX_CPU_AVX512) &&
        (cpu_flags & VX_CPU_AVX512VNNI)) {
        d->hscale = vx_hscale_avx512;
        d->hscale2 = vx_hscale2_avx512;
        d->vscale = vx_vscale_avx512;
        d->hscale_rows = vx_hscale_rows_avx512;
    }
}
