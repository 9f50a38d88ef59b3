#define _GNU_SOURCE
#include "thread_pool.h"

#include <dlfcn.h>
#include <link.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

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

/*
 * libtorch's OpenMP runtime, where the process has loaded one. Tasks run on its threads rather than
 * on this pool's, so that the process has one set of worker threads: two sets would sleep and wake
 * in turn (each wake-up a system call and, on a virtual machine, an interrupt between processors),
 * and spinning OpenMP threads would hold the cores this pool's threads need.
 */
typedef void (*gomp_parallel_fn)(void (*)(void *), void *, unsigned, unsigned);
typedef int (*omp_thread_num_fn)(void);
static gomp_parallel_fn gomp_parallel;
static omp_thread_num_fn omp_thread_num;
static pthread_once_t gomp_once = PTHREAD_ONCE_INIT;

static int find_gomp(struct dl_phdr_info *info, size_t size, void *data) {
    (void) size;
    (void) data;
    const char *name = info->dlpi_name;
    const char *base = name == NULL ? NULL : strrchr(name, '/');
    base = base == NULL ? name : base + 1;
    if (base == NULL || strncmp(base, "libgomp", 7) != 0) {
        return 0;
    }
    void *handle = dlopen(name, RTLD_LAZY | RTLD_NOLOAD);
    if (handle == NULL) {
        return 0;
    }
    gomp_parallel_fn parallel = (gomp_parallel_fn) (uintptr_t) dlsym(handle, "GOMP_parallel");
    omp_thread_num_fn thread_num = (omp_thread_num_fn) (uintptr_t) dlsym(handle, "omp_get_thread_num");
    if (parallel == NULL || thread_num == NULL) {
        return 0;
    }
    gomp_parallel = parallel;
    omp_thread_num = thread_num;
    return 1;
}

static void resolve_gomp(void) {
    const char *choice = getenv("SPARX_KERNEL_THREADS");
    if (choice == NULL || strcmp(choice, "own") != 0) {
        dl_iterate_phdr(find_gomp, NULL);
    }
}

typedef struct {
    sparx_task_fn fn;
    void *arg;
    int64_t ntasks;
    atomic_llong next;
} gomp_job;

static void gomp_body(void *data) {
    gomp_job *job = data;
    int worker = omp_thread_num();
    for (;;) {
        int64_t task = atomic_fetch_add(&job->next, 1);
        if (task >= job->ntasks) {
            return;
        }
        job->fn(job->arg, task, worker);
    }
}

int sparx_pool_run(int threads, int64_t ntasks, sparx_task_fn fn, void *arg) {
    pthread_once(&gomp_once, resolve_gomp);
    if (gomp_parallel != NULL && threads > 1 && ntasks > 1) {
        int participants = threads < ntasks ? threads : (int) ntasks;
        gomp_job job = {fn, arg, ntasks, 0};
        gomp_parallel(gomp_body, &job, (unsigned) participants, 0);
        return participants;
    }
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
