package dev.sparx.kernels;

import ai.djl.ndarray.NDManager;
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

    @AfterAll
    static void close() {
        if (manager != null) {
            manager.close();
            manager = null;
        }
    }
}
