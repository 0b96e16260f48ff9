/* Cancel latency through the public API: N exports of a recording to a styled 4K output, each
 * cancelled from another thread at a random point of its first seconds; prints the time from
 * vx_job_cancel to vx_job_run's return (median and max), and fails if a run did not return
 * VX_ECANCELED or left the output or its temporary behind.
 *
 * usage: cancel RECORDING OUTDIR [RUNS=20] [MAX_DELAY_S=3] [SEED=1]
 *   build/vexport synth -o /tmp/rec4k.mp4 --size 3840x2160 --seconds 10
 *   build/bench/cancel /tmp/rec4k.mp4 /tmp 20 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "bench.h"
#include "vexport/vexport.h"

typedef struct Shot {
    VxJob *job;
    double delay_s, cancelled_at;
} Shot;

static void *canceller(void *arg)
{
    Shot *s = arg;
    struct timespec ts = {(time_t)s->delay_s, (long)((s->delay_s - (time_t)s->delay_s) * 1e9)};
    nanosleep(&ts, NULL);
    s->cancelled_at = bench_clock_s(CLOCK_MONOTONIC);
    vx_job_cancel(s->job);
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: cancel RECORDING OUTDIR [RUNS=20] [MAX_DELAY_S=3] [SEED=1]\n");
        return 2;
    }
    const int runs = argc > 3 ? atoi(argv[3]) : 20;
    const double max_delay = argc > 4 ? atof(argv[4]) : 3;
    srand(argc > 5 ? (unsigned)atoi(argv[5]) : 1u);
    if (runs < 1 || runs > 1000)
        return 2;
    VxSettings st;
    vx_default_settings(&st);
    VxContext *ctx = NULL;
    if (vx_open(&ctx, &st) < 0)
        return 1;
    char json[4096], out[4096], partial[4200];
    snprintf(json, sizeof(json),
             "{\"version\":1,\"output\":{\"width\":3840,\"height\":2160,\"fps\":60},"
             "\"sources\":{\"screen\":\"%s\"},\"background\":\"#203040\","
             "\"padding\":0.06,\"radius\":18,\"shadow\":{\"blur\":40,\"opacity\":0.5}}",
             argv[1]);
    snprintf(out, sizeof(out), "%s/vx-cancel-bench.mp4", argv[2]);
    snprintf(partial, sizeof(partial), "%s.partial", out);
    VxProject *p = NULL;
    if (vx_project_parse(ctx, json, NULL, "bench", &p) < 0) {
        fprintf(stderr, "%s\n", vx_last_error(ctx));
        return 1;
    }
    double *lat = calloc((size_t)runs, sizeof(*lat));
    int bad = 0;
    for (int i = 0; i < runs && lat; i++) {
        VxExportOptions o;
        vx_default_export_options(&o);
        o.output_path = out;
        o.no_passthrough = 1;
        Shot s = {0};
        if (vx_job_create(ctx, p, &o, &s.job) < 0)
            return 1;
        s.delay_s = max_delay * rand() / RAND_MAX;
        pthread_t th;
        pthread_create(&th, NULL, canceller, &s);
        const int ret = vx_job_run(s.job);
        const double end = bench_clock_s(CLOCK_MONOTONIC);
        pthread_join(th, NULL);
        lat[i] = end - s.cancelled_at;
        const int left = access(out, F_OK) == 0 || access(partial, F_OK) == 0;
        printf("run %2d: cancel at %.2f s, %s %.3f s later%s\n", i + 1, s.delay_s,
               ret == VX_ECANCELED ? "VX_ECANCELED" : "NOT CANCELLED", lat[i],
               left ? ", OUTPUT LEFT BEHIND" : "");
        bad |= ret != VX_ECANCELED || left || lat[i] < 0;
        remove(out);
        vx_job_free(&s.job);
    }
    double mx = 0;
    for (int i = 0; i < runs; i++)
        mx = lat[i] > mx ? lat[i] : mx;
    printf("cancel latency over %d runs at 3840x2160: median %.3f s, max %.3f s\n", runs,
           bench_median(lat, runs), mx);
    free(lat);
    vx_project_free(&p);
    vx_close(&ctx);
    return bad;
}
