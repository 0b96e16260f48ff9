/* GIF89a writer for composed NV12 frames (src/gif.c): a palette per scene (median cut on a
 * subsample, perceptually weighted), Floyd-Steinberg dithering that does not crawl (a pixel
 * whose source did not change keeps its palette index), and frames that store only the
 * rectangle that changed, the unchanged pixels inside it transparent. The frames stay NV12
 * until the changed rectangle, which alone is converted to RGB. */
#ifndef VX_GIF_H
#define VX_GIF_H

#include <stddef.h>
#include <stdint.h>

typedef struct VxGif VxGif;

typedef struct VxGifParams {
    int width, height;   /* even, the NV12 frames' size */
    int loop;            /* 0: forever; n > 0: n more plays; < 0: no loop extension (once) */
    int bt709;           /* the frames' matrix: BT.709 (else BT.601), limited range */
    int change_threshold; /* a pixel changed when |dY| or |dU|, |dV| exceeds it; 0: 3 */
} VxGifParams;

/* Writes the header to path. Negative errno codes on failure. */
int vx_gif_open(VxGif **g, const char *path, const VxGifParams *p);

/* One frame shown from t_s (seconds, increasing) until the next frame's t_s (or the end
 * given to vx_gif_close). A frame identical to the previous one only lengthens it. */
int vx_gif_add_nv12(VxGif *g, const uint8_t *y, ptrdiff_t y_stride, const uint8_t *uv,
                    ptrdiff_t uv_stride, double t_s);

/* Writes the last frame (shown until end_s) and the trailer, closes the file, frees g.
 * bytes (may be NULL) gets the file's size. */
int vx_gif_close(VxGif *g, double end_s, int64_t *bytes);

/* Frees g and its file without finishing it (after an error). */
void vx_gif_abort(VxGif *g);

/* What the writer did (for logs and tests). */
typedef struct VxGifStats {
    int frames;   /* frames written (identical ones merged) */
    int palettes; /* palettes made (scene changes + 1) */
    int64_t coded_pixels; /* pixels coded, all frames' changed rectangles */
} VxGifStats;
void vx_gif_stats(const VxGif *g, VxGifStats *s);

#endif
