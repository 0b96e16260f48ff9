/* Public conversion API against a double-precision reference: RGB -> NV12/I420 within one
 * code value, round trips, odd sizes, negative strides. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vexport/convert.h"

static int failures;

static double ref_y(int matrix, double r, double g, double b)
{
    double kr = matrix == VX_MATRIX_BT601 ? 0.299 : 0.2126, kb = matrix == VX_MATRIX_BT601 ? 0.114 : 0.0722;
    return 16 + 219 * (kr * r + (1 - kr - kb) * g + kb * b) / 255.0;
}

static void ref_c(int matrix, double r, double g, double b, double *cb, double *cr)
{
    double kr = matrix == VX_MATRIX_BT601 ? 0.299 : 0.2126, kb = matrix == VX_MATRIX_BT601 ? 0.114 : 0.0722;
    double y = (kr * r + (1 - kr - kb) * g + kb * b) / 255.0;
    *cb = 128 + 224 * (b / 255.0 - y) / (2 * (1 - kb));
    *cr = 128 + 224 * (r / 255.0 - y) / (2 * (1 - kr));
}

static void test_size(int w, int h, int fmt, int matrix, int flip)
{
    VxImage *src = vx_image_alloc(VX_PIX_RGBA, w, h), *dst = vx_image_alloc(fmt, w, h);
    for (int y = 0; y < h; y++)
        for (int x = 0; x < 4 * w; x++)
            src->data[0][y * src->stride[0] + x] = (uint8_t)(rand() & 255);
    VxImage view = *dst;
    if (flip) { /* bottom-up destination */
        view.data[0] = dst->data[0] + (h - 1) * dst->stride[0];
        view.stride[0] = -dst->stride[0];
        for (int p = 1; p < (fmt == VX_PIX_NV12 ? 2 : 3); p++) {
            view.data[p] = dst->data[p] + ((h + 1) / 2 - 1) * dst->stride[p];
            view.stride[p] = -dst->stride[p];
        }
    }
    VxColorSpec cs = {matrix, VX_RANGE_LIMITED, VX_CHROMA_LEFT};
    int ret = vx_convert(src, &view, &cs);
    if (ret) {
        printf("FAIL %dx%d: vx_convert returned %d\n", w, h, ret);
        failures++;
        goto end;
    }
    double maxe = 0;
    for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
            const uint8_t *p = src->data[0] + y * src->stride[0] + 4 * x;
            double e = fabs(view.data[0][y * view.stride[0] + x] - ref_y(matrix, p[0], p[1], p[2]));
            maxe = fmax(maxe, e);
        }
    }
    for (int j = 0; j < (h + 1) / 2; j++) {
        for (int i = 0; i < (w + 1) / 2; i++) {
            double sb = 0, sr = 0, wt = 0;
            for (int dy = 0; dy < 2; dy++) {
                int yy = 2 * j + dy < h ? 2 * j + dy : h - 1;
                for (int dx = -1; dx <= 1; dx++) {
                    int xx = 2 * i + dx < 0 ? 0 : 2 * i + dx >= w ? w - 1 : 2 * i + dx;
                    double k = dx ? 0.25 : 0.5;
                    const uint8_t *p = src->data[0] + yy * src->stride[0] + 4 * xx;
                    double cb, cr;
                    ref_c(matrix, p[0], p[1], p[2], &cb, &cr);
                    sb += k * cb, sr += k * cr, wt += k;
                }
            }
            uint8_t u, v;
            if (fmt == VX_PIX_NV12) {
                u = view.data[1][j * view.stride[1] + 2 * i];
                v = view.data[1][j * view.stride[1] + 2 * i + 1];
            } else {
                u = view.data[1][j * view.stride[1] + i];
                v = view.data[2][j * view.stride[2] + i];
            }
            maxe = fmax(maxe, fabs(u - sb / wt));
            maxe = fmax(maxe, fabs(v - sr / wt));
        }
    }
    if (maxe > 1.0) {
        printf("FAIL %dx%d fmt %d matrix %d flip %d: max error %.3f code values (> 1)\n", w, h,
               fmt, matrix, flip, maxe);
        failures++;
    }
end:
    vx_image_free(&src);
    vx_image_free(&dst);
}

static void test_roundtrip(void)
{
    /* flat colours survive RGB -> NV12 -> RGB within the quantisation of limited range */
    const int w = 8, h = 4;
    VxImage *a = vx_image_alloc(VX_PIX_BGRA, w, h), *y = vx_image_alloc(VX_PIX_NV12, w, h),
            *b = vx_image_alloc(VX_PIX_BGRA, w, h);
    const uint8_t cols[][3] = {{0, 0, 0}, {255, 255, 255}, {255, 0, 0}, {0, 128, 255}, {17, 200, 90}};
    for (size_t c = 0; c < sizeof(cols) / sizeof(cols[0]); c++) {
        for (int yy = 0; yy < h; yy++)
            for (int x = 0; x < w; x++)
                memcpy(a->data[0] + yy * a->stride[0] + 4 * x, (uint8_t[4]){cols[c][2], cols[c][1], cols[c][0], 255}, 4);
        vx_convert(a, y, NULL);
        vx_convert(y, b, NULL);
        for (int k = 0; k < 3; k++) {
            int d = abs(a->data[0][4 + k] - b->data[0][4 + k]);
            if (d > 2) {
                printf("FAIL roundtrip colour %zu channel %d: %d vs %d\n", c, k, a->data[0][4 + k], b->data[0][4 + k]);
                failures++;
            }
        }
    }
    vx_image_free(&a);
    vx_image_free(&y);
    vx_image_free(&b);
}

