/* The keystroke overlay: the key presses of a JSON Lines track (sources.keys,
 * docs/keys-track.md) shown as pills ("badges") in output pixels, styled by the "keys" section
 * (docs/project-format.md, "Keystrokes"). Times are recording time (the frame's t_rec), so the
 * badges follow cuts and speed changes.
 *
 * The track becomes a list of badges when the layer opens: one per combo or special key, one
 * per run of plain typing (its text grows with the run; or none with typing "hide"). Per
 * output the badges shown, their text and fade level and their place in the stack are a pure
 * function of t_rec; when that does not change from the previous output, the layer changes
 * nothing. A badge's picture (the pill and its text, libass) is rasterised once per text and
 * kept in a small cache as Y'CbCr + alpha; each drawn output mixes the badges shown. Without
 * libass (the FFmpeg-free core build) a project with sources.keys is refused. */
#include <json-c/json.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../layer.h"
#include "../keys_track.h"
#include "text.h"

#define MAX_SHOWN 8   /* keys.max at most */
#define N_CACHE 16    /* rasterised badges kept */
#define TEXT_MAX 1024 /* bytes of a badge's text, escaped: 100 characters of 4 bytes and more */

typedef struct Style {
    char font[128];
    double size, box_opacity, radius, margin, duration, fade, typing_gap;
    int color[3], box_color[3];
    int text_style;   /* 0: symbols (⌘⇧P), 1: text (Cmd+Shift+P) */
    int hide_typing;  /* keys.typing "hide" */
    int typing_chars, max;
    int pos;          /* 0 bottom, 1 top, 2 [x, y] */
    double px, py;
} Style;

static int bad(VxContext *ctx, const char *file, const char *key, const char *why)
{
    return vx_fail(ctx, VX_ERR(EINVAL), "%s: keys%s: %s", file ? file : "project", key, why);
}

static int num(json_object *o, const char *k, double lo, double hi, double *out)
{
    json_object *v;
    if (!json_object_object_get_ex(o, k, &v))
        return 0;
    if (!json_object_is_type(v, json_type_int) && !json_object_is_type(v, json_type_double))
        return -1;
    const double d = json_object_get_double(v);
    if (!(d >= lo && d <= hi))
        return -1;
    *out = d;
    return 0;
}

