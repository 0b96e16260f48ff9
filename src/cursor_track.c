/* The cursor track: parsing (docs/cursor-track.md), smoothing, the track's images; the cursor
 * layer (layers/cursor.c) draws the arrow (or the images) and click rings.
 *
 * Positions are evaluated as pure functions of t: the smoothing filters run on a fixed 240 Hz
 * grid from the first move, with the filter state kept every 1/4 s (checkpoints), so a
 * position costs at most 60 filter steps and does not depend on the output frame
 * rate, on seeks or on the order of calls. */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "cursor.h"
#include "jsonl.h"

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif
#include "dsp/blend.h"
#include "dsp/convert.h"

#define RATE 240            /* filter steps per second */
#define CP_STEPS (RATE / 4) /* steps between checkpoints */
#define MAX_GAP 0.1         /* moves further apart: hold, then move during the last 0.1 s */
#define SETTLE 10.0         /* seconds the filter runs past the last move */
#define FADE 0.3            /* idle fade-out, seconds */
#define MAX_T 86400.0       /* a day */
#define MAX_COORD 1e6

/* ------------------------------------------------------------------------------------------ */
/* Track parsing */

/* Errors: "FILE:LINE: message" (jsonl.h) */

static int get_num(VxJsonLines *tp, json_object *v, const char *key, double lo, double hi,
                   double *out)
{
    json_type ty = json_object_get_type(v);
    if (ty != json_type_double && ty != json_type_int)
        return vx_jsonl_fail(tp, "\"%s\": expected a number", key);
    double d = json_object_get_double(v);
    if (!isfinite(d))
        return vx_jsonl_fail(tp, "\"%s\": expected a finite number", key);
    if (d < lo || d > hi)
        return vx_jsonl_fail(tp, "\"%s\": %g is out of range (%g to %g)", key, d, lo, hi);
    *out = d;
    return 0;
}

static int get_button(VxJsonLines *tp, json_object *v, const char *key, int *out)
{
    static const char *const names[] = {"left", "right", "middle"};
    if (!json_object_is_type(v, json_type_string))
        return vx_jsonl_fail(tp, "\"%s\": expected a button name (\"left\", \"right\", \"middle\")", key);
    const char *s = json_object_get_string(v);
    for (int i = 0; i < 3; i++)
        if (!strcmp(s, names[i])) {
            *out = i;
            return 0;
        }
    return vx_jsonl_fail(tp, "\"%s\": unknown button \"%.40s\" (expected \"left\", \"right\" or "
                "\"middle\")", key, s);
}

typedef struct Caps { int64_t moves, buttons, images, paths; } Caps;

