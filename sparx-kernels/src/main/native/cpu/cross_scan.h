/*
 * The four-direction selective scan of SparX-Mamba with the cross scan and the cross merge fused
 * (ARCHITECTURE.md, "The SSM over four scan directions"), on the CPU.
 *
 * Layouts are contiguous float32 in spatial order: u (B, D, H, W), delta (B, K, D, H, W),
 * a (K*D, N), b and c (B, K, N, H, W), d and bias (K*D), out (B, D, H, W), with K = 4.
 */
#ifndef SPARX_CROSS_SCAN_H
#define SPARX_CROSS_SCAN_H

#include <stdint.h>

typedef struct {
    const float *u, *delta, *a, *b, *c, *d, *bias;
    float *out;
    int64_t batch, channels, state, height, width;
} sparx_scan_args;

/*
 * Runs the scan on up to `threads` threads (the caller's included) and writes out. `baseline`
 * nonzero forces the baseline x86-64 code even where AVX2 is present (for tests and benchmarks).
 * Returns NULL, or a static message when scratch memory could not be allocated (out is then
 * incomplete). Calls from several threads are serialised: the worker pool and its scratch are
 * shared.
 */
const char *sparx_cross_scan_merge(const sparx_scan_args *args, int threads, int baseline);

/* The instruction set sparx_cross_scan_merge runs with the same `baseline`, for logs. */
const char *sparx_scan_isa(int baseline);

#endif
