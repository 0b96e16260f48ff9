/* Plane scaler: drives the separable kernels of dsp/scale.h over a whole plane, keeping the
 * horizontally filtered rows in a small ring so each source row is filtered once. */
#ifndef VX_SCALE_H
#define VX_SCALE_H

#include <stddef.h>
#include <stdint.h>

#include "dsp/scale.h"

/* The horizontally filtered source rows that the vertical pass of a band of output rows
 * reads: a ring of v.taps + VX_SCALE_MAX_ROWS - 1 rows. It grows to fit any scaler (zero-
 * initialise it; vx_scale_ring_fit), and serves one thread at a time. */
typedef struct VxScaleRing {
    int16_t *buf;         /* rows of values (2 * n_out for two channels) */
    int *tag;             /* source row held by each slot, -1 if none */
    const int16_t **rows; /* v.taps row pointers */
    size_t cap;           /* values buf holds */
    int cap_rows, cap_taps;
} VxScaleRing;

typedef struct VxPlaneScaler {
    VxScaleFilter h, v;
    int src_w, src_h;
    const VxScaleDSP *dsp;
    VxScaleRing ring;     /* the one vx_plane_scale and friends use, sized for two channels */
    /* for incremental scaling (vx_plane_scale_changed) */
    int *first_out;       /* per source sample x: first output whose taps read x */
    int *last_out;        /* per source sample x: last output whose taps read x */
} VxPlaneScaler;

/* What incremental scaling keeps of one plane between calls (zero-initialise it). */
typedef struct VxScaleKeep {
    int16_t *mid;         /* the horizontal pass of every source row */
    int *mid_lo, *mid_hi; /* per source row: outputs of mid rewritten by the last call */
    int valid;
    int channels;         /* 1, or 2 for vx_plane_scale_uv_changed */
} VxScaleKeep;

/* A span [lo, hi) per row; empty when lo >= hi. */
typedef struct VxSpans {
    int *lo, *hi;
} VxSpans;

/* dst (dst_w x dst_h) sample i reads source position rx * i + ox (x) and ry * j + oy (y). */
int vx_plane_scaler_init(VxPlaneScaler *s, const VxScaleDSP *dsp, int src_w, int src_h,
                         int dst_w, int dst_h, double rx, double ox, double ry, double oy);
/* The same with a filter kind (VX_SCALE_HQ or VX_SCALE_BILINEAR, dsp/scale.h);
 * vx_plane_scaler_init is this with VX_SCALE_HQ. Any ratio up or down; ox, oy may be
 * fractional (sub-sample pans). Building is cheap enough to redo per frame (BENCHMARKS.md). */
int vx_plane_scaler_init2(VxPlaneScaler *s, const VxScaleDSP *dsp, int kind, int src_w,
                          int src_h, int dst_w, int dst_h, double rx, double ox, double ry,
                          double oy);
/* Scales the whole plane; steps are the distances between samples (2 for NV12 chroma). */
void vx_plane_scale(VxPlaneScaler *s, const uint8_t *src, ptrdiff_t src_stride, int src_step,
                    uint8_t *dst, ptrdiff_t dst_stride, int dst_step);
/* Scales a plane of two interleaved channels (NV12 UV) in one pass: src_w x src_h and
 * dst_w x dst_h count sample pairs. Bit-exact with two vx_plane_scale calls at step 2 (one per
 * channel), about twice as fast. */
void vx_plane_scale_uv(VxPlaneScaler *s, const uint8_t *src, ptrdiff_t src_stride, uint8_t *dst,
                       ptrdiff_t dst_stride);
/* Scales planar U and V (step 1 each) into interleaved NV12 chroma: bit-exact with two
 * vx_plane_scale calls into dst and dst + 1 at step 2; an identity scaler interleaves the rows
 * in one vectorisable pass (the decoder's I420 into the encoder's NV12, unscaled). */
void vx_plane_scale_to_uv(VxPlaneScaler *s, const uint8_t *u, ptrdiff_t u_stride,
                          const uint8_t *v, ptrdiff_t v_stride, uint8_t *dst,
                          ptrdiff_t dst_stride);
/* The same three calls for output rows [j0, j1) only, with the ring r: several threads may
 * scale bands of one scaler at once, each with its own ring, once vx_plane_scaler_prepare has
 * built the scaler's tables for the layout (channels 2: vx_plane_scale_uv_band; 1: the
 * others) and vx_scale_ring_fit has sized r for it. Each band is bit-exact with the same rows
 * of the whole plane. */