static int parse_event(VxJsonLines *tp, json_object *o, VxCursorTrack *tr, Caps *caps,
                       double *last_t)
{
    static const char *const keys[] = {"t", "x", "y", "down", "up", "image", "hotspot", NULL};
    json_object *v, *jx = NULL, *jy = NULL, *jdown = NULL, *jup = NULL, *jimg = NULL,
                    *jhot = NULL;
    if (!json_object_is_type(o, json_type_object))
        return vx_jsonl_fail(tp, "expected a JSON object per line");
    json_object_object_foreach(o, k, val) {
        (void)val;
        int ok = 0;
        for (const char *const *p = keys; *p; p++)
            ok |= !strcmp(*p, k);
        if (!ok)
            return vx_jsonl_fail(tp, "unknown key \"%.40s\"", k);
    }
    double t = 0, x = 0, y = 0;
    if (!json_object_object_get_ex(o, "t", &v))
        return vx_jsonl_fail(tp, "missing \"t\" (seconds of the recording)");
    if (get_num(tp, v, "t", 0, MAX_T, &t))
        return tp->err;
    if (t < *last_t)
        return vx_jsonl_fail(tp, "time %.9g is before the previous event's %.9g (times must not "
                    "decrease)", t, *last_t);
    *last_t = t;
    json_object_object_get_ex(o, "x", &jx);
    json_object_object_get_ex(o, "y", &jy);
    json_object_object_get_ex(o, "down", &jdown);
    json_object_object_get_ex(o, "up", &jup);
    json_object_object_get_ex(o, "image", &jimg);
    json_object_object_get_ex(o, "hotspot", &jhot);
    if (!!jdown + !!jup + !!jimg > 1)
        return vx_jsonl_fail(tp, "one event per line: \"down\", \"up\" and \"image\" do not go together");
    if (!jx != !jy)
        return vx_jsonl_fail(tp, "\"x\" and \"y\" go together");
    if (!jx && !jdown && !jup && !jimg)
        return vx_jsonl_fail(tp, "a move needs \"x\" and \"y\"");
    if (jx && (get_num(tp, jx, "x", -MAX_COORD, MAX_COORD, &x) ||
               get_num(tp, jy, "y", -MAX_COORD, MAX_COORD, &y)))
        return tp->err;
    if (jhot && !jimg)
        return vx_jsonl_fail(tp, "\"hotspot\" belongs to an \"image\" event");
    if (jx) {
        if (tr->n_moves && tr->moves[tr->n_moves - 1].t == t) {
            tr->moves[tr->n_moves - 1].x = x; /* same instant: the later line wins */
            tr->moves[tr->n_moves - 1].y = y;
        } else {
            if (vx_grow((void **)&tr->moves, &caps->moves, tr->n_moves,
                        sizeof(*tr->moves), INT_MAX))
                return tp->err = VX_ERR(ENOMEM);
            tr->moves[tr->n_moves++] = (VxTrackMove){t, x, y};
        }
    }
    if (jdown || jup) {
        int b = 0;
        if (get_button(tp, jdown ? jdown : jup, jdown ? "down" : "up", &b))
            return tp->err;
        if (vx_grow((void **)&tr->buttons, &caps->buttons, tr->n_buttons,
                    sizeof(*tr->buttons), INT_MAX))
            return tp->err = VX_ERR(ENOMEM);
        tr->buttons[tr->n_buttons++] = (VxTrackButton){t, b, !!jdown};
    }
    if (jimg) {
        VxTrackImage im = {t, -1, 0, 0, tp->line};
        if (!json_object_is_type(jimg, json_type_string))
            return vx_jsonl_fail(tp, "\"image\": expected a file name or \"default\"");
        const char *s = json_object_get_string(jimg);
        if (!*s)
            return vx_jsonl_fail(tp, "\"image\": must not be empty");
        if (strlen(s) != (size_t)json_object_get_string_len(jimg))
            return vx_jsonl_fail(tp, "\"image\": file name contains a NUL character");
        if (strcmp(s, "default")) {
            if (jhot) {
                if (!json_object_is_type(jhot, json_type_array) ||
                    json_object_array_length(jhot) != 2)
                    return vx_jsonl_fail(tp, "\"hotspot\": expected [x, y] in image pixels");
                if (get_num(tp, json_object_array_get_idx(jhot, 0), "hotspot", 0, 65536, &im.hx) ||
                    get_num(tp, json_object_array_get_idx(jhot, 1), "hotspot", 0, 65536, &im.hy))
                    return tp->err;
            }
            for (int i = 0; i < tr->n_paths; i++)
                if (!strcmp(tr->paths[i], s))
                    im.image = i;
            if (im.image < 0) {
                if (vx_grow((void **)&tr->paths, &caps->paths, tr->n_paths,
                            sizeof(*tr->paths), INT_MAX))
                    return tp->err = VX_ERR(ENOMEM);
                if (!(tr->paths[tr->n_paths] = strdup(s)))
                    return tp->err = VX_ERR(ENOMEM);
                im.image = tr->n_paths++;
            }
        } else if (jhot) {
            return vx_jsonl_fail(tp, "\"hotspot\": the default arrow has its own");
        }
        if (vx_grow((void **)&tr->images, &caps->images, tr->n_images,
                    sizeof(*tr->images), INT_MAX))
            return tp->err = VX_ERR(ENOMEM);
        tr->images[tr->n_images++] = im;
    }
    return 0;
}

