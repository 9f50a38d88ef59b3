package dev.sparx.kernels;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Whether an operation on given arrays would be recorded for autograd, in which case the native
 * scans, which have no backward, must not replace the NDArray one.
 *
 * <p>In the PyTorch engine that is libtorch's thread-local grad mode: DJL turns it on inside a
 * {@code GradientCollector} and off on the thread that loads the engine, and every other thread
 * starts with it on (libtorch's default). The mode is the whole test because nothing in DJL tells
 * whether an intermediate array is tracked: {@link NDArray#hasGradient()} is true only for leaves
 * that will receive a gradient, and false for an activation computed from parameters. Since DJL's
 * parameters always require a gradient, grad mode on means the model's arrays are tracked. (It
 * also means a call in grad mode on untracked arrays takes the NDArray path: slower, not wrong.)
 *
 * <p>Other engines have no such query; there an input that requires a gradient counts.
 */
final class GradientRecording {

    private static final String PYTORCH = "PyTorch";

    private GradientRecording() {}

    /**
     * @param inputs the arrays an operation would read, all of one engine
     * @return true when an operation on them would be recorded for a backward pass
     */
    static boolean isRecording(NDArray... inputs) {
        if (PYTORCH.equals(inputs[0].getManager().getEngine().getEngineName())) {
            return JniUtils.isGradMode();
        }
        for (NDArray input : inputs) {
            if (input.hasGradient()) {
                return true;
            }
        }
        return false;
    }
}
