/*
 * The layer-scaled residual on the CPU: each task takes a run of (sample, channel) planes and
 * writes out = (x * scale[c] + shift[c]) + branch, in the order of the NDArray form's operations
 * (the product and the shift fused into one multiply-add where the instruction set has it).
 */
#include "layer_scale.h"

#include <stddef.h>

#include "isa.h"
#include "thread_pool.h"
#include "vector_math.h"

typedef struct {
    const sparx_layer_scale_args *args;
    int64_t planes, planes_per_task;
} job;

INLINE void run_task(void *arg, int64_t task, int worker) {
    (void) worker;
    const job *work = arg;
    const sparx_layer_scale_args *a = work->args;
    const sparx_plane_run run = sparx_planes_of_task(task, work->planes_per_task, work->planes);
    const int64_t n = a->spatial;
    unsigned int csr = sparx_flush_subnormals();
    for (int64_t plane = run.first; plane < run.end; plane++) {
        const int64_t c = plane % a->channels;
        const float scale = a->scale[c], shift = a->shift[c];
        const float *x = a->x + plane * n, *branch = a->branch + plane * n;
        float *out = a->out + plane * n;
        int64_t i = 0;
        for (; i + LANES <= n; i += LANES) {
            store_unaligned(out + i, (load_unaligned(x + i) * scale + shift) + load_unaligned(branch + i));
        }
        for (; i < n; i++) {
            out[i] = (x[i] * scale + shift) + branch[i];
        }
    }
    sparx_restore_mxcsr(csr);
}

SPARX_TASK_AT_EVERY_LEVEL(run_task)

const char *sparx_layer_scale_residual(const sparx_layer_scale_args *args, int threads, int isa_limit) {
    const int64_t planes = args->batch * args->channels;
    if (planes == 0 || args->spatial == 0) {
        return NULL;
    }
    const int64_t per_task = sparx_planes_per_task(args->spatial);
    job work = {args, planes, per_task};
    sparx_pool_run(sparx_participants(threads, planes * args->spatial), sparx_task_count(planes, per_task),
                   run_task_at(sparx_isa_level(isa_limit)), &work);
    return NULL;
}
