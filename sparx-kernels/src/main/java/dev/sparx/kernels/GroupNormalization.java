package dev.sparx.kernels;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import dev.sparx.core.SparxException;

/**
 * GroupNorm with one group: each sample normalised over all its channels and positions together
 * (biased variance), then scaled and shifted per channel. Two forms compute it:
 *
 * <ul>
 *   <li>the NDArray form: libtorch's layer norm over (C, H, W), with the per-channel affine
 *       broadcast over (H, W) (DJL has no group norm; libtorch differentiates the whole of it);
 *   <li>the native CPU kernel: two passes over the input, statistics in double, the affine fused
 *       into the normalising pass; libtorch's layer norm first copies the broadcast affine into two
 *       (C, H, W) arrays.
 * </ul>
 *
 * {@link #apply} chooses as {@link DepthwiseConvolution#apply} does.
 */
public final class GroupNormalization {

    private GroupNormalization() {}

    /**
     * @param x (B, C, ...)
     * @param gamma (C)
     * @param beta (C)
     * @param eps added to the variance
     * @return the same shape, in x's manager
     */
    public static NDArray apply(NDArray x, NDArray gamma, NDArray beta, float eps) {
        // the NDArray form reports bad shapes
        return ChannelPlanes.fitNativeKernel(x) && CpuKernelCall.fits(x, gamma, beta)
                ? nativeKernel(x, gamma, beta, eps, JniUtils.getNumThreads(), IsaLimit.NONE)
                : portable(x, gamma, beta, eps);
    }

    /**
     * The NDArray form.
     *
     * @param x (B, C, ...)
     * @param gamma (C)
     * @param beta (C)
     * @param eps added to the variance
     * @return the same shape
     */
    public static NDArray portable(NDArray x, NDArray gamma, NDArray beta, float eps) {
        checkShapes(x, gamma, beta);
        Shape perSample = x.getShape().slice(1);
        long[] perChannel = ChannelPlanes.perChannel(x);
        NDArray w = ParameterViews.reshape(gamma, x, perChannel).broadcast(perSample);
        NDArray b = ParameterViews.reshape(beta, x, perChannel).broadcast(perSample);
        return x.getNDArrayInternal().layerNorm(x, perSample, w, b, eps).singletonOrThrow();
    }

    /**
     * The native CPU kernel.
     *
     * @param x (B, C, ...), float32 on the CPU
     * @param gamma (C)
     * @param beta (C)
     * @param eps added to the variance, at least 0
     * @param threads the most threads to use, the caller's included
     * @param isaLimit the best instruction set to use
     * @return the same shape
     * @throws SparxException where the library is not loaded, gradients are being recorded, or an
     *     input is not float32 on the CPU or has the wrong shape
     */
    static NDArray nativeKernel(NDArray x, NDArray gamma, NDArray beta, float eps, int threads, IsaLimit isaLimit) {
        String prefix = "GroupNorm (native): ";
        CpuKernelCall.check(prefix, threads, x, gamma, beta);
        long channels = checkShapes(x, gamma, beta);
        int spatial = ChannelPlanes.planeSize(prefix, x);
        int batch = Math.toIntExact(x.getShape().get(0));
        return CpuKernelCall.into(KernelTimes.Kind.GROUP_NORM, x, prefix,
                out -> NativeKernels.groupNorm(CpuKernelCall.storage(x), CpuKernelCall.storage(gamma),
                        CpuKernelCall.storage(beta), out, batch, Math.toIntExact(channels), spatial, eps, threads,
                        isaLimit.ordinal()));
    }

    /** @return C, after checking x (B, C, ...), gamma and beta (C) */
    private static long checkShapes(NDArray x, NDArray gamma, NDArray beta) {
        return ChannelPlanes.checkChannels("GroupNorm: ", x, "weight", gamma, "bias", beta);
    }
}
