/* Zoom path: the part of the recording shown in the screen rectangle at each recording time
 * (docs/project-format.md, "Zoom").
 *
 * A segment is fully in between its start and end and eases in over `transition` seconds
 * before the start and out over as long after the end. The view is interpolated between the
 * whole recording and the segment's target rectangle, so it is fractional: the scaler takes
 * fractional offsets and the motion is sub-pixel smooth. A "follow the cursor" target is
 * computed once, at a fixed rate, so the path does not depend on the output frame rate. */
#include <math.h>
#include <stdlib.h>

#include "zoom.h"

#define FOLLOW_HZ 240.0

typedef struct Follow {
    double t0;     /* time of sample 0 */
    int n;
    double *cx, *cy; /* view centre per sample */
} Follow;

struct VxZoomPath {
    const VxZoom *z;
    int n;
    double sw, sh;
    Follow *follow; /* per segment (FOLLOW only) */
};

/* The w x h view centred as near (cx, cy) as the recording allows. */
static VxZoomView centred(double cx, double cy, double w, double h, double sw, double sh)
{
    if (w > sw)
        w = sw;
    if (h > sh)
        h = sh;
    double x = cx - w / 2, y = cy - h / 2;
    x = x < 0 ? 0 : x > sw - w ? sw - w : x;
    y = y < 0 ? 0 : y > sh - h ? sh - h : y;
    return (VxZoomView){x, y, w, h};
}

/* A critically damped (or, with less damping, springy) approach of x to target over dt. */
static void spring_step(double *x, double *v, double target, double k, double c, double dt)
{
    /* semi-implicit Euler in small sub-steps: stable for the documented ranges */
    const int sub = 4;
    const double h = dt / sub;
    for (int i = 0; i < sub; i++) {
        *v += (k * (target - *x) - c * *v) * h;
        *x += *v * h;
    }
}

/* A spring only approaches its target: after a glide the view would keep creeping by
 * invisible amounts for about a second, and every one of those frames is a new picture to
 * compose and encode. Within `rest` of the target and slower than `rest` a sample, it stops
 * there exactly. */
static void settle(double *x, double *v, double target, double rest)
{
    if (fabs(*x - target) < rest && fabs(*v) / FOLLOW_HZ < rest)
        *x = target, *v = 0;
}

static int follow_build(const VxZoom *z, double sw, double sh, VxCursorPosFn pos, void *opaque,
                        Follow *f)
{
    const double t0 = z->start - z->transition, t1 = z->end + z->transition;
    f->t0 = t0;
    f->n = (int)ceil((t1 - t0) * FOLLOW_HZ) + 2;
    f->cx = malloc(sizeof(double) * (size_t)f->n);
    f->cy = malloc(sizeof(double) * (size_t)f->n);
    if (!f->cx || !f->cy)
        return VX_ERR(ENOMEM);
    const double w = sw / z->scale, h = sh / z->scale;
    double px = sw / 2, py = sh / 2, tx, ty;
    int vis = 0;
    pos(opaque, t0, &px, &py, &vis);
    VxZoomView v0 = centred(px, py, w, h, sw, sh);
    tx = v0.x + w / 2, ty = v0.y + h / 2;
    double x = tx, y = ty, vx = 0, vy = 0;
    const double dzx = z->dead_zone * w / 2, dzy = z->dead_zone * h / 2;
    /* 1/50000 of the view: under 0.07 px of a 3380-px screen rectangle */
    const double rest = w / 50000;
    for (int i = 0; i < f->n; i++) {
        const double t = t0 + i / FOLLOW_HZ;
        double qx = px, qy = py;
        pos(opaque, t, &qx, &qy, &vis);
        if (vis)
            px = qx, py = qy;
        /* the target moves only when the cursor leaves the dead zone around it, and only as
         * far as brings the cursor back to the zone's edge */
        if (px > tx + dzx)
            tx = px - dzx;
        else if (px < tx - dzx)
            tx = px + dzx;
        if (py > ty + dzy)
            ty = py - dzy;
        else if (py < ty - dzy)
            ty = py + dzy;
        VxZoomView c = centred(tx, ty, w, h, sw, sh);
        tx = c.x + w / 2, ty = c.y + h / 2;
        if (i)
            spring_step(&x, &vx, tx, z->stiffness, z->damping, 1 / FOLLOW_HZ),
            spring_step(&y, &vy, ty, z->stiffness, z->damping, 1 / FOLLOW_HZ);
        settle(&x, &vx, tx, rest), settle(&y, &vy, ty, rest);
        f->cx[i] = x, f->cy[i] = y;
    }
    return 0;
}

