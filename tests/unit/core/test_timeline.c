/* The timeline (src/timeline.c) built without FFmpeg: frame times, cuts and speeds mapped to
 * recording times, the frame count, and the frame rate chosen (vx_d2q) for the usual rates;
 * with VX_CHECK_AV_D2Q (the full build), vx_d2q against libavutil's av_d2q, which the
 * timeline used before, over a sweep of rates. */
#include <math.h>
#include <stdlib.h>

#include "source_info.h"
#include "timeline.h"

#include "../check.h"

#ifdef VX_CHECK_AV_D2Q
#include <libavutil/rational.h>
#endif

static VxProject *project(VxContext *ctx, const char *json)
{
    VxProject *p = NULL;
    if (vx_project_parse(ctx, json, ".", "test.json", &p) < 0) {
        printf("FAIL: the project does not parse: %s\n", ctx->err.message);
        exit(1);
    }
    return p;
}

static void check_rates(void)
{
    static const struct { double d; int num, den; } rates[] = {
        {30, 30, 1}, {60, 60, 1}, {25, 25, 1}, {29.97, 2997, 100}, {30000.0 / 1001, 30000, 1001},
        {24000.0 / 1001, 24000, 1001}, {60000.0 / 1001, 60000, 1001}, {12.5, 25, 2},
        {0.5, 1, 2}};
    for (size_t i = 0; i < sizeof(rates) / sizeof(rates[0]); i++) {
        VxRational q = vx_d2q(rates[i].d, 1001000);
        CHECK(q.num == rates[i].num && q.den == rates[i].den, "vx_d2q(%.6f) = %d/%d, expected "
              "%d/%d", rates[i].d, q.num, q.den, rates[i].num, rates[i].den);
    }
#ifdef VX_CHECK_AV_D2Q
    int diff = 0;
    for (int k = 1; k <= 24000; k++) { /* 0.01 .. 240 fps, and the NTSC-style ones */
        const double ds[2] = {k / 100.0, k * 1000.0 / 1001 / 100};
        for (int j = 0; j < 2; j++) {
            const VxRational q = vx_d2q(ds[j], 1001000);
            const AVRational a = av_d2q(ds[j], 1001000);
            if (q.num != a.num || q.den != a.den) {
                if (!diff)
                    printf("vx_d2q(%.17g) = %d/%d, av_d2q %d/%d\n", ds[j], q.num, q.den, a.num,
                           a.den);
                diff++;
            }
        }
    }
    CHECK(!diff, "vx_d2q differs from av_d2q for %d of 48000 rates", diff);
#endif
}

int main(void)
{
    VxContext ctx = {0};
    ctx.s.log_level = VX_LOG_ERROR;
    check_rates();
    /* 0..2 s at 1x, 4..8 s at 2x, 9..9.5 s at 0.5x: output 2 + 2 + 1 = 5 s */
    VxProject *p = project(&ctx, "{\"sources\": {\"screen\": \"s.mp4\"}, \"output\": {\"fps\": 30},"
                                 "\"timeline\": [{\"start\": 0, \"end\": 2}, {\"start\": 4, "
                                 "\"end\": 8, \"speed\": 2}, {\"start\": 9, \"end\": 9.5, "
                                 "\"speed\": 0.5}]}");
    VxSourceInfo si = {.width = 640, .height = 360, .duration = 12, .fps = {30000, 1001}};
    VxTimeline tl;
    CHECK(vx_timeline_init(&ctx, p, &si, &tl) == 0, "timeline: %s", ctx.err.message);
    CHECK(tl.fps.num == 30 && tl.fps.den == 1, "fps %d/%d, expected 30/1", tl.fps.num, tl.fps.den);
    CHECK(tl.frames == 150 && fabs(tl.duration - 5) < 1e-9, "%lld frames, %.3f s; expected "
          "150 frames, 5 s", (long long)tl.frames, tl.duration);
    static const struct { int64_t n; double rec; int seg; } at[] = {
        {0, 0, 0}, {30, 1, 0}, {59, 59 / 30.0, 0}, {60, 4, 1}, {90, 6, 1}, {119, 4 + 2 * 59 / 30.0, 1},
        {120, 9, 2}, {149, 9 + 0.5 * 29 / 30.0, 2}};
    for (size_t i = 0; i < sizeof(at) / sizeof(at[0]); i++) {
        int seg = -1;
        const double t = vx_timeline_time(&tl, at[i].n);
        const double rec = vx_timeline_src_time(&tl, t, &seg);
        CHECK(fabs(t - at[i].n / 30.0) < 1e-12 && fabs(rec - at[i].rec) < 1e-9 && seg == at[i].seg,
              "frame %lld: output %.6f s, recording %.6f s in range %d; expected %.6f s, %.6f s, "
              "range %d", (long long)at[i].n, t, rec, seg, at[i].n / 30.0, at[i].rec, at[i].seg);
    }
    vx_timeline_free(&tl);
    vx_project_free(&p);
    /* no frame rate in the project: the recording's (29.97), as a rational */
    p = project(&ctx, "{\"sources\": {\"screen\": \"s.mp4\"}}");
    CHECK(vx_timeline_init(&ctx, p, &si, &tl) == 0, "timeline: %s", ctx.err.message);
    CHECK(tl.fps.num == 30000 && tl.fps.den == 1001 && tl.frames == 360,
          "recording's rate: %d/%d, %lld frames; expected 30000/1001, 360",
          tl.fps.num, tl.fps.den, (long long)tl.frames);
    vx_timeline_free(&tl);
    vx_project_free(&p);
    return failures != 0;
}
