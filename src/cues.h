/* The cues of an SRT or WebVTT file (sources.captions), read once: the captions layer burns
 * them in (layers/captions.c) and the export writes them as a soft track and a sidecar.
 * FFmpeg-free. */
#ifndef VX_CUES_H
#define VX_CUES_H

#include <stdint.h>

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

/* Styles of the markup (docs/project-format.md, "Captions", Markup). */
enum { VX_CUE_B = 1, VX_CUE_I = 2, VX_CUE_U = 4, VX_CUE_S = 8 };
/* A cue's text as drawn: *plain, its markup taken out (<b> <i> <u> <s> kept as the styles of
 * its bytes in *sty, VX_CUE_*; other tags, WebVTT timestamps and {\...} blocks dropped),
 * the character references &amp; &lt; &gt; &quot; &apos; &nbsp; &lrm; &rlm; replaced, and
 * the lines left blank (empty or spaces) taken out. Both free(); an error only when out of
 * memory. */
int vx_cue_markup(const char *text, char **plain, uint8_t **sty);
/* The place a cue's first {\anN} block asks for (N: 1 to 9, ASS's numpad: 7 8 9 top, 1 2 3
 * bottom), 0 when it has none. */
int vx_cue_align(const char *text);
/* The WebVTT cue settings that place a cue as its first {\anN} asks ("line:0" for {\an8},
 * "line:0 align:left" for {\an7}, ...; "" without one, or for {\an2}). */
const char *vx_cue_vtt_settings(const char *text);
/* A cue's text for a soft track or sidecar (free(); NULL when out of memory): format 0 plain
 * (mov_text), 1 SRT (<b> <i> <u> <s> kept, and the cue's first {\anN} at its start), 2 WebVTT
 * (<b> <i> <u> kept, & < > escaped). */
char *vx_cue_text(const char *text, int format);

#endif
