/* vx_project_output and vx_project_json, checked against what an export really writes:
 * the export is decoded here with libavformat/libavcodec (its size, frame rate, frame count,
 * duration and audio), and the JSON, loaded again from another folder, gives the same output.
 *   project_info SCREEN.mp4 TMPDIR */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>

#include "vexport/vexport.h"

#include "../unit/check.h"

typedef struct Decoded {
    int width, height, fps_num, fps_den, has_audio;
    int64_t frames;
    double duration;
} Decoded;

/* The export as a player sees it: every video packet counted, its stream's properties. */
static int decode(const char *path, Decoded *d)
{
    AVFormatContext *fc = NULL;
    memset(d, 0, sizeof(*d));
    if (avformat_open_input(&fc, path, NULL, NULL) < 0 || avformat_find_stream_info(fc, NULL) < 0)
        return -1;
    int vi = av_find_best_stream(fc, AVMEDIA_TYPE_VIDEO, -1, -1, NULL, 0);
    if (vi < 0) {
        avformat_close_input(&fc);
        return -1;
    }
    AVStream *st = fc->streams[vi];
    d->width = st->codecpar->width;
    d->height = st->codecpar->height;
    d->fps_num = st->avg_frame_rate.num;
    d->fps_den = st->avg_frame_rate.den;
    d->has_audio = av_find_best_stream(fc, AVMEDIA_TYPE_AUDIO, -1, -1, NULL, 0) >= 0;
    d->duration = st->duration * av_q2d(st->time_base);
    AVPacket *pkt = av_packet_alloc();
    while (pkt && av_read_frame(fc, pkt) >= 0) {
        d->frames += pkt->stream_index == vi;
        av_packet_unref(pkt);
    }
    av_packet_free(&pkt);
    avformat_close_input(&fc);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: project_info SCREEN.mp4 TMPDIR\n");
        return 2;
    }
    const char *tmp = argv[2];
    char link[4096], out[4096], json[4096];
    /* the project sits in TMPDIR and names its recording relatively */
    snprintf(link, sizeof(link), "%s/rec.mp4", tmp);
    if (symlink(argv[1], link) != 0) {
        perror(link);
        return 1;
    }
    snprintf(out, sizeof(out), "%s/out.mp4", tmp);
    const char *text = "{\"version\": 1, \"sources\": {\"screen\": \"rec.mp4\"},\n"
                       " \"output\": {\"width\": 320, \"height\": 180, \"fps\": 24},\n"
                       " \"padding\": 0.05, \"background\": \"#203040\",\n"
                       " \"timeline\": [{\"start\": 0.5, \"end\": 1.5},"
                       " {\"start\": 2, \"end\": 3, \"speed\": 2}]}";
    VxSettings s;
    vx_default_settings(&s);
    s.ffmpeg_log = VX_FFMPEG_LOG_QUIET;
    VxContext *ctx = NULL;
    VxProject *p = NULL, *q = NULL;
    if (vx_open(&ctx, &s) < 0 || vx_project_parse(ctx, text, tmp, "info.json", &p) < 0) {
        printf("FAIL: project: %s\n", ctx ? vx_last_error(ctx) : "no context");
        return 1;
    }
    VxOutputInfo info, again;
    CHECK(vx_project_output(ctx, p, &info) == 0, "vx_project_output: %s", vx_last_error(ctx));

    VxExportOptions o;
    vx_default_export_options(&o);
    o.output_path = out;
    VxJob *job = NULL;
    CHECK(vx_job_create(ctx, p, &o, &job) == 0 && vx_job_run(job) == 0, "export: %s",
          vx_last_error(ctx));
    vx_job_free(&job);
    Decoded d;
    CHECK(decode(out, &d) == 0, "cannot decode %s", out);
    CHECK(info.width == d.width && info.height == d.height, "size %dx%d, the export is %dx%d",
          info.width, info.height, d.width, d.height);
    CHECK((int64_t)info.fps_num * d.fps_den == (int64_t)d.fps_num * info.fps_den,
          "rate %d/%d, the export's %d/%d", info.fps_num, info.fps_den, d.fps_num, d.fps_den);
    CHECK(info.frames == d.frames, "frames %lld, the export has %lld", (long long)info.frames,
          (long long)d.frames);
    CHECK(fabs(info.duration_s - d.duration) < 1.5 / 24, "duration %.3f s, the export's %.3f s",
          info.duration_s, d.duration);
    CHECK(info.has_audio == d.has_audio, "has_audio %d, the export %d", info.has_audio,
          d.has_audio);
    /* 1 s + 1 s at 2x = 1.5 s at 24 fps */
    CHECK(info.frames == 36, "frames %lld, expected 36 (1 s + 1 s at 2x, 24 fps)",
          (long long)info.frames);

    /* the JSON: absolute paths, the output filled in, and the same export from elsewhere */
    char *js = NULL;
    CHECK(vx_project_json(ctx, p, &js) == 0 && js, "vx_project_json: %s", vx_last_error(ctx));
    if (js) {
        CHECK(strstr(js, "\"screen\": \"/") != NULL, "sources.screen is not absolute:\n%s", js);
        snprintf(json, sizeof(json), "\"width\": %d", info.width);
        CHECK(strstr(js, json) != NULL, "output.width is not filled in:\n%s", js);
        CHECK(vx_project_parse(ctx, js, "/", "again.json", &q) == 0, "the JSON does not load "
              "again: %s\n%s", vx_last_error(ctx), js);
        CHECK(q && vx_project_output(ctx, q, &again) == 0 && again.width == info.width &&
              again.height == info.height && again.frames == info.frames &&
              again.fps_num * info.fps_den == info.fps_num * again.fps_den,
              "the JSON gives another output: %dx%d %lld frames", again.width, again.height,
              (long long)again.frames);
        vx_free(js);
    }
    /* a project whose recording is not there: an error naming it */
    VxProject *missing = NULL;
    CHECK(vx_project_parse(ctx, "{\"version\": 1, \"sources\": {\"screen\": \"gone.mp4\"}}", tmp,
                           "gone.json", &missing) == 0, "parse: %s", vx_last_error(ctx));
    CHECK(missing && vx_project_output(ctx, missing, &again) < 0 &&
          strstr(vx_last_error(ctx), "gone.mp4"), "a missing recording: '%s'",
          vx_last_error(ctx));
    vx_project_free(&missing);
    vx_project_free(&q);
    vx_project_free(&p);
    vx_close(&ctx);
    unlink(out);
    unlink(link);
    if (!failures)
        printf("project output %dx%d %d/%d fps, %lld frames, audio %d: as exported\n", info.width,
               info.height, info.fps_num, info.fps_den, (long long)info.frames, info.has_audio);
    return failures ? 1 : 0;
}
