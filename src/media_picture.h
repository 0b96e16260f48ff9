/* Pictures (picture.h) to and from AVFrames, without copying (media_picture.c). */
#ifndef VX_MEDIA_PICTURE_H
#define VX_MEDIA_PICTURE_H

#include <libavutil/frame.h>

#include "picture.h"

/* dst shows f's planes and holds a reference to f's buffers; its id is f's buffer, so two
 * wraps of one decoded frame are the same picture. 0 or a negative error. */
int vx_picture_from_frame(VxPicture *dst, const AVFrame *f);
/* A new AVFrame (NV12 or I420, limited range, tagged with p's matrix, left chroma) over p's
 * buffer, holding a reference to it. 0 or a negative error. */
int vx_picture_to_frame(const VxPicture *p, AVFrame **out);
/* f's colour tags for the output matrix (VxMatrix): limited range, BT.709 or BT.601, left
 * chroma (what every export writes). */
void vx_frame_set_color(AVFrame *f, int matrix);


/* A picture over f's planes without a reference (f must outlive it): tests, and drawing
 * into a frame that stays where it is. */
static inline VxPicture vx_picture_borrow(const AVFrame *f)
{
    VxPicture p = {{f->data[0], f->data[1], f->data[2]},
                   {f->linesize[0], f->linesize[1], f->linesize[2]},
                   f->width, f->height,
                   f->format == AV_PIX_FMT_NV12 ? VX_LAYOUT_NV12 : VX_LAYOUT_PLANAR,
                   f->format == AV_PIX_FMT_YUV444P ? 0 : 1,
                   f->format == AV_PIX_FMT_YUV420P || f->format == AV_PIX_FMT_NV12 ? 1 : 0,
                   0, 0, NULL, f->buf[0] ? (const void *)f->buf[0]->buffer : NULL};
    if (p.layout == VX_LAYOUT_NV12)
        p.data[2] = p.data[1] + 1, p.stride[2] = p.stride[1];
    return p;
}
/* &(a picture over f's planes), valid to the end of the enclosing block. */
#define VX_BORROW(f) (&(VxPicture[1]){vx_picture_borrow(f)}[0])

#endif
