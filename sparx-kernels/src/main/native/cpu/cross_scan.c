/*
 * The fused cross scan / selective scan / cross merge on the CPU.
 *
 * Work is split into tasks of (batch b, block of 8 channels). A task owns its 8 output rows, runs
 * all four directions over them and accumulates into a private buffer, so no two threads ever
 * write the same output element and the sum over directions needs no atomics.
 *
 * Inside a task the 8 channels are the 8 lanes of one vector, and positions are kept in spatial
 * (H, W) order in per-task scratch laid out [position][lane]:
 *   1. u is transposed into that layout (8x8 register transposes); acc = (sum_k D_k) u, the four
 *      skip terms at once;
 *   2. for each direction k, elementwise passes over all positions compute
 *      dt = softplus(delta + bias), dA - 1 = expm1(dt A) and dBu = dt B u, vectorised across the
 *      8 channels; then the recurrence h = dA h + dBu, y = C h walks the positions in direction
 *      k's order, reading the scratch in place (the four permuted copies are never made), and
 *      adds y into acc;
 *   3. acc is transposed back into the 8 rows of out.
 * All transcendental work sits in the elementwise passes, where it vectorises; the recurrence is
 * the only sequential part.
 *
 * Precision: the state h is carried in double and the decay is kept as dA - 1. A float32 state
 * with a float32 dA loses about 1e-6 (relative L2) over a 56x56 map when the decay is slow (dA
 * close to 1), from rounding dA itself and from rounding h at every step; with these two changes
 * the result stays within a few 1e-8 of the float64 definition at any decay.
 *
 * The vector code uses GCC vector extensions and is compiled twice: for AVX2+FMA (x86-64-v3),
 * used where the processor has it, and for baseline x86-64 (SSE2), so the library runs anywhere.
 */
#include "cross_scan.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "isa.h"
#include "thread_pool.h"
#include "vector_math.h"

#define DIRECTIONS 4
#define MAX_PARTICIPANTS 256

typedef double vd __attribute__((vector_size(LANES * sizeof(double))));

/* Element p of 8 rows as one vector, lane j from rows[j]. */
INLINE vf gather_rows(const float *const rows[LANES], int64_t p) {
    return (vf){rows[0][p], rows[1][p], rows[2][p], rows[3][p],
                rows[4][p], rows[5][p], rows[6][p], rows[7][p]};
}

/* Transposes an 8x8 block in registers: r[i][j] becomes r[j][i]. */
INLINE void transpose8(vf r[LANES]) {
    const vi lo_pairs = {0, 8, 1, 9, 4, 12, 5, 13};
    const vi hi_pairs = {2, 10, 3, 11, 6, 14, 7, 15};
    const vi lo_quads = {0, 1, 8, 9, 4, 5, 12, 13};
    const vi hi_quads = {2, 3, 10, 11, 6, 7, 14, 15};
    const vi lo_halves = {0, 1, 2, 3, 8, 9, 10, 11};
    const vi hi_halves = {4, 5, 6, 7, 12, 13, 14, 15};
    vf t[LANES];
    vf s[LANES];
    for (int i = 0; i < LANES; i += 2) {
        t[i] = __builtin_shuffle(r[i], r[i + 1], lo_pairs);
        t[i + 1] = __builtin_shuffle(r[i], r[i + 1], hi_pairs);
    }
    for (int i = 0; i < LANES; i += 4) {
        s[i] = __builtin_shuffle(t[i], t[i + 2], lo_quads);
        s[i + 1] = __builtin_shuffle(t[i], t[i + 2], hi_quads);
        s[i + 2] = __builtin_shuffle(t[i + 1], t[i + 3], lo_quads);
        s[i + 3] = __builtin_shuffle(t[i + 1], t[i + 3], hi_quads);
    }
    for (int i = 0; i < 4; i++) {
        r[i] = __builtin_shuffle(s[i], s[i + 4], lo_halves);
        r[i + 4] = __builtin_shuffle(s[i], s[i + 4], hi_halves);
    }
}

