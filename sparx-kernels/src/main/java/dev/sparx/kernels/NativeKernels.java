package dev.sparx.kernels;

import java.nio.ByteBuffer;

/**
 * The JNI surface of {@code libsparxscan.so}, the CPU kernels (sources under
 * {@code src/main/native/cpu}): the fused selective scan, the depthwise convolution and GroupNorm.
 * Callers check {@link #LIBRARY} before calling a native method.
 */
final class NativeKernels {

    /** The loaded library, or why it could not be loaded. */
    static final BundledLibrary LIBRARY = BundledLibrary.load("sparxscan", "gcc");

    /**
     * The system property that, set to {@code false}, keeps automatic choices off the native
     * kernels (the scan's {@code auto}, {@link DepthwiseConvolution#apply},
     * {@link GroupNormalization#apply}), e.g. to compare with the NDArray forms in one process.
     */
    static final String AUTO_PROPERTY = "sparx.kernels.native";

    private NativeKernels() {}

    /** @return whether automatic choices may take the native kernels: loaded and not turned off */
    static boolean chosenAutomatically() {
        return LIBRARY.isLoaded() && !"false".equalsIgnoreCase(System.getProperty(AUTO_PROPERTY));
    }

    /**
     * Runs the fused four-direction scan. Every buffer is a direct buffer over contiguous float32
     * data in native byte order; the native side rechecks sizes and alignment against the
     * dimensions and returns a message rather than reading or writing out of bounds.
     *
     * @param u (B, D, H, W)
     * @param delta (B, K, D, H, W)
     * @param a (K*D, N)
     * @param b (B, K, N, H, W)
     * @param c (B, K, N, H, W)
     * @param d (K*D)
     * @param deltaBias (K*D)
     * @param out (B, D, H, W), written entirely; must not overlap an input
     * @param batch B
     * @param channels D
     * @param state N
     * @param height H
     * @param width W
     * @param threads the most threads to use, the caller's included
     * @param isaLimit the ordinal of an {@link IsaLimit}
     * @return null on success, else what was wrong
     */
    static native String crossScanMerge(ByteBuffer u, ByteBuffer delta, ByteBuffer a, ByteBuffer b, ByteBuffer c,
            ByteBuffer d, ByteBuffer deltaBias, ByteBuffer out, int batch, int channels, int state, int height,
            int width, int threads, int isaLimit);

    /**
     * Runs the fused four-direction scan with delta given by its factors, delta[b][k] =
     * deltaWeight[k] deltaLow[b][k], expanded inside the kernel. Buffers as for
     * {@link #crossScanMerge}.
     *
     * @param u (B, D, H, W)
     * @param deltaLow (B, K, R, H, W)
     * @param deltaWeight (K, D, R)
     * @param a (K*D, N)
     * @param b (B, K, N, H, W)
     * @param c (B, K, N, H, W)
     * @param d (K*D)
     * @param deltaBias (K*D)
     * @param out (B, D, H, W), written entirely; must not overlap an input
     * @param batch B
     * @param channels D
     * @param state N
     * @param height H
     * @param width W
     * @param rank R, 1 to 16
     * @param threads the most threads to use, the caller's included
     * @param isaLimit the ordinal of an {@link IsaLimit}
     * @return null on success, else what was wrong
     */
    static native String crossScanMergeLowRank(ByteBuffer u, ByteBuffer deltaLow, ByteBuffer deltaWeight,
            ByteBuffer a, ByteBuffer b, ByteBuffer c, ByteBuffer d, ByteBuffer deltaBias, ByteBuffer out, int batch,
            int channels, int state, int height, int width, int rank, int threads, int isaLimit);

    /**
     * @param isaLimit the ordinal of an {@link IsaLimit}
     * @return the instruction set the kernels run with on this processor under that limit
     */
    static native String instructionSet(int isaLimit);

    /**
     * Runs a depthwise convolution, padding kernel/2, with the bias and the epilogue fused. Every buffer is a direct buffer over contiguous float32 data in native byte order; the
     * native side rechecks sizes and alignment.
     *
     * @param input (B, C, H, W)
     * @param inputBias (C), added to the input as it is read, or null for none
     * @param weight (C, 1, K, K)
     * @param bias (C), or null for none
     * @param out (B, C, ceil(H/stride), ceil(W/stride)), written entirely; must not overlap an input
     * @param batch B
     * @param channels C
     * @param height H
     * @param width W
     * @param kernel K, odd, at most 15
     * @param stride at least 1; 1 for a residual epilogue
     * @param epilogue the ordinal of a {@link DepthwiseConvolution.Epilogue}
     * @param threads the most threads to use, the caller's included
     * @param isaLimit the ordinal of an {@link IsaLimit}
     * @return null on success, else what was wrong
     */
    static native String depthwiseConv2d(ByteBuffer input, ByteBuffer inputBias, ByteBuffer weight, ByteBuffer bias,
            ByteBuffer out,
            int batch, int channels, int height, int width, int kernel, int stride, int epilogue, int threads,
            int isaLimit);

    /**
     * Runs GroupNorm with one group: each sample normalised over (C, H*W) with its biased variance,
     * then scaled and shifted per channel. Buffers as for {@link #depthwiseConv2d}.
     *
     * @param input (B, C, H*W)
     * @param weight (C)
     * @param bias (C)
     * @param out (B, C, H*W), written entirely; must not overlap an input
     * @param batch B
     * @param channels C
     * @param spatial H*W
     * @param eps added to the variance
     * @param threads the most threads to use, the caller's included
     * @param isaLimit the ordinal of an {@link IsaLimit}
     * @return null on success, else what was wrong
     */
    static native String groupNorm(ByteBuffer input, ByteBuffer weight, ByteBuffer bias, ByteBuffer out, int batch,
            int channels, int spatial, double eps, int threads, int isaLimit);

    /**
     * Computes a block's layer-scaled residual, out = (x * scale + shift) + branch per channel.
     * Buffers as for {@link #depthwiseConv2d}.
     *
     * @param x (B, C, L)
     * @param scale (C)
     * @param shift (C)
     * @param branch (B, C, L)
     * @param out (B, C, L), written entirely; must not overlap an input
     * @param batch B
     * @param channels C
     * @param spatial L
     * @param threads the most threads to use, the caller's included
     * @param isaLimit the ordinal of an {@link IsaLimit}
     * @return null on success, else what was wrong
     */
    static native String layerScaleResidual(ByteBuffer x, ByteBuffer scale, ByteBuffer shift, ByteBuffer branch,
            ByteBuffer out, int batch, int channels, int spatial, int threads, int isaLimit);
}