/* The section (NULL: all defaults) as a Style, or an error naming the key. */
static int parse_style(VxContext *ctx, const char *file, json_object *o, Style *s)
{
    static const char *const keys[] = {"font", "size", "color", "box_color", "box_opacity",
                                       "radius", "position", "margin", "style", "typing",
                                       "typing_chars", "typing_gap", "duration", "fade",
                                       "max", NULL};
    *s = (Style){.size = 0.045, .box_opacity = 0.75, .radius = 0.3, .margin = 0.05,
                 .duration = 1.5, .fade = 0.15, .typing_gap = 1.0, .color = {255, 255, 255},
                 .box_color = {17, 24, 39}, .typing_chars = 20, .max = 3};
    snprintf(s->font, sizeof(s->font), "DejaVu Sans");
    if (!o)
        return 0;
    if (!json_object_is_type(o, json_type_object))
        return bad(ctx, file, "", "expected an object (docs/project-format.md, Keystrokes)");
    char unknown[160];
    if (vx_section_unknown(o, keys, unknown, sizeof(unknown)))
        return bad(ctx, file, unknown, "unknown key");
    json_object *v;
    double d = 0;
    if (json_object_object_get_ex(o, "font", &v)) {
        const char *f = json_object_get_string(v);
        if (!json_object_is_type(v, json_type_string) || !*f || strlen(f) > 100 || strchr(f, ','))
            return bad(ctx, file, ".font", "expected a font family name (fontconfig), no comma");
        snprintf(s->font, sizeof(s->font), "%s", f);
    }
#define NUM(k, lo, hi, f, why)                                                                 \
    if (num(o, k, lo, hi, &s->f))                                                              \
        return bad(ctx, file, "." k, why);
    NUM("size", 0.005, 0.3, size, "expected a fraction of the output height, 0.005 to 0.3")
    NUM("box_opacity", 0, 1, box_opacity, "expected a number from 0 to 1")
    NUM("radius", 0, 0.5, radius, "expected a fraction of the badge's height, 0 to 0.5")
    NUM("margin", 0, 0.45, margin, "expected a fraction of the output height, 0 to 0.45")
    NUM("duration", 0.1, 60, duration, "expected seconds, 0.1 to 60")
    NUM("fade", 0, 5, fade, "expected seconds, 0 to 5")
    NUM("typing_gap", 0.01, 60, typing_gap, "expected seconds, 0.01 to 60")
#undef NUM
    d = s->typing_chars;
    if (num(o, "typing_chars", 1, 100, &d) || d != floor(d))
        return bad(ctx, file, ".typing_chars", "expected a whole number from 1 to 100");
    s->typing_chars = (int)d;
    d = s->max;
    if (num(o, "max", 1, MAX_SHOWN, &d) || d != floor(d))
        return bad(ctx, file, ".max", "expected a whole number from 1 to 8");
    s->max = (int)d;
    if (2 * s->fade > s->duration)
        return bad(ctx, file, ".fade", "fading in and out must fit in the duration (2 fade <= duration)");
    static const struct { const char *k, *a, *b; } en[] = {
        {"color", NULL, NULL}, {"box_color", NULL, NULL},
        {"style", "symbols", "text"}, {"typing", "collapse", "hide"}};
    for (int i = 0; i < 4; i++) {
        if (!json_object_object_get_ex(o, en[i].k, &v))
            continue;
        const char *str = json_object_is_type(v, json_type_string) ? json_object_get_string(v) : "";
        char key[32], why[96];
        snprintf(key, sizeof(key), ".%s", en[i].k);
        if (!en[i].a) {
            if (vx_hex_rgb(str, i ? s->box_color : s->color) < 0)
                return bad(ctx, file, key, "expected a colour \"#rrggbb\"");
            continue;
        }
        snprintf(why, sizeof(why), "expected \"%s\" (default) or \"%s\"", en[i].a, en[i].b);
        if (strcmp(str, en[i].a) && strcmp(str, en[i].b))
            return bad(ctx, file, key, why);
        *(i == 2 ? &s->text_style : &s->hide_typing) = !strcmp(str, en[i].b);
    }
    if (json_object_object_get_ex(o, "position", &v)) {
        const char *p = json_object_get_string(v);
        const char *why = "expected \"bottom\", \"top\" or [x, y] fractions of the output";
        if (json_object_is_type(v, json_type_string) && (!strcmp(p, "bottom") || !strcmp(p, "top"))) {
            s->pos = !strcmp(p, "top");
        } else if (json_object_is_type(v, json_type_array) && json_object_array_length(v) == 2) {
            double xy[2];
            for (int i = 0; i < 2; i++) {
                json_object *e = json_object_array_get_idx(v, (size_t)i);
                xy[i] = json_object_get_double(e);
                if ((!json_object_is_type(e, json_type_int) && !json_object_is_type(e, json_type_double)) ||
                    !(xy[i] >= 0 && xy[i] <= 1))
                    return bad(ctx, file, ".position", why);
            }
            s->pos = 2, s->px = xy[0], s->py = xy[1];
        } else {
            return bad(ctx, file, ".position", why);
        }
    }
    return 0;
}

static int keys_check(VxContext *ctx, const char *file, json_object *section)
{
    Style s;
    return parse_style(ctx, file, section, &s);
}

#ifdef VX_HAVE_LIBASS
/* A badge: shown from t0 to last + duration; its text is upd[u0..u1) (a typing run's grows:
 * text i from upd[i].t). */
typedef struct Upd { double t; char *text; } Upd;
typedef struct Badge { double t0, end; int u0, u1; } Badge;

typedef struct Shown { int badge, upd, a; } Shown; /* a: fade level, 256ths */
typedef struct State { int n; Shown s[MAX_SHOWN]; } State;

typedef struct Sprite {
    char *text;
    VxTextSprite sp;
    int64_t used;
} Sprite;

typedef struct Keys {
    Style s;
    Badge *b;
    double *reach; /* reach[i]: the latest end of badges 0..i */
    int nb;
    Upd *u;
    int nu;
    VxText tx;
    Sprite cache[N_CACHE];
    int64_t tick;
    const Sprite *spr[MAX_SHOWN]; /* the sprites of `now` */
    VxRect place[MAX_SHOWN];     /* where they go */
    State now, last;
    VxRect drawn_last;           /* what the previous output's badges covered */
    int W, H, ph, gap;
    double cx, base;             /* the newest badge's centre x and its bottom (or top) y */
} Keys;