int vx_zoom_path_create(VxContext *ctx, const VxProject *p, int sw, int sh, VxCursorPosFn pos,
                        void *opaque, VxZoomPath **out)
{
    *out = NULL;
    if (!p->n_zooms)
        return 0;
    VxZoomPath *zp = calloc(1, sizeof(*zp));
    if (!zp)
        return VX_ERR(ENOMEM);
    zp->z = p->zooms, zp->n = p->n_zooms, zp->sw = sw, zp->sh = sh;
    int ret = 0;
    for (int i = 0; i < p->n_zooms && ret >= 0; i++) {
        const VxZoom *z = &p->zooms[i];
        if (z->mode == VX_ZOOM_RECT &&
            (z->x < 0 || z->y < 0 || z->x + z->w > sw + 1e-6 || z->y + z->h > sh + 1e-6))
            ret = vx_fail(ctx, VX_ERR(EINVAL), "zoom[%d].rect: [%g, %g, %g, %g] is outside the "
                          "recording (%dx%d)", i, z->x, z->y, z->w, z->h, sw, sh);
        else if (z->mode == VX_ZOOM_CENTER &&
                 (z->cx < 0 || z->cy < 0 || z->cx > sw || z->cy > sh))
            ret = vx_fail(ctx, VX_ERR(EINVAL), "zoom[%d].center: (%g, %g) is outside the "
                          "recording (%dx%d)", i, z->cx, z->cy, sw, sh);
    }
    if (ret >= 0 && !(zp->follow = calloc((size_t)p->n_zooms, sizeof(*zp->follow))))
        ret = VX_ERR(ENOMEM);
    for (int i = 0; i < p->n_zooms && ret >= 0; i++)
        if (p->zooms[i].mode == VX_ZOOM_FOLLOW)
            ret = pos ? follow_build(&p->zooms[i], sw, sh, pos, opaque, &zp->follow[i])
                      : vx_fail(ctx, VX_ERR(EINVAL), "zoom[%d]: following the cursor needs a "
                                "cursor track", i);
    if (ret < 0) {
        vx_zoom_path_free(&zp);
        return ret;
    }
    *out = zp;
    return 0;
}

/* Eased progress for a in [0, 1]. */
static double ease(const VxZoom *z, double a)
{
    a = a < 0 ? 0 : a > 1 ? 1 : a;
    switch (z->ease) {
    case VX_EASE_LINEAR:
        return a;
    case VX_EASE_SPRING: {
        /* response of a mass-spring-damper (mass 1) to a unit step, scaled so that it ends
         * exactly at 1 when the transition does */
        const double w = sqrt(z->stiffness), zeta = z->damping / (2 * w), T = z->transition;
        double r[2];
        for (int k = 0; k < 2; k++) {
            const double t = (k ? 1 : a) * T;
            if (zeta >= 1) {
                r[k] = 1 - (1 + w * t) * exp(-w * t);
            } else {
                const double wd = w * sqrt(1 - zeta * zeta);
                r[k] = 1 - exp(-zeta * w * t) * (cos(wd * t) + zeta * w / wd * sin(wd * t));
            }
        }
        return r[1] > 0 ? r[0] / r[1] : a;
    }
    default:
        return vx_ease_in_out(a);
    }
}

/* The fully zoomed-in view of segment i at time t. */
static VxZoomView target(const VxZoomPath *zp, int i, double t)
{
    const VxZoom *z = &zp->z[i];
    const double sw = zp->sw, sh = zp->sh;
    if (z->mode == VX_ZOOM_RECT) {
        /* grown to the recording's aspect around its centre */
        double w = z->w, h = z->h;
        if (w / h < sw / sh)
            w = h * sw / sh;
        else
            h = w * sh / sw;
        return centred(z->x + z->w / 2, z->y + z->h / 2, w, h, sw, sh);
    }
    const double w = sw / z->scale, h = sh / z->scale;
    if (z->mode == VX_ZOOM_CENTER)
        return centred(z->cx, z->cy, w, h, sw, sh);
    const Follow *f = &zp->follow[i];
    double u = (t - f->t0) * FOLLOW_HZ;
    u = u < 0 ? 0 : u > f->n - 1 ? f->n - 1 : u;
    int k = (int)u;
    if (k >= f->n - 1)
        k = f->n - 2;
    const double a = u - k;
    return centred(f->cx[k] + a * (f->cx[k + 1] - f->cx[k]),
                   f->cy[k] + a * (f->cy[k + 1] - f->cy[k]), w, h, sw, sh);
}

