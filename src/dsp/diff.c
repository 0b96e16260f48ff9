/* C reference of the change-detection kernel. */
#include <string.h>

#include "diff.h"

static inline uint64_t load64(const uint8_t *p)
{
    uint64_t v;
    memcpy(&v, p, sizeof(v));
    return v;
}

static void span_c(const uint8_t *a, const uint8_t *b, int n, int *lo, int *hi)
{
    if (!memcmp(a, b, (size_t)n)) {
        *lo = *hi = 0;
        return;
    }
    /* they differ somewhere: close in from both ends, 8 bytes at a time */
    int l = 0, r = n;
    while (l + 8 <= n && load64(a + l) == load64(b + l))
        l += 8;
    while (a[l] == b[l])
        l++;
    while (r - 8 > l && load64(a + r - 8) == load64(b + r - 8))
        r -= 8;
    while (a[r - 1] == b[r - 1])
        r--;
    *lo = l, *hi = r;
}

void vx_diff_dsp_init(VxDiffDSP *d, unsigned cpu_flags)
{
    d->span = span_c;
#if defined(VX_ARCH_X86)
    vx_diff_dsp_init_x86(d, cpu_flags);
#else
    (void)cpu_flags;
#endif
}