/* Appends s to the text (ASS-escaped when `esc`), within TEXT_MAX. */
static void put(char *b, const char *s, int esc)
{
    size_t n = strlen(b);
    for (; *s && n + 6 < TEXT_MAX; s++) {
        if (esc && (*s == '{' || *s == '}'))
            b[n++] = '\\'; /* libass: \{ and \} are the braces */
        if (esc && *s == ' ') {
            memcpy(b + n, "\\h", 2), n += 2; /* a hard space: kept at the ends */
        } else if (esc && *s == '\\') { /* a word joiner after it: no \N, \n, \h, \{ */
            memcpy(b + n, "\\\xe2\x81\xa0", 4), n += 4;
        } else {
            b[n++] = *s;
        }
    }
    b[n] = 0;
}

/* A combo's text: the modifiers in order, then the key. */
static void combo_text(const Style *s, const VxKeyEv *e, char *b)
{
    b[0] = 0;
    for (int j = 0; j < VX_KEY_N_MODS; j++)
        if (e->mods & vx_key_mods[j].bit)
            put(b, s->text_style ? vx_key_mods[j].txt : vx_key_mods[j].sym, 0);
    if (e->named >= 0) {
        put(b, s->text_style ? vx_key_named[e->named].txt : vx_key_named[e->named].sym, 0);
    } else {
        char c[8];
        memcpy(c, e->ch, sizeof(c));
        if (c[0] >= 'a' && c[0] <= 'z' && !c[1])
            c[0] = (char)(c[0] - 'a' + 'A');
        put(b, c, 1);
    }
}

/* The last `chars` code points of the typed text t (escaped for libass). */
static void typed_text(const char *t, int chars, char *b)
{
    size_t n = strlen(t);
    const char *p = t + n;
    for (int c = 0; p > t && c < chars;) {
        p--;
        if (((unsigned char)*p & 0xc0) != 0x80)
            c++;
    }
    b[0] = 0;
    put(b, p, 1);
}

static int add_upd(Keys *k, int64_t *cap, double t, const char *text)
{
    if (vx_grow((void **)&k->u, cap, k->nu, sizeof(*k->u), INT_MAX / 2) || !(k->u[k->nu].text = strdup(text)))
        return VX_ERR(ENOMEM);
    k->u[k->nu++].t = t;
    return 0;
}

/* The badges of the key-downs (docs/keys-track.md, "What is shown"). */
static int make_badges(Keys *k, const VxKeyEv *ev, int n)
{
    const Style *s = &k->s;
    int64_t bcap = 0, ucap = 0;
    char typed[4 * 100 + 8] = "", text[TEXT_MAX];
    int run = -1;        /* the badge of the typing run going on; -2: a hidden run */
    double run_t = -1e9; /* its last key */
    for (int i = 0; i < n; i++) {
        const VxKeyEv *e = &ev[i];
        if (e->named == -2)
            continue; /* a modifier pressed alone */
        const int plain = !(e->mods & ~VX_KEY_SHIFT);
        const int in_run = run != -1 && e->t - run_t < s->typing_gap;
        const int typing = plain && (e->named == -1 || (e->named == VX_KEY_SPACE && in_run));
        if (typing) {
            const char *c = e->named == -1 ? e->ch : " ";
            if (!in_run)
                typed[0] = 0, run = -1;
            size_t tl = strlen(typed);
            if (tl + strlen(c) >= sizeof(typed)) { /* keep the tail */
                memmove(typed, typed + tl / 2, tl - tl / 2 + 1);
                while (((unsigned char)typed[0] & 0xc0) == 0x80)
                    memmove(typed, typed + 1, strlen(typed));
            }
            strcat(typed, c);
            run_t = e->t;
            if (s->hide_typing) {
                run = -2;
                continue;
            }
            typed_text(typed, s->typing_chars, text);
            if (add_upd(k, &ucap, e->t, text))
                return VX_ERR(ENOMEM);
            if (run >= 0) {
                k->b[run].u1 = k->nu, k->b[run].end = e->t + s->duration;
                continue;
            }
        } else {
            run = -1;
            combo_text(s, e, text);
            if (add_upd(k, &ucap, e->t, text))
                return VX_ERR(ENOMEM);
        }
        if (vx_grow((void **)&k->b, &bcap, k->nb, sizeof(*k->b), INT_MAX / 2))
            return VX_ERR(ENOMEM);
        k->b[k->nb] = (Badge){e->t, e->t + s->duration, k->nu - 1, k->nu};
        if (typing)
            run = k->nb;
        k->nb++;
    }
    if (k->nb && !(k->reach = malloc(sizeof(*k->reach) * (size_t)k->nb)))
        return VX_ERR(ENOMEM);
    for (int i = 0; i < k->nb; i++)
        k->reach[i] = fmax(k->b[i].end, i ? k->reach[i - 1] : -1);
    return 0;
}

