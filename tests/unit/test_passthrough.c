/* The passthrough decision (src/passthrough.c): a project that changes nothing but the
 * container is copied (remux), one with kept ranges goes on to the cut planner (remux-cuts),
 * and each thing that changes the pictures, the codec or the audio sends it down the
 * composite path with its own reason, the first one found winning. */
#include <string.h>

#include <libavcodec/avcodec.h>

#include "passthrough.h"

#include "check.h"

static VxProject base_project(void)
{
    VxProject p;
    memset(&p, 0, sizeof(p));
    p.codec = VX_CODEC_H264;
    p.screen = "screen.mp4";
    p.audio_mode = VX_AUDIO_SOURCE;
    return p;
}

static VxExportOptions base_options(void)
{
    VxExportOptions o;
    memset(&o, 0, sizeof(o));
    o.crf = -1; /* not given */
    return o;
}

static VxSourceInfo base_info(void)
{
    VxSourceInfo si;
    memset(&si, 0, sizeof(si));
    si.width = 1280, si.height = 720;
    si.fps.num = 30, si.fps.den = 1;
    si.duration = 4;
    si.codec_id = AV_CODEC_ID_H264;
    si.pix_fmt = AV_PIX_FMT_YUV420P;
    si.has_audio = 1;
    si.audio_codec_id = AV_CODEC_ID_AAC;
    return si;
}

/* The mode for (p, o, si, ok) is `mode`, and the reason contains `why` (NULL: none). */
static void expect(int line, const VxProject *p, const VxExportOptions *o,
                   const VxSourceInfo *si, int ok, int mode, const char *why)
{
    const char *got = "(unset)";
    const int m = vx_passthrough_mode(p, o, si, ok, &got);
    CHECK(m == mode, "line %d: mode %d, expected %d (reason: %s)", line, m, mode,
          got ? got : "none");
    if (why)
        CHECK(got && strstr(got, why), "line %d: reason \"%s\", expected \"%s\"", line,
              got ? got : "none", why);
    else
        CHECK(!got, "line %d: a reason \"%s\" for a copy", line, got);
}
#define EXPECT(p, o, si, ok, mode, why) expect(__LINE__, p, o, si, ok, mode, why)