typedef struct Events {
    VxCursorTrack *tr;
    Caps *caps;
    double *last_t;
} Events;

static void each_event(VxJsonLines *jl, json_object *o, void *user)
{
    Events *e = user;
    parse_event(jl, o, e->tr, e->caps, e->last_t);
}

int vx_cursor_track_parse(VxContext *ctx, const char *name, const char *buf, size_t len,
                          VxCursorTrack **out)
{
    VxJsonLines tp = {ctx, name ? name : "cursor track", "sources.cursor", 0, 0};
    Caps caps = {0, 0, 0, 0};
    double last_t = 0;
    *out = NULL;
    VxCursorTrack *tr = calloc(1, sizeof(*tr));
    if (!tr)
        return VX_ERR(ENOMEM);
    Events ev = {tr, &caps, &last_t};
    vx_jsonl_each(&tp, buf, len, INT_MAX, each_event, &ev);
    if (!tp.err && tr->n_moves == 0 && tp.line >= 0) {
        tp.line = tp.line ? tp.line : 1;
        vx_jsonl_fail(&tp, "the track has no moves (lines with \"t\", \"x\" and \"y\")");
    }
    if (tp.err) {
        vx_cursor_track_free(&tr);
        return tp.err;
    }
    *out = tr;
    return 0;
}

void vx_cursor_track_free(VxCursorTrack **pt)
{
    VxCursorTrack *t = *pt;
    if (!t)
        return;
    for (int i = 0; i < t->n_paths; i++)
        free(t->paths[i]);
    free(t->paths);
    free(t->moves);
    free(t->buttons);
    free(t->images);
    free(t);
    *pt = NULL;
}

/* ------------------------------------------------------------------------------------------ */
/* The cursor object (its types are in cursor.h) */

/* Raw (unsmoothed) position at t; *hint: a move index to start the search from. */
static void raw_at(const VxCursorTrack *tr, double t, int *hint, double *x, double *y)
{
    const VxTrackMove *m = tr->moves;
    int n = tr->n_moves, i = *hint;
    if (i < 0 || i >= n || m[i].t > t) {
        int lo = 0, hi = n - 1;
        if (t < m[0].t) {
            *x = m[0].x, *y = m[0].y;
            *hint = 0;
            return;
        }
        while (lo < hi) { /* last i with m[i].t <= t */
            int mid = lo + (hi - lo + 1) / 2;
            if (m[mid].t <= t)
                lo = mid;
            else
                hi = mid - 1;
        }
        i = lo;
    } else {
        while (i + 1 < n && m[i + 1].t <= t)
            i++;
    }
    *hint = i;
    if (i + 1 >= n) {
        *x = m[i].x, *y = m[i].y;
        return;
    }
    double a = m[i].t, b = m[i + 1].t;
    if (b - a > MAX_GAP)
        a = b - MAX_GAP;
    double f = t <= a ? 0 : (t - a) / (b - a);
    *x = m[i].x + (m[i + 1].x - m[i].x) * f;
    *y = m[i].y + (m[i + 1].y - m[i].y) * f;
}

static double lp_alpha(double fc)
{
    double r = 2 * M_PI * fc / RATE;
    return r / (1 + r);
}