/* What is shown at recording time t: the newest badges first, at most keys.max. */
static void state_at(const Keys *k, double t, State *st)
{
    st->n = 0;
    int lo = 0, hi = k->nb; /* first badge with t0 > t */
    while (lo < hi) {
        const int mid = lo + (hi - lo) / 2;
        if (k->b[mid].t0 <= t)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (int i = lo - 1; i >= 0 && k->reach[i] > t && st->n < k->s.max; i--) {
        const Badge *b = &k->b[i];
        if (t >= b->end)
            continue;
        double f = 1;
        if (k->s.fade > 0)
            f = fmin(fmin(f, (t - b->t0) / k->s.fade), (b->end - t) / k->s.fade);
        const int a = (int)lrint(256 * fmax(f, 0));
        if (a <= 0)
            continue;
        int u = b->u0;
        while (u + 1 < b->u1 && k->u[u + 1].t <= t)
            u++;
        st->s[st->n++] = (Shown){i, u, a};
    }
}

static void free_sprite(Sprite *sp)
{
    free(sp->text);
    vx_text_sprite_free(&sp->sp);
    memset(sp, 0, sizeof(*sp));
}

/* The pill with `text` on it as Y'CbCr + alpha, into sp. */
static int rasterise(Keys *k, const char *text, Sprite *sp)
{
    const Style *s = &k->s;
    const double fs = s->size * k->H;
    char *script = malloc(2048 + TEXT_MAX);
    if (!script)
        return VX_ERR(ENOMEM);
    const int col = s->color[0] << 16 | s->color[1] << 8 | s->color[2];
    const VxTextStyle ts = {.play_w = 4 * k->W, .play_h = 4 * k->H, .wrap = 2, .font = s->font,
                            .size = fs, .color = vx_text_color(col, 1), .border_style = 1,
                            .align = 5};
    int n = vx_text_header(script, 2048 + TEXT_MAX, &ts);
    n += snprintf(script + n, (size_t)(2048 + TEXT_MAX - n),
                  "Dialogue: 0,0:00:00.00,0:00:10.00,Default,,0,0,0,,{\\an5\\pos(%d,%d)}%s\n",
                  2 * k->W, 2 * k->H, text);
    ASS_Track *tr = ass_read_memory(k->tx.lib, script, (size_t)n, NULL);
    free(script);
    if (!tr)
        return VX_ERR(ENOMEM);
    int ch = 0, ix0, iy0, ix1, iy1;
    ASS_Image *img = ass_render_frame(k->tx.r, tr, 1000, &ch);
    vx_text_bounds(img, &ix0, &iy0, &ix1, &iy1);
    if (ix0 > ix1)
        ix0 = ix1 = 2 * k->W;
    const int pad = (int)lrint(0.45 * fs);
    int w = (ix1 - ix0) + 2 * pad;
    w = (w < k->ph ? k->ph : w + 1) & ~1;
    const int h = k->ph;
    const int x0 = (int)lrint((ix0 + ix1) / 2.0 - w / 2.0), y0 = 2 * k->H - h / 2;
    double *P = vx_text_canvas(w, h); /* premultiplied R, G, B, alpha */
    *sp = (Sprite){.text = strdup(text)};
    if (!P || !sp->text) {
        free(P), ass_free_track(tr), free_sprite(sp);
        return VX_ERR(ENOMEM);
    }
    const double rad = s->radius * h;
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            const double a = vx_rrect_coverage(x + 0.5, y + 0.5, 0, 0, w, h, rad) * s->box_opacity;
            double *q = P + ((size_t)y * w + x) * 4;
            for (int c = 0; c < 3; c++)
                q[c] = s->box_color[c] / 255.0 * a;
            q[3] = a;
        }
    vx_text_paint(P, w, h, img, x0, y0); /* the text over the pill */
    ass_free_track(tr);
    int ret = vx_text_sprite(&k->tx, P, w, h, &sp->sp);
    free(P);
    if (ret < 0)
        free_sprite(sp);
    return ret;
}

