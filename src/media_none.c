/* A build without the media side (-Dkernels_only=true: no FFmpeg): still images and the
 * camera recording cannot be read, and say so; everything else (the compositor, its layers,
 * the scene) works the same. */
#include "camera.h"
#include "image.h"

static int no_media(VxContext *ctx, const char *path)
{
    return vx_fail(ctx, VX_ERR(ENOSYS), "%s: cannot be read: this build has no media support "
                   "(FFmpeg)", path);
}

int vx_image_load(VxContext *ctx, const char *path, VxImage **out)
{
    *out = NULL;
    return no_media(ctx, path);
}

int vx_camera_open(VxContext *ctx, const VxCameraOpts *o, int W, int H, int matrix,
                   VxCamera **out)
{
    (void)W, (void)H, (void)matrix;
    *out = NULL;
    return no_media(ctx, o->path);
}

/* never reached: no camera opens */
VxRect vx_camera_rect(const VxCamera *c)
{
    (void)c;
    return (VxRect){0, 0, 0, 0};
}

int vx_camera_advance(VxCamera *c, double t, int layout)
{
    (void)c, (void)t, (void)layout;
    return VX_ERR(ENOSYS);
}

int vx_camera_picture(VxCamera *c, double t, int layout, VxCameraPic *pic)
{
    (void)c, (void)t, (void)layout, (void)pic;
    return VX_ERR(ENOSYS);
}

const VxCameraShape *vx_camera_shape(const VxCamera *c)
{
    (void)c;
    return NULL;
}

void vx_camera_bubble(const VxCamera *c, double box[5])
{
    (void)c;
    for (int i = 0; i < 5; i++)
        box[i] = 0;
}

int vx_camera_draw_box(VxCamera *c, double t, const double box[5], VxPicture *dst,
                       VxRect *drawn)
{
    (void)c, (void)t, (void)box, (void)dst;
    *drawn = (VxRect){0, 0, 0, 0};
    return VX_ERR(ENOSYS);
}

void vx_camera_free(VxCamera **c)
{
    *c = NULL;
}
