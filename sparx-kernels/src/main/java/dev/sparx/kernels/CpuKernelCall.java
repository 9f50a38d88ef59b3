package dev.sparx.kernels;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.sparx.core.SparxException;
import java.nio.ByteBuffer;
import java.util.function.Function;

/**
 * What the native CPU kernels besides the scan (depthwise convolution, GroupNorm, layer-scaled
 * residual) share around their JNI call: whether an automatic choice may take them, the checks
 * before a call, and the output, a new array in the input's manager that the kernel writes straight
 * into and that is closed again if the kernel reports a failure.
 */
final class CpuKernelCall {

    private CpuKernelCall() {}

    /**
     * @param inputs the arrays the kernel would read; nulls (absent optional inputs) are skipped
     * @return whether an automatic choice should take the native kernel for them
     */
    static boolean fits(NDArray... inputs) {
        return NativeKernels.chosenAutomatically() && notFloat32OnCpu(inputs) == null
                && !GradientRecording.isRecording(inputs[0]);
    }

    /**
     * @param prefix the operation's name for messages, e.g. {@code "GroupNorm (native): "}
     * @param threads the threads asked for
     * @param inputs the arrays the kernel reads; nulls are skipped
     * @throws SparxException when the library is not loaded, threads is below 1, an input is not
     *     float32 on the CPU, or gradients are being recorded (the kernels have no backward)
     */
    static void check(String prefix, int threads, NDArray... inputs) {
        if (!NativeKernels.LIBRARY.isLoaded()) {
            throw new SparxException(prefix + NativeKernels.LIBRARY.failure().orElseThrow());
        }
        if (threads < 1) {
            throw new SparxException(prefix + "threads is " + threads + "; expected at least 1");
        }
        NDArray wrong = notFloat32OnCpu(inputs);
        if (wrong != null) {
            throw new SparxException(prefix + "every input must be float32 on the CPU; got " + wrong.getDataType()
                    + " on " + wrong.getDevice());
        }
        if (GradientRecording.isRecording(inputs[0])) {
            throw new SparxException(prefix + "gradients are being recorded and this kernel has no backward");
        }
    }

    /** @return the first input that is not a float32 CPU array, or null; nulls are skipped */
    private static NDArray notFloat32OnCpu(NDArray... inputs) {
        for (NDArray a : inputs) {
            if (a != null && (a.getDataType() != DataType.FLOAT32
                    || !Device.Type.CPU.equals(a.getDevice().getDeviceType()))) {
                return a;
            }
        }
        return null;
    }

    /**
     * @param kind the kernel, for {@link KernelTimes}
     * @param like the input whose shape, manager and device the output takes
     * @param prefix the operation's name for messages
     * @param kernel the JNI call, given a buffer over the output; returns null or what failed
     * @return the output
     */
    static NDArray into(KernelTimes.Kind kind, NDArray like, String prefix, Function<ByteBuffer, String> kernel) {
        return into(kind, like, like.getShape(), prefix, kernel);
    }

    /**
     * @param kind the kernel, for {@link KernelTimes}
     * @param like the input whose manager and device the output takes
     * @param shape the output's shape
     * @param prefix the operation's name for messages
     * @param kernel the JNI call, given a buffer over the output; returns null or what failed
     * @return the output
     */
    static NDArray into(KernelTimes.Kind kind, NDArray like, Shape shape, String prefix,
            Function<ByteBuffer, String> kernel) {
        long start = KernelTimes.start();
        try {
            NDArray out = like.getManager().create(shape, DataType.FLOAT32, like.getDevice());
            return KernelOutput.fill(out, prefix, o -> kernel.apply(o.toByteBuffer(true)));
        } finally {
            KernelTimes.stop(kind, start);
        }
    }

    /**
     * @param array an input, or null for an absent optional one
     * @return a direct buffer over its storage (DJL copies a non-contiguous array first), or null
     */
    static ByteBuffer storage(NDArray array) {
        return array == null ? null : array.toByteBuffer(true);
    }
}
