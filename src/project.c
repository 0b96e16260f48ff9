/* project.json -> validated VxProject (docs/project-format.md). Every error names the key
 * path and the problem; unknown keys are errors. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "layer.h"
#include "project.h"
#include "format.h"

typedef struct Parser {
    VxContext *ctx;
    const char *name;     /* file name for messages */
    const char *base_dir; /* for relative paths */
    int err;
} Parser;

static int perr(Parser *ps, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int perr(Parser *ps, const char *path, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (!ps->err)
        ps->err = vx_fail_at(ps->ctx, VX_ERR(EINVAL), ps->name, 0, path, "%s: %s: %s",
                             ps->name, path, msg);
    return ps->err;
}

static const char *type_name(json_object *o)
{
    switch (json_object_get_type(o)) {
    case json_type_null: return "null";
    case json_type_boolean: return "a boolean";
    case json_type_double:
    case json_type_int: return "a number";
    case json_type_object: return "an object";
    case json_type_array: return "an array";
    case json_type_string: return "a string";
    }
    return "?";
}

/* Rejects keys of o not in the NULL-terminated list. */
static int check_keys(Parser *ps, json_object *o, const char *path, const char *const *keys)
{
    json_object_object_foreach(o, k, v) {
        (void)v;
        int ok = 0;
        for (const char *const *p = keys; *p; p++)
            ok |= !strcmp(*p, k);
        ok |= !*path && vx_layer_find(k); /* a layer's own section: the layer checks it */
        if (!ok) {
            char full[256];
            snprintf(full, sizeof(full), "%s%s%s", path, *path ? "." : "", k);
            return perr(ps, full, "unknown key");
        }
    }
    return 0;
}

static int get_number(Parser *ps, json_object *v, const char *path, double lo, double hi,
                      double *out)
{
    json_type t = json_object_get_type(v);
    if (t != json_type_double && t != json_type_int)
        return perr(ps, path, "expected a number, got %s", type_name(v));
    double d = json_object_get_double(v);
    if (!isfinite(d))
        return perr(ps, path, "expected a finite number");
    if (d < lo || d > hi)
        return perr(ps, path, "%g is out of range (%g to %g)", d, lo, hi);
    *out = d;
    return 0;
}

static int get_int(Parser *ps, json_object *v, const char *path, int lo, int hi, int *out)
{
    double d = 0;
    int ret = get_number(ps, v, path, lo, hi, &d);
    if (ret < 0)
        return ret;
    if (d != floor(d))
        return perr(ps, path, "expected a whole number, got %g", d);
    *out = (int)d;
    return 0;
}

static int get_string(Parser *ps, json_object *v, const char *path, const char **out)
{
    if (!json_object_is_type(v, json_type_string))
        return perr(ps, path, "expected a string, got %s", type_name(v));
    *out = json_object_get_string(v);
    if (!**out)
        return perr(ps, path, "must not be empty");
    return 0;
}

static int parse_color(Parser *ps, json_object *v, const char *path, VxRGB *c)
{
    const char *s = NULL;
    int ret = get_string(ps, v, path, &s);
    if (ret < 0)
        return ret;
    unsigned r, g, b;
    size_t n = strlen(s);
    if (s[0] != '#' || (n != 7 && n != 4))
        return perr(ps, path, "expected a colour \"#rrggbb\", got \"%s\"", s);
    for (size_t i = 1; i < n; i++)
        if (!isxdigit((unsigned char)s[i]))
            return perr(ps, path, "expected a colour \"#rrggbb\", got \"%s\"", s);
    if (n == 7) {
        sscanf(s + 1, "%2x%2x%2x", &r, &g, &b);
    } else {
        sscanf(s + 1, "%1x%1x%1x", &r, &g, &b);
        r *= 17, g *= 17, b *= 17;
    }
    c->r = r / 255.0, c->g = g / 255.0, c->b = b / 255.0;
    return 0;
}

static int get_path(Parser *ps, json_object *v, const char *path, char **out)
{
    const char *s = NULL;
    int ret = get_string(ps, v, path, &s);
    if (ret < 0)
        return ret;
    size_t n = strlen(s) + (ps->base_dir ? strlen(ps->base_dir) : 0) + 2;
    char *p = malloc(n);
    if (!p)
        return ps->err = VX_ERR(ENOMEM);
    if (s[0] == '/' || !ps->base_dir || !*ps->base_dir)
        snprintf(p, n, "%s", s);
    else
        snprintf(p, n, "%s/%s", ps->base_dir, s);
    free(*out);
    *out = p;
    return 0;
}

/* The presets (docs/project-format.md, "Presets"). */
static const struct { const char *name; double bpp; } quality_presets[] = {
    {"web", 0.04}, {"social", 0.08}, {"studio", 0.15}, {"max", 0.3}};
static const struct { const char *name; int short_side; } resolution_presets[] = {
    {"720p", 720}, {"1080p", 1080}, {"1440p", 1440}, {"4k", 2160}, {"source", -1}};
static const struct { const char *name; int w, h; } aspect_presets[] = {
    {"16:9", 16, 9}, {"9:16", 9, 16}, {"1:1", 1, 1}, {"4:5", 4, 5}, {"4:3", 4, 3}};
#define N_OF(a) ((int)(sizeof(a) / sizeof((a)[0])))
static const char *const resolution_names[] = {"720p", "1080p", "1440p", "4k", "source", NULL};
static const char *const aspect_names[] = {"16:9", "9:16", "1:1", "4:5", "4:3", NULL};

static int get_enum(Parser *ps, json_object *v, const char *path, const char *const *names,
                    int *out);

int vx_preset_describe(int i, const char **key, const char **name, char *what, size_t n)
{
    if (!key || !name || !what || !n || i < 0)
        return VX_ERR(EINVAL);
    if (i < N_OF(quality_presets)) {
        *key = "output.quality", *name = quality_presets[i].name;
        snprintf(what, n, "video rate %.2f bits per pixel per frame (bitrate = %.2f x width x "
                 "height x fps)", quality_presets[i].bpp, quality_presets[i].bpp);
        return 0;
    }
    i -= N_OF(quality_presets);
    if (i < N_OF(resolution_presets)) {
        *key = "output.resolution", *name = resolution_presets[i].name;
        if (resolution_presets[i].short_side < 0)
            snprintf(what, n, "the recording's size (padding included), or its shorter side "
                     "with output.aspect");
        else
            snprintf(what, n, "shorter side %d, the longer at the aspect (%dx%d at 16:9)",
                     resolution_presets[i].short_side, resolution_presets[i].short_side * 16 / 9,
                     resolution_presets[i].short_side);
        return 0;
    }
    i -= N_OF(resolution_presets);
    if (i < N_OF(aspect_presets)) {
        *key = "output.aspect", *name = aspect_presets[i].name;
        snprintf(what, n, "a %d:%d canvas, the screen fitted inside it with the padding",
                 aspect_presets[i].w, aspect_presets[i].h);
        return 0;
    }
    return VX_ERR(ENOENT);
}

static int parse_presets(Parser *ps, json_object *o, VxProject *p)
{
    json_object *v;
    const char *s = NULL;
    if (json_object_object_get_ex(o, "quality", &v) && json_object_is_type(v, json_type_string)) {
        s = json_object_get_string(v);
        for (int i = 0; i < N_OF(quality_presets); i++)
            if (!strcmp(s, quality_presets[i].name))
                p->bpp = quality_presets[i].bpp;
        if (!p->bpp)
            return perr(ps, "output.quality", "expected a CRF number (0 to 51) or \"web\", "
                        "\"social\", \"studio\" or \"max\", got \"%s\"", s);
    }
    int i;
    if (json_object_object_get_ex(o, "resolution", &v)) {
        if (get_enum(ps, v, "output.resolution", resolution_names, &i))
            return ps->err;
        p->res_short = resolution_presets[i].short_side;
    }
    if (json_object_object_get_ex(o, "aspect", &v)) {
        if (get_enum(ps, v, "output.aspect", aspect_names, &i))
            return ps->err;
        p->aspect_w = aspect_presets[i].w, p->aspect_h = aspect_presets[i].h;
    }
    if ((p->res_short || p->aspect_w) && p->width)
        return perr(ps, p->res_short ? "output.resolution" : "output.aspect",
                    "give output.resolution/output.aspect or output.width/output.height, "
                    "not both");
    return 0;
}

static int parse_output(Parser *ps, json_object *o, VxProject *p)
{
    static const char *const keys[] = {"width", "height", "fps", "format", "codec", "quality",
                                       "resolution", "aspect", NULL};
    json_object *v;
    if (!json_object_is_type(o, json_type_object))
        return perr(ps, "output", "expected an object, got %s", type_name(o));
    if (check_keys(ps, o, "output", keys))
        return ps->err;
    int hw = json_object_object_get_ex(o, "width", &v);
    if (hw && get_int(ps, v, "output.width", 16, 8192, &p->width))
        return ps->err;
    int hh = json_object_object_get_ex(o, "height", &v);
    if (hh && get_int(ps, v, "output.height", 16, 8192, &p->height))
        return ps->err;
    if (hw != hh)
        return perr(ps, hw ? "output.height" : "output.width",
                    "give both output.width and output.height, or neither");
    if (json_object_object_get_ex(o, "fps", &v) &&
        get_number(ps, v, "output.fps", 1, 240, &p->fps))
        return ps->err;
    if (json_object_object_get_ex(o, "codec", &v)) {
        const char *s = NULL;
        if (get_string(ps, v, "output.codec", &s))
            return ps->err;
        if ((p->codec = vx_codec_from_name(s)) < 0)
            return perr(ps, "output.codec", "expected \"h264\", \"hevc\", \"av1\", \"vp9\", "
                        "\"prores\" or \"gif\", got \"%s\"", s);
    }
    if (json_object_object_get_ex(o, "format", &v)) {
        const char *s = NULL;
        if (get_string(ps, v, "output.format", &s))
            return ps->err;
        if ((p->format = vx_format_from_name(s)) < 0)
            return perr(ps, "output.format", "expected \"mp4\", \"mov\", \"webm\" or \"gif\", "
                        "got \"%s\"", s);
    }
    if (json_object_object_get_ex(o, "quality", &v) && !json_object_is_type(v, json_type_string)
        && get_number(ps, v, "output.quality", 0, 51, &p->quality))
        return ps->err;
    return parse_presets(ps, o, p);
}

static int get_bool(Parser *ps, json_object *v, const char *path, int *out)
{
    if (!json_object_is_type(v, json_type_boolean))
        return perr(ps, path, "expected true or false, got %s", type_name(v));
    *out = json_object_get_boolean(v);
    return 0;
}

/* Looks up key in o; *v is NULL when absent. Fills path with "prefix.key". */
static int has(json_object *o, const char *prefix, const char *key, json_object **v,
               char *path, size_t n)
{
    snprintf(path, n, "%s.%s", prefix, key);
    if (!json_object_object_get_ex(o, key, v))
        *v = NULL;
    return *v != NULL;
}

/* One of names (NULL-terminated) -> its index. */
static int get_enum(Parser *ps, json_object *v, const char *path, const char *const *names,
                    int *out)
{
    const char *s = NULL;
    if (get_string(ps, v, path, &s))
        return ps->err;
    for (int i = 0; names[i]; i++)
        if (!strcmp(names[i], s)) {
            *out = i;
            return 0;
        }
    char list[256] = "";
    for (int i = 0; names[i]; i++)
        snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s\"%s\"",
                 i ? (names[i + 1] ? ", " : " or ") : "", names[i]);
    return perr(ps, path, "expected %s, got \"%s\"", list, s);
}

