/* Remux-cuts planning (src/remux.c, vx_cuts_plan_packets) on packet tables written here: a
 * 30 fps recording with a keyframe every second and AAC-sized audio packets. Ranges on
 * keyframes are copied: the kept packets' timestamps are moved to follow each other without a
 * gap, the audio stays within a frame of the video at each cut; each thing that stands in the
 * way (a speed, a cut off a keyframe, a varying frame rate, audio that stops short) refuses
 * the plan with its reason. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "remux.h"

#include "check.h"
#include "unit.h"

#define VTB 15360 /* video time base 1/15360: 512 ticks a frame at 30 fps */
#define FT 512
#define ATB 48000
#define AP 1024   /* samples per audio packet */

static VxCutVPkt vp[200];
static VxCutAPkt ap[400];

/* n video frames, a keyframe every `gop`; audio for `asec` seconds */
static VxCutPackets table(int n, int gop, double asec)
{
    for (int i = 0; i < n; i++)
        vp[i] = (VxCutVPkt){(int64_t)i * FT, (int64_t)i * FT, FT, i % gop == 0};
    int na = (int)ceil(asec * ATB / AP);
    for (int i = 0; i < na; i++)
        ap[i] = (VxCutAPkt){(int64_t)i * AP, AP};
    return (VxCutPackets){vp, n, ap, na};
}

static VxContext *ctx;

/* The timeline of segs over a 4 s, 30 fps recording. */
static VxTimeline timeline(VxSegment *segs, int n)
{
    VxProject p;
    memset(&p, 0, sizeof(p));
    p.screen = "rec.mp4", p.segs = segs, p.n_segs = n;
    VxSourceInfo si;
    memset(&si, 0, sizeof(si));
    si.duration = 4, si.fps.num = 30, si.fps.den = 1;
    VxTimeline tl;
    if (vx_timeline_init(ctx, &p, &si, &tl) < 0)
        abort();
    return tl;
}

static const VxCutTimes times = {{1, VTB}, {1, ATB}, {30, 1}, 4.0};

/* The plan is refused with a reason containing `want`. */
static void refused(int line, const VxCutPackets *pk, VxSegment *segs, int n, const char *want)
{
    VxTimeline tl = timeline(segs, n);
    VxCutPlan *pl = NULL;
    char why[192] = "";
    const int ret = vx_cuts_plan_packets(pk, &times, &tl, &pl, why, sizeof(why));
    CHECK(ret == 0 && !pl, "line %d: planned (ret %d), expected \"%s\"", line, ret, want);
    CHECK(strstr(why, want), "line %d: reason \"%s\", expected \"%s\"", line, why, want);
    vx_cuts_free(&pl);
    vx_timeline_free(&tl);
}
#define REFUSED(pk, segs, n, want) refused(__LINE__, pk, segs, n, want)

