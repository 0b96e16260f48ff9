/* The timeline (src/timeline.c): output frame n -> output time -> recording time, through
 * cuts and speeds, at the exact boundaries between kept ranges; the frame count and rate;
 * which ranges keep their audio; a range past the recording's end refused naming it; the
 * output frames a recording-time interval (a soft caption) is shown on, against a reference. */
#include <math.h>
#include <string.h>

#include "internal.h"
#include "source.h"

#include "check.h"
#include "unit.h"

static VxSourceInfo info(double duration, int fps_num, int fps_den)
{
    VxSourceInfo si;
    memset(&si, 0, sizeof(si));
    si.width = 640, si.height = 360;
    si.duration = duration;
    si.fps.num = fps_num, si.fps.den = fps_den;
    return si;
}

#define NEAR(a, b) (fabs((a) - (b)) < 1e-9)

/* The reference for vx_timeline_shown, from the ranges as the project gives them (not the
 * library's placement): range i runs in the output from the end of the one before less its
 * cross-fade, for (end - start) / speed; frame n at n / fps shows every range whose output
 * span holds it (two in a cross-fade, the incoming one from after its start, where its weight
 * is 0), at recording time start + (t - out_start) * speed.
 * shown[n] = 1 when one of those lies in [a, b). */
static void ref_shown(const VxSegment *g, int ng, double fps, int64_t frames, double a,
                      double b, char *shown)
{
    double os[8], oe[8], out = 0;
    for (int i = 0; i < ng; i++) {
        os[i] = out - (g[i].transition == VX_TRANS_CROSSFADE ? g[i].tr_duration : 0);
        oe[i] = out = os[i] + (g[i].end - g[i].start) / g[i].speed;
    }
    for (int64_t n = 0; n < frames; n++) {
        const double t = n / fps;
        shown[n] = 0;
        for (int i = 0; i < ng; i++) {
            const double r = g[i].start + (t - os[i]) * g[i].speed;
            const int xf = g[i].transition == VX_TRANS_CROSSFADE && g[i].tr_duration > 0;
            if ((xf ? t > os[i] : t >= os[i]) && (t < oe[i] || i == ng - 1) && r >= a && r < b)
                shown[n] = 1;
        }
    }
}

/* The frames of vx_timeline_shown's runs; 0 when they are not in order, apart and non-empty. */
static int runs_frames(const int64_t (*runs)[2], int nr, int64_t frames, char *got)
{
    memset(got, 0, (size_t)frames);
    for (int k = 0; k < nr; k++) {
        if (runs[k][0] >= runs[k][1] || (k && runs[k][0] <= runs[k - 1][1]) || runs[k][1] > frames)
            return 0;
        for (int64_t n = runs[k][0]; n < runs[k][1]; n++)
            got[n] = 1;
    }
    return 1;
}

