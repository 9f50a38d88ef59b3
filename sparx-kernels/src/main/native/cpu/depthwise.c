/*
 * Depthwise convolution on the CPU, one (image, channel) plane per task.
 *
 * A task copies its plane into a zero-bordered scratch whose rows are padded to whole vectors, so
 * the stencil loop has no edge cases: each output vector of 8 (or 16) columns is the bias plus K*K
 * products of a broadcast weight with an unaligned load of as many neighbours. The epilogue (residual,
 * SiLU, GELU) runs on that vector before its only store, so the activation costs no extra pass over
 * memory, which is what bounds these layers (few multiply-adds per byte).
 *
 * Taps are summed in row-major order after the bias; libtorch/oneDNN sum in another order, so the
 * results agree to float32 rounding, not bit for bit.
 */
#include "depthwise.h"

#include <stdlib.h>
#include <string.h>

#include "isa.h"
#include "thread_pool.h"
#include "vector_math.h"

#define MAX_KERNEL 15

/*
 * On AVX-512, maps at least WIDE_MIN_WIDTH wide go to a second copy of this source compiled for
 * x86-64-v4 with 16-lane vectors (SPARX_WIDE, build.sh): twice the columns per instruction on the
 * 56- and 28-wide maps of stages 1 and 2. Narrower maps stay on 8 lanes, where 16 would be mostly
 * padding (docs/kernels.md).
 */
#define WIDE_MIN_WIDTH 16
#ifdef SPARX_WIDE
#define DEPTHWISE_ENTRY sparx_depthwise_conv2d_wide
#else
#define DEPTHWISE_ENTRY sparx_depthwise_conv2d
const char *sparx_depthwise_conv2d_wide(const sparx_depthwise_args *args, int threads, int isa_limit);
#endif

/*
 * erf(z) through Abramowitz and Stegun 7.1.26 (absolute error below 1.5e-7), the approximation
 * libtorch's vectorised float erf uses too. Returned as 1 + erf(z), formed without cancellation
 * for negative z: 1 + erf(z) = q there and 2 - q above, with q = t P(t) e^-z^2, t = 1/(1 + p|z|).
 */
INLINE vf v_one_plus_erf(vf z) {
    vf abs_z = (vf) ((vi) z & ~(vi) splat(-0.0f));
    vf t = 1.0f / (abs_z * 0.3275911f + 1.0f);
    vf poly = splat(1.061405429f);
    poly = poly * t - 1.453152027f;
    poly = poly * t + 1.421413741f;
    poly = poly * t - 0.284496736f;
    poly = poly * t + 0.254829592f;
    vf q = poly * t * v_exp_nonpositive(-(z * z));
    return pick(z < 0.0f, q, 2.0f - q);
}

/* torch.nn.functional.gelu without approximation: x/2 (1 + erf(x / sqrt 2)). */
INLINE vf v_gelu(vf x) {
    return 0.5f * x * v_one_plus_erf(x * 0.70710678118654752f);
}

/*
 * torch.nn.functional.silu, x sigmoid(x), with sigmoid(x) = 1 / (1 + e^-x) for x >= 0 and
 * e^x / (1 + e^x) below: one exponential of a non-positive argument, which cannot overflow.
 */
INLINE vf v_silu(vf x) {
    vf e = v_exp_nonpositive((vf) ((vi) x | (vi) splat(-0.0f)));
    vf r = 1.0f / (1.0f + e);
    return x * pick(x >= 0.0f, r, e * r);
}

INLINE vf epilogue(int kind, vf y, vf x) {
    switch (kind) {
        case SPARX_EPILOGUE_SILU:
            return v_silu(y);
        case SPARX_EPILOGUE_GELU:
            return v_gelu(y);
        case SPARX_EPILOGUE_RESIDUAL:
            return x + y;
        case SPARX_EPILOGUE_RESIDUAL_GELU:
            return v_gelu(x + y);
        default:
            return y;
    }
}

/*
 * The scratch of one plane: rows of whole vectors plus the K-1 columns the stencil reaches past,
 * then one row of accumulators.
 */
typedef struct {
    int64_t vectors, stride, rows;
} plane_layout;

static plane_layout layout_of(const sparx_depthwise_args *a) {
    int64_t vectors = (a->width + LANES - 1) / LANES;
    return (plane_layout){vectors, vectors * LANES + a->kernel - 1, a->height + a->kernel - 1};
}

/*
 * Copies a plane into the interior of the scratch, adding the input bias where there is one (where
 * there is none nothing is added: x + 0 would turn -0 into +0). The border is zero from the
 * scratch's allocation and only the interior and the lanes past a row's end are written, those
 * with zeros. Whole vectors, each row's last one masked, rather than a memcpy per row: on SparX's
 * 7x7 and 14x14 maps the calls cost more than the copy (docs/kernels.md). A row whose whole vectors
 * would read past the plane (its last, or more on maps narrower than a vector) is copied element by
 * element.
 */
