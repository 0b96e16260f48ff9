/* JSON Lines, as the cursor and keystroke tracks are written (docs/cursor-track.md,
 * docs/keys-track.md): one JSON value per line, blank lines skipped; the reader and its
 * errors, shared by cursor_track.c and keys_track.c. FFmpeg-free. */
#ifndef VX_JSONL_H
#define VX_JSONL_H

#include <stddef.h>

#include <json-c/json.h>

#include "internal.h"

typedef struct VxJsonLines {
    VxContext *ctx;
    const char *file; /* the file's name in errors */
    const char *key;  /* the project key it is read for ("sources.keys") */
    int line;         /* the line being read, from 1 */
    int err;          /* the first error, 0 while none */
} VxJsonLines;

/* The first error, "FILE:LINE: message", kept in jl->err (vx_fail_line): returns it. */
#define vx_jsonl_fail(jl, ...) \
    vx_fail_line((jl)->ctx, &(jl)->err, (jl)->file, (jl)->line, (jl)->key, __VA_ARGS__)

/* Calls each(jl, value, user) with the JSON value of every line of data[0, size) that is
 * not blank, in order, until the end or the first error (returned, also in jl->err): a NUL
 * byte, a line of more than max_line bytes (spaces, tabs and CRs around it not counted),
 * text that is not JSON, or text after the value; each reports its own errors through
 * vx_jsonl_fail. */
int vx_jsonl_each(VxJsonLines *jl, const char *data, size_t size, size_t max_line,
                  void (*each)(VxJsonLines *jl, json_object *o, void *user), void *user);

#endif
