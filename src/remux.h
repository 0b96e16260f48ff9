/* Passthrough by stream copy: the whole recording (remux), or the kept ranges of its timeline
 * (remux-cuts), planned from the packets' timestamps and copied without decoding. */
#ifndef VX_REMUX_H
#define VX_REMUX_H

#include <stdatomic.h>

#include <libavcodec/avcodec.h>

#include "internal.h"
#include "mux.h"
#include "source_info.h"
#include "thread.h"
#include "timeline.h"

/* Which packets a stream copy of the timeline's kept ranges takes, and how it moves them. */
typedef struct VxCutPlan VxCutPlan;
/* Reads the recording's packet timestamps (no decoding) and plans the copy of tl's ranges
 * (video, and with `audio` the recording's own audio): every range at 1x, starting on a
 * keyframe, ending where no later frame is needed, the audio at each cut within a frame.
 * 0 with *out set (and what it copies logged), or 0 with *out = NULL and why naming what
 * stands in the way; < 0 on error. */
int vx_cuts_plan(VxContext *ctx, const char *path, const struct VxTimeline *tl,
                 const VxSourceInfo *si, int audio, VxCutPlan **out, char *why,
                 size_t why_len);

/* The packets vx_cuts_plan reads, in the order av_read_frame gives them. */
typedef struct VxCutVPkt {
    int64_t pts, dts, dur; /* video time base */
    int key;
} VxCutVPkt;
typedef struct VxCutAPkt {
    int64_t pts, dur;      /* audio time base, pts non-decreasing, dur > 0 */
} VxCutAPkt;
typedef struct VxCutPackets {
    VxCutVPkt *v;
    int64_t nv;
    VxCutAPkt *a;          /* na = 0: no audio is copied */
    int64_t na;
} VxCutPackets;
typedef struct VxCutTimes {
    AVRational vtb, atb;   /* the streams' time bases */
    AVRational fps;        /* the recording's (constant) frame rate */
    double duration;       /* of the recording, seconds */
} VxCutTimes;
/* The planning itself, from the packets' timestamps alone (no file): as vx_cuts_plan, the
 * plan's streams numbered 0 (video) and 1 (audio, -1 when none is kept), nothing logged. */
int vx_cuts_plan_packets(const VxCutPackets *pk, const VxCutTimes *ct,
                         const struct VxTimeline *tl, VxCutPlan **out, char *why,
                         size_t why_len);
/* The input stream copied as video (k = 0) or audio (k = 1); -1 = none. */
int vx_cuts_stream(const VxCutPlan *pl, int k);
/* Called for every packet of stream vx_cuts_stream(pl, k), in the order av_read_frame gives
 * them: 1 = keep it (its timestamps are moved into place), 0 = drop it. */
int vx_cuts_map(VxCutPlan *pl, int k, AVPacket *pkt);
/* 1 once every kept packet has been mapped. */
int vx_cuts_done(const VxCutPlan *pl);
/* Frames and seconds of the output video. */
void vx_cuts_summary(const VxCutPlan *pl, int64_t *frames, double *duration);
void vx_cuts_free(VxCutPlan **pl);

/* Progress of a copy: `frames` video packets of `total` written (`duration` seconds of
 * output in all); done = 1 once, after the file is finished. */
typedef void (*VxRemuxProgress)(void *opaque, int64_t frames, int64_t total, double duration,
                                int done);
/* Stream copy of the recording at path into mux (which has no streams yet): its video, and
 * its best audio stream when `audio`; with a plan, only the packets it keeps. Checks cancel
 * between packets (VX_ECANCELED). 0 or a negative error. */
int vx_remux_run(VxContext *ctx, const char *path, int audio, const VxSourceInfo *si,
                 VxMuxer *mux, VxCutPlan *plan, const VxCancel *cancel, VxRemuxProgress progress,
                 void *opaque);

#endif
