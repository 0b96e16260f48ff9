/* Public conversion utilities (include/vexport/convert.h). */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dsp/convert.h"
#include "geom.h"
#include "image.h"
#include "thread.h"

static VxConvertDSP g_dsp;
static pthread_once_t g_once = PTHREAD_ONCE_INIT;

static void init_dsp(void)
{
    vx_convert_dsp_init(&g_dsp, vx_cpu_effective(~0u));
}

static int is_rgb(int f)
{
    return f == VX_PIX_RGBA || f == VX_PIX_BGRA || f == VX_PIX_ARGB || f == VX_PIX_ABGR;
}

static int is_yuv(int f)
{
    return f == VX_PIX_NV12 || f == VX_PIX_NV21 || f == VX_PIX_I420;
}

/* Chroma plane pointers of a YUV image: u, v and the step between samples. */
static void chroma_ptrs(const VxImage *im, int row, uint8_t **u, uint8_t **v, int *step)
{
    uint8_t *base = im->data[1] + row * im->stride[1];
    if (im->format == VX_PIX_NV12) {
        *u = base, *v = base + 1, *step = 2;
    } else if (im->format == VX_PIX_NV21) {
        *v = base, *u = base + 1, *step = 2;
    } else {
        *u = base, *v = im->data[2] + row * im->stride[2], *step = 1;
    }
}

/* Checks one image's planes: pointers present and every row at least as wide as its pixels. */
static int check_image(const VxImage *im)
{
    const int cw = (im->width + 1) / 2;
    if (is_rgb(im->format))
        return im->data[0] && llabs((long long)im->stride[0]) >= 4LL * im->width;
    if (im->format == VX_PIX_NV12 || im->format == VX_PIX_NV21)
        return im->data[0] && im->data[1] && llabs((long long)im->stride[0]) >= im->width &&
               llabs((long long)im->stride[1]) >= 2LL * cw;
    if (im->format == VX_PIX_I420)
        return im->data[0] && im->data[1] && im->data[2] &&
               llabs((long long)im->stride[0]) >= im->width &&
               llabs((long long)im->stride[1]) >= cw && llabs((long long)im->stride[2]) >= cw;
    return 1; /* unknown formats are refused later with ENOSYS */
}

/* Output frames at least this large are written with streaming stores: they do not fit the
 * caches next to their source, so reading them in first (RFO) would only cost bandwidth. */
#define VX_NT_MIN_BYTES (8u << 20)

static const VxColorSpec default_spec = {VX_MATRIX_BT709, VX_RANGE_LIMITED, VX_CHROMA_LEFT};

/* The checks of every entry point: 0, VX_ERR(EINVAL) or VX_ERR(ENOSYS). */
static int check_args(const VxImage *src, const VxImage *dst, const VxColorSpec *spec)
{
    if (!src || !dst || src->width != dst->width || src->height != dst->height ||
        src->width < 1 || src->height < 1)
        return VX_ERR(EINVAL);
    if (spec && (spec->matrix < 0 || spec->matrix > VX_MATRIX_BT2020 || spec->range < 0 ||
                 spec->range > 1 || spec->chroma_loc < 0 || spec->chroma_loc > VX_CHROMA_CENTER))
        return VX_ERR(EINVAL);
    if (!check_image(src) || !check_image(dst))
        return VX_ERR(EINVAL);
    if (!(is_rgb(src->format) && is_yuv(dst->format)) &&
        !(is_yuv(src->format) && is_rgb(dst->format)))
        return VX_ERR(ENOSYS);
    return 0;
}

