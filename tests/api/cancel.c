/* vx_job_cancel through the public API alone (no CLI): a job cancelled while it opens its
 * inputs, in the middle of the export and during the encoder's flush returns VX_ECANCELED
 * within a bounded time and leaves neither the output nor its temporary behind; the same job
 * run again afterwards writes the same bytes as a job that was never cancelled. Also: a job
 * whose recording is stalled in the middle of being opened (a FIFO fed a trickle: the open
 * would take minutes) returns on cancel, through FFmpeg's interrupt callback; a cancel that
 * lands inside a slow encoder's flush (veryslow: its lookahead holds most of the clip)
 * abandons it; a join job (vx_job_create_join) cancelled half-way leaves nothing and, run
 * again, writes what vx_join writes.
 *
 * usage: cancel RECORDING TMPDIR
 * A vx_job_cancel that did nothing makes every case fail (the run would return 0). */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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

static double sleep_s(double s)
{
    struct timespec ts = {(time_t)s, (long)((s - (time_t)s) * 1e9)};
    nanosleep(&ts, NULL);
    return s;
}

/* Checks a cancelled run: VX_ECANCELED, within MAX_LATENCY_S of the cancel, nothing at out
 * nor out.partial. 1 when it failed. */
static int check_cancelled(const char *what, int ret, double at, double end, const char *out)
{
    char partial[4200];
    snprintf(partial, sizeof(partial), "%s.partial", out);
    int bad = 0;
    if (ret != VX_ECANCELED) {
        fprintf(stderr, "FAIL %s: returned %d (%s), not VX_ECANCELED\n", what, ret,
                ret < 0 ? vx_strerror(ret) : "success");
        bad = 1;
    }
    if (at == 0) {
        fprintf(stderr, "FAIL %s: the cancel point was never reached\n", what);
        bad = 1;
    } else if (end - at > MAX_LATENCY_S) {
        fprintf(stderr, "FAIL %s: returned %.3f s after the cancel (max %.1f)\n", what,
                end - at, MAX_LATENCY_S);
        bad = 1;
    }
    if (exists(out) || exists(partial)) {
        fprintf(stderr, "FAIL %s: left %s behind\n", what, exists(out) ? out : partial);
        bad = 1;
    }
    if (!bad)
        printf("ok: %s: VX_ECANCELED %.3f s after the cancel, nothing left\n", what, end - at);
    return bad;
}

/* A w x h 15 fps export of screen with padding; NULL (reported) when it does not parse. */
static VxProject *plain_project(VxContext *ctx, int w, int h, const char *screen)
{
    char json[8192];
    snprintf(json, sizeof(json),
             "{\"version\":1,\"output\":{\"width\":%d,\"height\":%d,\"fps\":15},"
             "\"sources\":{\"screen\":\"%s\"},\"padding\":0.08}", w, h, screen);
    VxProject *p = NULL;
    if (vx_project_parse(ctx, json, NULL, "cancel", &p) < 0)
        fprintf(stderr, "FAIL: project: %s\n", vx_last_error(ctx));
    return p;
}

/* ---- a recording stalled while it is opened ---- */

typedef struct Trickle {
    const char *fifo, *file;
    Case *c;
    atomic_int stop;
    atomic_long sent;
} Trickle;

/* Feeds the recording into the FIFO 512 bytes every 20 ms (25 kB/s: its probing would take
 * minutes); cancels the job 0.3 s after the library opened the FIFO. */
static void *trickle_main(void *arg)
{
    Trickle *t = arg;
    int fd = open(t->fifo, O_WRONLY); /* returns once the library opens it */
    FILE *f = fopen(t->file, "rb");
    if (fd < 0 || !f) {
        if (fd >= 0)
            close(fd);
        if (f)
            fclose(f);
        return NULL;
    }
    const double t0 = now_s();
    unsigned char buf[512];
    size_t n;
    while (!atomic_load(&t->stop) && now_s() - t0 < 60 && (n = fread(buf, 1, sizeof(buf), f)) > 0) {
        if (write(fd, buf, n) != (ssize_t)n)
            break; /* the reader closed it */
        atomic_fetch_add(&t->sent, (long)n);
        if (now_s() - t0 > 0.3)
            cancel_now(t->c);
        sleep_s(0.02);
    }
    fclose(f);
    close(fd);
    return NULL;
}