/* Advances the filter state from step k to k + 1. */
static void fstep(const VxCursor *c, VxCursorFState *s, int64_t k, int *hint)
{
    double rx, ry;
    raw_at(c->tr, c->t0 + (double)(k + 1) / RATE, hint, &rx, &ry);
    const double dt = 1.0 / RATE;
    if (c->o.smoothing == VX_SMOOTH_SPRING) {
        /* implicit Euler: stable for any stiffness/damping at this step */
        const double kk = c->o.stiffness, dd = c->o.damping, den = 1 + dt * dd + dt * dt * kk;
        s->vx = (s->vx + dt * kk * (rx - s->x)) / den;
        s->vy = (s->vy + dt * kk * (ry - s->y)) / den;
        s->x += dt * s->vx;
        s->y += dt * s->vy;
    } else { /* one-euro, on the speed (both axes share one cutoff: the path keeps its shape) */
        const double ad = lp_alpha(1.0);
        s->vx += ad * ((rx - s->rx) * RATE - s->vx);
        s->vy += ad * ((ry - s->ry) * RATE - s->vy);
        const double a = lp_alpha(c->o.min_cutoff + c->o.beta * hypot(s->vx, s->vy));
        s->x += a * (rx - s->x);
        s->y += a * (ry - s->y);
        s->rx = rx, s->ry = ry;
    }
}

void vx_cursor_smoothed_at(VxCursor *c, double t, double *x, double *y)
{
    const VxTrackMove *m = c->tr->moves;
    int hint = -1; /* binary search */
    if (c->o.smoothing == VX_SMOOTH_NONE || t >= c->t_end || t <= c->t0) {
        raw_at(c->tr, t, &hint, x, y);
        if (t <= c->t0)
            *x = m[0].x, *y = m[0].y;
        return;
    }
    double ft = (t - c->t0) * RATE;
    int64_t k = (int64_t)ft;
    if (k >= c->n_steps) {
        raw_at(c->tr, t, &hint, x, y);
        return;
    }
    double f = ft - (double)k;
    /* start from the checkpoint, or from the last state asked for when it is on the way (calls
     * in time order, as the zoom path's 240 Hz pass makes): the same steps either way, so the
     * same result */
    int64_t j = k / CP_STEPS * CP_STEPS;
    VxCursorFState s = c->cps[k / CP_STEPS];
    hint = -1;
    pthread_mutex_lock(&c->pos_lock);
    if (c->last_k >= j && c->last_k <= k) {
        j = c->last_k;
        s = c->last_s;
        hint = c->last_hint;
    }
    pthread_mutex_unlock(&c->pos_lock);
    for (; j < k; j++)
        fstep(c, &s, j, &hint);
    pthread_mutex_lock(&c->pos_lock);
    c->last_k = k, c->last_s = s, c->last_hint = hint;
    pthread_mutex_unlock(&c->pos_lock);
    VxCursorFState s1 = s;
    fstep(c, &s1, k, &hint);
    *x = s.x + (s1.x - s.x) * f;
    *y = s.y + (s1.y - s.y) * f;
}

/* Last i with a[i].t <= t over n elements of size sz whose first member is t; -1 if none. */
int vx_cursor_last_le(const void *base, int n, size_t sz, double t)
{
    int lo = 0, hi = n - 1, r = -1;
    while (lo <= hi) {
        int mid = lo + (hi - lo) / 2;
        if (*(const double *)((const char *)base + (size_t)mid * sz) <= t)
            r = mid, lo = mid + 1;
        else
            hi = mid - 1;
    }
    return r;
}

/* Seconds since the cursor last moved or a button changed; 0 while it moves. */
static double idle_time(const VxCursor *c, double t)
{
    const VxTrackMove *m = c->tr->moves;
    int n = c->tr->n_moves;
    int i = vx_cursor_last_le(m, n, sizeof(*m), t);
    double act = m[0].t;
    if (i >= 0) {
        if (i + 1 < n && (m[i + 1].x != m[i].x || m[i + 1].y != m[i].y)) {
            double a = m[i].t, b = m[i + 1].t;
            if (b - a > MAX_GAP)
                a = b - MAX_GAP;
            if (t >= a)
                return 0;
        }
        act = c->chg[i];
    }
    int b = vx_cursor_last_le(c->tr->buttons, c->tr->n_buttons, sizeof(*c->tr->buttons), t);
    if (b >= 0 && c->tr->buttons[b].t > act)
        act = c->tr->buttons[b].t;
    return t > act ? t - act : 0;
}

