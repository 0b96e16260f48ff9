/* The worker pool (pipeline.c): FFmpeg-free. */
#ifndef VX_WORKERS_H
#define VX_WORKERS_H

/* A parallel for: n - 1 threads, and the caller as the n-th. */
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
