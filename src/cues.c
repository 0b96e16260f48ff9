/* The cues of an SRT or WebVTT file: cues.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cues.h"

/* "HH:MM:SS,mmm" or "MM:SS.mmm" (WebVTT) at *s; seconds, or -1. */
static double parse_time(const char **s)
{
    const char *p = *s;
    while (*p == ' ' || *p == '\t')
        p++;
    long f[3] = {0, 0, 0};
    int n = 0;
    for (;;) {
        if (*p < '0' || *p > '9')
            return -1;
        long x = 0;
        int digits = 0;
        while (*p >= '0' && *p <= '9' && digits < 9)
            x = x * 10 + (*p++ - '0'), digits++;
        if (n == 3)
            return -1;
        f[n++] = x;
        if (*p != ':')
            break;
        p++;
    }
    if (n < 2 || (*p != ',' && *p != '.') || f[n - 1] > 59 || (n == 3 && f[1] > 59))
        return -1;
    p++;
    int ms = 0, digits = 0;
    while (*p >= '0' && *p <= '9' && digits < 3)
        ms = ms * 10 + (*p++ - '0'), digits++;
    if (digits != 3)
        return -1;
    *s = p;
    return n == 3 ? f[0] * 3600.0 + f[1] * 60.0 + f[2] + ms / 1000.0
                  : f[0] * 60.0 + f[1] + ms / 1000.0;
}

static int fail_line(VxContext *ctx, const char *file, int line, const char *why)
{
    return vx_fail_at(ctx, VX_ERR(EINVAL), file, line, "sources.captions", "%s:%d: %s", file,
                      line, why);
}

/* Parses buf (len bytes, NUL-terminated, taken over: freed here). */
static int parse(VxContext *ctx, const char *file, char *buf, size_t len, VxCue **cues,
                 int *ncues)
{
    struct {
        VxCue *cues;
        int n;
    } cc = {NULL, 0}, *c = &cc;
    int ret = 0;
    /* UTF-8 only (a BOM is skipped), checked whole first so the line can be named */
    int line = 1;
    for (size_t i = 0; i < len;) {
        int l = vx_utf8_len((const unsigned char *)buf + i, len - i);
        if (!l || !buf[i]) {
            free(buf);
            return fail_line(ctx, file, line, "not UTF-8 text (save the subtitles as UTF-8)");
        }
        line += buf[i] == '\n';
        i += (size_t)l;
    }
    char *p = buf + (len >= 3 && !memcmp(buf, "\xef\xbb\xbf", 3) ? 3 : 0);
    int vtt = !strncmp(p, "WEBVTT", 6);
    line = 0;
    int64_t cap_cues = 0;
    char *text = NULL;
    size_t tlen = 0;
    VxCue cur = {0, 0, NULL};
    int in_cue = 0, skip_block = vtt, ids = 0; /* skip: the WEBVTT header block */
    while (p && *p) {
        char *nl = strchr(p, '\n');
        if (nl)
            *nl = 0;
        size_t n = strlen(p);
        if (n && p[n - 1] == '\r')
            p[--n] = 0;
        line++;
        if (!n) { /* a blank line ends a block */
            if (in_cue) {
                if (vx_grow((void **)&c->cues, &cap_cues, c->n, sizeof(*c->cues), 1 << 20) < 0) {
                    ret = VX_ERR(ENOMEM);
                    break;
                }
                cur.text = text ? text : strdup("");
                c->cues[c->n++] = cur;
                text = NULL, tlen = 0, in_cue = 0;
            }
            skip_block = 0, ids = 0;
        } else if (in_cue) {
            size_t add = n + 3;
            char *nt = realloc(text, tlen + add + 1);
            if (!nt) {
                ret = VX_ERR(ENOMEM);
                break;
            }
            text = nt;
            if (tlen)
                text[tlen++] = '\n';
            memcpy(text + tlen, p, n);
            tlen += n;
            text[tlen] = 0;
        } else if (!skip_block && (strstr(p, "-->") || strstr(p, " -> "))) {
            const char *s = p;
            double a = parse_time(&s);
            while (*s == ' ' || *s == '\t')
                s++;
            double b = a >= 0 && !strncmp(s, "-->", 3) ? (s += 3, parse_time(&s)) : -1;
            if (a < 0 || b < 0) {
                ret = fail_line(ctx, file, line, "malformed cue timing (expected "
                                                 "\"00:00:01,000 --> 00:00:02,500\")");
                break;
            }
            if (b <= a) {
                ret = fail_line(ctx, file, line, "the cue ends before it starts");
                break;
            }
            cur = (VxCue){a, b, NULL};
            in_cue = 1;
        } else if (!skip_block && vtt && (!strncmp(p, "NOTE", 4) || !strncmp(p, "STYLE", 5) ||
                                          !strncmp(p, "REGION", 6))) {
            skip_block = 1;
        } else if (!skip_block && ((!vtt && strspn(p, "0123456789") != n) || ids++)) {
            ret = fail_line(ctx, file, line, "expected a cue number or a cue timing line");
            break;
        }
        p = nl ? nl + 1 : NULL;
    }
    if (!ret && in_cue) {
        if (vx_grow((void **)&c->cues, &cap_cues, c->n, sizeof(*c->cues), 1 << 20) < 0) {
            ret = VX_ERR(ENOMEM);
        } else {
            cur.text = text ? text : strdup("");
            c->cues[c->n++] = cur;
            text = NULL;
        }
    }
    free(text);
    free(buf);
    if (!ret && !c->n)
        ret = fail_line(ctx, file, line, "no cue in the file (expected SRT or WebVTT)");
    if (ret < 0) {
        vx_cues_free(c->cues, c->n);
        return ret;
    }
    *cues = c->cues, *ncues = c->n;
    return 0;
}

int vx_cues_parse(VxContext *ctx, const char *file, const char *data, size_t size, VxCue **cues,
                  int *ncues)
{
    *cues = NULL, *ncues = 0;
    char *buf = malloc(size + 1);
    if (!buf)
        return VX_ERR(ENOMEM);
    memcpy(buf, data, size);
    buf[size] = 0;
    return parse(ctx, file, buf, size, cues, ncues);
}

int vx_cues_read(VxContext *ctx, const char *file, VxCue **cues, int *ncues)
{
    *cues = NULL, *ncues = 0;
    char *buf;
    size_t len;
    int ret = vx_read_file(file, 64u << 20, &buf, &len);
    if (ret == VX_ERR(EFBIG))
        return vx_fail(ctx, VX_ERR(EINVAL), "%s: sources.captions: larger than 64 MiB", file);
    if (ret < 0)
        return ret == VX_ERR(ENOMEM) ? ret
                                     : vx_fail(ctx, ret, "%s: sources.captions: cannot read the "
                                               "file: %s", file, strerror(-ret));
    return parse(ctx, file, buf, len, cues, ncues);
}

void vx_cues_free(VxCue *cues, int n)
{
    for (int i = 0; i < n; i++)
        free(cues[i].text);
    free(cues);
}