static int parse_tracks(Parser *ps, json_object *v, VxProject *p)
{
    static const char *const keys[] = {"path", "screen", "gain_db", "mute", "offset", NULL};
    if (!json_object_is_type(v, json_type_array))
        return perr(ps, "sources.audio", "expected an array of tracks, got %s", type_name(v));
    size_t n = json_object_array_length(v);
    if (n > 16)
        return perr(ps, "sources.audio", "at most 16 tracks, got %zu", n);
    p->audio_mode = n ? VX_AUDIO_FILE : VX_AUDIO_NONE;
    if (!n)
        return 0;
    if (!(p->tracks = calloc(n, sizeof(*p->tracks))))
        return ps->err = VX_ERR(ENOMEM);
    p->n_tracks = (int)n;
    for (size_t i = 0; i < n; i++) {
        VxAudioTrack *t = &p->tracks[i];
        json_object *e = json_object_array_get_idx(v, i), *f;
        char pre[64], path[96];
        snprintf(pre, sizeof(pre), "sources.audio[%zu]", i);
        if (json_object_is_type(e, json_type_string)) {
            if (get_path(ps, e, pre, &t->path))
                return ps->err;
            continue;
        }
        if (!json_object_is_type(e, json_type_object))
            return perr(ps, pre, "expected a path or an object, got %s", type_name(e));
        if (check_keys(ps, e, pre, keys))
            return ps->err;
        int screen = 0;
        if (has(e, pre, "screen", &f, path, sizeof(path)) && get_bool(ps, f, path, &screen))
            return ps->err;
        if (has(e, pre, "path", &f, path, sizeof(path))) {
            if (screen)
                return perr(ps, path, "give \"path\" or \"screen\": true, not both");
            if (get_path(ps, f, path, &t->path))
                return ps->err;
        } else if (!screen) {
            return perr(ps, path, "missing (an audio file, or \"screen\": true for the "
                        "recording's own audio)");
        }
        if (has(e, pre, "gain_db", &f, path, sizeof(path)) &&
            get_number(ps, f, path, -60, 24, &t->gain_db))
            return ps->err;
        if (has(e, pre, "mute", &f, path, sizeof(path)) && get_bool(ps, f, path, &t->mute))
            return ps->err;
        if (has(e, pre, "offset", &f, path, sizeof(path)) &&
            get_number(ps, f, path, -86400, 86400, &t->offset))
            return ps->err;
    }
    return 0;
}

