/* The redrawn cursor: track parsing (docs/cursor-track.md), smoothing, and drawing the arrow
 * (or the track's images) and click rings over the composed NV12/I420 frame in Y'CbCr.
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
#include "dsp/blend.h"
#include "dsp/convert.h"

#define RATE 240            /* filter steps per second */
#define CP_STEPS (RATE / 4) /* steps between checkpoints */
#define MAX_GAP 0.1         /* moves further apart: hold, then move during the last 0.1 s */
#define SETTLE 10.0         /* seconds the filter runs past the last move */
#define FADE 0.3            /* idle fade-out, seconds */
#define CLICK_DUR 0.35      /* click ring, seconds */
#define MAX_T 86400.0       /* a day */
#define MAX_COORD 1e6
#define SS 4                /* sub-pixel phases per output pixel */
#define MAX_SPRITE 512      /* output pixels: the drawn cursor is at most this tall/wide */

/* ------------------------------------------------------------------------------------------ */
/* Track parsing */

typedef struct TrackParser {
    VxContext *ctx;
    const char *name;
    int line;
    int err;
} TrackParser;

static int terr(TrackParser *tp, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int terr(TrackParser *tp, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (!tp->err)
        tp->err = vx_fail(tp->ctx, VX_ERR(EINVAL), "%s:%d: %s", tp->name, tp->line, msg);
    return tp->err;
}

static int get_num(TrackParser *tp, json_object *v, const char *key, double lo, double hi,
                   double *out)
{
    json_type ty = json_object_get_type(v);
    if (ty != json_type_double && ty != json_type_int)
        return terr(tp, "\"%s\": expected a number", key);
    double d = json_object_get_double(v);
    if (!isfinite(d))
        return terr(tp, "\"%s\": expected a finite number", key);
    if (d < lo || d > hi)
        return terr(tp, "\"%s\": %g is out of range (%g to %g)", key, d, lo, hi);
    *out = d;
    return 0;
}

static int get_button(TrackParser *tp, json_object *v, const char *key, int *out)
{
    static const char *const names[] = {"left", "right", "middle"};
    if (!json_object_is_type(v, json_type_string))
        return terr(tp, "\"%s\": expected a button name (\"left\", \"right\", \"middle\")", key);
    const char *s = json_object_get_string(v);
    for (int i = 0; i < 3; i++)
        if (!strcmp(s, names[i])) {
            *out = i;
            return 0;
        }
    return terr(tp, "\"%s\": unknown button \"%.40s\" (expected \"left\", \"right\" or "
                "\"middle\")", key, s);
}

typedef struct Caps { int64_t moves, buttons, images, paths; } Caps;

static int parse_event(TrackParser *tp, json_object *o, VxCursorTrack *tr, Caps *caps,
                       double *last_t)
{
    static const char *const keys[] = {"t", "x", "y", "down", "up", "image", "hotspot", NULL};
    json_object *v, *jx = NULL, *jy = NULL, *jdown = NULL, *jup = NULL, *jimg = NULL,
                    *jhot = NULL;
    if (!json_object_is_type(o, json_type_object))
        return terr(tp, "expected a JSON object per line");
    json_object_object_foreach(o, k, val) {
        (void)val;
        int ok = 0;
        for (const char *const *p = keys; *p; p++)
            ok |= !strcmp(*p, k);
        if (!ok)
            return terr(tp, "unknown key \"%.40s\"", k);
    }
    double t = 0, x = 0, y = 0;
    if (!json_object_object_get_ex(o, "t", &v))
        return terr(tp, "missing \"t\" (seconds of the recording)");
    if (get_num(tp, v, "t", 0, MAX_T, &t))
        return tp->err;
    if (t < *last_t)
        return terr(tp, "time %.9g is before the previous event's %.9g (times must not "
                    "decrease)", t, *last_t);
    *last_t = t;
    json_object_object_get_ex(o, "x", &jx);
    json_object_object_get_ex(o, "y", &jy);
    json_object_object_get_ex(o, "down", &jdown);
    json_object_object_get_ex(o, "up", &jup);
    json_object_object_get_ex(o, "image", &jimg);
    json_object_object_get_ex(o, "hotspot", &jhot);
    if (!!jdown + !!jup + !!jimg > 1)
        return terr(tp, "one event per line: \"down\", \"up\" and \"image\" do not go together");
    if (!jx != !jy)
        return terr(tp, "\"x\" and \"y\" go together");
    if (!jx && !jdown && !jup && !jimg)
        return terr(tp, "a move needs \"x\" and \"y\"");
    if (jx && (get_num(tp, jx, "x", -MAX_COORD, MAX_COORD, &x) ||
               get_num(tp, jy, "y", -MAX_COORD, MAX_COORD, &y)))
        return tp->err;
    if (jhot && !jimg)
        return terr(tp, "\"hotspot\" belongs to an \"image\" event");
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
            return terr(tp, "\"image\": expected a file name or \"default\"");
        const char *s = json_object_get_string(jimg);
        if (!*s)
            return terr(tp, "\"image\": must not be empty");
        if (strlen(s) != (size_t)json_object_get_string_len(jimg))
            return terr(tp, "\"image\": file name contains a NUL character");
        if (strcmp(s, "default")) {
            if (jhot) {
                if (!json_object_is_type(jhot, json_type_array) ||
                    json_object_array_length(jhot) != 2)
                    return terr(tp, "\"hotspot\": expected [x, y] in image pixels");
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
            return terr(tp, "\"hotspot\": the default arrow has its own");
        }
        if (vx_grow((void **)&tr->images, &caps->images, tr->n_images,
                    sizeof(*tr->images), INT_MAX))
            return tp->err = VX_ERR(ENOMEM);
        tr->images[tr->n_images++] = im;
    }
    return 0;
}

int vx_cursor_track_parse(VxContext *ctx, const char *name, const char *buf, size_t len,
                          VxCursorTrack **out)
{
    TrackParser tp = {ctx, name ? name : "cursor track", 0, 0};
    Caps caps = {0, 0, 0, 0};
    double last_t = 0;
    *out = NULL;
    VxCursorTrack *tr = calloc(1, sizeof(*tr));
    json_tokener *tok = json_tokener_new();
    if (!tr || !tok) {
        tp.err = VX_ERR(ENOMEM);
        goto end;
    }
    size_t pos = 0;
    while (pos < len && !tp.err) {
        size_t e = pos;
        while (e < len && buf[e] != '\n')
            e++;
        const char *line = buf + pos;
        size_t n = e - pos;
        pos = e + 1;
        tp.line++;
        if (tp.line == INT_MAX) {
            terr(&tp, "too many lines");
            break;
        }
        if (memchr(line, '\0', n)) {
            terr(&tp, "NUL byte in the line");
            break;
        }
        size_t a = 0;
        while (a < n && (line[a] == ' ' || line[a] == '\t' || line[a] == '\r'))
            a++;
        if (a == n)
            continue; /* blank line */
        if (n - a > INT_MAX) {
            terr(&tp, "line too long");
            break;
        }
        json_tokener_reset(tok);
        json_object *o = json_tokener_parse_ex(tok, line + a, (int)(n - a));
        enum json_tokener_error je = json_tokener_get_error(tok);
        if (!o || je != json_tokener_success) {
            json_object_put(o);
            terr(&tp, "not valid JSON (%s)", je == json_tokener_continue ?
                 "the object is not closed on this line" : json_tokener_error_desc(je));
            break;
        }
        size_t end = a + json_tokener_get_parse_end(tok);
        while (end < n && (line[end] == ' ' || line[end] == '\t' || line[end] == '\r'))
            end++;
        if (end < n)
            terr(&tp, "text after the JSON object");
        else
            parse_event(&tp, o, tr, &caps, &last_t);
        json_object_put(o);
    }
    if (!tp.err && tr->n_moves == 0 && tp.line >= 0) {
        tp.line = tp.line ? tp.line : 1;
        terr(&tp, "the track has no moves (lines with \"t\", \"x\" and \"y\")");
    }
end:
    if (tok)
        json_tokener_free(tok);
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
/* The cursor object */

typedef struct FState {
    double x, y;   /* filtered position */
    double rx, ry; /* previous raw input (one-euro) */
    double vx, vy; /* derivative estimate (one-euro) or velocity (spring) */
} FState;

typedef struct Sprite {
    uint8_t *rgba; /* premultiplied RGBA, w*h*4, NULL = not rendered */
    int w, h;
    int ox, oy;    /* output pixel of sprite (0, 0), relative to the even anchor */
    int x0, y0, x1, y1; /* the pixels with alpha > 0 (x0 >= x1: none) */
} Sprite;

/* One cursor shape (the arrow, or an image): a fine premultiplied RGBA raster of it held as a
 * summed-area table, so a sprite at any scale and phase is an exact box filter of the raster
 * (4 lookups per pixel and channel); the sprites of the current scale are cached by phase. */
typedef struct Shape {
    const VxImage *img; /* NULL = the arrow */
    int d;              /* raster samples per unit (arrow unit / image pixel) */
    int gw, gh;         /* raster size in samples */
    double gx0, gy0;    /* units from the shape's origin (tip / image pixel (0, 0)) to sample 0 */
    uint32_t *sat;      /* (gw + 1) x (gh + 1) x 4 sums; NULL = not built yet */
    double hx, hy;      /* hotspot (units from the origin) */
    int scale_key;      /* round(log2(scale) * 256) of the cached sprites; INT_MIN = none */
    double key_hx, key_hy; /* hotspot of the cached sprites */
    Sprite sprites[2 * SS][2 * SS]; /* by phase (quarter pixels within an even pair) */
} Shape;

struct VxCursor {
    VxContext *ctx;
    VxCursorOpts o;
    VxCursorTrack *tr;
    VxImage **images;   /* decoded RGBA, one per track path */
    double t0, t_end;   /* first move; end of the filtered range */
    double *chg;        /* per move: end time of the last motion up to this move */
    FState *cps;        /* filter state at step k * CP_STEPS */
    int64_t n_steps;    /* filtered steps */
    int n_cps;
    pthread_mutex_t pos_lock; /* guards the last position's filter state */
    int64_t last_k;     /* step of last_s; -1 = none */
    FState last_s;
    int last_hint;
    pthread_mutex_t lock; /* guards the shapes and the scratch buffer (draw) */
    Shape *shapes;      /* [0] the arrow, [1 + i] image i */
    int n_shapes;
    VxConvCoefs coefs[3]; /* per VxMatrix, RGBA byte order */
    VxBlendDSP blend;     /* its rgba_nv12 kernel draws every sprite */
    uint8_t *tmp;         /* the clipped sprite, then (I420) one interleaved chroma row */
    size_t tmp_size;
    uint8_t *ring;      /* click ring raster */
    size_t ring_size;
};

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
static void fstep(const VxCursor *c, FState *s, int64_t k, int *hint)
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

static void smoothed_at(VxCursor *c, double t, double *x, double *y)
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
    FState s = c->cps[k / CP_STEPS];
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
    FState s1 = s;
    fstep(c, &s1, k, &hint);
    *x = s.x + (s1.x - s.x) * f;
    *y = s.y + (s1.y - s.y) * f;
}

/* Last i with a[i].t <= t over n elements of size sz whose first member is t; -1 if none. */
static int last_le(const void *base, int n, size_t sz, double t)
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
    int i = last_le(m, n, sizeof(*m), t);
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
    int b = last_le(c->tr->buttons, c->tr->n_buttons, sizeof(*c->tr->buttons), t);
    if (b >= 0 && c->tr->buttons[b].t > act)
        act = c->tr->buttons[b].t;
    return t > act ? t - act : 0;
}

