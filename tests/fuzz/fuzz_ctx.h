/* The one context a fuzz target's runs share, opened with the default settings on first use. */
#ifndef VX_FUZZ_CTX_H
#define VX_FUZZ_CTX_H

#include <stdlib.h>

#include "vexport/vexport.h"

static VxContext *fuzz_ctx(void)
{
    static VxContext *ctx;
    if (!ctx) {
        VxSettings s;
        vx_default_settings(&s);
        if (vx_open(&ctx, &s) < 0)
            abort();
    }
    return ctx;
}

#endif
