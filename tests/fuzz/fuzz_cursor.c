/* libFuzzer target: the cursor track parser (src/cursor.c, docs/cursor-track.md) on arbitrary
 * bytes. Self-contained: needs only the library (static, for its internal symbols) and
 * -I src. Seeds: tests/fuzz/corpus/cursor/.
 *
 *   clang -g -fsanitize=fuzzer,address,undefined -Isrc -Iinclude -Ibuild/include \
 *       tests/fuzz/fuzz_cursor.c build/libvexport.a $(pkg-config --libs libavformat \
 *       libavcodec libavutil libswscale libswresample json-c) -lm -lpthread -o fuzz_cursor
 *
 * Built with -DVX_FUZZ_MAIN (no libFuzzer), it runs the files named on the command line once. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "cursor.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    VxCursorTrack *t = NULL;
    int ret = vx_cursor_track_parse(NULL, "fuzz.jsonl", (const char *)data, size, &t);
    if (ret == 0) {
        /* what the parser promises its users */
        if (!t || t->n_moves < 1)
            abort();
        for (int i = 1; i < t->n_moves; i++)
            if (!(t->moves[i].t > t->moves[i - 1].t))
                abort();
        for (int i = 1; i < t->n_buttons; i++)
            if (t->buttons[i].t < t->buttons[i - 1].t)
                abort();
        for (int i = 0; i < t->n_images; i++)
            if (t->images[i].image < -1 || t->images[i].image >= t->n_paths)
                abort();
    } else if (t) {
        abort();
    }
    vx_cursor_track_free(&t);
    return 0;
}

#ifdef VX_FUZZ_MAIN
int main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        FILE *f = fopen(argv[i], "rb");
        if (!f)
            return 1;
        static uint8_t buf[1 << 20];
        size_t n = fread(buf, 1, sizeof(buf), f);
        fclose(f);
        LLVMFuzzerTestOneInput(buf, n);
    }
    return 0;
}
#endif
