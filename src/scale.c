/* Plane scaler driver (see scale.h). */
#include <stdlib.h>
#include <string.h>

#include "scale.h"

void vx_scale_ring_free(VxScaleRing *r)
{
    free(r->buf);
    free(r->tag);
    free(r->rows);
    memset(r, 0, sizeof(*r));
}

int vx_scale_ring_fit(VxScaleRing *r, const VxPlaneScaler *s, int channels)
{
    const int nr = s->v.taps + VX_SCALE_MAX_ROWS - 1; /* room for rows after the window */
    const size_t cap = (size_t)nr * (size_t)channels * (size_t)s->h.n_out;
    if (r->cap < cap) {
        free(r->buf);
        if (!(r->buf = malloc(sizeof(*r->buf) * cap)))
            return r->cap = 0, -1;
        r->cap = cap;
    }
    if (r->cap_rows < nr) {
        free(r->tag);
        if (!(r->tag = malloc(sizeof(*r->tag) * (size_t)nr)))
            return r->cap_rows = 0, -1;
        r->cap_rows = nr;
    }
    if (r->cap_taps < s->v.taps) {
        free(r->rows);
        if (!(r->rows = malloc(sizeof(*r->rows) * (size_t)s->v.taps)))
            return r->cap_taps = 0, -1;
        r->cap_taps = s->v.taps;
    }
    return 0;
}

void vx_plane_scaler_free(VxPlaneScaler *s)
{
    vx_scale_filter_free(&s->h);
    vx_scale_filter_free(&s->v);
    vx_scale_ring_free(&s->ring);
    free(s->first_out);
    free(s->last_out);
    memset(s, 0, sizeof(*s));
}

int vx_plane_scaler_init(VxPlaneScaler *s, const VxScaleDSP *dsp, int src_w, int src_h,
                         int dst_w, int dst_h, double rx, double ox, double ry, double oy)
{
    return vx_plane_scaler_init2(s, dsp, VX_SCALE_HQ, src_w, src_h, dst_w, dst_h, rx, ox, ry, oy);
}

int vx_plane_scaler_init2(VxPlaneScaler *s, const VxScaleDSP *dsp, int kind, int src_w,
                          int src_h, int dst_w, int dst_h, double rx, double ox, double ry,
                          double oy)
{
    memset(s, 0, sizeof(*s));
    s->dsp = dsp;
    s->src_w = src_w;
    s->src_h = src_h;
    /* the horizontal filter's SIMD tables are built on first use, for the layouts used */
    if (vx_scale_filter_build3(&s->h, kind, src_w, dst_w, rx, ox) < 0 ||
        vx_scale_filter_build3(&s->v, kind, src_h, dst_h, ry, oy) < 0 ||
        vx_scale_ring_fit(&s->ring, s, 2) < 0) {
        vx_plane_scaler_free(s);
        return -1;
    }
    return 0;
}

int vx_plane_scaler_prepare(VxPlaneScaler *s, int channels)
{
    if (s->h.identity && s->v.identity)
        return 0; /* copies */
    return vx_scale_filter_groups(&s->h, channels);
}

/* Output rows [j0, j1): the ring holds source rows p .. p + taps + VX_SCALE_MAX_ROWS - 2
 * (slot = row % nr): the window of output row j plus the rows after it, so a missing row and
 * the next ones are filtered together (hscale_rows reads the filter tables once for all of
 * them). */
static void scale_rows(const VxPlaneScaler *s, VxScaleRing *r, int j0, int j1,
                       const uint8_t *src, ptrdiff_t src_stride, int src_step, int channels,
                       uint8_t *dst, ptrdiff_t dst_stride, int dst_step)
{
    const int w = channels * s->h.n_out, taps = s->v.taps, nr = taps + VX_SCALE_MAX_ROWS - 1;
    if (j0 >= j1)
        return;
    const int last = s->v.pos[j1 - 1] + taps - 1; /* the last row any output of the band reads */
    for (int k = 0; k < nr; k++)
        r->tag[k] = -1;
    for (int j = j0; j < j1; j++) {
        const int p = s->v.pos[j];
        for (int t = 0; t < taps; t++) {
            const int row = p + t, slot = row % nr;
            int16_t *rw = r->buf + (size_t)slot * w;
            if (r->tag[slot] != row) {
                if (src_step == channels) {
                    int16_t *d[VX_SCALE_MAX_ROWS];
                    const uint8_t *sr[VX_SCALE_MAX_ROWS];
                    int n = 0;
                    for (int q = row; n < VX_SCALE_MAX_ROWS && q <= last; q++, n++) {
                        if (n && r->tag[q % nr] == q)
                            break;
                        d[n] = r->buf + (size_t)(q % nr) * w;
                        sr[n] = src + q * src_stride;
                        r->tag[q % nr] = q;
                    }
                    s->dsp->hscale_rows(d, sr, n, channels, &s->h);
                } else {
                    s->dsp->hscale(rw, src + row * src_stride, src_step, &s->h);
                    r->tag[slot] = row;
                }
            }
            r->rows[t] = rw;
        }
        s->dsp->vscale(dst + j * dst_stride, dst_step, r->rows, s->v.coef + (size_t)j * taps,
                       taps, w);
    }
}

