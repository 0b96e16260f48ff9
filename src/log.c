/* Logging and error reporting: messages go to the context's callback and last-error buffer,
 * never to stderr. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "context.h"

static void vx_vlog(VxContext *ctx, int level, int keep, const char *fmt, va_list ap)
{
    char buf[VX_ERRBUF];
    vsnprintf(buf, sizeof(buf), fmt, ap);
    if (!ctx)
        return;
    if (keep)
        memcpy(ctx->last_error, buf, sizeof(buf));
    if (ctx->s.log_cb && level <= ctx->s.log_level)
        ctx->s.log_cb(ctx->s.log_opaque, level, buf);
}

void vx_log(VxContext *ctx, int level, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vx_vlog(ctx, level, 0, fmt, ap);
    va_end(ap);
}

int vx_fail(VxContext *ctx, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vx_vlog(ctx, VX_LOG_ERROR, 1, fmt, ap);
    va_end(ap);
    return code;
}

int vx_grow(void **p, int64_t *cap, int64_t n, size_t size, int64_t max)
{
    if (n < *cap)
        return 0;
    if (*cap > max / 2 || (uint64_t)*cap * 2 > SIZE_MAX / size)
        return VX_ERR(ENOMEM);
    const int64_t c = *cap ? *cap * 2 : 64;
    void *q = realloc(*p, (size_t)c * size);
    if (!q)
        return VX_ERR(ENOMEM);
    *p = q;
    *cap = c;
    return 0;
}

const char *vx_strerror(int code)
{
    switch (-code) {
    case 0: return "success";
    case EINVAL: return "invalid input";
    case ENOENT: return "file not found";
    case ENOMEM: return "out of memory";
    case ENOSYS: return "not supported";
    case ECANCELED: return "cancelled";
    case EIO: return "input/output error";
    case ENOSPC: return "no space left on device";
    case EACCES: return "permission denied";
    default: return strerror(-code);
    }
}
