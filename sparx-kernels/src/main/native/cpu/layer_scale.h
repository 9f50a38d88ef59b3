/*
 * A block's residual with its layer scale, float32 NCHW, in one pass: out = (x * scale + shift) +
 * branch, the per-channel affine of the residual x (SparX-Mamba's layerscale_1 and layerscale_2 in
 * stages 3 and 4) added to the branch (the token mixer's or the MLP's output). As separate libtorch
 * operations that is a product, a sum and a sum, each a pass over the map and a fresh array.
 */
#ifndef SPARX_LAYER_SCALE_H
#define SPARX_LAYER_SCALE_H

#include <stdint.h>

typedef struct {
    const float *x;      /* (B, C, L), the residual */
    const float *scale;  /* (C) */
    const float *shift;  /* (C) */
    const float *branch; /* (B, C, L) */
    float *out;          /* (B, C, L) */
    int64_t batch, channels, spatial;
} sparx_layer_scale_args;

/* Runs on up to `threads` threads (the caller's included) at the best instruction set up to
 * `isa_limit` (isa.h). Returns NULL (it has no failure of its own). */
const char *sparx_layer_scale_residual(const sparx_layer_scale_args *args, int threads, int isa_limit);

#endif
