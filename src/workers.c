/* The worker pool (workers.h): a parallel for over phases, the caller as one of the threads.
 * FFmpeg-free (the compositor draws its slices on it). */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>

#include "vexport/vexport.h"
#include "workers.h"

struct VxWorkers {
    int n; /* tasks per run: the threads and the caller */
    pthread_t *thr;
    pthread_mutex_t mu;
    pthread_cond_t go, done;
    pthread_cond_t bar;
    VxTaskFn const *fn; /* this run's phases */
    int phases;
    void *opaque;
    int64_t round;  /* runs started */
    int pending;    /* threads not finished with this run */
    int arrived;    /* at the barrier between two phases */
    int64_t passed; /* barriers passed */
    int quit;
    struct WorkerArg {
        VxWorkers *w;
        int i;
    } *arg;
};

/* Runs the phases as task i, every thread waiting for all at the end of each but the last;
 * called and returns with w->mu held. */
static void run_phases(VxWorkers *w, VxTaskFn const *fn, int phases, void *opaque, int i)
{
    for (int p = 0; p < phases; p++) {
        pthread_mutex_unlock(&w->mu);
        fn[p](opaque, i, w->n);
        pthread_mutex_lock(&w->mu);
        if (p == phases - 1)
            break;
        const int64_t gen = w->passed;
        if (++w->arrived == w->n) {
            w->arrived = 0;
            w->passed++;
            pthread_cond_broadcast(&w->bar);
        } else {
            while (w->passed == gen)
                pthread_cond_wait(&w->bar, &w->mu);
        }
    }
}

static void *worker_main(void *p)
{
    const struct WorkerArg *a = p;
    VxWorkers *w = a->w;
    int64_t seen = 0;
    pthread_mutex_lock(&w->mu);
    for (;;) {
        while (!w->quit && w->round == seen)
            pthread_cond_wait(&w->go, &w->mu);
        if (w->quit)
            break;
        seen = w->round;
        run_phases(w, w->fn, w->phases, w->opaque, a->i);
        if (--w->pending == 0)
            pthread_cond_signal(&w->done);
    }
    pthread_mutex_unlock(&w->mu);
    return NULL;
}

int vx_workers_create(int n, VxWorkers **out)
{
    *out = NULL;
    if (n <= 1)
        return 0;
    VxWorkers *w = calloc(1, sizeof(*w));
    if (!w)
        return VX_ERR(ENOMEM);
    w->thr = calloc((size_t)n, sizeof(*w->thr));
    w->arg = calloc((size_t)n, sizeof(*w->arg));
    if (!w->thr || !w->arg) {
        free(w->thr), free(w->arg), free(w);
        return VX_ERR(ENOMEM);
    }
    pthread_mutex_init(&w->mu, NULL);
    pthread_cond_init(&w->go, NULL);
    pthread_cond_init(&w->done, NULL);
    pthread_cond_init(&w->bar, NULL);
    w->n = 1;
    for (int i = 1; i < n; i++, w->n++) {
        w->arg[i] = (struct WorkerArg){w, i};
        if (pthread_create(&w->thr[i], NULL, worker_main, &w->arg[i]) != 0)
            break; /* run with the threads there are */
    }
    *out = w;
    return 0;
}

void vx_workers_run(VxWorkers *w, VxTaskFn const *fn, int phases, void *opaque)
{
    if (!w || w->n == 1) {
        for (int p = 0; p < phases; p++)
            fn[p](opaque, 0, 1);
        return;
    }
    pthread_mutex_lock(&w->mu);
    w->fn = fn;
    w->phases = phases;
    w->opaque = opaque;
    w->pending = w->n - 1;
    w->round++;
    pthread_cond_broadcast(&w->go);
    run_phases(w, fn, phases, opaque, 0);
    while (w->pending)
        pthread_cond_wait(&w->done, &w->mu);
    pthread_mutex_unlock(&w->mu);
}

int vx_workers_count(const VxWorkers *w)
{
    return w ? w->n : 1;
}

void vx_workers_free(VxWorkers **pw)
{
    VxWorkers *w = *pw;
    if (!w)
        return;
    pthread_mutex_lock(&w->mu);
    w->quit = 1;
    pthread_cond_broadcast(&w->go);
    pthread_mutex_unlock(&w->mu);
    for (int i = 1; i < w->n; i++)
        pthread_join(w->thr[i], NULL);
    pthread_mutex_destroy(&w->mu);
    pthread_cond_destroy(&w->go);
    pthread_cond_destroy(&w->done);
    pthread_cond_destroy(&w->bar);
    free(w->thr), free(w->arg), free(w);
    *pw = NULL;
}

