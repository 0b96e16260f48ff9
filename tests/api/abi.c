/* The public structs' layout (size and every field's offset) against the values checked in
 * beside this file (abi-lp64.txt), so that a change to the ABI cannot pass silently: a field
 * added outside the reserved slots, a type widened, a field moved. A change made on purpose
 * goes with a new API major (meson.build: api_major) and a new abi-lp64.txt; a field carved
 * out of a reserved slot keeps the sizes and adds a line.
 *   abi [--print] abi-lp64.txt   (--print writes the table as it is now) */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "vexport/vexport.h"

typedef struct Entry {
    const char *name;
    size_t value;
} Entry;

#define SIZE(T) {#T " size", sizeof(T)}
#define OFF(T, f) {#T "." #f, offsetof(T, f)}

static const Entry entries[] = {
    SIZE(VxSettings), OFF(VxSettings, threads), OFF(VxSettings, cpu_mask),
    OFF(VxSettings, log_level), OFF(VxSettings, log_cb), OFF(VxSettings, log_opaque),
    OFF(VxSettings, ffmpeg_log), OFF(VxSettings, trim_heap), OFF(VxSettings, no_incremental),
    OFF(VxSettings, reserved_int), OFF(VxSettings, reserved),

    SIZE(VxExportOptions), OFF(VxExportOptions, output_path), OFF(VxExportOptions, encoder),
    OFF(VxExportOptions, preset), OFF(VxExportOptions, crf), OFF(VxExportOptions, bitrate),
    OFF(VxExportOptions, encoder_opts), OFF(VxExportOptions, n_encoder_opts),
    OFF(VxExportOptions, threads), OFF(VxExportOptions, progress_cb),
    OFF(VxExportOptions, progress_opaque), OFF(VxExportOptions, no_passthrough),
    OFF(VxExportOptions, hwaccel), OFF(VxExportOptions, chunk_index),
    OFF(VxExportOptions, chunk_count), OFF(VxExportOptions, reserved),

    SIZE(VxProgress), OFF(VxProgress, frame), OFF(VxProgress, total), OFF(VxProgress, fps),
    OFF(VxProgress, eta_s), OFF(VxProgress, elapsed_s), OFF(VxProgress, done),
    OFF(VxProgress, duration_s), OFF(VxProgress, mode),

    SIZE(VxStats), OFF(VxStats, mode), OFF(VxStats, wall_s), OFF(VxStats, setup_s),
    OFF(VxStats, decode_s), OFF(VxStats, compose_s), OFF(VxStats, encode_s),
    OFF(VxStats, audio_s), OFF(VxStats, mux_s), OFF(VxStats, decode_wait_full_s),
    OFF(VxStats, compose_wait_empty_s), OFF(VxStats, frames_decoded),
    OFF(VxStats, frames_composed), OFF(VxStats, frames_copied), OFF(VxStats, peak_rss_kib),
    OFF(VxStats, threads), OFF(VxStats, decode_threads), OFF(VxStats, compose_threads),
    OFF(VxStats, encode_threads), OFF(VxStats, hwaccel), OFF(VxStats, encoder),
    OFF(VxStats, reserved),

    SIZE(VxError), OFF(VxError, code), OFF(VxError, line), OFF(VxError, message),
    OFF(VxError, key), OFF(VxError, file), OFF(VxError, reserved),

    SIZE(VxOutputInfo), OFF(VxOutputInfo, width), OFF(VxOutputInfo, height),
    OFF(VxOutputInfo, fps_num), OFF(VxOutputInfo, fps_den), OFF(VxOutputInfo, frames),
    OFF(VxOutputInfo, duration_s), OFF(VxOutputInfo, has_audio),
    OFF(VxOutputInfo, reserved_int), OFF(VxOutputInfo, reserved),

    SIZE(VxImage), OFF(VxImage, format), OFF(VxImage, width), OFF(VxImage, height),
    OFF(VxImage, data), OFF(VxImage, stride),

    SIZE(VxColorSpec), OFF(VxColorSpec, matrix), OFF(VxColorSpec, range),
    OFF(VxColorSpec, chroma_loc),
};
#define N_ENTRIES (sizeof(entries) / sizeof(entries[0]))

int main(int argc, char **argv)
{
    if (sizeof(void *) != 8) {
        printf("SKIP: the checked-in layout is the 64-bit one (LP64/LLP64)\n");
        return 77;
    }
    if (argc == 3 && !strcmp(argv[1], "--print")) {
        for (size_t i = 0; i < N_ENTRIES; i++)
            printf("%s %zu\n", entries[i].name, entries[i].value);
        return 0;
    }
    if (argc != 2) {
        fprintf(stderr, "usage: abi [--print] abi-lp64.txt\n");
        return 2;
    }
    FILE *f = fopen(argv[1], "r");
    if (!f) {
        perror(argv[1]);
        return 1;
    }
    int bad = 0, seen[N_ENTRIES] = {0}, lineno = 0;
    char line[256];
    while (fgets(line, sizeof(line), f)) {
        char name[200];
        size_t want;
        lineno++;
        if (line[0] == '#' || line[0] == '\n')
            continue;
        if (sscanf(line, "%199[^ ] size %zu", name, &want) == 2)
            strcat(name, " size");
        else if (sscanf(line, "%199s %zu", name, &want) != 2) {
            fprintf(stderr, "%s:%d: cannot read this line\n", argv[1], lineno);
            bad = 1;
            continue;
        }
        size_t i = 0;
        while (i < N_ENTRIES && strcmp(entries[i].name, name))
            i++;
        if (i == N_ENTRIES) {
            fprintf(stderr, "%s:%d: %s is checked in but the header has no such field\n",
                    argv[1], lineno, name);
            bad = 1;
            continue;
        }
        seen[i] = 1;
        if (entries[i].value != want) {
            fprintf(stderr, "FAIL: %s is %zu, checked in as %zu (%s:%d): the ABI changed\n",
                    name, entries[i].value, want, argv[1], lineno);
            bad = 1;
        }
    }
    fclose(f);
    for (size_t i = 0; i < N_ENTRIES; i++)
        if (!seen[i]) {
            fprintf(stderr, "FAIL: %s (%zu) is not in %s: add it\n", entries[i].name,
                    entries[i].value, argv[1]);
            bad = 1;
        }
    if (!bad)
        printf("%zu sizes and offsets match %s\n", N_ENTRIES, argv[1]);
    return bad;
}
