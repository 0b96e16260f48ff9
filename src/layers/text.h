/* The text path the layers that draw text share (captions, keys, annotations' text boxes):
 * libass set up once per layer (its messages at debug level in the context's log, fonts from
 * fontconfig), the script's header, a rasterised text as Y'CbCr + alpha ("sprite", chroma
 * interleaved as NV12 has it), and its blend into an output through the blend kernels
 * (dsp/blend.h: `over` for luma and I420 chroma, `over_uv` for NV12 chroma). Not a layer.
 * Without libass (the FFmpeg-free core build) none of it exists: the layers refuse text. */
#ifndef VX_LAYERS_TEXT_H
#define VX_LAYERS_TEXT_H

#ifdef VX_HAVE_LIBASS
#include <ass/ass.h>
#include <stddef.h>
#include <stdint.h>

#include "../dsp/blend.h"
#include "../layer.h"

typedef struct VxText {
    ASS_Library *lib;
    ASS_Renderer *r;
    VxBlendDSP blend;
    double kr, kb; /* the output matrix */
} VxText;

/* libass drawing into a frame fw x fh; the output's matrix (Y'CbCr of the sprites). `who`
 * names the layer in the error. 0 or an error; vx_text_close frees it in either case. */
int vx_text_open(VxText *t, VxContext *ctx, const char *who, int fw, int fh, int matrix);
void vx_text_close(VxText *t);

/* The script's header, its one style "Default" and the events' format line, into b (cap
 * bytes); the length written. Colours are ASS's &HAABBGGRR (vx_text_color). */
typedef struct VxTextStyle {
    int play_w, play_h, wrap;   /* PlayResX, PlayResY, WrapStyle */
    const char *font;
    double size;                /* pixels of the play resolution */
    unsigned color, outline_color, back_color;
    int border_style;           /* 1: outline, 3: box */
    double outline;             /* pixels */
    int align;                  /* numpad alignment */
    int margin_lr, margin_v;
} VxTextStyle;
int vx_text_header(char *b, size_t cap, const VxTextStyle *s);

/* Appends text src[0, n) to the ASS event text b (at *o): a line break as \N, braces as
 * parentheses (they would open override blocks). b has room for 2 n more bytes and a NUL. */
void vx_text_put(char *b, size_t *o, const char *src, size_t n);

/* ASS colour &HAABBGGRR of 0xRRGGBB at an opacity (0..1) */
unsigned vx_text_color(int rgb, double opacity);

/* The bounds of the images' pixels [x0, x1) x [y0, y1); x0 > x1 when there are none. */
void vx_text_bounds(const ASS_Image *img, int *x0, int *y0, int *x1, int *y1);

/* A canvas of w x h premultiplied R'G'B'A pixels (0..1, 4 doubles each, all 0), freed with
 * free(); the images painted over it, each over the ones before, the canvas' origin at
 * (x0, y0) of the images' frame. */
double *vx_text_canvas(int w, int h);
void vx_text_paint(double *P, int w, int h, const ASS_Image *img, int x0, int y0);

/* A canvas as limited-range Y'CbCr + alpha: luma per pixel, chroma per 2x2 block (its alpha
 * the block's mean, its value the alpha-weighted mean). w and h even. */
typedef struct VxTextSprite {
    int w, h;
    uint8_t *ya, *yv; /* luma alpha and value, w x h */
    uint8_t *ca, *uv; /* chroma alpha (w/2 x h/2), Cb Cr interleaved (w x h/2) */
} VxTextSprite;
int vx_text_sprite(const VxText *t, const double *P, int w, int h, VxTextSprite *sp);
void vx_text_sprite_free(VxTextSprite *sp);

/* Sprite sp, its top left at output (px, py) (even), blended into the output's samples of
 * c (even corners, within the sprite and the output) at fade f (256ths, 256: none). */
void vx_text_blend(const VxText *t, const VxPlanes *d, const VxTextSprite *sp, int px, int py,
                   VxRect c, int f);
#endif

#endif
