/* Timeline: output frame n -> output time -> recording time, through the kept ranges of the
 * recording (cuts) and their speeds. */
#include <math.h>
#include <stdlib.h>

#include "internal.h"

int vx_timeline_init(VxContext *ctx, const VxProject *p, const VxSourceInfo *si, VxTimeline *tl)
{
    tl->segs = NULL;
    tl->n_segs = 0;
    if (p->fps > 0) {
        tl->fps = av_d2q(p->fps, 1001000);
    } else {
        double f = av_q2d(si->fps);
        tl->fps = (si->fps.num > 0 && si->fps.den > 0 && f >= 1 && f <= 240)
                      ? av_d2q(f, 1001000)
                      : (AVRational){60, 1};
    }
    if (!(si->duration > 0))
        return vx_fail(ctx, VX_ERR(EINVAL), "%s: the recording's duration is unknown or zero",
                       p->screen);
    const int n = p->n_segs ? p->n_segs : 1;
    if (!(tl->segs = calloc((size_t)n, sizeof(*tl->segs))))
        return VX_ERR(ENOMEM);
    double out = 0;
    for (int i = 0; i < n; i++) {
        VxSegment g = p->n_segs ? p->segs[i] : (VxSegment){0, -1, 1, VX_SEG_AUDIO_AUTO};
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
        s->out_start = out;
        out += (g.end - g.start) / g.speed;
        s->out_end = out;
        s->audio_keep = g.audio == VX_SEG_AUDIO_KEEP ||
                        (g.audio == VX_SEG_AUDIO_AUTO && g.speed >= 0.5 - 1e-9 &&
                         g.speed <= 2 + 1e-9);
    }
    tl->duration = out;
    double frames = floor(out * av_q2d(tl->fps) + 0.5);
    tl->frames = frames < 1 ? 1 : (int64_t)frames;
    return 0;
}

double vx_timeline_time(const VxTimeline *tl, int64_t n)
{
    return n * av_q2d(av_inv_q(tl->fps));
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

void vx_timeline_free(VxTimeline *tl)
{
    free(tl->segs);
    tl->segs = NULL;
    tl->n_segs = 0;
}
