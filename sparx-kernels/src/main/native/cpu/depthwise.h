/*
 * Depthwise 2-D convolution (NCHW, float32, stride 1, an odd square kernel padded to keep the
 * size) with the bias and what follows it in SparX-Mamba fused into one pass over the output.
 */
#ifndef SPARX_DEPTHWISE_H
#define SPARX_DEPTHWISE_H

#include <stdint.h>

/* What is applied to y = conv(x) + bias before it is stored; numbered as the Java enum. */
enum {
    SPARX_EPILOGUE_NONE = 0,          /* y */
    SPARX_EPILOGUE_SILU = 1,          /* y * sigmoid(y) */
    SPARX_EPILOGUE_GELU = 2,          /* gelu(y) */
    SPARX_EPILOGUE_RESIDUAL = 3,      /* x + y */
    SPARX_EPILOGUE_RESIDUAL_GELU = 4, /* gelu(x + y) */
    SPARX_EPILOGUE_COUNT = 5
};

typedef struct {
    const float *input;  /* (B, C, H, W) */
    const float *weight; /* (C, 1, K, K) */
    const float *bias;   /* (C), or NULL for none */
    float *out;          /* (B, C, H, W) */
    int64_t batch, channels, height, width, kernel;
    int epilogue;
} sparx_depthwise_args;

/*
 * Runs the convolution on up to `threads` threads (the caller's included), in runs of (image,
 * channel) planes, at the best instruction set up to `isa_limit` (isa.h). Returns NULL, or a static
 * message when scratch memory could not be allocated (out is then incomplete).
 */
const char *sparx_depthwise_conv2d(const sparx_depthwise_args *args, int threads, int isa_limit);

#endif
