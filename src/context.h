/* The library context and its logging (log.c): FFmpeg-free, so the compositor, the layers and
 * the scene build without it. */
#ifndef VX_CONTEXT_H
#define VX_CONTEXT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "vexport/vexport.h"

#define VX_ERRBUF 1024

struct VxContext {
    VxSettings s;
    unsigned cpu_flags; /* detected & allowed */
    char last_error[VX_ERRBUF];
};

/* ---- log.c ---- */
void vx_log(VxContext *ctx, int level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Logs at error level, keeps it as the last error, returns code. */
int vx_fail(VxContext *ctx, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Makes room in the array *p (*cap elements of `size` bytes) for element n: doubles the
 * capacity (from 64) when n has reached it. VX_ERR(ENOMEM) when the allocation fails or the
 * capacity would pass max elements; the array is unchanged then. */
int vx_grow(void **p, int64_t *cap, int64_t n, size_t size, int64_t max);

#include "cpu.h"

#endif
