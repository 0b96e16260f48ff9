/* The output file (mux.c, the media side): written to OUT.partial, renamed when complete. */
#ifndef VX_MUX_H
#define VX_MUX_H

#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>

#include "internal.h"

typedef struct VxMuxer VxMuxer;
/* muxer: a libavformat short name, NULL = the one target's extension implies (MP4 if none) */
int vx_muxer_open(VxContext *ctx, const char *target, const char *muxer, VxMuxer **out);
const AVOutputFormat *vx_muxer_format(const VxMuxer *m);
int vx_muxer_add_video(VxMuxer *m, const AVCodecContext *enc);
/* A stream copied from (or encoded to) par, with time base tb. */
int vx_muxer_add_stream(VxMuxer *m, const AVCodecParameters *par, AVRational tb);
/* A tag written in the file's metadata (before vx_muxer_start), readable back by key. */
int vx_muxer_set_tag(VxMuxer *m, const char *key, const char *value);
int vx_muxer_start(VxMuxer *m);
struct VxSoft;
/* The soft captions' subtitle stream (before vx_muxer_start): mov_text in MP4 and MOV, WebVTT
 * in WebM, tagged with captions.language; its index, or an error naming captions.soft when
 * the container takes neither. */
int vx_muxer_add_captions(VxMuxer *m, const struct VxSoft *s);
/* Writes the soft captions' packets into stream idx (after vx_muxer_start). */
int vx_muxer_write_captions(VxMuxer *m, int idx, const struct VxSoft *s);
/* Writes a packet of stream idx (0 video, 1 audio), with pts in src_tb. */
int vx_muxer_write(VxMuxer *m, int idx, AVPacket *pkt, AVRational src_tb);
/* Finishes the file and renames it onto the target. */
int vx_muxer_finish(VxMuxer *m);
/* Removes the temporary unless finished. */
void vx_muxer_close(VxMuxer **m);

#endif