static int stalled_open(VxContext *ctx, const char *recording, const char *dir)
{
    char fifo[4096], out[4096];
    snprintf(fifo, sizeof(fifo), "%s/stalled.mp4", dir);
    snprintf(out, sizeof(out), "%s/stalled-out.mp4", dir);
    if (mkfifo(fifo, 0600) != 0) {
        printf("skip: stalled open: no FIFO here (%s)\n", strerror(errno));
        return 0;
    }
    VxProject *p = plain_project(ctx, 320, 180, fifo);
    if (!p)
        return 1;
    Case c = {.when = NEVER};
    atomic_init(&c.progress_calls, 0);
    atomic_init(&c.cancelled_at, 0);
    c.job = make_job(ctx, p, out, &c);
    Trickle t = {.fifo = fifo, .file = recording, .c = &c};
    atomic_init(&t.stop, 0);
    atomic_init(&t.sent, 0);
    pthread_t th;
    pthread_create(&th, NULL, trickle_main, &t);
    const int ret = vx_job_run(c.job);
    const double end = now_s();
    atomic_store(&t.stop, 1);
    int fd = open(fifo, O_RDONLY | O_NONBLOCK); /* frees the writer if the run never opened it */
    pthread_join(th, NULL);
    if (fd >= 0)
        close(fd);
    struct stat st;
    const long size = stat(recording, &st) == 0 ? (long)st.st_size : 0;
    int bad = check_cancelled("cancel while the recording is stalled mid-open", ret,
                              atomic_load(&c.cancelled_at), end, out);
    if (atomic_load(&t.sent) >= size) {
        fprintf(stderr, "FAIL stalled open: the whole recording (%ld bytes) was fed before the "
                "run returned: the open was not stalled\n", size);
        bad = 1;
    }
    vx_job_free(&c.job);
    vx_project_free(&p);
    remove(fifo);
    return bad;
}

/* ---- a cancel inside a slow encoder's flush ---- */

typedef struct Later {
    Case *c;
    double delay;
} Later;

static void *later_main(void *arg)
{
    Later *l = arg;
    sleep_s(l->delay);
    cancel_now(l->c);
    return NULL;
}

static Later g_later;
static pthread_t g_later_th;
static atomic_int g_later_started;
static _Atomic double g_last_frame_at; /* when every frame had been sent */

static void flush_progress_cb(void *opaque, const VxProgress *p)
{
    Case *c = opaque;
    if (p->frame >= p->total && !p->done) {
        atomic_store(&g_last_frame_at, now_s());
        if (c->when == AT_FLUSH && !atomic_exchange(&g_later_started, 1)) {
            g_later = (Later){c, 0.05};
            pthread_create(&g_later_th, NULL, later_main, &g_later);
        }
    }
}

static int flush_run(VxContext *ctx, const VxProject *p, const char *out, Case *c,
                     double *flush_s)
{
    VxExportOptions o;
    vx_default_export_options(&o);
    o.output_path = out;
    o.preset = "veryslow"; /* its lookahead holds frames back: a long flush */
    o.threads = 2;
    o.no_passthrough = 1;
    o.progress_cb = flush_progress_cb;
    o.progress_opaque = c;
    atomic_store(&g_last_frame_at, 0);
    atomic_store(&g_later_started, 0);
    if (vx_job_create(ctx, p, &o, &c->job) < 0) {
        fprintf(stderr, "vx_job_create: %s\n", vx_last_error(ctx));
        exit(1);
    }
    const int ret = vx_job_run(c->job);
    *flush_s = now_s() - atomic_load(&g_last_frame_at);
    if (atomic_load(&g_later_started))
        pthread_join(g_later_th, NULL);
    vx_job_free(&c->job);
    return ret;
}

