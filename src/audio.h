/* The export's audio (audio.c, the media side): copied, or laid on the timeline, mixed,
 * limited and encoded on a thread of its own. */
#ifndef VX_AUDIO_H
#define VX_AUDIO_H

#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>

#include "internal.h"
#include "project.h"
#include "source_info.h"

typedef struct VxAudio VxAudio;
/* Opens the project's audio (p->tracks, or the recording's own audio when audio_mode is
 * SOURCE), laid out on the timeline tl (cuts, speeds) and mixed: copied when nothing changes
 * the one track, else mixed, limited and encoded as AAC 48 kHz stereo (Opus where ofmt takes no AAC: WebM) on a thread of its own,
 * exactly tl->frames / tl->fps long (docs/project-format.md, Audio). si->start = seconds of
 * the screen's first frame in the recording's own timeline. *out = NULL (and 0 returned) when
 * the export has no audio. */
struct VxTimeline;
int vx_audio_open(VxContext *ctx, const VxProject *p, const VxSourceInfo *si,
                  const struct VxTimeline *tl, const AVOutputFormat *ofmt, VxAudio **out);
/* Parameters for the output stream. */
const AVCodecParameters *vx_audio_codecpar(const VxAudio *a);
AVRational vx_audio_time_base(const VxAudio *a);
/* Passes to cb (on the caller's thread) the packets, in time base vx_audio_time_base, with
 * pts < until seconds; waits for the mixing thread when it has not got that far. Once until is
 * past the end, everything has been passed. Returns 0 or the first error (cb's or the mix's). */
int vx_audio_pull(VxAudio *a, double until, int (*cb)(void *opaque, AVPacket *pkt),
                  void *opaque);
void vx_audio_close(VxAudio **a);

#endif
