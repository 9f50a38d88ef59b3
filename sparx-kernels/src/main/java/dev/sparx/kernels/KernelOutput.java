package dev.sparx.kernels;

import ai.djl.ndarray.NDArray;
import dev.sparx.core.SparxException;
import java.util.function.Function;

/** A native kernel's output array: handed to the kernel, and closed again if the kernel fails. */
final class KernelOutput {

    private KernelOutput() {}

    /**
     * @param out the output, created by the caller for the kernel to write
     * @param prefix the operation's name for messages, e.g. {@code "GroupNorm (native): "}
     * @param kernel the JNI call given the output; returns null on success, else what failed
     * @return out, written
     * @throws SparxException with the kernel's message when it fails; out is closed then, and on any
     *     other exception
     */
    static NDArray fill(NDArray out, String prefix, Function<NDArray, String> kernel) {
        try {
            String failure = kernel.apply(out);
            if (failure != null) {
                throw new SparxException(prefix + failure);
            }
            return out;
        } catch (RuntimeException e) {
            out.close();
            throw e;
        }
    }
}
