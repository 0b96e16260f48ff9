/* The runtime (thread.h): clock, cancel token, condition waits, threads, the bounded queue
 * and the worker pool. FFmpeg-free (the compositor draws its slices on the pool). */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "vexport/vexport.h"
#include "thread.h"

double vx_now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* ---- cancel ---- */

void vx_cancel_init(VxCancel *c)
{
    atomic_init(&c->set, 0);
}

void vx_cancel_set(VxCancel *c)
{
    if (c)
        atomic_store(&c->set, 1);
}

void vx_cancel_reset(VxCancel *c)
{
    if (c)
        atomic_store(&c->set, 0);
}

int vx_cancel_is_set(const VxCancel *c)
{
    return c && atomic_load(&((VxCancel *)c)->set);
}

int vx_cancel_sleep(const VxCancel *c, double s)
{
    const double end = vx_now_s() + s;
    for (;;) {
        if (vx_cancel_is_set(c))
            return VX_ECANCELED;
        double left = end - vx_now_s();
        if (left <= 0)
            return 0;
        if (left > VX_CANCEL_POLL_MS * 1e-3)
            left = VX_CANCEL_POLL_MS * 1e-3;
        struct timespec ts = {0, (long)(left * 1e9)};
        nanosleep(&ts, NULL);
    }
}

static _Thread_local const VxCancel *tl_cancel;

const VxCancel *vx_cancel_enter(const VxCancel *c)
{
    const VxCancel *prev = tl_cancel;
    tl_cancel = c;
    return prev;
}

const VxCancel *vx_cancel_current(void)
{
    return tl_cancel;
}

int vx_cancel_interrupt_cb(void *opaque)
{
    return vx_cancel_is_set(opaque);
}

/* ---- condition waits ---- */

int vx_cond_init(pthread_cond_t *cv)
{
    pthread_condattr_t a;
    if (pthread_condattr_init(&a))
        return VX_ERR(ENOMEM);
    pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
    const int r = pthread_cond_init(cv, &a);
    pthread_condattr_destroy(&a);
    return r ? VX_ERR(ENOMEM) : 0;
}

int vx_cond_wait(pthread_cond_t *cv, pthread_mutex_t *mu, const VxCancel *c)
{
    if (!c) {
        pthread_cond_wait(cv, mu);
        return 0;
    }
    if (vx_cancel_is_set(c))
        return VX_ECANCELED;
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    ts.tv_nsec += VX_CANCEL_POLL_MS * 1000000L;
    if (ts.tv_nsec >= 1000000000L)
        ts.tv_sec++, ts.tv_nsec -= 1000000000L;
    pthread_cond_timedwait(cv, mu, &ts);
    return vx_cancel_is_set(c) ? VX_ECANCELED : 0;
}

/* ---- threads ---- */

int vx_thread_start(VxThread *t, void *(*fn)(void *), void *arg)
{
    t->started = pthread_create(&t->t, NULL, fn, arg) == 0;
    return t->started ? 0 : VX_ERR(EAGAIN);
}

void vx_thread_join(VxThread *t)
{
    if (t->started)
        pthread_join(t->t, NULL);
    t->started = 0;
}

/* ---- the bounded queue ---- */

struct VxQueue {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    const VxCancel *cancel;
    void (*free_item)(void *);
    size_t size;
    int cap, head, count;
    int done, status; /* the producer finished, with status */
    int abort;        /* the consumer gave up */
    unsigned char *items;
};