int main(void)
{
    VxProject p = base_project();
    VxExportOptions o = base_options();
    VxSourceInfo si = base_info();

    /* nothing changes: copied; the same with kept ranges: the planner decides */
    EXPECT(&p, &o, &si, 1, VX_PASS_REMUX, NULL);
    VxSegment segs[2] = {{0, 1, 1, VX_SEG_AUDIO_AUTO, VX_TRANS_CUT, 0},
                         {2, 3, 1, VX_SEG_AUDIO_AUTO, VX_TRANS_CUT, 0}};
    p.segs = segs, p.n_segs = 2;
    EXPECT(&p, &o, &si, 1, VX_PASS_REMUX_CUTS, NULL);
    /* a fade to black at the cut is drawn: composited */
    segs[1].transition = VX_TRANS_FADE_BLACK, segs[1].tr_duration = 0.5;
    EXPECT(&p, &o, &si, 1, VX_PASS_COMPOSITE, "the timeline fades at a cut");
    segs[1].transition = VX_TRANS_CUT, segs[1].tr_duration = 0;
    p = base_project();
    /* the same size, frame rate and codec spelled out still copy; HEVC in HEVC too */
    p.width = 1280, p.height = 720, p.fps = 30;
    EXPECT(&p, &o, &si, 1, VX_PASS_REMUX, NULL);
    p.codec = VX_CODEC_HEVC, si.codec_id = AV_CODEC_ID_HEVC;
    EXPECT(&p, &o, &si, 1, VX_PASS_REMUX, NULL);
    p = base_project(), si = base_info();
    /* NV12 and full-range 4:2:0 are 4:2:0 too; MP3, ALAC audio and no audio copy */
    si.pix_fmt = AV_PIX_FMT_NV12;
    EXPECT(&p, &o, &si, 1, VX_PASS_REMUX, NULL);
    si.pix_fmt = AV_PIX_FMT_YUVJ420P;
    EXPECT(&p, &o, &si, 1, VX_PASS_REMUX, NULL);
    si = base_info();
    si.audio_codec_id = AV_CODEC_ID_MP3;
    EXPECT(&p, &o, &si, 1, VX_PASS_REMUX, NULL);
    si.audio_codec_id = AV_CODEC_ID_ALAC;
    EXPECT(&p, &o, &si, 1, VX_PASS_REMUX, NULL);
    si.audio_codec_id = AV_CODEC_ID_OPUS, si.has_audio = 0;
    EXPECT(&p, &o, &si, 1, VX_PASS_REMUX, NULL);
    si = base_info();
    /* "audio": the recording's own track, unchanged, is still a copy; dropped audio too */
    VxAudioTrack own = {NULL, 0, 0, 0};
    p.audio_mode = VX_AUDIO_FILE, p.tracks = &own, p.n_tracks = 1;
    EXPECT(&p, &o, &si, 1, VX_PASS_REMUX, NULL);
    p.audio_mode = VX_AUDIO_NONE;
    si.audio_codec_id = AV_CODEC_ID_PCM_S16LE;
    EXPECT(&p, &o, &si, 1, VX_PASS_REMUX, NULL);
    p = base_project(), si = base_info();

    /* each reason, alone */
    o.no_passthrough = 1;
    EXPECT(&p, &o, &si, 1, VX_PASS_COMPOSITE, "--no-passthrough");
    o = base_options();
    const char *const opt[1] = {"tune=film"};
    VxExportOptions e[6] = {o, o, o, o, o, o};
    e[0].encoder = "libx264", e[1].preset = "fast", e[2].crf = 20, e[3].bitrate = 1000000;
    e[4].encoder_opts = opt, e[4].n_encoder_opts = 1;
    for (int i = 0; i < 5; i++)
        EXPECT(&p, &e[i], &si, 1, VX_PASS_COMPOSITE, "encoder settings were given");
    e[5].encoder = "auto"; /* the default, spelled out */
    EXPECT(&p, &e[5], &si, 1, VX_PASS_REMUX, NULL);
    p.width = 1920, p.height = 1080;
    EXPECT(&p, &o, &si, 1, VX_PASS_COMPOSITE, "the output size differs");
    p.width = 1280, p.height = 800;
    EXPECT(&p, &o, &si, 1, VX_PASS_COMPOSITE, "the output size differs");
    p = base_project();
    p.padding = 0.05;
    EXPECT(&p, &o, &si, 1, VX_PASS_COMPOSITE, "the screen is styled");
    p = base_project();
    p.radius = 12;
    EXPECT(&p, &o, &si, 1, VX_PASS_COMPOSITE, "the screen is styled");
    p = base_project();
    si.rotation = 90;
    EXPECT(&p, &o, &si, 1, VX_PASS_COMPOSITE, "the recording is rotated");
    si = base_info();
    p.fps = 60;
    EXPECT(&p, &o, &si, 1, VX_PASS_COMPOSITE, "the frame rate changes");
    si.fps.num = 30000, si.fps.den = 1001, p.fps = 29.97;
    EXPECT(&p, &o, &si, 1, VX_PASS_REMUX, NULL); /* within 1e-3 of 29.97002997 */
    p = base_project(), si = base_info();
    p.codec = VX_CODEC_HEVC;
    EXPECT(&p, &o, &si, 1, VX_PASS_COMPOSITE, "codec differs from the output's");
    p = base_project();
    si.codec_id = AV_CODEC_ID_VP9;
    EXPECT(&p, &o, &si, 1, VX_PASS_COMPOSITE, "codec differs from the output's");
    si = base_info();
    const int not420[3] = {AV_PIX_FMT_YUV444P, AV_PIX_FMT_YUV420P10LE, AV_PIX_FMT_YUV422P};
    for (int i = 0; i < 3; i++) {
        si.pix_fmt = not420[i];
        EXPECT(&p, &o, &si, 1, VX_PASS_COMPOSITE, "not 8-bit 4:2:0");
    }
    si = base_info();
    EXPECT(&p, &o, &si, 0, VX_PASS_COMPOSITE, "the container cannot hold");
    VxZoom z = {0};
    p.zooms = &z, p.n_zooms = 1;
    EXPECT(&p, &o, &si, 1, VX_PASS_COMPOSITE, "the screen zooms");
    p = base_project();
    p.cursor.track = "track.jsonl", p.cursor.draw = 1;
    EXPECT(&p, &o, &si, 1, VX_PASS_COMPOSITE, "the cursor is drawn");
    p.cursor.draw = 0; /* a track only used to follow nothing: not drawn */
    EXPECT(&p, &o, &si, 1, VX_PASS_REMUX, NULL);
    p = base_project();
    p.camera.path = "cam.mp4";
    EXPECT(&p, &o, &si, 1, VX_PASS_COMPOSITE, "a camera bubble is drawn");
    p = base_project(); /* sources only, no section: their layers still draw */
    p.captions = "talk.srt";
    EXPECT(&p, &o, &si, 1, VX_PASS_COMPOSITE, "captions are drawn");
    p = base_project();
    p.keys = "keys.jsonl";
    EXPECT(&p, &o, &si, 1, VX_PASS_COMPOSITE, "keystrokes are drawn");
    p = base_project();
    VxAudioTrack tr[2] = {{NULL, 0, 0, 0}, {"music.m4a", -6, 0, 0}};
    p.audio_mode = VX_AUDIO_FILE, p.tracks = tr, p.n_tracks = 2;
    EXPECT(&p, &o, &si, 1, VX_PASS_COMPOSITE, "separate audio tracks are mixed in");
    p.tracks = &tr[1], p.n_tracks = 1;
    EXPECT(&p, &o, &si, 1, VX_PASS_COMPOSITE, "separate audio tracks are mixed in");
    VxAudioTrack changed[3] = {{NULL, -3, 0, 0}, {NULL, 0, 1, 0}, {NULL, 0, 0, 0.5}};
    for (int i = 0; i < 3; i++) { /* the own track with gain, muted or moved */
        p.tracks = &changed[i];
        EXPECT(&p, &o, &si, 1, VX_PASS_COMPOSITE, "separate audio tracks are mixed in");
    }
    p = base_project();
    si.audio_codec_id = AV_CODEC_ID_PCM_S16LE;
    EXPECT(&p, &o, &si, 1, VX_PASS_COMPOSITE, "audio must be re-encoded");
    p.audio_mode = VX_AUDIO_FILE, p.tracks = &own, p.n_tracks = 1;
    EXPECT(&p, &o, &si, 1, VX_PASS_COMPOSITE, "audio must be re-encoded");
    si = base_info(), p = base_project();

    /* the first reason wins, also with kept ranges (which then never reach the planner) */
    o.no_passthrough = 1, p.padding = 0.1, p.camera.path = "cam.mp4";
    p.segs = segs, p.n_segs = 2;
    EXPECT(&p, &o, &si, 1, VX_PASS_COMPOSITE, "--no-passthrough");
    o.no_passthrough = 0;
    EXPECT(&p, &o, &si, 1, VX_PASS_COMPOSITE, "the screen is styled");
    p.padding = 0;
    EXPECT(&p, &o, &si, 1, VX_PASS_COMPOSITE, "a camera bubble is drawn");
    return failures != 0;
}
