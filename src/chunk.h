/* One export over several machines (chunk.c, json_digest.c): the chunks' frames, tags and
 * fingerprint. */
#ifndef VX_CHUNK_H
#define VX_CHUNK_H

#include <stdint.h>

#include "internal.h"
#include "mux.h"
#include "project.h"

struct json_object; /* json-c */
struct VxTimeline;

/* The MP4 tags of a chunk: "I/N", its fingerprint (project and settings), the project's
 * digest, and "FIRST-END" (its output frames). */
#define VX_TAG_CHUNK "vexport_chunk"
#define VX_TAG_FINGERPRINT "vexport_fingerprint"
#define VX_TAG_PROJECT "vexport_project"
#define VX_TAG_FRAMES "vexport_frames"
/* Chunk i of n of an export of `frames` frames: output frames [*first, *end), i.e.
 * floor(i * frames / n) to floor((i + 1) * frames / n): from the project alone. */
void vx_chunk_range(int64_t frames, int i, int n, int64_t *first, int64_t *end);
/* SHA-256 of a JSON document in canonical form (keys sorted, numbers as %.17g, strings
 * escaped one way, no spaces): json_digest.c (av_sha: the media side). 0 or an error. */
int vx_json_digest(struct json_object *root, uint8_t out[32]);
/* Hex SHA-256 of the project as read (p->json, canonical): what ties a chunk to it. */
int vx_project_digest_hex(const VxProject *p, char out[65]);
/* Hex SHA-256 of the project, the encoder settings of o, the library version and n. */
int vx_chunk_fingerprint(const VxProject *p, const VxExportOptions *o, int n, char out[65]);
/* For an export with o->chunk_count > 0: its frames [*first, *end) of tl, and the tags above
 * set on mux. */
struct VxTimeline;
int vx_chunk_begin(VxContext *ctx, const VxProject *p, const VxExportOptions *o,
                   const struct VxTimeline *tl, VxMuxer *mux, int64_t *first, int64_t *end);

#endif
