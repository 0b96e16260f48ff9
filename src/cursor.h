/* Cursor tracks (docs/cursor-track.md): the parsed form, shared by cursor_track.c, the cursor
 * layer (layers/cursor.c), the unit test and the fuzz target; and the cursor object's insides,
 * shared by cursor_track.c (track, smoothing) and layers/cursor.c (drawing). The interface
 * (vx_cursor_open/pos/draw/free) is in internal.h. */
#ifndef VX_CURSOR_H
#define VX_CURSOR_H

#include <pthread.h>
#include <stddef.h>

#include "dsp/blend.h"
#include "dsp/convert.h"

#include "internal.h"
#include "geom.h"
#include "image.h"
#include "picture.h"
#include "project.h"
#include "vexport/convert.h"

/* ---- the cursor (cursor_track.c) and its drawing (layers/cursor.c) ---- */
typedef struct VxCursor VxCursor;
/* Loads the track (and cursor images). src_w/src_h: the recording's size. */
int vx_cursor_open(VxContext *ctx, const VxCursorOpts *o, int src_w, int src_h,
                   VxCursor **out);
/* Smoothed cursor position (recording pixels) at recording time t; *visible = 0 while hidden
 * (idle, or outside the track). */
void vx_cursor_pos(VxCursor *c, double t, double *x, double *y, int *visible);
/* Draws the cursor at recording time t into the NV12/I420 picture dst (output colour `matrix`,
 * limited range) through view v; *drawn receives the pixels touched (empty if none). */
int vx_cursor_draw(VxCursor *c, double t, const VxView *v, int matrix, VxPicture *dst,
                   VxRect *drawn);
/* What vx_cursor_draw would draw at recording time t through view v, as a value: two equal
 * looks (memcmp) draw the same pixels, unless `ring` (a click ring is animating). */
typedef struct VxCursorLook {
    int clip[4];
    int shown, ring, img;
    double hx, hy, op, scale;
    long long q4x, q4y;
} VxCursorLook;
void vx_cursor_look(VxCursor *c, double t, const VxView *v, VxCursorLook *look);
/* vx_cursor_draw in two steps: prepare (one thread: smoothing, sprites, the clipped blocks;
 * *drawn as vx_cursor_draw's), then blend the blocks into the rows of dst whose chroma row is
 * in [c0, c1) (slices may run at once on several threads). The cursor layer's: nothing else
 * may prepare or draw with this cursor between a prepare and its blends. */
int vx_cursor_prepare(VxCursor *c, double t, const VxView *v, int matrix, VxPicture *dst,
                      VxRect *drawn);
void vx_cursor_blend(const VxCursor *c, VxPicture *dst, int c0, int c1);
/* Motion blur (docs/project-format.md, "Motion blur"): n samples over the shutter, each a
 * recording time and the view then. */
#define VX_CURSOR_BLUR_MAX 16
typedef struct VxCursorBlur {
    int n;
    double t[VX_CURSOR_BLUR_MAX];
    VxView v[VX_CURSOR_BLUR_MAX];
} VxCursorBlur;
/* vx_cursor_prepare with the sprite averaged over b's samples (b NULL or b->n == 1: the same
 * as vx_cursor_prepare): the arrow keeps its size at t, its hotspot is placed at each sample's
 * time through that sample's view, the premultiplied sprites are summed and divided by n
 * (rounded half up) and blended once, clipped to v's clip rectangle. Click rings are drawn at
 * t, sharp. */
int vx_cursor_prepare_blurred(VxCursor *c, double t, const VxView *v, const VxCursorBlur *b,
                              int matrix, VxPicture *dst, VxRect *drawn);
void vx_cursor_free(VxCursor **c);


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

#define CLICK_DUR 0.35      /* click ring, seconds */
#define SS 4                /* sub-pixel phases per output pixel */
#define MAX_SPRITE 512      /* output pixels: the drawn cursor is at most this tall/wide */

/* ------------------------------------------------------------------------------------------ */
/* The cursor object */

