/* Timeline: output frame n -> source time. v1 maps the whole recording at constant fps. */
#include <math.h>

#include "internal.h"

int vx_timeline_init(VxContext *ctx, const VxProject *p, const VxSourceInfo *si, VxTimeline *tl)
{
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
    tl->duration = si->duration;
    double n = floor(si->duration * av_q2d(tl->fps) + 0.5);
    tl->frames = n < 1 ? 1 : (int64_t)n;
    return 0;
}

double vx_timeline_time(const VxTimeline *tl, int64_t n)
{
    return n * av_q2d(av_inv_q(tl->fps));
}