/* Opacity of the cursor at t: 1, fading to 0 over FADE seconds once idle for hide_idle. */
double vx_cursor_idle_alpha(const VxCursor *c, double t)
{
    if (c->o.hide_idle <= 0)
        return 1;
    double over = idle_time(c, t) - c->o.hide_idle;
    if (over <= 0)
        return 1;
    return over >= FADE ? 0 : 1 - over / FADE;
}

void vx_cursor_pos(VxCursor *c, double t, double *x, double *y, int *visible)
{
    vx_cursor_smoothed_at(c, t, x, y);
    *visible = isfinite(t) && t >= c->t0 && vx_cursor_idle_alpha(c, t) > 0;
}

static int read_file(VxContext *ctx, const char *path, char **buf, size_t *len)
{
    int ret = vx_read_file(path, SIZE_MAX / 2, buf, len);
    if (ret == VX_ERR(ENOMEM) || ret >= 0)
        return ret;
    return vx_fail(ctx, ret == VX_ERR(ENOENT) ? ret : VX_ERR(EIO),
                   "%s: cannot read the cursor track: %s", path, strerror(-ret));
}

static int load_images(VxCursor *c, const char *track)
{
    const VxCursorTrack *tr = c->tr;
    if (!tr->n_paths)
        return 0;
    c->images = calloc((size_t)tr->n_paths, sizeof(*c->images));
    if (!c->images)
        return VX_ERR(ENOMEM);
    const char *slash = strrchr(track, '/');
    int dirlen = slash ? (int)(slash - track + 1) : 0;
    for (int i = 0; i < tr->n_paths; i++) {
        int line = 0;
        for (int j = 0; j < tr->n_images && !line; j++)
            if (tr->images[j].image == i)
                line = tr->images[j].line;
        const char *p = tr->paths[i];
        size_t n = strlen(p) + (size_t)dirlen + 1;
        char *full = malloc(n);
        if (!full)
            return VX_ERR(ENOMEM);
        if (p[0] == '/')
            snprintf(full, n, "%s", p);
        else
            snprintf(full, n, "%.*s%s", dirlen, track, p);
        int ret = 0;
        if (access(full, R_OK))
            ret = vx_fail_at(c->ctx, VX_ERR(ENOENT), track, line, "sources.cursor",
                             "%s:%d: image \"%s\": %s (%s)", track, line, p, strerror(errno),
                             full);
        else if ((ret = vx_image_load(c->ctx, full, &c->images[i])) < 0)
            ret = vx_fail_at(c->ctx, ret, track, line, "sources.cursor",
                             "%s:%d: image \"%s\": %s", track, line, p,
                             c->ctx ? c->ctx->err.message : "cannot decode");
        else if (c->images[i]->format != VX_PIX_RGBA)
            ret = vx_fail_at(c->ctx, VX_ERR(EINVAL), track, line, "sources.cursor",
                             "%s:%d: image \"%s\": not decoded to RGBA", track, line, p);
        free(full);
        if (ret < 0)
            return ret;
    }
    return 0;
}