/* timeline[i].transition: { "type": "fade-black", "duration": D }, into range i from i - 1.
 * That D fits in the ranges on both sides is checked with the recording's length
 * (timeline.c). */
static int parse_transition(Parser *ps, json_object *v, const char *pre, size_t i, VxSegment *g)
{
    static const char *const keys[] = {"type", "duration", NULL};
    static const char *const types[] = {"cut", "fade-black", "crossfade", NULL};
    json_object *f;
    char path[160];
    if (!json_object_is_type(v, json_type_object))
        return perr(ps, pre, "expected an object {\"type\", \"duration\"}, got %s",
                    type_name(v));
    if (check_keys(ps, v, pre, keys))
        return ps->err;
    int type = 0;
    if (!has(v, pre, "type", &f, path, sizeof(path)))
        return perr(ps, path, "missing (\"fade-black\" or \"cut\")");
    if (get_enum(ps, f, path, types, &type))
        return ps->err;
    g->transition = type == 2 ? VX_TRANS_CROSSFADE : type == 1 ? VX_TRANS_FADE_BLACK
                                                              : VX_TRANS_CUT;
    g->tr_duration = type ? 0.5 : 0;
    /* a cross-fade keeps the outgoing side's outputs while it lasts: at most 5 s */
    if (has(v, pre, "duration", &f, path, sizeof(path)) &&
        get_number(ps, f, path, 0, type == 2 ? 5 : 60, &g->tr_duration))
        return ps->err;
    if (g->transition == VX_TRANS_CUT || g->tr_duration <= 0) {
        g->transition = VX_TRANS_CUT;
        g->tr_duration = 0;
    }
    if (i == 0 && g->transition != VX_TRANS_CUT)
        return perr(ps, pre, "the first range has no range before it to come from");
    return 0;
}

static int parse_timeline(Parser *ps, json_object *v, VxProject *p)
{
    static const char *const keys[] = {"start", "end", "speed", "audio", "transition", NULL};
    static const char *const audio[] = {"auto", "keep", "mute", NULL};
    if (!json_object_is_type(v, json_type_array))
        return perr(ps, "timeline", "expected an array of ranges, got %s", type_name(v));
    size_t n = json_object_array_length(v);
    if (n < 1 || n > 10000)
        return perr(ps, "timeline", "expected 1 to 10000 ranges, got %zu", n);
    if (!(p->segs = calloc(n, sizeof(*p->segs))))
        return ps->err = VX_ERR(ENOMEM);
    p->n_segs = (int)n;
    for (size_t i = 0; i < n; i++) {
        VxSegment *g = &p->segs[i];
        json_object *e = json_object_array_get_idx(v, i), *f;
        char pre[64], path[96];
        snprintf(pre, sizeof(pre), "timeline[%zu]", i);
        if (!json_object_is_type(e, json_type_object))
            return perr(ps, pre, "expected an object {\"start\", \"end\", \"speed\"}, got %s",
                        type_name(e));
        if (check_keys(ps, e, pre, keys))
            return ps->err;
        g->speed = 1;
        g->end = -1;
        if (has(e, pre, "start", &f, path, sizeof(path)) &&
            get_number(ps, f, path, 0, 86400 * 7, &g->start))
            return ps->err;
        if (has(e, pre, "end", &f, path, sizeof(path))) {
            if (get_number(ps, f, path, 0, 86400 * 7, &g->end))
                return ps->err;
            if (g->end <= g->start)
                return perr(ps, path, "the range ends (%g s) before it starts (%g s)", g->end,
                            g->start);
        }
        if (has(e, pre, "speed", &f, path, sizeof(path)) &&
            get_number(ps, f, path, 0.25, 16, &g->speed))
            return ps->err;
        if (has(e, pre, "audio", &f, path, sizeof(path)) &&
            get_enum(ps, f, path, audio, &g->audio))
            return ps->err;
        if (has(e, pre, "transition", &f, path, sizeof(path)) &&
            parse_transition(ps, f, path, i, g))
            return ps->err;
        if (g->end < 0 && i + 1 < n)
            return perr(ps, pre, "only the last range may leave out \"end\"");
        if (i && g->start < p->segs[i - 1].end - 1e-9)
            return perr(ps, path, "ranges must be in order and must not overlap (this one "
                        "starts at %g s, before the previous one ends at %g s)", g->start,
                        p->segs[i - 1].end);
    }
    return 0;
}

static int parse_point(Parser *ps, json_object *v, const char *path, int n, double *out)
{
    if (!json_object_is_type(v, json_type_array) || (int)json_object_array_length(v) != n)
        return perr(ps, path, "expected an array of %d numbers", n);
    for (int i = 0; i < n; i++) {
        char ep[128];
        snprintf(ep, sizeof(ep), "%s[%d]", path, i);
        if (get_number(ps, json_object_array_get_idx(v, (size_t)i), ep, -1e6, 1e6, &out[i]))
            return ps->err;
    }
    return 0;
}

/* An array of at most 10000 objects under key (what: "zoom segments"): *out gets n zeroed
 * elements of size bytes. */
static int parse_list(Parser *ps, json_object *v, const char *key, const char *what,
                      size_t size, void **out, int *n_out)
{
    if (!json_object_is_type(v, json_type_array))
        return perr(ps, key, "expected an array of %s, got %s", what, type_name(v));
    size_t n = json_object_array_length(v);
    if (n > 10000)
        return perr(ps, key, "at most 10000 %s, got %zu", what, n);
    if (n && !(*out = calloc(n, size)))
        return ps->err = VX_ERR(ENOMEM);
    *n_out = (int)n;
    return 0;
}

/* Element i of the list v under key: an object with only the keys given; pre gets "key[i]". */
static int list_item(Parser *ps, json_object *v, const char *key, int i,
                     const char *const *keys, json_object **e, char *pre, size_t n)
{
    *e = json_object_array_get_idx(v, (size_t)i);
    snprintf(pre, n, "%s[%d]", key, i);
    if (!json_object_is_type(*e, json_type_object))
        return perr(ps, pre, "expected an object, got %s", type_name(*e));
    return check_keys(ps, *e, pre, keys);
}

/* pre.start and pre.end, both required, seconds, end > start (what: "zoom"). */
static int parse_span(Parser *ps, json_object *e, const char *pre, const char *what,
                      double *start, double *end)
{
    json_object *f;
    char path[96];
    if (!has(e, pre, "start", &f, path, sizeof(path)))
        return perr(ps, path, "missing");
    if (get_number(ps, f, path, 0, 86400 * 7, start))
        return ps->err;
    if (!has(e, pre, "end", &f, path, sizeof(path)))
        return perr(ps, path, "missing");
    if (get_number(ps, f, path, 0, 86400 * 7, end))
        return ps->err;
    if (*end <= *start)
        return perr(ps, path, "the %s ends (%g s) before it starts (%g s)", what, *end, *start);
    return 0;
}

