/* The keystroke track's parser (docs/keys-track.md): keys_track.h. FFmpeg-free. */
#include <json-c/json.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonl.h"
#include "keys_track.h"

const VxKeyName vx_key_mods[VX_KEY_N_MODS] = {
    {"fn", "fn\\h", "Fn+", VX_KEY_FN},
    {"ctrl", "\xe2\x8c\x83", "Ctrl+", VX_KEY_CTRL},
    {"alt", "\xe2\x8c\xa5", "Alt+", VX_KEY_ALT},
    {"shift", "\xe2\x87\xa7", "Shift+", VX_KEY_SHIFT},
    {"cmd", "\xe2\x8c\x98", "Cmd+", VX_KEY_CMD}};

/* Space and the modifiers pressed alone are special cases of the badge rules (layers/keys.c). */
const VxKeyName vx_key_named[VX_KEY_N_NAMED] = {
    {"enter", "\xe2\x8f\x8e", "Enter", 0},       {"backspace", "\xe2\x8c\xab", "Backspace", 0},
    {"delete", "\xe2\x8c\xa6", "Del", 0},        {"tab", "\xe2\x87\xa5", "Tab", 0},
    {"escape", "esc", "Esc", 0},                 {"space", "\xe2\x90\xa3", "Space", 0},
    {"up", "\xe2\x86\x91", "Up", 0},             {"down", "\xe2\x86\x93", "Down", 0},
    {"left", "\xe2\x86\x90", "Left", 0},         {"right", "\xe2\x86\x92", "Right", 0},
    {"home", "\xe2\x86\x96", "Home", 0},         {"end", "\xe2\x86\x98", "End", 0},
    {"pageup", "\xe2\x87\x9e", "PgUp", 0},       {"pagedown", "\xe2\x87\x9f", "PgDn", 0},
    {"capslock", "\xe2\x87\xaa", "CapsLock", 0}, {"insert", "Ins", "Ins", 0},
    {"f1", "F1", "F1", 0},   {"f2", "F2", "F2", 0},   {"f3", "F3", "F3", 0},
    {"f4", "F4", "F4", 0},   {"f5", "F5", "F5", 0},   {"f6", "F6", "F6", 0},
    {"f7", "F7", "F7", 0},   {"f8", "F8", "F8", 0},   {"f9", "F9", "F9", 0},
    {"f10", "F10", "F10", 0}, {"f11", "F11", "F11", 0}, {"f12", "F12", "F12", 0},
};

/* Bytes of the one UTF-8 code point that is all of s, 0 if s is not exactly one printable
 * code point. */
static int one_char(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    const size_t n = strlen(s);
    const int len = n ? vx_utf8_len(p, n) : 0;
    if (!len || (size_t)len != n || (len == 1 && (p[0] < 0x20 || p[0] == 0x7f)))
        return 0;
    return len;
}

