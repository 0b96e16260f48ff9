/* Soft captions: soft.h. */
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cues.h"
#include "soft.h"

static int bad(VxContext *ctx, const char *file, const char *key, const char *why)
{
    return vx_fail(ctx, VX_ERR(EINVAL), "%s: captions.%s: %s", file ? file : "project", key, why);
}

static int parse(VxContext *ctx, const char *file, json_object *o, VxSoft *s)
{
    snprintf(s->language, sizeof(s->language), "und");
    if (!o || !json_object_is_type(o, json_type_object))
        return 0;
    json_object *v;
    if (json_object_object_get_ex(o, "soft", &v)) {
        if (!json_object_is_type(v, json_type_boolean))
            return bad(ctx, file, "soft", "expected true (a subtitle track in the output) or false");
        s->track = json_object_get_boolean(v);
    }
    if (json_object_object_get_ex(o, "sidecar", &v)) {
        const char *x = json_object_get_string(v);
        if (!json_object_is_type(v, json_type_string) || (strcmp(x, "srt") && strcmp(x, "vtt")))
            return bad(ctx, file, "sidecar", "expected \"srt\" or \"vtt\"");
        s->sidecar = !strcmp(x, "srt") ? 1 : 2;
    }
    if (json_object_object_get_ex(o, "language", &v)) {
        const char *x = json_object_get_string(v);
        if (!json_object_is_type(v, json_type_string) || strlen(x) != 3 ||
            strspn(x, "abcdefghijklmnopqrstuvwxyz") != 3)
            return bad(ctx, file, "language", "expected an ISO 639-2 code, three lowercase "
                       "letters (\"eng\")");
        snprintf(s->language, sizeof(s->language), "%s", x);
    }
    return 0;
}

int vx_soft_check(VxContext *ctx, const char *file, json_object *section)
{
    VxSoft s;
    memset(&s, 0, sizeof(s));
    return parse(ctx, file, section, &s);
}

/* Output time of frame n in ms, rounded down: a player showing a cue from start to end shows
 * it on frames [n0, n1) exactly while frames are over 1 ms apart. */
static int64_t frame_ms(const VxTimeline *tl, int64_t n)
{
    return n * tl->fps.den * 1000 / tl->fps.num;
}

typedef struct Piece {
    int64_t n0, n1; /* output frames */
    int cue;
} Piece;

/* [a, b) less the earlier cues' intervals (the captions layer draws the first cue listed
 * among those overlapping), as at most cap intervals in iv; their number. */
static int own_time(const VxCue *c, int i, double (*iv)[2], int cap)
{
    int n = 1;
    iv[0][0] = c[i].a, iv[0][1] = c[i].b;
    for (int j = 0; j < i && n; j++) {
        const double a = c[j].a, b = c[j].b;
        for (int k = 0; k < n; k++) {
            if (b <= iv[k][0] || a >= iv[k][1])
                continue;
            if (a > iv[k][0] && b < iv[k][1] && n < cap) { /* split in two */
                iv[n][0] = b, iv[n][1] = iv[k][1], n++;
                iv[k][1] = a;
            } else if (a > iv[k][0]) {
                iv[k][1] = a;
            } else if (b < iv[k][1]) {
                iv[k][0] = b;
            } else { /* covered */
                iv[k][0] = iv[n - 1][0], iv[k][1] = iv[n - 1][1], n--, k--;
            }
        }
    }
    return n;
}

static int cmp64(const void *x, const void *y)
{
    const int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;
    return a < b ? -1 : a > b;
}

/* The cues on the output's frames: each cue's own recording time mapped through tl, then cut
 * at every boundary so that no two overlap (a cross-fade showing two cues at once gives one
 * cue of both texts, in the file's order). */
static int place(VxSoft *s, const VxTimeline *tl, const VxCue *c, int nc)
{
    Piece *pc = NULL;
    int np = 0, cap = 0, ret = VX_ERR(ENOMEM);
    int64_t(*runs)[2] = malloc((size_t)tl->n_segs * sizeof(*runs));
    double(*iv)[2] = malloc((size_t)(nc + 1) * sizeof(*iv));
    int64_t *bd = NULL;
    if (!runs || !iv)
        goto end;
    for (int i = 0; i < nc; i++) {
        const int ni = own_time(c, i, iv, nc + 1);
        for (int k = 0; k < ni; k++) {
            const int nr = vx_timeline_shown(tl, iv[k][0], iv[k][1], runs);
            for (int r = 0; r < nr; r++) {
                if (np == cap) {
                    Piece *q = realloc(pc, (size_t)(cap = cap ? 2 * cap : 16) * sizeof(*q));
                    if (!q)
                        goto end;
                    pc = q;
                }
                pc[np++] = (Piece){runs[r][0], runs[r][1], i};
            }
        }
    }
    if (!(bd = malloc((size_t)(2 * np + 1) * sizeof(*bd))))
        goto end;
    for (int i = 0; i < np; i++)
        bd[2 * i] = pc[i].n0, bd[2 * i + 1] = pc[i].n1;
    qsort(bd, (size_t)2 * np, sizeof(*bd), cmp64);
    if (np && !(s->cues = calloc((size_t)2 * np, sizeof(*s->cues))))
        goto end;
    int64_t prev_n1 = -1;
    for (int k = 0; k + 1 < 2 * np; k++) {
        const int64_t x = bd[k], y = bd[k + 1];
        if (x == y)
            continue;
        /* the pieces covering [x, y), in cue order, each cue's tags closed after its text (a
         * tag one leaves open styles its own text only) */
        static const char close[] = "</b></i></u></s>";
        size_t len = 0;
        for (int i = 0; i < np; i++)
            if (pc[i].n0 <= x && pc[i].n1 >= y)
                len += strlen(c[pc[i].cue].text) + sizeof(close);
        if (!len)
            continue;
        char *t = malloc(len);
        if (!t)
            goto end;
        *t = 0;
        for (int i = 0; i < np; i++)
            if (pc[i].n0 <= x && pc[i].n1 >= y) {
                if (*t)
                    strcat(strcat(t, close), "\n");
                strcat(t, c[pc[i].cue].text);
            }
        VxSoftCue *last = s->n ? &s->cues[s->n - 1] : NULL;
        if (last && prev_n1 == x && !strcmp(last->text, t)) { /* the same text goes on */
            last->end_ms = frame_ms(tl, y);
            free(t);
        } else {
            s->cues[s->n++] = (VxSoftCue){frame_ms(tl, x), frame_ms(tl, y), t};
        }
        prev_n1 = y;
    }
    ret = 0;
end:
    free(runs), free(iv), free(pc), free(bd);
    return ret;
}

