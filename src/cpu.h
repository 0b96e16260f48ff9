/* CPU capability detection (free of FFmpeg, so the kernels and their tests build alone). */
#ifndef VX_CPU_H
#define VX_CPU_H

unsigned vx_cpu_detect(void);
/* Applies VEXPORT_CPU and a settings mask to the detected flags. */
unsigned vx_cpu_effective(unsigned settings_mask);
/* Parses "c", "sse4", "avx2", "avx512", "neon" into a mask; -1 if unknown. */
long vx_cpu_parse_level(const char *s);

#endif