/*
 * log1p(v) for v in [0, 1] as v + v^2 Q(v), Q of degree 8 fitted here (near-minimax, by
 * reweighted least squares on Chebyshev points) to (log1p(v) - v) / v^2: under 1.3e-7 relative
 * error over [0, 1] in float32, with no division and no exponent extraction.
 */
INLINE vf v_log1p_unit(vf v) {
    vf q = splat(-3.319747047498822e-3f);
    q = q * v + 2.021058462560177e-2f;
    q = q * v - 5.767626315355301e-2f;
    q = q * v + 1.0681813210248947e-1f;
    q = q * v - 1.5356172621250153e-1f;
    q = q * v + 1.969567835330963e-1f;
    q = q * v - 2.4958640336990356e-1f;
    q = q * v + 3.3330515027046204e-1f;
    q = q * v - 4.999993145465851e-1f;
    return (v * v) * q + v;
}

/*
 * torch.nn.functional.softplus with beta 1 and threshold 20, as max(x, 0) + log1p(e^-|x|). Above
 * 20 the second term is below half an ulp of x, so this returns x there, as torch's threshold does;
 * below, it is log1p(e^x) without the cancellation of forming 1 + e^x first.
 */
INLINE vf v_softplus(vf x) {
    vf minus_abs = (vf) ((vi) x | (vi) splat(-0.0f));
    vf positive_part = pick(x > 0.0f, x, splat(0.0f));
    return positive_part + v_log1p_unit(v_exp_nonpositive(minus_abs));
}

/*
 * 8 lanes in double as two 4-lane halves. The conversions go through the 8-lane type, which GCC
 * turns into whole-register conversions; the state itself is kept in halves because GCC keeps a
 * 64-byte vector variable in memory on AVX2 (through general registers, 20 extra instructions and
 * a store-to-load round trip in the recurrence's dependency chain).
 */
typedef struct {
    vd4 lo, hi;
} vd_halves;

INLINE vd_halves widen(vf v) {
    vd w = __builtin_convertvector(v, vd);
    return (vd_halves){__builtin_shufflevector(w, w, 0, 1, 2, 3), __builtin_shufflevector(w, w, 4, 5, 6, 7)};
}

INLINE vf narrow(vd4 lo, vd4 hi) {
    return __builtin_convertvector(__builtin_shufflevector(lo, hi, 0, 1, 2, 3, 4, 5, 6, 7), vf);
}

/* One participant's scratch, grown on demand, never shrunk. */
typedef struct {
    vf *memory;
    size_t capacity;
} scratch;

static scratch scratches[MAX_PARTICIPANTS];
static pthread_mutex_t call_mutex = PTHREAD_MUTEX_INITIALIZER;

static int reserve(scratch *s, size_t vectors) {
    if (s->capacity >= vectors) {
        return 1;
    }
    void *memory = NULL;
    if (posix_memalign(&memory, 64, vectors * sizeof(vf)) != 0) {
        return 0;
    }
    free(s->memory);
    s->memory = memory;
    s->capacity = vectors;
    return 1;
}

/* The order in which direction k visits positions: outer x inner loops with signed strides. */
typedef struct {
    int64_t start, outer_count, outer_stride, inner_count, inner_stride;
} traversal;

static traversal direction_order(int k, int64_t height, int64_t width) {
    int64_t last = height * width - 1;
    switch (k) {
        case 0: /* row-major */
            return (traversal){0, height, width, width, 1};
        case 1: /* column-major */
            return (traversal){0, width, 1, height, width};
        case 2: /* row-major reversed */
            return (traversal){last, height, -width, width, -1};
        default: /* column-major reversed */
            return (traversal){last, width, -1, height, -width};
    }
}

/* Lane j's values of a per-channel parameter: values[(k * D + channel[j]) * stride + offset]. */
INLINE vf lane_values(const float *values, int64_t base, int64_t stride, const int64_t channel[LANES]) {
    float v[LANES];
    for (int j = 0; j < LANES; j++) {
        v[j] = values[(base + channel[j]) * stride];
    }
    return load_unaligned(v);
}

