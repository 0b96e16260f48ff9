/* The runtime (src/thread.c), FFmpeg-free: the bounded queue holds at most its capacity and
 * hands items over in order, with the producer's status at the end; a cancel wakes every
 * kind of wait (a pop on an empty queue, a push on a full one, a condition wait nobody
 * signals, a sleep), also when it comes from a signal handler; an abort frees what is
 * queued and refuses what comes after; the worker pool runs every task of each phase once,
 * with all of a phase done before the next starts. Also in the ThreadSanitizer build's
 * `threads` suite. */
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vexport/vexport.h"
#include "thread.h"

#include "check.h"

/* A cancel must end a wait within this (the poll period is VX_CANCEL_POLL_MS; the rest is
 * room for a loaded machine and sanitizers). */
#define WAKE_BOUND_S 0.5

typedef struct Waiter {
    VxQueue *q;
    VxCancel *cancel;
    int op; /* 0 pop, 1 push, 2 condition wait, 3 sleep */
    atomic_int ret, finished;
    _Atomic double ended_at;
} Waiter;

static void *waiter_main(void *arg)
{
    Waiter *w = arg;
    int v = 7, ret = 0;
    pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
    pthread_cond_t cv;
    switch (w->op) {
    case 0:
        ret = vx_queue_pop(w->q, &v, NULL);
        break;
    case 1:
        ret = vx_queue_push(w->q, &v, NULL);
        break;
    case 2:
        vx_cond_init(&cv);
        pthread_mutex_lock(&mu);
        while ((ret = vx_cond_wait(&cv, &mu, w->cancel)) == 0)
            ; /* nobody signals cv: only the cancel ends this */
        pthread_mutex_unlock(&mu);
        pthread_cond_destroy(&cv);
        break;
    default:
        ret = vx_cancel_sleep(w->cancel, 60);
        break;
    }
    atomic_store(&w->ended_at, vx_now_s());
    atomic_store(&w->ret, ret);
    atomic_store(&w->finished, 1);
    return NULL;
}

static VxCancel *g_sig_cancel;

static void on_usr1(int sig)
{
    (void)sig;
    vx_cancel_set(g_sig_cancel); /* what a tool's Ctrl-C handler does */
}

/* A thread blocked in op; a cancel (from a signal handler when by_signal) ends it with
 * VX_ECANCELED within WAKE_BOUND_S, and not before. */
static void check_cancel_wakes(int op, int by_signal)
{
    static const char *names[] = {"pop on an empty queue", "push on a full queue",
                                  "condition wait", "sleep"};
    VxCancel c;
    vx_cancel_init(&c);
    VxQueue *q = NULL;
    int v = 1;
    if (vx_queue_create(1, sizeof(int), NULL, &c, &q) < 0) {
        CHECK(0, "queue_create failed");
        return;
    }
    if (op == 1)
        CHECK(vx_queue_push(q, &v, NULL) == 0, "push into an empty queue of 1");
    Waiter w = {.q = q, .cancel = &c, .op = op};
    pthread_t t;
    pthread_create(&t, NULL, waiter_main, &w);
    vx_cancel_sleep(NULL, 0.1);
    CHECK(!atomic_load(&w.finished), "%s: returned (%d) before any cancel", names[op],
          atomic_load(&w.ret));
    const double t0 = vx_now_s();
    if (by_signal) {
        g_sig_cancel = &c;
        raise(SIGUSR1);
    } else {
        vx_cancel_set(&c);
    }
    pthread_join(t, NULL);
    const double dt = atomic_load(&w.ended_at) - t0;
    CHECK(atomic_load(&w.ret) == VX_ECANCELED, "%s: returned %d after a cancel, not "
          "VX_ECANCELED", names[op], atomic_load(&w.ret));
    CHECK(dt < WAKE_BOUND_S, "%s%s: woke %.3f s after the cancel (bound %.1f s)", names[op],
          by_signal ? " (cancel from a signal handler)" : "", dt, WAKE_BOUND_S);
    if (op == 1)
        CHECK(vx_queue_count(q) == 1, "a cancelled push took its item anyway");
    /* reset: the token no longer cancels, and the queue works again */
    vx_cancel_reset(&c);
    CHECK(!vx_cancel_is_set(&c), "reset left the token set");
    if (op == 0) {
        CHECK(vx_queue_push(q, &v, NULL) == 0, "push after a reset");
        int got = 0;
        CHECK(vx_queue_pop(q, &got, NULL) == 1 && got == 1, "pop after a reset");
    }
    vx_queue_free(&q);
}

