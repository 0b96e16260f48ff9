/* The SHA-256 of a project's JSON in canonical form, which ties the chunks of an export to
 * their project (chunk.c, join.c): reformatting the file does not change it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <libavutil/mem.h>
#include <libavutil/sha.h>

#include "chunk.h"
#include "internal.h"

/* ---- the canonical form of a project's JSON: keys sorted, numbers as %.17g, strings
 * escaped one way, no whitespace; hashed as it is written ---- */

static void put(struct AVSHA *sha, const char *s, size_t n)
{
    av_sha_update(sha, (const uint8_t *)s, (unsigned)n);
}

static void put_str(struct AVSHA *sha, const char *s)
{
    char esc[8];
    put(sha, "\"", 1);
    for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
        if (*c == '"' || *c == '\\') {
            esc[0] = '\\', esc[1] = (char)*c;
            put(sha, esc, 2);
        } else if (*c < 0x20) {
            snprintf(esc, sizeof(esc), "\\u%04x", *c);
            put(sha, esc, 6);
        } else {
            put(sha, (const char *)c, 1);
        }
    }
    put(sha, "\"", 1);
}

static int cmp_keys(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int put_json(struct AVSHA *sha, json_object *o, int depth)
{
    char num[40];
    if (depth > 64)
        return VX_ERR(EINVAL);
    switch (json_object_get_type(o)) {
    case json_type_null:
        put(sha, "null", 4);
        return 0;
    case json_type_boolean:
        put(sha, json_object_get_boolean(o) ? "true" : "false", json_object_get_boolean(o) ? 4 : 5);
        return 0;
    case json_type_int: /* 2 and 2.0 are the same number */
    case json_type_double:
        snprintf(num, sizeof(num), "%.17g", json_object_get_double(o));
        put(sha, num, strlen(num));
        return 0;
    case json_type_string:
        put_str(sha, json_object_get_string(o));
        return 0;
    case json_type_array: {
        put(sha, "[", 1);
        for (size_t i = 0, n = json_object_array_length(o); i < n; i++) {
            if (i)
                put(sha, ",", 1);
            int ret = put_json(sha, json_object_array_get_idx(o, i), depth + 1);
            if (ret < 0)
                return ret;
        }
        put(sha, "]", 1);
        return 0;
    }
    case json_type_object: {
        int n = json_object_object_length(o), k = 0, ret = 0;
        const char **keys = calloc(n ? (size_t)n : 1, sizeof(*keys));
        if (!keys)
            return VX_ERR(ENOMEM);
        json_object_object_foreach(o, key, val) {
            (void)val;
            if (k < n)
                keys[k++] = key;
        }
        qsort(keys, (size_t)k, sizeof(*keys), cmp_keys);
        put(sha, "{", 1);
        for (int i = 0; i < k && ret >= 0; i++) {
            json_object *v = NULL;
            json_object_object_get_ex(o, keys[i], &v);
            if (i)
                put(sha, ",", 1);
            put_str(sha, keys[i]);
            put(sha, ":", 1);
            ret = put_json(sha, v, depth + 1);
        }
        put(sha, "}", 1);
        free(keys);
        return ret;
    }
    }
    return VX_ERR(EINVAL);
}

int vx_json_digest(struct json_object *root, uint8_t out[32])
{
    struct AVSHA *sha = av_sha_alloc();
    if (!sha)
        return VX_ERR(ENOMEM);
    av_sha_init(sha, 256);
    int ret = put_json(sha, root, 0);
    av_sha_final(sha, out);
    av_free(sha);
    return ret;
}

