/* The checkers' own model of text drawn by libass (check_captions, check_annotations):
 * libass set up at a frame's size, and the expected picture of its images composited in order
 * over a reference frame (each image's colour as limited-range Y'CbCr of the stream's matrix,
 * its coverage x opacity as alpha; chroma with the mean alpha of each 2x2 block), compared
 * with the frame checked as PSNR over a box. Written from docs/project-format.md, apart from
 * the library's code. Include after decode.h; link libass and libm. */
#ifndef ASS_REF_H
#define ASS_REF_H

#include <ass/ass.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>

static inline void ass_ref_quiet(int level, const char *fmt, va_list va, void *data)
{
    (void)level, (void)fmt, (void)va, (void)data;
}

/* kr, kb of the matrix of in's video stream (BT.709, or BT.601 otherwise) */
static inline void ass_ref_coefs(const Input *in, double *kr, double *kb)
{
    const int bt709 = in->fmt->streams[in->stream]->codecpar->color_space == AVCOL_SPC_BT709;
    *kr = bt709 ? 0.2126 : 0.299, *kb = bt709 ? 0.0722 : 0.114;
}

/* libass drawing into a W x H frame, fonts from fontconfig; NULL when it cannot be set up */
static inline ASS_Renderer *ass_ref_renderer(ASS_Library **lib, int W, int H)
{
    *lib = ass_library_init();
    if (!*lib)
        return NULL;
    ass_set_message_cb(*lib, ass_ref_quiet, NULL);
    ASS_Renderer *r = ass_renderer_init(*lib);
    if (!r)
        return NULL;
    ass_set_frame_size(r, W, H);
    ass_set_storage_size(r, W, H);
    ass_set_fonts(r, NULL, "sans-serif", ASS_FONTPROVIDER_AUTODETECT, NULL, 1);
    return r;
}

/* An ASS script's header for a W x H frame with the one style "S" (`style`: its fields from
 * Fontname on) and the events' format line, into b (cap bytes); its length. */
static inline int ass_ref_head(char *b, size_t cap, int W, int H, const char *style)
{
    return snprintf(b, cap,
        "[Script Info]\nScriptType: v4.00+\nPlayResX: %d\nPlayResY: %d\nWrapStyle: 0\n"
        "ScaledBorderAndShadow: yes\n\n[V4+ Styles]\nFormat: Name, Fontname, Fontsize, "
        "PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, Italic, Underline, "
        "StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, Alignment, "
        "MarginL, MarginR, MarginV, Encoding\nStyle: S,%s\n\n[Events]\n"
        "Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text\n",
        W, H, style);
}

/* The images' pixels' bounds [x0, x1) x [y0, y1), widened to even; x0 >= x1: none. */
static inline void ass_ref_bounds(const ASS_Image *img, int W, int H, int *x0, int *y0, int *x1, int *y1)
{
    *x0 = W, *y0 = H, *x1 = 0, *y1 = 0;
    for (const ASS_Image *m = img; m; m = m->next)
        if (m->w && m->h) {
            *x0 = m->dst_x < *x0 ? m->dst_x : *x0, *y0 = m->dst_y < *y0 ? m->dst_y : *y0;
            *x1 = m->dst_x + m->w > *x1 ? m->dst_x + m->w : *x1;
            *y1 = m->dst_y + m->h > *y1 ? m->dst_y + m->h : *y1;
        }
    *x0 &= ~1, *y0 &= ~1, *x1 = (*x1 + 1) & ~1, *y1 = (*y1 + 1) & ~1;
    *x1 = *x1 > W ? W : *x1, *y1 = *y1 > H ? H : *y1;
}

/* The overlay over [x0, x1) x [y0, y1) of a W-wide frame: alpha A and premultiplied Y'CbCr E
 * (0..255 scale), its pixel (x, y) at A[y W + x]. */
typedef struct AssRef {
    double *A, *E[3];
    int W, x0, y0, x1, y1;
} AssRef;

/* A solid colour (R'G'B' 0..1) at opacity op over the box, under what comes next
 * (a text box's box). */