typedef struct Producer {
    VxQueue *q;
    int n, status;
    atomic_int pushed;
} Producer;

static void *producer_main(void *arg)
{
    Producer *p = arg;
    for (int i = 0; i < p->n; i++) {
        if (vx_queue_push(p->q, &i, NULL) < 0)
            break;
        atomic_fetch_add(&p->pushed, 1);
    }
    vx_queue_finish(p->q, p->status);
    return NULL;
}

/* Capacity, order and the end status. */
static void check_queue_bounds(void)
{
    enum { CAP = 3, N = 200 };
    VxQueue *q = NULL;
    CHECK(vx_queue_create(0, sizeof(int), NULL, NULL, &q) == VX_ERR(EINVAL),
          "a queue of capacity 0 accepted");
    if (vx_queue_create(CAP, sizeof(int), NULL, NULL, &q) < 0) {
        CHECK(0, "queue_create failed");
        return;
    }
    Producer p = {.q = q, .n = N, .status = VX_ERR(EIO)};
    pthread_t t;
    pthread_create(&t, NULL, producer_main, &p);
    for (int i = 0; i < 500 && vx_queue_count(q) < CAP; i++)
        vx_cancel_sleep(NULL, 0.01);
    vx_cancel_sleep(NULL, 0.1); /* the producer filled the queue: it must be waiting now */
    CHECK(atomic_load(&p.pushed) == CAP, "the producer pushed %d items into a queue of %d "
          "nobody pops", atomic_load(&p.pushed), CAP);
    CHECK(vx_queue_count(q) == CAP, "the queue holds %d items, capacity %d", vx_queue_count(q),
          CAP);
    int got = -1, expect = 0, ret;
    CHECK(vx_queue_peek(q, &got, NULL) == 1 && got == 0, "peek: %d, not the first item", got);
    CHECK(vx_queue_count(q) == CAP, "peek took the item");
    while ((ret = vx_queue_pop(q, &got, NULL)) == 1) {
        CHECK(got == expect, "popped %d, expected %d (order)", got, expect);
        CHECK(vx_queue_count(q) <= CAP, "more than the capacity queued");
        expect++;
    }
    pthread_join(t, NULL);
    CHECK(expect == N, "popped %d items of %d", expect, N);
    CHECK(ret == VX_ERR(EIO), "the end returned %d, not the producer's status %d", ret,
          VX_ERR(EIO));
    vx_queue_free(&q);
}

static atomic_int g_freed;

static void free_item(void *item)
{
    (void)item;
    atomic_fetch_add(&g_freed, 1);
}

/* The consumer gives up: what is queued is freed, a push waiting on a full queue and every
 * later push are refused. */
static void check_queue_abort(void)
{
    VxQueue *q = NULL;
    if (vx_queue_create(2, sizeof(int), free_item, NULL, &q) < 0) {
        CHECK(0, "queue_create failed");
        return;
    }
    Producer p = {.q = q, .n = 10};
    pthread_t t;
    pthread_create(&t, NULL, producer_main, &p);
    for (int i = 0; i < 500 && vx_queue_count(q) < 2; i++)
        vx_cancel_sleep(NULL, 0.01);
    vx_queue_abort(q);
    pthread_join(t, NULL); /* would hang if the waiting push were not woken */
    CHECK(atomic_load(&g_freed) == 2, "abort freed %d items, 2 were queued",
          atomic_load(&g_freed));
    int v = 0;
    CHECK(vx_queue_push(q, &v, NULL) == VX_ERR(EPIPE), "a push after abort was taken");
    vx_queue_free(&q);
    CHECK(atomic_load(&g_freed) == 2, "an item was freed twice");
}