/* The sprite of `text`, rasterised on first use (the least recently used one goes). */
static int sprite(Keys *k, const char *text, const Sprite **out)
{
    Sprite *lru = &k->cache[0];
    for (int i = 0; i < N_CACHE; i++) {
        Sprite *sp = &k->cache[i];
        if (sp->text && !strcmp(sp->text, text)) {
            sp->used = ++k->tick;
            *out = sp;
            return 0;
        }
        if (!sp->text || (lru->text && sp->used < lru->used))
            lru = sp;
    }
    free_sprite(lru);
    int ret = rasterise(k, text, lru);
    if (ret < 0)
        return ret;
    lru->used = ++k->tick;
    *out = lru;
    return 0;
}

/* Places the badges of k->now: the newest at the anchor, the older ones stacked away from
 * the edge; their union into *all. */
static int place(Keys *k, VxRect *all)
{
    *all = (VxRect){0, 0, 0, 0};
    for (int i = 0; i < k->now.n; i++) { /* max < N_CACHE: none of these evicts another */
        int ret = sprite(k, k->u[k->now.s[i].upd].text, &k->spr[i]);
        if (ret < 0)
            return ret;
        const Sprite *sp = k->spr[i];
        const int step = (k->ph + k->gap) * i;
        int y0 = k->s.pos == 1 ? (int)lrint(k->base) + step : (int)lrint(k->base) - k->ph - step;
        int x0 = (int)lrint(k->cx - sp->sp.w / 2.0);
        x0 = x0 + sp->sp.w > (k->W & ~1) ? (k->W & ~1) - sp->sp.w : x0;
        x0 = (x0 < 0 ? 0 : x0) & ~1, y0 &= ~1;
        k->place[i] = (VxRect){x0, y0, x0 + sp->sp.w, y0 + sp->sp.h};
        const VxRect c = vx_rect_clip(k->place[i], k->W & ~1, k->H & ~1);
        if (!vx_rect_empty(c))
            vx_rect_union(all, c.x0, c.y0, c.x1, c.y1);
    }
    return 0;
}

static void close_keys(Keys *k)
{
    for (int i = 0; i < k->nu; i++)
        free(k->u[i].text);
    for (int i = 0; i < N_CACHE; i++)
        free_sprite(&k->cache[i]);
    free(k->u), free(k->b), free(k->reach);
    vx_text_close(&k->tx);
    free(k);
}

/* Room the captions take at the bottom (output pixels): max_lines lines, when they are there. */
static double captions_room(const VxProject *p, int H)
{
    json_object *c = NULL, *v;
    double size = 0.05, margin = 0.05, lines = 2;
    if (!p->captions)
        return 0;
    if (p->json && json_object_object_get_ex(p->json, "captions", &c) &&
        json_object_is_type(c, json_type_object)) {
        if (json_object_object_get_ex(c, "position", &v) &&
            !(json_object_is_type(v, json_type_string) && !strcmp(json_object_get_string(v), "bottom")))
            return 0; /* at the top or placed: nothing to avoid at the bottom */
        if (json_object_object_get_ex(c, "size", &v))
            size = json_object_get_double(v);
        if (json_object_object_get_ex(c, "margin", &v))
            margin = json_object_get_double(v);
        if (json_object_object_get_ex(c, "max_lines", &v))
            lines = json_object_get_double(v);
    }
    return (margin + (lines + 0.5) * size) * H;
}

#endif

static int keys_open(VxLayer *ly, const VxLayerOpen *o)
{
    if (!o->p->keys)
        return 0;
#ifndef VX_HAVE_LIBASS
    (void)ly;
    return vx_fail(o->ctx, VX_ERR(ENOSYS), "sources.keys: this vexport was built without libass");
#else
    Keys *k = calloc(1, sizeof(*k));
    if (!k)
        return VX_ERR(ENOMEM);
    VxKeyEv *ev = NULL;
    int n = 0;
    int ret = parse_style(o->ctx, NULL, o->section, &k->s);
    if (ret >= 0)
        ret = vx_keys_track_read(o->ctx, o->p->keys, &ev, &n);
    if (ret >= 0)
        ret = make_badges(k, ev, n);
    free(ev);
    if (ret < 0) {
        close_keys(k);
        return ret;
    }
    /* libass draws in a frame 4x the output's, the text centred in it (pixels 1:1) */
    if ((ret = vx_text_open(&k->tx, o->ctx, "keys", 4 * o->l->W, 4 * o->l->H, o->l->matrix)) < 0) {
        close_keys(k);
        return ret;
    }
    k->W = o->l->W, k->H = o->l->H;
    const double fs = k->s.size * k->H;
    k->ph = ((int)lrint(1.6 * fs) + 1) & ~1;
    k->gap = ((int)lrint(0.3 * fs) + 1) & ~1;
    const int span = k->s.max * (k->ph + k->gap);
    if (k->s.pos == 2) {
        k->cx = k->s.px * k->W, k->base = k->s.py * k->H + k->ph / 2.0;
    } else {
        k->cx = k->W / 2.0;
        k->base = k->s.pos == 1 ? k->s.margin * k->H
                                : k->H - fmax(k->s.margin * k->H, captions_room(o->p, k->H));
    }
    /* what the badges may cover: the stack's rows, across the output */
    const int b = (int)lrint(k->base);
    VxRect band = k->s.pos == 1 ? (VxRect){0, (b & ~1) - 2, k->W, b + span + 2}
                                : (VxRect){0, b - span - 2, k->W, b + 2};
    k->last.n = -1; /* the first output draws */
    ly->priv = k;
    ly->outside = vx_rect_clip(band, k->W & ~1, k->H & ~1);
    ly->sliced = 1;
    return 0;
#endif
}

