/* The internal picture: what the compositor, the layers and the scene work on (no FFmpeg).
 *
 * Planes of 8-bit samples with their strides, the layout (planar, or NV12's interleaved
 * chroma), the chroma subsampling and the colour (matrix, range), and a reference to the
 * buffer holding them. A picture is a value: copying the struct does not take a reference;
 * vx_picture_ref does. The buffer is freed (or goes back to its pool) when its last
 * reference goes. Like dav1d's Dav1dPicture; the media side wraps decoded AVFrames into
 * pictures and pooled pictures into AVFrames without copying (media_picture.c). */
#ifndef VX_PICTURE_H
#define VX_PICTURE_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

enum { VX_LAYOUT_PLANAR, VX_LAYOUT_NV12 };

/* A reference-counted allocation (or a wrapped one: free releases what it wraps). */
typedef struct VxPicBuf {
    atomic_int refs;
    uint8_t *data;
    size_t size;
    void (*free)(struct VxPicBuf *b); /* called when refs reaches 0 */
    void *opaque;                     /* the owner's (a pool, a wrapped frame) */
    int64_t tag;                      /* the owner's: a pooled buffer's generation */
} VxPicBuf;

typedef struct VxPicture {
    uint8_t *data[3];    /* y, u, v (NV12: data[2] = data[1] + 1) */
    ptrdiff_t stride[3];
    int w, h;
    int layout;          /* VX_LAYOUT_* */
    int sub_x, sub_y;    /* chroma subsampling: log2 of the luma samples per chroma sample */
    int matrix, range;   /* VxMatrix, VxRange */
    VxPicBuf *buf;       /* the reference held (NULL: borrowed planes) */
    const void *id;      /* the decoded frame's identity: equal ids, the same picture */
} VxPicture;

/* dst = src, taking a new reference to its buffer. */
void vx_picture_ref(VxPicture *dst, const VxPicture *src);
/* Drops the reference and clears the picture. */
void vx_picture_unref(VxPicture *p);
/* 1 when a and b show the same decoded picture (same buffer and planes). */
int vx_picture_same(const VxPicture *a, const VxPicture *b);
/* The chroma plane's size. */
static inline int vx_picture_cw(const VxPicture *p) { return (p->w + (1 << p->sub_x) - 1) >> p->sub_x; }
static inline int vx_picture_ch(const VxPicture *p) { return (p->h + (1 << p->sub_y) - 1) >> p->sub_y; }

/* A buffer of `size` bytes (64-aligned) with one reference. NULL on failure. */
VxPicBuf *vx_picbuf_alloc(size_t size);
void vx_picbuf_unref(VxPicBuf **b);

/* Buffers of one size, recycled: a buffer whose last reference goes comes back to the pool
 * (with its contents and tag) for the next vx_picpool_get. init fills a new buffer once.
 * Thread-safe; the pool lives until it is freed and its last buffer has come back. */
typedef struct VxPicPool VxPicPool;
VxPicPool *vx_picpool_create(size_t size, void (*init)(void *opaque, VxPicBuf *b),
                             void *opaque);
/* A buffer with one reference, or NULL when none can be allocated. */
VxPicBuf *vx_picpool_get(VxPicPool *pool);
void vx_picpool_free(VxPicPool **pool);

#endif
