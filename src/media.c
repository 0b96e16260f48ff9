/* Opening containers for reading and writing (media.h). */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "averror.h"
#include "media.h"
#include "thread.h"

/* 1 when the file is an MP4/MOV (starts with an ftyp box) whose top-level boxes hold neither
 * a moov (the index) nor a moof (fragments): what a recorder leaves when it is killed before
 * it writes the index at the end. */
static int mp4_without_index(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return 0;
    int64_t pos = 0;
    int first = 1, index = 0, mp4 = 0;
    for (int n = 0; n < 10000; n++) {
        uint8_t h[16];
        if (fseeko(f, pos, SEEK_SET) != 0 || fread(h, 1, 8, f) != 8)
            break;
        uint64_t size = (uint64_t)h[0] << 24 | h[1] << 16 | h[2] << 8 | h[3];
        unsigned hdr = 8;
        if (first)
            mp4 = !memcmp(h + 4, "ftyp", 4);
        first = 0;
        if (!mp4)
            break;
        if (!memcmp(h + 4, "moov", 4) || !memcmp(h + 4, "moof", 4)) {
            index = 1;
            break;
        }
        if (size == 1) {
            if (fread(h + 8, 1, 8, f) != 8)
                break;
            size = 0;
            for (int i = 8; i < 16; i++)
                size = size << 8 | h[i];
            hdr = 16;
        }
        if (size == 0 || size < hdr || size > INT64_MAX - (uint64_t)pos)
            break; /* the box runs to the end of the file */
        pos += (int64_t)size;
    }
    fclose(f);
    return mp4 && !index;
}

/* The running job's cancel token (vx_cancel_current) as FFmpeg's interrupt callback: a
 * container opened during a job stops opening, reading or writing (AVERROR_EXIT) once the job
 * is cancelled, on whichever thread uses it. Nothing outside a job. */
static AVIOInterruptCB interrupt_cb(void)
{
    const VxCancel *c = vx_cancel_current();
    return (AVIOInterruptCB){c ? vx_cancel_interrupt_cb : NULL, (void *)c};
}

int vx_media_alloc_input(AVFormatContext **fmt)
{
    *fmt = avformat_alloc_context();
    if (!*fmt)
        return VX_ERR(ENOMEM);
    (*fmt)->interrupt_callback = interrupt_cb();
    return 0;
}

int vx_media_open_input(VxContext *ctx, const char *path, const char *what,
                        AVFormatContext **fmt)
{
    char eb[128];
    struct stat sb;
    if (vx_media_alloc_input(fmt) < 0)
        return VX_ERR(ENOMEM);
    const VxCancel *cancel = vx_cancel_current();
    const int ret = avformat_open_input(fmt, path, NULL, NULL); /* frees *fmt on failure */
    if (ret >= 0)
        return 0;
    if (vx_cancel_is_set(cancel))
        return VX_ECANCELED;
    if (ret == AVERROR(ENOENT))
        return vx_fail(ctx, VX_ERR(ENOENT), "%s: file not found", path);
    if (ret == AVERROR_INVALIDDATA && stat(path, &sb) == 0 && sb.st_size == 0)
        return vx_fail(ctx, VX_ERR(EINVAL), "%s: the file is empty (0 bytes)", path);
    if (ret == AVERROR_INVALIDDATA && mp4_without_index(path))
        return vx_fail(ctx, VX_ERR(EINVAL), "%s: no moov atom: the recording was not "
                       "finished (the recorder stopped before writing the index at the end "
                       "of the file), so its frames cannot be found; recorders that write "
                       "fragmented MP4 leave files that survive a crash", path);
    if (ret == AVERROR_INVALIDDATA)
        return vx_fail(ctx, VX_ERR(EINVAL), "%s: not %s vexport can read, or damaged (%s)",
                       path, what, vx_averr(ret, eb, sizeof(eb)));
    return vx_fail(ctx, vx_from_averror(ret), "%s: cannot open: %s", path,
                   vx_averr(ret, eb, sizeof(eb)));
}

int vx_media_open_output(VxContext *ctx, const char *name, const char *muxer,
                         const char *path, AVFormatContext **oc)
{
    char eb[128];
    *oc = NULL;
    const AVOutputFormat *of = av_guess_format(muxer, muxer ? NULL : name, NULL);
    if (!of)
        of = av_guess_format("mp4", NULL, NULL);
    int ret = avformat_alloc_output_context2(oc, of, NULL, path);
    if (ret < 0 || !*oc)
        return VX_ERR(ENOMEM);
    (*oc)->interrupt_callback = interrupt_cb();
    ret = avio_open2(&(*oc)->pb, path, AVIO_FLAG_WRITE, &(*oc)->interrupt_callback, NULL);
    if (ret < 0) {
        avformat_free_context(*oc);
        *oc = NULL;
        return vx_fail(ctx, vx_from_averror(ret), "%s: cannot write: %s", name,
                       vx_averr(ret, eb, sizeof(eb)));
    }
    return 0;
}

void vx_media_close_output(AVFormatContext **oc)
{
    if (!*oc)
        return;
    avio_closep(&(*oc)->pb);
    avformat_free_context(*oc);
    *oc = NULL;
}
