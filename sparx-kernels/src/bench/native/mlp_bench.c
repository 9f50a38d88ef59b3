/*
 * One SparX-Mamba MLP at batch 1 (fc1, the 3x3 depthwise convolution with fc1's bias, residual and
 * GELU, fc2, the layer-scaled residual) run two ways, each after 0.2 ms of serial work as between
 * a pass's blocks:
 *
 *   operators    as the model runs it: MKL's two-thread products and the sparx kernels, each its
 *                own OpenMP parallel region (four regions, four wake-ups of a passive worker);
 *   one region   what a native whole-block kernel would do: one region of two threads, each
 *                running fc1 on half the hidden channels (MKL on one thread), the depthwise
 *                convolution of those channels (it needs no others), then, after a spinning
 *                barrier, fc2 on half the output channels and their residual.
 *
 * Usage: mlp_bench [C H]...   (default: T's four stages; hidden width 4C, an H x H map)
 * Build and run through run.sh. Medians of 400 calls; the checksums of the two must agree.
 */
#include "bench_common.h"

#include <stdatomic.h>
#include <xmmintrin.h>

#include "depthwise.h"
#include "layer_scale.h"

#define CALLS 400

typedef struct {
    int channels, side;
    float *x, *fc1, *fc1_bias, *hidden, *activated, *dw, *dw_bias, *fc2, *scale, *shift, *branch, *out;
    atomic_int arrived;
} mlp;

static void depthwise(mlp *m, int first, int end, int threads) {
    long plane = (long) m->side * m->side;
    sparx_depthwise_args a = {m->hidden + first * plane, m->fc1_bias + first, m->dw + first * 9L,
                              m->dw_bias + first, m->activated + first * plane, 1, end - first, m->side,
                              m->side, 3, 1, SPARX_EPILOGUE_RESIDUAL_GELU};
    sparx_depthwise_conv2d(&a, threads, 0);
}

static void residual(mlp *m, int first, int end, int threads) {
    long plane = (long) m->side * m->side;
    sparx_layer_scale_args a = {m->x + first * plane, m->scale + first, m->shift + first,
                                m->branch + first * plane, m->out + first * plane, 1, end - first, plane};
    sparx_layer_scale_residual(&a, threads, 0);
}

static void as_operators(mlp *m) {
    int c = m->channels, hidden = 4 * c, plane = m->side * m->side;
    set_mkl_threads(2);
    matmul(hidden, c, plane, m->fc1, m->x, m->hidden);
    depthwise(m, 0, hidden, 2);
    matmul(c, hidden, plane, m->fc2, m->activated, m->branch);
    residual(m, 0, c, 2);
}

static void one_region_body(void *arg) {
    mlp *m = arg;
    int second = omp_thread(), c = m->channels, hidden = 4 * c, plane = m->side * m->side;
    int h0 = second ? hidden / 2 : 0, h1 = second ? hidden : hidden / 2;
    int c0 = second ? c / 2 : 0, c1 = second ? c : c / 2;
    set_mkl_threads(1);
    matmul(h1 - h0, c, plane, m->fc1 + (long) h0 * c, m->x, m->hidden + (long) h0 * plane);
    depthwise(m, h0, h1, 1);
    atomic_fetch_add(&m->arrived, 1);
    while (atomic_load(&m->arrived) < 2) {
        _mm_pause();
    }
    matmul(c1 - c0, hidden, plane, m->fc2 + (long) c0 * hidden, m->activated, m->branch + (long) c0 * plane);
    residual(m, c0, c1, 1);
}

static void as_one_region(mlp *m) {
    atomic_store(&m->arrived, 0);
    gomp_parallel(one_region_body, m, 2, 0);
}

int main(int argc, char **argv) {
    start(argc, 2, "usage: mlp_bench [C H]...");
    static const int t_stages[][2] = {{96, 56}, {192, 28}, {320, 14}, {512, 7}};
    int count = argc > 1 ? (argc - 1) / 2 : 4;
    printf("%-10s %12s %12s  (ms, median of %d)\n", "C H", "operators", "one region", CALLS);
    for (int s = 0; s < count; s++) {
        int c = argc > 1 ? atoi(argv[1 + 2 * s]) : t_stages[s][0];
        int side = argc > 1 ? atoi(argv[2 + 2 * s]) : t_stages[s][1];
        if (c < 2 || c % 2 != 0 || side < 1) {
            fprintf(stderr, "bad stage %d %d: C even and >= 2, H >= 1\n", c, side);
            return 2;
        }
        size_t plane = (size_t) side * side, hidden = 4 * (size_t) c;
        mlp m = {c, side, filled(c * plane, 1.0f), filled(hidden * c, 0.05f), filled(hidden, 0.1f),
                 filled(hidden * plane, 0.0f), filled(hidden * plane, 0.0f), filled(hidden * 9, 0.3f),
                 filled(hidden, 0.1f), filled(hidden * c, 0.05f), filled(c, 1.0f), filled(c, 0.1f),
                 filled(c * plane, 0.0f), filled(c * plane, 0.0f), 0};
        static double times[2][CALLS];
        double checksum[2] = {0, 0};
        for (int call = 0; call < CALLS; call++) {
            for (int way = 0; way < 2; way++) {
                serial_gap(0.2);
                double start = now_ms();
                if (way == 0) {
                    as_operators(&m);
                } else {
                    as_one_region(&m);
                }
                times[way][call] = now_ms() - start;
                if (call == 0) {
                    for (size_t i = 0; i < c * plane; i++) {
                        checksum[way] += m.out[i];
                    }
                }
            }
        }
        char label[24];
        snprintf(label, sizeof label, "%d %d", c, side);
        printf("%-10s %12.3f %12.3f  (checksums %.6g, %.6g)\n", label, median(times[0], CALLS),
               median(times[1], CALLS), checksum[0], checksum[1]);
        float *arrays[] = {m.x, m.fc1, m.fc1_bias, m.hidden, m.activated, m.dw, m.dw_bias,
                           m.fc2, m.scale, m.shift, m.branch, m.out};
        for (size_t i = 0; i < sizeof arrays / sizeof arrays[0]; i++) {
            free(arrays[i]);
        }
    }
    return 0;
}
