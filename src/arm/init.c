/* aarch64 dispatch: NEON is baseline there, but the CPU mask (VEXPORT_CPU=c, --cpu c) can still
 * turn it off so the C references run (and are tested) on the same machine. */
#include "arm/neon.h"
#include "vexport/vexport.h"

void vx_scale_dsp_init_arm(VxScaleDSP *d, unsigned cpu_flags)
{
    if (cpu_flags & VX_CPU_NEON) {
        d->hscale = vx_hscale_neon;
        d->hscale2 = vx_hscale2_neon;
        d->hscale_rows = vx_hscale_rows_neon;
        d->vscale = vx_vscale_neon;
    }
}

void vx_blend_dsp_init_arm(VxBlendDSP *d, unsigned cpu_flags)
{
    if (cpu_flags & VX_CPU_NEON) {
        d->mask = vx_blend_mask_neon;
        d->over = vx_blend_over_neon;
        d->over_uv = vx_blend_over_uv_neon;
        d->rgba_nv12 = vx_blend_rgba_nv12_neon;
        d->lerp16 = vx_blend_lerp16_neon;
        d->tint = vx_blend_tint_neon;
        d->tint_uv = vx_blend_tint_uv_neon;
    }
}

void vx_convert_dsp_init_arm(VxConvertDSP *d, unsigned cpu_flags)
{
    if (cpu_flags & VX_CPU_NEON) {
        d->rgb_to_yuv420 = vx_rgb_to_yuv420_neon;
        d->yuv420_to_rgb = vx_yuv420_to_rgb_neon;
    }
}
