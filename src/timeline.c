/* Timeline: output frame n -> output time -> recording time, through the kept ranges of the
 * recording (cuts) and their speeds. */
#include <math.h>
#include <stdlib.h>

#include "source_info.h"
#include "timeline.h"

VxRational vx_d2q(double d, int max)
{
    if (!(d == d) || max < 1)
        return (VxRational){0, 1};
    const int neg = d < 0;
    d = fabs(d);
    if (d >= max)
        return (VxRational){neg ? -max : max, 1};
    /* d = n / D exactly (D a power of two), then its continued fraction */
    int e;
    const double m = frexp(d, &e); /* d = m * 2^e, m in [0.5, 1) */
    int shift = 53 - e;
    uint64_t n = (uint64_t)ldexp(m, 53), D;
    if (shift > 62) {
        n >>= shift - 62;
        shift = 62;
    }
    D = (uint64_t)1 << shift;
    uint64_t p0 = 0, q0 = 1, p1 = 1, q1 = 0; /* convergents k - 2 and k - 1 */
    while (D) {
        const uint64_t a = n / D, r = n - a * D, M = (uint64_t)max;
        if ((p1 && a > (M - p0) / p1) || (q1 && a > (M - q0) / q1)) {
            /* the largest semiconvergent within the bound, if nearer than the convergent */
            uint64_t t = p1 ? (M - p0) / p1 : a;
            if (q1 && (M - q0) / q1 < t)
                t = (M - q0) / q1;
            const double ps = (double)(t * p1 + p0), qs = (double)(t * q1 + q0);
            if (t > 0 && q1 && fabs(ps / qs - d) < fabs((double)p1 / q1 - d))
                p1 = t * p1 + p0, q1 = t * q1 + q0;
            break;
        }
        const uint64_t p2 = a * p1 + p0, q2 = a * q1 + q0;
        p0 = p1, q0 = q1, p1 = p2, q1 = q2;
        n = D, D = r;
    }
    if (!q1)
        return (VxRational){0, 1};
    return (VxRational){neg ? -(int)p1 : (int)p1, (int)q1};
}

int vx_timeline_init(VxContext *ctx, const VxProject *p, const VxSourceInfo *si, VxTimeline *tl)
{
    tl->segs = NULL;
    tl->n_segs = 0;
    tl->fades = tl->xfades = 0;
    if (p->fps > 0) {
        tl->fps = vx_d2q(p->fps, 1001000);
    } else {
        double f = vx_q2d(si->fps);
        tl->fps = (si->fps.num > 0 && si->fps.den > 0 && f >= 1 && f <= 240)
                      ? vx_d2q(f, 1001000)
                      : (VxRational){60, 1};
    }
    if (!(si->duration > 0))
        return vx_fail(ctx, VX_ERR(EINVAL), "%s: the recording's duration is unknown or zero",
                       p->screen);
    const int n = p->n_segs ? p->n_segs : 1;
    if (!(tl->segs = calloc((size_t)n, sizeof(*tl->segs))))
        return VX_ERR(ENOMEM);
    double out = 0;
    for (int i = 0; i < n; i++) {
        VxSegment g = p->n_segs ? p->segs[i] : (VxSegment){0, -1, 1, VX_SEG_AUDIO_AUTO, VX_TRANS_CUT, 0};
        if (g.start >= si->duration) {
            int ret = vx_fail(ctx, VX_ERR(EINVAL), "timeline[%d]: starts at %g s, but %s is only "
                              "%.3f s long", i, g.start, p->screen, si->duration);
            vx_timeline_free(tl);
            return ret;
        }
        if (g.end < 0 || g.end > si->duration) {
            if (g.end > si->duration + 0.05)
                vx_log(ctx, VX_LOG_WARNING, "timeline[%d]: ends at %g s, after the recording "
                       "(%.3f s); cut at its end", i, g.end, si->duration);
            g.end = si->duration;
        }
        VxTlSeg *s = &tl->segs[tl->n_segs++];
        s->src_start = g.start;
        s->src_end = g.end;
        s->speed = g.speed;
        s->fade = g.transition == VX_TRANS_FADE_BLACK ? g.tr_duration : 0;
        s->xfade = g.transition == VX_TRANS_CROSSFADE ? g.tr_duration : 0;
        tl->fades |= s->fade > 0;
        tl->xfades |= s->xfade > 0;
        s->out_start = out - s->xfade; /* a cross-fade overlaps the range before */
        out = s->out_start + (g.end - g.start) / g.speed;
        s->out_end = out;
        s->audio_keep = g.audio == VX_SEG_AUDIO_KEEP ||
                        (g.audio == VX_SEG_AUDIO_AUTO && g.speed >= 0.5 - 1e-9 &&
                         g.speed <= 2 + 1e-9);
    }
    /* each fade lies half in the range before the cut, half in its own; a cross-fade wholly in
     * both; the transitions into and out of one range do not meet */
    for (int i = 0; i < tl->n_segs; i++) {
        const VxTlSeg *s = &tl->segs[i];
        const VxTlSeg *nx = i + 1 < tl->n_segs ? &tl->segs[i + 1] : NULL;
        const double in = s->fade / 2 + s->xfade, out_ = nx ? nx->fade / 2 + nx->xfade : 0;
        if (in + out_ > s->out_end - s->out_start + 1e-9) {
            int ret = vx_fail(ctx, VX_ERR(EINVAL), "timeline[%d].transition: the transitions at "
                              "its ends (%g s in, %g s out of the range; a fade to black lies "
                              "half in it, a cross-fade wholly) do not fit in the range's %.3f s "
                              "of output", in > 0 ? i : i + 1, in, out_,
                              s->out_end - s->out_start);
            vx_timeline_free(tl);
            return ret;
        }
    }
    tl->duration = out;
    double frames = floor(out * vx_q2d(tl->fps) + 0.5);
    tl->frames = frames < 1 ? 1 : (int64_t)frames;
    return 0;
}

