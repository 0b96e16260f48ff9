/* The cues of an SRT or WebVTT file: cues.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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
    const int ret = vx_read_source(ctx, file, "sources.captions", 64, &buf, &len);
    return ret < 0 ? ret : parse(ctx, file, buf, len, cues, ncues);
}

/* The length of the markup at s (docs/project-format.md, "Captions", Markup), 0 when s does not
 * start one; *bit: the style it turns on (> 0) or off (< 0), 0 for markup that is dropped. */
static size_t tag_at(const char *s, int *bit)
{
    *bit = 0;
    if (s[0] == '{' && s[1] == '\\') { /* an ASS override block of an SRT file: {\an8} */
        size_t n = strcspn(s + 1, "{}\n");
        return s[1 + n] == '}' ? n + 2 : 0;
    }
    if (s[0] != '<')
        return 0;
    const size_t n = strcspn(s + 1, "<>\n");
    if (s[1 + n] != '>' || !n)
        return 0;
    const char *t = s + 1;
    if (strspn(t, "0123456789:.") == n && t[0] >= '0' && t[0] <= '9')
        return n + 2; /* a WebVTT timestamp: <00:01.500> */
    const int close = t[0] == '/';
    t += close;
    static const struct { const char *name; int bit; } names[] = {
        {"b", VX_CUE_B}, {"i", VX_CUE_I}, {"u", VX_CUE_U}, {"s", VX_CUE_S}, {"v", 0},
        {"c", 0},    {"lang", 0}, {"ruby", 0}, {"rt", 0}, {"font", 0}};
    for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
        const size_t l = strlen(names[k].name);
        if (strncasecmp(t, names[k].name, l) || !t[l] || !strchr(">. \t", t[l]))
            continue;
        *bit = close ? -names[k].bit : names[k].bit;
        return n + 2;
    }
    return 0;
}

int vx_cue_markup(const char *in, char **plain, uint8_t **sty)
{
    static const struct { const char *ref, *utf8; } refs[] = {
        {"&amp;", "&"}, {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&apos;", "'"},
        {"&nbsp;", "\xc2\xa0"}, {"&lrm;", "\xe2\x80\x8e"}, {"&rlm;", "\xe2\x80\x8f"}};
    const size_t len = strlen(in);
    char *p = *plain = malloc(len + 1);
    uint8_t *st = *sty = malloc(len + 1);
    if (!p || !st) {
        free(p), free(st);
        *plain = NULL, *sty = NULL;
        return VX_ERR(ENOMEM);
    }
    size_t o = 0;
    int cur = 0;
    for (size_t i = 0; i < len;) {
        int bit;
        const size_t tl = tag_at(in + i, &bit);
        if (tl) {
            cur = bit > 0 ? cur | bit : cur & ~-bit;
            i += tl;
            continue;
        }
        const char *rep = NULL;
        size_t rl = 0;
        for (size_t k = 0; in[i] == '&' && k < sizeof(refs) / sizeof(refs[0]) && !rep; k++)
            if (!strncmp(in + i, refs[k].ref, rl = strlen(refs[k].ref)))
                rep = refs[k].utf8;
        if (rep) { /* never longer than the reference */
            for (const char *r = rep; *r; r++)
                p[o] = *r, st[o++] = (uint8_t)cur;
            i += rl;
        } else {
            p[o] = in[i++], st[o++] = (uint8_t)cur;
        }
    }
    /* lines left blank (all markup, or spaces) go: a blank line would end the cue */
    p[o] = 0;
    size_t w = 0;
    for (size_t a = 0, e; a < o; a = e + 1) {
        for (e = a; e < o && p[e] != '\n'; e++)
            ;
        if (strspn(p + a, " \t") >= e - a)
            continue;
        if (w)
            p[w] = '\n', st[w++] = 0;
        memmove(p + w, p + a, e - a), memmove(st + w, st + a, e - a);
        w += e - a;
    }
    for (size_t r = 0; r < w; r++)
        if (p[r] == '\n') /* a line break takes the style of the line after it */
            st[r] = st[r + 1];
    p[w] = 0;
    return 0;
}

int vx_cue_align(const char *text)
{
    for (const char *p = text; (p = strstr(p, "{\\")); p++) {
        int bit;
        const size_t n = tag_at(p, &bit);
        for (size_t k = 1; k + 3 < n; k++)
            if (!strncmp(p + k, "\\an", 3) && p[k + 3] >= '1' && p[k + 3] <= '9')
                return p[k + 3] - '0';
    }
    return 0;
}

const char *vx_cue_vtt_settings(const char *text)
{
    /* ASS's numpad: 7 8 9 top (the first line), 4 5 6 centred on the middle (the line's
     * centre at 50 %), 1 2 3 bottom (the default); 1 4 7 left, 3 6 9 right */
    static const char *const set[10] = {
        "", "align:left", "", "align:right",
        "line:50%,center align:left", "line:50%,center", "line:50%,center align:right",
        "line:0 align:left", "line:0", "line:0 align:right",
    };
    return set[vx_cue_align(text)];
}

char *vx_cue_text(const char *text, int format)
{
    char *plain;
    uint8_t *sty;
    if (vx_cue_markup(text, &plain, &sty) < 0)
        return NULL;
    if (!format) {
        free(sty);
        return plain;
    }
    /* at most: per byte a character reference (5) and the tags closed and opened (28) */
    const size_t n = strlen(plain);
    char *b = malloc(40 * n + 32), *o = b;
    const int an = format == 1 ? vx_cue_align(text) : 0;
    if (b && an) /* SRT players place a cue by its {\anN} too */
        o += sprintf(o, "{\\an%d}", an);
    const int keep = VX_CUE_B | VX_CUE_I | VX_CUE_U | (format == 1 ? VX_CUE_S : 0);
    int cur = 0;
    for (size_t i = 0; b && i <= n; i++) {
        const int want = i < n ? sty[i] & keep : 0;
        if (want != cur) { /* close what is open, open what is wanted: always nested */
            for (int k = 3; k >= 0; k--)
                if (cur >> k & 1)
                    o += sprintf(o, "</%c>", "bius"[k]);
            for (int k = 0; k < 4; k++)
                if (want >> k & 1)
                    o += sprintf(o, "<%c>", "bius"[k]);
            cur = want;
        }
        if (i == n)
            break;
        const char c = plain[i];
        if (format == 2 && (c == '&' || c == '<' || c == '>'))
            o += sprintf(o, "%s", c == '&' ? "&amp;" : c == '<' ? "&lt;" : "&gt;");
        else
            *o++ = c;
    }
    if (b)
        *o = 0;
    free(plain), free(sty);
    return b;
}

void vx_cues_free(VxCue *cues, int n)
{
    for (int i = 0; i < n; i++)
        free(cues[i].text);
    free(cues);
}
