/*
 * The four-direction selective scan with cross scan and cross merge fused, on a CUDA device; the
 * layouts of scan_args.h, with every pointer in device memory.
 */
#ifndef SPARX_CROSS_SCAN_CUDA_H
#define SPARX_CROSS_SCAN_CUDA_H

#include <cuda_runtime.h>

#include "scan_args.h"

/* Enqueues the scan on `stream` of the current device; returns the launch's error status. */
cudaError_t sparx_cuda_cross_scan_merge(const sparx_scan_args &args, cudaStream_t stream);

#endif