typedef struct PoolRun {
    int k;
    atomic_int ran0[8], ran1[8];
    atomic_int early; /* a phase-1 task that saw phase 0 unfinished */
    atomic_int bad_k;
} PoolRun;

static void phase0(void *opaque, int i, int k)
{
    PoolRun *r = opaque;
    if (k != r->k)
        atomic_store(&r->bad_k, k);
    atomic_fetch_add(&r->ran0[i], 1);
}

static void phase1(void *opaque, int i, int k)
{
    PoolRun *r = opaque;
    for (int j = 0; j < k; j++)
        if (atomic_load(&r->ran0[j]) != 1)
            atomic_store(&r->early, 1);
    atomic_fetch_add(&r->ran1[i], 1);
}

static void check_pool(void)
{
    VxWorkers *w = NULL;
    CHECK(vx_workers_create(1, &w) == 0 && !w, "a pool of 1 thread is not NULL");
    CHECK(vx_workers_count(NULL) == 1, "no pool counts %d tasks", vx_workers_count(NULL));
    if (vx_workers_create(4, &w) < 0 || !w) {
        CHECK(0, "workers_create(4) failed");
        return;
    }
    const int k = vx_workers_count(w);
    CHECK(k == 4, "a pool of 4 runs %d tasks", k);
    static const VxTaskFn fns[2] = {phase0, phase1};
    for (int round = 0; round < 200; round++) {
        PoolRun r;
        memset(&r, 0, sizeof(r));
        r.k = k;
        vx_workers_run(w, fns, 2, &r);
        int ok = !atomic_load(&r.early) && !atomic_load(&r.bad_k);
        for (int i = 0; i < k; i++)
            ok &= atomic_load(&r.ran0[i]) == 1 && atomic_load(&r.ran1[i]) == 1;
        CHECK(ok, "round %d: a task ran other than once per phase, or phase 1 began before "
              "phase 0 ended", round);
        if (!ok)
            break;
    }
    vx_workers_free(&w);
    CHECK(!w, "free left the pointer");
}

/* The running job's token is per thread. */
static void *current_main(void *arg)
{
    *(const VxCancel **)arg = vx_cancel_current();
    return NULL;
}

static void check_current(void)
{
    VxCancel a, b;
    vx_cancel_init(&a), vx_cancel_init(&b);
    CHECK(vx_cancel_current() == NULL, "a token before any job");
    CHECK(vx_cancel_enter(&a) == NULL, "enter returned a previous token");
    CHECK(vx_cancel_enter(&b) == &a && vx_cancel_current() == &b, "nested enter");
    const VxCancel *other = &a;
    pthread_t t;
    pthread_create(&t, NULL, current_main, &other);
    pthread_join(t, NULL);
    CHECK(other == NULL, "another thread sees this thread's token");
    vx_cancel_enter(&a);
    CHECK(vx_cancel_enter(NULL) == &a && !vx_cancel_current(), "leave");
    vx_cancel_set(&a);
    CHECK(vx_cancel_interrupt_cb(&a) == 1 && vx_cancel_interrupt_cb(&b) == 0,
          "the interrupt callback does not follow the token");
}

int main(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_usr1;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGUSR1, &sa, NULL);

    const double t0 = vx_now_s();
    CHECK(vx_cancel_sleep(NULL, 0.05) == 0, "a sleep without a token was cancelled");
    const double slept = vx_now_s() - t0;
    CHECK(slept >= 0.05 && slept < 1, "slept %.3f s for 0.05 s (monotonic clock)", slept);

    check_queue_bounds();
    check_queue_abort();
    for (int op = 0; op < 4; op++)
        check_cancel_wakes(op, 0);
    check_cancel_wakes(0, 1);
    check_cancel_wakes(2, 1);
    check_pool();
    check_current();
    if (!failures)
        printf("thread: queue, cancel, pool ok\n");
    return failures != 0;
}