static inline void ass_ref_fill(AssRef *o, double R, double G, double B, double op, double kr, double kb)
{
    const double Yc = kr * R + (1 - kr - kb) * G + kb * B;
    const double c[3] = {16 + 219 * Yc, 128 + 224 * (B - Yc) / (2 * (1 - kb)),
                         128 + 224 * (R - Yc) / (2 * (1 - kr))};
    for (int y = o->y0; y < o->y1; y++)
        for (int x = o->x0; x < o->x1; x++) {
            const size_t k = (size_t)y * o->W + x;
            o->A[k] = op;
            for (int p = 0; p < 3; p++)
                o->E[p][k] = c[p] * op;
        }
}

/* The images, their frame's origin at (ox, oy) of the frame checked, composited in order over
 * the box's overlay (premultiplied "over": E = c a + E (1 - a), A = a + A (1 - a)). */
static inline void ass_ref_over(AssRef *o, const ASS_Image *img, int ox, int oy, double kr, double kb)
{
    for (const ASS_Image *m = img; m; m = m->next) {
        const double R = (m->color >> 24) / 255.0, G = (m->color >> 16 & 255) / 255.0,
                     B = (m->color >> 8 & 255) / 255.0, op = (255 - (m->color & 255)) / 255.0;
        const double Yc = kr * R + (1 - kr - kb) * G + kb * B;
        const double c[3] = {16 + 219 * Yc, 128 + 224 * (B - Yc) / (2 * (1 - kb)),
                             128 + 224 * (R - Yc) / (2 * (1 - kr))};
        for (int y = 0; y < m->h; y++)
            for (int x = 0; x < m->w; x++) {
                const int px = ox + m->dst_x + x, py = oy + m->dst_y + y;
                if (px < o->x0 || py < o->y0 || px >= o->x1 || py >= o->y1)
                    continue;
                const size_t k = (size_t)py * o->W + px;
                const double a = m->bitmap[y * m->stride + x] / 255.0 * op;
                for (int p = 0; p < 3; p++)
                    o->E[p][k] = c[p] * a + o->E[p][k] * (1 - a);
                o->A[k] = a + o->A[k] * (1 - a);
            }
    }
}

/* The box's overlay cleared (nothing drawn) */
static inline void ass_ref_clear(AssRef *o)
{
    for (int y = o->y0; y < o->y1; y++)
        for (int x = o->x0; x < o->x1; x++) {
            const size_t k = (size_t)y * o->W + x;
            o->A[k] = o->E[0][k] = o->E[1][k] = o->E[2][k] = 0;
        }
}

/* PSNR per plane of fo against the overlay over fr, over the box (4:2:0). */
static inline void ass_ref_psnr(const AssRef *o, const AVFrame *fo, const AVFrame *fr, double psnr[3])
{
    double se[3] = {0, 0, 0};
    long cnt[3] = {0, 0, 0};
    for (int y = o->y0; y < o->y1; y++)
        for (int x = o->x0; x < o->x1; x++) {
            const size_t k = (size_t)y * o->W + x;
            const double want = o->E[0][k] + fr->data[0][y * fr->linesize[0] + x] * (1 - o->A[k]);
            const double d = fo->data[0][y * fo->linesize[0] + x] - want;
            se[0] += d * d, cnt[0]++;
        }
    for (int y = o->y0 / 2; y < o->y1 / 2; y++)
        for (int x = o->x0 / 2; x < o->x1 / 2; x++) {
            double a = 0, e[3] = {0, 0, 0};
            for (int j = 0; j < 4; j++) {
                const size_t k = (size_t)(2 * y + j / 2) * o->W + 2 * x + j % 2;
                a += o->A[k] / 4, e[1] += o->E[1][k] / 4, e[2] += o->E[2][k] / 4;
            }
            for (int p = 1; p < 3; p++) {
                const double want = e[p] + fr->data[p][y * fr->linesize[p] + x] * (1 - a);
                const double d = fo->data[p][y * fo->linesize[p] + x] - want;
                se[p] += d * d, cnt[p]++;
            }
        }
    for (int p = 0; p < 3; p++)
        psnr[p] = se[p] > 0 ? 10 * log10(255.0 * 255.0 * cnt[p] / se[p]) : 99;
}

#endif
