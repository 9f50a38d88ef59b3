/*
 * The four-direction selective scan of SparX-Mamba with the cross scan and the cross merge fused,
 * on the CPU; scan_args.h gives the layouts.
 */
#ifndef SPARX_CROSS_SCAN_H
#define SPARX_CROSS_SCAN_H

#include "scan_args.h"

/* The largest rank R whose factors the kernel expands itself (a vector of weights per r is held
 * in registers); a larger one is expanded by the caller into delta. */
#define SPARX_MAX_EXPANDED_RANK 16

/*
 * Runs the scan on up to `threads` threads (the caller's included) and writes out, with the best
 * instruction set the processor has up to `isa_limit` (isa.h; limits are for tests and benchmarks).
 * Returns NULL, or a static message when scratch memory could not be allocated (out is then
 * incomplete). Calls from several threads are serialised: the per-participant scratch is shared.
 */
const char *sparx_cross_scan_merge(const sparx_scan_args *args, int threads, int isa_limit);

#endif
