/* Soft captions (docs/project-format.md, "Captions"): the cues of sources.captions placed on
 * the output's timeline (vx_timeline_shown), for a subtitle track in the output (mux side:
 * soft_track.c) and a sidecar .srt/.vtt beside it, written to SIDECAR.partial and renamed
 * only when the export completes. FFmpeg-free. */
#ifndef VX_SOFT_H
#define VX_SOFT_H

#include <stdint.h>

#include "internal.h"
#include "project.h"
#include "timeline.h"

struct json_object;

typedef struct VxSoftCue {
    int64_t start_ms, end_ms; /* output time, ms: the output time of the cue's first frame and
                               * of the frame after its last, rounded down */
    char *text;               /* UTF-8, lines joined with '\n' */
} VxSoftCue;

typedef struct VxSoft {
    int track;          /* captions.soft */
    char language[4];   /* captions.language, ISO 639-2 ("und" when not given) */
    int sidecar;        /* captions.sidecar: 0 none, 1 "srt", 2 "vtt" */
    VxSoftCue *cues;    /* in output order, never overlapping */
    int n;
    char *side, *side_tmp; /* the sidecar's path, and its .partial */
    int committed;
} VxSoft;

/* Checks the soft-caption keys of the captions section (soft, sidecar, language): 0, or an
 * error naming the key. */
int vx_soft_check(VxContext *ctx, const char *file, struct json_object *section);
/* With captions.soft or captions.sidecar: *out with the cues on tl's output frames [0, end)
 * and the sidecar written to its .partial; NULL without either. Refused naming the key when
 * there is no sources.captions. */
int vx_soft_open(VxContext *ctx, const VxProject *p, const VxTimeline *tl, const char *output,
                 VxSoft **out);
/* Moves the sidecar into place (the export is complete). */
int vx_soft_commit(VxContext *ctx, VxSoft *s);
/* Frees s, removing the sidecar's .partial unless committed. */
void vx_soft_close(VxSoft **s);

#endif
