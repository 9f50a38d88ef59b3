/*
 * A small persistent pool of worker threads that share out numbered tasks. Workers sleep on a
 * condition variable between jobs, so they do not spin against libtorch's own threads.
 */
#ifndef SPARX_THREAD_POOL_H
#define SPARX_THREAD_POOL_H

#include <stdint.h>

/* A task body: runs task number `task` on the participant numbered `worker` (0 = the caller). */
typedef void (*sparx_task_fn)(void *arg, int64_t task, int worker);

/*
 * Runs tasks 0..ntasks-1 on up to `threads` participants, the calling thread included, and returns
 * when all are done. Returns the number of participants used (at least 1). Calls from several
 * threads take turns; a task must not itself call sparx_pool_run.
 */
int sparx_pool_run(int threads, int64_t ntasks, sparx_task_fn fn, void *arg);

#endif