/*
 * Direction k's step sizes for the task's 8 channels from their rank-R factors, in [position][lane]
 * order: delta[p] = sum_r W[k][channel][r] low[r][p]. R multiply-adds per 8 values replace reading
 * and transposing a (B, K, D, H, W) array that the caller would otherwise have written (at stage 1
 * of T the largest array of a pass, 9.6 MB).
 */
INLINE void expand_delta(const sparx_scan_args *s, int64_t batch, int k, const int64_t channel[LANES],
                         vf *delta_t) {
    const int64_t length = s->height * s->width, rank = s->rank;
    vf weight[SPARX_MAX_EXPANDED_RANK];
    for (int64_t r = 0; r < rank; r++) {
        weight[r] = lane_values(s->delta_weight + r, k * s->channels, rank, channel);
    }
    const float *low = s->delta_low + (batch * DIRECTIONS + k) * rank * length;
    for (int64_t p = 0; p < length; p++) {
        vf sum = weight[0] * low[p];
        for (int64_t r = 1; r < rank; r++) {
            sum += weight[r] * low[r * length + p];
        }
        delta_t[p] = sum;
    }
}

/* Reads 8 rows from position p0 transposed into [position][lane] vectors at out[p0..]. */
INLINE void load_transposed(const float *const rows[LANES], int64_t length, vf *out) {
    int64_t full = length - length % LANES;
    for (int64_t p0 = 0; p0 < full; p0 += LANES) {
        vf tile[LANES];
        for (int j = 0; j < LANES; j++) {
            tile[j] = load_unaligned(rows[j] + p0);
        }
        transpose8(tile);
        for (int i = 0; i < LANES; i++) {
            out[p0 + i] = tile[i];
        }
    }
    for (int64_t p = full; p < length; p++) {
        out[p] = gather_rows(rows, p);
    }
}

/*
 * The scan of one (batch, 8-channel block) for a state size of `state`; always inlined into
 * callers that pass a constant 1 or a variable, so N = 1 gets its own specialised loops.
 * Scratch: u_t, acc, delta_t (L vectors each), decay_m1 and drive (L * N vectors each).
 */
INLINE void scan_block(const sparx_scan_args *s, int64_t batch, int64_t c0, vf *memory, const int64_t state) {
    const int64_t channels = s->channels;
    const int64_t length = s->height * s->width;
    vf *u_t = memory;
    vf *acc = u_t + length;
    vf *delta_t = acc + length;
    vf *decay_m1 = delta_t + length;
    vf *drive = decay_m1 + length * state;

    /* Lanes past the last channel repeat it; their results are computed but never written. */
    int64_t channel[LANES];
    const float *rows[LANES];
    for (int j = 0; j < LANES; j++) {
        channel[j] = c0 + j < channels ? c0 + j : channels - 1;
        rows[j] = s->u + (batch * channels + channel[j]) * length;
    }
    load_transposed(rows, length, u_t);
    vf skip = splat(0.0f);
    for (int k = 0; k < DIRECTIONS; k++) {
        skip += lane_values(s->d, k * channels, 1, channel);
    }
    for (int64_t p = 0; p < length; p++) {
        acc[p] = skip * u_t[p];
    }

    for (int k = 0; k < DIRECTIONS; k++) {
        vf a[state];
        for (int64_t n = 0; n < state; n++) {
            a[n] = lane_values(s->a + n, k * channels, state, channel);
        }
        vf bias = lane_values(s->bias, k * channels, 1, channel);
        const float *b_k = s->b + (batch * DIRECTIONS + k) * state * length;
        const float *c_k = s->c + (batch * DIRECTIONS + k) * state * length;

        if (s->delta == NULL) {
            expand_delta(s, batch, k, channel, delta_t);
        } else {
            for (int j = 0; j < LANES; j++) {
                rows[j] = s->delta + ((batch * DIRECTIONS + k) * channels + channel[j]) * length;
            }
            load_transposed(rows, length, delta_t);
        }
        /* two loops rather than one: each has half the dependency chain per position, so more
         * positions overlap in the out-of-order window */
        vf *dt = delta_t;
        for (int64_t p = 0; p < length; p++) {
            dt[p] = v_softplus(delta_t[p] + bias);
        }
        for (int64_t p = 0; p < length; p++) {
            vf dt_u = dt[p] * u_t[p];
            for (int64_t n = 0; n < state; n++) {
                decay_m1[p * state + n] = v_expm1(dt[p] * a[n]);
                drive[p * state + n] = dt_u * b_k[n * length + p];
            }
        }

        /* one walk per state component, so the state is a single register-resident vector */
        traversal order = direction_order(k, s->height, s->width);
        for (int64_t n = 0; n < state; n++) {
            vd_halves h = widen(splat(0.0f));
            for (int64_t i = 0; i < order.outer_count; i++) {
                int64_t p = order.start + i * order.outer_stride;
                for (int64_t t = 0; t < order.inner_count; t++, p += order.inner_stride) {
                    /* 1 + (dA - 1) is exact in double, so h sees the decay unrounded */
                    vd_halves decay = widen(decay_m1[p * state + n]);
                    vd_halves x = widen(drive[p * state + n]);
                    h.lo = (decay.lo + 1.0) * h.lo + x.lo;
                    h.hi = (decay.hi + 1.0) * h.hi + x.hi;
                    double c_p = c_k[n * length + p];
                    acc[p] += narrow(c_p * h.lo, c_p * h.hi);
                }
            }
        }
    }

    int64_t full = length - length % LANES;
    for (int64_t p0 = 0; p0 < full; p0 += LANES) {
        vf tile[LANES];
        for (int i = 0; i < LANES; i++) {
            tile[i] = acc[p0 + i];
        }
        transpose8(tile);
        for (int j = 0; j < LANES && c0 + j < channels; j++) {
            store_unaligned(s->out + (batch * channels + c0 + j) * length + p0, tile[j]);
        }
    }
    for (int j = 0; j < LANES && c0 + j < channels; j++) {
        float *row = s->out + (batch * channels + c0 + j) * length;
        for (int64_t p = full; p < length; p++) {
            row[p] = acc[p][j];
        }
    }
}

