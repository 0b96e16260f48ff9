/* The media side of the picture type (picture.h): decoded AVFrames wrapped as pictures and
 * pooled pictures wrapped as AVFrames for the encoder, both without copying a sample. */
#include <libavutil/buffer.h>
#include <libavutil/frame.h>
#include <libavutil/pixdesc.h>

#include "internal.h"
#include "media_picture.h"

static void frame_release(VxPicBuf *b)
{
    AVFrame *f = b->opaque;
    av_frame_free(&f);
    av_free(b);
}

int vx_picture_from_frame(VxPicture *dst, const AVFrame *f)
{
    memset(dst, 0, sizeof(*dst));
    const AVPixFmtDescriptor *d = av_pix_fmt_desc_get(f->format);
    if (!d || !f->buf[0])
        return VX_ERR(EINVAL);
    VxPicBuf *b = av_mallocz(sizeof(*b));
    AVFrame *ref = b ? av_frame_clone(f) : NULL;
    if (!ref) {
        av_free(b);
        return VX_ERR(ENOMEM);
    }
    atomic_init(&b->refs, 1);
    b->free = frame_release;
    b->opaque = ref;
    for (int i = 0; i < 3; i++)
        dst->data[i] = ref->data[i], dst->stride[i] = ref->linesize[i];
    dst->w = f->width, dst->h = f->height;
    dst->layout = f->format == AV_PIX_FMT_NV12 ? VX_LAYOUT_NV12 : VX_LAYOUT_PLANAR;
    if (dst->layout == VX_LAYOUT_NV12)
        dst->data[2] = dst->data[1] + 1, dst->stride[2] = dst->stride[1];
    dst->sub_x = d->log2_chroma_w, dst->sub_y = d->log2_chroma_h;
    dst->range = f->color_range == AVCOL_RANGE_JPEG ? VX_RANGE_FULL : VX_RANGE_LIMITED;
    dst->buf = b;
    dst->id = f->buf[0]->buffer;
    return 0;
}

static void picture_release(void *opaque, uint8_t *data)
{
    (void)data;
    VxPicBuf *b = opaque;
    vx_picbuf_unref(&b);
}

int vx_picture_to_frame(const VxPicture *p, AVFrame **out)
{
    *out = NULL;
    if (!p->buf)
        return VX_ERR(EINVAL);
    AVFrame *f = av_frame_alloc();
    if (!f)
        return VX_ERR(ENOMEM);
    atomic_fetch_add(&p->buf->refs, 1);
    f->buf[0] = av_buffer_create(p->buf->data, p->buf->size, picture_release, p->buf, 0);
    if (!f->buf[0]) {
        VxPicBuf *b = p->buf;
        vx_picbuf_unref(&b);
        av_frame_free(&f);
        return VX_ERR(ENOMEM);
    }
    const int nv12 = p->layout == VX_LAYOUT_NV12;
    f->format = nv12 ? AV_PIX_FMT_NV12 : AV_PIX_FMT_YUV420P;
    f->width = p->w;
    f->height = p->h;
    f->data[0] = p->data[0];
    f->linesize[0] = (int)p->stride[0];
    f->data[1] = p->data[1];
    f->linesize[1] = (int)p->stride[1];
    if (!nv12) {
        f->data[2] = p->data[2];
        f->linesize[2] = (int)p->stride[2];
    }
    vx_frame_set_color(f, p->matrix);
    *out = f;
    return 0;
}

void vx_frame_set_color(AVFrame *f, int matrix)
{
    const int bt709 = matrix == VX_MATRIX_BT709;
    f->color_range = AVCOL_RANGE_MPEG;
    f->colorspace = bt709 ? AVCOL_SPC_BT709 : AVCOL_SPC_SMPTE170M;
    f->color_primaries = bt709 ? AVCOL_PRI_BT709 : AVCOL_PRI_SMPTE170M;
    f->color_trc = bt709 ? AVCOL_TRC_BT709 : AVCOL_TRC_SMPTE170M;
    f->chroma_location = AVCHROMA_LOC_LEFT;
}