/* Rows [y0, y1) with the kernels of d. */
static int convert_rows(const VxConvertDSP *d, const VxImage *src, VxImage *dst,
                        const VxColorSpec *spec, int y0, int y1, int nt)
{
    int ret = check_args(src, dst, spec);
    if (ret < 0)
        return ret;
    if (y0 < 0 || y1 > src->height || y0 >= y1 || (y0 & 1) || ((y1 & 1) && y1 != src->height))
        return VX_ERR(EINVAL);
    if (!spec)
        spec = &default_spec;
    VxConvCoefs c;
    const int w = src->width, h = src->height;
    if (is_rgb(src->format) && is_yuv(dst->format)) {
        vx_conv_coefs_init(&c, spec->matrix, spec->range, spec->chroma_loc, src->format);
        c.nt_store = nt < 0 ? (size_t)w * h * 3 / 2 >= VX_NT_MIN_BYTES : nt;
        /* NV21: the kernels write Cr where they write "u" (the first byte of a pair) */
        const int swap = dst->format == VX_PIX_NV21;
        if (swap) {
            int32_t t;
            t = c.ur, c.ur = c.vr, c.vr = t;
            t = c.ug, c.ug = c.vg, c.vg = t;
            t = c.ub, c.ub = c.vb, c.vb = t;
        }
        for (int y = y0; y < y1; y += 2) {
            const uint8_t *s0 = src->data[0] + y * src->stride[0];
            const uint8_t *s1 = y + 1 < h ? s0 + src->stride[0] : s0;
            uint8_t *d0 = dst->data[0] + y * dst->stride[0];
            uint8_t *d1 = y + 1 < h ? d0 + dst->stride[0] : NULL;
            uint8_t *u, *v;
            int step;
            chroma_ptrs(dst, y / 2, &u, &v, &step);
            if (swap)
                d->rgb_to_yuv420(s0, s1, d0, d1, v, u, step, w, &c);
            else
                d->rgb_to_yuv420(s0, s1, d0, d1, u, v, step, w, &c);
        }
        return 0;
    }
    if (is_yuv(src->format) && is_rgb(dst->format)) {
        vx_conv_coefs_init(&c, spec->matrix, spec->range, spec->chroma_loc, dst->format);
        for (int y = y0; y < y1; y++) {
            uint8_t *u, *v;
            int step;
            chroma_ptrs(src, y / 2, &u, &v, &step);
            d->yuv420_to_rgb(dst->data[0] + y * dst->stride[0],
                                src->data[0] + y * src->stride[0], u, v, step, w, &c);
        }
        return 0;
    }
    return VX_ERR(ENOSYS);
}

int vx_convert_rows_nt(const VxImage *src, VxImage *dst, const VxColorSpec *spec, int y0,
                       int y1, int nt)
{
    pthread_once(&g_once, init_dsp);
    return convert_rows(&g_dsp, src, dst, spec, y0, y1, nt);
}

int vx_convert_cpu(const VxImage *src, VxImage *dst, const VxColorSpec *spec,
                   unsigned cpu_flags)
{
    VxConvertDSP d;
    vx_convert_dsp_init(&d, cpu_flags);
    return src ? convert_rows(&d, src, dst, spec, 0, src->height, -1) : VX_ERR(EINVAL);
}

int vx_convert_rows(const VxImage *src, VxImage *dst, const VxColorSpec *spec, int y0, int y1)
{
    return vx_convert_rows_nt(src, dst, spec, y0, y1, -1);
}

int vx_convert(const VxImage *src, VxImage *dst, const VxColorSpec *spec)
{
    if (!src)
        return VX_ERR(EINVAL);
    return vx_convert_rows(src, dst, spec, 0, src->height);
}

typedef struct ConvJob {
    const VxImage *src;
    VxImage *dst;
    const VxColorSpec *spec;
    int y0, y1, ret;
} ConvJob;

/* Band i of k (the runtime's worker pool). */
static void conv_band(void *opaque, int i, int k)
{
    (void)k;
    ConvJob *j = (ConvJob *)opaque + i;
    j->ret = vx_convert_rows(j->src, j->dst, j->spec, j->y0, j->y1);
}

#define VX_CONVERT_MAX_THREADS 64

int vx_convert_threads(const VxImage *src, VxImage *dst, const VxColorSpec *spec,
                       int n_threads)
{
    if (!src || !dst)
        return VX_ERR(EINVAL);
    if (n_threads <= 0) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        n_threads = n > 0 ? (int)n : 1;
    }
    if (n_threads > VX_CONVERT_MAX_THREADS)
        n_threads = VX_CONVERT_MAX_THREADS;
    const int pairs = (src->height + 1) / 2; /* bands split on even rows */
    if (n_threads > pairs)
        n_threads = pairs;
    if (n_threads <= 1)
        return vx_convert(src, dst, spec);
    int ret = check_args(src, dst, spec); /* once up front: a bad call starts no thread */
    if (ret < 0)
        return ret;
    VxWorkers *w = NULL;
    if ((ret = vx_workers_create(n_threads, &w)) < 0)
        return ret;
    n_threads = vx_workers_count(w); /* fewer when the system gives fewer threads */
    ConvJob jobs[VX_CONVERT_MAX_THREADS];
    for (int i = 0; i < n_threads; i++) {
        const int p0 = (int)((long long)pairs * i / n_threads);
        const int p1 = (int)((long long)pairs * (i + 1) / n_threads);
        jobs[i] = (ConvJob){src, dst, spec, 2 * p0, 2 * p1 < src->height ? 2 * p1 : src->height,
                            0};
    }
    static const VxTaskFn band[1] = {conv_band};
    vx_workers_run(w, band, 1, jobs);
    vx_workers_free(&w);
    for (int i = 0; i < n_threads; i++)
        if (jobs[i].ret < 0)
            ret = jobs[i].ret;
    return ret;
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
    } else if (format == VX_PIX_NV12 || format == VX_PIX_NV21) {
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
