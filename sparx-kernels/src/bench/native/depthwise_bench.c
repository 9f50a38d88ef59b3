/*
 * The native depthwise convolution alone, in C, to weigh changes inside it without the JVM:
 *
 * Usage: depthwise_bench C H K EPILOGUE [THREADS [ISA_LIMIT]]
 *   one image of C planes H x H, a K x K kernel at stride 1, EPILOGUE as SPARX_EPILOGUE_* (0 none,
 *   1 SiLU, 2 GELU, 3 residual, 4 residual then GELU), THREADS (1), ISA_LIMIT as the kernels' (0).
 * Prints the median and the fastest of 50 calls after 10 of warm-up, and a checksum.
 */
#include "bench_common.h"
#include "depthwise.h"

#define CALLS 50

int main(int argc, char **argv) {
    if (argc < 5) {
        fprintf(stderr, "usage: depthwise_bench C H K EPILOGUE [THREADS [ISA_LIMIT]]\n");
        return 2;
    }
    int c = atoi(argv[1]), side = atoi(argv[2]), k = atoi(argv[3]), epilogue = atoi(argv[4]);
    int threads = argc > 5 ? atoi(argv[5]) : 1, limit = argc > 6 ? atoi(argv[6]) : 0;
    if (c < 1 || side < 1 || threads < 1) {
        fprintf(stderr, "C, H and THREADS must be positive\n");
        return 2;
    }
    size_t count = (size_t) c * side * side;
    float *x = filled(count, 1.6f), *out = filled(count, 0.0f), *weight = filled((size_t) c * k * k, 0.3f);
    float *bias = filled((size_t) c, 0.1f);
    sparx_depthwise_args a = {x, NULL, weight, bias, out, 1, c, side, side, k, 1, epilogue};
    double times[CALLS];
    for (int call = -10; call < CALLS; call++) {
        double start = now_ms();
        const char *failure = sparx_depthwise_conv2d(&a, threads, limit);
        if (failure != NULL) {
            fprintf(stderr, "%s\n", failure);
            return 2;
        }
        if (call >= 0) {
            times[call] = now_ms() - start;
        }
    }
    double checksum = 0;
    for (size_t i = 0; i < count; i++) {
        checksum += out[i];
    }
    double fastest = times[0];
    for (int i = 1; i < CALLS; i++) {
        fastest = times[i] < fastest ? times[i] : fastest;
    }
    printf("C=%d H=%d K=%d epilogue %d, %d thread(s): median %.3f ms, fastest %.3f ms (checksum %.6e)\n", c, side,
           k, epilogue, threads, median(times, CALLS), fastest, checksum);
    free(x);
    free(out);
    free(weight);
    free(bias);
    return 0;
}
