/* One export split into chunks rendered apart (vexport render --chunk I/N): the frame range of
 * a chunk, the fingerprint that ties a chunk to its project and settings, and the tags a
 * chunk carries in its MP4 (read back by the join, src/join.c). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <libavutil/sha.h>

#include "internal.h"

void vx_chunk_range(int64_t frames, int i, int n, int64_t *first, int64_t *end)
{
    *first = frames * i / n;
    *end = frames * (i + 1) / n;
}

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

static void hex(const uint8_t *d, int n, char *out)
{
    for (int i = 0; i < n; i++)
        snprintf(out + 2 * i, 3, "%02x", d[i]);
}

void vx_project_digest_hex(const VxProject *p, char out[65])
{
    hex(p->json_sha256, 32, out);
}

/* The project and everything else that decides the chunks' pictures and bitstream: the
 * library's version, the encoder settings as asked, the number of chunks. The thread count
 * and hardware decoding are left out: they do not change what a chunk shows. */
int vx_chunk_fingerprint(const VxProject *p, const VxExportOptions *o, int n, char out[65])
{
    struct AVSHA *sha = av_sha_alloc();
    char line[512], ph[65];
    uint8_t d[32];
    if (!sha)
        return VX_ERR(ENOMEM);
    av_sha_init(sha, 256);
    vx_project_digest_hex(p, ph);
    snprintf(line, sizeof(line), "vexport chunks 1\nversion=%s\nproject=%s\nencoder=%s\n"
             "preset=%s\ncrf=%.17g\nbitrate=%" PRId64 "\nchunks=%d\n", vx_version(), ph,
             o->encoder ? o->encoder : "auto", o->preset ? o->preset : "",
             o->crf >= 0 ? o->crf : p->quality, o->bitrate, n);
    put(sha, line, strlen(line));
    for (int i = 0; i < o->n_encoder_opts; i++) {
        put(sha, "opt=", 4);
        put(sha, o->encoder_opts[i], strlen(o->encoder_opts[i]));
        put(sha, "\n", 1);
    }
    av_sha_final(sha, d);
    av_free(sha);
    hex(d, 32, out);
    return 0;
}

int vx_chunk_begin(VxContext *ctx, const VxProject *p, const VxExportOptions *o,
                   const VxTimeline *tl, VxMuxer *mux, int64_t *first, int64_t *end)
{
    const int i = o->chunk_index, n = o->chunk_count;
    if (n > tl->frames)
        return vx_fail(ctx, VX_ERR(EINVAL), "chunk %d/%d: the export has only %" PRId64
                       " frames, fewer than the %d chunks asked", i, n, tl->frames, n);
    vx_chunk_range(tl->frames, i, n, first, end);
    char fp[65], ph[65], v[48];
    int ret = vx_chunk_fingerprint(p, o, n, fp);
    vx_project_digest_hex(p, ph);
    snprintf(v, sizeof(v), "%d/%d", i, n);
    if (ret < 0 || (ret = vx_muxer_set_tag(mux, VX_TAG_CHUNK, v)) < 0 ||
        (ret = vx_muxer_set_tag(mux, VX_TAG_FINGERPRINT, fp)) < 0 ||
        (ret = vx_muxer_set_tag(mux, VX_TAG_PROJECT, ph)) < 0)
        return ret;
    snprintf(v, sizeof(v), "%" PRId64 "-%" PRId64, *first, *end);
    if ((ret = vx_muxer_set_tag(mux, VX_TAG_FRAMES, v)) < 0)
        return ret;
    vx_log(ctx, VX_LOG_VERBOSE, "chunk %d/%d: output frames %" PRId64 " to %" PRId64 " of %"
           PRId64 ", video only (the join adds the audio), fingerprint %.16s", i, n, *first,
           *end - 1, tl->frames, fp);
    return 0;
}
