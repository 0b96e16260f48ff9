/* Keystroke tracks (sources.keys, docs/keys-track.md): the parsed form, shared by
 * keys_track.c (the parser), the keys layer (layers/keys.c: badges and their symbols) and the
 * fuzz target. FFmpeg-free. */
#ifndef VX_KEYS_TRACK_H
#define VX_KEYS_TRACK_H

#include <stddef.h>

#include "internal.h"

/* Modifier bits of VxKeyEv.mods */
enum { VX_KEY_CTRL = 1, VX_KEY_ALT = 2, VX_KEY_SHIFT = 4, VX_KEY_CMD = 8, VX_KEY_FN = 16 };

/* A key's name in the track, its symbol (keys.style "symbols", ASS text) and its text form
 * (keys.style "text"); bit: the modifier's bit (modifiers only). */
typedef struct VxKeyName {
    const char *name, *sym, *txt;
    int bit;
} VxKeyName;

#define VX_KEY_N_MODS 5
#define VX_KEY_N_NAMED 28
#define VX_KEY_SPACE 5 /* vx_key_named[VX_KEY_SPACE] is "space" */
/* The modifiers, in the order a badge shows them (as macOS does: ⌃ ⌥ ⇧ ⌘; fn first). */
extern const VxKeyName vx_key_mods[VX_KEY_N_MODS];
/* The named keys (docs/keys-track.md). */
extern const VxKeyName vx_key_named[VX_KEY_N_NAMED];

/* One key-down of the track (releases are checked, not kept). */
typedef struct VxKeyEv {
    double t;   /* recording seconds, 0 to 86400, not decreasing */
    int named;  /* index in vx_key_named, -1: a character (ch), -2: a modifier pressed alone */
    char ch[8]; /* named == -1: one printable code point, UTF-8, NUL-terminated */
    int mods;   /* VX_KEY_* bits held */
} VxKeyEv;

/* The key-downs of the track in data (size bytes; file names it in errors): *ev (n of them,
 * in track order; free()), or an error naming the file and line. */
int vx_keys_track_parse(VxContext *ctx, const char *file, const char *data, size_t size,
                        VxKeyEv **ev, int *n);
/* The same, read from the file. */
int vx_keys_track_read(VxContext *ctx, const char *file, VxKeyEv **ev, int *n);

#endif
