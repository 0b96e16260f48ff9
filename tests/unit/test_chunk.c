/* The chunk plan (src/chunk.c): chunk I of N covers output frames floor(I*F/N) to
 * floor((I+1)*F/N), so the chunks of any F and N tile [0, F) exactly, in order, with sizes
 * that differ by at most one; and the fingerprint changes with every setting that changes a
 * chunk's bitstream, not with the thread count. */
#include <stdlib.h>
#include <string.h>

#include "chunk.h"
#include "internal.h"

#include "check.h"

static void check_ranges(void)
{
    const int64_t frames[] = {1, 2, 7, 60, 599, 600, 601, 108000, 1000003};
    for (size_t f = 0; f < sizeof(frames) / sizeof(frames[0]); f++)
        for (int n = 1; n <= 64; n++) {
            int64_t prev_end = 0, lo = frames[f], hi = 0;
            for (int i = 0; i < n; i++) {
                int64_t a, b;
                vx_chunk_range(frames[f], i, n, &a, &b);
                CHECK(a == prev_end && b >= a && b <= frames[f],
                      "F %lld N %d: chunk %d is [%lld, %lld), after %lld", (long long)frames[f],
                      n, i, (long long)a, (long long)b, (long long)prev_end);
                prev_end = b;
                lo = b - a < lo ? b - a : lo;
                hi = b - a > hi ? b - a : hi;
            }
            CHECK(prev_end == frames[f], "F %lld N %d: the chunks end at %lld",
                  (long long)frames[f], n, (long long)prev_end);
            CHECK(hi - lo <= 1, "F %lld N %d: chunk sizes from %lld to %lld",
                  (long long)frames[f], n, (long long)lo, (long long)hi);
        }
}

static void check_fingerprint(VxContext *ctx)
{
    VxProject *p = NULL, *q = NULL;
    const char *a = "{\"version\": 1, \"sources\": {\"screen\": \"rec.mp4\"}, \"padding\": 0.05}";
    const char *a2 = "{\"padding\":0.05,\n \"sources\":{\"screen\":\"rec.mp4\"},\"version\":1}";
    const char *b = "{\"version\": 1, \"sources\": {\"screen\": \"rec.mp4\"}, \"padding\": 0.06}";
    VxProject *p2 = NULL;
    if (vx_project_parse(ctx, a, ".", "a", &p) < 0 || vx_project_parse(ctx, b, ".", "b", &q) < 0 ||
        vx_project_parse(ctx, a2, ".", "a2", &p2) < 0) {
        CHECK(0, "projects: %s", vx_last_error(ctx));
        return;
    }
    VxExportOptions o;
    vx_default_export_options(&o);
    char base[65], fp[65];
    CHECK(vx_chunk_fingerprint(p, &o, 4, base) == 0 && strlen(base) == 64, "fingerprint");
    CHECK(vx_chunk_fingerprint(p2, &o, 4, fp) == 0 && !strcmp(fp, base),
          "the same project reformatted has another fingerprint");
    CHECK(vx_chunk_fingerprint(q, &o, 4, fp) == 0 && strcmp(fp, base), "another padding, same "
          "fingerprint");
    CHECK(vx_chunk_fingerprint(p, &o, 5, fp) == 0 && strcmp(fp, base), "5 chunks, same "
          "fingerprint as 4");
    o.threads = 3;
    CHECK(vx_chunk_fingerprint(p, &o, 4, fp) == 0 && !strcmp(fp, base),
          "the thread count changed the fingerprint");
    o.crf = 30;
    CHECK(vx_chunk_fingerprint(p, &o, 4, fp) == 0 && strcmp(fp, base), "another crf, same "
          "fingerprint");
    vx_default_export_options(&o);
    o.preset = "slow";
    CHECK(vx_chunk_fingerprint(p, &o, 4, fp) == 0 && strcmp(fp, base), "another preset, same "
          "fingerprint");
    vx_project_free(&p);
    vx_project_free(&p2);
    vx_project_free(&q);
}

int main(void)
{
    VxContext *ctx = NULL;
    if (vx_open(&ctx, NULL) < 0)
        return 2;
    check_ranges();
    check_fingerprint(ctx);
    vx_close(&ctx);
    if (!failures)
        printf("chunk ranges tile every export; the fingerprint follows the settings\n");
    return failures != 0;
}