/* Opacity of the cursor at t: 1, fading to 0 over FADE seconds once idle for hide_idle. */
static double idle_alpha(const VxCursor *c, double t)
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
    smoothed_at(c, t, x, y);
    *visible = isfinite(t) && t >= c->t0 && idle_alpha(c, t) > 0;
}

static int read_file(VxContext *ctx, const char *path, char **buf, size_t *len)
{
    FILE *f = fopen(path, "rb");
    *buf = NULL;
    if (!f)
        return vx_fail(ctx, errno == ENOENT ? VX_ERR(ENOENT) : VX_ERR(EIO),
                       "%s: cannot open the cursor track: %s", path, strerror(errno));
    size_t cap = 1 << 16, n = 0;
    char *b = malloc(cap);
    while (b) {
        if (n == cap) {
            char *nb = cap < SIZE_MAX / 2 ? realloc(b, cap * 2) : NULL;
            if (!nb) {
                free(b);
                b = NULL;
                break;
            }
            b = nb, cap *= 2;
        }
        size_t r = fread(b + n, 1, cap - n, f);
        n += r;
        if (r == 0)
            break;
    }
    int bad = ferror(f);
    fclose(f);
    if (!b)
        return VX_ERR(ENOMEM);
    if (bad) {
        free(b);
        return vx_fail(ctx, VX_ERR(EIO), "%s: cannot read the cursor track", path);
    }
    *buf = b;
    *len = n;
    return 0;
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
            ret = vx_fail(c->ctx, VX_ERR(ENOENT), "%s:%d: image \"%s\": %s (%s)", track, line,
                          p, strerror(errno), full);
        else if ((ret = vx_image_load(c->ctx, full, &c->images[i])) < 0)
            ret = vx_fail(c->ctx, ret, "%s:%d: image \"%s\": %s", track, line, p,
                          c->ctx ? c->ctx->last_error : "cannot decode");
        else if (c->images[i]->format != VX_PIX_RGBA)
            ret = vx_fail(c->ctx, VX_ERR(EINVAL), "%s:%d: image \"%s\": not decoded to RGBA",
                          track, line, p);
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
    FState s = {m[0].x, m[0].y, m[0].x, m[0].y, 0, 0};
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

static void sprites_clear(Shape *s)
{
    for (int i = 0; i < 2 * SS; i++)
        for (int j = 0; j < 2 * SS; j++) {
            free(s->sprites[i][j].rgba);
            s->sprites[i][j].rgba = NULL;
        }
    s->scale_key = INT_MIN;
}

static void shape_clear(Shape *s)
{
    sprites_clear(s);
    free(s->sat);
    s->sat = NULL;
}

void vx_cursor_free(VxCursor **pc)
{
    VxCursor *c = *pc;
    if (!c)
        return;
    for (int i = 0; i < c->n_shapes; i++)
        shape_clear(&c->shapes[i]);
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
    free(c->ring);
    pthread_mutex_destroy(&c->lock);
    pthread_mutex_destroy(&c->pos_lock);
    free(c);
    *pc = NULL;
}

/* ------------------------------------------------------------------------------------------ */
/* Drawing */

/* The built-in arrow, in recording pixels at size 1, tip (the hotspot) at (0, 0): black fill,
 * white outline OUTLINE wide outside it. */
static const double arrow[][2] = {
    {0, 0}, {0, 15.0}, {3.5, 11.8}, {6.0, 17.3}, {8.3, 16.3}, {5.8, 10.9}, {10.6, 10.6},
};
#define N_ARROW ((int)(sizeof(arrow) / sizeof(arrow[0])))
#define OUTLINE 1.25

/* Signed distance from (x, y) to the arrow polygon, negative inside. */
static double arrow_dist(double x, double y)
{
    double d2 = 1e30;
    int inside = 0;
    for (int i = 0, j = N_ARROW - 1; i < N_ARROW; j = i++) {
        double ax = arrow[j][0], ay = arrow[j][1], bx = arrow[i][0], by = arrow[i][1];
        double ex = bx - ax, ey = by - ay, wx = x - ax, wy = y - ay;
        double f = (wx * ex + wy * ey) / (ex * ex + ey * ey);
        f = f < 0 ? 0 : f > 1 ? 1 : f;
        double dx = wx - ex * f, dy = wy - ey * f;
        if (dx * dx + dy * dy < d2)
            d2 = dx * dx + dy * dy;
        if ((ay > y) != (by > y) && x < ax + (y - ay) * ex / ey)
            inside = !inside;
    }
    return inside ? -sqrt(d2) : sqrt(d2);
}

/* Bilinear sample of premultiplied RGBA from a straight-alpha image at (x, y) (pixel centres
 * at +0.5, edge pixels repeated), transparent outside [0, w) x [0, h): at scale 1 and a whole
 * pixel phase the image comes out exactly, with sharp borders. */
static void sample_image(const VxImage *im, double x, double y, double px[4])
{
    px[0] = px[1] = px[2] = px[3] = 0;
    if (x < 0 || y < 0 || x >= im->width || y >= im->height)
        return;
    x -= 0.5, y -= 0.5;
    int x0 = (int)floor(x), y0 = (int)floor(y);
    double fx = x - x0, fy = y - y0;
    for (int j = 0; j < 2; j++)
        for (int i = 0; i < 2; i++) {
            int xx = x0 + i, yy = y0 + j;
            xx = xx < 0 ? 0 : xx >= im->width ? im->width - 1 : xx;
            yy = yy < 0 ? 0 : yy >= im->height ? im->height - 1 : yy;
            double w = (i ? fx : 1 - fx) * (j ? fy : 1 - fy);
            const uint8_t *p = im->data[0] + yy * im->stride[0] + xx * 4;
            double a = p[3] * w / 255.0;
            px[0] += p[0] * a, px[1] += p[1] * a, px[2] += p[2] * a, px[3] += p[3] * w;
        }
}

/* Builds the shape's raster and its summed-area table. */
static int build_sat(Shape *sh)
{
    if (sh->img) {
        const int ext = sh->img->width > sh->img->height ? sh->img->width : sh->img->height;
        sh->d = ext <= 256 ? 4 : ext <= 512 ? 2 : 1; /* bilinear magnification up to d */
        sh->gx0 = sh->gy0 = -1;
        sh->gw = (sh->img->width + 2) * sh->d, sh->gh = (sh->img->height + 2) * sh->d;
    } else {
        sh->d = 16;
        sh->gx0 = sh->gy0 = -OUTLINE - 0.5;
        sh->gw = (int)ceil((10.6 + OUTLINE + 0.5 - sh->gx0) * sh->d);
        sh->gh = (int)ceil((17.3 + OUTLINE + 0.5 - sh->gy0) * sh->d);
    }
    const size_t stride = (size_t)(sh->gw + 1) * 4;
    sh->sat = calloc((size_t)(sh->gh + 1) * stride, sizeof(*sh->sat));
    if (!sh->sat)
        return VX_ERR(ENOMEM);
    for (int j = 0; j < sh->gh; j++) {
        const double v = sh->gy0 + (j + 0.5) / sh->d;
        uint32_t row[4] = {0, 0, 0, 0};
        const uint32_t *up = sh->sat + (size_t)j * stride;
        uint32_t *out = sh->sat + (size_t)(j + 1) * stride;
        for (int i = 0; i < sh->gw; i++) {
            const double u = sh->gx0 + (i + 0.5) / sh->d;
            unsigned px[4];
            if (sh->img) {
                double f[4];
                sample_image(sh->img, u, v, f);
                for (int k = 0; k < 4; k++)
                    px[k] = (unsigned)lrint(f[k] > 255 ? 255 : f[k]);
            } else {
                double dist = arrow_dist(u, v);
                unsigned al = dist < OUTLINE ? 255 : 0;
                px[0] = px[1] = px[2] = dist < 0 ? 0 : al;
                px[3] = al;
            }
            for (int k = 0; k < 4; k++) {
                row[k] += px[k];
                out[(i + 1) * 4 + k] = up[(i + 1) * 4 + k] + row[k];
            }
        }
    }
    return 0;
}

/* Integral of channel k over [0, u) x [0, v) samples (the raster is piecewise constant, so
 * this is the bilinear interpolation of the table). */
typedef struct Tap { int i; double f; } Tap;

static Tap tap(double u, int n)
{
    if (u <= 0)
        return (Tap){0, 0};
    if (u >= n)
        return (Tap){n - 1, 1};
    int i = (int)u;
    return (Tap){i, u - i};
}

static void integral(const Shape *sh, Tap x, Tap y, double out[4])
{
    const size_t stride = (size_t)(sh->gw + 1) * 4;
    const uint32_t *s0 = sh->sat + (size_t)y.i * stride + (size_t)x.i * 4, *s1 = s0 + stride;
    for (int k = 0; k < 4; k++) {
        double a = s0[k] + (double)x.f * ((double)s0[4 + k] - s0[k]);
        double b = s1[k] + (double)x.f * ((double)s1[4 + k] - s1[k]);
        out[k] = a + y.f * (b - a);
    }
}

/* The sprite at scale s (output pixels per unit) with the hotspot qx/4, qy/4 output pixels
 * right of and below the even anchor. */
static int render_sprite(Shape *sh, double s, int qx, int qy)
{
    Sprite *sp = &sh->sprites[qy][qx];
    const double hx = qx / (double)SS, hy = qy / (double)SS;
    /* output position (from the anchor) of raster sample edge 0, and of the far edge */
    const double ex0 = hx + (sh->gx0 - sh->hx) * s, ey0 = hy + (sh->gy0 - sh->hy) * s;
    const double ex1 = ex0 + (double)sh->gw / sh->d * s, ey1 = ey0 + (double)sh->gh / sh->d * s;
    sp->ox = (int)floor(ex0), sp->oy = (int)floor(ey0);
    sp->w = (int)ceil(ex1) - sp->ox, sp->h = (int)ceil(ey1) - sp->oy;
    Tap *tx = malloc((size_t)(sp->w + 1) * sizeof(*tx));
    sp->rgba = malloc((size_t)sp->w * sp->h * 4);
    if (!tx || !sp->rgba) {
        free(tx);
        free(sp->rgba);
        sp->rgba = NULL;
        return VX_ERR(ENOMEM);
    }
    const double k = sh->d / s, norm = 1.0 / (k * k);
    for (int i = 0; i <= sp->w; i++)
        tx[i] = tap((sp->ox + i - ex0) * k, sh->gw);
    sp->x0 = sp->w, sp->y0 = sp->h, sp->x1 = sp->y1 = 0;
    double top[4], bot[4], prev[4], cur[4];
    for (int j = 0; j < sp->h; j++) {
        const Tap y0 = tap((sp->oy + j - ey0) * k, sh->gh), y1 = tap((sp->oy + j + 1 - ey0) * k, sh->gh);
        uint8_t *d = sp->rgba + (size_t)j * sp->w * 4;
        integral(sh, tx[0], y0, top);
        integral(sh, tx[0], y1, bot);
        for (int c = 0; c < 4; c++)
            prev[c] = bot[c] - top[c];
        for (int i = 0; i < sp->w; i++) {
            integral(sh, tx[i + 1], y0, top);
            integral(sh, tx[i + 1], y1, bot);
            for (int c = 0; c < 4; c++) {
                cur[c] = bot[c] - top[c];
                double val = (cur[c] - prev[c]) * norm;
                d[i * 4 + c] = (uint8_t)(val <= 0 ? 0 : val >= 255 ? 255 : (int)(val + 0.5));
                prev[c] = cur[c];
            }
            if (d[i * 4 + 3]) {
                sp->x0 = i < sp->x0 ? i : sp->x0, sp->y0 = j < sp->y0 ? j : sp->y0;
                sp->x1 = i >= sp->x1 ? i + 1 : sp->x1, sp->y1 = j >= sp->y1 ? j + 1 : sp->y1;
            }
        }
    }
    free(tx);
    return 0;
}

static int tmp_reserve(VxCursor *c, size_t n)
{
    if (n <= c->tmp_size)
        return 0;
    uint8_t *p = realloc(c->tmp, n);
    if (!p)
        return VX_ERR(ENOMEM);
    c->tmp = p;
    c->tmp_size = n;
    return 0;
}

static void rect_union(VxRect *r, int x0, int y0, int x1, int y1)
{
    if (x0 >= x1 || y0 >= y1)
        return;
    if (r->x0 >= r->x1) {
        *r = (VxRect){x0, y0, x1, y1};
        return;
    }
    r->x0 = x0 < r->x0 ? x0 : r->x0;
    r->y0 = y0 < r->y0 ? y0 : r->y0;
    r->x1 = x1 > r->x1 ? x1 : r->x1;
    r->y1 = y1 > r->y1 ? y1 : r->y1;
}

/* Blends a premultiplied RGBA block (sw x sh, stride ss bytes) whose pixel (0, 0) lands on
 * output pixel (X, Y), scaled by opacity op, clipped to the view's clip rectangle
 * and the frame. */
static int blend_block(VxCursor *c, AVFrame *dst, const VxView *v, const VxConvCoefs *co,
                       const uint8_t *src, int sw, int sh, ptrdiff_t ss, int X, int Y,
                       double op, VxRect *drawn)
{
    int cx0 = v->clip_x0 > 0 ? v->clip_x0 : 0, cy0 = v->clip_y0 > 0 ? v->clip_y0 : 0;
    int cx1 = v->clip_x1 < dst->width ? v->clip_x1 : dst->width;
    int cy1 = v->clip_y1 < dst->height ? v->clip_y1 : dst->height;
    int x0 = X > cx0 ? X : cx0, y0 = Y > cy0 ? Y : cy0;
    int x1 = X + sw < cx1 ? X + sw : cx1, y1 = Y + sh < cy1 ? Y + sh : cy1;
    if (x0 >= x1 || y0 >= y1)
        return 0;
    /* even-aligned span covering it, within the frame's whole 2x2 blocks */
    int ex0 = x0 & ~1, ey0 = y0 & ~1, ex1 = (x1 + 1) & ~1, ey1 = (y1 + 1) & ~1;
    if (ex1 > (dst->width & ~1))
        ex1 = dst->width & ~1;
    if (ey1 > (dst->height & ~1))
        ey1 = dst->height & ~1;
    if (ex0 >= ex1 || ey0 >= ey1)
        return 0;
    const int w = ex1 - ex0, h = ey1 - ey0;
    const int nv12 = dst->format == AV_PIX_FMT_NV12;
    /* the sprite, then (I420) one interleaved chroma row for the NV12 kernel */
    const size_t sprite = (size_t)w * h * 4;
    int ret = tmp_reserve(c, sprite + (nv12 ? 0 : (size_t)w));
    if (ret < 0)
        return ret;
    const unsigned k = (unsigned)lrint(op * 256);
    for (int j = 0; j < h; j++) {
        uint8_t *d = c->tmp + (size_t)j * w * 4;
        int oy = ey0 + j;
        memset(d, 0, (size_t)w * 4);
        if (oy < y0 || oy >= y1)
            continue;
        const uint8_t *s = src + (oy - Y) * ss + (size_t)(x0 - X) * 4;
        uint8_t *dd = d + (size_t)(x0 - ex0) * 4;
        if (k >= 256)
            memcpy(dd, s, (size_t)(x1 - x0) * 4);
        else
            for (int i = 0; i < (x1 - x0) * 4; i++)
                dd[i] = (uint8_t)((s[i] * k + 128) >> 8);
    }
    uint8_t *uv_tmp = c->tmp + sprite;
    for (int j = 0; j < h; j += 2) {
        int oy = ey0 + j;
        uint8_t *l0 = dst->data[0] + (ptrdiff_t)oy * dst->linesize[0] + ex0;
        uint8_t *l1 = l0 + dst->linesize[0];
        const uint8_t *s0 = c->tmp + (size_t)j * w * 4;
        if (nv12) {
            uint8_t *uv = dst->data[1] + (ptrdiff_t)(oy / 2) * dst->linesize[1] + ex0;
            c->blend.rgba_nv12(l0, l1, uv, s0, s0 + (size_t)w * 4, w, co, 1);
            continue;
        }
        uint8_t *u = dst->data[1] + (ptrdiff_t)(oy / 2) * dst->linesize[1] + ex0 / 2;
        uint8_t *v = dst->data[2] + (ptrdiff_t)(oy / 2) * dst->linesize[2] + ex0 / 2;
        for (int i = 0; i < w / 2; i++)
            uv_tmp[2 * i] = u[i], uv_tmp[2 * i + 1] = v[i];
        c->blend.rgba_nv12(l0, l1, uv_tmp, s0, s0 + (size_t)w * 4, w, co, 1);
        for (int i = 0; i < w / 2; i++)
            u[i] = uv_tmp[2 * i], v[i] = uv_tmp[2 * i + 1];
    }
    rect_union(drawn, ex0, ey0, ex1, ey1);
    return 0;
}

/* Click ring: radius (4 + 20 e) units, e = 1 - (1 - u)^3, stroke 3 units, opacity
 * 0.9 (1 - u), u = (t - down) / CLICK_DUR; units = size x view scale output pixels. */
static int draw_ring(VxCursor *c, AVFrame *dst, const VxView *v, const VxConvCoefs *co,
                     double cx, double cy, double u, double k, VxRect *drawn)
{
    double e = 1 - (1 - u) * (1 - u) * (1 - u);
    double r = k * (4 + 20 * e), hw = k * 1.5;
    if (hw < 0.75)
        hw = 0.75;
    double op = 0.9 * (1 - u);
    double ext = r + hw + 1;
    if (ext > 4 * MAX_SPRITE)
        return 0;
    int X = 2 * (int)floor((cx - ext) / 2), Y = 2 * (int)floor((cy - ext) / 2);
    int X1 = (int)ceil(cx + ext) + 1, Y1 = (int)ceil(cy + ext) + 1;
    /* only what can show: the clip rectangle (even-aligned outwards) within the frame */
    const int cx0 = (v->clip_x0 > 0 ? v->clip_x0 : 0) & ~1, cy0 = (v->clip_y0 > 0 ? v->clip_y0 : 0) & ~1;
    const int cx1 = v->clip_x1 < dst->width ? v->clip_x1 : dst->width;
    const int cy1 = v->clip_y1 < dst->height ? v->clip_y1 : dst->height;
    X = X > cx0 ? X : cx0, Y = Y > cy0 ? Y : cy0;
    X1 = X1 < cx1 ? X1 : cx1, Y1 = Y1 < cy1 ? Y1 : cy1;
    if (X >= X1 || Y >= Y1)
        return 0;
    const int w = (X1 - X + 1) & ~1, h = (Y1 - Y + 1) & ~1;
    const size_t need = (size_t)w * h * 4;
    if (need > c->ring_size) {
        uint8_t *nb = realloc(c->ring, need);
        if (!nb)
            return VX_ERR(ENOMEM);
        c->ring = nb, c->ring_size = need;
    }
    uint8_t *buf = c->ring;
    memset(buf, 0, need);
    const VxRGB col = c->o.click_color;
    const double ro = r + hw + 0.5, ri = r - hw - 0.5; /* coverage is 0 outside [ri, ro] */
    for (int j = 0; j < h; j++) {
        const double dy = Y + j + 0.5 - cy;
        if (fabs(dy) >= ro)
            continue;
        /* the row's pixels whose centres can lie in the annulus: |dx| in [xi, xo] */
        const double xo = sqrt(ro * ro - dy * dy) + 0.5;
        const double xi = ri > fabs(dy) ? sqrt(ri * ri - dy * dy) - 0.5 : 0;
        for (int side = -1; side <= 1; side += 2) {
            double a0 = side < 0 ? cx - xo : cx + xi, a1 = side < 0 ? cx - xi : cx + xo;
            int i0 = (int)floor(a0) - X, i1 = (int)ceil(a1) - X;
            i0 = i0 < 0 ? 0 : i0, i1 = i1 > w ? w : i1;
            for (int i = i0; i < i1; i++) { /* (a chord's middle pixel may be done twice) */
                const double dx = X + i + 0.5 - cx;
                const double d = fabs(sqrt(dx * dx + dy * dy) - r);
                double cov = hw + 0.5 - d;
                if (cov <= 0)
                    continue;
                cov = (cov > 1 ? 1 : cov) * op;
                uint8_t *p = buf + ((size_t)j * w + i) * 4;
                p[0] = (uint8_t)(col.r * cov * 255 + 0.5);
                p[1] = (uint8_t)(col.g * cov * 255 + 0.5);
                p[2] = (uint8_t)(col.b * cov * 255 + 0.5);
                p[3] = (uint8_t)(cov * 255 + 0.5);
            }
        }
    }
    return blend_block(c, dst, v, co, buf, w, h, (ptrdiff_t)w * 4, X, Y, 1.0, drawn);
}

static int draw_locked(VxCursor *c, double t, const VxView *v, const VxConvCoefs *co,
                       AVFrame *dst, VxRect *drawn)
{
    double x, y;
    smoothed_at(c, t, &x, &y);
    const double ox = v->ox + (x - v->sx0) * v->scale, oy = v->oy + (y - v->sy0) * v->scale;
    const double k = c->o.size * v->scale;
    if (!isfinite(ox) || !isfinite(oy) || fabs(ox) > 1e7 || fabs(oy) > 1e7 || !(k > 0))
        return 0;
    int ret;
    if (c->o.click == VX_CLICK_RING) {
        const VxTrackButton *b = c->tr->buttons;
        for (int i = last_le(b, c->tr->n_buttons, sizeof(*b), t); i >= 0; i--) {
            if (b[i].t < t - CLICK_DUR)
                break;
            if (b[i].down && (ret = draw_ring(c, dst, v, co, ox, oy, (t - b[i].t) / CLICK_DUR,
                                              k, drawn)) < 0)
                return ret;
        }
    }
    const double op = idle_alpha(c, t);
    if (op <= 0)
        return 0;
    int ii = last_le(c->tr->images, c->tr->n_images, sizeof(*c->tr->images), t);
    int img = ii >= 0 ? c->tr->images[ii].image : -1;
    Shape *sh = &c->shapes[img + 1];
    double s = k;
    if (sh->img) {
        sh->hx = c->tr->images[ii].hx, sh->hy = c->tr->images[ii].hy;
        int ext = sh->img->width > sh->img->height ? sh->img->width : sh->img->height;
        if (s * ext > MAX_SPRITE)
            s = (double)MAX_SPRITE / ext;
    } else if (s * 20 > MAX_SPRITE) {
        s = MAX_SPRITE / 20.0;
    }
    if (!sh->sat && (ret = build_sat(sh)) < 0)
        return ret;
    /* sprites are cached per scale (to 1/256 octave, so a zoom holding still reuses them)
     * and per quarter-pixel phase */
    const int key = (int)lrint(log2(s) * 256);
    if (key != sh->scale_key || sh->hx != sh->key_hx || sh->hy != sh->key_hy) {
        sprites_clear(sh);
        sh->scale_key = key, sh->key_hx = sh->hx, sh->key_hy = sh->hy;
    }
    s = exp2(key / 256.0);
    const long long q4x = llrint(ox * SS), q4y = llrint(oy * SS);
    const long long ax = q4x >= 0 ? q4x / (2 * SS) : -((-q4x + 2 * SS - 1) / (2 * SS));
    const long long ay = q4y >= 0 ? q4y / (2 * SS) : -((-q4y + 2 * SS - 1) / (2 * SS));
    const int qx = (int)(q4x - ax * 2 * SS), qy = (int)(q4y - ay * 2 * SS);
    Sprite *sp = &sh->sprites[qy][qx];
    if (!sp->rgba && (ret = render_sprite(sh, s, qx, qy)) < 0)
        return ret;
    if (sp->x0 >= sp->x1)
        return 0;
    return blend_block(c, dst, v, co, sp->rgba + ((size_t)sp->y0 * sp->w + sp->x0) * 4,
                       sp->x1 - sp->x0, sp->y1 - sp->y0, (ptrdiff_t)sp->w * 4,
                       (int)(ax * 2) + sp->ox + sp->x0, (int)(ay * 2) + sp->oy + sp->y0, op,
                       drawn);
}

int vx_cursor_draw(VxCursor *c, double t, const VxView *v, int matrix, AVFrame *dst,
                   VxRect *drawn)
{
    if (!drawn)
        return VX_ERR(EINVAL);
    *drawn = (VxRect){0, 0, 0, 0};
    if (!c || !v || !dst || matrix < VX_MATRIX_BT601 || matrix > VX_MATRIX_BT2020)
        return VX_ERR(EINVAL);
    if (dst->format != AV_PIX_FMT_NV12 && dst->format != AV_PIX_FMT_YUV420P)
        return vx_fail(c->ctx, VX_ERR(EINVAL), "cursor: frames must be NV12 or I420");
    if (!c->o.draw || !isfinite(t) || t < c->t0 || !(v->scale > 0))
        return 0;
    pthread_mutex_lock(&c->lock);
    int ret = draw_locked(c, t, v, &c->coefs[matrix], dst, drawn);
    pthread_mutex_unlock(&c->lock);
    return ret;
}
