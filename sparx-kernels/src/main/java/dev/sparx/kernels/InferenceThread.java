package dev.sparx.kernels;

import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Marks the calling thread as one that only runs inference, so that {@code auto} picks the native
 * scan there.
 *
 * <p>libtorch's grad mode is per thread: DJL turns it off on the thread that loads the engine and
 * a {@code GradientCollector} turns it on and off again, but every other thread starts with it on.
 * A predictor used from a service's own threads would therefore take the NDArray scan (see
 * {@link GradientRecording}). Turning grad mode off there is what DJL already does on its loading
 * thread; a later {@code GradientCollector} on the same thread turns it back on.
 */
public final class InferenceThread {

    private static final String PYTORCH = "PyTorch";

    private InferenceThread() {}

    /**
     * Turns gradient recording off on the calling thread (PyTorch engine; other engines are left as
     * they are).
     *
     * @param manager any manager of the engine the thread's arrays belong to
     */
    public static void enter(NDManager manager) {
        if (PYTORCH.equals(manager.getEngine().getEngineName()) && JniUtils.isGradMode()) {
            JniUtils.setGradMode(false);
        }
    }
}
