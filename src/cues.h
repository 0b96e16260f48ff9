/* The cues of an SRT or WebVTT file (sources.captions), read once: the captions layer burns
 * them in (layers/captions.c) and the export writes them as a soft track and a sidecar.
 * FFmpeg-free. */
#ifndef VX_CUES_H
#define VX_CUES_H

#include "internal.h"

typedef struct VxCue {
    double a, b; /* recording seconds, [a, b) */
    char *text;  /* UTF-8 as in the file, its lines joined with '\n' */
} VxCue;

/* Reads the SRT or WebVTT file: *cues (n of them, in file order), or an error naming the
 * file and line (not UTF-8, a malformed timing, no cue). */
int vx_cues_read(VxContext *ctx, const char *file, VxCue **cues, int *n);
/* The same for the file's bytes already in memory (data, size bytes; file names it in
 * errors). */
int vx_cues_parse(VxContext *ctx, const char *file, const char *data, size_t size, VxCue **cues,
                  int *n);
void vx_cues_free(VxCue *cues, int n);

#endif
