/* libFuzzer target: the SRT / WebVTT parser (src/cues.c, sources.captions) on arbitrary bytes.
 * Any input must give either cues that keep the parser's promises or an error with a message,
 * never a crash, a leak or undefined behaviour. Seeds: tests/fuzz/corpus/cues/. Built by
 * tests/fuzz/run-fuzz.sh (libFuzzer) and, as a replay of the seeds and regressions, by every
 * build (tests/fuzz/meson.build). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cues.h"
#include "vexport/vexport.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static VxContext *ctx;
    if (!ctx) {
        VxSettings s;
        vx_default_settings(&s);
        if (vx_open(&ctx, &s) < 0)
            abort();
    }
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
    vx_cues_free(c, n);
    return 0;
}