typedef struct {
    const sparx_scan_args *args;
    int64_t blocks_per_batch;
} job;

INLINE void run_task(void *arg, int64_t task, int worker) {
    const job *work = arg;
    int64_t batch = task / work->blocks_per_batch;
    int64_t c0 = (task % work->blocks_per_batch) * LANES;
    vf *memory = scratches[worker].memory;
    /* with delta near -90, e^delta, its square and the products of tiny dt are subnormal */
    unsigned int csr = sparx_flush_subnormals();
    if (work->args->state == 1) {
        scan_block(work->args, batch, c0, memory, 1);
    } else {
        scan_block(work->args, batch, c0, memory, work->args->state);
    }
    sparx_restore_mxcsr(csr);
}

SPARX_TASK_AT_EVERY_LEVEL(run_task)

const char *sparx_cross_scan_merge(const sparx_scan_args *args, int threads, int isa_limit) {
    int64_t blocks = (args->channels + LANES - 1) / LANES;
    int64_t tasks = args->batch * blocks;
    int64_t length = args->height * args->width;
    if (args->delta == NULL && (args->rank < 1 || args->rank > SPARX_MAX_EXPANDED_RANK)) {
        return "the step sizes' rank must be between 1 and 16";
    }
    if (tasks == 0 || length == 0) {
        return NULL;
    }
    int64_t participants = threads < 1 ? 1 : threads;
    if (participants > MAX_PARTICIPANTS) {
        participants = MAX_PARTICIPANTS;
    }
    if (participants > tasks) {
        participants = tasks;
    }
    size_t vectors = (size_t) length * (size_t) (3 + 2 * args->state);
    pthread_mutex_lock(&call_mutex);
    for (int64_t i = 0; i < participants; i++) {
        if (!reserve(&scratches[i], vectors)) {
            pthread_mutex_unlock(&call_mutex);
            return "out of memory for the scan's scratch buffers";
        }
    }
    job work = {args, blocks};
    sparx_pool_run((int) participants, tasks, run_task_at(sparx_isa_level(isa_limit)), &work);
    pthread_mutex_unlock(&call_mutex);
    return NULL;
}
