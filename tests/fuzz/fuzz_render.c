/* libFuzzer target: a whole export driven by a fuzzed project, on a tiny generated clip
 * (tests/bad/make-bad.sh: tiny.mp4, 64x36, 3 frames, and tiny.png). The folder holding them
 * comes from VX_FUZZ_DIR; the project's relative paths resolve against it. Projects that
 * name other files, or ask for outputs too large to render quickly, are skipped: the target
 * is the layout, compositor, encoder and muxer set-up, not the file system. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"
#include "zoom.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static VxContext *ctx;
static char dir[4096], clip[4200], image[4200], out[4200];

static int allowed(const char *path, const char *a, const char *b)
{
    return !path || !strcmp(path, a) || (b && !strcmp(path, b));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!ctx) {
        const char *d = getenv("VX_FUZZ_DIR");
        if (!d) {
            fprintf(stderr, "fuzz_render: set VX_FUZZ_DIR to the folder with tiny.mp4\n");
            abort();
        }
        snprintf(dir, sizeof(dir), "%s", d);
        snprintf(clip, sizeof(clip), "%s/tiny.mp4", dir);
        snprintf(image, sizeof(image), "%s/tiny.png", dir);
        snprintf(out, sizeof(out), "%s/fuzz-out-%ld.mp4", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp",
                 (long)getpid());
        if (access(clip, R_OK) != 0 || access(image, R_OK) != 0) {
            fprintf(stderr, "fuzz_render: %s or %s missing (tests/bad/make-bad.sh makes them)\n",
                    clip, image);
            abort();
        }
        VxSettings s;
        vx_default_settings(&s);
        s.threads = 1;
        if (vx_open(&ctx, &s) < 0)
            abort();
    }
    char *json = malloc(size + 1);
    if (!json)
        return 0;
    memcpy(json, data, size);
    json[size] = 0;
    VxProject *p = NULL;
    int tracks_ok = 1;
    if (vx_project_parse(ctx, json, dir, "fuzz.json", &p) == 0 && p)
        for (int i = 0; i < p->n_tracks; i++)
            tracks_ok &= allowed(p->tracks[i].path, clip, NULL);
    /* only the generated files, and only small outputs (no input can make the clip longer
     * than 4x its 3 frames: the slowest speed is 0.25) */
    if (p && tracks_ok && allowed(p->screen, clip, NULL) && allowed(p->camera.path, clip, NULL) &&
        !p->cursor.track && allowed(p->bg_image, image, NULL) && p->width <= 256 &&
        p->height <= 256 && p->fps <= 60) {
        VxExportOptions o;
        vx_default_export_options(&o);
        o.output_path = out;
        o.preset = "ultrafast";
        o.threads = 1;
        VxJob *job = NULL;
        int ret = vx_job_create(ctx, p, &o, &job);
        if (ret == 0)
            ret = vx_job_run(job);
        if (getenv("VX_FUZZ_VERBOSE"))
            fprintf(stderr, "export: %s\n", ret ? vx_last_error(ctx) : "ok");
        vx_job_free(&job);
        remove(out);
    }
    vx_project_free(&p);
    free(json);
    return 0;
}
