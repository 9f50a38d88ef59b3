package dev.sparx.kernels;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.pytorch.jni.JniUtils;
import dev.sparx.core.SparxException;

/**
 * A depthwise 2-D convolution (an odd square kernel K, K/2 zero padding, stride s: the size
 * divided by s, rounded up) followed by what SparX-Mamba applies to its result: nothing, SiLU,
 * GELU, and at stride 1 the residual x + y or GELU of the residual. An optional per-channel input
 * bias is added to x as it is read (x is then x + inputBias throughout, the residual included):
 * the bias of the 1x1 convolution before it, which would otherwise take a pass over the map of its
 * own. Two forms compute it:
 *
 * <ul>
 *   <li>the NDArray form: libtorch's convolution, then the epilogue as NDArray operations; what
 *       autograd differentiates;
 *   <li>the native CPU kernel ({@code libsparxscan.so}): one pass per output element, bias and
 *       epilogue included, vectorised along rows and threaded across (image, channel) planes.
 *       libtorch runs these convolutions through oneDNN on the NCHW layout at a small fraction of
 *       memory bandwidth (docs/performance.md), and each epilogue operation would be another pass.
 * </ul>
 *
 * {@link #apply} takes the native kernel for float32 CPU arrays when it is loaded and no gradients
 * are being recorded (and the system property {@code sparx.kernels.native} is not {@code false}),
 * and the NDArray form otherwise.
 */
public final class DepthwiseConvolution {

    /** What is applied to y = conv(x) + bias. The order is the native kernel's numbering. */
    public enum Epilogue {
        /** y */
        NONE,
        /** y * sigmoid(y) */
        SILU,
        /** GELU(y), the exact (erf) form */
        GELU,
        /** x + y */
        RESIDUAL,
        /** GELU(x + y) */
        RESIDUAL_GELU;

        NDArray applyTo(NDArray y, NDArray x) {
            switch (this) {
                case SILU:
                    return y.mul(Activation.sigmoid(y));
                case GELU:
                    return Activation.gelu(y);
                case RESIDUAL:
                    return x.add(y);
                case RESIDUAL_GELU:
                    return Activation.gelu(x.add(y));
                default:
                    return y;
            }
        }
    }

    /** The largest kernel size the native kernel takes (depthwise.c's MAX_KERNEL). */
    private static final int MAX_NATIVE_KERNEL = 15;

    private DepthwiseConvolution() {}

    /**
     * @param x (B, C, H, W)
     * @param inputBias (C), added to x before anything else, or null for none
     * @param weight (C, 1, K, K), K odd
     * @param bias (C), or null for none
     * @param stride s, at least 1; 1 for a residual epilogue
     * @param epilogue what follows the convolution
     * @return (B, C, ceil(H/s), ceil(W/s)), in x's manager
     */
    public static NDArray apply(NDArray x, NDArray inputBias, NDArray weight, NDArray bias, int stride,
            Epilogue epilogue) {
        Shape w = weight.getShape();
        boolean kernelFits = w.dimension() == 4 && w.get(2) <= MAX_NATIVE_KERNEL;
        return kernelFits && CpuKernelCall.fits(x, inputBias, weight, bias)
                ? nativeKernel(x, inputBias, weight, bias, stride, epilogue, JniUtils.getNumThreads(), IsaLimit.NONE)
                : portable(x, inputBias, weight, bias, stride, epilogue);
    }

    /**
     * The NDArray form.
     *
     * @param x (B, C, H, W)
     * @param inputBias (C), added to x before anything else, or null for none
     * @param weight (C, 1, K, K), K odd
     * @param bias (C), or null for none
     * @param stride s, at least 1; 1 for a residual epilogue
     * @param epilogue what follows the convolution
     * @return (B, C, ceil(H/s), ceil(W/s))
     */
    public static NDArray portable(NDArray x, NDArray inputBias, NDArray weight, NDArray bias, int stride,
            Epilogue epilogue) {
        int kernel = checkShapes(x, inputBias, weight, bias, stride, epilogue);
        NDArray in = inputBias == null ? x : x.add(ParameterViews.reshape(inputBias, x, -1, 1, 1));
        NDArray y = Conv2d.conv2d(in, weight, bias, new Shape(stride, stride), new Shape(kernel / 2, kernel / 2),
                new Shape(1, 1), (int) x.getShape().get(1)).singletonOrThrow();
        return epilogue.applyTo(y, in);
    }