int vx_plane_scaler_prepare(VxPlaneScaler *s, int channels);
int vx_scale_ring_fit(VxScaleRing *r, const VxPlaneScaler *s, int channels);
void vx_scale_ring_free(VxScaleRing *r);
void vx_plane_scale_band(const VxPlaneScaler *s, VxScaleRing *r, int j0, int j1,
                         const uint8_t *src, ptrdiff_t src_stride, int src_step, uint8_t *dst,
                         ptrdiff_t dst_stride, int dst_step);
void vx_plane_scale_uv_band(const VxPlaneScaler *s, VxScaleRing *r, int j0, int j1,
                            const uint8_t *src, ptrdiff_t src_stride, uint8_t *dst,
                            ptrdiff_t dst_stride);
void vx_plane_scale_to_uv_band(const VxPlaneScaler *s, VxScaleRing *r, int j0, int j1,
                               const uint8_t *u, ptrdiff_t u_stride, const uint8_t *v,
                               ptrdiff_t v_stride, uint8_t *dst, ptrdiff_t dst_stride);
/* Scales incrementally: `changed` gives, per source row, the samples that differ from the
 * source of the previous call (every row is taken as changed on the first call). Only the
 * outputs those samples reach are recomputed and written; `force` (may be NULL) marks output
 * rows to write whole. `written` receives, per output row, the span written; the caller keeps
 * the rest from the previous output. The result is bit-exact with vx_plane_scale. */
int vx_plane_scale_changed(VxPlaneScaler *s, VxScaleKeep *k, const uint8_t *src,
                           ptrdiff_t src_stride,
                           int src_step, const VxSpans *changed, const uint8_t *force,
                           uint8_t *dst, ptrdiff_t dst_stride, int dst_step, VxSpans *written);
/* The same for an interleaved two-channel plane (NV12 UV), as vx_plane_scale_uv: `changed`
 * and `written` count sample pairs; bit-exact with vx_plane_scale_uv. Keep one VxScaleKeep
 * per plane (a keep used with the other call is reset). */
int vx_plane_scale_uv_changed(VxPlaneScaler *s, VxScaleKeep *k, const uint8_t *src,
                              ptrdiff_t src_stride, const VxSpans *changed,
                              const uint8_t *force, uint8_t *dst, ptrdiff_t dst_stride,
                              VxSpans *written);
/* The same in steps, so that slices of rows can run on several threads: vx_scale_job_begin
 * once; vx_scale_job_h over source rows [y0, y1), every row once, any ranges on any threads
 * (a row that no output reads, outside vx_plane_scaler_reach, is skipped: its kept pass is
 * left as it was, so a keep serves one scaler: a new scaler needs a keep not valid);
 * then (after all of those) vx_scale_job_v over output rows [j0, j1) likewise; then
 * vx_scale_job_end. A keep that is not valid (or a new one) takes every sample as changed. */
#define VX_SCALE_JOB_MAX_TAPS 256 /* a filter with more: vx_scale_job_v on one thread only */
typedef struct VxScaleJob {
    VxPlaneScaler *s;
    VxScaleKeep *k;
    const uint8_t *src;
    ptrdiff_t src_stride;
    int src_step, channels; /* channels 2: an interleaved pair plane, as vx_plane_scale_uv */
    const VxSpans *changed;
    const uint8_t *force;
    uint8_t *dst;
    ptrdiff_t dst_stride;
    int dst_step;
    VxSpans *written;
    int all; /* set by begin: every sample is taken as changed */
} VxScaleJob;
int vx_scale_job_begin(VxScaleJob *jb);
void vx_scale_job_h(const VxScaleJob *jb, int y0, int y1);
void vx_scale_job_v(const VxScaleJob *jb, int j0, int j1);
void vx_scale_job_end(VxScaleJob *jb);
/* The source samples [x0, x1) x [y0, y1) that some output of s reads (a zoomed view reads a
 * part of the source): nothing s writes depends on the samples outside. */
void vx_plane_scaler_reach(const VxPlaneScaler *s, int *x0, int *x1, int *y0, int *y1);
void vx_plane_scaler_free(VxPlaneScaler *s);
void vx_scale_keep_free(VxScaleKeep *k);

#endif
