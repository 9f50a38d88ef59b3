/*
 * The four-direction selective scan with cross scan and cross merge fused, on a CUDA device; the
 * same operation and layouts as ../cpu/cross_scan.h, with every pointer in device memory.
 */
#ifndef SPARX_CROSS_SCAN_CUDA_H
#define SPARX_CROSS_SCAN_CUDA_H

#include <cuda_runtime.h>
#include <stdint.h>

struct SparxCudaScanArgs {
    const float *u, *delta, *a, *b, *c, *d, *bias;
    float *out;
    int64_t batch, channels, state, height, width;
};

/* Enqueues the scan on `stream` of the current device; returns the launch's error status. */
cudaError_t sparx_cuda_cross_scan_merge(const SparxCudaScanArgs &args, cudaStream_t stream);

#endif
