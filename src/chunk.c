/* One export split into chunks rendered apart (vexport render --chunk I/N): the frame range of
 * a chunk, the fingerprint that ties a chunk to its project and settings, and the tags a
 * chunk carries in its MP4 (read back by the join, src/join.c). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libavutil/sha.h>

#include "chunk.h"
#include "internal.h"
#include "timeline.h"

void vx_chunk_range(int64_t frames, int i, int n, int64_t *first, int64_t *end)
{
    *first = frames * i / n;
    *end = frames * (i + 1) / n;
}

static void hex(const uint8_t *d, int n, char *out)
{
    for (int i = 0; i < n; i++)
        snprintf(out + 2 * i, 3, "%02x", d[i]);
}

int vx_project_digest_hex(const VxProject *p, char out[65])
{
    uint8_t d[32];
    int ret = vx_json_digest(p->json, d);
    if (ret < 0)
        return ret;
    hex(d, 32, out);
    return 0;
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
    int ret = vx_project_digest_hex(p, ph);
    if (ret < 0) {
        av_free(sha);
        return ret;
    }
    av_sha_init(sha, 256);
    snprintf(line, sizeof(line), "vexport chunks 1\nversion=%s\nproject=%s\nencoder=%s\n"
             "preset=%s\ncrf=%.17g\nbitrate=%" PRId64 "\nchunks=%d\n", vx_version(), ph,
             o->encoder ? o->encoder : "auto", o->preset ? o->preset : "",
             o->crf >= 0 ? o->crf : p->quality, o->bitrate, n);
    av_sha_update(sha, (const uint8_t *)line, (unsigned)strlen(line));
    for (int i = 0; i < o->n_encoder_opts; i++) {
        av_sha_update(sha, (const uint8_t *)"opt=", 4);
        av_sha_update(sha, (const uint8_t *)o->encoder_opts[i], (unsigned)strlen(o->encoder_opts[i]));
        av_sha_update(sha, (const uint8_t *)"\n", 1);
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
    if (ret >= 0)
        ret = vx_project_digest_hex(p, ph);
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