static int parse_zoom(Parser *ps, json_object *v, VxProject *p)
{
    static const char *const keys[] = {"start", "end", "rect", "center", "scale", "follow",
                                       "transition", "ease", "stiffness", "damping",
                                       "dead_zone", NULL};
    static const char *const eases[] = {"ease-in-out", "spring", "linear", NULL};
    if (parse_list(ps, v, "zoom", "zoom segments", sizeof(*p->zooms), (void **)&p->zooms,
                   &p->n_zooms))
        return ps->err;
    for (int i = 0; i < p->n_zooms; i++) {
        VxZoom *z = &p->zooms[i];
        json_object *e, *f;
        char pre[64], path[96];
        if (list_item(ps, v, "zoom", i, keys, &e, pre, sizeof(pre)))
            return ps->err;
        z->scale = 2;
        z->transition = 0.6;
        z->stiffness = 170;
        z->damping = 26;
        z->dead_zone = 0.5;
        if (parse_span(ps, e, pre, "zoom", &z->start, &z->end))
            return ps->err;
        int modes = 0;
        if (has(e, pre, "rect", &f, path, sizeof(path))) {
            double r[4];
            if (parse_point(ps, f, path, 4, r))
                return ps->err;
            if (r[2] <= 0 || r[3] <= 0)
                return perr(ps, path, "width and height must be positive");
            z->mode = VX_ZOOM_RECT, z->x = r[0], z->y = r[1], z->w = r[2], z->h = r[3];
            modes++;
        }
        if (has(e, pre, "center", &f, path, sizeof(path))) {
            double c[2];
            if (parse_point(ps, f, path, 2, c))
                return ps->err;
            z->mode = VX_ZOOM_CENTER, z->cx = c[0], z->cy = c[1];
            modes++;
        }
        if (has(e, pre, "follow", &f, path, sizeof(path))) {
            const char *s = NULL;
            if (get_string(ps, f, path, &s))
                return ps->err;
            if (strcmp(s, "cursor"))
                return perr(ps, path, "expected \"cursor\", got \"%s\"", s);
            z->mode = VX_ZOOM_FOLLOW;
            modes++;
        }
        if (modes != 1)
            return perr(ps, pre, "give exactly one of \"rect\", \"center\" or "
                        "\"follow\": \"cursor\"");
        if (has(e, pre, "scale", &f, path, sizeof(path))) {
            if (z->mode == VX_ZOOM_RECT)
                return perr(ps, path, "a \"rect\" zoom takes its scale from the rectangle");
            if (get_number(ps, f, path, 1, 16, &z->scale))
                return ps->err;
        }
        if (has(e, pre, "transition", &f, path, sizeof(path)) &&
            get_number(ps, f, path, 0, 10, &z->transition))
            return ps->err;
        if (has(e, pre, "ease", &f, path, sizeof(path)) && get_enum(ps, f, path, eases, &z->ease))
            return ps->err;
        if (has(e, pre, "stiffness", &f, path, sizeof(path)) &&
            get_number(ps, f, path, 1, 10000, &z->stiffness))
            return ps->err;
        if (has(e, pre, "damping", &f, path, sizeof(path)) &&
            get_number(ps, f, path, 0.1, 1000, &z->damping))
            return ps->err;
        if (has(e, pre, "dead_zone", &f, path, sizeof(path)) &&
            get_number(ps, f, path, 0, 0.95, &z->dead_zone))
            return ps->err;
        if (i && z->start - z->transition < p->zooms[i - 1].end + p->zooms[i - 1].transition - 1e-9)
            return perr(ps, pre, "zoom segments must be in order and must not overlap, "
                        "transitions included (this one eases in from %g s, the previous one "
                        "eases out until %g s)", z->start - z->transition,
                        p->zooms[i - 1].end + p->zooms[i - 1].transition);
    }
    return 0;
}

static int parse_cursor(Parser *ps, json_object *o, VxProject *p)
{
    static const char *const keys[] = {"draw", "size", "smoothing", "min_cutoff", "beta",
                                       "stiffness", "damping", "hide_when_idle", "click",
                                       "click_color", NULL};
    static const char *const smooth[] = {"none", "one-euro", "spring", NULL};
    static const char *const click[] = {"none", "ring", NULL};
    VxCursorOpts *c = &p->cursor;
    json_object *f;
    char path[96];
    if (!json_object_is_type(o, json_type_object))
        return perr(ps, "cursor", "expected an object, got %s", type_name(o));
    if (check_keys(ps, o, "cursor", keys))
        return ps->err;
    c->draw = 1;
    if (has(o, "cursor", "draw", &f, path, sizeof(path)) && get_bool(ps, f, path, &c->draw))
        return ps->err;
    if (has(o, "cursor", "size", &f, path, sizeof(path)) &&
        get_number(ps, f, path, 0.1, 10, &c->size))
        return ps->err;
    if (has(o, "cursor", "smoothing", &f, path, sizeof(path)) &&
        get_enum(ps, f, path, smooth, &c->smoothing))
        return ps->err;
    if (has(o, "cursor", "min_cutoff", &f, path, sizeof(path)) &&
        get_number(ps, f, path, 0.001, 1000, &c->min_cutoff))
        return ps->err;
    if (has(o, "cursor", "beta", &f, path, sizeof(path)) &&
        get_number(ps, f, path, 0, 100, &c->beta))
        return ps->err;
    if (has(o, "cursor", "stiffness", &f, path, sizeof(path)) &&
        get_number(ps, f, path, 1, 10000, &c->stiffness))
        return ps->err;
    if (has(o, "cursor", "damping", &f, path, sizeof(path)) &&
        get_number(ps, f, path, 0.1, 1000, &c->damping))
        return ps->err;
    if (has(o, "cursor", "hide_when_idle", &f, path, sizeof(path)) &&
        get_number(ps, f, path, 0, 86400, &c->hide_idle))
        return ps->err;
    if (has(o, "cursor", "click", &f, path, sizeof(path)) && get_enum(ps, f, path, click, &c->click))
        return ps->err;
    if (has(o, "cursor", "click_color", &f, path, sizeof(path)) &&
        parse_color(ps, f, path, &c->click_color))
        return ps->err;
    return 0;
}