INLINE void fill_padded(float *padded, plane_layout l, const float *in, int64_t height, int64_t width,
                        int64_t pad, const float *input_bias) {
    const float shift = input_bias == NULL ? 0.0f : *input_bias;
    const int64_t tail = width - (l.vectors - 1) * LANES;
    vi inside = lane_index() < (int32_t) tail;
    for (int64_t y = 0; y < height; y++) {
        float *row = padded + (y + pad) * l.stride + pad;
        const float *source = in + y * width;
        if (y * width + l.vectors * LANES <= height * width) {
            for (int64_t v = 0; v < l.vectors; v++) {
                vf x = load_unaligned(source + v * LANES);
                if (input_bias != NULL) {
                    x += shift;
                }
                store_unaligned(row + v * LANES, v + 1 < l.vectors ? x : pick(inside, x, splat(0.0f)));
            }
        } else {
            for (int64_t x = 0; x < width; x++) {
                row[x] = input_bias == NULL ? source[x] : source[x] + shift;
            }
        }
    }
}

/* Where the row of accumulators starts in the scratch: after the plane, on a vector boundary. */
static inline int64_t accumulator_offset(plane_layout l) {
    return (l.rows * l.stride + LANES - 1) / LANES * LANES;
}

/*
 * One plane. Called with the kernel size and the epilogue as constants where they are common, so
 * that the compiler unrolls the stencil and drops the epilogue's branches.
 */
INLINE void convolve_plane(const sparx_depthwise_args *a, int64_t plane, float *padded, const int64_t k,
                           const int kind) {
    const int64_t pad = k / 2, height = a->height, width = a->width, stride = a->stride;
    const int64_t out_height = (height + stride - 1) / stride, out_width = (width + stride - 1) / stride;
    const plane_layout l = layout_of(a);
    const float *in = a->input + plane * height * width;
    float *out = a->out + plane * out_height * out_width;
    const int64_t c = plane % a->channels;

    fill_padded(padded, l, in, height, width, pad, a->input_bias == NULL ? NULL : a->input_bias + c);
    vf taps[MAX_KERNEL * MAX_KERNEL];
    for (int64_t i = 0; i < k * k; i++) {
        taps[i] = splat(a->weight[c * k * k + i]);
    }
    const vf bias = splat(a->bias == NULL ? 0.0f : a->bias[c]);

    vf *rows = (vf *) (padded + accumulator_offset(l));
    for (int64_t y = 0; y < height; y += stride) {
        for (int64_t v = 0; v < l.vectors; v++) {
            const float *column = padded + y * l.stride + v * LANES;
            vf acc = bias;
            for (int64_t r = 0; r < k; r++) {
                for (int64_t kx = 0; kx < k; kx++) {
                    acc += taps[r * k + kx] * load_unaligned(column + r * l.stride + kx);
                }
            }
            rows[v] = acc;
        }
        /* the epilogue in its own loop over the finished row, where its constants stay in
         * registers (measured: GELU's epilogue 1.5 -> 1.0 ms over (384, 56, 56)) */
        const float *centre = padded + (y + pad) * l.stride + pad;
        float *target = out + y / stride * out_width;
        if (stride > 1) {
            const float *row = (const float *) rows;
            for (int64_t v = 0; v < l.vectors; v++) {
                rows[v] = epilogue(kind, rows[v], rows[v]);
            }
            for (int64_t x = 0; x < out_width; x++) {
                target[x] = row[x * stride];
            }
            continue;
        }
        for (int64_t v = 0; v < l.vectors; v++) {
            const int64_t x0 = v * LANES;
            vf result = epilogue(kind, rows[v], load_unaligned(centre + x0));
            if (y * width + x0 + LANES <= height * width) {
                /* a row's last vector may run into the next rows, which are stored after it */
                store_unaligned(target + x0, result);
            } else {
                for (int64_t x = x0; x < width; x++) {
                    target[x] = result[x - x0];
                }
            }
        }
    }
}

typedef struct {
    const sparx_depthwise_args *args;
    float **scratch; /* one per participant */
    int64_t planes, planes_per_task;
} job;

/* SparX-Mamba's kernels are 3x3 and 5x5; others take the general loop */
#define CONVOLVE_WITH_KERNEL(a, plane, padded, kind)                  \
    switch ((a)->kernel) {                                            \
        case 3:                                                       \
            convolve_plane(a, plane, padded, 3, kind);                \
            break;                                                    \
        case 5:                                                       \
            convolve_plane(a, plane, padded, 5, kind);                \
            break;                                                    \
        default:                                                      \
            convolve_plane(a, plane, padded, (a)->kernel, kind);      \
    }