static int inside_flush(VxContext *ctx, const char *recording, const char *dir)
{
    char out[4096];
    snprintf(out, sizeof(out), "%s/flush.mp4", dir);
    /* 640x360: a flush of about a second on this machine, long enough to tell abandoning it
     * from waiting for it */
    VxProject *p = plain_project(ctx, 640, 360, recording);
    if (!p)
        return 1;
    Case ref = {.when = NEVER};
    double flush_s = 0, left_s = 0;
    if (flush_run(ctx, p, out, &ref, &flush_s) != 0) {
        fprintf(stderr, "FAIL flush: the uncancelled veryslow export failed: %s\n",
                vx_last_error(ctx));
        vx_project_free(&p);
        return 1;
    }
    remove(out);
    Case c = {.when = AT_FLUSH};
    atomic_init(&c.cancelled_at, 0);
    const int ret = flush_run(ctx, p, out, &c, &left_s);
    char what[160];
    snprintf(what, sizeof(what), "cancel 0.05 s into the encoder's flush (%.3f s uncancelled)",
             flush_s);
    const double at = atomic_load(&c.cancelled_at), end = now_s();
    int bad = check_cancelled(what, ret, at, end, out);
    /* abandoned, not awaited: it returns in well under what was left of the flush */
    const double left = flush_s - 0.05;
    if (left >= 0.3 && at > 0 && end - at > 0.5 * left) {
        fprintf(stderr, "FAIL flush: returned %.3f s after the cancel, with %.3f s of the flush "
                "left: the flush was awaited, not abandoned\n", end - at, left);
        bad = 1;
    } else if (left < 0.3) {
        printf("note: the flush took only %.3f s here: too short to tell abandoning it from "
               "waiting for it\n", flush_s);
    }
    vx_project_free(&p);
    return bad;
}

/* ---- a join job ---- */

static int join_cases(VxContext *ctx, const VxProject *p, const char *dir)
{
    char parts[2][4096], out[4096], ref[4096];
    const char *chunks[2] = {parts[0], parts[1]};
    int bad = 0;
    for (int i = 0; i < 2; i++) {
        snprintf(parts[i], sizeof(parts[i]), "%s/part-%d.mp4", dir, i);
        VxExportOptions o;
        vx_default_export_options(&o);
        o.output_path = parts[i];
        o.preset = "ultrafast";
        o.threads = 2;
        o.chunk_index = i;
        o.chunk_count = 2;
        VxJob *j = NULL;
        if (vx_job_create(ctx, p, &o, &j) < 0 || vx_job_run(j) < 0) {
            fprintf(stderr, "FAIL join: chunk %d: %s\n", i, vx_last_error(ctx));
            vx_job_free(&j);
            return 1;
        }
        vx_job_free(&j);
    }
    snprintf(out, sizeof(out), "%s/joined.mp4", dir);
    snprintf(ref, sizeof(ref), "%s/joined-ref.mp4", dir);
    VxExportOptions o;
    vx_default_export_options(&o);
    o.output_path = ref;
    if (vx_join(ctx, p, chunks, 2, &o) < 0) {
        fprintf(stderr, "FAIL join: the reference join: %s\n", vx_last_error(ctx));
        return 1;
    }
    Case c = {.when = AT_MIDDLE};
    atomic_init(&c.progress_calls, 0);
    atomic_init(&c.cancelled_at, 0);
    o.output_path = out;
    o.progress_cb = progress_cb;
    o.progress_opaque = &c;
    if (vx_job_create_join(ctx, p, chunks, 2, &o, &c.job) < 0) {
        fprintf(stderr, "FAIL join: vx_job_create_join: %s\n", vx_last_error(ctx));
        return 1;
    }
    int ret = vx_job_run(c.job);
    bad |= check_cancelled("cancel a join half-way", ret, atomic_load(&c.cancelled_at), now_s(),
                           out);
    c.when = NEVER;
    ret = vx_job_run(c.job);
    size_t n, nref;
    unsigned char *b = slurp(out, &n), *bref = slurp(ref, &nref);
    if (ret != 0 || !b || !bref || n != nref || memcmp(b, bref, n)) {
        fprintf(stderr, "FAIL join run again after a cancel: returned %d, %zu bytes, vx_join "
                "wrote %zu%s\n", ret, n, nref, b && n == nref ? " but they differ" : "");
        bad = 1;
    } else {
        printf("ok: the join job run again after a cancel wrote vx_join's %zu bytes\n", n);
    }
    VxStats st;
    if (vx_job_stats(c.job, &st) != 0 || !st.mode || strcmp(st.mode, "join")) {
        fprintf(stderr, "FAIL join: the job's stats say mode %s, not join\n",
                st.mode ? st.mode : "(none)");
        bad = 1;
    }
    free(b), free(bref);
    vx_job_free(&c.job);
    remove(out), remove(ref), remove(parts[0]), remove(parts[1]);
    return bad;
}

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
    signal(SIGPIPE, SIG_IGN); /* the trickle's reader goes away */
    fails += stalled_open(ctx, argv[1], argv[2]);
    fails += inside_flush(ctx, argv[1], argv[2]);
    fails += join_cases(ctx, p, argv[2]);
    vx_project_free(&p);
    vx_close(&ctx);
    return fails ? 1 : 0;
}