void vx_zoom_path_view(const VxZoomPath *zp, double t, VxZoomView *v)
{
    *v = (VxZoomView){0, 0, zp->sw, zp->sh};
    for (int i = 0; i < zp->n; i++) {
        const VxZoom *z = &zp->z[i];
        if (t < z->start - z->transition || t > z->end + z->transition)
            continue;
        double e = 1;
        if (t < z->start)
            e = ease(z, z->transition > 0 ? (t - (z->start - z->transition)) / z->transition : 1);
        else if (t > z->end)
            e = ease(z, z->transition > 0 ? (z->end + z->transition - t) / z->transition : 1);
        if (e <= 0)
            return;
        const VxZoomView g = target(zp, i, t);
        /* the scale moves linearly in log space would look steadier, but a linear blend of
         * the rectangle keeps the edges' motion monotone and is what the tests pin down */
        v->x = e * g.x;
        v->y = e * g.y;
        v->w = zp->sw + e * (g.w - zp->sw);
        v->h = zp->sh + e * (g.h - zp->sh);
        return;
    }
}

void vx_zoom_path_free(VxZoomPath **pzp)
{
    if (!pzp || !*pzp)
        return;
    VxZoomPath *zp = *pzp;
    for (int i = 0; zp->follow && i < zp->n; i++)
        free(zp->follow[i].cx), free(zp->follow[i].cy);
    free(zp->follow);
    free(zp);
    *pzp = NULL;
}

/* True when [a0, a1] and [b0, b1] share more than a point. */
static int overlaps(double a0, double a1, double b0, double b1)
{
    return a0 < b1 - 1e-9 && b0 < a1 - 1e-9;
}

int vx_auto_zoom(const VxAutoZoomOpts *o, const VxClick *clicks, int n_clicks,
                 const VxZoom *manual, int n_manual, int sw, int sh, VxZoom **out,
                 int *n_out)
{
    *out = NULL, *n_out = 0;
    if (!o->on || n_clicks <= 0)
        return 0;
    VxZoom *z = calloc((size_t)n_clicks, sizeof(*z));
    if (!z)
        return VX_ERR(ENOMEM);
    const double tr = o->transition;
    int n = 0;
    for (int i = 0; i < n_clicks;) {
        /* a group: the next click joins while it is at most `merge` after the last one, or
         * while its own segment would overlap this one's (transitions included) */
        int j = i + 1;
        while (j < n_clicks && (clicks[j].t - clicks[j - 1].t <= o->merge + 1e-9 ||
                                clicks[j].t - o->before - tr <
                                    clicks[j - 1].t + o->after + tr - 1e-9))
            j++;
        double sx = 0, sy = 0;
        for (int k = i; k < j; k++)
            sx += clicks[k].x, sy += clicks[k].y;
        VxZoom s = {0};
        s.mode = VX_ZOOM_CENTER;
        s.start = clicks[i].t - o->before;
        s.start = s.start < 0 ? 0 : s.start;
        s.end = clicks[j - 1].t + o->after;
        s.cx = sx / (j - i), s.cy = sy / (j - i);
        s.cx = s.cx < 0 ? 0 : s.cx > sw ? sw : s.cx;
        s.cy = s.cy < 0 ? 0 : s.cy > sh ? sh : s.cy;
        s.scale = o->scale, s.transition = tr, s.ease = o->ease;
        s.stiffness = o->stiffness, s.damping = o->damping, s.dead_zone = 0.5;
        int clash = 0;
        for (int m = 0; m < n_manual && !clash; m++)
            clash = overlaps(s.start - tr, s.end + tr, manual[m].start - manual[m].transition,
                             manual[m].end + manual[m].transition);
        if (!clash)
            z[n++] = s;
        i = j;
    }
    if (!n) {
        free(z);
        return 0;
    }
    *out = z, *n_out = n;
    return 0;
}