/* One plane, with the kernel's epilogue and size as constants (see convolve_plane). */
INLINE void convolve_plane_as(const sparx_depthwise_args *a, int64_t plane, float *padded) {
    switch (a->epilogue) {
        case SPARX_EPILOGUE_SILU:
            CONVOLVE_WITH_KERNEL(a, plane, padded, SPARX_EPILOGUE_SILU);
            break;
        case SPARX_EPILOGUE_GELU:
            CONVOLVE_WITH_KERNEL(a, plane, padded, SPARX_EPILOGUE_GELU);
            break;
        case SPARX_EPILOGUE_RESIDUAL:
            CONVOLVE_WITH_KERNEL(a, plane, padded, SPARX_EPILOGUE_RESIDUAL);
            break;
        case SPARX_EPILOGUE_RESIDUAL_GELU:
            CONVOLVE_WITH_KERNEL(a, plane, padded, SPARX_EPILOGUE_RESIDUAL_GELU);
            break;
        default:
            CONVOLVE_WITH_KERNEL(a, plane, padded, SPARX_EPILOGUE_NONE);
    }
}

/* A task is a run of consecutive planes (sparx_planes_per_task). */
INLINE void run_task(void *arg, int64_t task, int worker) {
    const job *work = arg;
    const sparx_plane_run run = sparx_planes_of_task(task, work->planes_per_task, work->planes);
    unsigned int csr = sparx_flush_subnormals();
    for (int64_t plane = run.first; plane < run.end; plane++) {
        convolve_plane_as(work->args, plane, work->scratch[worker]);
    }
    sparx_restore_mxcsr(csr);
}

SPARX_TASK_AT_EVERY_LEVEL(run_task)

const char *DEPTHWISE_ENTRY(const sparx_depthwise_args *args, int threads, int isa_limit) {
#ifndef SPARX_WIDE
    /* before the checks below: the wide copy makes the same ones */
    if (args->width >= WIDE_MIN_WIDTH && sparx_isa_level(isa_limit) == 4) {
        return sparx_depthwise_conv2d_wide(args, threads, isa_limit);
    }
#endif
    if (args->kernel < 1 || args->kernel > MAX_KERNEL || args->kernel % 2 == 0) {
        return "the kernel size must be odd and at most 15";
    }
    if (args->epilogue < 0 || args->epilogue >= SPARX_EPILOGUE_COUNT) {
        return "unknown epilogue";
    }
    if (args->stride < 1) {
        return "the stride must be at least 1";
    }
    if (args->stride > 1 && (args->epilogue == SPARX_EPILOGUE_RESIDUAL || args->epilogue == SPARX_EPILOGUE_RESIDUAL_GELU)) {
        return "a residual epilogue needs stride 1 (the output is smaller than the input)";
    }
    int64_t planes = args->batch * args->channels;
    if (planes == 0 || args->height == 0 || args->width == 0) {
        return NULL;
    }
    /* the work: the rows computed, in full width, at K*K/2 times an element of light work (a multiply-
     * add per tap on unaligned loads); counted as light, the 5x5 convolution over (1024, 7, 7) of T's
     * last stage, 0.33 ms, ran on one thread */
    int64_t rows = (args->height + args->stride - 1) / args->stride;
    int participants = sparx_participants(threads, planes * rows * args->width * args->kernel * args->kernel / 2);
    plane_layout l = layout_of(args);
    size_t bytes = (size_t) accumulator_offset(l) * sizeof(float) + (size_t) l.vectors * sizeof(vf);
    float **scratch = calloc((size_t) participants, sizeof *scratch);
    const char *failure = scratch == NULL ? "out of memory for the convolution's scratch" : NULL;
    for (int i = 0; failure == NULL && i < participants; i++) {
        if (posix_memalign((void **) &scratch[i], 64, bytes) != 0) {
            scratch[i] = NULL;
            failure = "out of memory for the convolution's scratch";
        } else {
            /* the border stays zero: planes write only the interior (fill_padded) */
            memset(scratch[i], 0, bytes);
        }
    }
    if (failure == NULL) {
        const int64_t per_task = sparx_planes_per_task(rows * args->width);
        job work = {args, scratch, planes, per_task};
        sparx_pool_run(participants, sparx_task_count(planes, per_task),
                       run_task_at(sparx_isa_level(isa_limit)), &work);
    }
    for (int i = 0; scratch != NULL && i < participants; i++) {
        free(scratch[i]);
    }
    free(scratch);
    return failure;
}
