/* Plane scaler driver (see scale.h). */
#include <stdlib.h>
#include <string.h>

#include "scale.h"

void vx_plane_scaler_free(VxPlaneScaler *s)
{
    vx_scale_filter_free(&s->h);
    vx_scale_filter_free(&s->v);
    free(s->ring);
    free(s->ring_tag);
    free(s->rows);
    memset(s, 0, sizeof(*s));
}

int vx_plane_scaler_init(VxPlaneScaler *s, const VxScaleDSP *dsp, int src_w, int src_h,
                         int dst_w, int dst_h, double rx, double ox, double ry, double oy)
{
    memset(s, 0, sizeof(*s));
    s->dsp = dsp;
    s->src_w = src_w;
    s->src_h = src_h;
    if (vx_scale_filter_build(&s->h, src_w, dst_w, rx, ox) < 0 ||
        vx_scale_filter_build(&s->v, src_h, dst_h, ry, oy) < 0)
        goto fail;
    s->ring_rows = s->v.taps;
    s->ring = malloc(sizeof(*s->ring) * (size_t)s->ring_rows * (size_t)dst_w);
    s->ring_tag = malloc(sizeof(*s->ring_tag) * (size_t)s->ring_rows);
    s->rows = malloc(sizeof(*s->rows) * (size_t)s->v.taps);
    if (!s->ring || !s->ring_tag || !s->rows)
        goto fail;
    return 0;
fail:
    vx_plane_scaler_free(s);
    return -1;
}

void vx_plane_scale(VxPlaneScaler *s, const uint8_t *src, ptrdiff_t src_stride, int src_step,
                    uint8_t *dst, ptrdiff_t dst_stride, int dst_step)
{
    const int w = s->h.n_out, taps = s->v.taps;
    if (s->h.identity && s->v.identity) {
        for (int j = 0; j < s->v.n_out; j++) {
            const uint8_t *sr = src + j * src_stride;
            uint8_t *dr = dst + j * dst_stride;
            if (src_step == 1 && dst_step == 1) {
                memcpy(dr, sr, (size_t)w);
            } else {
                for (int i = 0; i < w; i++)
                    dr[i * dst_step] = sr[i * src_step];
            }
        }
        return;
    }
    for (int k = 0; k < s->ring_rows; k++)
        s->ring_tag[k] = -1;
    for (int j = 0; j < s->v.n_out; j++) {
        const int p = s->v.pos[j];
        for (int t = 0; t < taps; t++) {
            const int row = p + t, slot = row % s->ring_rows;
            int16_t *r = s->ring + (size_t)slot * w;
            if (s->ring_tag[slot] != row) {
                s->dsp->hscale(r, src + row * src_stride, src_step, &s->h);
                s->ring_tag[slot] = row;
            }
            s->rows[t] = r;
        }
        s->dsp->vscale(dst + j * dst_stride, dst_step, s->rows, s->v.coef + (size_t)j * taps,
                       taps, w);
    }
}
