/* CPU capability detection and masking (VEXPORT_CPU, VxSettings.cpu_mask). */
#include <stdlib.h>
#include <string.h>

#include "cpu.h"
#include "vexport/vexport.h"

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
static unsigned detect_x86(void)
{
    unsigned a, b, c, d, flags = 0;
    if (!__get_cpuid(1, &a, &b, &c, &d))
        return 0;
    if (c & bit_SSE4_1)
        flags |= VX_CPU_SSE41;
    int osxsave = !!(c & bit_OSXSAVE), avx = !!(c & bit_AVX);
    if (!osxsave || !avx)
        return flags;
    unsigned xlo, xhi;
    __asm__ volatile("xgetbv" : "=a"(xlo), "=d"(xhi) : "c"(0));
    (void)xhi;
    if ((xlo & 6) != 6)
        return flags;
    if (__get_cpuid_max(0, NULL) < 7)
        return flags;
    __cpuid_count(7, 0, a, b, c, d);
    if (b & bit_AVX2)
        flags |= VX_CPU_AVX2;
    if ((xlo & 0xe0) == 0xe0 && (b & bit_AVX512F) && (b & bit_AVX512BW) && (b & bit_AVX512VL)) {
        flags |= VX_CPU_AVX512;
        /* VNNI with VBMI (Ice Lake and later): the scaler's AVX-512 kernels need both */
        if ((c & bit_AVX512VNNI) && (c & bit_AVX512VBMI))
            flags |= VX_CPU_AVX512VNNI;
    }
    return flags;
}
#endif

unsigned vx_cpu_detect(void)
{
#if defined(__x86_64__) || defined(__i386__)
    return detect_x86();
#elif defined(__aarch64__)
    return VX_CPU_NEON;
#else
    return 0;
#endif
}

long vx_cpu_level_mask(const char *s)
{
    if (!s)
        return VX_ERR(EINVAL);
    if (!strcmp(s, "c") || !strcmp(s, "none"))
        return 0;
    if (!strcmp(s, "sse4"))
        return VX_CPU_SSE41;
    if (!strcmp(s, "avx2"))
        return VX_CPU_SSE41 | VX_CPU_AVX2;
    if (!strcmp(s, "avx512"))
        return VX_CPU_SSE41 | VX_CPU_AVX2 | VX_CPU_AVX512 | VX_CPU_AVX512VNNI;
    if (!strcmp(s, "neon"))
        return VX_CPU_NEON;
    return VX_ERR(EINVAL);
}

unsigned vx_cpu_effective(unsigned settings_mask)
{
    unsigned f = vx_cpu_detect() & settings_mask;
    const char *env = getenv("VEXPORT_CPU");
    if (env && *env) {
        long m = vx_cpu_level_mask(env);
        if (m >= 0)
            f &= (unsigned)m;
    }
    return f;
}
