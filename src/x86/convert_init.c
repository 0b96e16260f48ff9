/* x86 dispatch for the conversion kernels: each ISA overwrites the table in order of
 * capability. */
#include "dsp/convert.h"
#include "vexport/vexport.h"

void vx_rgb_to_yuv420_avx2(const uint8_t *s0, const uint8_t *s1, uint8_t *y0, uint8_t *y1,
                           uint8_t *u, uint8_t *v, int uvstep, int w, const VxConvCoefs *c);
void vx_yuv420_to_rgb_avx2(uint8_t *dst, const uint8_t *y, const uint8_t *u, const uint8_t *v,
                           int uvstep, int w, const VxConvCoefs *c);
void vx_rgb_to_yuv420_avx512(const uint8_t *s0, const uint8_t *s1, uint8_t *y0, uint8_t *y1,
                             uint8_t *u, uint8_t *v, int uvstep, int w, const VxConvCoefs *c);
void vx_yuv420_to_rgb_avx512(uint8_t *dst, const uint8_t *y, const uint8_t *u, const uint8_t *v,
                             int uvstep, int w, const VxConvCoefs *c);
void vx_rgb_to_yuv420_avx512vnni(const uint8_t *s0, const uint8_t *s1, uint8_t *y0,
                                 uint8_t *y1, uint8_t *u, uint8_t *v, int uvstep, int w,
                                 const VxConvCoefs *c);
void vx_yuv420_to_rgb_avx512vnni(uint8_t *dst, const uint8_t *y, const uint8_t *u,
                                 const uint8_t *v, int uvstep, int w, const VxConvCoefs *c);

void vx_convert_dsp_init_x86(VxConvertDSP *d, unsigned cpu_flags)
{
    if (cpu_flags & VX_CPU_AVX2) {
        d->rgb_to_yuv420 = vx_rgb_to_yuv420_avx2;
        d->yuv420_to_rgb = vx_yuv420_to_rgb_avx2;
    }
    if ((cpu_flags & VX_CPU_AVX512) && (cpu_flags & VX_CPU_AVX2)) {
        d->rgb_to_yuv420 = vx_rgb_to_yuv420_avx512;
        d->yuv420_to_rgb = vx_yuv420_to_rgb_avx512;
        if (cpu_flags & VX_CPU_AVX512VNNI) {
            d->rgb_to_yuv420 = vx_rgb_to_yuv420_avx512vnni;
            d->yuv420_to_rgb = vx_yuv420_to_rgb_avx512vnni;
        }
    }
}
