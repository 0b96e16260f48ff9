/* Errors through the public API, as an embedder sees them:
 *  - a project error carries its key path, file and line as VxError fields;
 *  - a job's error is the job's own (vx_job_error), not the context's: a job that fails does
 *    not overwrite what another call on the same context left there;
 *  - reserved slots that are not zero are refused (settings and export options);
 *  - by default the library leaves FFmpeg's process-wide log alone; QUIET and ROUTE do what
 *    they say.
 *   errors TMPDIR */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libavutil/log.h>

#include "vexport/vexport.h"

#include "../unit/check.h"

static char routed[512];
static void log_cb(void *opaque, int level, const char *msg)
{
    (void)opaque;
    (void)level;
    if (strstr(msg, "ffmpeg: "))
        snprintf(routed, sizeof(routed), "%s", msg);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: errors TMPDIR\n");
        return 2;
    }
    const char *tmp = argv[1];
    VxSettings s;
    VxContext *ctx = NULL;

    /* reserved slots */
    vx_default_settings(&s);
    s.reserved[3] = &s;
    CHECK(vx_open(&ctx, &s) == VX_ERR(EINVAL) && !ctx, "a non-zero reserved slot was accepted");
    vx_default_settings(&s);
    s.reserved_int = 1;
    CHECK(vx_open(&ctx, &s) == VX_ERR(EINVAL) && !ctx, "a non-zero reserved_int was accepted");

    /* the default leaves FFmpeg's log level alone */
    av_log_set_level(AV_LOG_WARNING);
    vx_default_settings(&s);
    s.log_cb = log_cb;
    CHECK(vx_open(&ctx, &s) == 0 && ctx, "vx_open with the defaults failed");
    CHECK(av_log_get_level() == AV_LOG_WARNING, "vx_open changed FFmpeg's log level to %d",
          av_log_get_level());

    /* a project error: key path, file, no line */
    const char *bad = "{\"version\": 1, \"sources\": {\"screen\": \"rec.mp4\"},\n"
                      " \"background\": {\"type\": \"gradient\", \"angle\": \"steep\"}}";
    VxProject *p = NULL;
    VxError e;
    CHECK(vx_project_parse(ctx, bad, tmp, "my.json", &p) == VX_ERR(EINVAL) && !p,
          "a bad angle was accepted");
    CHECK(vx_last_error_info(ctx, &e) == 0, "vx_last_error_info failed");
    CHECK(e.code == VX_ERR(EINVAL), "code %d", e.code);
    CHECK(!strcmp(e.key, "background.angle"), "key is '%s', not background.angle", e.key);
    CHECK(!strcmp(e.file, "my.json"), "file is '%s', not my.json", e.file);
    CHECK(strstr(e.message, "background.angle") && !strcmp(e.message, vx_last_error(ctx)),
          "message '%s' / '%s'", e.message, vx_last_error(ctx));

    /* a JSON syntax error: the line */
    CHECK(vx_project_parse(ctx, "{\"version\": 1,\n\n  \"padding\": 0.1,,\n}", tmp, "syn.json",
                           &p) < 0, "bad JSON accepted");
    vx_last_error_info(ctx, &e);
    CHECK(e.line == 3 && !strcmp(e.file, "syn.json") && !e.key[0],
          "syntax error: line %d file '%s' key '%s'", e.line, e.file, e.key);

    /* a job that fails while it runs keeps its error to itself */
    char rec[4096], out[4096], json[8192];
    snprintf(rec, sizeof(rec), "%s/not-a-video.mp4", tmp);
    snprintf(out, sizeof(out), "%s/out.mp4", tmp);
    FILE *f = fopen(rec, "wb");
    CHECK(f && fputs("this is not a video\n", f) >= 0, "cannot write %s", rec);
    if (f)
        fclose(f);
    snprintf(json, sizeof(json), "{\"version\": 1, \"sources\": {\"screen\": \"%s\"}}", rec);
    CHECK(vx_project_parse(ctx, json, tmp, "ok.json", &p) == 0 && p, "project: %s",
          vx_last_error(ctx));
    char before[1024];
    snprintf(before, sizeof(before), "%s", vx_last_error(ctx));
    VxExportOptions o;
    vx_default_export_options(&o);
    o.output_path = out;
    o.reserved[0] = &o;
    VxJob *job = NULL;
    CHECK(vx_job_create(ctx, p, &o, &job) == VX_ERR(EINVAL) && !job,
          "a non-zero reserved slot in the export options was accepted");
    vx_default_export_options(&o);
    o.output_path = out;
    CHECK(vx_job_create(ctx, p, &o, &job) == 0 && job, "job: %s", vx_last_error(ctx));
    snprintf(before, sizeof(before), "%s", vx_last_error(ctx));
    if (job) {
        CHECK(vx_job_error(job, &e) == 0 && e.code == 0 && !e.message[0],
              "a new job has an error: %d '%s'", e.code, e.message);
        int ret = vx_job_run(job);
        CHECK(ret < 0, "an export of a file that is not a video succeeded");
        CHECK(vx_job_error(job, &e) == 0 && e.code == ret && strstr(e.message, "not-a-video.mp4"),
              "job error %d '%s' does not name the file (ret %d)", e.code, e.message, ret);
        CHECK(!strcmp(vx_last_error(ctx), before), "the job's error reached the context: '%s'",
              vx_last_error(ctx));
        vx_job_free(&job);
    }
    vx_project_free(&p);
    vx_close(&ctx);

    /* QUIET and ROUTE */
    vx_default_settings(&s);
    s.ffmpeg_log = VX_FFMPEG_LOG_QUIET;
    CHECK(vx_open(&ctx, &s) == 0 && av_log_get_level() == AV_LOG_QUIET,
          "QUIET left FFmpeg's level at %d", av_log_get_level());
    vx_close(&ctx);
    av_log_set_level(AV_LOG_INFO);
    vx_default_settings(&s);
    s.ffmpeg_log = VX_FFMPEG_LOG_ROUTE;
    s.log_cb = log_cb;
    s.log_level = VX_LOG_DEBUG;
    CHECK(vx_open(&ctx, &s) == 0, "ROUTE: vx_open failed");
    av_log(NULL, AV_LOG_ERROR, "routed message %d\n", 42);
    CHECK(strstr(routed, "routed message 42") != NULL, "ROUTE: got '%s'", routed);
    vx_close(&ctx);
    routed[0] = 0;
    av_log_set_level(AV_LOG_QUIET); /* what follows goes nowhere now: the default callback */
    av_log(NULL, AV_LOG_ERROR, "after close\n");
    CHECK(!routed[0], "a closed context still receives FFmpeg's log: '%s'", routed);

    vx_default_settings(&s);
    s.ffmpeg_log = 7;
    CHECK(vx_open(&ctx, &s) == VX_ERR(EINVAL), "ffmpeg_log 7 accepted");
    if (!failures)
        printf("errors: key paths, per-job errors, reserved slots and FFmpeg log settings ok\n");
    return failures ? 1 : 0;
}
