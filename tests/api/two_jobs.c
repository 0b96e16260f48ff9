/* Two exports at once in one process, through the public API (one context, two jobs, two
 * threads), must give the same bytes as each one alone: no state leaks between jobs.
 *
 * usage: two_jobs RECORDING TMPDIR
 * The two jobs differ (size, background, padding) so that a mix-up shows. Each job runs with
 * 2 threads in both runs: x264's output depends on its thread count, not on timing. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vexport/vexport.h"
#include "slurp.h"

typedef struct Job {
    VxContext *ctx;
    const char *json;
    char out[4096];
    int ret;
} Job;

static void *run(void *arg)
{
    Job *j = arg;
    VxProject *p = NULL;
    VxJob *job = NULL;
    j->ret = vx_project_parse(j->ctx, j->json, NULL, "two_jobs", &p);
    if (j->ret < 0)
        return NULL;
    VxExportOptions o;
    vx_default_export_options(&o);
    o.output_path = j->out;
    o.preset = "ultrafast";
    o.threads = 2;
    j->ret = vx_job_create(j->ctx, p, &o, &job);
    if (j->ret >= 0)
        j->ret = vx_job_run(job);
    vx_job_free(&job);
    vx_project_free(&p);
    return NULL;
}

static void log_cb(void *opaque, int level, const char *msg)
{
    (void)opaque;
    if (level <= VX_LOG_WARNING)
        fprintf(stderr, "vexport: %s\n", msg);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: two_jobs RECORDING TMPDIR\n");
        return 2;
    }
    VxSettings s;
    vx_default_settings(&s);
    s.log_cb = log_cb;
    VxContext *ctx = NULL;
    if (vx_open(&ctx, &s) < 0)
        return 2;
    char json[2][8192];
    snprintf(json[0], sizeof(json[0]),
             "{ \"version\": 1, \"output\": { \"width\": 320, \"height\": 180 },"
             " \"sources\": { \"screen\": \"%s\" }, \"background\": \"#203040\","
             " \"padding\": 0.08, \"radius\": 10 }", argv[1]);
    snprintf(json[1], sizeof(json[1]),
             "{ \"version\": 1, \"output\": { \"width\": 256, \"height\": 256 },"
             " \"sources\": { \"screen\": \"%s\", \"audio\": [] }, \"background\": { \"type\":"
             " \"gradient\", \"angle\": 45, \"stops\": [ { \"at\": 0, \"color\": \"#ff0000\" },"
             " { \"at\": 1, \"color\": \"#0000ff\" } ] }, \"padding\": 0.1,"
             " \"shadow\": { \"blur\": 12 } }", argv[1]);
    Job jobs[2][2]; /* [run: alone, together][job] */
    memset(jobs, 0, sizeof(jobs));
    for (int r = 0; r < 2; r++)
        for (int k = 0; k < 2; k++) {
            jobs[r][k].ctx = ctx;
            jobs[r][k].json = json[k];
            snprintf(jobs[r][k].out, sizeof(jobs[r][k].out), "%s/%s-%d.mp4", argv[2],
                     r ? "together" : "alone", k);
        }
    int failed = 0;
    /* alone: one after the other */
    for (int k = 0; k < 2; k++)
        run(&jobs[0][k]);
    /* together: two threads */
    pthread_t t[2];
    for (int k = 0; k < 2; k++)
        if (pthread_create(&t[k], NULL, run, &jobs[1][k]) != 0) {
            fprintf(stderr, "cannot start a thread\n");
            return 2;
        }
    for (int k = 0; k < 2; k++)
        pthread_join(t[k], NULL);
    for (int k = 0; k < 2; k++) {
        for (int r = 0; r < 2; r++)
            if (jobs[r][k].ret < 0) {
                printf("FAIL: job %d (%s) failed: %s\n", k, r ? "together" : "alone",
                       vx_strerror(jobs[r][k].ret));
                failed = 1;
            }
        size_t na = 0, nb = 0;
        unsigned char *a = slurp(jobs[0][k].out, &na), *b = slurp(jobs[1][k].out, &nb);
        if (!a || !b || na == 0 || na != nb || memcmp(a, b, na)) {
            printf("FAIL: job %d: %s (%zu bytes) and %s (%zu bytes) differ\n", k,
                   jobs[0][k].out, na, jobs[1][k].out, nb);
            failed = 1;
        } else {
            printf("job %d: %zu bytes, identical alone and together\n", k, na);
        }
        free(a);
        free(b);
        for (int r = 0; r < 2; r++)
            remove(jobs[r][k].out);
    }
    vx_close(&ctx);
    printf(failed ? "FAIL\n" : "PASS\n");
    return failed;
}
