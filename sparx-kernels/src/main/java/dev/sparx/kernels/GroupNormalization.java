package dev.sparx.kernels;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import dev.sparx.core.SparxException;
import java.util.Arrays;

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
        Shape s = x.getShape();
        long plane = s.dimension() >= 2 && s.size() > 0 ? s.size() / (s.get(0) * s.get(1)) : 0;
        // the kernel takes a plane's size as a 32-bit int; the NDArray form reports bad shapes
        return plane > 0 && plane <= Integer.MAX_VALUE && CpuKernelCall.fits(x, gamma, beta)
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
        long channels = checkShapes(x, gamma, beta);
        Shape perSample = x.getShape().slice(1);
        long[] perChannel = new long[perSample.dimension()];
        Arrays.fill(perChannel, 1);
        perChannel[0] = channels;
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
        Shape s = x.getShape();
        long spatial = s.size() / (s.get(0) * channels);
        if (spatial > Integer.MAX_VALUE) {
            throw new SparxException(prefix + "planes of " + spatial + " elements exceed the kernel's 32-bit sizes");
        }
        return CpuKernelCall.into(KernelTimes.Kind.GROUP_NORM, x, prefix, out -> NativeKernels.groupNorm(CpuKernelCall.storage(x),
                CpuKernelCall.storage(gamma), CpuKernelCall.storage(beta), out, Math.toIntExact(s.get(0)),
                Math.toIntExact(channels), (int) spatial, eps, threads, isaLimit.ordinal()));
    }

    /** @return C, after checking x (B, C, ...), gamma and beta (C) */
    private static long checkShapes(NDArray x, NDArray gamma, NDArray beta) {
        String prefix = "GroupNorm: ";
        Shape s = x.getShape();
        if (s.dimension() < 2 || s.size() == 0) {
            throw new SparxException(prefix + "x has shape " + s + "; expected (B, C, ...) and not empty");
        }
        Shape c = new Shape(s.get(1));
        if (!gamma.getShape().equals(c) || !beta.getShape().equals(c)) {
            throw new SparxException(prefix + "weight " + gamma.getShape() + " and bias " + beta.getShape()
                    + " must both be " + c);
        }
        return s.get(1);
    }
}
