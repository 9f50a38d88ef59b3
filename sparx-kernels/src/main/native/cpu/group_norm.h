/*
 * GroupNorm with one group (each sample normalised over all its channels and positions), float32
 * NCHW, with the per-channel affine fused into the normalising pass.
 */
#ifndef SPARX_GROUP_NORM_H
#define SPARX_GROUP_NORM_H

#include <stdint.h>

typedef struct {
    const float *input;  /* (B, C, H*W) */
    const float *weight; /* (C) */
    const float *bias;   /* (C) */
    float *out;          /* (B, C, H*W) */
    int64_t batch, channels, spatial;
    double eps;
} sparx_group_norm_args;

/*
 * Runs on up to `threads` threads (the caller's included), at the best instruction set up to
 * `isa_limit` (isa.h). Returns NULL, or a static message when scratch memory could not be allocated.
 */
const char *sparx_group_norm(const sparx_group_norm_args *args, int threads, int isa_limit);

#endif