static int parse_camera(Parser *ps, json_object *o, VxProject *p)
{
    static const char *const keys[] = {"shape", "radius", "corner", "position", "size",
                                       "margin", "mirror", "border", "border_color", "shadow",
                                       "offset", NULL};
    static const char *const shapes[] = {"circle", "rounded", "square", NULL};
    static const char *const corners[] = {"bottom-right", "bottom-left", "top-right",
                                          "top-left", NULL};
    VxCameraOpts *c = &p->camera;
    json_object *f;
    char path[96];
    if (!json_object_is_type(o, json_type_object))
        return perr(ps, "camera", "expected an object, got %s", type_name(o));
    if (check_keys(ps, o, "camera", keys))
        return ps->err;
    if (has(o, "camera", "shape", &f, path, sizeof(path)) && get_enum(ps, f, path, shapes, &c->shape))
        return ps->err;
    if (has(o, "camera", "radius", &f, path, sizeof(path)) &&
        get_number(ps, f, path, 0, 0.5, &c->radius))
        return ps->err;
    if (has(o, "camera", "corner", &f, path, sizeof(path))) {
        if (get_enum(ps, f, path, corners, &c->corner))
            return ps->err;
        if (json_object_object_get_ex(o, "position", &f))
            return perr(ps, "camera.position", "give \"corner\" or \"position\", not both");
    }
    if (has(o, "camera", "position", &f, path, sizeof(path))) {
        double xy[2];
        if (parse_point(ps, f, path, 2, xy))
            return ps->err;
        if (xy[0] < 0 || xy[0] > 1 || xy[1] < 0 || xy[1] > 1)
            return perr(ps, path, "expected fractions of the output (0 to 1)");
        c->corner = VX_CORNER_POS, c->px = xy[0], c->py = xy[1];
    }
    if (has(o, "camera", "size", &f, path, sizeof(path)) &&
        get_number(ps, f, path, 0.05, 1, &c->size))
        return ps->err;
    if (has(o, "camera", "margin", &f, path, sizeof(path)) &&
        get_number(ps, f, path, 0, 0.45, &c->margin))
        return ps->err;
    if (has(o, "camera", "mirror", &f, path, sizeof(path)) && get_bool(ps, f, path, &c->mirror))
        return ps->err;
    if (has(o, "camera", "border", &f, path, sizeof(path)) &&
        get_number(ps, f, path, 0, 100, &c->border))
        return ps->err;
    if (has(o, "camera", "border_color", &f, path, sizeof(path)) &&
        parse_color(ps, f, path, &c->border_color))
        return ps->err;
    if (has(o, "camera", "shadow", &f, path, sizeof(path)) && get_bool(ps, f, path, &c->shadow))
        return ps->err;
    if (has(o, "camera", "offset", &f, path, sizeof(path)) &&
        get_number(ps, f, path, -86400, 86400, &c->offset))
        return ps->err;
    return 0;
}


static int parse_sources(Parser *ps, json_object *o, VxProject *p)
{
    static const char *const keys[] = {"screen", "audio", "camera", "cursor", "captions", "keys",
                                       NULL};
    json_object *v;
    if (!json_object_is_type(o, json_type_object))
        return perr(ps, "sources", "expected an object, got %s", type_name(o));
    if (check_keys(ps, o, "sources", keys))
        return ps->err;
    if (!json_object_object_get_ex(o, "screen", &v))
        return perr(ps, "sources.screen", "missing (the screen recording to export)");
    if (get_path(ps, v, "sources.screen", &p->screen))
        return ps->err;
    if (json_object_object_get_ex(o, "audio", &v) && parse_tracks(ps, v, p))
        return ps->err;
    if (json_object_object_get_ex(o, "camera", &v) &&
        get_path(ps, v, "sources.camera", &p->camera.path))
        return ps->err;
    if (json_object_object_get_ex(o, "cursor", &v) &&
        get_path(ps, v, "sources.cursor", &p->cursor.track))
        return ps->err;
    if (json_object_object_get_ex(o, "captions", &v) &&
        get_path(ps, v, "sources.captions", &p->captions))
        return ps->err;
    if (json_object_object_get_ex(o, "keys", &v) && get_path(ps, v, "sources.keys", &p->keys))
        return ps->err;
    return 0;
}

