/* What the per-module unit tests share: a context that logs nothing, and the path of a file
 * of the e2e media (media_dir), the test skipped when it is not there. */
#ifndef VX_TESTS_UNIT_UNIT_H
#define VX_TESTS_UNIT_UNIT_H

#include <stdio.h>
#include <stdlib.h>

#include "vexport/vexport.h"

/* A context for errors only (vx_last_error); exits when none opens. */
static inline VxContext *unit_context(void)
{
    VxContext *ctx = NULL;
    VxSettings set = {0};
    set.log_level = VX_LOG_ERROR;
    if (vx_open(&ctx, &set) < 0) {
        printf("FAIL: no context\n");
        exit(1);
    }
    return ctx;
}

/* dir/name into path; exits 77 (skip) when it cannot be read. */
static inline void unit_media(char *path, size_t len, const char *dir, const char *name)
{
    snprintf(path, len, "%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    if (!f) {
        printf("SKIP: %s not there (tests/media/make-media.sh makes it)\n", path);
        exit(77);
    }
    fclose(f);
}

#endif