void vx_plane_scale_band(const VxPlaneScaler *s, VxScaleRing *r, int j0, int j1,
                         const uint8_t *src, ptrdiff_t src_stride, int src_step, uint8_t *dst,
                         ptrdiff_t dst_stride, int dst_step)
{
    const int w = s->h.n_out;
    if (s->h.identity && s->v.identity) {
        for (int j = j0; j < j1; j++) {
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
    scale_rows(s, r, j0, j1, src, src_stride, src_step, 1, dst, dst_stride, dst_step);
}

void vx_plane_scale_uv_band(const VxPlaneScaler *s, VxScaleRing *r, int j0, int j1,
                            const uint8_t *src, ptrdiff_t src_stride, uint8_t *dst,
                            ptrdiff_t dst_stride)
{
    if (s->h.identity && s->v.identity) {
        for (int j = j0; j < j1; j++)
            memcpy(dst + j * dst_stride, src + j * src_stride, (size_t)2 * s->h.n_out);
        return;
    }
    /* the vertical pass does not care which channel a column holds */
    scale_rows(s, r, j0, j1, src, src_stride, 2, 2, dst, dst_stride, 1);
}

void vx_plane_scale_to_uv_band(const VxPlaneScaler *s, VxScaleRing *r, int j0, int j1,
                               const uint8_t *u, ptrdiff_t u_stride, const uint8_t *v,
                               ptrdiff_t v_stride, uint8_t *dst, ptrdiff_t dst_stride)
{
    if (!(s->h.identity && s->v.identity)) {
        vx_plane_scale_band(s, r, j0, j1, u, u_stride, 1, dst, dst_stride, 2);
        vx_plane_scale_band(s, r, j0, j1, v, v_stride, 1, dst + 1, dst_stride, 2);
        return;
    }
    const int w = s->h.n_out;
    for (int j = j0; j < j1; j++) {
        const uint8_t *restrict ur = u + j * u_stride, *restrict vr = v + j * v_stride;
        uint8_t *restrict d = dst + j * dst_stride;
        for (int i = 0; i < w; i++)
            d[2 * i] = ur[i], d[2 * i + 1] = vr[i];
    }
}

void vx_plane_scale(VxPlaneScaler *s, const uint8_t *src, ptrdiff_t src_stride, int src_step,
                    uint8_t *dst, ptrdiff_t dst_stride, int dst_step)
{
    vx_plane_scaler_prepare(s, 1); /* if it fails, the kernels take their other path */
    vx_plane_scale_band(s, &s->ring, 0, s->v.n_out, src, src_stride, src_step, dst, dst_stride,
                        dst_step);
}

void vx_plane_scale_uv(VxPlaneScaler *s, const uint8_t *src, ptrdiff_t src_stride, uint8_t *dst,
                       ptrdiff_t dst_stride)
{
    vx_plane_scaler_prepare(s, 2);
    vx_plane_scale_uv_band(s, &s->ring, 0, s->v.n_out, src, src_stride, dst, dst_stride);
}

void vx_plane_scale_to_uv(VxPlaneScaler *s, const uint8_t *u, ptrdiff_t u_stride,
                          const uint8_t *v, ptrdiff_t v_stride, uint8_t *dst,
                          ptrdiff_t dst_stride)
{
    vx_plane_scaler_prepare(s, 1);
    vx_plane_scale_to_uv_band(s, &s->ring, 0, s->v.n_out, u, u_stride, v, v_stride, dst,
                              dst_stride);
}

void vx_plane_scaler_reach(const VxPlaneScaler *s, int *x0, int *x1, int *y0, int *y1)
{
    /* pos is non-decreasing: the first output reads from the lowest sample, the last up to
     * the highest */
    *x0 = s->h.pos[0], *x1 = s->h.pos[s->h.n_out - 1] + s->h.taps;
    *y0 = s->v.pos[0], *y1 = s->v.pos[s->v.n_out - 1] + s->v.taps;
}

void vx_scale_keep_free(VxScaleKeep *k)
{
    free(k->mid);
    free(k->mid_lo);
    free(k->mid_hi);
    memset(k, 0, sizeof(*k));
}

/* The sample -> output maps of the horizontal filter, on first use. */
static int maps_init(VxPlaneScaler *s)
{
    const int n = s->h.n_out, taps = s->h.taps;
    s->first_out = malloc(sizeof(*s->first_out) * (size_t)s->src_w);
    s->last_out = malloc(sizeof(*s->last_out) * (size_t)s->src_w);
    if (!s->first_out || !s->last_out)
        return -1;
    /* pos is non-decreasing, so both maps are found in one sweep each */
    for (int x = 0, i = 0; x < s->src_w; x++) {
        while (i < n && s->h.pos[i] + taps - 1 < x)
            i++;
        s->first_out[x] = i;
    }
    for (int x = s->src_w - 1, i = n - 1; x >= 0; x--) {
        while (i >= 0 && s->h.pos[i] > x)
            i--;
        s->last_out[x] = i;
    }
    return 0;
}

/* A view of outputs [a, b) of the horizontal filter for the kernels: the per-output arrays
 * and the channel layout's grouped tables (a must be a whole number of blocks, or groups
 * when there are no blocks) or wide blocks (hidden unless a starts one); the other layout's
 * tables are hidden. */
static VxScaleFilter filter_view(const VxScaleFilter *h, int channels, int a, int b)
{
    VxScaleFilter view = *h;
    view.n_out = b - a;
    view.pos += a;
    view.coef += (size_t)a * h->taps;
    if (view.coef_pad)
        view.coef_pad += (size_t)a * h->ptaps;
    VxScaleGroups *g = channels == 2 ? &view.g2 : &view.g1;
    (channels == 2 ? &view.g1 : &view.g2)->n = 0;
    if (g->n) {
        const int ga = a / g->outs, gn = (b - a) / g->outs;
        g->n = g->n - ga < gn ? g->n - ga : gn;
        g->nfull = g->nfull - ga < 0 ? 0 : g->nfull - ga > g->n ? g->n : g->nfull - ga;
        g->base += ga;
        g->idx += (size_t)ga * 16;
        g->coef += (size_t)ga * 8;
        if (g->nb) {
            const int gb = ga / 4;
            g->bidx += (size_t)gb * 64;
            g->nb = (g->n + 3) / 4;
            g->nbfull = g->nbfull - gb < 0 ? 0 : g->nbfull - gb > g->nb ? g->nb : g->nbfull - gb;
        }
        if (g->n <= 0)
            g->n = g->nfull = g->nb = 0;
    }
    VxScaleWide *w = channels == 2 ? &view.w2 : &view.w1;
    (channels == 2 ? &view.w1 : &view.w2)->nb = 0;
    if (w->nb && a % w->outs) {
        w->nb = 0; /* not at a block's start: the per-output path */
    } else if (w->nb) {
        const int wa = a / w->outs, wn = (b - a + w->outs - 1) / w->outs;
        w->nb = w->nb - wa < wn ? w->nb - wa : wn;
        w->base += wa;
        w->idx += (size_t)wa * 64;
        w->coef += (size_t)wa * 32;
    }
    return view;
}

int vx_scale_job_begin(VxScaleJob *jb)
{
    VxPlaneScaler *s = jb->s;
    VxScaleKeep *k = jb->k;
    const int nc = s->h.n_out * jb->channels;
    if (!s->first_out && maps_init(s) < 0)
        return -1;
    vx_scale_filter_groups(&s->h, jb->channels);
    if (k->mid && k->channels != jb->channels)
        vx_scale_keep_free(k);
    if (!k->mid) {
        k->mid = malloc(sizeof(*k->mid) * (size_t)s->src_h * nc);
        k->mid_lo = malloc(sizeof(*k->mid_lo) * (size_t)s->src_h);
        k->mid_hi = malloc(sizeof(*k->mid_hi) * (size_t)s->src_h);
        k->valid = 0;
        k->channels = jb->channels;
        if (!k->mid || !k->mid_lo || !k->mid_hi) {
            vx_scale_keep_free(k); /* a later call allocates again */
            return -1;
        }
    }
    jb->all = !k->valid;
    return 0;
}

void vx_scale_job_h(const VxScaleJob *jb, int y0, int y1)
{
    const VxPlaneScaler *s = jb->s;
    VxScaleKeep *k = jb->k;
    const int n = s->h.n_out, channels = jb->channels, nc = n * channels;
    const VxScaleGroups *g = channels == 2 ? &s->h.g2 : &s->h.g1;
    /* the grouped kernels work in groups, blocks of 4 groups or wide blocks: a span is
     * widened to whole ones (the extra outputs read no changed sample, so they are rewritten
     * unchanged) */
    const VxScaleWide *w = channels == 2 ? &s->h.w2 : &s->h.w1;
    const int al = g->n ? (g->nb ? 4 : 1) * g->outs : w->nb ? w->outs : 1;
    int va = -1, vb = -1;
    VxScaleFilter view;
    /* rows no output reads (above and below a zoomed view) are not filtered */
    int c0, c1, r0, r1;
    vx_plane_scaler_reach(s, &c0, &c1, &r0, &r1);
    for (int y = y0; y < y1; y++) {
        int x0 = jb->all ? 0 : jb->changed->lo[y], x1 = jb->all ? s->src_w : jb->changed->hi[y];
        k->mid_lo[y] = k->mid_hi[y] = 0;
        if (x0 >= x1 || y < r0 || y >= r1)
            continue;
        int a = s->first_out[x0], b = s->last_out[x1 - 1] + 1;
        if (a >= b)
            continue;
        k->mid_lo[y] = a, k->mid_hi[y] = b;
        a -= a % al;
        b = (b + al - 1) / al * al;
        b = b > n ? n : b;
        if (a != va || b != vb) /* rows often share their span */
            view = filter_view(&s->h, channels, a, b), va = a, vb = b;
        int16_t *m = k->mid + (size_t)y * nc + (size_t)a * channels;
        if (channels == 2)
            s->dsp->hscale2(m, jb->src + y * jb->src_stride, &view);
        else
            s->dsp->hscale(m, jb->src + y * jb->src_stride, jb->src_step, &view);
    }
}

void vx_scale_job_v(const VxScaleJob *jb, int j0, int j1)
{
    const VxPlaneScaler *s = jb->s;
    const VxScaleKeep *k = jb->k;
    const int n = s->h.n_out, taps = s->v.taps, nc = n * jb->channels;
    const int16_t *local[VX_SCALE_JOB_MAX_TAPS];
    const int16_t **rows = taps <= VX_SCALE_JOB_MAX_TAPS ? local : s->ring.rows;
    /* each output row over the union of its source rows' changes */
    for (int j = j0; j < j1; j++) {
        const int p = s->v.pos[j];
        int c0 = n, c1 = 0;
        if (jb->force && jb->force[j]) {
            c0 = 0, c1 = n;
        } else {
            for (int t = 0; t < taps; t++) {
                if (k->mid_lo[p + t] < k->mid_hi[p + t]) {
                    c0 = k->mid_lo[p + t] < c0 ? k->mid_lo[p + t] : c0;
                    c1 = k->mid_hi[p + t] > c1 ? k->mid_hi[p + t] : c1;
                }
            }
        }
        jb->written->lo[j] = c0, jb->written->hi[j] = c1;
        if (c0 >= c1)
            continue;
        for (int t = 0; t < taps; t++)
            rows[t] = k->mid + (size_t)(p + t) * nc + (size_t)c0 * jb->channels;
        s->dsp->vscale(jb->dst + j * jb->dst_stride + (ptrdiff_t)c0 * jb->dst_step * jb->channels,
                       jb->dst_step, rows, s->v.coef + (size_t)j * taps, taps,
                       (c1 - c0) * jb->channels);
    }
}

void vx_scale_job_end(VxScaleJob *jb)
{
    jb->k->valid = 1;
}

static int scale_changed(VxScaleJob *jb)
{
    if (vx_scale_job_begin(jb) < 0)
        return -1;
    vx_scale_job_h(jb, 0, jb->s->src_h);
    vx_scale_job_end(jb);
    vx_scale_job_v(jb, 0, jb->s->v.n_out);
    return 0;
}

int vx_plane_scale_changed(VxPlaneScaler *s, VxScaleKeep *k, const uint8_t *src,
                           ptrdiff_t src_stride, int src_step, const VxSpans *changed,
                           const uint8_t *force, uint8_t *dst, ptrdiff_t dst_stride,
                           int dst_step, VxSpans *written)
{
    VxScaleJob jb = {s, k, src, src_stride, src_step, 1, changed, force, dst, dst_stride,
                     dst_step, written, 0};
    return scale_changed(&jb);
}

int vx_plane_scale_uv_changed(VxPlaneScaler *s, VxScaleKeep *k, const uint8_t *src,
                              ptrdiff_t src_stride, const VxSpans *changed,
                              const uint8_t *force, uint8_t *dst, ptrdiff_t dst_stride,
                              VxSpans *written)
{
    VxScaleJob jb = {s, k, src, src_stride, 2, 2, changed, force, dst, dst_stride, 1, written, 0};
    return scale_changed(&jb);
}
