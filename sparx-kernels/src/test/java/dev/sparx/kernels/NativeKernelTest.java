package dev.sparx.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * What the tests of the CPU kernels share: the library required where the build should have it
 * (skipped where it legitimately has none), one manager for the class, and the bar every kernel is
 * held to against its float64 definition.
 */
abstract class NativeKernelTest {

    /** relative L2 distance from the float64 definition */
    static final double TOLERANCE = 1e-6;

    static NDManager manager;

    @BeforeAll
    static void requireLibrary() {
        BuildEnvironment.requireNativeLibrary();
        manager = NDManager.newBaseManager();
    }

    /** One run of a kernel under test. */
    @FunctionalInterface
    interface KernelRun {
        /**
         * @param threads the most threads the kernel may use
         * @param limit the best instruction set it may use
         * @return its output, closed by the caller
         */
        NDArray run(int threads, IsaLimit limit);
    }

    /**
     * Runs a kernel at every instruction-set level on 1 and 3 threads and holds each output to
     * {@link #TOLERANCE} of its float64 definition.
     *
     * @param what the case, for messages
     * @param shape the output's expected shape
     * @param expected the definition's output, in float64
     * @param kernel the kernel
     */
    static void assertMatchesEverywhere(String what, Shape shape, double[] expected, KernelRun kernel) {
        for (IsaLimit limit : IsaLimit.values()) {
            for (int threads : new int[] {1, 3}) {
                try (NDArray y = kernel.run(threads, limit)) {
                    assertEquals(shape, y.getShape(), what);
                    assertNear(what + ", " + limit + ", " + threads + " threads", expected, y);
                }
            }
        }
    }

    /**
     * @param what the case, for messages
     * @param expected the definition's output, in float64
     * @param y an output, held to {@link #TOLERANCE} of it (relative L2)
     */
    static void assertNear(String what, double[] expected, NDArray y) {
        double error = SequentialReference.relativeL2(SequentialReference.toDouble(y.toFloatArray()), expected);
        assertTrue(error <= TOLERANCE, () -> what + ": relative L2 " + error);
    }

    @AfterAll
    static void close() {
        if (manager != null) {
            manager.close();
            manager = null;
        }
    }
}
