/* The runtime (thread.c): the one place the library's threads, queues and waits come from.
 * FFmpeg-free (part of the core). A clock, a cancel token, condition waits that notice a
 * cancel, a thread, one bounded queue, and the worker pool (a parallel for).
 *
 * Cancel: a VxCancel is set from any thread or a signal handler (an atomic store, nothing
 * else), so nobody can be woken at that moment; instead every blocking wait of the runtime
 * (vx_cond_wait, the queue's push, pop and peek, vx_cancel_sleep) wakes at least every
 * VX_CANCEL_POLL_MS to look at its token, and returns VX_ECANCELED once it is set. Nothing
 * waits longer than that after a cancel. */
#ifndef VX_THREAD_H
#define VX_THREAD_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>

#define VX_CANCEL_POLL_MS 10

/* Monotonic seconds (CLOCK_MONOTONIC). */
double vx_now_s(void);

/* ---- the cancel token ---- */
typedef struct VxCancel {
    atomic_int set;
} VxCancel;

void vx_cancel_init(VxCancel *c);
/* Async-signal-safe. c may be NULL (nothing happens). */
void vx_cancel_set(VxCancel *c);
void vx_cancel_reset(VxCancel *c);
/* 1 once set (0 for NULL). */
int vx_cancel_is_set(const VxCancel *c);
/* Sleeps s seconds, or less: VX_ECANCELED as soon as c is set, 0 otherwise. */
int vx_cancel_sleep(const VxCancel *c, double s);
/* The token of the job running on this thread (NULL when none): vx_job_run sets it for the
 * run's duration, so that what the run opens on its thread (containers, the camera's and the
 * audio's threads) takes it without every signature carrying it. Returns the previous one. */
const VxCancel *vx_cancel_enter(const VxCancel *c);
const VxCancel *vx_cancel_current(void);
/* AVIOInterruptCB's callback (opaque: the VxCancel): 1 to interrupt. */
int vx_cancel_interrupt_cb(void *opaque);

/* ---- condition waits ---- */
/* A condition variable on the monotonic clock (what vx_cond_wait needs). 0 or an error. */
int vx_cond_init(pthread_cond_t *cv);
/* One wait on cv (mu held), at most VX_CANCEL_POLL_MS: VX_ECANCELED when c is set (before or
 * after the wait), else 0 (woken, or the poll period passed: the caller re-checks its
 * condition). c may be NULL: a plain wait. */
int vx_cond_wait(pthread_cond_t *cv, pthread_mutex_t *mu, const VxCancel *c);

/* ---- a thread ---- */
typedef struct VxThread {
    pthread_t t;
    int started;
} VxThread;
/* 0, or VX_ERR(EAGAIN) when the system gives no thread (t->started stays 0). */
int vx_thread_start(VxThread *t, void *(*fn)(void *), void *arg);
/* Waits for it to end; nothing for a thread never started. */
void vx_thread_join(VxThread *t);

/* ---- the bounded queue ---- */
/* Items of item_size bytes copied in and out, at most cap of them; one producer says when it
 * is finished (and with which status), the consumer may give up (abort). Waits look at the
 * cancel token given at creation (may be NULL). */
typedef struct VxQueue VxQueue;
/* free_item: releases what an item holds (items left at abort or free); may be NULL. */
int vx_queue_create(int cap, size_t item_size, void (*free_item)(void *item),
                    const VxCancel *cancel, VxQueue **out);
/* Copies item in, waiting while the queue is full: 0; VX_ECANCELED (cancelled) or
 * VX_ERR(EPIPE) (the consumer aborted): the item was not taken (the caller still owns it).
 * Seconds spent waiting are added to *waited (may be NULL). */
int vx_queue_push(VxQueue *q, const void *item, double *waited);
/* Takes the oldest item into *item, waiting while the queue is empty and unfinished: 1; 0
 * when the producer finished with status 0 and nothing is left; the producer's negative
 * status; VX_ECANCELED. */
int vx_queue_pop(VxQueue *q, void *item, double *waited);
/* As pop, but leaves the item in the queue (the consumer decides whether to take it). */
int vx_queue_peek(VxQueue *q, void *item, double *waited);
/* Producer: no more items; status 0 (the end) or a negative error, which pop returns once
 * the items before it are taken. */
void vx_queue_finish(VxQueue *q, int status);
/* Consumer: takes no more; frees what is queued and what is pushed from now on is refused. */
void vx_queue_abort(VxQueue *q);
int vx_queue_count(VxQueue *q);
/* Frees what is left; *q = NULL. */
void vx_queue_free(VxQueue **q);

/* ---- the worker pool: a parallel for, the caller as one of the threads ---- */
typedef struct VxWorkers VxWorkers;
typedef void (*VxTaskFn)(void *opaque, int i, int k);
/* *out = NULL for n <= 1 (everything then runs on the caller). Fewer threads than asked when
 * the system gives fewer; 0 or a negative error. */
int vx_workers_create(int n, VxWorkers **out);
/* Runs fn[0](opaque, i, k) for every i < k (k = vx_workers_count(w)), i = 0 on the calling
 * thread, then, once all of those have returned, fn[1] likewise, and so on for the phases;
 * returns when all are done. w may be NULL (k = 1). */
void vx_workers_run(VxWorkers *w, VxTaskFn const *fn, int phases, void *opaque);
int vx_workers_count(const VxWorkers *w);
void vx_workers_free(VxWorkers **w);

#endif
