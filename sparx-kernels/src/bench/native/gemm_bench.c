/*
 * MKL's float32 GEMM on the products of a SparX-Mamba pass at batch 1, the way the model runs them
 * (libtorch's mm: MKL threaded over GNU OpenMP) and the alternatives docs/performance.md weighs:
 *
 *   one thread        MKL on one thread, back to back (hot caches);
 *   two threads       MKL on two threads, back to back;
 *   after a gap       the same after 0.2 ms of serial work, so that a passive worker is asleep;
 *   cold              the same after reading 256 MB, so that the weight comes from DRAM as it does
 *                     in a pass, where the other 100 MB of T's weights pass through the caches
 *                     between two uses of one;
 *   rows split        one OpenMP region of two threads, each running MKL on one thread over half
 *                     the rows (what a native whole-block kernel would do), after a gap;
 *   packed            A packed once beforehand for MKL (cblas_sgemm_pack, as a weight could be),
 *                     two threads after a gap, and the same cold.
 *
 * Usage: gemm_bench [M K N]...   (default: T's largest products; C (M, N) = A (M, K) B (K, N))
 * Build and run through run.sh, which finds DJL's libtorch. Medians of 200 calls per column.
 */
#include "bench_common.h"

#define CALLS 200

typedef struct {
    int m, k, n;
    const float *a, *b;
    float *c;
} product;

static void half_of_rows(void *arg) {
    const product *p = arg;
    int second = omp_thread();
    int first_rows = p->m / 2;
    int rows = second ? p->m - first_rows : first_rows;
    long offset = second ? first_rows : 0;
    set_mkl_threads(1);
    matmul(rows, p->k, p->n, p->a + offset * p->k, p->b, p->c + offset * p->n);
}

int main(int argc, char **argv) {
    start(argc, 3, "usage: gemm_bench [M K N]...");
    static const int t_shapes[][3] = {{1280, 320, 196}, {320, 1280, 196}, {384, 96, 3136},
                                      {2048, 512, 49},  {512, 2048, 49},  {512, 512, 49}};
    int count = argc > 1 ? (argc - 1) / 3 : (int) (sizeof t_shapes / sizeof t_shapes[0]);
    printf("%-18s %10s %10s %10s %10s %10s %10s %12s  (ms, median of %d)\n", "M K N", "1 thread", "2 threads",
           "after gap", "cold", "rows split", "packed", "packed cold", CALLS);
    for (int s = 0; s < count; s++) {
        int m = argc > 1 ? atoi(argv[1 + 3 * s]) : t_shapes[s][0];
        int k = argc > 1 ? atoi(argv[2 + 3 * s]) : t_shapes[s][1];
        int n = argc > 1 ? atoi(argv[3 + 3 * s]) : t_shapes[s][2];
        if (m < 2 || k < 1 || n < 1) {
            fprintf(stderr, "bad shape %d %d %d: M >= 2, K >= 1, N >= 1\n", m, k, n);
            return 2;
        }
        product p = {m, k, n, filled((size_t) m * k, 0.05f), filled((size_t) k * n, 1.0f),
                     filled((size_t) m * n, 0.0f)};
        set_mkl_threads(2);
        size_t packed_bytes = pack_size(CBLAS_A_MATRIX, m, n, k);
        float *packed = aligned_alloc(64, (packed_bytes + 63) / 64 * 64);
        pack(CBLAS_ROW_MAJOR, CBLAS_A_MATRIX, CBLAS_NO_TRANS, m, n, k, 1.0f, p.a, k, packed);
        static double times[7][CALLS];
        for (int call = 0; call < CALLS; call++) {
            for (int column = 0; column < 7; column++) {
                set_mkl_threads(column == 0 ? 1 : 2);
                if (column >= 2) {
                    serial_gap(0.2);
                }
                if (column == 3 || column == 6) {
                    evict_caches();
                }
                double start = now_ms();
                if (column == 4) {
                    gomp_parallel(half_of_rows, &p, 2, 0);
                } else if (column >= 5) {
                    packed_product(CBLAS_ROW_MAJOR, CBLAS_PACKED, CBLAS_NO_TRANS, m, n, k, packed, k, p.b, n, 0.0f,
                                   p.c, n);
                } else {
                    matmul(m, k, n, p.a, p.b, p.c);
                }
                times[column][call] = now_ms() - start;
            }
        }
        char label[40];
        snprintf(label, sizeof label, "%d %d %d", m, k, n);
        printf("%-18s", label);
        for (int column = 0; column < 7; column++) {
            printf(column == 6 ? " %12.3f" : " %10.3f", median(times[column], CALLS));
        }
        printf("  (packed A: %.1f MB reported, %.1f MB as floats)\n", packed_bytes / 1e6, 4.0 * m * k / 1e6);
        free(packed);
        free((void *) p.a);
        free((void *) p.b);
        free(p.c);
    }
    return 0;
}
