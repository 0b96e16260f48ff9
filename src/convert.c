/* Public conversion utilities (include/vexport/convert.h). */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "dsp/convert.h"
#include "internal.h"

static VxConvertDSP g_dsp;
static pthread_once_t g_once = PTHREAD_ONCE_INIT;

static void init_dsp(void)
{
    vx_convert_dsp_init(&g_dsp, vx_cpu_effective(~0u));
}

void vx_matrix_coefs(int matrix, double *kr, double *kb)
{
    switch (matrix) {
    case VX_MATRIX_BT601: *kr = 0.299, *kb = 0.114; break;
    case VX_MATRIX_BT2020: *kr = 0.2627, *kb = 0.0593; break;
    default: *kr = 0.2126, *kb = 0.0722; break;
    }
}

static int rgb_offsets(int fmt, VxConvCoefs *c)
{
    switch (fmt) {
    case VX_PIX_RGBA: c->roff = 0, c->goff = 1, c->boff = 2, c->aoff = 3; return 0;
    case VX_PIX_BGRA: c->boff = 0, c->goff = 1, c->roff = 2, c->aoff = 3; return 0;
    case VX_PIX_ARGB: c->aoff = 0, c->roff = 1, c->goff = 2, c->boff = 3; return 0;
    case VX_PIX_ABGR: c->aoff = 0, c->boff = 1, c->goff = 2, c->roff = 3; return 0;
    }
    return -1;
}

static void make_coefs(const VxColorSpec *spec, VxConvCoefs *c)
{
    double kr, kb, kg;
    vx_matrix_coefs(spec->matrix, &kr, &kb);
    kg = 1 - kr - kb;
    const int full = spec->range == VX_RANGE_FULL;
    const double ys = full ? 1.0 : 219.0 / 255.0, cs = full ? 1.0 : 224.0 / 255.0;
    const double one = (double)(1 << VX_CONV_BITS);
    c->yr = (int32_t)lrint(kr * ys * one);
    c->yg = (int32_t)lrint(kg * ys * one);
    c->yb = (int32_t)lrint(kb * ys * one);
    c->ur = (int32_t)lrint(-kr / (2 * (1 - kb)) * cs * one);
    c->ug = (int32_t)lrint(-kg / (2 * (1 - kb)) * cs * one);
    c->ub = (int32_t)lrint(0.5 * cs * one);
    c->vr = (int32_t)lrint(0.5 * cs * one);
    c->vg = (int32_t)lrint(-kg / (2 * (1 - kr)) * cs * one);
    c->vb = (int32_t)lrint(-kb / (2 * (1 - kr)) * cs * one);
    c->y_off = full ? 0 : 16 << VX_CONV_BITS;
    c->uv_off = 128 << VX_CONV_BITS;
    /* inverse */
    const double yk = 1.0 / ys, ck = 1.0 / cs;
    c->ky = (int32_t)lrint(yk * one);
    c->ky_off = full ? 0 : -(int32_t)lrint(16 * yk * one);
    c->rv = (int32_t)lrint(2 * (1 - kr) * ck * one);
    c->gu = (int32_t)lrint(-2 * (1 - kb) * kb / kg * ck * one);
    c->gv = (int32_t)lrint(-2 * (1 - kr) * kr / kg * ck * one);
    c->bu = (int32_t)lrint(2 * (1 - kb) * ck * one);
    c->left_sited = spec->chroma_loc != VX_CHROMA_CENTER;
}

static int is_rgb(int f)
{
    return f == VX_PIX_RGBA || f == VX_PIX_BGRA || f == VX_PIX_ARGB || f == VX_PIX_ABGR;
}

static int is_yuv(int f)
{
    return f == VX_PIX_NV12 || f == VX_PIX_I420;
}

/* Chroma plane pointers of a YUV image: u, v and the step between samples. */
static void chroma_ptrs(const VxImage *im, int row, uint8_t **u, uint8_t **v, int *step)
{
    if (im->format == VX_PIX_NV12) {
        *u = im->data[1] + row * im->stride[1];
        *v = *u + 1;
        *step = 2;
    } else {
        *u = im->data[1] + row * im->stride[1];
        *v = im->data[2] + row * im->stride[2];
        *step = 1;
    }
}

