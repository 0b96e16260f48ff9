/* Cursor tracks (docs/cursor-track.md): the parsed form, shared by cursor.c, its unit test
 * and the fuzz target. The drawing interface (vx_cursor_open/pos/draw/free) is in internal.h. */
#ifndef VX_CURSOR_H
#define VX_CURSOR_H

#include <stddef.h>

#include "internal.h"

enum { VX_BUTTON_LEFT, VX_BUTTON_RIGHT, VX_BUTTON_MIDDLE };

typedef struct VxTrackMove { double t, x, y; } VxTrackMove;
typedef struct VxTrackButton { double t; int button, down; } VxTrackButton;
typedef struct VxTrackImage {
    double t;
    int image;       /* index into paths, -1 = the built-in arrow */
    double hx, hy;   /* hotspot in image pixels */
    int line;        /* for messages about the file */
} VxTrackImage;

typedef struct VxCursorTrack {
    VxTrackMove *moves;     /* increasing t (equal times: the later line wins) */
    int n_moves;
    VxTrackButton *buttons; /* non-decreasing t */
    int n_buttons;
    VxTrackImage *images;   /* non-decreasing t */
    int n_images;
    char **paths;           /* distinct image paths as written (relative to the track file) */
    int n_paths;
} VxCursorTrack;

/* Parses a track held in memory (buf need not be NUL-terminated; len bytes). name is used in
 * messages ("name:line: problem"). Image files are not opened. Returns 0 or VX_ERR(EINVAL)
 * with the message in the context (ctx may be NULL: no message kept). */
int vx_cursor_track_parse(VxContext *ctx, const char *name, const char *buf, size_t len,
                          VxCursorTrack **out);
void vx_cursor_track_free(VxCursorTrack **t);

#endif
