#include "thread_pool.h"

#include <pthread.h>
#include <stdatomic.h>

#define MAX_WORKERS 255

/* held for a whole run, so that callers on several threads take turns */
static pthread_mutex_t run_mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t pool_mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t job_posted = PTHREAD_COND_INITIALIZER;
static pthread_cond_t job_done = PTHREAD_COND_INITIALIZER;
static int started_workers;
/* The current job; guarded by pool_mutex except next_task, which participants claim atomically. */
static uint64_t generation;
static int job_helpers;
static int helpers_pending;
static sparx_task_fn job_fn;
static void *job_arg;
static int64_t job_ntasks;
static atomic_llong next_task;

static void drain(int worker) {
    for (;;) {
        int64_t task = atomic_fetch_add(&next_task, 1);
        if (task >= job_ntasks) {
            return;
        }
        job_fn(job_arg, task, worker);
    }
}

static void *worker_main(void *arg) {
    int id = (int) (intptr_t) arg;
    uint64_t seen = 0;
    pthread_mutex_lock(&pool_mutex);
    for (;;) {
        while (generation == seen) {
            pthread_cond_wait(&job_posted, &pool_mutex);
        }
        seen = generation;
        if (id > job_helpers) {
            continue;
        }
        pthread_mutex_unlock(&pool_mutex);
        drain(id);
        pthread_mutex_lock(&pool_mutex);
        if (--helpers_pending == 0) {
            pthread_cond_signal(&job_done);
        }
    }
    return NULL;
}

/* Starts workers up to `wanted`; returns how many exist (fewer if the system refuses threads). */
static int ensure_workers(int wanted) {
    while (started_workers < wanted) {
        pthread_t thread;
        pthread_attr_t attr;
        pthread_attr_init(&attr);
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        int rc = pthread_create(&thread, &attr, worker_main, (void *) (intptr_t) (started_workers + 1));
        pthread_attr_destroy(&attr);
        if (rc != 0) {
            break;
        }
        started_workers++;
    }
    return started_workers;
}

int sparx_pool_run(int threads, int64_t ntasks, sparx_task_fn fn, void *arg) {
    int helpers = threads - 1;
    if (helpers > ntasks - 1) {
        helpers = (int) (ntasks - 1);
    }
    if (helpers > MAX_WORKERS) {
        helpers = MAX_WORKERS;
    }
    pthread_mutex_lock(&run_mutex);
    pthread_mutex_lock(&pool_mutex);
    if (helpers > 0) {
        int available = ensure_workers(helpers);
        if (available < helpers) {
            helpers = available;
        }
    }
    if (helpers <= 0) {
        pthread_mutex_unlock(&pool_mutex);
        for (int64_t task = 0; task < ntasks; task++) {
            fn(arg, task, 0);
        }
        pthread_mutex_unlock(&run_mutex);
        return 1;
    }
    job_fn = fn;
    job_arg = arg;
    job_ntasks = ntasks;
    atomic_store(&next_task, 0);
    job_helpers = helpers;
    helpers_pending = helpers;
    generation++;
    pthread_cond_broadcast(&job_posted);
    pthread_mutex_unlock(&pool_mutex);

    drain(0);

    pthread_mutex_lock(&pool_mutex);
    while (helpers_pending > 0) {
        pthread_cond_wait(&job_done, &pool_mutex);
    }
    pthread_mutex_unlock(&pool_mutex);
    pthread_mutex_unlock(&run_mutex);
    return helpers + 1;
}