/* vx_convert_threads gives the same bytes as vx_convert, for any thread count and an odd
 * height; bad arguments are refused before any thread starts. */
static void test_threads(void)
{
    const int w = 333, h = 101;
    VxImage *src = vx_image_alloc(VX_PIX_ABGR, w, h);
    VxImage *a = vx_image_alloc(VX_PIX_I420, w, h), *b = vx_image_alloc(VX_PIX_I420, w, h);
    for (int y = 0; y < h; y++)
        for (int x = 0; x < 4 * w; x++)
            src->data[0][y * src->stride[0] + x] = (uint8_t)(rand() & 255);
    VxColorSpec cs = {VX_MATRIX_BT2020, VX_RANGE_FULL, VX_CHROMA_CENTER};
    if (vx_convert(src, a, &cs)) {
        printf("FAIL vx_convert %dx%d\n", w, h);
        failures++;
    }
    const int counts[] = {0, 1, 2, 3, 7, 64, 1000};
    for (size_t i = 0; i < sizeof(counts) / sizeof(counts[0]); i++) {
        for (int p = 0; p < 3; p++)
            memset(b->data[p], 0, b->stride[p] * (p ? (h + 1) / 2 : h));
        int ret = vx_convert_threads(src, b, &cs, counts[i]);
        int same = ret == 0;
        for (int p = 0; p < 3 && same; p++)
            for (int y = 0; y < (p ? (h + 1) / 2 : h); y++)
                if (memcmp(a->data[p] + y * a->stride[p], b->data[p] + y * b->stride[p],
                           p ? (w + 1) / 2 : w))
                    same = 0;
        if (!same) {
            printf("FAIL vx_convert_threads with %d threads: ret %d, differs from vx_convert\n",
                   counts[i], ret);
            failures++;
        }
    }
    VxColorSpec bad = {VX_MATRIX_BT709, VX_RANGE_LIMITED, 7};
    VxImage short_rows = *src;
    short_rows.stride[0] = 4 * w - 4;
    if (vx_convert_threads(src, b, &bad, 4) >= 0 || vx_convert(src, b, &bad) >= 0 ||
        vx_convert(&short_rows, b, NULL) >= 0 || vx_convert_rows(src, b, NULL, 1, 4) >= 0) {
        printf("FAIL a bad chroma siting, a row shorter than the width or an odd first row "
               "must be refused\n");
        failures++;
    }
    vx_image_free(&src);
    vx_image_free(&a);
    vx_image_free(&b);
}

/* NV21 is NV12 with Cr first: the same bytes swapped, both ways */
static void test_nv21(void)
{
    const int w = 77, h = 9, cw = (w + 1) / 2;
    VxImage *src = vx_image_alloc(VX_PIX_RGBA, w, h);
    VxImage *a = vx_image_alloc(VX_PIX_NV12, w, h), *b = vx_image_alloc(VX_PIX_NV21, w, h);
    VxImage *ra = vx_image_alloc(VX_PIX_BGRA, w, h), *rb = vx_image_alloc(VX_PIX_BGRA, w, h);
    for (int y = 0; y < h; y++)
        for (int x = 0; x < 4 * w; x++)
            src->data[0][y * src->stride[0] + x] = (uint8_t)(rand() & 255);
    int bad = vx_convert(src, a, NULL) || vx_convert(src, b, NULL);
    for (int y = 0; y < (h + 1) / 2 && !bad; y++)
        for (int i = 0; i < cw; i++)
            if (a->data[1][y * a->stride[1] + 2 * i] != b->data[1][y * b->stride[1] + 2 * i + 1] ||
                a->data[1][y * a->stride[1] + 2 * i + 1] != b->data[1][y * b->stride[1] + 2 * i])
                bad = 1;
    bad |= vx_convert(a, ra, NULL) || vx_convert(b, rb, NULL);
    for (int y = 0; y < h && !bad; y++)
        if (memcmp(ra->data[0] + y * ra->stride[0], rb->data[0] + y * rb->stride[0], 4 * w))
            bad = 1;
    if (bad) {
        printf("FAIL NV21 is not NV12 with Cb and Cr swapped\n");
        failures++;
    }
    vx_image_free(&src), vx_image_free(&a), vx_image_free(&b);
    vx_image_free(&ra), vx_image_free(&rb);
}

int main(void)
{
    srand(1);
    int sizes[][2] = {{1, 1}, {2, 2}, {3, 5}, {17, 9}, {64, 33}, {1921, 3}, {70, 70}};
    for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
        for (int flip = 0; flip < 2; flip++) {
            test_size(sizes[i][0], sizes[i][1], VX_PIX_NV12, VX_MATRIX_BT709, flip);
            test_size(sizes[i][0], sizes[i][1], VX_PIX_I420, VX_MATRIX_BT601, flip);
        }
    test_roundtrip();
    test_threads();
    test_nv21();
    VxImage *a = vx_image_alloc(VX_PIX_RGBA, 4, 4), *b = vx_image_alloc(VX_PIX_RGBA, 4, 4);
    if (vx_convert(a, b, NULL) >= 0) {
        printf("FAIL RGBA -> RGBA must be refused\n");
        failures++;
    }
    vx_image_free(&a);
    vx_image_free(&b);
    printf("%s: %d failure(s)\n", failures ? "FAIL" : "PASS", failures);
    return failures != 0;
}
