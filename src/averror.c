/* FFmpeg's error codes in our terms (the media side of log.c). */
#include <libavutil/error.h>

#include "averror.h"
#include "internal.h"

const char *vx_averr(int code, char *buf, size_t len)
{
    av_strerror(code, buf, len);
    return buf;
}

int vx_from_averror(int code)
{
    if (code >= 0)
        return 0;
    switch (code) {
    case AVERROR_INVALIDDATA:
    case AVERROR_DECODER_NOT_FOUND:
    case AVERROR_DEMUXER_NOT_FOUND:
    case AVERROR_STREAM_NOT_FOUND:
    case AVERROR_PATCHWELCOME:
        return VX_ERR(EINVAL);
    case AVERROR_ENCODER_NOT_FOUND:
    case AVERROR_MUXER_NOT_FOUND:
        return VX_ERR(ENOSYS);
    case AVERROR_EXIT:
        return VX_ECANCELED;
    default:
        /* AVERROR(e) is -e for errno values */
        return code > -4096 ? code : VX_ERR(EIO);
    }
}