typedef struct VxCursorFState {
    double x, y;   /* filtered position */
    double rx, ry; /* previous raw input (one-euro) */
    double vx, vy; /* derivative estimate (one-euro) or velocity (spring) */
} VxCursorFState;

typedef struct VxCursorSprite {
    uint8_t *rgba; /* premultiplied RGBA, w*h*4, NULL = not rendered */
    int w, h;
    int ox, oy;    /* output pixel of sprite (0, 0), relative to the even anchor */
    int x0, y0, x1, y1; /* the pixels with alpha > 0 (x0 >= x1: none) */
} VxCursorSprite;

/* One cursor shape (the arrow, or an image): a fine premultiplied RGBA raster of it held as a
 * summed-area table, so a sprite at any scale and phase is an exact box filter of the raster
 * (4 lookups per pixel and channel); the sprites of the current scale are cached by phase. */
typedef struct VxCursorShape {
    const VxImage *img; /* NULL = the arrow */
    int d;              /* raster samples per unit (arrow unit / image pixel) */
    int gw, gh;         /* raster size in samples */
    double gx0, gy0;    /* units from the shape's origin (tip / image pixel (0, 0)) to sample 0 */
    uint32_t *sat;      /* (gw + 1) x (gh + 1) x 4 sums; NULL = not built yet */
    double hx, hy;      /* hotspot (units from the origin) */
    int scale_key;      /* round(log2(scale) * 256) of the cached sprites; INT_MIN = none */
    double key_hx, key_hy; /* hotspot of the cached sprites */
    VxCursorSprite sprites[2 * SS][2 * SS]; /* by phase (quarter pixels within an even pair) */
} VxCursorShape;

/* A prepared block: w x h premultiplied RGBA at tmp + off, for output pixel (x, y) on. */
typedef struct VxCursorBlock {
    size_t off;
    int w, h, x, y;
} VxCursorBlock;

struct VxCursor {
    VxContext *ctx;
    VxCursorOpts o;
    VxCursorTrack *tr;
    VxImage **images;   /* decoded RGBA, one per track path */
    double t0, t_end;   /* first move; end of the filtered range */
    double *chg;        /* per move: end time of the last motion up to this move */
    VxCursorFState *cps;        /* filter state at step k * CP_STEPS */
    int64_t n_steps;    /* filtered steps */
    int n_cps;
    pthread_mutex_t pos_lock; /* guards the last position's filter state */
    int64_t last_k;     /* step of last_s; -1 = none */
    VxCursorFState last_s;
    int last_hint;
    pthread_mutex_t lock; /* guards the shapes and the scratch buffer (draw) */
    VxCursorShape *shapes;      /* [0] the arrow, [1 + i] image i */
    int n_shapes;
    VxConvCoefs coefs[3]; /* per VxMatrix, RGBA byte order */
    VxBlendDSP blend;     /* its rgba_nv12 kernel draws every sprite */
    uint8_t *tmp;         /* arena: the clipped blocks prepared for the output being drawn */
    size_t tmp_size, tmp_used;
    VxCursorBlock *blocks; /* those blocks (rings, then the sprite), blended in order */
    int n_blocks, blocks_cap;
    int matrix;           /* the output's, for the blocks */
    uint8_t *ring;      /* click ring raster */
    size_t ring_size;
    uint16_t *acc;      /* motion blur: the sums of the samples' blocks */
    size_t acc_size;    /* elements */
};

/* Smoothed position (recording pixels) at t (cursor_track.c). */
void vx_cursor_smoothed_at(VxCursor *c, double t, double *x, double *y);
/* The last of the n elements (size sz, sorted by their leading double t) with t <= t; -1. */
int vx_cursor_last_le(const void *base, int n, size_t sz, double t);
/* The cursor's opacity at t (idle fade-out). */
double vx_cursor_idle_alpha(const VxCursor *c, double t);
/* Frees a shape's raster and sprites (layers/cursor.c). */
void vx_cursor_shape_clear(VxCursorShape *s);
#endif