int vx_queue_create(int cap, size_t item_size, void (*free_item)(void *item),
                    const VxCancel *cancel, VxQueue **out)
{
    *out = NULL;
    if (cap < 1 || !item_size)
        return VX_ERR(EINVAL);
    VxQueue *q = calloc(1, sizeof(*q));
    if (!q || !(q->items = calloc((size_t)cap, item_size))) {
        free(q);
        return VX_ERR(ENOMEM);
    }
    if (pthread_mutex_init(&q->mu, NULL)) {
        free(q->items), free(q);
        return VX_ERR(ENOMEM);
    }
    if (vx_cond_init(&q->cv) < 0) {
        pthread_mutex_destroy(&q->mu);
        free(q->items), free(q);
        return VX_ERR(ENOMEM);
    }
    q->cap = cap, q->size = item_size, q->free_item = free_item, q->cancel = cancel;
    *out = q;
    return 0;
}

static void *slot(VxQueue *q, int i)
{
    return q->items + (size_t)((q->head + i) % q->cap) * q->size;
}

int vx_queue_push(VxQueue *q, const void *item, double *waited)
{
    int ret = 0;
    pthread_mutex_lock(&q->mu);
    if (q->count == q->cap && !q->abort) {
        const double t0 = vx_now_s();
        while (q->count == q->cap && !q->abort && ret == 0)
            ret = vx_cond_wait(&q->cv, &q->mu, q->cancel);
        if (waited)
            *waited += vx_now_s() - t0;
    }
    if (!ret && vx_cancel_is_set(q->cancel))
        ret = VX_ECANCELED;
    if (!ret && q->abort)
        ret = VX_ERR(EPIPE);
    if (!ret) {
        memcpy(slot(q, q->count), item, q->size);
        q->count++;
        pthread_cond_broadcast(&q->cv);
    }
    pthread_mutex_unlock(&q->mu);
    return ret;
}

static int take(VxQueue *q, void *item, double *waited, int remove)
{
    int ret = 0;
    pthread_mutex_lock(&q->mu);
    if (!q->count && !q->done) {
        const double t0 = vx_now_s();
        while (!q->count && !q->done && ret == 0)
            ret = vx_cond_wait(&q->cv, &q->mu, q->cancel);
        if (waited)
            *waited += vx_now_s() - t0;
    }
    if (!ret && vx_cancel_is_set(q->cancel))
        ret = VX_ECANCELED;
    if (!ret && q->count) {
        memcpy(item, slot(q, 0), q->size);
        if (remove) {
            q->head = (q->head + 1) % q->cap;
            q->count--;
            pthread_cond_broadcast(&q->cv);
        }
        ret = 1;
    } else if (!ret) {
        ret = q->status;
    }
    pthread_mutex_unlock(&q->mu);
    return ret;
}

int vx_queue_pop(VxQueue *q, void *item, double *waited)
{
    return take(q, item, waited, 1);
}

int vx_queue_peek(VxQueue *q, void *item, double *waited)
{
    return take(q, item, waited, 0);
}

void vx_queue_finish(VxQueue *q, int status)
{
    pthread_mutex_lock(&q->mu);
    q->done = 1;
    q->status = status > 0 ? 0 : status;
    pthread_cond_broadcast(&q->cv);
    pthread_mutex_unlock(&q->mu);
}

static void drop_all(VxQueue *q)
{
    while (q->count) {
        if (q->free_item)
            q->free_item(slot(q, 0));
        q->head = (q->head + 1) % q->cap;
        q->count--;
    }
}

void vx_queue_abort(VxQueue *q)
{
    pthread_mutex_lock(&q->mu);
    q->abort = 1;
    drop_all(q);
    pthread_cond_broadcast(&q->cv);
    pthread_mutex_unlock(&q->mu);
}

int vx_queue_count(VxQueue *q)
{
    pthread_mutex_lock(&q->mu);
    const int n = q->count;
    pthread_mutex_unlock(&q->mu);
    return n;
}

void vx_queue_free(VxQueue **pq)
{
    VxQueue *q = *pq;
    if (!q)
        return;
    drop_all(q);
    pthread_mutex_destroy(&q->mu);
    pthread_cond_destroy(&q->cv);
    free(q->items);
    free(q);
    *pq = NULL;
}

/* ---- the worker pool ---- */

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