static void put_time(FILE *f, int64_t ms, char sep)
{
    fprintf(f, "%02lld:%02lld:%02lld%c%03lld", (long long)(ms / 3600000),
            (long long)(ms / 60000 % 60), (long long)(ms / 1000 % 60), sep, (long long)(ms % 1000));
}

static int write_sidecar(VxContext *ctx, const VxSoft *s)
{
    FILE *f = fopen(s->side_tmp, "wb");
    if (!f)
        return vx_fail(ctx, VX_ERR(errno), "%s: captions.sidecar: cannot write: %s", s->side_tmp,
                       strerror(errno));
    if (s->sidecar == 2)
        fputs("WEBVTT\n\n", f);
    for (int i = 0; i < s->n; i++) {
        if (s->sidecar == 1)
            fprintf(f, "%d\n", i + 1);
        put_time(f, s->cues[i].start_ms, s->sidecar == 1 ? ',' : '.');
        fputs(" --> ", f);
        put_time(f, s->cues[i].end_ms, s->sidecar == 1 ? ',' : '.');
        const char *set = s->sidecar == 2 ? vx_cue_vtt_settings(s->cues[i].text) : "";
        if (*set) /* WebVTT places a cue by its settings ({\anN}) */
            fprintf(f, " %s", set);
        char *t = vx_cue_text(s->cues[i].text, s->sidecar);
        if (!t) {
            fclose(f);
            return VX_ERR(ENOMEM);
        }
        fprintf(f, "\n%s\n\n", t);
        free(t);
    }
    const int err = ferror(f);
    if (fclose(f) || err)
        return vx_fail(ctx, VX_ERR(EIO), "%s: captions.sidecar: write failed", s->side_tmp);
    return 0;
}

int vx_soft_open(VxContext *ctx, const VxProject *p, const VxTimeline *tl, const char *output,
                 VxSoft **out)
{
    *out = NULL;
    VxSoft *s = calloc(1, sizeof(*s));
    if (!s)
        return VX_ERR(ENOMEM);
    int ret = parse(ctx, NULL, vx_project_section(p, "captions"), s);
    if (ret < 0 || (!s->track && !s->sidecar)) {
        free(s);
        return ret;
    }
    if (!p->captions) {
        ret = bad(ctx, output, s->track ? "soft" : "sidecar", "needs a subtitle file in "
                  "sources.captions");
        free(s);
        return ret;
    }
    if (s->sidecar && vx_path_special(output)) { /* -o /dev/null: nothing beside it */
        vx_log(ctx, VX_LOG_VERBOSE, "%s: not a file: no captions.sidecar", output);
        s->sidecar = 0;
    }
    if (!s->track && !s->sidecar) {
        free(s);
        return 0;
    }
    VxCue *c = NULL;
    int nc = 0;
    if ((ret = vx_cues_read(ctx, p->captions, &c, &nc)) < 0 || (ret = place(s, tl, c, nc)) < 0)
        goto fail;
    if (s->sidecar) {
        const char *slash = strrchr(output, '/'), *dot = strrchr(output, '.');
        const size_t stem = dot && (!slash || dot > slash) ? (size_t)(dot - output) : strlen(output);
        if (!(s->side = malloc(stem + 5)) || !(s->side_tmp = malloc(stem + 13))) {
            ret = VX_ERR(ENOMEM);
            goto fail;
        }
        snprintf(s->side, stem + 5, "%.*s.%s", (int)stem, output, s->sidecar == 1 ? "srt" : "vtt");
        snprintf(s->side_tmp, stem + 13, "%s.partial", s->side);
        if ((ret = write_sidecar(ctx, s)) < 0)
            goto fail;
    }
    vx_cues_free(c, nc);
    *out = s;
    return 0;
fail:
    vx_cues_free(c, nc);
    vx_soft_close(&s);
    return ret;
}

int vx_soft_commit(VxContext *ctx, VxSoft *s)
{
    if (!s || !s->side)
        return 0;
    if (rename(s->side_tmp, s->side) != 0)
        return vx_fail(ctx, VX_ERR(errno), "%s: captions.sidecar: cannot move it into place: %s",
                       s->side, strerror(errno));
    s->committed = 1;
    return 0;
}

void vx_soft_close(VxSoft **ps)
{
    VxSoft *s = ps ? *ps : NULL;
    if (!s)
        return;
    if (s->side_tmp && !s->committed)
        remove(s->side_tmp);
    for (int i = 0; i < s->n; i++)
        free(s->cues[i].text);
    free(s->cues), free(s->side), free(s->side_tmp);
    free(s);
    *ps = NULL;
}