/* Filter checkpoints over [t0, last move + SETTLE]. */
static int prefilter(VxCursor *c)
{
    const VxTrackMove *m = c->tr->moves;
    const int n = c->tr->n_moves;
    c->t0 = m[0].t;
    c->t_end = m[n - 1].t + SETTLE;
    c->chg = malloc((size_t)n * sizeof(*c->chg));
    if (!c->chg)
        return VX_ERR(ENOMEM);
    c->chg[0] = m[0].t;
    for (int i = 1; i < n; i++)
        c->chg[i] = (m[i].x != m[i - 1].x || m[i].y != m[i - 1].y) ? m[i].t : c->chg[i - 1];
    if (c->o.smoothing == VX_SMOOTH_NONE)
        return 0;
    c->n_steps = (int64_t)ceil((c->t_end - c->t0) * RATE);
    c->n_cps = (int)(c->n_steps / CP_STEPS + 1);
    c->cps = malloc((size_t)c->n_cps * sizeof(*c->cps));
    if (!c->cps)
        return VX_ERR(ENOMEM);
    VxCursorFState s = {m[0].x, m[0].y, m[0].x, m[0].y, 0, 0};
    int hint = 0;
    for (int64_t k = 0; k < c->n_steps; k++) {
        if (k % CP_STEPS == 0)
            c->cps[k / CP_STEPS] = s;
        fstep(c, &s, k, &hint);
    }
    return 0;
}

int vx_cursor_open(VxContext *ctx, const VxCursorOpts *o, int src_w, int src_h,
                   VxCursor **out)
{
    *out = NULL;
    if (!o || !o->track)
        return vx_fail(ctx, VX_ERR(EINVAL), "cursor: no cursor track (sources.cursor)");
    if (src_w < 1 || src_h < 1 || !(o->size > 0))
        return vx_fail(ctx, VX_ERR(EINVAL), "%s: cursor.size %g or the recording's size "
                       "%dx%d is not positive", o->track, o->size, src_w, src_h);
    VxCursor *c = calloc(1, sizeof(*c));
    if (!c)
        return VX_ERR(ENOMEM);
    c->ctx = ctx;
    c->o = *o;
    c->o.track = NULL; /* not owned */
    pthread_mutex_init(&c->lock, NULL);
    pthread_mutex_init(&c->pos_lock, NULL);
    c->last_k = -1;
    for (int m = 0; m < 3; m++)
        vx_conv_coefs_init(&c->coefs[m], m, VX_RANGE_LIMITED, VX_CHROMA_LEFT, VX_PIX_RGBA);
    vx_blend_dsp_init(&c->blend, ctx->cpu_flags);
    char *buf = NULL;
    size_t len = 0;
    int ret = read_file(ctx, o->track, &buf, &len);
    if (ret >= 0)
        ret = vx_cursor_track_parse(ctx, o->track, buf, len, &c->tr);
    free(buf);
    if (ret >= 0)
        ret = load_images(c, o->track);
    if (ret >= 0)
        ret = prefilter(c);
    if (ret >= 0) {
        c->n_shapes = 1 + c->tr->n_paths;
        c->shapes = calloc((size_t)c->n_shapes, sizeof(*c->shapes));
        if (!c->shapes)
            ret = VX_ERR(ENOMEM);
    }
    if (ret < 0) {
        vx_cursor_free(&c);
        return ret;
    }
    for (int i = 0; i < c->n_shapes; i++) {
        c->shapes[i].scale_key = INT_MIN;
        c->shapes[i].img = i ? c->images[i - 1] : NULL;
    }
    *out = c;
    return 0;
}

void vx_cursor_free(VxCursor **pc)
{
    VxCursor *c = *pc;
    if (!c)
        return;
    for (int i = 0; i < c->n_shapes; i++)
        vx_cursor_shape_clear(&c->shapes[i]);
    free(c->shapes);
    if (c->tr)
        for (int i = 0; i < c->tr->n_paths; i++)
            if (c->images)
                vx_image_free(&c->images[i]);
    free(c->images);
    vx_cursor_track_free(&c->tr);
    free(c->chg);
    free(c->cps);
    free(c->tmp);
    free(c->blocks);
    free(c->ring);
    free(c->acc);
    pthread_mutex_destroy(&c->lock);
    pthread_mutex_destroy(&c->pos_lock);
    free(c);
    *pc = NULL;
}

