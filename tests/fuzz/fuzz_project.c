/* libFuzzer target: the project parser (vx_project_parse) on arbitrary text. Any input must
 * give either a project or an error with a message, never a crash, a leak or undefined
 * behaviour. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_ctx.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    VxContext *ctx = fuzz_ctx();
    char *json = malloc(size + 1);
    if (!json)
        return 0;
    memcpy(json, data, size);
    json[size] = 0;
    VxProject *p = NULL;
    int ret = vx_project_parse(ctx, json, "/nonexistent", "fuzz.json", &p);
    if (ret < 0 && (p || !*vx_last_error(ctx)))
        abort(); /* an error must come with a message and no project */
    if (ret == 0 && !p)
        abort();
    vx_project_free(&p);
    free(json);
    return 0;
}
