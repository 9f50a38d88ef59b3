/*
 * What the native benchmarks share: a clock, medians, deterministic inputs, and the parts of
 * DJL's libtorch they call directly: MKL's sgemm and thread setting from libtorch_cpu.so and GNU
 * OpenMP's parallel region from the libgomp it brought (the same runtime the model's operators and
 * the sparx kernels use, so the threads measured here are the model's).
 */
#ifndef SPARX_BENCH_COMMON_H
#define SPARX_BENCH_COMMON_H

#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef void (*sgemm_fn)(const char *, const char *, const int *, const int *, const int *, const float *,
                         const float *, const int *, const float *, const int *, const float *, float *,
                         const int *);
typedef int (*mkl_threads_fn)(const int *);
/* MKL's packed-weight API (cblas_sgemm_pack_get_size, cblas_sgemm_pack, cblas_sgemm_compute) */
typedef size_t (*pack_size_fn)(int, int, int, int);
typedef void (*pack_fn)(int, int, int, int, int, int, float, const float *, int, float *);
typedef void (*packed_product_fn)(int, int, int, int, int, int, const float *, int, const float *, int, float,
                                  float *, int);
enum { CBLAS_ROW_MAJOR = 101, CBLAS_NO_TRANS = 111, CBLAS_PACKED = 151, CBLAS_A_MATRIX = 161 };
typedef void (*gomp_parallel_fn)(void (*)(void *), void *, unsigned, unsigned);
typedef int (*omp_thread_fn)(void);

static sgemm_fn sgemm;
static mkl_threads_fn mkl_set_threads;
static pack_size_fn pack_size;
static pack_fn pack;
static packed_product_fn packed_product;
static gomp_parallel_fn gomp_parallel;
static omp_thread_fn omp_thread;

static inline void *symbol(void *library, const char *library_name, const char *name) {
    void *found = dlsym(library, name);
    if (found == NULL) {
        fprintf(stderr, "%s does not export %s\n", library_name, name);
        exit(2);
    }
    return found;
}

/* Loads libtorch_cpu.so from `dir` (the run script passes DJL's cache directory). */
static inline void load_libtorch(const char *dir) {
    char path[4096];
    snprintf(path, sizeof path, "%s/libtorch_cpu.so", dir);
    void *torch = dlopen(path, RTLD_NOW | RTLD_GLOBAL);
    if (torch == NULL) {
        fprintf(stderr, "cannot load %s: %s\n", path, dlerror());
        exit(2);
    }
    sgemm = (sgemm_fn) symbol(torch, path, "sgemm_");
    mkl_set_threads = (mkl_threads_fn) symbol(torch, path, "mkl_set_num_threads_local");
    pack_size = (pack_size_fn) symbol(torch, path, "cblas_sgemm_pack_get_size");
    pack = (pack_fn) symbol(torch, path, "cblas_sgemm_pack");
    packed_product = (packed_product_fn) symbol(torch, path, "cblas_sgemm_compute");
    /* libtorch_cpu.so depends on its own libgomp; find the loaded copy by the symbol's owner */
    Dl_info owner;
    void *any = dlsym(RTLD_DEFAULT, "GOMP_parallel");
    if (any == NULL || dladdr(any, &owner) == 0) {
        fprintf(stderr, "no GNU OpenMP runtime came with %s\n", path);
        exit(2);
    }
    void *gomp = dlopen(owner.dli_fname, RTLD_NOW | RTLD_NOLOAD);
    gomp_parallel = (gomp_parallel_fn) symbol(gomp, owner.dli_fname, "GOMP_parallel");
    omp_thread = (omp_thread_fn) symbol(gomp, owner.dli_fname, "omp_get_thread_num");
}

/*
 * Checks that the arguments come in groups of `group` and loads the libtorch of
 * SPARX_LIBTORCH_DIR (run.sh sets it); exits with `usage` or the reason otherwise.
 */
static inline void start(int argc, int group, const char *usage) {
    if ((argc - 1) % group != 0) {
        fprintf(stderr, "%s\n", usage);
        exit(2);
    }
    const char *dir = getenv("SPARX_LIBTORCH_DIR");
    if (dir == NULL) {
        fprintf(stderr, "SPARX_LIBTORCH_DIR must name the directory of libtorch_cpu.so (run.sh sets it)\n");
        exit(2);
    }
    load_libtorch(dir);
}

static inline void set_mkl_threads(int threads) {
    mkl_set_threads(&threads);
}

/* C (M, N) = A (M, K) B (K, N), row-major, as libtorch's mm calls MKL (column-major, operands swapped) */
static inline void matmul(int m, int k, int n, const float *a, const float *b, float *c) {
    const float one = 1.0f, zero = 0.0f;
    sgemm("N", "N", &n, &m, &k, &one, b, &n, a, &k, &zero, c, &n);
}

static inline double now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

/* Holds the calling thread busy, as the model's Java and small operators do between products. */
static inline void serial_gap(double ms) {
    double start = now_ms();
    while (now_ms() - start < ms) {
    }
}

/* Reads 256 MB of other memory so that the next call finds its operands in DRAM, as in a pass. */
static inline void evict_caches(void) {
    static float *junk;
    static const size_t count = 64u << 20;
    if (junk == NULL) {
        junk = malloc(count * sizeof(float));
        for (size_t i = 0; i < count; i++) {
            junk[i] = 1.0f;
        }
    }
    /* volatile, or the compiler drops reads whose sum nobody uses */
    volatile float sum = 0.0f;
    for (size_t i = 0; i < count; i += 16) {
        sum += junk[i];
    }
}

static inline int by_value(const void *a, const void *b) {
    double x = *(const double *) a, y = *(const double *) b;
    return x < y ? -1 : x > y;
}

/* The median of `n` samples (sorted in place). */
static inline double median(double *samples, int n) {
    qsort(samples, (size_t) n, sizeof *samples, by_value);
    return samples[n / 2];
}

/* Deterministic values in [-scale, scale), 64-byte aligned. */
static inline float *filled(size_t count, float scale) {
    float *p = aligned_alloc(64, (count * sizeof(float) + 63) / 64 * 64);
    for (size_t i = 0; i < count; i++) {
        p[i] = scale * ((float) ((i * 2654435761u) % 1000) / 500.0f - 1.0f);
    }
    return p;
}

#endif
