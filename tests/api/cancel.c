/* vx_job_cancel through the public API alone (no CLI): a job cancelled while it opens its
 * inputs, in the middle of the export and during the encoder's flush returns VX_ECANCELED
 * within a bounded time and leaves neither the output nor its temporary behind; the same job
 * run again afterwards writes the same bytes as a job that was never cancelled.
 *
 * usage: cancel RECORDING TMPDIR
 * A vx_job_cancel that did nothing makes every case fail (the run would return 0). */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "vexport/vexport.h"
#include "slurp.h"

/* Bound on the time from vx_job_cancel to vx_job_run's return; the library aims at 0.5 s at
 * 4K, this leaves room for sanitizer builds on a loaded machine with a small clip. */
#define MAX_LATENCY_S 2.0

enum { AT_OPEN, AT_MIDDLE, AT_FLUSH, NEVER };

typedef struct Case {
    VxJob *job;
    int when;
    atomic_int progress_calls;
    _Atomic double cancelled_at; /* monotonic seconds, 0 until cancelled */
} Case;

static Case *g_case; /* the log callback belongs to the context, not the job */

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void cancel_now(Case *c)
{
    if (atomic_load(&c->cancelled_at) == 0) {
        atomic_store(&c->cancelled_at, now_s());
        vx_job_cancel(c->job);
    }
}

static void log_cb(void *opaque, int level, const char *msg)
{
    (void)opaque;
    if (level <= VX_LOG_WARNING)
        fprintf(stderr, "vexport: %s\n", msg);
    /* the first message of a run comes while it opens its inputs and the encoder */
    if (g_case && g_case->when == AT_OPEN)
        cancel_now(g_case);
}

static void progress_cb(void *opaque, const VxProgress *p)
{
    Case *c = opaque;
    atomic_fetch_add(&c->progress_calls, 1);
    if (c->when == AT_MIDDLE && p->frame >= p->total / 2)
        cancel_now(c);
    if (c->when == AT_FLUSH && p->frame >= p->total && !p->done)
        cancel_now(c); /* every frame is sent: what is left is the encoder's flush */
}

static int exists(const char *path)
{
    return access(path, F_OK) == 0;
}

static VxJob *make_job(VxContext *ctx, const VxProject *p, const char *out, Case *c)
{
    VxExportOptions o;
    vx_default_export_options(&o);
    o.output_path = out;
    o.preset = "ultrafast";
    o.threads = 2; /* x264's output depends on its thread count: fixed for the comparison */
    o.no_passthrough = 1;
    o.progress_cb = progress_cb;
    o.progress_opaque = c;
    VxJob *job = NULL;
    if (vx_job_create(ctx, p, &o, &job) < 0) {
        fprintf(stderr, "vx_job_create: %s\n", vx_last_error(ctx));
        exit(1);
    }
    return job;
}

static const char *names[] = {"while opening", "mid-export", "during the encoder flush"};

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: cancel RECORDING TMPDIR\n");
        return 2;
    }
    VxSettings s;
    vx_default_settings(&s);
    s.log_cb = log_cb;
    s.log_level = VX_LOG_VERBOSE;
    VxContext *ctx = NULL;
    if (vx_open(&ctx, &s) < 0)
        return 1;
    char json[4096];
    snprintf(json, sizeof(json),
             "{\"version\":1,\"output\":{\"width\":320,\"height\":180,\"fps\":15},"
             "\"sources\":{\"screen\":\"%s\"},"
             "\"background\":{\"type\":\"solid\",\"color\":\"#336699\"},"
             "\"padding\":0.08,\"radius\":12}", argv[1]);
    VxProject *p = NULL;
    if (vx_project_parse(ctx, json, NULL, "cancel", &p) < 0) {
        fprintf(stderr, "project: %s\n", vx_last_error(ctx));
        return 1;
    }
    char out[4096], partial[4200], ref[4096];
    snprintf(out, sizeof(out), "%s/out.mp4", argv[2]);
    snprintf(partial, sizeof(partial), "%s.partial", out);
    snprintf(ref, sizeof(ref), "%s/ref.mp4", argv[2]);
    int fails = 0;

    /* the reference: the same export, never cancelled */
    Case rc = {.when = NEVER};
    g_case = &rc;
    rc.job = make_job(ctx, p, ref, &rc);
    int ret = vx_job_run(rc.job);
    vx_job_free(&rc.job);
    if (ret < 0) {
        fprintf(stderr, "reference export: %s\n", vx_last_error(ctx));
        return 1;
    }
    size_t nref;
    unsigned char *bref = slurp(ref, &nref);

    for (int when = AT_OPEN; when <= AT_FLUSH; when++) {
        Case c = {.when = when};
        atomic_init(&c.progress_calls, 0);
        atomic_init(&c.cancelled_at, 0);
        g_case = &c;
        c.job = make_job(ctx, p, out, &c);
        ret = vx_job_run(c.job);
        const double end = now_s(), at = atomic_load(&c.cancelled_at);
        const int calls = atomic_load(&c.progress_calls);
        g_case = NULL;
        int bad = 0;
        if (ret != VX_ECANCELED) {
            fprintf(stderr, "FAIL cancel %s: returned %d (%s), not VX_ECANCELED\n", names[when],
                    ret, ret < 0 ? vx_strerror(ret) : "success");
            bad = 1;
        }
        if (at == 0) {
            fprintf(stderr, "FAIL cancel %s: the cancel point was never reached\n", names[when]);
            bad = 1;
        } else if (end - at > MAX_LATENCY_S) {
            fprintf(stderr, "FAIL cancel %s: returned %.3f s after the cancel (max %.1f)\n",
                    names[when], end - at, MAX_LATENCY_S);
            bad = 1;
        }
        if (when == AT_OPEN && calls != 0) {
            fprintf(stderr, "FAIL cancel %s: %d frames were still reported\n", names[when], calls);
            bad = 1;
        }
        if (exists(out) || exists(partial)) {
            fprintf(stderr, "FAIL cancel %s: left %s behind\n", names[when],
                    exists(out) ? out : partial);
            bad = 1;
        }
        if (!bad)
            printf("ok: cancel %s: VX_ECANCELED %.3f s after the cancel, nothing left\n",
                   names[when], end - at);
        fails += bad;

        /* the same job again, not cancelled this time: the complete file, as the reference */
        if (when == AT_MIDDLE) {
            c.when = NEVER;
            g_case = &c;
            ret = vx_job_run(c.job);
            g_case = NULL;
            size_t n;
            unsigned char *b = slurp(out, &n);
            if (ret != 0 || !b || n != nref || memcmp(b, bref, n)) {
                fprintf(stderr, "FAIL run again after a cancel: returned %d, %zu bytes, the "
                        "reference has %zu%s\n", ret, n, nref,
                        b && n == nref ? " but they differ" : "");
                fails++;
            } else {
                printf("ok: the job run again after a cancel wrote the reference's %zu bytes\n",
                       n);
            }
            free(b);
            remove(out);
        }
        vx_job_free(&c.job);
    }
    free(bref);
    remove(ref);
    vx_project_free(&p);
    vx_close(&ctx);
    return fails ? 1 : 0;
}