double vx_timeline_time(const VxTimeline *tl, int64_t n)
{
    return n * ((double)tl->fps.den / tl->fps.num); /* n / fps, as n * (1 / fps) */
}

double vx_timeline_src_time(const VxTimeline *tl, double t, int *seg)
{
    int i = 0;
    while (i + 1 < tl->n_segs && t >= tl->segs[i].out_end - 1e-9)
        i++;
    const VxTlSeg *s = &tl->segs[i];
    if (seg)
        *seg = i;
    double r = s->src_start + (t - s->out_start) * s->speed;
    return r < s->src_start ? s->src_start : r;
}

double vx_timeline_fade(const VxTlSeg *segs, int n_segs, double t)
{
    /* the fades do not meet, so only the cuts on either side of t can darken it: the start of
     * the first range starting after t (segs are in output order) and of the one before */
    int lo = 1, hi = n_segs;
    while (lo < hi) {
        const int m = lo + (hi - lo) / 2;
        if (segs[m].out_start > t)
            hi = m;
        else
            lo = m + 1;
    }
    for (int i = lo - 1; i <= lo; i++) {
        if (i < 1 || i >= n_segs)
            continue;
        const double h = segs[i].fade / 2, d = fabs(t - segs[i].out_start);
        if (h > 0 && d < h)
            return d / h;
    }
    return 1;
}

int vx_timeline_crossfade(const VxTimeline *tl, double t, int *seg, double *w)
{
    int lo = 1, hi = tl->n_segs; /* the first range starting after t */
    while (lo < hi) {
        const int m = lo + (hi - lo) / 2;
        if (tl->segs[m].out_start > t)
            hi = m;
        else
            lo = m + 1;
    }
    const int i = lo - 1;
    if (i < 1 || !(tl->segs[i].xfade > 0) || t >= tl->segs[i - 1].out_end)
        return 0;
    *seg = i;
    *w = (t - tl->segs[i].out_start) / tl->segs[i].xfade;
    return 1;
}

double vx_timeline_range_time(const VxTimeline *tl, int seg, double t)
{
    const VxTlSeg *s = &tl->segs[seg];
    double r = s->src_start + (t - s->out_start) * s->speed;
    return r < s->src_start ? s->src_start : r;
}

/* 1 when range seg is seen on output frame n: the range vx_timeline_src_time picks, or the
 * incoming side of a cross-fade once its weight is above 0 (on the fade's first frame it is
 * mixed in at 0: only the outgoing side is seen). */
static int range_shown(const VxTimeline *tl, int seg, int64_t n)
{
    const double t = vx_timeline_time(tl, n);
    int s, x;
    double w;
    vx_timeline_src_time(tl, t, &s);
    return s == seg || (tl->xfades && vx_timeline_crossfade(tl, t, &x, &w) && x == seg && w > 0);
}

/* The first frame of [lo, hi) whose recording time in range seg is >= r (hi: none); those
 * times do not decrease with n. */
static int64_t first_at(const VxTimeline *tl, int seg, int64_t lo, int64_t hi, double r)
{
    while (lo < hi) {
        const int64_t m = lo + (hi - lo) / 2;
        if (vx_timeline_range_time(tl, seg, vx_timeline_time(tl, m)) >= r)
            hi = m;
        else
            lo = m + 1;
    }
    return lo;
}

int vx_timeline_shown(const VxTimeline *tl, double a, double b, int64_t (*runs)[2])
{
    int n = 0;
    const double fps = vx_q2d(tl->fps);
    for (int i = 0; i < tl->n_segs && b > a; i++) {
        const VxTlSeg *s = &tl->segs[i];
        if (s->src_end <= a || s->src_start >= b)
            continue;
        /* the frames range i is shown on: near its output span, then exactly */
        int64_t f0 = (int64_t)floor(s->out_start * fps) - 2, f1 = (int64_t)ceil(s->out_end * fps) + 2;
        f0 = f0 < 0 ? 0 : f0;
        f1 = f1 > tl->frames ? tl->frames : f1;
        while (f0 < f1 && !range_shown(tl, i, f0))
            f0++;
        while (f1 > f0 && !range_shown(tl, i, f1 - 1))
            f1--;
        const int64_t r0 = first_at(tl, i, f0, f1, a), r1 = first_at(tl, i, r0, f1, b);
        if (r0 < r1)
            runs[n][0] = r0, runs[n][1] = r1, n++;
    }
    /* in output order (a cross-fade's incoming range may start before the one before ends),
     * touching or overlapping runs merged */
    for (int i = 1; i < n; i++)
        for (int j = i; j > 0 && runs[j][0] < runs[j - 1][0]; j--) {
            const int64_t t0 = runs[j][0], t1 = runs[j][1];
            runs[j][0] = runs[j - 1][0], runs[j][1] = runs[j - 1][1];
            runs[j - 1][0] = t0, runs[j - 1][1] = t1;
        }
    int m = 0;
    for (int i = 0; i < n; i++) {
        if (m && runs[i][0] <= runs[m - 1][1]) {
            if (runs[i][1] > runs[m - 1][1])
                runs[m - 1][1] = runs[i][1];
        } else {
            runs[m][0] = runs[i][0], runs[m][1] = runs[i][1], m++;
        }
    }
    return m;
}

void vx_timeline_free(VxTimeline *tl)
{
    free(tl->segs);
    tl->segs = NULL;
    tl->n_segs = 0;
}
