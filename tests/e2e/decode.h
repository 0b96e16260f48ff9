/* Decoding one stream of a file, frame by frame, for the e2e checkers (FFmpeg only: shares no
 * code with the library it checks). Header-only; the checker defines CHECKER (its name, for
 * messages) before including it. */
#ifndef VX_E2E_DECODE_H
#define VX_E2E_DECODE_H

#include <stdio.h>
#include <string.h>

#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>

typedef struct Input {
    AVFormatContext *fmt;
    AVCodecContext *dec;
    AVPacket *pkt;
    int stream, flushed;
} Input;

/* Opens path's best stream of the type with its decoder: 0, or -1 (said on stderr). */
static int open_input(Input *in, const char *path, enum AVMediaType type)
{
    memset(in, 0, sizeof(*in));
    const AVCodec *codec = NULL;
    if (avformat_open_input(&in->fmt, path, NULL, NULL) < 0 ||
        avformat_find_stream_info(in->fmt, NULL) < 0 ||
        (in->stream = av_find_best_stream(in->fmt, type, -1, -1, &codec, 0)) < 0 ||
        !(in->dec = avcodec_alloc_context3(codec)) ||
        avcodec_parameters_to_context(in->dec, in->fmt->streams[in->stream]->codecpar) < 0 ||
        avcodec_open2(in->dec, codec, NULL) < 0 || !(in->pkt = av_packet_alloc())) {
        fprintf(stderr, "%s: %s: cannot open its %s\n", CHECKER, path,
                type == AVMEDIA_TYPE_VIDEO ? "video" : "audio");
        return -1;
    }
    return 0;
}

/* The next frame into f: 1, 0 at the end, -1 on error. */
static int next_frame(Input *in, AVFrame *f)
{
    for (;;) {
        int ret = avcodec_receive_frame(in->dec, f);
        if (ret == 0)
            return 1;
        if (ret == AVERROR_EOF)
            return 0;
        if (ret != AVERROR(EAGAIN))
            return -1;
        if (in->flushed)
            return 0;
        ret = av_read_frame(in->fmt, in->pkt);
        if (ret < 0) {
            in->flushed = 1;
            avcodec_send_packet(in->dec, NULL);
            continue;
        }
        if (in->pkt->stream_index == in->stream)
            avcodec_send_packet(in->dec, in->pkt);
        av_packet_unref(in->pkt);
    }
}

static void close_input(Input *in)
{
    av_packet_free(&in->pkt);
    avcodec_free_context(&in->dec);
    avformat_close_input(&in->fmt);
}

#endif
