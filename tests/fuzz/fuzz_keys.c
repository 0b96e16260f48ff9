/* libFuzzer target: the keystroke track parser (src/keys_track.c, docs/keys-track.md) on
 * arbitrary bytes. Any input must give either key-downs that keep the parser's promises or an
 * error with a message, never a crash, a leak or undefined behaviour. Seeds:
 * tests/fuzz/corpus/keys/. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "keys_track.h"
#include "fuzz_ctx.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    VxContext *ctx = fuzz_ctx();
    VxKeyEv *ev = NULL;
    int n = -1;
    int ret = vx_keys_track_parse(ctx, "fuzz.jsonl", (const char *)data, size, &ev, &n);
    if (ret < 0) {
        /* an error: "fuzz.jsonl:LINE: ...", and nothing returned */
        if (ev || n || strncmp(vx_last_error(ctx), "fuzz.jsonl:", 11))
            abort();
        return 0;
    }
    if (n < 0 || (n > 0 && !ev))
        abort();
    for (int i = 0; i < n; i++) {
        /* what the keys layer relies on: times in range and not decreasing, a named key's
         * index in the table, a character that is one printable code point */
        const VxKeyEv *e = &ev[i];
        if (!(e->t >= 0 && e->t <= 86400) || (i && e->t < ev[i - 1].t))
            abort();
        if (e->mods & ~(VX_KEY_CTRL | VX_KEY_ALT | VX_KEY_SHIFT | VX_KEY_CMD | VX_KEY_FN))
            abort();
        if (e->named < -2 || e->named >= VX_KEY_N_NAMED)
            abort();
        if (e->named == -1) {
            size_t len = strnlen(e->ch, sizeof(e->ch));
            if (!len || len == sizeof(e->ch) ||
                vx_utf8_len((const unsigned char *)e->ch, len) != (int)len ||
                (unsigned char)e->ch[0] < 0x20 || e->ch[0] == 0x7f)
                abort();
        }
    }
    free(ev);
    return 0;
}
