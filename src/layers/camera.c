/* The camera layer: the webcam bubble blended over everything below it, with its shadow, in
 * slices of rows. camera.c decodes the camera on its own thread and renders the bubble's
 * pictures (scaled, mirrored, bordered) and its masks; this draws them. Still while the
 * camera's picture stays the same.
 *
 * While "scenes" animate from one layout to another (vx_scenes_transition), the compositor of
 * the default layout draws (into or out of "split", the slide stack: layers/slide.c), and this
 * layer moves the camera between the two layouts' boxes: the bubble, the whole output
 * ("camera"), nothing at the bubble's centre ("screen") or the camera's cell ("split"), the
 * box and its corner radius interpolated (docs/project-format.md, "Scenes"). */
#include <stdlib.h>
#include <string.h>

#include "../camera.h"
#include "../layer.h"

typedef struct CameraLayer {
    VxCamera *cam;
    VxCameraPic pic; /* the picture of the output being drawn (begin) */
    /* scenes with transitions (else n_scenes 0): each layout's box x, y, w, h, r; whether
     * this output (moving) and the last drawn one (moved) are mid-transition, and the box */
    const VxSceneSpec *scenes;
    int n_scenes, moving, moved;
    double boxes[VX_SCENE_LAYOUTS][5], box[5];
    VxRect last; /* what the last drawn output covered */
} CameraLayer;

/* The box at progress e from layout a to b. */
static void lerp_box(const CameraLayer *c, int a, int b, double e, double *box)
{
    for (int k = 0; k < 5; k++)
        box[k] = c->boxes[a][k] + (c->boxes[b][k] - c->boxes[a][k]) * e;
}

static VxRect box_rect(const double *b)
{
    return (VxRect){(int)b[0] - 2, (int)b[1] - 2, (int)(b[0] + b[2]) + 3, (int)(b[1] + b[3]) + 3};
}

/* Blends the shadow and the bubble into luma rows [y0, y1) and chroma rows [c0, c1) of dst. */
static void blend_rows(const VxCameraShape *s, const VxCameraPic *p, const VxPicture *dst,
                       int y0, int y1, int c0, int c1)
{
    const int step = dst->layout == VX_LAYOUT_NV12 ? 2 : 1;
    const int CW = (s->W + 1) / 2, CH = (s->H + 1) / 2;
    const VxPlane y = {dst->data[0], dst->stride[0], 1, s->W, s->H};
    const VxPlane u = {dst->data[1], dst->stride[1], step, CW, CH};
    const VxPlane v = {step == 2 ? dst->data[1] + 1 : dst->data[2], dst->stride[step == 2 ? 1 : 2],
                       step, CW, CH};
    const VxBlendDSP *d = s->bdsp;
    if (s->has_shadow) {
        vx_mask_blend(d, s->sh_y, &y, s->sh_row_y, 0, 0, y0, y1);
        vx_mask_blend(d, s->sh_c, &u, s->sh_row_c, 0, 0, c0, c1);
        vx_mask_blend(d, s->sh_c, &v, s->sh_row_c, 0, 0, c0, c1);
    }
    vx_mask_blend(d, s->out_y, &y, p->y, p->ys, 1, y0, y1);
    vx_mask_blend(d, s->out_c, &u, p->u, p->cs, 1, c0, c1);
    vx_mask_blend(d, s->out_c, &v, p->v, p->cs, step == 1, c0, c1); /* NV12: u copied both */
}

int vx_camera_draw(VxCamera *c, double t, VxPicture *dst)
{
    if (!c || !dst)
        return VX_ERR(EINVAL);
    const VxCameraShape *s = vx_camera_shape(c);
    if (dst->w != s->W || dst->h != s->H || dst->sub_x != 1 || dst->sub_y != 1)
        return VX_ERR(EINVAL);
    VxCameraPic p;
    int ret = vx_camera_picture(c, t, dst->layout, &p);
    if (ret < 0)
        return ret;
    blend_rows(s, &p, dst, 0, s->H, 0, (s->H + 1) / 2);
    return 0;
}

static void camera_close(VxLayer *ly);

