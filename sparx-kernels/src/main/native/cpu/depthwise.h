/*
 * Depthwise 2-D convolution (NCHW, float32, an odd square kernel K with K/2 zero padding, stride
 * s) with the bias and what follows it in SparX-Mamba fused into one pass over the output. With
 * that padding the output at stride s is the stride-1 output at every s-th row and column, of size
 * ceil(H/s) x ceil(W/s), and that is how it is computed: every s-th row in full, then every s-th
 * column of it stored (SparX's strided ones, the q/k reductions, have s = 2 or 4 on maps of 7 to 28
 * columns, where gathering the strided inputs would cost more than the columns computed in vain).
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
    const float *input;      /* (B, C, H, W) */
    const float *input_bias; /* (C), or NULL: added to the input as it is read (a preceding 1x1
                                convolution's bias), so x + input_bias is convolved and is the
                                residual; padding stays zero */
    const float *weight;     /* (C, 1, K, K) */
    const float *bias;       /* (C), or NULL for none */
    float *out;          /* (B, C, ceil(H / stride), ceil(W / stride)) */
    int64_t batch, channels, height, width, kernel, stride;
    int epilogue; /* a residual one only at stride 1 */
} sparx_depthwise_args;

/*
 * Runs the convolution on up to `threads` threads (the caller's included), in runs of (image,
 * channel) planes, at the best instruction set up to `isa_limit` (isa.h). Returns NULL, or a static
 * message when scratch memory could not be allocated (out is then incomplete).
 */
const char *sparx_depthwise_conv2d(const sparx_depthwise_args *args, int threads, int isa_limit);

#endif
