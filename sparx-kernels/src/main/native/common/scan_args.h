/*
 * The arguments of one fused four-direction scan (ARCHITECTURE.md, "The SSM over four scan
 * directions"), shared by the CPU and CUDA kernels. Layouts are contiguous float32 in spatial
 * order: u (B, D, H, W), delta (B, K, D, H, W), a (K*D, N), b and c (B, K, N, H, W), d and bias
 * (K*D), out (B, D, H, W), with K = 4. The CUDA kernel takes device pointers.
 *
 * The CPU kernel can take the step sizes as their rank-R factors instead (delta NULL):
 * delta_low (B, K, R, H, W) and delta_weight (K, D, R), delta[b][k] = delta_weight[k] delta_low[b][k]
 * (dt_projs' product), expanded where the scan reads them. The CUDA kernel takes delta.
 */
#ifndef SPARX_SCAN_ARGS_H
#define SPARX_SCAN_ARGS_H

#include <stdint.h>

typedef struct {
    const float *u, *delta, *a, *b, *c, *d, *bias;
    float *out;
    int64_t batch, channels, state, height, width;
    const float *delta_low, *delta_weight; /* with delta NULL */
    int64_t rank;
} sparx_scan_args;

#endif
