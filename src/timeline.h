/* The timeline (timeline.c): output frame n -> output time -> recording time, through the
 * kept ranges of the recording (cuts) and their speeds. FFmpeg-free. */
#ifndef VX_TIMELINE_H
#define VX_TIMELINE_H

#include <stdint.h>

#include "internal.h"
#include "project.h"

/* A rational number num / den (den > 0; {0, 1} for "unknown"). */
typedef struct VxRational {
    int num, den;
} VxRational;
static inline double vx_q2d(VxRational q)
{
    return q.den ? (double)q.num / q.den : 0;
}
/* The rational nearest to d whose numerator and denominator are at most max (a continued
 * fraction, the best of its last convergent and semiconvergent); {0, 1} for NaN. */
VxRational vx_d2q(double d, int max);

struct VxSourceInfo;
/* One kept range as placed in the output. */
typedef struct VxTlSeg {
    double src_start, src_end; /* recording time */
    double out_start, out_end; /* output time */
    double speed;
    int audio_keep;            /* 1: audio plays (tempo-preserved), 0: muted */
    double fade;               /* fade-black into it from the range before: its duration in
                                * output seconds, centred on out_start; 0: a plain cut */
    double xfade;              /* cross-fade into it from the range before: its duration in
                                * output seconds, from out_start (the range before ends at
                                * out_start + xfade: they overlap); 0: none */
} VxTlSeg;
typedef struct VxTimeline {
    VxRational fps;
    int64_t frames;
    double duration;   /* output duration, seconds */
    VxTlSeg *segs;     /* at least one */
    int n_segs;
    int fades;         /* some range fades in (VxTlSeg.fade) */
    int xfades;        /* some range cross-fades in (VxTlSeg.xfade) */
} VxTimeline;
int vx_timeline_init(VxContext *ctx, const VxProject *p, const struct VxSourceInfo *si,
                     VxTimeline *tl);
/* Output time of frame n. */
double vx_timeline_time(const VxTimeline *tl, int64_t n);
/* Recording time shown at output time t, and the segment index it falls in. */
double vx_timeline_src_time(const VxTimeline *tl, double t, int *seg);
/* The brightness the fades at cuts leave at output time t, 0 (black) .. 1 (untouched): at
 * a fade-black of duration D into the range starting at output time c, |t - c| / (D / 2)
 * where that is below 1 (docs/project-format.md, "Transitions at cuts"). */
double vx_timeline_fade(const VxTlSeg *segs, int n_segs, double t);
/* 1 when output time t lies in a cross-fade: *seg = the range it fades into (the one before
 * fades out), *w = (t - its out_start) / its xfade, the weight of the incoming side, 0..1;
 * 0 otherwise (vx_timeline_src_time then gives the one range shown). */
int vx_timeline_crossfade(const VxTimeline *tl, double t, int *seg, double *w);
/* Recording time range seg shows at output time t (never before its start). */
double vx_timeline_range_time(const VxTimeline *tl, int seg, double t);
/* The output frames on which a recording-time interval [a, b) is seen: those n whose
 * recording time (the one range shown at vx_timeline_time(n), or either range of a cross-fade,
 * the incoming one from its first frame of weight above 0) lies in [a, b), the frames on which
 * the captions layer's drawing of a cue of those times is seen. As runs
 * [runs[k][0], runs[k][1]) of frames, in order, those that touch or overlap merged (a cue
 * spanning a cut whose two sides meet in the output is one run); a cut-away part is absent.
 * runs holds tl->n_segs entries; returns the number of runs (0: never shown). Pure. */
int vx_timeline_shown(const VxTimeline *tl, double a, double b, int64_t (*runs)[2]);
void vx_timeline_free(VxTimeline *tl);

#endif
