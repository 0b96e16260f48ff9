/* Logging and error reporting: messages go to the context's callback and last-error buffer,
 * never to stderr. */
#include <sys/stat.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static void copy_str(char *dst, size_t n, const char *src)
{
    snprintf(dst, n, "%s", src ? src : "");
}

static void vx_vlog(VxContext *ctx, int level, const VxError *about, const char *fmt,
                    va_list ap)
{
    char buf[VX_ERRBUF];
    vsnprintf(buf, sizeof(buf), fmt, ap);
    if (!ctx)
        return;
    if (about) {
        VxError *e = &ctx->err;
        e->code = about->code;
        e->line = about->line;
        copy_str(e->key, sizeof(e->key), about->key);
        copy_str(e->file, sizeof(e->file), about->file);
        copy_str(e->message, sizeof(e->message), buf);
    }
    if (ctx->s.log_cb && level <= ctx->s.log_level)
        ctx->s.log_cb(ctx->s.log_opaque, level, buf);
}

void vx_log(VxContext *ctx, int level, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vx_vlog(ctx, level, NULL, fmt, ap);
    va_end(ap);
}

int vx_fail(VxContext *ctx, int code, const char *fmt, ...)
{
    VxError about = {.code = code};
    va_list ap;
    va_start(ap, fmt);
    vx_vlog(ctx, VX_LOG_ERROR, &about, fmt, ap);
    va_end(ap);
    return code;
}

int vx_fail_at(VxContext *ctx, int code, const char *file, int line, const char *key,
               const char *fmt, ...)
{
    VxError about = {.code = code, .line = line};
    copy_str(about.key, sizeof(about.key), key);
    copy_str(about.file, sizeof(about.file), file);
    va_list ap;
    va_start(ap, fmt);
    vx_vlog(ctx, VX_LOG_ERROR, &about, fmt, ap);
    va_end(ap);
    return code;
}

int vx_fail_line(VxContext *ctx, int *err, const char *file, int line, const char *key,
                 const char *fmt, ...)
{
    char msg[512];
    if (*err)
        return *err;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    return *err = vx_fail_at(ctx, VX_ERR(EINVAL), file, line, key, "%s:%d: %s", file, line, msg);
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

int vx_utf8_len(const unsigned char *p, size_t n)
{
    int len = p[0] < 0x80 ? 1 : (p[0] & 0xe0) == 0xc0 ? 2 : (p[0] & 0xf0) == 0xe0 ? 3
                                : (p[0] & 0xf8) == 0xf0 ? 4 : 0;
    if (!len || (size_t)len > n || (len == 2 && p[0] < 0xc2) || (len == 4 && p[0] > 0xf4))
        return 0;
    for (int i = 1; i < len; i++)
        if ((p[i] & 0xc0) != 0x80)
            return 0;
    if ((len == 3 && p[0] == 0xe0 && p[1] < 0xa0) || (len == 3 && p[0] == 0xed && p[1] >= 0xa0) ||
        (len == 4 && p[0] == 0xf0 && p[1] < 0x90) || (len == 4 && p[0] == 0xf4 && p[1] >= 0x90))
        return 0;
    return len;
}

size_t vx_utf8_cut(const char *s, size_t len, size_t max)
{
    if (len <= max)
        return len;
    while (max && ((unsigned char)s[max] & 0xc0) == 0x80)
        max--;
    return max;
}

int vx_path_special(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode);
}

int vx_read_file(const char *path, size_t max, char **buf, size_t *len)
{
    *buf = NULL, *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return VX_ERR(errno ? errno : EIO);
    char *b = NULL;
    size_t n = 0, cap = 0;
    int err = 0;
    for (;;) {
        if (n + 4096 + 1 > cap) {
            char *nb = n > max ? NULL : realloc(b, cap = cap ? cap * 2 : 8192);
            if (!nb) {
                err = n > max ? VX_ERR(EFBIG) : VX_ERR(ENOMEM);
                break;
            }
            b = nb;
        }
        size_t got = fread(b + n, 1, 4096, f);
        n += got;
        if (got < 4096) {
            if (ferror(f))
                err = VX_ERR(errno ? errno : EIO);
            break;
        }
    }
    fclose(f);
    if (!err && n > max)
        err = VX_ERR(EFBIG);
    if (err) {
        free(b);
        return err;
    }
    b[n] = 0;
    *buf = b, *len = n;
    return 0;
}

int vx_read_source(VxContext *ctx, const char *path, const char *key, size_t max_mib, char **buf,
                   size_t *len)
{
    const int ret = vx_read_file(path, max_mib << 20, buf, len);
    if (ret == VX_ERR(EFBIG))
        return vx_fail(ctx, VX_ERR(EINVAL), "%s: %s: larger than %zu MiB", path, key, max_mib);
    if (ret < 0 && ret != VX_ERR(ENOMEM))
        return vx_fail(ctx, ret, "%s: %s: cannot read the file: %s", path, key, strerror(-ret));
    return ret;
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