static int parse_background(Parser *ps, json_object *o, VxProject *p)
{
    json_object *v;
    if (json_object_is_type(o, json_type_string) &&
        !strncmp(json_object_get_string(o), "wallpaper:", 10)) {
        p->bg_type = VX_BG_WALLPAPER;
        if ((p->bg_wallpaper = vx_wallpaper_find(json_object_get_string(o) + 10)) < 0)
            return perr(ps, "background", "no wallpaper \"%s\" (built in: %s)",
                        json_object_get_string(o) + 10, vx_wallpaper_names());
        return 0;
    }
    if (json_object_is_type(o, json_type_string) &&
        !strcmp(json_object_get_string(o), "transparent")) {
        /* composed over black and over white, the alpha found from the two (src/matte.c);
         * vx_output_resolve refuses it but for ProRes in a .mov */
        p->bg_type = VX_BG_SOLID;
        p->bg_color = (VxRGB){0, 0, 0};
        p->bg_transparent = 1;
        return 0;
    }
    if (json_object_is_type(o, json_type_string)) {
        const char *s = json_object_get_string(o);
        if (s[0] != '#') { /* not meant as a colour: name the forms a string can take */
            const int named = vx_wallpaper_find(s) >= 0; /* a wallpaper's bare name */
            return perr(ps, "background", "expected \"#rrggbb\", \"wallpaper:NAME\" or "
                        "\"transparent\", got \"%s\"%s%s%s (built in: %s)", s,
                        named ? "; did you mean \"wallpaper:" : "", named ? s : "",
                        named ? "\"?" : "", vx_wallpaper_names());
        }
        p->bg_type = VX_BG_SOLID;
        return parse_color(ps, o, "background", &p->bg_color);
    }
    if (!json_object_is_type(o, json_type_object))
        return perr(ps, "background", "expected a colour string or an object, got %s",
                    type_name(o));
    const char *type;
    if (!json_object_object_get_ex(o, "type", &v))
        return perr(ps, "background.type", "missing (\"solid\", \"gradient\", \"image\" or "
                    "\"wallpaper\")");
    if (get_string(ps, v, "background.type", &type))
        return ps->err;
    if (!strcmp(type, "solid")) {
        static const char *const keys[] = {"type", "color", NULL};
        if (check_keys(ps, o, "background", keys))
            return ps->err;
        p->bg_type = VX_BG_SOLID;
        if (!json_object_object_get_ex(o, "color", &v))
            return perr(ps, "background.color", "missing");
        return parse_color(ps, v, "background.color", &p->bg_color);
    }
    if (!strcmp(type, "gradient")) {
        static const char *const keys[] = {"type", "angle", "stops", NULL};
        if (check_keys(ps, o, "background", keys))
            return ps->err;
        p->bg_type = VX_BG_GRADIENT;
        if (json_object_object_get_ex(o, "angle", &v) &&
            get_number(ps, v, "background.angle", -3600, 3600, &p->bg_angle))
            return ps->err;
        if (!json_object_object_get_ex(o, "stops", &v))
            return perr(ps, "background.stops", "missing (at least two colour stops)");
        if (!json_object_is_type(v, json_type_array))
            return perr(ps, "background.stops", "expected an array, got %s", type_name(v));
        size_t n = json_object_array_length(v);
        if (n < 2 || n > 64)
            return perr(ps, "background.stops", "expected 2 to 64 stops, got %zu", n);
        p->stops = calloc(n, sizeof(*p->stops));
        if (!p->stops)
            return ps->err = VX_ERR(ENOMEM);
        p->n_stops = (int)n;
        for (size_t i = 0; i < n; i++) {
            static const char *const skeys[] = {"at", "color", NULL};
            char path[64];
            json_object *s = json_object_array_get_idx(v, i), *f;
            snprintf(path, sizeof(path), "background.stops[%zu]", i);
            if (!json_object_is_type(s, json_type_object))
                return perr(ps, path, "expected an object {\"at\", \"color\"}, got %s",
                            type_name(s));
            if (check_keys(ps, s, path, skeys))
                return ps->err;
            char fp[80];
            snprintf(fp, sizeof(fp), "%s.at", path);
            if (!json_object_object_get_ex(s, "at", &f))
                p->stops[i].at = (double)i / (double)(n - 1);
            else if (get_number(ps, f, fp, 0, 1, &p->stops[i].at))
                return ps->err;
            if (i && p->stops[i].at < p->stops[i - 1].at)
                return perr(ps, fp, "stops must be in increasing order");
            snprintf(fp, sizeof(fp), "%s.color", path);
            if (!json_object_object_get_ex(s, "color", &f))
                return perr(ps, fp, "missing");
            if (parse_color(ps, f, fp, &p->stops[i].c))
                return ps->err;
        }
        return 0;
    }
    if (!strcmp(type, "wallpaper")) {
        static const char *const keys[] = {"type", "name", NULL};
        const char *name;
        if (check_keys(ps, o, "background", keys))
            return ps->err;
        p->bg_type = VX_BG_WALLPAPER;
        if (!json_object_object_get_ex(o, "name", &v))
            return perr(ps, "background.name", "missing (built in: %s)", vx_wallpaper_names());
        if (get_string(ps, v, "background.name", &name))
            return ps->err;
        if ((p->bg_wallpaper = vx_wallpaper_find(name)) < 0)
            return perr(ps, "background.name", "no wallpaper \"%s\" (built in: %s)", name,
                        vx_wallpaper_names());
        return 0;
    }
    if (!strcmp(type, "image")) {
        static const char *const keys[] = {"type", "path", "blur", NULL};
        if (check_keys(ps, o, "background", keys))
            return ps->err;
        p->bg_type = VX_BG_IMAGE;
        if (json_object_object_get_ex(o, "blur", &v) &&
            get_number(ps, v, "background.blur", 0, 512, &p->bg_blur))
            return ps->err;
        if (!json_object_object_get_ex(o, "path", &v))
            return perr(ps, "background.path", "missing (the image file)");
        return get_path(ps, v, "background.path", &p->bg_image);
    }
    return perr(ps, "background.type", "expected \"solid\", \"gradient\", \"image\" or "
                "\"wallpaper\", got \"%s\"", type);
}

static int parse_shadow(Parser *ps, json_object *o, VxProject *p)
{
    static const char *const keys[] = {"blur", "offset_x", "offset_y", "opacity", "color", NULL};
    json_object *v;
    if (json_object_is_type(o, json_type_null))
        return 0;
    if (!json_object_is_type(o, json_type_object))
        return perr(ps, "shadow", "expected an object or null, got %s", type_name(o));
    if (check_keys(ps, o, "shadow", keys))
        return ps->err;
    p->shadow = 1;
    if (json_object_object_get_ex(o, "blur", &v) &&
        get_number(ps, v, "shadow.blur", 0, 1000, &p->sh_blur))
        return ps->err;
    if (json_object_object_get_ex(o, "offset_x", &v) &&
        get_number(ps, v, "shadow.offset_x", -2000, 2000, &p->sh_dx))
        return ps->err;
    if (json_object_object_get_ex(o, "offset_y", &v) &&
        get_number(ps, v, "shadow.offset_y", -2000, 2000, &p->sh_dy))
        return ps->err;
    if (json_object_object_get_ex(o, "opacity", &v) &&
        get_number(ps, v, "shadow.opacity", 0, 1, &p->sh_opacity))
        return ps->err;
    if (json_object_object_get_ex(o, "color", &v) &&
        parse_color(ps, v, "shadow.color", &p->sh_color))
        return ps->err;
    return 0;
}

static int parse_auto_zoom(Parser *ps, json_object *o, VxProject *p)
{
    static const char *const keys[] = {"scale", "transition", "ease", "stiffness", "damping",
                                       "merge", "before", "after", NULL};
    static const char *const eases[] = {"ease-in-out", "spring", "linear", NULL};
    VxAutoZoomOpts *a = &p->auto_zoom;
    *a = (VxAutoZoomOpts){1, 2, 0.6, VX_EASE_INOUT, 170, 26, 1.5, 0.3, 1.2};
    if (!json_object_is_type(o, json_type_object))
        return perr(ps, "auto_zoom", "expected an object, got %s", type_name(o));
    if (check_keys(ps, o, "auto_zoom", keys))
        return ps->err;
    json_object *f;
    char path[96];
    if ((has(o, "auto_zoom", "scale", &f, path, sizeof(path)) &&
         get_number(ps, f, path, 1, 16, &a->scale)) ||
        (has(o, "auto_zoom", "transition", &f, path, sizeof(path)) &&
         get_number(ps, f, path, 0, 10, &a->transition)) ||
        (has(o, "auto_zoom", "ease", &f, path, sizeof(path)) &&
         get_enum(ps, f, path, eases, &a->ease)) ||
        (has(o, "auto_zoom", "stiffness", &f, path, sizeof(path)) &&
         get_number(ps, f, path, 1, 10000, &a->stiffness)) ||
        (has(o, "auto_zoom", "damping", &f, path, sizeof(path)) &&
         get_number(ps, f, path, 0.1, 1000, &a->damping)) ||
        (has(o, "auto_zoom", "merge", &f, path, sizeof(path)) &&
         get_number(ps, f, path, 0, 60, &a->merge)) ||
        (has(o, "auto_zoom", "before", &f, path, sizeof(path)) &&
         get_number(ps, f, path, 0, 10, &a->before)) ||
        (has(o, "auto_zoom", "after", &f, path, sizeof(path)) &&
         get_number(ps, f, path, 0.05, 60, &a->after)))
        return ps->err;
    return 0;
}