int main(void)
{
    ctx = unit_context();

    /* 0-1 s and 2-3.5 s, both starting on keyframes: 30 + 45 frames, 2.5 s */
    VxCutPackets pk = table(120, 30, 4);
    VxSegment segs[2] = {{0, 1, 1, VX_SEG_AUDIO_AUTO, VX_TRANS_CUT, 0}, {2, 3.5, 1, VX_SEG_AUDIO_AUTO, VX_TRANS_CUT, 0}};
    VxTimeline tl = timeline(segs, 2);
    VxCutPlan *pl = NULL;
    char why[192] = "";
    CHECK(vx_cuts_plan_packets(&pk, &times, &tl, &pl, why, sizeof(why)) == 0 && pl,
          "keyframe cuts refused: %s", why);
    if (!pl)
        return 1;
    int64_t frames;
    double dur;
    vx_cuts_summary(pl, &frames, &dur);
    CHECK(frames == 75 && fabs(dur - 2.5) < 1e-9, "%lld frames, %g s (expected 75, 2.5)",
          (long long)frames, dur);
    CHECK(vx_cuts_stream(pl, 0) == 0 && vx_cuts_stream(pl, 1) == 1, "streams %d, %d",
          vx_cuts_stream(pl, 0), vx_cuts_stream(pl, 1));
    /* the video packets, in read order: 0..29 kept as they are, 60..104 moved back 1 s */
    AVPacket *pkt = av_packet_alloc();
    int64_t out = 0, kept = 0;
    for (int i = 0; i < 120 && !vx_cuts_done(pl); i++) {
        pkt->pts = pkt->dts = vp[i].pts;
        const int keep = vx_cuts_map(pl, 0, pkt);
        const int want = i < 30 || (i >= 60 && i < 105);
        CHECK(keep == want, "video packet %d: kept %d, expected %d", i, keep, want);
        if (keep) {
            CHECK(pkt->pts == out * FT && pkt->dts == out * FT, "video packet %d: pts %lld, "
                  "expected %lld", i, (long long)pkt->pts, (long long)(out * FT));
            out++, kept++;
        }
    }
    CHECK(kept == 75, "%lld video packets kept", (long long)kept);
    /* the audio: contiguous from 0, each range within a frame of its video, 2.5 s in all */
    int64_t next = 0, akept = 0;
    for (int i = 0; i < pk.na; i++) {
        pkt->pts = pkt->dts = ap[i].pts;
        if (!vx_cuts_map(pl, 1, pkt))
            continue;
        akept++;
        /* the first packet is the decoder's priming one before 0 */
        CHECK(akept == 1 || pkt->pts == next, "audio packet %d at %lld, expected %lld", i,
              (long long)pkt->pts, (long long)next);
        if (akept > 1 && pkt->pts == (int64_t)round(1.0 * ATB / AP) * AP)
            CHECK(fabs(ap[i].pts / (double)ATB - 2) <= 1 / 30.0, "audio at the cut comes "
                  "from %g s, not within a frame of 2 s", ap[i].pts / (double)ATB);
        next = pkt->pts + AP;
    }
    CHECK(vx_cuts_done(pl), "not done after every packet");
    CHECK(fabs(next / (double)ATB - 2.5) <= 1 / 30.0, "audio ends at %g s, video at 2.5 s",
          next / (double)ATB);
    av_packet_free(&pkt);
    vx_cuts_free(&pl);
    CHECK(!pl, "plan not cleared");
    vx_timeline_free(&tl);

    /* no audio packets: video only */
    pk.na = 0;
    tl = timeline(segs, 2);
    CHECK(vx_cuts_plan_packets(&pk, &times, &tl, &pl, why, sizeof(why)) == 0 && pl &&
          vx_cuts_stream(pl, 1) == -1, "video-only plan: %s", why);
    vx_cuts_free(&pl);
    vx_timeline_free(&tl);

    /* each reason */
    pk = table(120, 30, 4);
    VxSegment fast[1] = {{0, 2, 2, VX_SEG_AUDIO_AUTO, VX_TRANS_CUT, 0}};
    REFUSED(&pk, fast, 1, "timeline[0] plays at 2x");
    VxSegment off[2] = {{0, 1, 1, VX_SEG_AUDIO_AUTO, VX_TRANS_CUT, 0}, {2.2, 3, 1, VX_SEG_AUDIO_AUTO, VX_TRANS_CUT, 0}};
    REFUSED(&pk, off, 2, "the cut at 2.20 s is not on a keyframe (nearest 2.00 s)");
    vp[70].pts += 100; /* one frame late inside the second range */
    REFUSED(&pk, segs, 2, "frame rate varies");
    pk = table(120, 30, 1.5); /* the audio stops at 1.5 s */
    REFUSED(&pk, segs, 2, "does not reach the cut at 2.00 s");
    pk = table(120, 30, 4);
    pk.nv = 0;
    REFUSED(&pk, segs, 2, "no video packets");
    /* B-frames (decode order I P B B, shown I B B P): a range ending between a P and its
     * B-frames needs frames decoded after the range's end */
    pk = table(120, 30, 4);
    for (int i = 0; i < 120; i++) { /* pts order within each group of 3 after the keyframe */
        const int g = i % 30;
        const int64_t disp = g == 0 || g >= 28 ? i : g % 3 == 1 ? i + 2 : i - 1;
        vp[i].pts = disp * FT + 2 * FT, vp[i].dts = (int64_t)i * FT;
    }
    VxSegment mid[1] = {{0, 1.05, 1, VX_SEG_AUDIO_AUTO, VX_TRANS_CUT, 0}};
    REFUSED(&pk, mid, 1, "B-frames");
    /* ... while ranges between keyframes are closed runs in decoding order: copied */
    VxSegment keys[2] = {{0, 1, 1, VX_SEG_AUDIO_AUTO, VX_TRANS_CUT, 0}, {2, 3, 1, VX_SEG_AUDIO_AUTO, VX_TRANS_CUT, 0}};
    tl = timeline(keys, 2);
    CHECK(vx_cuts_plan_packets(&pk, &times, &tl, &pl, why, sizeof(why)) == 0 && pl,
          "keyframe cuts with B-frames refused: %s", why);
    vx_cuts_free(&pl);
    vx_timeline_free(&tl);
    vx_close(&ctx);
    return failures != 0;
}