/* One line's object; a key-down is appended to *ev. */
static int parse_line(VxJsonLines *tp, json_object *o, VxKeyEv **ev, int *n, int64_t *cap,
                      double *last_t)
{
    static const char *const keys[] = {"t", "key", "down", "modifiers", NULL};
    json_object *v, *jkey, *jdown;
    if (!json_object_is_type(o, json_type_object))
        return vx_jsonl_fail(tp, "expected a JSON object per line");
    json_object_object_foreach(o, k, val) {
        (void)val;
        int ok = 0;
        for (int i = 0; keys[i]; i++)
            ok |= !strcmp(keys[i], k);
        if (!ok)
            return vx_jsonl_fail(tp, "unknown key \"%.40s\" (expected \"t\", \"key\", \"down\", \"modifiers\")", k);
    }
    if (!json_object_object_get_ex(o, "t", &v))
        return vx_jsonl_fail(tp, "missing \"t\" (seconds of the recording)");
    if (!json_object_is_type(v, json_type_int) && !json_object_is_type(v, json_type_double))
        return vx_jsonl_fail(tp, "\"t\": expected a number");
    const double t = json_object_get_double(v);
    if (!(t >= 0 && t <= 86400.0))
        return vx_jsonl_fail(tp, "\"t\": %g is out of range (0 to 86400)", t);
    if (t < *last_t)
        return vx_jsonl_fail(tp, "time %.9g is before the previous event's %.9g (times must not decrease)",
                    t, *last_t);
    *last_t = t;
    if (!json_object_object_get_ex(o, "key", &jkey))
        return vx_jsonl_fail(tp, "missing \"key\"");
    if (!json_object_object_get_ex(o, "down", &jdown))
        return vx_jsonl_fail(tp, "missing \"down\" (true: pressed, false: released)");
    if (!json_object_is_type(jdown, json_type_boolean))
        return vx_jsonl_fail(tp, "\"down\": expected true or false");
    VxKeyEv e = {t, -1, "", 0};
    if (json_object_object_get_ex(o, "modifiers", &v)) {
        if (!json_object_is_type(v, json_type_array))
            return vx_jsonl_fail(tp, "\"modifiers\": expected an array of \"cmd\", \"ctrl\", \"alt\", \"shift\", \"fn\"");
        for (size_t i = 0; i < json_object_array_length(v); i++) {
            json_object *m = json_object_array_get_idx(v, i);
            const char *s = json_object_is_type(m, json_type_string) ? json_object_get_string(m) : NULL;
            int bit = 0;
            for (int j = 0; s && j < VX_KEY_N_MODS; j++)
                bit = !strcmp(s, vx_key_mods[j].name) ? vx_key_mods[j].bit : bit;
            if (!bit)
                return vx_jsonl_fail(tp, "\"modifiers\": unknown modifier \"%.40s\" (expected \"cmd\", "
                            "\"ctrl\", \"alt\", \"shift\" or \"fn\")", s ? s : json_object_to_json_string(m));
            if (e.mods & bit)
                return vx_jsonl_fail(tp, "\"modifiers\": \"%s\" given twice", s);
            e.mods |= bit;
        }
    }
    const char *name = json_object_is_type(jkey, json_type_string) ? json_object_get_string(jkey) : NULL;
    if (!name)
        return vx_jsonl_fail(tp, "\"key\": expected a string (a key name or one character)");
    int len = 0;
    for (int j = 0; j < VX_KEY_N_MODS; j++)
        e.named = !strcmp(name, vx_key_mods[j].name) ? -2 : e.named;
    for (int j = 0; j < VX_KEY_N_NAMED && e.named == -1; j++)
        e.named = !strcmp(name, vx_key_named[j].name) ? j : -1;
    if (e.named == -1) {
        if (strlen(name) != (size_t)json_object_get_string_len(jkey) || !(len = one_char(name)))
            return vx_jsonl_fail(tp, "\"key\": unknown key \"%.40s\" (a key name of docs/keys-track.md "
                        "or one printable character)", name);
        memcpy(e.ch, name, (size_t)len + 1);
    }
    if (!json_object_get_boolean(jdown))
        return 0; /* releases are checked, not shown */
    if (vx_grow((void **)ev, cap, *n, sizeof(**ev), INT_MAX / 2))
        return tp->err = VX_ERR(ENOMEM);
    (*ev)[(*n)++] = e;
    return 0;
}

typedef struct Downs {
    VxKeyEv **ev;
    int *n;
    int64_t cap;
    double last_t;
} Downs;

static void each_line(VxJsonLines *jl, json_object *o, void *user)
{
    Downs *d = user;
    parse_line(jl, o, d->ev, d->n, &d->cap, &d->last_t);
}

int vx_keys_track_parse(VxContext *ctx, const char *file, const char *data, size_t size,
                        VxKeyEv **ev, int *n)
{
    VxJsonLines jl = {ctx, file, "sources.keys", 0, 0};
    Downs d = {ev, n, 0, 0};
    *ev = NULL, *n = 0;
    if (vx_jsonl_each(&jl, data, size, 1 << 20, each_line, &d) < 0) {
        free(*ev);
        *ev = NULL, *n = 0;
    }
    return jl.err;
}

int vx_keys_track_read(VxContext *ctx, const char *file, VxKeyEv **ev, int *n)
{
    char *buf;
    size_t len;
    *ev = NULL, *n = 0;
    int ret = vx_read_source(ctx, file, "sources.keys", 256, &buf, &len);
    if (ret < 0)
        return ret;
    ret = vx_keys_track_parse(ctx, file, buf, len, ev, n);
    free(buf);
    return ret;
}