static int parse_motion_blur(Parser *ps, json_object *o, VxProject *p)
{
    static const char *const keys[] = {"screen", "cursor", NULL};
    json_object *v;
    if (json_object_is_type(o, json_type_null))
        return 0;
    if (!json_object_is_type(o, json_type_object))
        return perr(ps, "motion_blur", "expected an object or null, got %s", type_name(o));
    if (check_keys(ps, o, "motion_blur", keys))
        return ps->err;
    if (json_object_object_get_ex(o, "screen", &v) &&
        get_number(ps, v, "motion_blur.screen", 0, 1, &p->mb_screen))
        return ps->err;
    if (json_object_object_get_ex(o, "cursor", &v) &&
        get_bool(ps, v, "motion_blur.cursor", &p->mb_cursor))
        return ps->err;
    return 0;
}

static int parse_scenes(Parser *ps, json_object *v, VxProject *p)
{
    static const char *const keys[] = {"start", "end", "layout", "transition", NULL};
    static const char *const layouts[] = {"default", "screen", "camera", "split", NULL};
    if (parse_list(ps, v, "scenes", "scenes", sizeof(*p->scenes), (void **)&p->scenes,
                   &p->n_scenes))
        return ps->err;
    for (int i = 0; i < p->n_scenes; i++) {
        VxSceneSpec *sc = &p->scenes[i];
        json_object *e, *f;
        char pre[64], path[96];
        if (list_item(ps, v, "scenes", i, keys, &e, pre, sizeof(pre)) ||
            parse_span(ps, e, pre, "scene", &sc->start, &sc->end))
            return ps->err;
        if (i && sc->start < p->scenes[i - 1].end)
            return perr(ps, pre, "starts at %g s, before scenes[%d] ends (%g s): scenes are "
                        "in order and may not overlap", sc->start, i - 1,
                        p->scenes[i - 1].end);
        if (!has(e, pre, "layout", &f, path, sizeof(path)))
            return perr(ps, path, "missing (\"default\", \"screen\", \"camera\" or "
                        "\"split\")");
        if (get_enum(ps, f, path, layouts, &sc->layout))
            return ps->err;
        if ((sc->layout == VX_SCENE_CAMERA || sc->layout == VX_SCENE_SPLIT) && !p->camera.path)
            return perr(ps, path, "\"%s\" shows the camera: it needs sources.camera",
                        layouts[sc->layout]);
        if (has(e, pre, "transition", &f, path, sizeof(path))) {
            if (get_number(ps, f, path, 0, 10, &sc->transition))
                return ps->err;
        }
    }
    return 0;
}

static int parse_root(Parser *ps, json_object *root, VxProject *p)
{
    static const char *const keys[] = {"version", "output", "sources", "background",
                                       "padding", "radius", "shadow", "timeline", "zoom",
                                       "auto_zoom", "cursor", "camera",
                                       "motion_blur", "scenes", NULL};
    json_object *v;
    if (!json_object_is_type(root, json_type_object))
        return perr(ps, "(top level)", "expected an object, got %s", type_name(root));
    if (check_keys(ps, root, "", keys))
        return ps->err;
    if (json_object_object_get_ex(root, "version", &v)) {
        int ver = 0;
        if (get_int(ps, v, "version", 1, 1000, &ver))
            return ps->err;
        if (ver != 1)
            return perr(ps, "version", "version %d is not supported (this vexport reads 1)", ver);
    }
    if (json_object_object_get_ex(root, "output", &v) && parse_output(ps, v, p))
        return ps->err;
    if (!json_object_object_get_ex(root, "sources", &v))
        return perr(ps, "sources", "missing (at least {\"screen\": \"recording.mp4\"})");
    if (parse_sources(ps, v, p))
        return ps->err;
    if (json_object_object_get_ex(root, "background", &v) && parse_background(ps, v, p))
        return ps->err;
    if (json_object_object_get_ex(root, "padding", &v) &&
        get_number(ps, v, "padding", 0, 0.45, &p->padding))
        return ps->err;
    if (json_object_object_get_ex(root, "radius", &v) &&
        get_number(ps, v, "radius", 0, 4096, &p->radius))
        return ps->err;
    if (json_object_object_get_ex(root, "shadow", &v) && parse_shadow(ps, v, p))
        return ps->err;
    if (json_object_object_get_ex(root, "timeline", &v) && parse_timeline(ps, v, p))
        return ps->err;
    if (json_object_object_get_ex(root, "zoom", &v) && parse_zoom(ps, v, p))
        return ps->err;
    if (json_object_object_get_ex(root, "cursor", &v) && parse_cursor(ps, v, p))
        return ps->err;
    if (json_object_object_get_ex(root, "camera", &v) && parse_camera(ps, v, p))
        return ps->err;
    if (json_object_object_get_ex(root, "auto_zoom", &v) && parse_auto_zoom(ps, v, p))
        return ps->err;
    if (p->auto_zoom.on && !p->cursor.track)
        return perr(ps, "auto_zoom", "needs a cursor track (sources.cursor): its clicks place "
                    "the zooms");
    if (json_object_object_get_ex(root, "motion_blur", &v) && parse_motion_blur(ps, v, p))
        return ps->err;
    if (json_object_object_get_ex(root, "scenes", &v) && parse_scenes(ps, v, p))
        return ps->err;
    for (int i = 0; i < p->n_zooms; i++)
        if (p->zooms[i].mode == VX_ZOOM_FOLLOW && !p->cursor.track)
            return perr(ps, "zoom", "\"follow\": \"cursor\" needs a cursor track "
                        "(sources.cursor)");
    if (p->cursor.track && !json_object_object_get_ex(root, "cursor", &v))
        p->cursor.draw = 1;
    for (int i = 0; vx_layers[i]; i++) { /* the layers that parse their own section */
        const VxLayerClass *lc = vx_layers[i];
        if (lc->key && lc->check && json_object_object_get_ex(root, lc->key, &v)) {
            int ret = lc->check(ps->ctx, ps->name, v);
            if (ret < 0)
                return ps->err = ret;
        }
    }
    return 0;
}

static void project_defaults(VxProject *p)
{
    memset(p, 0, sizeof(*p));
    p->quality = 20;
    p->codec = VX_CODEC_AUTO;
    p->bg_type = VX_BG_SOLID;
    p->sh_blur = 32;
    p->sh_dy = 8;
    p->sh_opacity = 0.5;
    p->cursor.size = 1;
    p->cursor.smoothing = VX_SMOOTH_ONE_EURO;
    p->cursor.min_cutoff = 1.0;
    p->cursor.beta = 0.01;
    p->cursor.stiffness = 300;
    p->cursor.damping = 30;
    p->cursor.click = VX_CLICK_RING;
    p->cursor.click_color = (VxRGB){1, 1, 1};
    p->camera.shape = VX_SHAPE_CIRCLE;
    p->camera.radius = 0.2;
    p->camera.size = 0.22;
    p->camera.margin = 0.04;
    p->camera.border_color = (VxRGB){1, 1, 1};
    p->camera.shadow = 1;
}