int vx_convert_rows(const VxImage *src, VxImage *dst, const VxColorSpec *spec, int y0, int y1)
{
    static const VxColorSpec def = {VX_MATRIX_BT709, VX_RANGE_LIMITED, VX_CHROMA_LEFT};
    if (!src || !dst || src->width != dst->width || src->height != dst->height ||
        src->width < 1 || src->height < 1)
        return VX_ERR(EINVAL);
    if (y0 < 0 || y1 > src->height || y0 >= y1 || (y0 & 1) || ((y1 & 1) && y1 != src->height))
        return VX_ERR(EINVAL);
    if (!spec)
        spec = &def;
    if (spec->matrix < 0 || spec->matrix > VX_MATRIX_BT2020 || spec->range < 0 ||
        spec->range > 1)
        return VX_ERR(EINVAL);
    pthread_once(&g_once, init_dsp);
    VxConvCoefs c;
    memset(&c, 0, sizeof(c));
    make_coefs(spec, &c);
    const int w = src->width, h = src->height;
    if (is_rgb(src->format) && is_yuv(dst->format)) {
        rgb_offsets(src->format, &c);
        for (int y = y0; y < y1; y += 2) {
            const uint8_t *s0 = src->data[0] + y * src->stride[0];
            const uint8_t *s1 = y + 1 < h ? s0 + src->stride[0] : s0;
            uint8_t *d0 = dst->data[0] + y * dst->stride[0];
            uint8_t *d1 = y + 1 < h ? d0 + dst->stride[0] : NULL;
            uint8_t *u, *v;
            int step;
            chroma_ptrs(dst, y / 2, &u, &v, &step);
            g_dsp.rgb_to_yuv420(s0, s1, d0, d1, u, v, step, w, &c);
        }
        return 0;
    }
    if (is_yuv(src->format) && is_rgb(dst->format)) {
        rgb_offsets(dst->format, &c);
        for (int y = y0; y < y1; y++) {
            uint8_t *u, *v;
            int step;
            chroma_ptrs(src, y / 2, &u, &v, &step);
            g_dsp.yuv420_to_rgb(dst->data[0] + y * dst->stride[0],
                                src->data[0] + y * src->stride[0], u, v, step, w, &c);
        }
        return 0;
    }
    return VX_ERR(ENOSYS);
}

int vx_convert(const VxImage *src, VxImage *dst, const VxColorSpec *spec)
{
    if (!src)
        return VX_ERR(EINVAL);
    return vx_convert_rows(src, dst, spec, 0, src->height);
}

VxImage *vx_image_alloc(int format, int width, int height)
{
    if (width < 1 || height < 1 || width > 65536 || height > 65536)
        return NULL;
    VxImage *im = calloc(1, sizeof(*im));
    if (!im)
        return NULL;
    im->format = format, im->width = width, im->height = height;
    size_t cw = (size_t)(width + 1) / 2, ch = (size_t)(height + 1) / 2;
    size_t sizes[3] = {0};
    if (is_rgb(format)) {
        im->stride[0] = (ptrdiff_t)((4 * (size_t)width + 63) & ~(size_t)63);
        sizes[0] = im->stride[0] * (size_t)height;
    } else if (format == VX_PIX_NV12) {
        im->stride[0] = (ptrdiff_t)(((size_t)width + 63) & ~(size_t)63);
        im->stride[1] = (ptrdiff_t)((2 * cw + 63) & ~(size_t)63);
        sizes[0] = im->stride[0] * (size_t)height;
        sizes[1] = im->stride[1] * ch;
    } else if (format == VX_PIX_I420) {
        im->stride[0] = (ptrdiff_t)(((size_t)width + 63) & ~(size_t)63);
        im->stride[1] = im->stride[2] = (ptrdiff_t)((cw + 63) & ~(size_t)63);
        sizes[0] = im->stride[0] * (size_t)height;
        sizes[1] = sizes[2] = im->stride[1] * ch;
    } else {
        free(im);
        return NULL;
    }
    for (int i = 0; i < 3 && sizes[i]; i++) {
        if (posix_memalign((void **)&im->data[i], 64, sizes[i])) {
            vx_image_free(&im);
            return NULL;
        }
    }
    return im;
}

void vx_image_free(VxImage **img)
{
    if (!img || !*img)
        return;
    for (int i = 0; i < 4; i++)
        free((*img)->data[i]);
    free(*img);
    *img = NULL;
}