#ifdef VX_HAVE_LIBASS

static int same(const State *a, const State *b)
{
    return a->n == b->n && !memcmp(a->s, b->s, sizeof(a->s[0]) * (size_t)(a->n < 0 ? 0 : a->n));
}

static int keys_changes(VxLayer *ly, const VxLayerFrame *fr, VxRect *r, int max)
{
    Keys *k = ly->priv;
    State st;
    state_at(k, fr->t_rec, &st);
    if (same(&st, &k->last))
        return 0; /* the same badges, text, fades and places: nothing changed */
    k->now = st;
    VxRect all;
    int ret = place(k, &all);
    if (ret < 0)
        return ret;
    int n = 0;
    if (!vx_rect_empty(k->drawn_last) && n < max)
        r[n++] = k->drawn_last;
    if (!vx_rect_empty(all) && n < max)
        r[n++] = all;
    if (!n)
        k->last = st; /* nothing on the output: nothing to draw either */
    return n;
}

static int keys_begin(VxLayer *ly, const VxLayerFrame *fr)
{
    Keys *k = ly->priv;
    state_at(k, fr->t_rec, &k->now);
    VxRect all;
    return place(k, &all);
}

static void keys_draw(VxLayer *ly, const VxLayerFrame *fr, int phase, int i, int kk)
{
    (void)phase;
    const Keys *k = ly->priv;
    const VxPlanes d = vx_planes(fr->dst);
    int r0, r1;
    vx_slice_rows(fr->dst->h / 2, i, kk, &r0, &r1); /* chroma rows: 2 luma rows each */
    for (int j = k->now.n - 1; j >= 0; j--) {
        const VxRect p = k->place[j];
        VxRect c = vx_rect_clip(p, k->W & ~1, k->H & ~1);
        c.y0 = c.y0 > 2 * r0 ? c.y0 : 2 * r0, c.y1 = c.y1 < 2 * r1 ? c.y1 : 2 * r1;
        if (c.y0 < c.y1 && c.x0 < c.x1)
            vx_text_blend(&k->tx, &d, &k->spr[j]->sp, p.x0, p.y0, c, k->now.s[j].a);
    }
}

static int keys_end(VxLayer *ly, const VxLayerFrame *fr, VxRect *drawn)
{
    (void)fr;
    Keys *k = ly->priv;
    VxRect all = {0, 0, 0, 0};
    for (int i = 0; i < k->now.n; i++) {
        const VxRect c = vx_rect_clip(k->place[i], k->W & ~1, k->H & ~1);
        if (!vx_rect_empty(c))
            vx_rect_union(&all, c.x0, c.y0, c.x1, c.y1);
    }
    *drawn = k->drawn_last = all;
    k->last = k->now;
    return 0;
}

#endif

static void keys_close(VxLayer *ly)
{
#ifdef VX_HAVE_LIBASS
    if (ly->priv)
        close_keys(ly->priv);
#endif
    ly->priv = NULL;
}

const VxLayerClass vx_layer_keys = {
    .name = "keys",
    .key = "keys",
    .check = keys_check,
    .open = keys_open,
#ifdef VX_HAVE_LIBASS
    .changes = keys_changes,
    .begin = keys_begin,
    .phases = 1,
    .draw = keys_draw,
    .end = keys_end,
#endif
    .close = keys_close,
};
