/*
 * Numbered tasks shared out among threads: those of libtorch's OpenMP runtime where the process has
 * loaded one (thread_pool.c says why), else a small persistent pool whose workers sleep on a
 * condition variable between jobs.
 */
#ifndef SPARX_THREAD_POOL_H
#define SPARX_THREAD_POOL_H

#include <stdint.h>

/* A task body: runs task number `task` on the participant numbered `worker` (0 = the caller). */
typedef void (*sparx_task_fn)(void *arg, int64_t task, int worker);

/*
 * Runs tasks 0..ntasks-1 on up to `threads` participants, the calling thread included, and returns
 * when all are done. Returns the number of participants used (at least 1). On OpenMP each calling
 * thread has its own team; on the pthread pool calls from several threads take turns. A task must
 * not itself call sparx_pool_run.
 */
int sparx_pool_run(int threads, int64_t ntasks, sparx_task_fn fn, void *arg);

/*
 * The participants worth waking for `elements` elements of light (memory-bound) work: at most
 * `threads`, and one per 32768 elements, libtorch's grain size for the same reason. Waking a
 * sleeping thread costs tens of microseconds on a virtual machine, more than a small map's work.
 */
static inline int sparx_participants(int threads, int64_t elements) {
    int64_t useful = elements / 32768;
    if (useful < 1) {
        return 1;
    }
    return useful < threads ? (int) useful : threads;
}

/*
 * How many consecutive planes of `plane_elements` elements one task should cover: enough for about
 * 4096 elements, so that the small maps of late stages (1280 planes of 14x14) are not handed out
 * one claim of the shared counter at a time.
 */
static inline int64_t sparx_planes_per_task(int64_t plane_elements) {
    int64_t planes = 4096 / (plane_elements < 1 ? 1 : plane_elements);
    return planes < 1 ? 1 : planes;
}

/* The tasks that cover `planes` planes `per_task` at a time. */
static inline int64_t sparx_task_count(int64_t planes, int64_t per_task) {
    return (planes + per_task - 1) / per_task;
}

/* The planes [first, end) of task number `task` of those. */
typedef struct {
    int64_t first, end;
} sparx_plane_run;

static inline sparx_plane_run sparx_planes_of_task(int64_t task, int64_t per_task, int64_t planes) {
    int64_t first = task * per_task;
    return (sparx_plane_run){first, first + per_task < planes ? first + per_task : planes};
}

#endif
