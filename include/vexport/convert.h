/*
 * vexport pixel conversion utilities: RGB(A) <-> NV12/I420 with exact BT.601/709/2020
 * coefficients. Usable on their own, without an export context.
 */
#ifndef VEXPORT_CONVERT_H
#define VEXPORT_CONVERT_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#ifndef VX_API
#if defined(__GNUC__)
#define VX_API __attribute__((visibility("default")))
#else
#define VX_API
#endif
#endif

/** Pixel formats. RGB formats name the byte order in memory, 8 bits per component. */
enum VxPixFmt {
    VX_PIX_NONE = 0,
    VX_PIX_RGBA,
    VX_PIX_BGRA,
    VX_PIX_ARGB,
    VX_PIX_ABGR,
    VX_PIX_NV12, /**< Y plane, then interleaved Cb/Cr at half width and height */
    VX_PIX_I420, /**< Y, Cb, Cr planes; chroma at half width and height (rounded up) */
    VX_PIX_NV21, /**< as NV12 with Cr before Cb in the chroma plane */
};

enum VxMatrix { VX_MATRIX_BT601 = 0, VX_MATRIX_BT709 = 1, VX_MATRIX_BT2020 = 2 };
enum VxRange { VX_RANGE_LIMITED = 0, VX_RANGE_FULL = 1 };
enum VxChromaLoc { VX_CHROMA_LEFT = 0, VX_CHROMA_CENTER = 1 };

typedef struct VxImage {
    int format;          /**< enum VxPixFmt */
    int width, height;
    uint8_t *data[4];    /**< planes; a negative stride with data at the last row flips */
    ptrdiff_t stride[4]; /**< bytes between rows; negative = bottom-up */
} VxImage;

typedef struct VxColorSpec {
    int matrix;     /**< enum VxMatrix; default (0) BT.601 */
    int range;      /**< enum VxRange; default (0) limited */
    int chroma_loc; /**< enum VxChromaLoc; default (0) left, what H.264/HEVC assume */
} VxColorSpec;

/** Converts src into dst (both allocated by the caller, same width and height).
 *  Supported: RGB formats -> NV12/NV21/I420 and back; any width and height (odd
 *  too), any stride, a negative stride (data at the last row) reads or writes bottom-up.
 *  spec NULL = BT.709 limited left-sited.
 *  RGB -> YUV: every sample is within 1 code value of the double-precision value (of the
 *  chroma filter's weighted mean for chroma) and unbiased; chroma is the 2-row average,
 *  filtered [1 2 1]/4 across for left siting and [1 1]/2 for centre siting. Alpha is ignored.
 *  YUV -> RGB: each chroma sample is used for its two pixels (no interpolation); alpha 255.
 *  The result is the same, bit for bit, on every CPU (C, AVX2, AVX-512).
 *  Returns 0 or a negative error: VX_ERR(EINVAL) for a bad image, size, row range or spec,
 *  VX_ERR(ENOSYS) for a pair of formats it does not convert. */
VX_API int vx_convert(const VxImage *src, VxImage *dst, const VxColorSpec *spec);

/** Converts only rows [y0, y1) (y0 and y1 even, except y1 == height), so an application
 *  can split a frame over its own threads. Same rules as vx_convert. */
VX_API int vx_convert_rows(const VxImage *src, VxImage *dst, const VxColorSpec *spec,
                           int y0, int y1);

/** Converts src into dst like vx_convert, splitting the rows into n_threads bands of
 *  even height, one per thread (the calling thread does the first band). n_threads <= 0 =
 *  one per online CPU; it is capped at 64 and at one band per row pair. Returns when all
 *  bands are done: 0 or the first negative error (the same checks as vx_convert, made
 *  before any thread starts). Threads are created per call: for small images, or calls
 *  made every frame, vx_convert_rows on the application's own threads costs less. */
VX_API int vx_convert_threads(const VxImage *src, VxImage *dst, const VxColorSpec *spec,
                              int n_threads);

/** Allocates an image with 64-byte aligned rows. Returns NULL on failure. */
VX_API VxImage *vx_image_alloc(int format, int width, int height);
VX_API void vx_image_free(VxImage **img);

#ifdef __cplusplus
}
#endif

#endif