static int camera_open(VxLayer *ly, const VxLayerOpen *o)
{
    if (!o->p->camera.path)
        return 0;
    CameraLayer *c = calloc(1, sizeof(*c));
    if (!c)
        return VX_ERR(ENOMEM);
    VxCameraOpts opts = o->p->camera;
    for (int i = 0; i < o->p->n_scenes; i++)
        opts.keep_frames |= o->p->scenes[i].transition > 0;
    int ret = vx_camera_open(o->ctx, &opts, o->l->W, o->l->H, o->l->matrix, &c->cam);
    if (ret < 0) {
        free(c);
        return ret;
    }
    ly->priv = c;
    ly->outside = vx_camera_rect(c->cam); /* in output pixels: it may leave the screen */
    ly->sliced = 1;
    if (opts.keep_frames) {
        c->scenes = o->p->scenes, c->n_scenes = o->p->n_scenes;
        double *d = c->boxes[VX_SCENE_DEFAULT];
        vx_camera_bubble(c->cam, d);
        const double s[5] = {d[0] + d[2] / 2, d[1] + d[3] / 2, 0, 0, 0};
        const double f[5] = {0, 0, o->l->W & ~1, o->l->H & ~1, 0};
        memcpy(c->boxes[VX_SCENE_SCREEN], s, sizeof(s));
        memcpy(c->boxes[VX_SCENE_CAMERA], f, sizeof(f));
        VxLayout split;
        VxCameraOpts cell;
        int split_used = 0;
        for (int i = 0; i < o->p->n_scenes; i++)
            split_used |= o->p->scenes[i].layout == VX_SCENE_SPLIT;
        if (split_used &&
            (ret = vx_scene_layout(o->ctx, o->p, o->base ? o->base : o->l, VX_SCENE_SPLIT,
                                   &split, &cell)) < 0) {
            camera_close(ly);
            return ret;
        }
        if (split_used) {
            const int m = cell.bw < cell.bh ? cell.bw : cell.bh;
            const double k[5] = {cell.bx, cell.by, cell.bw, cell.bh, cell.radius * m};
            memcpy(c->boxes[VX_SCENE_SPLIT], k, sizeof(k));
        }
        /* a pooled output may hold the camera anywhere: what lies outside the screen comes
         * back from the static picture */
        ly->outside = (VxRect){0, 0, o->l->W, o->l->H};
    }
    return 0;
}

static int camera_changes(VxLayer *ly, const VxLayerFrame *fr, VxRect *r, int max)
{
    CameraLayer *c = ly->priv;
    int a, b;
    double e;
    c->moving = c->n_scenes &&
                vx_scenes_transition(c->scenes, c->n_scenes, fr->t_rec, &a, &b, &e);
    if (c->moving)
        lerp_box(c, a, b, e, c->box);
    int ret = vx_camera_advance(c->cam, fr->t_rec, fr->stat->layout);
    if (ret < 0 || (!ret && !c->moving && !c->moved))
        return ret;
    if (max < 1)
        return VX_ERR(EINVAL);
    r[0] = c->moving ? box_rect(c->box) : vx_camera_rect(c->cam);
    vx_rect_union(&r[0], c->last.x0, c->last.y0, c->last.x1, c->last.y1);
    return 1;
}

static int camera_begin(VxLayer *ly, const VxLayerFrame *fr)
{
    CameraLayer *c = ly->priv;
    c->moved = c->moving;
    if (c->moving) /* drawn whole here, on the compositor's thread; draw does nothing */
        return vx_camera_draw_box(c->cam, fr->t_rec, c->box, fr->dst, &c->last);
    c->last = vx_camera_rect(c->cam);
    return vx_camera_picture(c->cam, fr->t_rec, fr->dst->layout, &c->pic);
}

static void camera_draw(VxLayer *ly, const VxLayerFrame *fr, int phase, int i, int k)
{
    (void)phase;
    const CameraLayer *c = ly->priv;
    if (c->moving)
        return;
    const VxCameraShape *s = vx_camera_shape(c->cam);
    int y0, y1, c0, c1;
    vx_slice_rows(s->H, i, k, &y0, &y1);
    vx_slice_rows((s->H + 1) / 2, i, k, &c0, &c1);
    blend_rows(s, &c->pic, fr->dst, y0, y1, c0, c1);
}

static int camera_end(VxLayer *ly, const VxLayerFrame *fr, VxRect *drawn)
{
    (void)fr;
    const CameraLayer *c = ly->priv;
    *drawn = c->last;
    return 0;
}

static void camera_close(VxLayer *ly)
{
    CameraLayer *c = ly->priv;
    if (c)
        vx_camera_free(&c->cam);
    free(c);
    ly->priv = NULL;
}

const VxLayerClass vx_layer_camera = {
    .name = "camera",
    .open = camera_open,
    .changes = camera_changes,
    .begin = camera_begin,
    .phases = 1,
    .draw = camera_draw,
    .end = camera_end,
    .close = camera_close,
};
