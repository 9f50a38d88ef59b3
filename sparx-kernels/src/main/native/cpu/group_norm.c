/*
 * GroupNorm(1, C) on the CPU in two passes over the input, threaded across (sample, channel)
 * planes:
 *   1. each plane's sum and sum of squares, accumulated in double (a float's square is exact in
 *      double, so the variance E[x^2] - E[x]^2 keeps about 1e-10 relative accuracy at the sizes
 *      of a network, far from float32's cancellation);
 *   2. per sample, mean and 1/sqrt(var + eps), biased variance as torch's group_norm; then per
 *      plane y = (x - mean) s + beta with s = gamma rstd, in float32 with the mean as a pair of
 *      floats (plane_normalise): a single float mean would lose the digits of a mean much larger
 *      than the spread, and x s + (beta - mean s) would cancel. Relative L2 error at most 5e-8
 *      against the float64 definition in GroupNormalizationTest (2.5e-8 in double), with twice
 *      the lanes per instruction of the double form.
 * libtorch's layer norm, which the NDArray form runs, first materialises the per-channel affine
 * over the whole (C, H, W) shape and reads it back: two passes fewer here.
 */
#include "group_norm.h"

#include <math.h>
#include <stdlib.h>

#include "isa.h"
#include "thread_pool.h"
#include "vector_math.h"

typedef struct {
    const sparx_group_norm_args *args;
    double *sums; /* per plane: sum, sum of squares */
    double *scale_shift; /* per sample: mean, rstd */
    int64_t planes, planes_per_task;
} job;

INLINE void plane_sums(const job *work, int64_t plane) {
    const int64_t n = work->args->spatial;
    const float *x = work->args->input + plane * n;
    vd4 sum = {0, 0, 0, 0}, squares = {0, 0, 0, 0};
    int64_t i = 0;
    for (; i + LANES <= n; i += LANES) {
        vf v = load_unaligned(x + i);
        vd4 lo = __builtin_convertvector(__builtin_shufflevector(v, v, 0, 1, 2, 3), vd4);
        vd4 hi = __builtin_convertvector(__builtin_shufflevector(v, v, 4, 5, 6, 7), vd4);
        sum += lo + hi;
        squares += lo * lo + hi * hi;
    }
    double s = sum[0] + sum[1] + sum[2] + sum[3];
    double q = squares[0] + squares[1] + squares[2] + squares[3];
    for (; i < n; i++) {
        s += x[i];
        q += (double) x[i] * x[i];
    }
    work->sums[2 * plane] = s;
    work->sums[2 * plane + 1] = q;
}

INLINE void plane_normalise(const job *work, int64_t plane) {
    const sparx_group_norm_args *a = work->args;
    const int64_t n = a->spatial, c = plane % a->channels, sample = plane / a->channels;
    const double mean = work->scale_shift[2 * sample];
    /* the mean as a float pair: x - mean_hi is exact where x is within a factor of 2 of it (Sterbenz),
     * which a mean much larger than the spread guarantees, and subtracting mean_lo then leaves
     * x - mean to two roundings */
    const float mean_hi = (float) mean, mean_lo = (float) (mean - mean_hi);
    const float scale = (float) (a->weight[c] * work->scale_shift[2 * sample + 1]);
    const float shift = a->bias[c];
    const float *x = a->input + plane * n;
    float *y = a->out + plane * n;
    int64_t i = 0;
    for (; i + LANES <= n; i += LANES) {
        store_unaligned(y + i, ((load_unaligned(x + i) - mean_hi) - mean_lo) * scale + shift);
    }
    for (; i < n; i++) {
        y[i] = ((x[i] - mean_hi) - mean_lo) * scale + shift;
    }
}

/* A task is a run of consecutive planes (sparx_planes_per_task) of one pass, subnormals flushed. */
INLINE void run_pass(void *arg, int64_t task, int normalise) {
    const job *work = arg;
    const sparx_plane_run run = sparx_planes_of_task(task, work->planes_per_task, work->planes);
    unsigned int csr = sparx_flush_subnormals();
    for (int64_t plane = run.first; plane < run.end; plane++) {
        if (normalise) {
            plane_normalise(work, plane);
        } else {
            plane_sums(work, plane);
        }
    }
    sparx_restore_mxcsr(csr);
}

INLINE void sums_task(void *arg, int64_t task, int worker) {
    (void) worker;
    run_pass(arg, task, 0);
}

INLINE void normalise_task(void *arg, int64_t task, int worker) {
    (void) worker;
    run_pass(arg, task, 1);
}

SPARX_TASK_AT_EVERY_LEVEL(sums_task)
SPARX_TASK_AT_EVERY_LEVEL(normalise_task)

const char *sparx_group_norm(const sparx_group_norm_args *args, int threads, int isa_limit) {
    const int64_t planes = args->batch * args->channels;
    if (planes == 0 || args->spatial == 0) {
        return NULL;
    }
    double *sums = malloc((size_t) planes * 2 * sizeof(double));
    double *scale_shift = malloc((size_t) args->batch * 2 * sizeof(double));
    if (sums == NULL || scale_shift == NULL) {
        free(sums);
        free(scale_shift);
        return "out of memory for the norm's statistics";
    }
    const int level = sparx_isa_level(isa_limit);
    const int participants = sparx_participants(threads, planes * args->spatial);
    const int64_t per_task = sparx_planes_per_task(args->spatial);
    const int64_t tasks = sparx_task_count(planes, per_task);
    job work = {args, sums, scale_shift, planes, per_task};
    sparx_pool_run(participants, tasks, sums_task_at(level), &work);
    const double count = (double) (args->channels * args->spatial);
    for (int64_t b = 0; b < args->batch; b++) {
        double s = 0, q = 0;
        for (int64_t c = 0; c < args->channels; c++) {
            s += sums[2 * (b * args->channels + c)];
            q += sums[2 * (b * args->channels + c) + 1];
        }
        double mean = s / count;
        double variance = q / count - mean * mean;
        scale_shift[2 * b] = mean;
        scale_shift[2 * b + 1] = 1.0 / sqrt((variance > 0 ? variance : 0) + args->eps);
    }
    sparx_pool_run(participants, tasks, normalise_task_at(level), &work);
    free(sums);
    free(scale_shift);
    return NULL;
}