    /**
     * The native CPU kernel. Inputs are read in place where they are contiguous (DJL copies others
     * first); the output is written straight into a new array's storage.
     *
     * @param x (B, C, H, W), float32 on the CPU
     * @param inputBias (C), added to x as it is read, or null for none
     * @param weight (C, 1, K, K), K odd, at most 15
     * @param bias (C), or null for none
     * @param stride s, at least 1; 1 for a residual epilogue
     * @param epilogue what follows the convolution
     * @param threads the most threads to use, the caller's included
     * @param isaLimit the best instruction set to use
     * @return (B, C, ceil(H/s), ceil(W/s))
     * @throws SparxException where the library is not loaded, gradients are being recorded, or an
     *     input is not float32 on the CPU or has the wrong shape
     */
    static NDArray nativeKernel(NDArray x, NDArray inputBias, NDArray weight, NDArray bias, int stride,
            Epilogue epilogue, int threads, IsaLimit isaLimit) {
        String prefix = "depthwise convolution (native): ";
        CpuKernelCall.check(prefix, threads, x, inputBias, weight, bias);
        int kernel = checkShapes(x, inputBias, weight, bias, stride, epilogue);
        if (kernel > MAX_NATIVE_KERNEL) {
            throw new SparxException(prefix + "the kernel is " + kernel + "x" + kernel + "; the native kernel takes at"
                    + " most " + MAX_NATIVE_KERNEL + "x" + MAX_NATIVE_KERNEL);
        }
        Shape s = x.getShape();
        Shape outShape = new Shape(s.get(0), s.get(1), ceilDiv(s.get(2), stride), ceilDiv(s.get(3), stride));
        return CpuKernelCall.into(KernelTimes.Kind.DEPTHWISE_CONVOLUTION, x, outShape, prefix,
                out -> NativeKernels.depthwiseConv2d(CpuKernelCall.storage(x), CpuKernelCall.storage(inputBias),
                        CpuKernelCall.storage(weight), CpuKernelCall.storage(bias), out, Math.toIntExact(s.get(0)),
                        Math.toIntExact(s.get(1)), Math.toIntExact(s.get(2)), Math.toIntExact(s.get(3)), kernel,
                        stride, epilogue.ordinal(), threads, isaLimit.ordinal()));
    }

    private static long ceilDiv(long size, int stride) {
        return (size + stride - 1) / stride;
    }

    /**
     * @return K, after checking x (B, C, H, W), inputBias (C), weight (C, 1, K, K) with K odd, bias
     *     (C), a stride of at least 1, and stride 1 for a residual epilogue
     */
    private static int checkShapes(NDArray x, NDArray inputBias, NDArray weight, NDArray bias, int stride,
            Epilogue epilogue) {
        String prefix = "depthwise convolution: ";
        if (stride < 1) {
            throw new SparxException(prefix + "stride " + stride + "; expected at least 1");
        }
        if (stride > 1 && (epilogue == Epilogue.RESIDUAL || epilogue == Epilogue.RESIDUAL_GELU)) {
            throw new SparxException(prefix + "the " + epilogue + " epilogue adds the input, so it needs stride 1;"
                    + " got stride " + stride);
        }
        Shape s = x.getShape();
        if (s.dimension() != 4) {
            throw new SparxException(prefix + "x has shape " + s + "; expected (B, C, H, W)");
        }
        long channels = s.get(1);
        Shape w = weight.getShape();
        if (w.dimension() != 4 || w.get(0) != channels || w.get(1) != 1 || w.get(2) != w.get(3) || w.get(2) % 2 == 0) {
            throw new SparxException(prefix + "weight has shape " + w + "; expected (" + channels
                    + ", 1, K, K) with K odd");
        }
        if (inputBias != null && !inputBias.getShape().equals(new Shape(channels))) {
            throw new SparxException(prefix + "inputBias has shape " + inputBias.getShape() + "; expected (" + channels
                    + ")");
        }
        if (bias != null && !bias.getShape().equals(new Shape(channels))) {
            throw new SparxException(prefix + "bias has shape " + bias.getShape() + "; expected (" + channels + ")");
        }
        return (int) w.get(2);
    }
}
