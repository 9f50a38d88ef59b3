/*
 * The arguments of one fused four-direction scan (ARCHITECTURE.md, "The SSM over four scan
 * directions"), shared by the CPU and CUDA kernels. Layouts are contiguous float32 in spatial
 * order: u (B, D, H, W), delta (B, K, D, H, W), a (K*D, N), b and c (B, K, N, H, W), d and bias
 * (K*D), out (B, D, H, W), with K = 4. The CUDA kernel takes device pointers.
 */
#ifndef SPARX_SCAN_ARGS_H
#define SPARX_SCAN_ARGS_H

#include <stdint.h>

typedef struct {
    const float *u, *delta, *a, *b, *c, *d, *bias;
    float *out;
    int64_t batch, channels, state, height, width;
} sparx_scan_args;

#endif
