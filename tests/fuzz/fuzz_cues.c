/* libFuzzer target: the SRT / WebVTT parser (src/cues.c, sources.captions) on arbitrary bytes,
 * and the cue markup (vx_cue_markup, vx_cue_text) on what it gives. Any input must give either
 * cues that keep the parser's promises or an error with a message,
 * never a crash, a leak or undefined behaviour. Seeds: tests/fuzz/corpus/cues/. Built by
 * tests/fuzz/run-fuzz.sh (libFuzzer) and, as a replay of the seeds and regressions, by every
 * build (tests/fuzz/meson.build). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cues.h"
#include "fuzz_ctx.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    VxContext *ctx = fuzz_ctx();
    VxCue *c = NULL;
    int n = -1;
    int ret = vx_cues_parse(ctx, "fuzz.srt", (const char *)data, size, &c, &n);
    if (ret < 0) {
        /* an error: a message naming the file, and nothing returned */
        if (c || n || strncmp(vx_last_error(ctx), "fuzz.srt", 8))
            abort();
        return 0;
    }
    if (!c || n < 1)
        abort();
    for (int i = 0; i < n; i++) {
        /* what the captions layer and the soft track rely on: a cue that starts at or after
         * 0 and ends after it starts, its text UTF-8 whose lines are not empty */
        if (!(c[i].a >= 0 && c[i].b > c[i].a) || !c[i].text)
            abort();
        const unsigned char *t = (const unsigned char *)c[i].text;
        size_t len = strlen(c[i].text);
        for (size_t k = 0; k < len;) {
            int l = vx_utf8_len(t + k, len - k);
            if (!l)
                abort();
            k += (size_t)l;
        }
        if (len && (t[0] == '\n' || t[len - 1] == '\n' || strstr(c[i].text, "\n\n")))
            abort();
    }
    /* the markup read (docs/project-format.md, "Markup"): what is drawn and what the soft
     * outputs write keeps UTF-8, has no empty line (which would end a cue in a sidecar), and
     * in WebVTT no "-->" and no bare '<' or '&' */
    for (int i = 0; i < n; i++) {
        char *plain;
        uint8_t *sty;
        if (vx_cue_markup(c[i].text, &plain, &sty) < 0)
            abort();
        const size_t pl = strlen(plain);
        for (size_t k = 0; k < pl; k++)
            if (sty[k] & ~(VX_CUE_B | VX_CUE_I | VX_CUE_U | VX_CUE_S))
                abort();
        free(plain), free(sty);
        const int an = vx_cue_align(c[i].text);
        if (an < 0 || an > 9)
            abort();
        for (int f = 0; f < 3; f++) {
            char *t = vx_cue_text(c[i].text, f);
            if (!t)
                abort();
            const size_t len = strlen(t);
            for (size_t k = 0; k < len;) {
                int l = vx_utf8_len((const unsigned char *)t + k, len - k);
                if (!l)
                    abort();
                k += (size_t)l;
            }
            if (len && (t[0] == '\n' || t[len - 1] == '\n' || strstr(t, "\n\n")))
                abort();
            if (!f && strlen(t) != pl)
                abort();
            if (f == 2) {
                if (strstr(t, "-->"))
                    abort();
                for (const char *q = t; (q = strchr(q, '<')); q++)
                    if (strncmp(q, "<b>", 3) && strncmp(q, "<i>", 3) && strncmp(q, "<u>", 3) &&
                        strncmp(q, "</b>", 4) && strncmp(q, "</i>", 4) && strncmp(q, "</u>", 4))
                        abort();
                for (const char *q = t; (q = strchr(q, '&')); q++)
                    if (strncmp(q, "&amp;", 5) && strncmp(q, "&lt;", 4) && strncmp(q, "&gt;", 4))
                        abort();
            }
            free(t);
        }
    }
    vx_cues_free(c, n);
    return 0;
}
