package dev.sparx.kernels;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.jni.JniUtils;
import dev.sparx.core.SparxException;

/**
 * A block's residual through its layer scale, (x * scale + shift) + branch with scale and shift per
 * channel: SparX-Mamba's layerscale_1 and layerscale_2 (stages 3 and 4) scale the residual x, not
 * the branch, before the token mixer's or the MLP's output is added. Two forms compute it:
 *
 * <ul>
 *   <li>the NDArray form: a product, a sum and a sum, each a pass over the map into a new array;
 *       what autograd differentiates;
 *   <li>the native CPU kernel: one pass.
 * </ul>
 *
 * {@link #apply} chooses as {@link DepthwiseConvolution#apply} does.
 */
public final class LayerScaleResidual {

    private LayerScaleResidual() {}

    /**
     * @param x the residual, (B, C, ...)
     * @param scale (C)
     * @param shift (C)
     * @param branch the branch's output, x's shape
     * @return (x * scale + shift) + branch, x's shape, in x's manager
     */
    public static NDArray apply(NDArray x, NDArray scale, NDArray shift, NDArray branch) {
        // the NDArray form reports bad shapes
        return ChannelPlanes.fitNativeKernel(x) && CpuKernelCall.fits(x, scale, shift, branch)
                ? nativeKernel(x, scale, shift, branch, JniUtils.getNumThreads(), IsaLimit.NONE)
                : portable(x, scale, shift, branch);
    }

    /**
     * The NDArray form.
     *
     * @param x the residual, (B, C, ...)
     * @param scale (C)
     * @param shift (C)
     * @param branch x's shape
     * @return (x * scale + shift) + branch
     */
    public static NDArray portable(NDArray x, NDArray scale, NDArray shift, NDArray branch) {
        checkShapes(x, scale, shift, branch);
        long[] perChannel = ChannelPlanes.perChannel(x);
        return x.mul(ParameterViews.reshape(scale, x, perChannel)).add(ParameterViews.reshape(shift, x, perChannel))
                .add(branch);
    }

    /**
     * The native CPU kernel.
     *
     * @param x the residual, (B, C, ...), float32 on the CPU
     * @param scale (C)
     * @param shift (C)
     * @param branch x's shape
     * @param threads the most threads to use, the caller's included
     * @param isaLimit the best instruction set to use
     * @return (x * scale + shift) + branch
     * @throws SparxException where the library is not loaded, gradients are being recorded, or an
     *     input is not float32 on the CPU or has the wrong shape
     */
    static NDArray nativeKernel(NDArray x, NDArray scale, NDArray shift, NDArray branch, int threads,
            IsaLimit isaLimit) {
        String prefix = "layer-scaled residual (native): ";
        CpuKernelCall.check(prefix, threads, x, scale, shift, branch);
        long channels = checkShapes(x, scale, shift, branch);
        int spatial = ChannelPlanes.planeSize(prefix, x);
        int batch = Math.toIntExact(x.getShape().get(0));
        return CpuKernelCall.into(KernelTimes.Kind.LAYER_SCALE_RESIDUAL, x, prefix,
                out -> NativeKernels.layerScaleResidual(CpuKernelCall.storage(x), CpuKernelCall.storage(scale),
                        CpuKernelCall.storage(shift), CpuKernelCall.storage(branch), out, batch,
                        Math.toIntExact(channels), spatial, threads, isaLimit.ordinal()));
    }

    /** @return C, after checking x (B, C, ...) not empty, scale and shift (C), branch x's shape */
    private static long checkShapes(NDArray x, NDArray scale, NDArray shift, NDArray branch) {
        String prefix = "layer-scaled residual: ";
        long channels = ChannelPlanes.checkChannels(prefix, x, "scale", scale, "shift", shift);
        if (!branch.getShape().equals(x.getShape())) {
            throw new SparxException(prefix + "branch has shape " + branch.getShape() + "; expected x's "
                    + x.getShape());
        }
        return channels;
    }
}
