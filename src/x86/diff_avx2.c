/* AVX2 change detection: 32 bytes a step from each end, the first differing byte found by
 * bit scan of the compare mask. Same results as the C reference. */
#include <immintrin.h>
#include <string.h>

#include "dsp/diff.h"

static inline unsigned neq_mask(const uint8_t *a, const uint8_t *b)
{
    __m256i x = _mm256_loadu_si256((const __m256i *)a), y = _mm256_loadu_si256((const __m256i *)b);
    return ~(unsigned)_mm256_movemask_epi8(_mm256_cmpeq_epi8(x, y));
}

void vx_diff_span_avx2(const uint8_t *a, const uint8_t *b, int n, int *lo, int *hi)
{
    int l = 0;
    unsigned m = 0;
    for (; l + 32 <= n; l += 32)
        if ((m = neq_mask(a + l, b + l)))
            break;
    if (!m) { /* the tail, bytewise */
        while (l < n && a[l] == b[l])
            l++;
        if (l == n) {
            *lo = *hi = 0;
            return;
        }
    } else {
        l += __builtin_ctz(m);
    }
    /* from the right: the last differing byte is at or after l */
    int r = n;
    for (; r - 32 >= l; r -= 32)
        if ((m = neq_mask(a + r - 32, b + r - 32))) {
            *lo = l, *hi = r - __builtin_clz(m);
            return;
        }
    while (a[r - 1] == b[r - 1])
        r--;
    *lo = l, *hi = r;
}