void vx_project_free(VxProject **pp)
{
    if (!pp || !*pp)
        return;
    VxProject *p = *pp;
    free(p->screen);
    free(p->captions);
    free(p->keys);
    for (int i = 0; i < p->n_tracks; i++)
        free(p->tracks[i].path);
    free(p->tracks);
    free(p->stops);
    free(p->bg_image);
    free(p->segs);
    free(p->zooms);
    free(p->scenes);
    free(p->cursor.track);
    free(p->camera.path);
    free(p->base_dir);
    json_object_put(p->json);
    free(p);
    *pp = NULL;
}

int vx_project_parse(VxContext *ctx, const char *json, const char *base_dir, const char *name,
                     VxProject **out)
{
    if (!ctx || !json || !out)
        return VX_ERR(EINVAL);
    *out = NULL;
    Parser ps = {ctx, name ? name : "project", base_dir, 0};
    json_tokener *tok = json_tokener_new();
    if (!tok)
        return VX_ERR(ENOMEM);
    size_t len = strlen(json);
    json_object *root = json_tokener_parse_ex(tok, json, (int)len);
    enum json_tokener_error jerr = json_tokener_get_error(tok);
    if (!root || jerr != json_tokener_success || (size_t)json_tokener_get_parse_end(tok) < len) {
        size_t off = json_tokener_get_parse_end(tok);
        int trailing = root && jerr == json_tokener_success;
        if (trailing) {
            /* only whitespace may follow the document */
            while (off < len && isspace((unsigned char)json[off]))
                off++;
            if (off == len)
                goto parsed;
        }
        int line = 1, col = 1;
        for (size_t i = 0; i < off && i < len; i++) {
            if (json[i] == '\n')
                line++, col = 1;
            else
                col++;
        }
        const char *why = trailing ? "unexpected text after the project object"
                          : jerr == json_tokener_continue ? "unexpected end of file"
                                                          : json_tokener_error_desc(jerr);
        json_object_put(root);
        json_tokener_free(tok);
        return vx_fail_at(ctx, VX_ERR(EINVAL), ps.name, line, NULL,
                          "%s:%d:%d: invalid JSON: %s", ps.name, line, col, why);
    }
parsed:
    json_tokener_free(tok);
    VxProject *p = malloc(sizeof(*p));
    if (!p) {
        json_object_put(root);
        return VX_ERR(ENOMEM);
    }
    project_defaults(p);
    p->base_dir = strdup(base_dir ? base_dir : "");
    int ret = p->base_dir ? parse_root(&ps, root, p) : VX_ERR(ENOMEM);
    p->json = root; /* the layers' own sections are read from it */
    if (ret < 0) {
        vx_project_free(&p);
        return ret;
    }
    if (p->width & 1 || p->height & 1) {
        vx_log(ctx, VX_LOG_WARNING, "%s: output size %dx%d rounded down to %dx%d (4:2:0 needs "
               "even sizes)", ps.name, p->width, p->height, p->width & ~1, p->height & ~1);
        p->width &= ~1;
        p->height &= ~1;
    }
    *out = p;
    return 0;
}

int vx_project_load(VxContext *ctx, const char *path, VxProject **out)
{
    if (!ctx || !path || !out)
        return VX_ERR(EINVAL);
    *out = NULL;
    char *buf;
    size_t len;
    int ret = vx_read_file(path, 64u << 20, &buf, &len);
    if (ret == VX_ERR(EISDIR))
        return vx_fail(ctx, ret, "%s: is a folder, not a project file", path);
    if (ret == VX_ERR(EFBIG))
        return vx_fail(ctx, VX_ERR(EINVAL), "%s: too large for a project file", path);
    if (ret < 0)
        return ret == VX_ERR(ENOMEM) ? ret
                                     : vx_fail(ctx, ret, "%s: cannot open: %s", path, strerror(-ret));
    if (memchr(buf, 0, len)) {
        free(buf);
        return vx_fail(ctx, VX_ERR(EINVAL), "%s: not a JSON project file (binary data)", path);
    }
    char *dir = strdup(path);
    if (!dir) {
        free(buf);
        return VX_ERR(ENOMEM);
    }
    char *slash = strrchr(dir, '/');
    if (slash)
        *slash = 0;
    else
        dir[0] = 0;
    ret = vx_project_parse(ctx, buf, slash ? (dir[0] ? dir : "/") : NULL, path, out);
    free(dir);
    free(buf);
    return ret;
}

static int dup_str(char **dst, const char *src)
{
    *dst = NULL;
    return src && !(*dst = strdup(src)) ? -1 : 0;
}

static int dup_mem(void **dst, const void *src, size_t size)
{
    *dst = NULL;
    if (!size)
        return 0;
    if (!(*dst = malloc(size)))
        return -1;
    memcpy(*dst, src, size);
    return 0;
}

int vx_project_clone(const VxProject *p, VxProject **out)
{
    VxProject *c = malloc(sizeof(*c));
    if (!c)
        return VX_ERR(ENOMEM);
    *c = *p;
    c->stops = NULL, c->tracks = NULL, c->segs = NULL, c->zooms = NULL, c->scenes = NULL;
    c->screen = c->bg_image = c->cursor.track = c->camera.path = c->base_dir = c->captions = c->keys = NULL;
    c->n_tracks = 0;
    json_object_get(c->json);
    int bad = dup_str(&c->screen, p->screen) | dup_str(&c->bg_image, p->bg_image) |
              dup_str(&c->cursor.track, p->cursor.track) |
              dup_str(&c->camera.path, p->camera.path) | dup_str(&c->base_dir, p->base_dir) | dup_str(&c->captions, p->captions) | dup_str(&c->keys, p->keys) |
              dup_mem((void **)&c->stops, p->stops, sizeof(*p->stops) * (size_t)p->n_stops) |
              dup_mem((void **)&c->segs, p->segs, sizeof(*p->segs) * (size_t)p->n_segs) |
              dup_mem((void **)&c->zooms, p->zooms, sizeof(*p->zooms) * (size_t)p->n_zooms) |
              dup_mem((void **)&c->scenes, p->scenes, sizeof(*p->scenes) * (size_t)p->n_scenes);
    if (!bad && p->n_tracks) {
        if ((c->tracks = calloc((size_t)p->n_tracks, sizeof(*c->tracks)))) {
            c->n_tracks = p->n_tracks;
            for (int i = 0; i < p->n_tracks; i++) {
                c->tracks[i] = p->tracks[i];
                bad |= dup_str(&c->tracks[i].path, p->tracks[i].path);
            }
        } else {
            bad = 1;
        }
    }
    if (bad) {
        vx_project_free(&c);
        return VX_ERR(ENOMEM);
    }
    *out = c;
    return 0;
}

struct json_object *vx_project_section(const VxProject *p, const char *key)
{
    json_object *v = NULL;
    return key && p->json && json_object_object_get_ex(p->json, key, &v) ? v : NULL;
}
