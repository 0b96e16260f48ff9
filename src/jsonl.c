/* JSON Lines: jsonl.h. */
#include <limits.h>
#include <string.h>

#include "jsonl.h"

static int blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

int vx_jsonl_each(VxJsonLines *jl, const char *data, size_t size, size_t max_line,
                  void (*each)(VxJsonLines *jl, json_object *o, void *user), void *user)
{
    json_tokener *tok = json_tokener_new();
    if (!tok)
        return jl->err = VX_ERR(ENOMEM);
    for (size_t at = 0; !jl->err && at < size;) {
        const char *line = data + at;
        const char *nl = memchr(line, '\n', size - at);
        size_t a = 0, e = nl ? (size_t)(nl - line) : size - at;
        at += e + 1;
        if (++jl->line == INT_MAX) {
            vx_jsonl_fail(jl, "too many lines");
            break;
        }
        if (memchr(line, 0, e)) {
            vx_jsonl_fail(jl, "NUL byte in the line");
            break;
        }
        while (e > 0 && blank(line[e - 1]))
            e--;
        while (a < e && blank(line[a]))
            a++;
        if (a == e)
            continue; /* blank line */
        if (e - a > max_line || e - a > INT_MAX) {
            vx_jsonl_fail(jl, "line too long");
            break;
        }
        json_tokener_reset(tok);
        json_object *o = json_tokener_parse_ex(tok, line + a, (int)(e - a));
        enum json_tokener_error je = json_tokener_get_error(tok);
        if (!o || je != json_tokener_success)
            vx_jsonl_fail(jl, "not valid JSON (%s)", je == json_tokener_continue ?
                          "the object is not closed on this line" : json_tokener_error_desc(je));
        else if (a + json_tokener_get_parse_end(tok) < e)
            vx_jsonl_fail(jl, "text after the JSON object");
        else
            each(jl, o, user);
        json_object_put(o);
    }
    json_tokener_free(tok);
    return jl->err;
}
