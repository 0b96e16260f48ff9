/* The library context and its logging (log.c): all that every module shares, and nothing more.
 * FFmpeg-free, so the compositor, the layers and the scene build without it. Each module
 * declares its interface in its own header (source.h, encode.h, compose.h, ...), and a file
 * includes the headers of the modules it uses. */
#ifndef VX_INTERNAL_H
#define VX_INTERNAL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "vexport/vexport.h"

#define VX_ERRBUF 1024

/* A context: the embedder's (vx_open), or a job's own copy of it (vx_job_create), so that each
 * job keeps its own last error while sharing the settings and the log callback. */
struct VxContext {
    VxSettings s;
    unsigned cpu_flags; /* detected & allowed */
    VxError err;        /* the last error: vx_last_error(), vx_last_error_info(), vx_job_error() */
};

/* ---- log.c ---- */
void vx_log(VxContext *ctx, int level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Logs at error level, keeps it as the last error, returns code. */
int vx_fail(VxContext *ctx, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* The same, with what the error is about as fields of the kept VxError: the project key path
 * (NULL: none), the file (NULL: none) and its line (0: none). The message is logged whole. */
int vx_fail_at(VxContext *ctx, int code, const char *file, int line, const char *key,
               const char *fmt, ...) __attribute__((format(printf, 6, 7)));
/* A bad line of a text input (a track): fails with VX_ERR(EINVAL) and "FILE:LINE: message",
 * vx_fail_at's fields set, once: when *err already holds an error it is kept and returned. */
int vx_fail_line(VxContext *ctx, int *err, const char *file, int line, const char *key,
                 const char *fmt, ...) __attribute__((format(printf, 6, 7)));
/* Makes room in the array *p (*cap elements of `size` bytes) for element n: doubles the
 * capacity (from 64) when n has reached it. VX_ERR(ENOMEM) when the allocation fails or the
 * capacity would pass max elements; the array is unchanged then. */
int vx_grow(void **p, int64_t *cap, int64_t n, size_t size, int64_t max);
/* The length of the valid UTF-8 sequence at p (n >= 1 bytes left), 0 if invalid (overlong,
 * a surrogate, past U+10FFFF, cut short). */
int vx_utf8_len(const unsigned char *p, size_t n);
/* The length of UTF-8 text s (len bytes) cut to at most max bytes at a character's start. */
size_t vx_utf8_cut(const char *s, size_t len, size_t max);
/* 1 when path exists and is neither a regular file nor a folder (/dev/null, a FIFO): an
 * output there is written in place, never through a temporary file renamed onto it. */
int vx_path_special(const char *path);
/* Reads the file at path whole into *buf (NUL-terminated after its *len bytes; free it).
 * 0, or VX_ERR(errno) of the open or the read (EISDIR: a folder), VX_ERR(EFBIG) past max
 * bytes, VX_ERR(ENOMEM); *buf is NULL then. Logs nothing: the caller names the file's role. */
int vx_read_file(const char *path, size_t max, char **buf, size_t *len);
/* vx_read_file for a source file of the project key `key` ("sources.captions"), at most
 * max_mib MiB: the failure is the context's error, "PATH: KEY: cannot read the file: why" or
 * "PATH: KEY: larger than N MiB" (EINVAL). */
int vx_read_source(VxContext *ctx, const char *path, const char *key, size_t max_mib, char **buf,
                   size_t *len);

#include "cpu.h"

#endif
