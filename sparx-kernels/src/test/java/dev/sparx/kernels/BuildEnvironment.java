package dev.sparx.kernels;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * Which native libraries this build must have produced, so tests can tell a library that is
 * legitimately absent (no compiler, another platform, switched off) from a broken build. The Maven
 * properties sparx.native.skip and sparx.native.cuda reach the tests as system properties.
 */
final class BuildEnvironment {

    private BuildEnvironment() {}

    /** @return true when gcc is on the PATH of a linux-x86_64 build that did not skip native code */
    static boolean expectsNativeLibrary() {
        return BundledLibrary.platform().equals(BundledLibrary.BUILT_PLATFORM) && onPath("gcc")
                && !Boolean.getBoolean("sparx.native.skip");
    }

    /**
     * For tests of the CPU kernels: fails where this build should have produced libsparxscan but it
     * did not load, skips the test class where the build legitimately has none.
     */
    static void requireNativeLibrary() {
        if (expectsNativeLibrary()) {
            assertTrue(NativeSelectiveScan.isAvailable(), () -> "libsparxscan did not load: "
                    + NativeSelectiveScan.unavailableReason().orElse(""));
        }
        assumeTrue(NativeSelectiveScan.isAvailable(), "no native library in this build");
    }

    /** @return true when the native build ran with CUDA enabled and nvcc on the PATH */
    static boolean expectsCudaLibrary() {
        return expectsNativeLibrary() && onPath("nvcc") && !"false".equals(System.getProperty("sparx.native.cuda"));
    }

    private static boolean onPath(String program) {
        return Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .anyMatch(dir -> !dir.isEmpty() && Files.isExecutable(Path.of(dir, program)));
    }
}