int main(void)
{
    VxContext *ctx = unit_context();
    VxProject p;
    memset(&p, 0, sizeof(p));
    p.screen = "rec.mp4";
    VxSourceInfo si = info(10, 30, 1);
    VxTimeline tl;

    /* no timeline: the whole recording at 1x, the recording's rate */
    CHECK(vx_timeline_init(ctx, &p, &si, &tl) == 0, "plain timeline refused");
    CHECK(tl.n_segs == 1 && tl.frames == 300 && NEAR(tl.duration, 10), "plain: %d ranges, "
          "%lld frames, %g s", tl.n_segs, (long long)tl.frames, tl.duration);
    CHECK(NEAR(vx_timeline_time(&tl, 150), 5), "frame 150 at %g s", vx_timeline_time(&tl, 150));
    CHECK(NEAR(vx_timeline_src_time(&tl, 7.25, NULL), 7.25), "plain: 7.25 s maps elsewhere");
    vx_timeline_free(&tl);

    /* three ranges: 0-1 s at 1x, 2-4 s at 2x, 5-6 s at 0.5x: 1 + 1 + 2 = 4 s of output */
    VxSegment segs[4] = {{0, 1, 1, VX_SEG_AUDIO_AUTO, VX_TRANS_CUT, 0}, {2, 4, 2, VX_SEG_AUDIO_AUTO, VX_TRANS_CUT, 0},
                         {5, 6, 0.5, VX_SEG_AUDIO_AUTO, VX_TRANS_CUT, 0}, {8, 9, 4, VX_SEG_AUDIO_AUTO, VX_TRANS_CUT, 0}};
    p.segs = segs, p.n_segs = 3;
    CHECK(vx_timeline_init(ctx, &p, &si, &tl) == 0, "three ranges refused");
    CHECK(tl.frames == 120 && NEAR(tl.duration, 4), "three ranges: %lld frames, %g s",
          (long long)tl.frames, tl.duration);
    CHECK(NEAR(tl.segs[1].out_start, 1) && NEAR(tl.segs[1].out_end, 2) &&
          NEAR(tl.segs[2].out_start, 2) && NEAR(tl.segs[2].out_end, 4), "output placement");
    /* frame n (30 fps) -> recording time, at and around each boundary */
    static const struct { int64_t n; double rec; int seg; } at[] = {
        {0, 0, 0},       {15, 0.5, 0},  {29, 29 / 30.0, 0},
        {30, 2, 1},      /* the first frame of the second range: exactly its start */
        {31, 2 + 2 / 30.0, 1}, {45, 3, 1}, {59, 2 + 2 * 29 / 30.0, 1},
        {60, 5, 2},      /* the third range's start */
        {61, 5 + 0.5 / 30, 2}, {119, 5 + 0.5 * 59 / 30.0, 2},
    };
    for (size_t i = 0; i < sizeof(at) / sizeof(at[0]); i++) {
        int seg = -1;
        const double t = vx_timeline_time(&tl, at[i].n);
        const double rec = vx_timeline_src_time(&tl, t, &seg);
        CHECK(NEAR(t, at[i].n / 30.0), "frame %lld at %g s", (long long)at[i].n, t);
        CHECK(fabs(rec - at[i].rec) < 1e-9 && seg == at[i].seg, "frame %lld (%g s): recording "
              "%.9f s in range %d, expected %.9f s in range %d", (long long)at[i].n, t, rec, seg,
              at[i].rec, at[i].seg);
    }
    /* never before a range's start, even a hair before the boundary from rounding */
    CHECK(vx_timeline_src_time(&tl, 1 - 1e-12, NULL) >= 2, "the boundary's rounding went back");
    /* audio: kept at 0.5x..2x (tempo-preserved) */
    CHECK(tl.segs[0].audio_keep && tl.segs[1].audio_keep && tl.segs[2].audio_keep,
          "audio muted at 1x, 2x or 0.5x");
    vx_timeline_free(&tl);
    /* beyond 2x: muted unless asked to keep it; "mute" mutes at 1x */
    p.segs = &segs[3], p.n_segs = 1;
    CHECK(vx_timeline_init(ctx, &p, &si, &tl) == 0 && !tl.segs[0].audio_keep &&
          tl.frames == 8, "4x range: audio %d, %lld frames", tl.segs[0].audio_keep,
          (long long)tl.frames);
    vx_timeline_free(&tl);
    VxSegment keep = {8, 9, 4, VX_SEG_AUDIO_KEEP, VX_TRANS_CUT, 0}, mute = {0, 1, 1, VX_SEG_AUDIO_MUTE, VX_TRANS_CUT, 0};
    p.segs = &keep;
    CHECK(vx_timeline_init(ctx, &p, &si, &tl) == 0 && tl.segs[0].audio_keep, "keep ignored");
    vx_timeline_free(&tl);
    p.segs = &mute;
    CHECK(vx_timeline_init(ctx, &p, &si, &tl) == 0 && !tl.segs[0].audio_keep, "mute ignored");
    vx_timeline_free(&tl);

    /* a range ending past the recording is cut at its end; one starting past it is refused
     * naming the range */
    VxSegment late[2] = {{0, 1, 1, VX_SEG_AUDIO_AUTO, VX_TRANS_CUT, 0}, {9.5, 12, 1, VX_SEG_AUDIO_AUTO, VX_TRANS_CUT, 0}};
    p.segs = late, p.n_segs = 2;
    CHECK(vx_timeline_init(ctx, &p, &si, &tl) == 0 && NEAR(tl.segs[1].src_end, 10) &&
          tl.frames == 45, "range past the end: ends at %g s, %lld frames", tl.segs[1].src_end,
          (long long)tl.frames);
    vx_timeline_free(&tl);
    late[1].start = 10.5;
    CHECK(vx_timeline_init(ctx, &p, &si, &tl) < 0, "a range after the recording accepted");
    CHECK(strstr(vx_last_error(ctx), "timeline[1]") && strstr(vx_last_error(ctx), "rec.mp4"),
          "error does not name the range and file: %s", vx_last_error(ctx));

    /* a fade to black of 0.5 s into the second range: the output keeps its length (no
     * overlap); black at the cut, linear over 0.25 s on either side, untouched beyond */
    late[1].start = 9, late[1].transition = VX_TRANS_FADE_BLACK, late[1].tr_duration = 0.5;
    CHECK(vx_timeline_init(ctx, &p, &si, &tl) == 0 && tl.fades && tl.frames == 60 &&
          NEAR(tl.segs[1].fade, 0.5), "fade: %lld frames, fade %g", (long long)tl.frames,
          tl.segs[1].fade);
    static const double fades[][2] = {{1, 0}, {0.875, 0.5}, {1.125, 0.5}, {0.75, 1},
                                      {1.25, 1}, {0.5, 1}, {1.9, 1}, {0.8, 0.8}, {1.05, 0.2}};
    for (size_t i = 0; i < sizeof(fades) / sizeof(fades[0]); i++)
        CHECK(NEAR(vx_timeline_fade(tl.segs, tl.n_segs, fades[i][0]), fades[i][1]),
              "fade at %g s: %g, expected %g", fades[i][0],
              vx_timeline_fade(tl.segs, tl.n_segs, fades[i][0]), fades[i][1]);
    vx_timeline_free(&tl);
    /* half of it must fit in each side: 3 s into a 1 s range is refused, naming the key */
    late[1].tr_duration = 3;
    CHECK(vx_timeline_init(ctx, &p, &si, &tl) < 0 &&
              strstr(vx_last_error(ctx), "timeline[1].transition"),
          "a fade longer than its ranges accepted: %s", vx_last_error(ctx));
    /* a cross-fade of 0.5 s: the second range starts 0.5 s before the first ends (output
     * 1.5 s, 45 frames); in the overlap both are shown, the incoming side's weight rising
     * linearly from 0 */
    late[1].transition = VX_TRANS_CROSSFADE, late[1].tr_duration = 0.5;
    CHECK(vx_timeline_init(ctx, &p, &si, &tl) == 0 && tl.xfades && !tl.fades &&
              tl.frames == 45 && NEAR(tl.segs[1].out_start, 0.5) && NEAR(tl.duration, 1.5),
          "cross-fade: %lld frames, range 1 at %g s", (long long)tl.frames, tl.segs[1].out_start);
    int xs = -1;
    double xw = -1;
    CHECK(!vx_timeline_crossfade(&tl, 0.4, &xs, &xw) && !vx_timeline_crossfade(&tl, 1.0, &xs, &xw),
          "a cross-fade outside the overlap");
    CHECK(vx_timeline_crossfade(&tl, 0.5, &xs, &xw) && xs == 1 && NEAR(xw, 0),
          "start of the overlap: range %d, w %g", xs, xw);
    CHECK(vx_timeline_crossfade(&tl, 0.875, &xs, &xw) && xs == 1 && NEAR(xw, 0.75),
          "in the overlap: range %d, w %g", xs, xw);
    CHECK(NEAR(vx_timeline_range_time(&tl, 0, 0.875), 0.875) &&
              NEAR(vx_timeline_range_time(&tl, 1, 0.875), 9.375) &&
              NEAR(vx_timeline_src_time(&tl, 1.2, NULL), 9.7),
          "cross-fade recording times");
    vx_timeline_free(&tl);
    /* longer than a side: refused */
    late[1].tr_duration = 1.2;
    CHECK(vx_timeline_init(ctx, &p, &si, &tl) < 0 &&
              strstr(vx_last_error(ctx), "timeline[1].transition"),
          "a cross-fade longer than its ranges accepted: %s", vx_last_error(ctx));
    late[1].transition = VX_TRANS_CUT, late[1].tr_duration = 0;

    /* the project's rate wins; 29.97 is 30000/1001 exactly; an unknown source rate -> 60 */
    p.segs = NULL, p.n_segs = 0, p.fps = 60;
    CHECK(vx_timeline_init(ctx, &p, &si, &tl) == 0 && tl.frames == 600, "60 fps: %lld frames",
          (long long)tl.frames);
    vx_timeline_free(&tl);
    p.fps = 0, si = info(10, 30000, 1001);
    CHECK(vx_timeline_init(ctx, &p, &si, &tl) == 0 && tl.frames == 300 &&
          NEAR(vx_timeline_time(&tl, 300), 10.01), "29.97 fps: %lld frames, frame 300 at %.6f s",
          (long long)tl.frames, vx_timeline_time(&tl, 300));
    vx_timeline_free(&tl);
    si = info(10, 0, 1);
    CHECK(vx_timeline_init(ctx, &p, &si, &tl) == 0 && tl.frames == 600, "unknown rate: %lld "
          "frames, expected 60 fps", (long long)tl.frames);
    vx_timeline_free(&tl);
    si = info(0, 30, 1);
    CHECK(vx_timeline_init(ctx, &p, &si, &tl) < 0, "zero duration accepted");
    /* vx_timeline_shown: the output frames showing a recording-time interval (a cue), through
     * a cut, a 2x range, a 0.5x range cross-faded in and a fade to black, at 30 fps */
    {
        VxSegment g[4] = {{0, 1, 1, VX_SEG_AUDIO_AUTO, VX_TRANS_CUT, 0},
                          {2, 4, 2, VX_SEG_AUDIO_AUTO, VX_TRANS_CUT, 0},
                          {5, 6, 0.5, VX_SEG_AUDIO_AUTO, VX_TRANS_CROSSFADE, 0.5},
                          {8, 9, 1, VX_SEG_AUDIO_AUTO, VX_TRANS_FADE_BLACK, 0.25}};
        p.segs = g, p.n_segs = 4, p.fps = 0;
        si = info(10, 30, 1);
        CHECK(vx_timeline_init(ctx, &p, &si, &tl) == 0 && tl.frames == 135,
              "shown: the timeline: %lld frames", (long long)tl.frames);
        int64_t runs[4][2];
        /* by hand: within the first range, frames 3..14 (0.1 .. 0.4667 s) */
        int nr = vx_timeline_shown(&tl, 0.1, 0.48, runs);
        CHECK(nr == 1 && runs[0][0] == 3 && runs[0][1] == 15, "[0.1, 0.48): %d runs, [%lld, %lld)",
              nr, (long long)runs[0][0], (long long)runs[0][1]);
        /* a cue whose end is a frame's recording time exactly: that frame is not shown (2x:
         * frame 30 + k shows 2 + k / 15) */
        nr = vx_timeline_shown(&tl, 2.0, 2.4, runs);
        CHECK(nr == 1 && runs[0][0] == 30 && runs[0][1] == 36, "[2, 2.4): %d runs, [%lld, %lld)",
              nr, (long long)runs[0][0], (long long)runs[0][1]);
        /* across the plain cut at 1 s: contiguous in the output, one run */
        nr = vx_timeline_shown(&tl, 0.5, 2.5, runs);
        CHECK(nr == 1 && runs[0][0] == 15 && runs[0][1] == 38, "[0.5, 2.5): %d runs, [%lld, %lld)",
              nr, (long long)runs[0][0], (long long)runs[0][1]);
        /* the cut-away 1..2 s: never shown */
        CHECK(vx_timeline_shown(&tl, 1.1, 1.9, runs) == 0, "a cut-away cue shown");
        /* across the cross-fade: the outgoing 2x range shows 3.9..4 on frame 59, the incoming
         * 0.5x range (output 1.5 s on, frame 45 at weight 0) 5..5.21 on frames 46..57: two runs */
        nr = vx_timeline_shown(&tl, 3.9, 5.21, runs);
        CHECK(nr == 2 && runs[0][0] == 46 && runs[0][1] == 58 && runs[1][0] == 59 &&
                  runs[1][1] == 60,
              "[3.9, 5.21): %d runs, [%lld, %lld) [%lld, %lld)", nr, (long long)runs[0][0],
              (long long)runs[0][1], (long long)runs[1][0], (long long)runs[1][1]);
        /* against the reference, over a grid of intervals (their ends never a frame's time) */
        char want[135], got[135];
        int bad = 0;
        for (int i = 0; i < 200 && bad < 5; i++)
            for (int j = i + 1; j <= 200 && bad < 5; j++) {
                const double a = i * 0.05 + 0.0013, b = j * 0.05 + 0.0013;
                ref_shown(g, 4, 30, tl.frames, a, b, want);
                nr = vx_timeline_shown(&tl, a, b, runs);
                if (!runs_frames((const int64_t(*)[2])runs, nr, tl.frames, got) ||
                    memcmp(want, got, sizeof(want))) {
                    CHECK(0, "[%g, %g): %d runs differ from the reference", a, b, nr);
                    bad++;
                }
            }
        vx_timeline_free(&tl);
        p.segs = NULL, p.n_segs = 0;
    }
    vx_close(&ctx);
    return failures != 0;
}
