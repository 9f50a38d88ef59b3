package dev.sparx.kernels;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.Optional;

/**
 * A JNI library shipped inside this module's jar (or class directory) under
 * {@code native/<os>-<arch>/lib<name>.so}, loaded by extracting it to a temporary file. Loading
 * never throws: where the platform has no build, the resource is missing or the loader refuses it,
 * {@link #failure()} says why, and callers fall back to the NDArray implementation.
 */
final class BundledLibrary {

    private final String name;
    private final String failure;

    private BundledLibrary(String name, String failure) {
        this.name = name;
        this.failure = failure;
    }

    /** The only platform the build compiles for. */
    static final String BUILT_PLATFORM = "linux-x86_64";

    /**
     * Extracts and loads {@code lib<name>.so} for this platform.
     *
     * @param name the library's base name, e.g. {@code sparxscan}
     * @param compiler the compiler the build needs for it, named where the library is missing
     * @return the outcome: loaded, or the reason it was not
     */
    static BundledLibrary load(String name, String compiler) {
        String platform = platform();
        String resource = "native/" + platform + "/lib" + name + ".so";
        try (InputStream in = BundledLibrary.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                return new BundledLibrary(name, platform.equals(BUILT_PLATFORM)
                        ? resource + " is not on the class path (was the project built without " + compiler + "?)"
                        : "lib" + name + " is built for " + BUILT_PLATFORM + " only, this is " + platform);
            }
            Path file = Files.createTempFile("lib" + name, ".so");
            try {
                Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
                System.load(file.toAbsolutePath().toString());
            } finally {
                // the loaded mapping outlives the directory entry on Linux, so nothing is left behind
                Files.deleteIfExists(file);
            }
            return new BundledLibrary(name, null);
        } catch (IOException | UnsatisfiedLinkError | SecurityException e) {
            return new BundledLibrary(name, "loading " + resource + " failed: " + e);
        }
    }

    /** @return {@code os-arch} in the form the resource folders use, e.g. {@code linux-x86_64} */
    static String platform() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        String osName = os.startsWith("linux") ? "linux" : os.startsWith("mac") ? "osx"
                : os.startsWith("windows") ? "win" : os.replace(' ', '_');
        String archName = arch.equals("amd64") || arch.equals("x86_64") ? "x86_64"
                : arch.equals("aarch64") || arch.equals("arm64") ? "aarch64" : arch;
        return osName + "-" + archName;
    }

    /** @return whether the library is loaded and its native methods can be called */
    boolean isLoaded() {
        return failure == null;
    }

    /** @return why the library is not loaded, or empty when it is */
    Optional<String> failure() {
        return Optional.ofNullable(failure);
    }

    /** @return the library's base name */
    String name() {
        return name;
    }
}
