/* CPU capability detection (free of FFmpeg, so the kernels and their tests build alone). */
#ifndef VX_CPU_H
#define VX_CPU_H

unsigned vx_cpu_detect(void);
/* Applies VEXPORT_CPU and a settings mask to the detected flags. */
unsigned vx_cpu_effective(unsigned settings_mask);
/* The level names are parsed by vx_cpu_level_mask (public, vexport.h). */

#endif
